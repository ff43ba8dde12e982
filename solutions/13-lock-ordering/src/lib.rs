//! Reference solution of exercise 13-lock-ordering.

#[path = "../../../exercises/13-lock-ordering/src/given.rs"]
pub mod given;

pub use given::{Lockable, TransferError};

// ANCHOR: solution
pub fn transfer<L: Lockable>(accounts: &[L], from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
    for index in [from, to] {
        if index >= accounts.len() {
            return Err(TransferError::NoSuchAccount(index));
        }
    }
    if from == to {
        // Locking one account twice would wait for ourselves.
        return Err(TransferError::SameAccount(from));
    }
    // One global order — lower index first — whichever way the money goes.
    let (first, second) = (from.min(to), from.max(to));
    let mut first_guard = accounts[first].lock();
    let mut second_guard = accounts[second].lock();
    let (source, target) =
        if from == first { (&mut *first_guard, &mut *second_guard) } else { (&mut *second_guard, &mut *first_guard) };
    if *source < amount {
        return Err(TransferError::InsufficientFunds { from, balance: *source, amount });
    }
    *source -= amount;
    *target += amount;
    Ok(())
}
// ANCHOR_END: solution
