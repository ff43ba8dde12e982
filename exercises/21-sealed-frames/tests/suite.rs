//! The one test suite of exercise 21-sealed-frames, run against the learner's
//! crate and the reference. Every attack gets its own error: each byte of a
//! frame is changed in turn, every prefix is tried, frames are replayed,
//! reordered and reflected; every nonce of 10 000 frames is checked for
//! repeats; and the worker process is searched for its key.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::Path;

use proptest::prelude::*;
use sealed_frames::given::{FROM_COORDINATOR, FROM_WORKER, HEADER, TAG, read_frame};
use sealed_frames::{Key, OpenError, Role, channel, start_worker};
use testkit::{assert_no_children_left, serial};

fn key(seed: u8) -> Key {
    Key::from_bytes(std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8 * 7)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        write!(s, "{b:02x}").unwrap();
        s
    })
}

/// Ways a key's bytes could show up in text: any 4 bytes of it in a row, in
/// hex of either case or as decimal numbers — a "fingerprint" of a prefix
/// gives away 32 bits of the key as surely as the whole.
fn key_spellings(key: &Key) -> Vec<String> {
    let b = key.as_bytes();
    b.windows(4)
        .flat_map(|w| [hex(w), hex(w).to_uppercase(), format!("{}, {}, {}, {}", w[0], w[1], w[2], w[3])])
        .collect()
}

fn assert_no_key_in(text: &str, key: &Key, place: &str) {
    for spelling in key_spellings(key) {
        assert!(!text.contains(&spelling), "the key's bytes appear in {place} (as `{spelling}`): {text:?}");
    }
}

/// (direction, counter) from a frame's header.
fn nonce_of(frame: &[u8]) -> (u8, u64) {
    (frame[4], u64::from_be_bytes(frame[5..13].try_into().unwrap()))
}

#[test]
fn frames_as_sent() {
    let (mut coordinator, _) = channel(&key(1), Role::Coordinator);
    let (mut worker, _) = channel(&key(1), Role::Worker);
    let frames =
        [coordinator.seal(b"hello"), coordinator.seal(b"hello"), worker.seal(b""), coordinator.seal(b"sum 1 2 3")];
    let shown: Vec<String> = frames
        .iter()
        .map(|f| format!("{} {} {} | {}", hex(&f[..4]), hex(&f[4..5]), hex(&f[5..HEADER]), hex(&f[HEADER..])))
        .collect();
    insta::assert_snapshot!(shown.join("\n"));
}

#[test]
fn messages_arrive_intact_both_ways() {
    let k = key(2);
    let (mut to_worker, mut from_worker) = channel(&k, Role::Coordinator);
    let (mut to_coordinator, mut from_coordinator) = channel(&k, Role::Worker);
    for len in [0, 1, 15, 16, 17, 1000, 65_536] {
        let message: Vec<u8> = (0..len).map(|i| (i * 13 % 251) as u8).collect();
        let frame = to_worker.seal(&message);
        assert_eq!(frame.len(), HEADER + len + TAG, "a frame of a {len}-byte message");
        assert_eq!(from_coordinator.open(&frame), Ok(message.clone()), "a {len}-byte message, coordinator to worker");
        let frame = to_coordinator.seal(&message);
        assert_eq!(from_worker.open(&frame), Ok(message), "a {len}-byte message, worker to coordinator");
    }
}

#[test]
fn the_message_cannot_be_read_on_the_wire() {
    let (mut sealer, _) = channel(&key(3), Role::Coordinator);
    let secret = b"account=alice balance=1234567";
    let frame = sealer.seal(secret);
    assert!(!frame.windows(8).any(|w| secret.windows(8).any(|s| s == w)), "the frame contains the message in clear");
}

#[test]
fn nonces_never_repeat() {
    let k = key(4);
    let (mut coordinator, _) = channel(&k, Role::Coordinator);
    let (mut worker, _) = channel(&k, Role::Worker);
    let mut seen = HashSet::new();
    for i in 0..5_000u32 {
        for (who, frame) in
            [("coordinator", coordinator.seal(&i.to_le_bytes())), ("worker", worker.seal(&i.to_le_bytes()))]
        {
            let nonce = nonce_of(&frame);
            assert!(
                seen.insert(nonce),
                "frame {i} of the {who} repeats nonce {nonce:?}: with the same key, both ends' nonces must differ"
            );
        }
    }
    assert!(
        seen.contains(&(FROM_COORDINATOR, 0)) && seen.contains(&(FROM_WORKER, 4_999)),
        "directions and counters as in given.rs"
    );
}

#[test]
fn every_changed_byte_is_detected() {
    let k = key(5);
    let (mut sealer, _) = channel(&k, Role::Coordinator);
    let frame = sealer.seal(b"transfer 100 to bob");
    for i in 0..frame.len() {
        let mut changed = frame.clone();
        changed[i] ^= 0x01;
        let (_, mut opener) = channel(&k, Role::Worker);
        let got = opener.open(&changed);
        if i < 4 {
            assert!(
                matches!(got, Err(OpenError::Truncated { .. })),
                "byte {i} (the length) changed: expected Truncated, got {got:?}"
            );
        } else {
            assert_eq!(
                got,
                Err(OpenError::Tampered),
                "byte {i} of {} changed (header up to {HEADER}, then ciphertext and tag)",
                frame.len()
            );
        }
    }
}

#[test]
fn every_truncation_is_detected() {
    let (mut sealer, _) = channel(&key(6), Role::Coordinator);
    let frame = sealer.seal(b"a message cut short");
    for len in 0..frame.len() {
        let (_, mut opener) = channel(&key(6), Role::Worker);
        let got = opener.open(&frame[..len]);
        // What it needs: the header and tag, or (once those are in) what the length field says — the whole frame.
        let need_ok = |need: usize| {
            if len < HEADER + TAG { need == HEADER + TAG || need == frame.len() } else { need == frame.len() }
        };
        assert!(
            matches!(got, Err(OpenError::Truncated { have, need }) if have == len && need_ok(need)),
            "the first {len} of {} bytes (header and tag {}): got {got:?}; `need` counts the whole frame, its 4 \
             length bytes too",
            frame.len(),
            HEADER + TAG
        );
    }
}

#[test]
fn another_key_is_detected() {
    let (mut sealer, _) = channel(&key(7), Role::Coordinator);
    let (_, mut opener) = channel(&key(8), Role::Worker);
    assert_eq!(opener.open(&sealer.seal(b"hi")), Err(OpenError::Tampered));
}

#[test]
fn replays_are_refused() {
    let k = key(9);
    let (mut sealer, _) = channel(&k, Role::Coordinator);
    let (_, mut opener) = channel(&k, Role::Worker);
    let (f0, f1) = (sealer.seal(b"pay 10"), sealer.seal(b"pay 20"));
    assert_eq!(opener.open(&f0), Ok(b"pay 10".to_vec()));
    assert_eq!(opener.open(&f0), Err(OpenError::Replayed { counter: 0, expected: 1 }));
    assert_eq!(opener.open(&f1), Ok(b"pay 20".to_vec()));
    assert_eq!(opener.open(&f0), Err(OpenError::Replayed { counter: 0, expected: 2 }));
    assert_eq!(opener.open(&f1), Err(OpenError::Replayed { counter: 1, expected: 2 }));
}

#[test]
fn reordering_is_refused_and_costs_nothing() {
    let k = key(10);
    let (mut sealer, _) = channel(&k, Role::Coordinator);
    let (_, mut opener) = channel(&k, Role::Worker);
    let frames: Vec<_> = (0..3).map(|i| sealer.seal(format!("step {i}").as_bytes())).collect();
    assert_eq!(opener.open(&frames[2]), Err(OpenError::Reordered { counter: 2, expected: 0 }));
    assert_eq!(opener.open(&frames[1]), Err(OpenError::Reordered { counter: 1, expected: 0 }));
    // A refused frame changes nothing: the right one still opens.
    for (i, frame) in frames.iter().enumerate() {
        assert_eq!(opener.open(frame), Ok(format!("step {i}").into_bytes()), "frame {i} in order, after the refusals");
    }
}

#[test]
fn a_refused_frame_does_not_move_the_counter() {
    let k = key(11);
    let (mut sealer, _) = channel(&k, Role::Coordinator);
    let (_, mut opener) = channel(&k, Role::Worker);
    let frame = sealer.seal(b"first");
    let mut tampered = frame.clone();
    *tampered.last_mut().unwrap() ^= 0x80;
    assert_eq!(opener.open(&tampered), Err(OpenError::Tampered));
    assert!(matches!(opener.open(&frame[..10]), Err(OpenError::Truncated { .. })));
    assert_eq!(opener.open(&frame), Ok(b"first".to_vec()), "the genuine frame after a tampered and a truncated one");
}

#[test]
fn a_frame_sent_back_is_refused() {
    let k = key(12);
    let (mut sealer, mut opener) = channel(&k, Role::Coordinator);
    assert_eq!(
        opener.open(&sealer.seal(b"to the worker")),
        Err(OpenError::Reflected),
        "the coordinator's own frame, sent back to it"
    );
}

#[test]
fn debug_never_shows_the_key() {
    let first = format!("{:?} {:#?}", key(0), key(0));
    for seed in 0..20 {
        let k = key(seed);
        let shown = format!("{k:?} {k:#?}");
        assert!(shown.contains("Key"), "Debug says what it is: {shown:?}");
        assert_no_key_in(&shown, &k, "the Debug output");
        // Nothing of the key at all: not a prefix, not a hash, not a checksum.
        assert_eq!(shown, first, "Debug shows two keys differently, so it tells something about them: show none of it");
    }
}

/// The worker's command line and environment, as any user of the machine can read them, hold no key.
fn assert_private(pid: u32, k: &Key) {
    if !cfg!(target_os = "linux") {
        return;
    }
    for file in ["cmdline", "environ"] {
        let bytes = std::fs::read(format!("/proc/{pid}/{file}")).expect("read the worker's /proc entry");
        if file == "cmdline" {
            assert!(!bytes.is_empty(), "the worker's command line is empty: is it running?");
        }
        assert_no_key_in(&String::from_utf8_lossy(&bytes), k, &format!("/proc/<worker>/{file}"));
        let raw = k.as_bytes();
        assert!(!bytes.windows(8).any(|w| w == &raw[..8]), "the key's raw bytes appear in /proc/<worker>/{file}");
    }
}

/// A worker that is killed and waited for even when an assertion fails, so
/// that one failure does not leave a process behind for the next test.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

fn program() -> &'static Path {
    let exe = option_env!("CARGO_BIN_EXE_sealed-worker").or(option_env!("CARGO_BIN_EXE_sealed-worker-solution"));
    Path::new(exe.expect("cargo builds the worker program for the tests"))
}

#[test]
fn a_worker_process_gets_its_key_privately_and_refuses_a_replay() {
    let _alone = serial();
    let (child, k) = start_worker(program()).expect("start the worker");
    let mut child = Reaped(child);
    let child = &mut child.0;
    let (mut sealer, mut opener) = channel(&k, Role::Coordinator);
    let mut stdin = child.stdin.take().expect("start_worker pipes stdin");
    let mut stdout = child.stdout.take().expect("start_worker pipes stdout");
    let mut frames = Vec::new();
    for request in ["one", "two", "three"] {
        let frame = sealer.seal(request.as_bytes());
        stdin.write_all(&frame).and_then(|()| stdin.flush()).expect("send a request");
        frames.push(frame);
        let reply = read_frame(&mut stdout).expect("read a reply").expect("the worker answers");
        assert_eq!(opener.open(&reply), Ok(format!("echo: {request}").into_bytes()), "the worker's sealed reply");
    }
    // Only now — the worker has answered — is it surely running its own
    // program: just after spawn, /proc may still show an empty command line.
    assert_private(child.id(), &k);
    // An attacker who recorded request two sends it again.
    stdin.write_all(&frames[1]).and_then(|()| stdin.flush()).expect("send the replay");
    drop(stdin);
    let mut rest = Vec::new();
    stdout.read_to_end(&mut rest).expect("read to the worker's end");
    let status = child.wait().expect("wait for the worker");
    assert!(rest.is_empty(), "the worker answered a replayed frame");
    assert_eq!(status.code(), Some(3), "the worker ends with status 3 on a frame it refuses");
    assert_no_children_left("the worker refused a replay");
}

/// Sends one sealed request to a started worker and returns its sealed reply.
fn one_exchange(child: &mut std::process::Child, k: &Key, request: &str) -> Vec<u8> {
    let (mut sealer, mut opener) = channel(k, Role::Coordinator);
    let stdin = child.stdin.as_mut().expect("start_worker pipes stdin");
    stdin.write_all(&sealer.seal(request.as_bytes())).and_then(|()| stdin.flush()).expect("send a request");
    let reply = read_frame(child.stdout.as_mut().expect("start_worker pipes stdout"))
        .expect("read a reply")
        .expect("the worker answers");
    assert_eq!(
        opener.open(&reply),
        Ok(format!("echo: {request}").into_bytes()),
        "the worker answers under the key start_worker returned"
    );
    reply
}

#[test]
fn every_worker_seals_under_a_key_of_its_own() {
    let _alone = serial();
    // A worker that does one job and ends, then its replacement and a second
    // worker side by side. Each one's first reply is its frame (W, 0): under
    // one key, two of them would share key and nonce, and XORing their
    // ciphertexts would give the XOR of the two messages.
    let mut keys = Vec::new();
    let (first, k) = start_worker(program()).expect("start a worker");
    let mut first = Reaped(first);
    assert_eq!(nonce_of(&one_exchange(&mut first.0, &k, "job 0")), (FROM_WORKER, 0), "the first reply");
    drop(first.0.stdin.take());
    drop(first);
    keys.push(k);
    let mut side_by_side = Vec::new();
    for i in 1..3 {
        let (child, k) = start_worker(program()).expect("start a worker");
        side_by_side.push(Reaped(child));
        let reply = one_exchange(&mut side_by_side.last_mut().unwrap().0, &k, &format!("job {i}"));
        assert_eq!(nonce_of(&reply), (FROM_WORKER, 0), "worker {i}'s first reply");
        keys.push(k);
    }
    drop(side_by_side);
    for (i, a) in keys.iter().enumerate() {
        for (j, b) in keys.iter().enumerate().skip(i + 1) {
            assert!(
                a != b,
                "workers {i} and {j} were given the same key: their first frames (W, 0) share key and nonce — a \
                 counter alone cannot keep two channels apart; give every worker a fresh key"
            );
        }
    }
    assert_no_children_left("three workers started and ended");
}

#[test]
fn a_worker_key_is_random() {
    let _alone = serial();
    for _ in 0..3 {
        let (child, k) = start_worker(program()).expect("start a worker");
        drop(Reaped(child));
        let distinct: HashSet<u8> = k.as_bytes().iter().copied().collect();
        // 32 random bytes have about 30 distinct values; fewer than 16 has a
        // chance below 2^-60. A key built from a counter, a pid or a time has few.
        assert!(
            distinct.len() >= 16,
            "a worker's key has only {} distinct byte values of 32: it is not from a random source (Key::random)",
            distinct.len()
        );
    }
    assert_no_children_left("workers started and ended");
}

#[test]
fn the_workers_log_does_not_show_the_key() {
    let _alone = serial();
    let k = Key::random().expect("/dev/urandom");
    // The worker logs on stderr (which start_worker leaves as it is): run it
    // here with stderr captured, its key sent the same way.
    let out = std::process::Command::new(program())
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut c| {
            k.send(c.stdin.as_mut().unwrap())?;
            drop(c.stdin.take());
            c.wait_with_output()
        })
        .expect("run the worker");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains("ready"), "the worker logs that it is ready: {log:?}");
    assert_no_key_in(&log, &k, "the worker's log");
    assert_no_children_left("a worker ran");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_conversation_opens_in_order(messages in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 1..20)) {
        let k = key(13);
        let (mut sealer, _) = channel(&k, Role::Worker);
        let (_, mut opener) = channel(&k, Role::Coordinator);
        for m in &messages {
            prop_assert_eq!(opener.open(&sealer.seal(m)), Ok(m.clone()));
        }
    }

    #[test]
    fn any_changed_frame_is_refused(message in prop::collection::vec(any::<u8>(), 0..200), at in any::<prop::sample::Index>(), bits in 1u8..=255) {
        let k = key(14);
        let (mut sealer, _) = channel(&k, Role::Coordinator);
        let (_, mut opener) = channel(&k, Role::Worker);
        let mut frame = sealer.seal(&message);
        let i = at.index(frame.len());
        frame[i] ^= bits;
        prop_assert!(opener.open(&frame).is_err(), "byte {} changed by {:#04x} and the frame still opened", i, bits);
    }
}
