//! The lock abstraction and the error type (given — do not edit).

use std::ops::DerefMut;
use std::sync::{Mutex, MutexGuard};

// ANCHOR: lockable
/// An account balance behind a lock. `transfer` is written against this
/// trait, not against `Mutex`, so that the tests can hand it locks that
/// record the order in which each thread takes them.
pub trait Lockable: Sync {
    type Guard<'a>: DerefMut<Target = u64>
    where
        Self: 'a;

    /// Waits for the lock and returns the guard; the lock is released when the
    /// guard is dropped.
    fn lock(&self) -> Self::Guard<'_>;
}

/// The plain lock: `std::sync::Mutex`. A panic while holding it does not
/// make the balance unusable (poisoning is ignored: a transfer changes both
/// balances or neither before it can panic).
impl Lockable for Mutex<u64> {
    type Guard<'a> = MutexGuard<'a, u64>;

    fn lock(&self) -> MutexGuard<'_, u64> {
        Mutex::lock(self).unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
// ANCHOR_END: lockable

// ANCHOR: error
/// Why a transfer did not happen; the balances are then unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    #[error("account {0} does not exist")]
    NoSuchAccount(usize),
    #[error("a transfer from account {0} to itself")]
    SameAccount(usize),
    #[error("account {from} holds {balance}, less than {amount}")]
    InsufficientFunds { from: usize, balance: u64, amount: u64 },
}
// ANCHOR_END: error

/// Accounts with the given opening balances, each behind a `Mutex`.
pub fn open_accounts(balances: &[u64]) -> Vec<Mutex<u64>> {
    balances.iter().map(|&b| Mutex::new(b)).collect()
}
