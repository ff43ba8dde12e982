//! What one item costs through the reference queue between two threads, by
//! capacity: with room to spare, neither side has to sleep and be woken.
//!
//! `cargo run --release -p bounded-queue-solution --example queue_cost`

use std::time::Instant;

use bounded_queue::BoundedQueue;

const ITEMS: u64 = 1_000_000;

fn main() {
    println!("| capacity | per item |\n|---:|---:|");
    for capacity in [1, 16, 256] {
        let q = BoundedQueue::new(capacity);
        let t = Instant::now();
        let received = std::thread::scope(|s| {
            s.spawn(|| {
                (0..ITEMS).for_each(|i| q.push(i).unwrap());
                q.close();
            });
            std::iter::from_fn(|| q.pop()).count() as u64
        });
        assert_eq!(received, ITEMS);
        println!("| {capacity} | {:.3} µs |", t.elapsed().as_secs_f64() * 1e6 / ITEMS as f64);
    }
}
