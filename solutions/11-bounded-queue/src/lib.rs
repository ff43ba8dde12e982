//! Reference solution of exercise 11-bounded-queue.

#[path = "../../../exercises/11-bounded-queue/src/given.rs"]
mod given;
#[path = "../../../exercises/11-bounded-queue/src/sync.rs"]
pub mod sync;

pub use given::{BoundedQueue, Closed};

// ANCHOR: solution
impl<T> BoundedQueue<T> {
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.state.lock().unwrap();
        // `while`, not `if`: a woken producer must look again — another one
        // may have taken the free slot first.
        while state.items.len() == self.capacity && !state.closed {
            state = self.not_full.wait(state).unwrap();
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        drop(state);
        // One item in: at most one consumer can use it.
        self.not_empty.notify_one();
        Ok(())
    }

    pub fn pop(&self) -> Option<T> {
        let mut state = self.state.lock().unwrap();
        while state.items.is_empty() && !state.closed {
            state = self.not_empty.wait(state).unwrap();
        }
        // Closed but not drained still delivers: items come before the flag.
        let item = state.items.pop_front()?;
        drop(state);
        self.not_full.notify_one();
        Some(item)
    }

    pub fn close(&self) {
        self.state.lock().unwrap().closed = true;
        // Every waiter must see the flag, so wake all of them, on both sides.
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
}
// ANCHOR_END: solution
