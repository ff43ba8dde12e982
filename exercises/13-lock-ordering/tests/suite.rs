//! The one test suite of exercise 13-lock-ordering, run against the learner's
//! crate and the reference.
//!
//! Most tests run `transfer` on `TrackedLock`s: locks that remember, for each
//! thread, which account it held while it took another. Holding 0 while
//! taking 1 on one occasion and 1 while taking 0 on another is a cycle — two
//! threads doing both at once can deadlock — and the lock panics the moment
//! the second order appears, before it would wait. So a deadlock-prone order
//! fails every time, even in a run that happens not to deadlock.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Barrier, Mutex, MutexGuard};

use lock_ordering::given::open_accounts;
use lock_ordering::{Lockable, TransferError, transfer};
use proptest::prelude::*;

/// "Held `a` while taking `b`" edges seen so far, in one bank.
#[derive(Default)]
struct LockOrder {
    edges: BTreeMap<usize, BTreeSet<usize>>,
}

impl LockOrder {
    /// A chain of edges from `from` to `to`, if there is one.
    fn path(&self, from: usize, to: usize) -> Option<Vec<usize>> {
        let mut stack = vec![vec![from]];
        let mut seen = BTreeSet::new();
        while let Some(path) = stack.pop() {
            let last = *path.last().unwrap();
            if last == to {
                return Some(path);
            }
            if seen.insert(last) {
                for &next in self.edges.get(&last).into_iter().flatten() {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push(longer);
                }
            }
        }
        None
    }
}

thread_local! {
    /// The tracked locks this thread holds: (bank, account).
    static HELD: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
}

struct TrackedLock {
    account: usize,
    balance: Mutex<u64>,
    order: Arc<Mutex<LockOrder>>,
}

fn tracked_accounts(balances: &[u64]) -> Vec<TrackedLock> {
    let order = Arc::new(Mutex::new(LockOrder::default()));
    balances
        .iter()
        .enumerate()
        .map(|(account, &b)| TrackedLock { account, balance: Mutex::new(b), order: order.clone() })
        .collect()
}

fn unpoisoned<T>(lock: &Mutex<T>) -> MutexGuard<'_, T> {
    lock.lock().unwrap_or_else(|p| p.into_inner())
}

impl TrackedLock {
    fn bank(&self) -> usize {
        Arc::as_ptr(&self.order) as usize
    }
}

struct TrackedGuard<'a> {
    guard: MutexGuard<'a, u64>,
    held: (usize, usize),
}

impl Lockable for TrackedLock {
    type Guard<'a> = TrackedGuard<'a>;

    fn lock(&self) -> TrackedGuard<'_> {
        let bank = self.bank();
        let held: Vec<usize> = HELD.with(|h| h.borrow().iter().filter(|(b, _)| *b == bank).map(|&(_, a)| a).collect());
        {
            let mut order = unpoisoned(&self.order);
            for &h in &held {
                if h == self.account {
                    panic!("account {h} was locked twice by one thread: it would wait for itself");
                }
                if let Some(path) = order.path(self.account, h) {
                    let chain: Vec<String> = path.iter().map(|a| a.to_string()).collect();
                    panic!(
                        "lock order cycle: a thread took account {} while holding {h}, but locks were also taken in \
                         the order {} — two threads doing both at once can deadlock; take locks in one global order",
                        self.account,
                        chain.join(" → ")
                    );
                }
                order.edges.entry(h).or_default().insert(self.account);
            }
        }
        let guard = unpoisoned(&self.balance);
        HELD.with(|h| h.borrow_mut().push((bank, self.account)));
        TrackedGuard { guard, held: (bank, self.account) }
    }
}

impl Drop for TrackedGuard<'_> {
    fn drop(&mut self) {
        HELD.with(|h| {
            let mut h = h.borrow_mut();
            let i = h.iter().rposition(|&x| x == self.held).expect("a held lock is recorded");
            h.remove(i);
        });
    }
}

impl Deref for TrackedGuard<'_> {
    type Target = u64;
    fn deref(&self) -> &u64 {
        &self.guard
    }
}

impl DerefMut for TrackedGuard<'_> {
    /// A balance may only change while both accounts of the transfer are
    /// locked: a transfer that unlocks between its two halves lets everyone
    /// else see the money missing (or doubled) in between.
    fn deref_mut(&mut self) -> &mut u64 {
        let bank = self.held.0;
        let held = HELD.with(|h| h.borrow().iter().filter(|(b, _)| *b == bank).count());
        assert!(
            held >= 2,
            "account {} was changed while only it was locked: take both accounts' locks before moving money",
            self.held.1
        );
        &mut self.guard
    }
}

fn balances<L: Lockable>(accounts: &[L]) -> Vec<u64> {
    accounts.iter().map(|a| *a.lock()).collect()
}

/// The rules on a plain Vec, one transfer at a time.
fn oracle(balances: &mut [u64], from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
    for index in [from, to] {
        if index >= balances.len() {
            return Err(TransferError::NoSuchAccount(index));
        }
    }
    if from == to {
        return Err(TransferError::SameAccount(from));
    }
    if balances[from] < amount {
        return Err(TransferError::InsufficientFunds { from, balance: balances[from], amount });
    }
    balances[from] -= amount;
    balances[to] += amount;
    Ok(())
}

#[test]
fn a_day_at_the_bank() {
    // What a person sees: each transfer's outcome and the balances after it.
    let accounts = tracked_accounts(&[100, 50, 0]);
    let mut log = Vec::new();
    for (from, to, amount) in [(0, 1, 30), (1, 2, 80), (2, 0, 1), (1, 1, 5), (0, 3, 5), (1, 0, 80), (0, 2, 150)] {
        let outcome = match transfer(&accounts, from, to, amount) {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("refused: {e}"),
        };
        log.push(format!("{from} → {to} {amount:>3}: {outcome:<46} {:?}", balances(&accounts)));
    }
    insta::assert_snapshot!(log.join("\n"));
}

#[test]
fn an_account_can_be_emptied() {
    let accounts = open_accounts(&[70, 0]);
    assert_eq!(transfer(&accounts, 0, 1, 70), Ok(()));
    assert_eq!(balances(&accounts), [0, 70]);
}

#[test]
fn lock_order_both_directions_on_one_thread() {
    // No concurrency needed: the order alone is the bug.
    let accounts = tracked_accounts(&[10, 10, 10, 10]);
    for (from, to) in [(0, 1), (1, 0), (3, 1), (2, 3), (1, 3), (3, 0)] {
        transfer(&accounts, from, to, 1).unwrap();
    }
    assert_eq!(balances(&accounts).iter().sum::<u64>(), 40);
}

#[test]
fn lock_order_a_transfer_to_itself_locks_nothing_twice() {
    let accounts = tracked_accounts(&[10, 10]);
    assert_eq!(transfer(&accounts, 1, 1, 5), Err(TransferError::SameAccount(1)));
    assert_eq!(balances(&accounts), [10, 10]);
}

#[test]
fn lock_order_many_threads_conserve_the_total() {
    let accounts = tracked_accounts(&[1_000; 6]);
    let start = Barrier::new(4);
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let (accounts, start) = (&accounts, &start);
            s.spawn(move || {
                start.wait();
                let mut x = t.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
                for _ in 0..5_000 {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let (from, to, amount) = ((x % 6) as usize, ((x >> 8) % 6) as usize, (x >> 16) % 50);
                    let _ = transfer(accounts, from, to, amount);
                }
            });
        }
    });
    assert_eq!(balances(&accounts).iter().sum::<u64>(), 6_000, "money was created or destroyed");
}

#[test]
fn missing_accounts_are_refused() {
    let accounts = tracked_accounts(&[5, 5]);
    assert_eq!(transfer(&accounts, 0, 2, 1), Err(TransferError::NoSuchAccount(2)));
    assert_eq!(transfer(&accounts, 9, 1, 1), Err(TransferError::NoSuchAccount(9)));
    assert_eq!(balances(&accounts), [5, 5]);
}

#[test]
fn plain_mutexes_opposite_directions_at_once() {
    // Real locks, two threads transferring the opposite way as fast as they
    // can: a deadlock-prone order hangs here (the checker stops it and says so).
    let accounts = open_accounts(&[1_000_000, 1_000_000]);
    let start = Barrier::new(2);
    std::thread::scope(|s| {
        for (from, to) in [(0, 1), (1, 0)] {
            let (accounts, start) = (&accounts, &start);
            s.spawn(move || {
                start.wait();
                for _ in 0..200_000 {
                    transfer(accounts, from, to, 1).unwrap();
                }
            });
        }
    });
    assert_eq!(balances(&accounts), [1_000_000, 1_000_000]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn one_transfer_at_a_time_follows_the_rules(
        opening in prop::collection::vec(0u64..100, 1..6),
        ops in prop::collection::vec((0usize..7, 0usize..7, 0u64..120), 0..40),
    ) {
        let accounts = tracked_accounts(&opening);
        let mut expected = opening.clone();
        for (from, to, amount) in ops {
            let want = oracle(&mut expected, from, to, amount);
            prop_assert_eq!(transfer(&accounts, from, to, amount), want);
            prop_assert_eq!(balances(&accounts), expected.clone());
        }
    }
}
