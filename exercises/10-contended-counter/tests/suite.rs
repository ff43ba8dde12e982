//! The one test suite of exercise 10-contended-counter, run against the
//! learner's crate and the reference.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::AtomicU64;

use contended_counter::given::{self, AtomicCounter, MutexCounter, is_event};
use contended_counter::{Counter, ShardedCounter, count_events};
use crossbeam::utils::CachePadded;
use proptest::prelude::*;

/// The system allocator, counting the heap bytes each thread has allocated
/// and not yet freed. The shard type is the learner's own and private, so no
/// test can ask its size; the memory `ShardedCounter::new` keeps per shard is
/// what its padding decides.
struct CountingAllocator;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn count(bytes: isize) {
    // `try_with`: an allocation while this thread's locals are torn down is not counted.
    let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + bytes));
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            count(layout.size() as isize);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn oracle(data: &[u32]) -> u64 {
    data.iter().filter(|&&x| is_event(x)).count() as u64
}

#[test]
fn a_new_counter_is_zero() {
    for shards in [1, 2, 7, 64] {
        assert_eq!(ShardedCounter::new(shards).total(), 0, "{shards} shards");
    }
}

#[test]
fn every_shard_is_counted() {
    let c = ShardedCounter::new(5);
    for thread in 0..5 {
        for _ in 0..=thread {
            c.increment(thread);
        }
    }
    assert_eq!(c.total(), 1 + 2 + 3 + 4 + 5);
    assert_eq!(c.total(), 1 + 2 + 3 + 4 + 5, "reading the total must not change it");
}

#[test]
fn threads_beyond_the_shard_count_share_shards() {
    let c = ShardedCounter::new(3);
    for thread in [3, 4, 100, usize::MAX] {
        if panic::catch_unwind(AssertUnwindSafe(|| c.increment(thread))).is_err() {
            panic!(
                "increment({thread}) on a counter of 3 shards panicked (message above): any thread number is \
                 allowed,\nand it counts on shard thread % shards"
            );
        }
    }
    assert_eq!(c.total(), 4);
}

#[test]
fn zero_shards_are_refused() {
    let message = match panic::catch_unwind(|| ShardedCounter::new(0)) {
        Ok(_) => panic!(
            "ShardedCounter::new(0) returned a counter: with no shard, increment has nowhere to count \
             (thread % 0).\nPanic in new, with a message that mentions \"shard\""
        ),
        Err(payload) => testkit::panic_message(payload.as_ref()),
    };
    assert!(
        message.contains("shard"),
        "ShardedCounter::new(0) panicked with {message:?}: say why, with a message that mentions \"shard\""
    );
}

#[test]
fn every_shard_has_room_of_its_own() {
    const SHARDS: usize = 64;
    let room = std::mem::size_of::<CachePadded<AtomicU64>>();
    let before = LIVE_BYTES.with(Cell::get);
    let counter = ShardedCounter::new(SHARDS);
    let kept = LIVE_BYTES.with(Cell::get) - before + std::mem::size_of::<ShardedCounter>() as isize;
    assert_eq!(counter.total(), 0);
    let per_shard = kept / SHARDS as isize;
    assert!(
        per_shard >= room as isize,
        "ShardedCounter::new({SHARDS}) keeps {kept} bytes: {per_shard} per shard, so shards sit closer than {room} bytes.\n\
         The CPU moves memory in 64-byte cache lines, and on this machine fetches them in pairs: shards that close\n\
         still fight over one line (false sharing). crossbeam's CachePadded<AtomicU64> is {room} bytes here for that\n\
         reason: wrap each shard in it (#[repr(align(64))] or 56 bytes of padding are not enough). Shards in one\n\
         Vec behind one Mutex are packed too, and every increment waits for that lock: give each its own atomic."
    );
}

#[test]
fn no_increment_is_lost_when_threads_share_a_shard() {
    // Two threads on one shard: a read-then-write instead of one atomic add
    // loses counts — but only while both really run at once, which a busy
    // machine may not allow for a while. So each thread counts in windows of
    // 1 000 increments, and a window counts as shared when the other thread
    // made progress during it; both stop once one of them has had 500 shared
    // windows (or after 5 s), or one of them ends.
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
    const WINDOW: u64 = 1_000;
    const SHARED_WINDOWS: u64 = 500;
    let c = ShardedCounter::new(1);
    let done = [AtomicU64::new(0), AtomicU64::new(0)];
    let (stop, start) = (AtomicBool::new(false), std::sync::Barrier::new(2));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let shared: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|thread| {
                let (c, done, stop, start) = (&c, &done, &stop, &start);
                s.spawn(move || {
                    // Set on the way out, a panic included: the other thread stops too.
                    struct StopOthers<'a>(&'a AtomicBool);
                    impl Drop for StopOthers<'_> {
                        fn drop(&mut self) {
                            self.0.store(true, Relaxed);
                        }
                    }
                    let _stop_others = StopOthers(stop);
                    start.wait();
                    let mut shared = 0;
                    while !stop.load(Relaxed) && std::time::Instant::now() < deadline {
                        let other = done[1 - thread].load(Relaxed);
                        (0..WINDOW).for_each(|_| c.increment(thread * 7));
                        done[thread].fetch_add(WINDOW, Relaxed);
                        if done[1 - thread].load(Relaxed) != other {
                            shared += 1;
                            if shared == SHARED_WINDOWS {
                                stop.store(true, Relaxed);
                            }
                        }
                    }
                    shared
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a counting thread")).collect()
    });
    let want = done[0].load(Relaxed) + done[1].load(Relaxed);
    assert_eq!(
        c.total(),
        want,
        "{} of {want} increments were lost while two threads shared a shard ({} and {} windows of {WINDOW} \
         increments ran at the same time): a load and then a store is two steps, and another thread's add can \
         land between them — use one atomic read-modify-write (fetch_add)",
        want.saturating_sub(c.total()),
        shared[0],
        shared[1]
    );
}

#[test]
fn all_three_counters_agree_on_generated_data() {
    let data = datagen::uniform_u32(200_000, 10);
    let expected = oracle(&data);
    let mutex = given::count_events_with(&data, &MutexCounter::default(), 3);
    let atomic = given::count_events_with(&data, &AtomicCounter::default(), 3);
    let sharded = given::count_events_with(&data, &ShardedCounter::new(3), 3);
    assert_eq!([mutex, atomic, sharded], [expected; 3]);
    insta::assert_snapshot!(format!(
        "{} items, {expected} events: mutex {mutex}, atomic {atomic}, sharded {sharded}",
        data.len()
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn count_events_matches_the_sequential_oracle(data in prop::collection::vec(any::<u32>(), 0..5000)) {
        prop_assert_eq!(count_events(&data), oracle(&data));
    }

    #[test]
    fn any_threads_and_shards_count_exactly(
        data in prop::collection::vec(any::<u32>(), 0..3000),
        shards in 1usize..9,
        threads in 1usize..9,
    ) {
        prop_assert_eq!(given::count_events_with(&data, &ShardedCounter::new(shards), threads), oracle(&data));
    }
}
