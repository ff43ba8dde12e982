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
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Barrier, Condvar, Mutex, MutexGuard};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use lock_ordering::given::open_accounts;
use lock_ordering::{Lockable, TransferError, transfer};
use proptest::prelude::*;

/// "Held `a` while taking `b`" edges seen so far, in one bank.
#[derive(Default)]
struct LockOrder {
    edges: BTreeMap<usize, BTreeSet<usize>>,
    /// Locks taken so far, of any account.
    taken: usize,
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
            order.taken += 1;
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

/// The order of the error checks, each case built so that a later check
/// would answer differently if it came first; and no refusal but the funds
/// check may lock an account.
#[test]
fn errors_come_in_the_documented_order() {
    let accounts = tracked_accounts(&[5, 5]);
    let cases = [
        ((7, 9, 1), TransferError::NoSuchAccount(7), "`from` is checked before `to`"),
        ((9, 1, 1), TransferError::NoSuchAccount(9), "a missing `from` is refused"),
        ((1, 9, 1), TransferError::NoSuchAccount(9), "a missing `to` is refused"),
        ((2, 2, 1), TransferError::NoSuchAccount(2), "a missing account is refused before `from == to` is looked at"),
        ((0, 9, 99), TransferError::NoSuchAccount(9), "a missing `to` is refused before the funds are looked at"),
        ((1, 1, 99), TransferError::SameAccount(1), "`from == to` is refused before the funds are looked at"),
    ];
    for ((from, to, amount), want, rule) in cases {
        let got = transfer(&accounts, from, to, amount);
        assert_eq!(
            got,
            Err(want.clone()),
            "transfer({from} → {to}, {amount}) on 2 accounts: expected {want:?}, since {rule}"
        );
        if !matches!(want, TransferError::InsufficientFunds { .. }) {
            let taken = std::mem::take(&mut unpoisoned(&accounts[0].order).taken);
            assert_eq!(
                taken, 0,
                "transfer({from} → {to}, {amount}) locked {taken} account(s) before refusing with {want:?}:\n\
                 check both indices and from == to before locking anything"
            );
        }
    }
    assert_eq!(balances(&accounts), [5, 5], "a refused transfer changed the balances");
}

#[test]
fn a_refused_transfer_changes_nothing() {
    let accounts = open_accounts(&[30, 7]);
    let got = transfer(&accounts, 0, 1, 31);
    assert_eq!(got, Err(TransferError::InsufficientFunds { from: 0, balance: 30, amount: 31 }));
    assert_eq!(
        balances(&accounts),
        [30, 7],
        "transfer(0 → 1, 31) was refused, yet the balances changed: check the funds before changing either account"
    );
}

/// Plain locks around each balance, except for one account, `contended`: a
/// thread that locks it a second time (each thread of the test makes one
/// transfer, which should lock it once) first waits until every thread has
/// finished its first lock session on it (at most [`RACE_PATIENCE`]). A
/// transfer that checks the balance in one lock session and moves the money
/// in another then always lets every other thread check in between: the race
/// such a transfer has under load, made certain.
struct RaceLock {
    account: usize,
    balance: Mutex<u64>,
    race: Arc<Race>,
}

const RACE_PATIENCE: Duration = Duration::from_secs(2);

struct Race {
    contended: usize,
    threads: usize,
    /// The threads that have finished a lock session on `contended`.
    done_once: Mutex<HashSet<ThreadId>>,
    changed: Condvar,
}

struct RaceGuard<'a> {
    guard: MutexGuard<'a, u64>,
    lock: &'a RaceLock,
}

impl Lockable for RaceLock {
    type Guard<'a> = RaceGuard<'a>;

    fn lock(&self) -> RaceGuard<'_> {
        if self.account == self.race.contended {
            let race = &self.race;
            let deadline = Instant::now() + RACE_PATIENCE;
            let mut done = unpoisoned(&race.done_once);
            if done.contains(&thread::current().id()) {
                while done.len() < race.threads {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    done = race.changed.wait_timeout(done, left).unwrap_or_else(|p| p.into_inner()).0;
                }
            }
        }
        RaceGuard { guard: unpoisoned(&self.balance), lock: self }
    }
}

impl Drop for RaceGuard<'_> {
    fn drop(&mut self) {
        let race = &self.lock.race;
        if self.lock.account == race.contended {
            unpoisoned(&race.done_once).insert(thread::current().id());
            race.changed.notify_all();
        }
    }
}

impl Deref for RaceGuard<'_> {
    type Target = u64;
    fn deref(&self) -> &u64 {
        &self.guard
    }
}

impl DerefMut for RaceGuard<'_> {
    fn deref_mut(&mut self) -> &mut u64 {
        &mut self.guard
    }
}

#[test]
fn only_one_of_eight_can_take_the_whole_balance() {
    const THREADS: usize = 8;
    const BALANCE: u64 = 1_000;
    let race = Arc::new(Race { contended: 0, threads: THREADS, done_once: Mutex::default(), changed: Condvar::new() });
    let accounts: Vec<RaceLock> = (0..=THREADS)
        .map(|account| RaceLock {
            account,
            balance: Mutex::new(if account == 0 { BALANCE } else { 0 }),
            race: race.clone(),
        })
        .collect();
    let start = Barrier::new(THREADS);
    let outcomes: Vec<_> = thread::scope(|s| {
        let handles: Vec<_> = (1..=THREADS)
            .map(|to| {
                let (accounts, start) = (&accounts, &start);
                s.spawn(move || {
                    start.wait();
                    transfer(accounts, 0, to, BALANCE)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a transfer panicked")).collect()
    });
    let after = balances(&accounts);
    let succeeded = outcomes.iter().filter(|o| o.is_ok()).count();
    assert!(
        succeeded > 0,
        "{THREADS} threads at once each moved account 0's whole balance ({BALANCE}): none succeeded ({:?}).\n\
         One must: a balance equal to the amount is enough",
        outcomes[0]
    );
    assert!(
        succeeded == 1,
        "{THREADS} threads at once each moved account 0's whole balance ({BALANCE}) to an account of its own:\n\
         {succeeded} succeeded, but the money is there only once; account 0 now holds {} (it wraps below zero).\n\
         The balance was checked under one lock and the money moved under another, and in between every other\n\
         thread checked too: check and move while holding both accounts' locks. (This test's locks let every\n\
         thread's first look at account 0 finish before anyone locks it again, so such a gap is always found.)",
        after[0]
    );
    for (outcome, to) in outcomes.iter().zip(1..) {
        if let Err(e) = outcome {
            assert_eq!(
                *e,
                TransferError::InsufficientFunds { from: 0, balance: 0, amount: BALANCE },
                "transfer 0 → {to}"
            );
        }
    }
    assert_eq!(after.iter().sum::<u64>(), BALANCE, "money was created or destroyed: {after:?}");
}

/// Plain locks, except that once the transfer 0 → 1 holds both its accounts,
/// it waits (at most [`SERIAL_PATIENCE`]) until a transfer 2 → 3 started then
/// on another thread has finished. Fine-grained locks let it finish at once:
/// it shares no account with 0 → 1.
struct HandoffLock {
    account: usize,
    balance: Mutex<u64>,
    handoff: Arc<Handoff>,
}

const SERIAL_PATIENCE: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Handoff {
    state: Mutex<HandoffState>,
    changed: Condvar,
}

#[derive(Default)]
struct HandoffState {
    /// Locks of accounts 0 and 1 taken so far (only the transfer 0 → 1 takes them).
    first_pair_locks: usize,
    /// The transfer 0 → 1 holds both its accounts and waits.
    inside: bool,
    /// The transfer 2 → 3 has returned.
    other_done: bool,
    /// The transfer 0 → 1 gave up waiting for it.
    gave_up: bool,
}

impl Handoff {
    fn wait_until(&self, done: impl Fn(&HandoffState) -> bool, patience: Duration) -> MutexGuard<'_, HandoffState> {
        let deadline = Instant::now() + patience;
        let mut state = unpoisoned(&self.state);
        while !done(&state) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = self.changed.wait_timeout(state, left).unwrap_or_else(|p| p.into_inner()).0;
        }
        state
    }
}

impl Lockable for HandoffLock {
    type Guard<'a> = MutexGuard<'a, u64>;

    fn lock(&self) -> MutexGuard<'_, u64> {
        let guard = unpoisoned(&self.balance);
        if self.account <= 1 {
            let handoff = &self.handoff;
            let mut state = unpoisoned(&handoff.state);
            state.first_pair_locks += 1;
            if state.first_pair_locks == 2 {
                state.inside = true;
                handoff.changed.notify_all();
                drop(state);
                let mut state = handoff.wait_until(|s| s.other_done, SERIAL_PATIENCE);
                state.gave_up = !state.other_done;
            }
        }
        guard
    }
}

#[test]
fn transfers_between_other_accounts_go_on_meanwhile() {
    let handoff = Arc::new(Handoff::default());
    let accounts: Vec<HandoffLock> =
        (0..5).map(|account| HandoffLock { account, balance: Mutex::new(100), handoff: handoff.clone() }).collect();
    thread::scope(|s| {
        let (accounts, handoff) = (&accounts, &handoff);
        s.spawn(move || transfer(accounts, 0, 1, 10).unwrap());
        s.spawn(move || {
            // Starts once 0 → 1 holds its accounts (or never got there).
            drop(handoff.wait_until(|s| s.inside, SERIAL_PATIENCE));
            transfer(accounts, 2, 3, 20).unwrap();
            unpoisoned(&handoff.state).other_done = true;
            handoff.changed.notify_all();
        });
    });
    let state = unpoisoned(&handoff.state);
    assert!(state.inside, "transfer 0 → 1 never held both of its accounts at once");
    assert!(
        !state.gave_up,
        "transfers are serial, as under one global lock: while transfer 0 → 1 held its two accounts,\n\
         transfer 2 → 3 on another thread could not finish in {} s, though it shares no account with it.\n\
         A global Mutex around every transfer (or locking every account) makes the threads take turns;\n\
         lock only the two accounts a transfer touches.",
        SERIAL_PATIENCE.as_secs()
    );
    drop(state);
    assert_eq!(balances(&accounts), [90, 110, 80, 120, 100]);
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
