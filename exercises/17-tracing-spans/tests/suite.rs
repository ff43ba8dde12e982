//! The one test suite of exercise 17, run unchanged against your crate and
//! the reference. `cargo xtask check 17-tracing-spans` runs it; do not edit it.
//!
//! A capturing subscriber (a `tracing_subscriber` layer, below) records
//! every event with the spans it happened in, and every span as it closes
//! with its final fields; the tests check that stream and snapshot it.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};
use std::thread::ThreadId;
use std::time::Instant;

use proptest::prelude::*;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_spans::traced_sum;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

// --- the capturing subscriber ---

type Fields = Vec<(String, String)>;

/// A span as seen from inside it: its name and its fields at that moment.
#[derive(Clone, Debug)]
struct SpanView {
    name: String,
    level: String,
    fields: Fields,
}

#[derive(Clone, Debug)]
enum What {
    /// An event: its message and its other fields.
    Event { level: String, message: String, fields: Fields },
    /// A span that closed, with every field it ended with.
    Close { span: SpanView },
}

/// One captured line: what happened, in which spans (root first), on which thread.
#[derive(Clone, Debug)]
struct Line {
    what: What,
    path: Vec<SpanView>,
    thread: ThreadId,
}

#[derive(Default)]
struct Visitor(Fields);

impl Visit for Visitor {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.push((field.name().to_string(), format!("{value:?}")));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }
}

/// The fields of a span so far, kept in its registry extensions.
struct SpanFields(Fields);

struct Capture;

static LINES: Mutex<Vec<Line>> = Mutex::new(Vec::new());

fn view<S: for<'a> LookupSpan<'a>>(span: &tracing_subscriber::registry::SpanRef<'_, S>) -> SpanView {
    let fields = span.extensions().get::<SpanFields>().map(|f| f.0.clone()).unwrap_or_default();
    SpanView { name: span.name().to_string(), level: span.metadata().level().to_string(), fields }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut visitor = Visitor::default();
        attrs.record(&mut visitor);
        ctx.span(id).expect("a new span is known").extensions_mut().insert(SpanFields(visitor.0));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut visitor = Visitor::default();
        values.record(&mut visitor);
        let span = ctx.span(id).expect("a recorded span is known");
        let mut extensions = span.extensions_mut();
        if let Some(fields) = extensions.get_mut::<SpanFields>() {
            for (name, value) in visitor.0 {
                match fields.0.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = value,
                    None => fields.0.push((name, value)),
                }
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut visitor = Visitor::default();
        event.record(&mut visitor);
        let mut fields = visitor.0;
        let message = fields.iter().position(|(n, _)| n == "message").map(|i| fields.remove(i).1).unwrap_or_default();
        let path =
            ctx.event_scope(event).map(|scope| scope.from_root().map(|s| view(&s)).collect()).unwrap_or_default();
        let level = event.metadata().level().to_string();
        push(Line { what: What::Event { level, message, fields }, path, thread: std::thread::current().id() });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).expect("a closing span is known");
        let path = span.parent().map(|p| p.scope().from_root().map(|s| view(&s)).collect()).unwrap_or_default();
        push(Line { what: What::Close { span: view(&span) }, path, thread: std::thread::current().id() });
    }
}

fn push(line: Line) {
    LINES.lock().unwrap_or_else(PoisonError::into_inner).push(line);
}

/// Installs the capturing subscriber for the whole process (worker threads
/// see only a global one), once; returns the lock that keeps tests apart.
fn capture() -> MutexGuard<'static, ()> {
    static INSTALL: Once = Once::new();
    static SERIAL: Mutex<()> = Mutex::new(());
    INSTALL.call_once(|| {
        tracing::subscriber::set_global_default(tracing_subscriber::registry().with(Capture))
            .expect("no other global subscriber");
    });
    let guard = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    LINES.lock().unwrap_or_else(PoisonError::into_inner).clear();
    guard
}

fn take_lines() -> Vec<Line> {
    std::mem::take(&mut *LINES.lock().unwrap_or_else(PoisonError::into_inner))
}

// --- reading the stream ---

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn number(fields: &Fields, name: &str, what: &str) -> u64 {
    let value = field(fields, name).unwrap_or_else(|| panic!("{what} has no field `{name}`; its fields: {fields:?}"));
    value.parse().unwrap_or_else(|_| panic!("{what}: field `{name}` should be a whole number, got `{value}`"))
}

impl SpanView {
    /// `worker{worker=1}`: the name and the field that identifies it.
    fn short(&self) -> String {
        match field(&self.fields, &self.name) {
            Some(id) => format!("{}{{{}={id}}}", self.name, self.name),
            None => self.name.clone(),
        }
    }
}

impl Line {
    /// The worker and chunk this line belongs to, from the spans it is in (or is).
    fn key(&self) -> (Option<u64>, Option<u64>) {
        let mut spans: Vec<&SpanView> = self.path.iter().collect();
        if let What::Close { span } = &self.what {
            spans.push(span);
        }
        let id =
            |name: &str| spans.iter().rev().find(|s| s.name == name).and_then(|s| field(&s.fields, name)?.parse().ok());
        (id("worker"), id("chunk"))
    }

    fn render(&self) -> String {
        let path: Vec<String> = self.path.iter().map(SpanView::short).collect();
        let path = if path.is_empty() { "(no span)".to_string() } else { path.join(":") };
        // Fields by name (the order they were declared in is not part of the contract), timings redacted.
        let fields = |fields: &Fields| -> String {
            let mut fields: Vec<String> = fields
                .iter()
                .map(|(n, v)| if n == "elapsed_us" { format!("{n}=<us>") } else { format!("{n}={v}") })
                .collect();
            fields.sort();
            fields.join(" ")
        };
        match &self.what {
            What::Event { level, message, fields: f } => format!("{path}: {level} {message:?} {}", fields(f)),
            What::Close { span } => format!("{path}: closed {} {}", span.name, fields(&span.fields)),
        }
    }
}

/// Runs `traced_sum` and checks everything the table of its docs promises.
fn run_and_check(data: &[u32], workers: usize, chunk_len: usize) -> Vec<Line> {
    run_and_check_timed(data, workers, chunk_len).0
}

/// [`run_and_check`], and how long the call took, in whole microseconds.
fn run_and_check_timed(data: &[u32], workers: usize, chunk_len: usize) -> (Vec<Line>, u64) {
    let start = Instant::now();
    let sum = traced_sum(data, workers, chunk_len);
    let call_us = u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX);
    let lines = take_lines();
    let want_sum: u64 = data.iter().map(|&x| u64::from(x)).sum();
    assert_eq!(
        sum,
        want_sum,
        "traced_sum of {} items returned {sum}, but they add up to {want_sum}: sums of u32 items need a u64",
        data.len()
    );
    let chunks: Vec<&[u32]> = data.chunks(chunk_len).collect();
    let threads = workers.min(chunks.len());
    let caller = std::thread::current().id();
    let dump = || lines.iter().map(Line::render).collect::<Vec<_>>().join("\n");

    let events = |message: &str| -> Vec<&Line> {
        lines.iter().filter(|l| matches!(&l.what, What::Event { message: m, .. } if m == message)).collect()
    };
    let closes = |name: &str| -> Vec<(&Line, &SpanView)> {
        lines
            .iter()
            .filter_map(|l| match &l.what {
                What::Close { span } if span.name == name => Some((l, span)),
                _ => None,
            })
            .collect()
    };

    // The job's own events, on the calling thread, outside every span.
    for (message, first) in [("job started", true), ("job done", false)] {
        let found = events(message);
        assert_eq!(found.len(), 1, "expected one \"{message}\" event:\n{}", dump());
        let line = found[0];
        assert!(
            line.path.is_empty() && line.thread == caller,
            "\"{message}\" belongs on the calling thread, outside any span"
        );
        let at = if first { lines.first() } else { lines.last() };
        assert!(
            std::ptr::eq(at.unwrap(), line),
            "\"{message}\" should come {}:\n{}",
            if first { "first" } else { "last" },
            dump()
        );
        let What::Event { level, fields, .. } = &line.what else { unreachable!() };
        assert_eq!(level, "INFO", "\"{message}\" is an INFO event");
        if first {
            let got: Vec<u64> = ["items", "workers", "chunks"].iter().map(|f| number(fields, f, message)).collect();
            assert_eq!(
                got,
                vec![data.len() as u64, threads as u64, chunks.len() as u64],
                "\"job started\" [items, workers, chunks] of {} items in chunks of {chunk_len} with {workers} workers \
                 asked for: `workers` is the number of threads started, min(workers, chunks)",
                data.len()
            );
        } else {
            assert_eq!(number(fields, "sum", message), want_sum, "\"job done\" sum");
        }
    }

    // One chunk span per chunk, inside its worker's span, with one "chunk done" event inside it.
    let chunk_spans = closes("chunk");
    assert_eq!(chunk_spans.len(), chunks.len(), "expected one `chunk` span per chunk ({}):\n{}", chunks.len(), dump());
    let mut chunk_elapsed = vec![0; chunks.len()];
    for (line, span) in &chunk_spans {
        let c = number(&span.fields, "chunk", "a `chunk` span") as usize;
        assert!(c < chunks.len(), "a `chunk` span says chunk={c}; there are {} chunks", chunks.len());
        let what = format!("the span of chunk {c}");
        assert_eq!(span.level, "INFO", "{what} is an INFO span (info_span!)");
        assert_eq!(number(&span.fields, "items", &what), chunks[c].len() as u64, "{what}: items");
        chunk_elapsed[c] = number(&span.fields, "elapsed_us", &what);
        assert!(
            chunk_elapsed[c] <= call_us,
            "{what} says elapsed_us={}, more than the whole call of traced_sum took ({call_us} µs): record whole \
             microseconds (as_micros), not nanoseconds",
            chunk_elapsed[c]
        );
        let parents: Vec<String> = line.path.iter().map(SpanView::short).collect();
        assert_eq!(
            parents,
            vec![format!("worker{{worker={}}}", c % threads)],
            "{what} should be inside the span of worker {} only",
            c % threads
        );
    }
    let seen: BTreeSet<u64> = chunk_spans.iter().map(|(_, s)| number(&s.fields, "chunk", "a `chunk` span")).collect();
    assert_eq!(seen.len(), chunks.len(), "every chunk needs its own span; chunk fields seen: {seen:?}");
    let done = events("chunk done");
    assert_eq!(done.len(), chunks.len(), "expected one \"chunk done\" event per chunk:\n{}", dump());
    for line in done {
        let (worker, chunk) = line.key();
        let path: Vec<String> = line.path.iter().map(SpanView::short).collect();
        let (Some(w), Some(c)) = (worker, chunk) else {
            panic!("a \"chunk done\" event outside a worker's chunk span: in {path:?}");
        };
        assert_eq!(
            path,
            vec![format!("worker{{worker={w}}}"), format!("chunk{{chunk={c}}}")],
            "\"chunk done\" belongs directly in its chunk's span"
        );
        let What::Event { level, fields, .. } = &line.what else { unreachable!() };
        assert_eq!(level, "INFO");
        let chunk_sum: u64 = chunks[c as usize].iter().map(|&x| u64::from(x)).sum();
        assert_eq!(number(fields, "sum", "\"chunk done\""), chunk_sum, "\"chunk done\" of chunk {c}: sum");
    }

    // One worker span per thread, with its totals and a duration that covers its chunks.
    let worker_spans = closes("worker");
    assert_eq!(worker_spans.len(), threads, "expected one `worker` span per worker thread ({threads}):\n{}", dump());
    let mut worker_threads = HashSet::new();
    for (line, span) in &worker_spans {
        let w = number(&span.fields, "worker", "a `worker` span") as usize;
        let what = format!("the span of worker {w}");
        assert_eq!(span.level, "INFO", "{what} is an INFO span (info_span!)");
        assert!(line.path.is_empty(), "{what} should not be inside another span");
        let mine: Vec<usize> = (w..chunks.len()).step_by(threads).collect();
        let items: usize = mine.iter().map(|&c| chunks[c].len()).sum();
        assert_eq!(
            number(&span.fields, "chunks", &what),
            mine.len() as u64,
            "{what}: chunks (recorded before it closes)"
        );
        assert_eq!(number(&span.fields, "items", &what), items as u64, "{what}: items (recorded before it closes)");
        let elapsed = number(&span.fields, "elapsed_us", &what);
        assert!(
            elapsed <= call_us,
            "{what} says elapsed_us={elapsed}, more than the whole call of traced_sum took ({call_us} µs): record \
             whole microseconds (as_micros), not nanoseconds"
        );
        // A worker does its chunks one after another, inside its own span.
        let chunks_took: u64 = mine.iter().map(|&c| chunk_elapsed[c]).sum();
        assert!(
            chunks_took <= elapsed,
            "{what} lasted {elapsed} µs, less than its chunks took together ({chunks_took} µs): measure the \
             worker from before its first chunk to after its last, in microseconds"
        );
        // Everything about worker w happened on one thread of its own.
        let its: HashSet<ThreadId> = lines.iter().filter(|l| l.key().0 == Some(w as u64)).map(|l| l.thread).collect();
        assert_eq!(its.len(), 1, "{what}: its spans and events should all be on its own thread");
        assert!(!its.contains(&caller), "{what} ran on the calling thread: start a thread per worker");
        worker_threads.extend(its);
    }
    assert_eq!(worker_threads.len(), threads, "each worker needs its own thread");
    let expected = 2 + 2 * chunks.len() + threads;
    assert_eq!(lines.len(), expected, "other events or spans than the table lists:\n{}", dump());
    (lines, call_us)
}

/// The stream sorted by (worker, chunk), as a person reads it; timings redacted.
fn sorted_text(mut lines: Vec<Line>) -> String {
    // A worker's own lines after its chunks'; stable: one thread's lines keep their order.
    lines.sort_by_key(|l| {
        let (worker, chunk) = l.key();
        (worker, chunk.unwrap_or(u64::MAX))
    });
    lines.iter().map(|l| l.render() + "\n").collect()
}

#[test]
fn the_example_of_the_docs() {
    let _capture = capture();
    run_and_check(&[1; 10], 2, 4);
}

#[test]
fn durations_are_measured() {
    // Chunks of a million items take a measurable time, so a zero or a
    // wrong unit in elapsed_us shows.
    let _capture = capture();
    let (lines, call_us) = run_and_check_timed(&vec![1; 4_000_000], 2, 1_000_000);
    let mut workers_us = 0;
    for line in &lines {
        if let What::Close { span } = &line.what {
            let us = number(&span.fields, "elapsed_us", &span.short());
            assert!(
                us >= 1,
                "{} took {us} µs to sum a million items: is elapsed_us measured, in microseconds (as_micros, not \
                 as_millis)?",
                span.short()
            );
            if span.name == "worker" {
                workers_us += us;
            }
        }
    }
    // Each worker sums two million items (about a millisecond): its span
    // covers a good part of the call, even on a busy machine — unless its
    // elapsed_us counts something a thousand times larger than a microsecond.
    assert!(
        workers_us.saturating_mul(200) >= call_us,
        "the two workers' elapsed_us add up to {workers_us}, but the call of traced_sum took {call_us} µs: record \
         whole microseconds (as_micros), not milliseconds"
    );
}

#[test]
fn no_data_no_workers() {
    let _capture = capture();
    let lines = run_and_check(&[], 4, 8);
    assert_eq!(lines.len(), 2, "only \"job started\" and \"job done\"");
}

#[test]
fn more_workers_than_chunks() {
    let _capture = capture();
    run_and_check(&(0..25).collect::<Vec<u32>>(), 8, 10);
}

#[test]
fn one_worker_does_everything_in_order() {
    let _capture = capture();
    let lines = run_and_check(&(0..50).collect::<Vec<u32>>(), 1, 7);
    let order: Vec<u64> =
        lines.iter().filter(|l| matches!(l.what, What::Close { .. })).filter_map(|l| l.key().1).collect();
    assert_eq!(order, (0..8).collect::<Vec<u64>>(), "a worker does its chunks in increasing order");
}

#[test]
#[should_panic(expected = "workers")]
fn zero_workers_panics_with_a_clear_message() {
    let _capture = capture();
    traced_sum(&[1, 2, 3], 0, 2);
}

#[test]
#[should_panic(expected = "chunk_len")]
fn zero_chunk_len_panics_with_a_clear_message() {
    let _capture = capture();
    traced_sum(&[1, 2, 3], 2, 0);
}

/// What a person sees: the event stream of a small job, sorted by (worker, chunk).
#[test]
fn event_stream() {
    let _capture = capture();
    let data = datagen::uniform_u32(1000, 42);
    let lines = run_and_check(&data, 3, 128);
    insta::assert_snapshot!("stream_1000_items_3_workers_chunks_of_128", sorted_text(lines));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 60,
        // Nothing is written into the exercise folder.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_job_emits_the_promised_stream(
        data in prop::collection::vec(any::<u32>(), 0..400),
        workers in 1usize..6,
        chunk_len in 1usize..64,
    ) {
        let _capture = capture();
        run_and_check(&data, workers, chunk_len);
    }
}
