//! Exercise 13-lock-ordering — transfers between accounts that many threads
//! make at once, without deadlock. Read `book/src/ch04-synchronization/lock-ordering.md`.
//!
//! The lock trait (`Lockable`) and the error type are given in `given.rs`.

pub mod given;

pub use given::{Lockable, TransferError};

// ANCHOR: stub
/// Moves `amount` from account `from` to account `to`, atomically: no other
/// transfer sees one balance changed and not the other.
///
/// The model: hold both accounts' locks while moving the money. Two threads
/// that lock the same two accounts in opposite orders can each hold one lock
/// and wait forever for the other: a deadlock. Take locks in one global
/// order — the lower account index first — whatever the direction of the
/// transfer, and there is no cycle to wait in.
///
/// ```
/// use lock_ordering::{transfer, given::open_accounts, TransferError};
/// let accounts = open_accounts(&[100, 0]);
/// transfer(&accounts, 0, 1, 30).unwrap();
/// assert_eq!(transfer(&accounts, 1, 0, 31), Err(TransferError::InsufficientFunds { from: 1, balance: 30, amount: 31 }));
/// ```
///
/// # Errors
///
/// Checked in this order, the first that applies wins: `NoSuchAccount(from)`
/// and then `NoSuchAccount(to)` for an index out of range, `SameAccount` when
/// `from == to` (both checked before anything is locked), `InsufficientFunds`
/// when `from` holds less than `amount`. Balances are unchanged after an error.
pub fn transfer<L: Lockable>(accounts: &[L], from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
    todo!("check the indices, lock both accounts lower index first, then move the money")
}
// ANCHOR_END: stub
