//! The queue's state and constructor (given — do not edit). Your part,
//! `push`, `pop` and `close`, is in `lib.rs`.

use std::collections::VecDeque;

use crate::sync::{Condvar, Mutex};

// ANCHOR: types
/// A first-in, first-out queue of at most `capacity` items, shared by
/// producer and consumer threads (put it in an `Arc` or borrow it from a scope).
///
/// The model: one `Mutex` guards the items and the closed flag; a thread that
/// cannot go on waits on a `Condvar` — producers on `not_full`, consumers on
/// `not_empty` — and whoever changes the state wakes the threads it may have
/// unblocked. Waits sit in a `while` loop, because a woken thread must look
/// again: another thread may have got there first.
///
/// ```
/// use bounded_queue::BoundedQueue;
/// let q = BoundedQueue::new(2);
/// q.push(1).unwrap();
/// q.close();
/// assert_eq!(q.push(2), Err(bounded_queue::Closed(2)));
/// assert_eq!(q.pop(), Some(1)); // items pushed before close are still delivered
/// assert_eq!(q.pop(), None);    // closed and drained
/// ```
pub struct BoundedQueue<T> {
    pub(crate) state: Mutex<State<T>>,
    /// Consumers wait here while the queue is empty and open.
    pub(crate) not_empty: Condvar,
    /// Producers wait here while the queue is full and open.
    pub(crate) not_full: Condvar,
    pub(crate) capacity: usize,
}

pub(crate) struct State<T> {
    pub(crate) items: VecDeque<T>,
    pub(crate) closed: bool,
}

/// `push` after `close`: the item, handed back to the caller.
#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> BoundedQueue<T> {
    /// An open, empty queue.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0: such a queue could never accept an item.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a bounded queue needs a capacity of at least 1");
        Self {
            state: Mutex::new(State { items: VecDeque::with_capacity(capacity), closed: false }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    /// Items in the queue now.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().items.len()
    }

    /// True when no item is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
// ANCHOR_END: types
