//! The one test suite of exercise 22-frame-decoder, run against the learner's
//! crate and the reference. A counting global allocator watches every
//! allocation the decoder makes; an oracle that decodes the whole stream at
//! once says what any split of it must give; hostile headers, trickled bytes
//! and random garbage try to make it panic or allocate.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;

use frame_decoder::given::encode;
use frame_decoder::{DecodeError, Decoder, HEADER};
use proptest::prelude::*;

// ANCHOR: allocator
/// Counts this thread's allocations while `watching` is set: the largest
/// single request, and the peak of bytes live at once.
struct Counting;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(bytes: isize, request: usize) {
    // try_with: a thread being torn down has no thread-locals left.
    let _ = WATCHING.try_with(|w| {
        if w.get() {
            LIVE.with(|l| l.set(l.get() + bytes));
            PEAK.with(|p| p.set(p.get().max(LIVE.with(Cell::get))));
            LARGEST.with(|m| m.set(m.get().max(request)));
        }
    });
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as isize, layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note(-(layout.size() as isize), 0);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as isize - layout.size() as isize, new_size);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `f` allocated on this thread: (largest single request, peak bytes live).
fn allocations(f: impl FnOnce()) -> (usize, isize) {
    LIVE.with(|l| l.set(0));
    PEAK.with(|p| p.set(0));
    LARGEST.with(|m| m.set(0));
    WATCHING.with(|w| w.set(true));
    f();
    WATCHING.with(|w| w.set(false));
    (LARGEST.with(Cell::get), PEAK.with(Cell::get))
}
// ANCHOR_END: allocator

/// What decoding the whole stream at once gives: every frame before the
/// first problem, then the problem (or none).
fn oracle(stream: &[u8], limit: usize) -> (Vec<Vec<u8>>, Result<(), DecodeError>) {
    let mut frames = Vec::new();
    let mut at = 0;
    while at < stream.len() {
        if stream.len() - at < HEADER {
            return (frames, Err(DecodeError::Truncated { have: stream.len() - at, need: HEADER, offset: at as u64 }));
        }
        let declared = u32::from_be_bytes(stream[at..at + HEADER].try_into().unwrap()) as u64;
        if declared > limit as u64 {
            return (frames, Err(DecodeError::TooLarge { declared, limit, offset: at as u64 }));
        }
        let end = at + HEADER + declared as usize;
        if end > stream.len() {
            let need = HEADER + declared as usize;
            return (frames, Err(DecodeError::Truncated { have: stream.len() - at, need, offset: at as u64 }));
        }
        frames.push(stream[at + HEADER..end].to_vec());
        at = end;
    }
    (frames, Ok(()))
}

/// Feeds `stream` in the given pieces, then finishes; stops at the first error.
fn decode(stream: &[u8], limit: usize, cuts: &[usize]) -> (Vec<Vec<u8>>, Result<(), DecodeError>) {
    let mut decoder = Decoder::new(limit);
    let mut frames = Vec::new();
    let mut from = 0;
    for &cut in cuts.iter().chain(std::iter::once(&stream.len())) {
        let cut = cut.clamp(from, stream.len());
        if let Err(e) = decoder.feed(&stream[from..cut], |f| frames.push(f.to_vec())) {
            return (frames, Err(e));
        }
        from = cut;
    }
    (frames, decoder.finish())
}

fn frames_of(payloads: &[&[u8]]) -> Vec<u8> {
    payloads.iter().flat_map(|p| encode(p)).collect()
}

#[test]
fn what_hostile_streams_get() {
    let limit = 1024;
    let cases: [(&str, Vec<u8>); 8] = [
        ("nothing", vec![]),
        ("two frames", frames_of(&[b"hello", b"world"])),
        ("an empty frame", frames_of(&[b""])),
        ("a frame of exactly the limit", frames_of(&[&[7; 1024]])),
        ("one byte over the limit", frames_of(&[&[7; 1025]])),
        ("a 4 GiB header", vec![0xff, 0xff, 0xff, 0xff, 1, 2, 3]),
        ("half a header", vec![0, 0]),
        ("a frame cut short", frames_of(&[b"complete", b"cut here"])[..20].to_vec()),
    ];
    let mut table = String::new();
    for (what, stream) in &cases {
        let (frames, end) = decode(stream, limit, &[]);
        let sizes: Vec<usize> = frames.iter().map(Vec::len).collect();
        let end = match end {
            Ok(()) => "ok".to_string(),
            Err(e) => e.to_string(),
        };
        writeln!(table, "{what}: frames {sizes:?}, then {end}").unwrap();
    }
    insta::assert_snapshot!(table);
}

#[test]
fn frames_split_at_every_position() {
    let stream = frames_of(&[b"alpha", b"", b"a longer third payload", &[0u8; 300]]);
    let want = oracle(&stream, 512);
    for cut in 0..=stream.len() {
        assert_eq!(decode(&stream, 512, &[cut]), want, "the stream cut in two at byte {cut}");
    }
    let every_byte: Vec<usize> = (1..stream.len()).collect();
    assert_eq!(decode(&stream, 512, &every_byte), want, "the stream one byte at a time");
}

#[test]
fn an_error_is_final() {
    let mut stream = frames_of(&[b"ok"]);
    stream.extend_from_slice(&[0xff, 0xff, 0xff, 0xff]);
    let mut decoder = Decoder::new(64);
    let mut frames = 0;
    let first = decoder.feed(&stream, |_| frames += 1);
    let tail = frames_of(&[b"a valid frame after the bad header"]);
    let again = decoder.feed(&tail, |_| frames += 1);
    assert_eq!(frames, 1, "the frame before the bad header, and nothing after it");
    let want = Err(DecodeError::TooLarge { declared: u32::MAX as u64, limit: 64, offset: 6 });
    assert_eq!(first, want, "the 4 GiB header at byte 6");
    assert_eq!(again, want, "after an error, the same error again: the stream cannot be trusted");
    assert_eq!(decoder.finish(), want);
}

#[test]
fn too_large_is_found_as_soon_as_the_header_is_in() {
    // The header arrives alone: nothing of its payload has been sent yet.
    let mut decoder = Decoder::new(100);
    assert_eq!(decoder.feed(&[0, 0], |_| panic!("no frame")), Ok(()));
    assert_eq!(
        decoder.feed(&[0, 101], |_| panic!("no frame")),
        Err(DecodeError::TooLarge { declared: 101, limit: 100, offset: 0 })
    );
}

#[test]
fn the_end_of_the_stream_inside_a_frame_is_an_error() {
    for (stream, have, need) in [(vec![0, 0], 2, HEADER), (encode(b"twelve bytes")[..9].to_vec(), 9, HEADER + 12)] {
        assert_eq!(decode(&stream, 64, &[]).1, Err(DecodeError::Truncated { have, need, offset: 0 }), "{stream:?}");
    }
}

/// The most the decoder may allocate: one frame's header and payload.
fn bound(limit: usize) -> usize {
    HEADER + limit
}

fn assert_bounded(what: &str, limit: usize, stream: &[u8], piece: usize) {
    let mut decoder = Decoder::new(limit);
    let (largest, peak) = allocations(|| {
        for part in stream.chunks(piece.max(1)) {
            if decoder
                .feed(part, |f| {
                    std::hint::black_box(f);
                })
                .is_err()
            {
                break;
            }
        }
    });
    assert!(
        largest <= bound(limit),
        "{what}: one allocation of {largest} bytes, with a limit of {limit} (at most {} may be needed)",
        bound(limit)
    );
    assert!(peak <= bound(limit) as isize, "{what}: {peak} bytes held at once, with a limit of {limit}");
}

#[test]
fn hostile_headers_allocate_nothing_beyond_the_limit() {
    let limit = 64 << 10;
    assert_bounded("a 4 GiB header", limit, &[0xff, 0xff, 0xff, 0xff, 0, 0, 0], 7);
    assert_bounded("a 4 GiB header, byte by byte", limit, &[0xff, 0xff, 0xff, 0xff, 0, 0, 0], 1);
    assert_bounded("one byte over the limit", limit, &((limit + 1) as u32).to_be_bytes(), 4);
    let over = frames_of(&[&vec![1u8; limit + 1]]);
    assert_bounded("an over-limit frame sent slowly", limit, &over, 1000);
}

#[test]
fn frames_up_to_the_limit_allocate_at_most_one_frame() {
    let limit = 64 << 10;
    let biggest = frames_of(&[&vec![9u8; limit], &vec![8u8; limit]]);
    for piece in [1, 3, 1000, 4096, limit / 2 + 1, limit + HEADER, biggest.len()] {
        assert_bounded(&format!("two frames of exactly the limit, in pieces of {piece} bytes"), limit, &biggest, piece);
    }
}

/// What a decoder may hold while a frame is arriving: room that grows with
/// the bytes received (a buffer that doubles holds at most twice them), plus
/// a little for a first small allocation — never room for what a peer only
/// declared.
fn held_bound(received: usize) -> isize {
    (2 * received + 64) as isize
}

#[test]
fn memory_grows_with_the_bytes_that_arrive() {
    // A peer declares a frame of the whole limit, then trickles it in.
    let limit = 1 << 20;
    let stream = frames_of(&[&vec![5u8; limit]]);
    let mut decoder = Decoder::new(limit);
    let mut received = 0;
    allocations(|| {
        for piece in stream.chunks(1000) {
            decoder
                .feed(piece, |f| {
                    std::hint::black_box(f);
                })
                .expect("a frame of the limit is allowed");
            received += piece.len();
            let held = LIVE.with(Cell::get);
            assert!(
                held <= held_bound(received),
                "{received} bytes in of a frame that declared {limit}: the decoder holds {held} bytes — memory \
                 must grow with the bytes that arrive (at most {}), not with the length a peer declares",
                held_bound(received)
            );
        }
    });
}

#[test]
fn nothing_is_kept_after_a_frame() {
    // A frame of the whole limit trickles in, then small frames do: once the
    // large one is handed out, the decoder holds only what the small frame
    // arriving needs — a connection does not keep its largest frame's room.
    let limit = 1 << 20;
    let large = frames_of(&[&vec![5u8; limit]]);
    let small = frames_of(&[&[7u8; 100][..]; 20]);
    let mut decoder = Decoder::new(limit);
    allocations(|| {
        for piece in large.chunks(1000) {
            decoder.feed(piece, |f| assert_eq!(f.len(), limit)).expect("a frame of the limit is allowed");
        }
        for piece in small.chunks(30) {
            decoder.feed(piece, |f| assert_eq!(f.len(), 100)).expect("small frames");
            let held = LIVE.with(Cell::get);
            assert!(
                held <= held_bound(HEADER + 100),
                "after a frame of {limit} bytes, frames of 100 arrive in pieces of 30: the decoder holds {held} \
                 bytes (at most {} needed) — a buffer kept (`clear()`) between frames keeps the largest frame's room \
                 for the connection's whole life: let it go when its frame is out",
                held_bound(HEADER + 100)
            );
        }
    });
}

#[test]
fn many_peers_declaring_large_frames_hold_little() {
    // 10 000 connections, each declaring a frame of the 1 MiB limit and
    // sending one byte of it: 10 GiB if a decoder makes room for what is
    // declared. The budget: 64 bytes of buffer per peer.
    const PEERS: usize = 10_000;
    const BUDGET_PER_PEER: isize = 64;
    let limit = 1 << 20;
    let header = (limit as u32).to_be_bytes();
    let mut decoders = Vec::with_capacity(PEERS);
    allocations(|| {
        for peer in 1..=PEERS {
            let mut decoder = Decoder::new(limit);
            decoder.feed(&header, |_| {}).expect("a header of the limit is allowed");
            decoder.feed(&[1], |_| {}).expect("one byte of the payload");
            decoders.push(decoder);
            let held = LIVE.with(Cell::get);
            assert!(
                held <= BUDGET_PER_PEER * peer as isize,
                "{peer} peer(s), each declaring {limit} bytes and sending 1: the decoders hold {held} bytes, over \
                 the budget of {BUDGET_PER_PEER} bytes per peer"
            );
        }
    });
}

#[test]
fn whole_frames_in_one_piece_are_not_copied() {
    let stream = frames_of(&[&[1u8; 5000], &[2u8; 5000], &[3u8; 5000]]);
    let mut decoder = Decoder::new(8192);
    let (largest, _) = allocations(|| {
        decoder.feed(&stream, |f| assert_eq!(f.len(), 5000)).expect("valid frames");
    });
    assert!(
        largest == 0,
        "three frames lying whole inside one piece caused an allocation of {largest} bytes: nothing needs \
         allocating here — hand out slices of the piece"
    );
}

#[test]
fn an_empty_frame_at_the_very_end_is_delivered() {
    // A zero-length frame is complete the moment its header is: even when
    // that header ends the piece, or the whole stream.
    let stream = frames_of(&[b"x", b""]);
    let want = (vec![b"x".to_vec(), Vec::new()], Ok(()));
    assert_eq!(decode(&stream, 16, &[]), want, "a frame, then an empty frame ending the stream");
    assert_eq!(decode(&stream, 16, &[5]), want, "the empty frame's header as a piece of its own");
    assert_eq!(decode(&frames_of(&[b"", b""]), 16, &[4]), (vec![Vec::new(), Vec::new()], Ok(())), "two empty frames");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_frames_in_any_pieces(
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 0..12),
        cuts in prop::collection::vec(0usize..3000, 0..10),
    ) {
        let stream: Vec<u8> = payloads.iter().flat_map(|p| encode(p)).collect();
        let mut cuts = cuts;
        cuts.sort_unstable();
        let (frames, end) = decode(&stream, 200, &cuts);
        prop_assert_eq!(end, Ok(()));
        prop_assert_eq!(frames, payloads);
    }

    #[test]
    fn any_bytes_in_any_pieces_like_the_oracle(
        stream in prop::collection::vec(prop_oneof![Just(0u8), Just(0xffu8), any::<u8>()], 0..300),
        cuts in prop::collection::vec(0usize..300, 0..8),
        limit in 0usize..64,
    ) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        prop_assert_eq!(decode(&stream, limit, &cuts), oracle(&stream, limit));
    }

    #[test]
    fn any_bytes_allocate_within_the_limit(
        stream in prop::collection::vec(any::<u8>(), 0..2000),
        piece in 1usize..64,
        limit in 0usize..4096,
    ) {
        assert_bounded("random bytes", limit, &stream, piece);
    }
}
