//! The reference's spans and events as `tracing_subscriber::fmt` prints them,
//! and what tracing costs when nobody listens.
//!
//! cargo run --release -p tracing-spans-solution --example fmt_output

use testkit::median_seconds;
use tracing_spans::traced_sum;
use tracing_subscriber::fmt::format::FmtSpan;

fn main() {
    // Without a subscriber, each span and event is a cheap "is anyone interested?" check.
    let data: Vec<u32> = (0..16_000_000).collect();
    for chunk_len in [1 << 20, 1 << 14, 1 << 10] {
        let t = median_seconds(5, || {
            std::hint::black_box(traced_sum(&data, 2, chunk_len));
        });
        println!("no subscriber, {} items in chunks of {chunk_len}: {t:.4} s", data.len());
    }
    // With one: what a person reads. FmtSpan::CLOSE adds a line as each span closes.
    tracing_subscriber::fmt().with_span_events(FmtSpan::CLOSE).with_target(false).without_time().init();
    traced_sum(&(0..1000).collect::<Vec<u32>>(), 2, 300);
}
