//! The one test suite of exercise 23-private-files, run against the learner's
//! crate and the reference. Files are planted and symlinked where the code
//! will create, writers fail and panic halfway, four threads replace the same
//! file at once — and afterwards every directory must hold only what it should.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use private_files::{PrivateFile, create_new_private, write_atomically};
use testkit::serial;

/// A fresh, empty directory for one test, removed afterwards. Tests run one
/// at a time (`serial`) with a known umask: the process's umask is shared.
struct Scratch {
    dir: PathBuf,
    _alone: std::sync::MutexGuard<'static, ()>,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let alone = serial();
        // SAFETY: umask only sets the process's file-creation mask.
        unsafe { libc::umask(0o022) };
        let dir = std::env::temp_dir().join(format!("private-files-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).expect("create a scratch directory");
        Scratch { dir, _alone: alone }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The directory's entries, sorted.
    fn entries(&self) -> Vec<String> {
        list(&self.dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the directory")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path).expect("stat").permissions().mode() & 0o7777
}

#[test]
fn a_new_file_is_owner_only_whatever_the_umask() {
    let scratch = Scratch::new("mode");
    for (umask, name) in [(0o022, "with-umask-022"), (0o000, "with-umask-000")] {
        // SAFETY: as above.
        unsafe { libc::umask(umask) };
        let path = scratch.path(name);
        let mut file = create_new_private(&path).expect("create a private file");
        file.write_all(b"readable and writable").expect("the file is open for writing");
        assert_eq!(
            mode(&path),
            0o600,
            "a file created with umask {umask:03o}: mode {:03o}, not owner-only 600",
            mode(&path)
        );
    }
}

#[test]
fn nothing_that_exists_is_opened() {
    let scratch = Scratch::new("exists");
    let victim = scratch.path("victim");
    fs::write(&victim, b"precious").unwrap();
    let taken = scratch.path("taken");
    fs::write(&taken, b"someone else's").unwrap();
    let trap = scratch.path("trap");
    symlink(&victim, &trap).unwrap();
    let dangling = scratch.path("dangling");
    symlink(scratch.path("planted-by-attacker"), &dangling).unwrap();
    for (path, what) in
        [(&taken, "an existing file"), (&trap, "a symlink to another file"), (&dangling, "a symlink to nowhere")]
    {
        let got = create_new_private(path);
        assert!(
            matches!(&got, Err(e) if e.kind() == io::ErrorKind::AlreadyExists),
            "create_new_private on {what}: expected AlreadyExists, got {:?}",
            got.map(|_| "a file")
        );
    }
    assert_eq!(fs::read(&victim).unwrap(), b"precious", "the symlink's target was changed");
    assert_eq!(fs::read(&taken).unwrap(), b"someone else's", "the existing file was changed");
    assert!(!scratch.path("planted-by-attacker").exists(), "a file was created through the dangling symlink");
}

#[test]
fn a_private_file_lives_as_long_as_its_value() {
    let scratch = Scratch::new("lifetime");
    let a = PrivateFile::create_in(&scratch.dir, 4096).expect("create a private file");
    let b = PrivateFile::create_in(&scratch.dir, 0).expect("and another");
    assert_ne!(a.path(), b.path(), "two files, two names");
    assert_eq!(a.path().parent(), Some(scratch.dir.as_path()), "the file is in the directory asked for");
    assert_eq!(fs::metadata(a.path()).unwrap().len(), 4096, "the length asked for");
    assert_eq!(mode(a.path()), 0o600);
    let name = a.path().file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("pw-") && name.len() == 3 + 16, "named by given::random_name(\"pw-\"): {name}");
    drop(a);
    drop(b);
    assert!(scratch.entries().is_empty(), "dropped files are removed: left {:?}", scratch.entries());
}

#[test]
fn shared_memory_files_are_private_too() {
    let shm = Path::new("/dev/shm");
    if !shm.is_dir() {
        eprintln!("no /dev/shm here: skipped");
        return;
    }
    let _scratch = Scratch::new("shm");
    let mut region = PrivateFile::create_in(shm, 1 << 20).expect("create a file in /dev/shm");
    region.file().write_all(b"shared").unwrap();
    let path = region.path().to_path_buf();
    assert_eq!(mode(&path), 0o600, "a shared-memory file others could map: mode {:03o}", mode(&path));
    drop(region);
    assert!(!path.exists(), "the shared-memory file outlived its value: {}", path.display());
}

#[test]
fn a_failure_after_creating_leaves_nothing() {
    let scratch = Scratch::new("failure");
    let got = PrivateFile::create_in(&scratch.dir, u64::MAX);
    assert!(got.is_err(), "a file of 2^64 - 1 bytes cannot be made");
    assert!(scratch.entries().is_empty(), "the file of a failed create_in was left behind: {:?}", scratch.entries());
    assert!(
        PrivateFile::create_in(&scratch.path("no-such-dir"), 0).is_err(),
        "a directory that does not exist is an error, not a panic"
    );
}

#[test]
fn a_replacement_is_all_or_nothing() {
    let scratch = Scratch::new("replace");
    let dest = scratch.path("config");
    fs::write(&dest, b"old settings").unwrap();
    write_atomically(&dest, |file| {
        for piece in 0..10 {
            file.write_all(format!("new line {piece}\n").as_bytes())?;
            file.flush()?;
            // Halfway through, a reader still sees the whole old file...
            assert_eq!(
                fs::read(&dest).unwrap(),
                b"old settings",
                "a reader of dest saw a partly written file after piece {piece}"
            );
            // ...and the new one is being written next to it, in the same directory.
            let entries = scratch.entries();
            assert_eq!(entries.len(), 2, "while writing, dest's directory holds dest and one new file: {entries:?}");
        }
        Ok(())
    })
    .expect("replace the file");
    let want: String = (0..10).map(|p| format!("new line {p}\n")).collect();
    assert_eq!(fs::read_to_string(&dest).unwrap(), want);
    assert_eq!(mode(&dest), 0o600, "the replaced file is owner-only");
    assert_eq!(scratch.entries(), ["config"], "only dest is left");
}

#[test]
fn a_new_destination_is_created() {
    let scratch = Scratch::new("create");
    let dest = scratch.path("fresh");
    write_atomically(&dest, |file| file.write_all(b"first version")).expect("write a new file");
    assert_eq!(fs::read(&dest).unwrap(), b"first version");
    assert_eq!(scratch.entries(), ["fresh"]);
}

#[test]
fn a_failed_write_changes_nothing() {
    let scratch = Scratch::new("failed-write");
    let dest = scratch.path("ledger");
    fs::write(&dest, b"balance 100").unwrap();
    let got = write_atomically(&dest, |file| {
        file.write_all(b"balance 9")?;
        Err(io::Error::other("the disk is full"))
    });
    assert!(
        matches!(&got, Err(e) if e.to_string().contains("disk is full")),
        "the writer's error is returned: {got:?}"
    );
    assert_eq!(fs::read(&dest).unwrap(), b"balance 100", "a failed write changed dest");
    assert_eq!(scratch.entries(), ["ledger"], "a failed write left a file behind");
}

#[test]
fn a_panicking_write_changes_nothing() {
    let scratch = Scratch::new("panicking-write");
    let dest = scratch.path("ledger");
    fs::write(&dest, b"balance 100").unwrap();
    let unwound = std::panic::catch_unwind(|| {
        let _ = write_atomically(&dest, |file| {
            file.write_all(b"balance 9").unwrap();
            panic!("a bug in the writer");
        });
    });
    assert!(unwound.is_err(), "the writer's panic reaches the caller");
    assert_eq!(fs::read(&dest).unwrap(), b"balance 100", "a panicking write changed dest");
    assert_eq!(scratch.entries(), ["ledger"], "a panicking write left a file behind");
}

#[test]
fn writers_at_the_same_time_never_mix() {
    let scratch = Scratch::new("concurrent");
    let dest = scratch.path("shared");
    const LEN: usize = 256 << 10;
    std::thread::scope(|s| {
        for writer in 0..4u8 {
            let dest = &dest;
            s.spawn(move || {
                for round in 0..10 {
                    write_atomically(dest, |file| {
                        for _ in 0..LEN / 8192 {
                            file.write_all(&[b'a' + writer; 8192])?;
                            std::thread::yield_now();
                        }
                        Ok(())
                    })
                    .unwrap_or_else(|e| panic!("writer {writer}, round {round}: {e}"));
                    let now = fs::read(dest).expect("dest exists between replacements");
                    assert!(
                        now.len() == LEN && now.iter().all(|&b| b == now[0]),
                        "dest holds a mix of writers' bytes ({} bytes, starting {:?})",
                        now.len(),
                        &now[..now.len().min(8)]
                    );
                }
            });
        }
    });
    assert_eq!(scratch.entries(), ["shared"], "only dest is left after 40 replacements");
}

#[test]
fn what_each_call_leaves_behind() {
    let scratch = Scratch::new("summary");
    let dest = scratch.path("report");
    let mut lines = Vec::new();
    let mut record = |what: &str, result: io::Result<()>| {
        let outcome = match result {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("{:?}", e.kind()),
        };
        let shown: Vec<String> = scratch
            .entries()
            .iter()
            .map(|name| {
                let content = fs::read(scratch.path(name)).unwrap_or_default();
                format!("{name} ({:03o}, {:?})", mode(&scratch.path(name)), String::from_utf8_lossy(&content))
            })
            .collect();
        lines.push(format!(
            "{what}: {outcome}; then {}",
            if shown.is_empty() { "nothing".into() } else { shown.join(", ") }
        ));
    };
    record("write v1", write_atomically(&dest, |f| f.write_all(b"v1")));
    record("write v2", write_atomically(&dest, |f| f.write_all(b"v2")));
    record("a writer that fails", write_atomically(&dest, |f| f.write_all(b"v3").and(Err(io::Error::other("no")))));
    record("create_new_private on dest", create_new_private(&dest).map(drop));
    let file = PrivateFile::create_in(&scratch.dir, 3).map(|f| f.path().to_path_buf());
    record("a PrivateFile, created and dropped", file.map(drop));
    insta::assert_snapshot!(lines.join("\n"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 40, failure_persistence: None, ..Default::default() })]

    #[test]
    fn dest_is_always_the_last_successful_write(
        writes in proptest::collection::vec((proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000), proptest::prelude::any::<bool>()), 1..8),
    ) {
        let scratch = Scratch::new("sequence");
        let dest = scratch.path("state");
        let mut last: Option<Vec<u8>> = None;
        for (content, fails) in &writes {
            let result = write_atomically(&dest, |f| {
                f.write_all(content)?;
                if *fails { Err(io::Error::other("fails on purpose")) } else { Ok(()) }
            });
            proptest::prop_assert_eq!(result.is_ok(), !fails);
            if !fails {
                last = Some(content.clone());
            }
            proptest::prop_assert_eq!(fs::read(&dest).ok(), last.clone());
            let want: Vec<String> = if last.is_some() { vec!["state".to_string()] } else { vec![] };
            proptest::prop_assert_eq!(scratch.entries(), want);
        }
    }
}
