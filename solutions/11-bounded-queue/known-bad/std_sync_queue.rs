//! expect: std-sync
//! A correct queue on std::sync::Mutex and Condvar: loom cannot see those locks, so its models would check nothing.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

pub mod sync;

#[derive(Debug, PartialEq, Eq)]
pub struct Closed<T>(pub T);

pub struct BoundedQueue<T> {
    state: Mutex<(VecDeque<T>, bool)>,
    changed: Condvar,
    capacity: usize,
}

impl<T> BoundedQueue<T> {
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a bounded queue needs a capacity of at least 1");
        Self { state: Mutex::new((VecDeque::new(), false)), changed: Condvar::new(), capacity }
    }

    pub fn len(&self) -> usize {
        self.state.lock().unwrap().0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.changed.wait_while(self.state.lock().unwrap(), |s| s.0.len() == self.capacity && !s.1).unwrap();
        if state.1 {
            return Err(Closed(item));
        }
        state.0.push_back(item);
        self.changed.notify_all();
        Ok(())
    }

    pub fn pop(&self) -> Option<T> {
        let mut state = self.changed.wait_while(self.state.lock().unwrap(), |s| s.0.is_empty() && !s.1).unwrap();
        let item = state.0.pop_front();
        self.changed.notify_all();
        item
    }

    pub fn close(&self) {
        self.state.lock().unwrap().1 = true;
        self.changed.notify_all();
    }
}
