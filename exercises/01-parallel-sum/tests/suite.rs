//! The one test suite of exercise 01, run unchanged against your crate and
//! the reference. `cargo xtask check 01-parallel-sum` runs it; do not edit it.

use parallel_sum::parallel_sum;
use proptest::prelude::*;

/// The sequential oracle every answer is compared with.
fn oracle(data: &[u32]) -> u64 {
    data.iter().map(|&x| u64::from(x)).sum()
}

#[test]
fn empty_data_sums_to_zero() {
    for threads in [1, 2, 7] {
        assert_eq!(parallel_sum(&[], threads), 0, "empty slice with threads = {threads}");
    }
}

#[test]
fn one_item() {
    assert_eq!(parallel_sum(&[42], 1), 42);
    assert_eq!(parallel_sum(&[42], 4), 42, "one item, four threads");
}

#[test]
fn more_threads_than_items() {
    let data = [1, 2, 3];
    assert_eq!(parallel_sum(&data, 8), 6, "3 items on 8 threads");
}

#[test]
fn length_not_divisible_by_threads_keeps_the_tail() {
    let data: Vec<u32> = (1..=10).collect();
    for threads in 1..=10 {
        assert_eq!(parallel_sum(&data, threads), 55, "1..=10 on {threads} threads");
    }
}

#[test]
fn large_values_do_not_overflow() {
    let data = vec![u32::MAX; 1000];
    assert_eq!(parallel_sum(&data, 3), 1000 * u64::from(u32::MAX));
}

#[test]
#[should_panic(expected = "threads")]
fn zero_threads_panics_with_a_clear_message() {
    parallel_sum(&[1, 2, 3], 0);
}

/// With at least as many items as threads, the data must be cut into exactly
/// `threads` chunks, each summed on its own thread. The sum cannot show how
/// the data was cut, but the number of threads started can: a chunk for the
/// remainder is one thread too many, `div_ceil` chunks leave threads without
/// work. (The calling thread may sum one chunk itself: `threads - 1` started.
/// None started at all — everything summed on the calling thread — is left to
/// the timing gate, which calls that "not parallel".)
#[test]
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn exactly_threads_chunks_each_on_its_own_thread() {
    for (len, threads) in [(9, 8), (10, 4), (1_921, 64), (100_003, 3)] {
        let data: Vec<u32> = (0..len as u32).collect();
        // Once before counting: whatever a first call sets up is not a chunk.
        parallel_sum(&data, threads);
        let (sum, started) = thread_starts::counted(|| parallel_sum(&data, threads));
        assert_eq!(sum, oracle(&data), "{len} items on {threads} threads");
        if started == 0 {
            continue;
        }
        let (base, extra) = (len / threads, len % threads);
        let hint = if started > threads {
            "more chunks than threads: is the remainder (len % threads) a chunk of its own, as with \
             data.chunks(len / threads)?"
        } else {
            "fewer chunks than threads: chunks of len.div_ceil(threads) items run out before the last threads \
             get any (9 items on 8 threads: 2, 2, 2, 2, 1)"
        };
        assert!(
            started == threads || started + 1 == threads,
            "parallel_sum({len} items, threads = {threads}) started {started} threads; it must cut exactly {threads} \
             chunks ({extra} of {} items and {} of {base}) and sum each on its own thread ({threads} threads, or \
             {} if the calling thread sums one) — {hint}",
            base + 1,
            threads - extra,
            threads - 1
        );
    }
}

/// Counts the threads a call starts, by wrapping `pthread_create` (every
/// `std::thread` spawn goes through it): a thread started by the calling
/// thread, or by a thread it started, counts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod thread_starts {
    use std::cell::Cell;
    use std::ffi::c_void;
    use std::sync::atomic::{AtomicUsize, Ordering};

    type Start = extern "C" fn(*mut c_void) -> *mut c_void;
    type Create =
        unsafe extern "C" fn(*mut libc::pthread_t, *const libc::pthread_attr_t, Start, *mut c_void) -> libc::c_int;

    /// Threads started inside [`counted`] by its thread and their descendants.
    static STARTED: AtomicUsize = AtomicUsize::new(0);
    /// Counting is on while the flag is passed on from a counted thread to its children.
    static ACTIVE: AtomicUsize = AtomicUsize::new(0);

    thread_local! {
        static COUNTED: Cell<bool> = const { Cell::new(false) };
    }

    struct Trampoline {
        start: Start,
        arg: *mut c_void,
        counted: bool,
    }

    extern "C" fn trampoline(p: *mut c_void) -> *mut c_void {
        // SAFETY: `p` is the box `pthread_create` below leaked for this thread.
        let t = unsafe { Box::from_raw(p.cast::<Trampoline>()) };
        COUNTED.with(|c| c.set(t.counted));
        (t.start)(t.arg)
    }

    /// The wrapper: the program's own definition comes before the C library's.
    ///
    /// # Safety
    ///
    /// As `pthread_create(3)`.
    #[unsafe(no_mangle)]
    pub unsafe extern "C" fn pthread_create(
        native: *mut libc::pthread_t,
        attr: *const libc::pthread_attr_t,
        f: Start,
        value: *mut c_void,
    ) -> libc::c_int {
        static REAL: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
        let real = *REAL.get_or_init(|| {
            // SAFETY: dlsym with a NUL-terminated name.
            let p = unsafe { libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr()) };
            assert!(!p.is_null(), "the C library's pthread_create");
            p as usize
        });
        // SAFETY: the address dlsym found for pthread_create.
        let real: Create = unsafe { std::mem::transmute::<usize, Create>(real) };
        let counted = ACTIVE.load(Ordering::SeqCst) > 0 && COUNTED.with(Cell::get);
        let boxed = Box::into_raw(Box::new(Trampoline { start: f, arg: value, counted })).cast::<c_void>();
        // SAFETY: the caller's arguments, with our start routine and its box.
        let result = unsafe { real(native, attr, trampoline, boxed) };
        if result == 0 {
            if counted {
                STARTED.fetch_add(1, Ordering::SeqCst);
            }
        } else {
            // SAFETY: no thread took the box.
            drop(unsafe { Box::from_raw(boxed.cast::<Trampoline>()) });
        }
        result
    }

    /// `f`'s result and the number of threads it started. One call at a time.
    pub fn counted<T>(f: impl FnOnce() -> T) -> (T, usize) {
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        STARTED.store(0, Ordering::SeqCst);
        ACTIVE.fetch_add(1, Ordering::SeqCst);
        COUNTED.with(|c| c.set(true));
        let out = f();
        COUNTED.with(|c| c.set(false));
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
        (out, STARTED.load(Ordering::SeqCst))
    }
}

/// What a person sees: the sum of a generated array for several thread counts.
#[test]
fn generated_data_report() {
    let data = datagen::uniform_u32(1_000_003, 42);
    let report: String =
        [1, 2, 3, 8, 64].iter().map(|&t| format!("threads={t:<3} sum={}\n", parallel_sum(&data, t))).collect();
    insta::assert_snapshot!("generated_1M_seed42", report);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn matches_the_sequential_oracle(
        data in prop::collection::vec(any::<u32>(), 0..2_000),
        threads in 1usize..=16,
    ) {
        prop_assert_eq!(parallel_sum(&data, threads), oracle(&data));
    }
}
