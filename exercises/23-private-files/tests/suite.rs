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
    let directory = scratch.path("directory");
    fs::create_dir(&directory).unwrap();
    for (path, what) in [
        (&taken, "an existing file"),
        (&trap, "a symlink to another file"),
        (&dangling, "a symlink to nowhere"),
        (&directory, "a directory"),
    ] {
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
            // ...and the new one is being written next to it, in the same
            // directory, private until it is complete.
            let entries = scratch.entries();
            assert_eq!(entries.len(), 2, "while writing, dest's directory holds dest and one new file: {entries:?}");
            let new = entries.iter().find(|e| *e != "config").expect("the new file");
            assert_eq!(
                mode(&scratch.path(new)),
                0o600,
                "the new file {new} is readable by others while half written: give it the old file's mode only \
                 once it is complete"
            );
        }
        Ok(())
    })
    .expect("replace the file");
    let want: String = (0..10).map(|p| format!("new line {p}\n")).collect();
    assert_eq!(fs::read_to_string(&dest).unwrap(), want);
    assert_eq!(mode(&dest), 0o644, "the replaced file keeps the old file's mode");
    assert_eq!(scratch.entries(), ["config"], "only dest is left");
}

#[test]
fn the_replaced_files_mode_is_kept() {
    let scratch = Scratch::new("keep-mode");
    let dest = scratch.path("shared.conf");
    for old in [0o644, 0o640, 0o600, 0o664, 0o400] {
        fs::write(&dest, b"old").unwrap();
        fs::set_permissions(&dest, fs::Permissions::from_mode(old)).unwrap();
        write_atomically(&dest, |f| f.write_all(b"new")).expect("replace dest");
        assert_eq!(
            mode(&dest),
            old,
            "dest had mode {old:03o} and the replacement has {:03o}: every reader the old file had must be able to \
             read the new one (and no new reader)",
            mode(&dest)
        );
        fs::remove_file(&dest).unwrap();
    }
}

#[test]
fn the_replaced_files_owner_is_kept_where_allowed() {
    use std::os::unix::fs::MetadataExt;
    let scratch = Scratch::new("keep-owner");
    let dest = scratch.path("owned");
    fs::write(&dest, b"old").unwrap();
    // SAFETY: geteuid only reads the process's effective user id.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("not root: only root can give a file to another user, so there is no owner to keep here: skipped");
        return;
    }
    std::os::unix::fs::chown(&dest, Some(1), Some(1)).expect("give dest to user and group 1");
    write_atomically(&dest, |f| f.write_all(b"new")).expect("replace dest");
    let meta = fs::metadata(&dest).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid()),
        (1, 1),
        "dest belonged to user and group 1, and root replaced it with a file of its own: the owner must be kept \
         where the process may set it (fchown)"
    );
}

#[test]
fn a_symlink_at_dest_is_refused_and_left_alone() {
    let scratch = Scratch::new("symlink-dest");
    fs::create_dir(scratch.path("real")).unwrap();
    let target = scratch.path("real/settings");
    fs::write(&target, b"old").unwrap();
    for (link, to) in [("settings", "real/settings"), ("dangling", "real/missing")] {
        symlink(to, scratch.path(link)).unwrap();
        let got = write_atomically(&scratch.path(link), |f| f.write_all(b"new"));
        let Err(e) = got else {
            panic!(
                "dest is a symlink ({link} -> {to}) and write_atomically went ahead: refuse it \
                 (ErrorKind::InvalidInput) — followed, a planted link writes wherever it leads; replaced, the \
                 caller's link is gone without a word"
            )
        };
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "the refusal of a symlink at dest: {e}");
        assert!(e.to_string().contains("symlink"), "the error says that dest is a symlink: {e}");
        assert_eq!(
            fs::read_link(scratch.path(link)).ok(),
            Some(PathBuf::from(to)),
            "the link {link} is left as it was"
        );
    }
    assert_eq!(fs::read(&target).unwrap(), b"old", "the link's target is left as it was");
    assert_eq!(scratch.entries(), ["dangling", "real", "settings"], "nothing was created beside the links");
    assert_eq!(list(&scratch.path("real")), ["settings"], "nothing was created beside the target");
}

#[test]
fn hard_links_keep_the_old_contents() {
    // The documented cost of a rename: dest gets a new file, other names of
    // the old one keep showing the old contents.
    let scratch = Scratch::new("hard-link");
    let dest = scratch.path("dest");
    fs::write(&dest, b"old").unwrap();
    fs::hard_link(&dest, scratch.path("other-name")).unwrap();
    write_atomically(&dest, |f| f.write_all(b"new")).expect("replace dest");
    assert_eq!(fs::read(&dest).unwrap(), b"new");
    assert_eq!(fs::read(scratch.path("other-name")).unwrap(), b"old", "the other name still has the old file");
}

#[test]
fn a_new_destination_is_created() {
    let scratch = Scratch::new("create");
    let dest = scratch.path("fresh");
    write_atomically(&dest, |file| file.write_all(b"first version")).expect("write a new file");
    assert_eq!(fs::read(&dest).unwrap(), b"first version");
    assert_eq!(mode(&dest), 0o600, "a new dest is owner-only");
    assert_eq!(scratch.entries(), ["fresh"]);
}

#[test]
fn a_bare_file_name_is_a_file_in_the_current_directory() {
    // `Path::new("out.txt").parent()` is `Some("")`, not `None`: the empty
    // path is the current directory, and the call must work there too (and
    // sync it). The test changes the current directory while it holds
    // `serial`, and changes it back.
    let scratch = Scratch::new("bare-name");
    let before = std::env::current_dir().expect("the current directory");
    std::env::set_current_dir(&scratch.dir).expect("enter the scratch directory");
    let result = write_atomically(Path::new("bare-dest"), |file| file.write_all(b"by its bare name"));
    let back = std::env::set_current_dir(&before);
    result.expect(
        "write_atomically(\"bare-dest\"): a bare file name lives in the current directory (its parent is \
                   the empty path)",
    );
    back.expect("return to the first current directory");
    assert_eq!(fs::read(scratch.path("bare-dest")).unwrap(), b"by its bare name");
    assert_eq!(scratch.entries(), ["bare-dest"], "only the file: no temporary name left behind");
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

// ---- The mode comes with the creation: a chmod afterwards is seen ----

/// `f`'s result and the names in `dir` whose attributes (mode, owner) were
/// changed while it ran, as inotify reports them (`IN_ATTRIB`): a file made
/// with the default mode and then `chmod`ed shows up here. `None` when this
/// system gives no inotify watch.
fn attribute_changes<T>(dir: &Path, f: impl FnOnce() -> T) -> (T, Option<Vec<String>>) {
    use std::os::unix::ffi::OsStrExt;
    let c_dir = std::ffi::CString::new(dir.as_os_str().as_bytes()).expect("a path without NUL");
    // SAFETY: plain system calls on a descriptor this function owns and closes.
    let fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
    if fd < 0 {
        return (f(), None);
    }
    // SAFETY: as above; `c_dir` is NUL-terminated.
    if unsafe { libc::inotify_add_watch(fd, c_dir.as_ptr(), libc::IN_ATTRIB) } < 0 {
        // SAFETY: as above.
        unsafe { libc::close(fd) };
        return (f(), None);
    }
    let out = f();
    let mut names = Vec::new();
    let mut buf = vec![0u8; 64 << 10];
    loop {
        // SAFETY: reads into `buf`, at most its length.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        let Ok(n) = usize::try_from(n) else { break };
        if n == 0 {
            break;
        }
        // struct inotify_event { int wd; u32 mask; u32 cookie; u32 len; char name[len]; }
        let mut at = 0;
        while at + 16 <= n {
            let field = |i: usize| u32::from_ne_bytes(buf[at + i..at + i + 4].try_into().unwrap());
            let (mask, len) = (field(4), field(12) as usize);
            let name = &buf[at + 16..(at + 16 + len).min(n)];
            let name = String::from_utf8_lossy(name.split(|&b| b == 0).next().unwrap_or_default()).into_owned();
            if mask & libc::IN_ATTRIB != 0 && !name.is_empty() {
                names.push(name);
            }
            at += 16 + len;
        }
    }
    // SAFETY: as above.
    unsafe { libc::close(fd) };
    (out, Some(names))
}

#[test]
fn the_mode_is_set_by_the_call_that_creates_the_file() {
    let scratch = Scratch::new("no-chmod");
    let new_dest = scratch.path("settings");
    // What each call returns is kept until the events are read.
    type Run<'a> = Box<dyn FnOnce() -> io::Result<Box<dyn std::any::Any>> + 'a>;
    let calls: [(&str, Run); 3] = [
        ("create_new_private", Box::new(|| Ok(Box::new(create_new_private(&scratch.path("fresh"))?)))),
        ("PrivateFile::create_in", Box::new(|| Ok(Box::new(PrivateFile::create_in(&scratch.dir, 10)?)))),
        // A new dest: a replaced one gets the old file's mode once complete.
        ("write_atomically", Box::new(|| Ok(Box::new(write_atomically(&new_dest, |f| f.write_all(b"new settings"))?)))),
    ];
    for (call, run) in calls {
        let (result, changed) = attribute_changes(&scratch.dir, run);
        let Some(changed) = changed else {
            eprintln!("no inotify watch on {} here: skipped", scratch.dir.display());
            return;
        };
        result.unwrap_or_else(|e| panic!("{call}: {e}"));
        assert!(
            changed.is_empty(),
            "{call} changed the mode of {changed:?} after creating it (a chmod or set_permissions after the open): \
             in between, the file had the default mode — 644 under umask 022 — and any user could open it, and \
             keep it open. Give the mode to the open that creates it (OpenOptionsExt::mode)."
        );
    }
}

// ---- Check, then create: a symlink planted in between ----

#[test]
fn a_symlink_planted_during_the_call_is_never_followed() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::{Duration, Instant};
    let scratch = Scratch::new("race");
    // On tmpfs when there is one: planting and removing a symlink is fastest
    // there, so the attacker gets more chances.
    let shm = Path::new("/dev/shm");
    let arena = if shm.is_dir() {
        shm.join(format!("private-files-{}-race", std::process::id()))
    } else {
        scratch.path("arena")
    };
    let _ = fs::remove_dir_all(&arena);
    fs::create_dir(&arena).expect("a directory for the race");
    struct Remove<'a>(&'a Path);
    impl Drop for Remove<'_> {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(self.0);
        }
    }
    let _remove = Remove(&arena);
    let victim = arena.join("victim");
    fs::write(&victim, b"precious").unwrap();
    let nowhere = arena.join("planted-by-attacker");
    let contested = arena.join("contested");
    let (stop, plants) = (AtomicBool::new(false), AtomicUsize::new(0));
    let (mut created, mut refused, mut calls) = (0, 0, 0);
    let followed = std::thread::scope(|s| {
        // The attacker: a symlink at the name, to a file or to nowhere, then gone again, and again.
        s.spawn(|| {
            let mut n = 0usize;
            while !stop.load(Ordering::Relaxed) {
                let _ = symlink(if n.is_multiple_of(2) { &victim } else { &nowhere }, &contested);
                let _ = fs::remove_file(&contested);
                n += 1;
            }
            plants.store(n, Ordering::Relaxed);
        });
        // Set on the way out, a panic (a todo!()) included: the scope waits for the attacker.
        struct Stop<'a>(&'a AtomicBool);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::Relaxed);
            }
        }
        let _stop = Stop(&stop);
        let started = Instant::now();
        loop {
            calls += 1;
            match create_new_private(&contested) {
                Ok(mut file) => {
                    created += 1;
                    let _ = file.write_all(b"the caller's own data");
                    let _ = fs::remove_file(&contested);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => refused += 1,
                Err(_) => {}
            }
            if calls % 32 == 0 || started.elapsed() > Duration::from_secs(1) {
                if fs::read(&victim).ok().as_deref() != Some(b"precious".as_slice()) {
                    break Some("the symlink's target was opened and written through it");
                }
                if nowhere.exists() {
                    break Some("a file was created where a dangling symlink pointed");
                }
                if started.elapsed() > Duration::from_secs(1) {
                    break None;
                }
            }
        }
    });
    if let Some(what) = followed {
        panic!(
            "create_new_private followed a symlink planted at the name while it ran (within {calls} calls): {what}. \
             Checking first (exists, symlink_metadata) and then opening leaves a moment in between where another \
             user can plant one; let the open itself refuse whatever exists (create_new: O_CREAT | O_EXCL)"
        );
    }
    eprintln!("{calls} calls against {} plants: {created} created, {refused} refused", plants.into_inner());
}

// ---- Descriptors ----

/// The open descriptors of this process, with what each refers to (leaving
/// out the one that lists them).
fn open_descriptors() -> Vec<(String, String)> {
    let listing = format!("/proc/{}/fd", std::process::id());
    let mut fds: Vec<(String, String)> = fs::read_dir("/proc/self/fd")
        .expect("list /proc/self/fd")
        .filter_map(|e| {
            let e = e.ok()?;
            let target = fs::read_link(e.path()).ok()?.to_string_lossy().into_owned();
            (target != listing).then(|| (e.file_name().to_string_lossy().into_owned(), target))
        })
        .collect();
    fds.sort();
    fds
}

#[test]
#[cfg(target_os = "linux")]
fn no_descriptor_is_left_open() {
    let scratch = Scratch::new("descriptors");
    let dest = scratch.path("dest");
    fs::write(&dest, b"old").unwrap();
    let existing = scratch.path("existing");
    fs::write(&existing, b"someone else's").unwrap();
    fs::create_dir(scratch.path("a-directory")).unwrap();
    fs::write(scratch.path("a-directory/inside"), b"keeps the directory from being replaced").unwrap();
    let before = open_descriptors();
    for round in 0..3 {
        let _ = PrivateFile::create_in(&scratch.dir, u64::MAX);
        let _ = PrivateFile::create_in(&scratch.path("no-such-dir"), 0);
        let _ = create_new_private(&existing);
        let _ = write_atomically(&dest, |f| f.write_all(b"half").and(Err(io::Error::other("fails"))));
        let _ = std::panic::catch_unwind(|| write_atomically(&dest, |_| panic!("a writer's bug")));
        let _ = write_atomically(&scratch.path("a-directory"), |f| f.write_all(b"cannot replace a directory"));
        write_atomically(&dest, |f| f.write_all(b"new")).expect("replace dest");
        drop(PrivateFile::create_in(&scratch.dir, 1).expect("create a private file"));
        drop(create_new_private(&scratch.path(&format!("new-{round}"))).expect("create a new file"));
    }
    let after = open_descriptors();
    let left: Vec<String> =
        after.iter().filter(|fd| !before.contains(fd)).map(|(fd, target)| format!("{fd} -> {target}")).collect();
    assert!(
        left.is_empty(),
        "after 3 rounds of failing and successful calls, {} descriptor(s) are still open: {left:?}. A File was kept \
         alive where it should have been dropped (mem::forget, into_raw_fd, a static): every process that does \
         this runs out of descriptors in the end, and an open file's space is not freed",
        left.len()
    );
}

// ---- Which errors are retried ----

#[test]
fn only_a_taken_name_is_retried() {
    let scratch = Scratch::new("retry");
    let not_a_dir = scratch.path("a-file");
    fs::write(&not_a_dir, b"a file, not a directory").unwrap();
    for (dir, want, what) in [
        (scratch.path("no-such-dir"), io::ErrorKind::NotFound, "a directory that does not exist"),
        (not_a_dir, io::ErrorKind::NotADirectory, "a regular file as the directory"),
    ] {
        match PrivateFile::create_in(&dir, 0) {
            Ok(_) => panic!("PrivateFile::create_in in {what} succeeded"),
            Err(e) => assert!(
                e.kind() == want,
                "PrivateFile::create_in in {what}: the error should be the open's own, {want:?}, but it is {:?} \
                 ({e}). Only AlreadyExists means the name is taken and another is worth a try; any other error \
                 is the answer.",
                e.kind()
            ),
        }
    }
}

// ---- Under strace: syncs, retries, failed syncs ----

const STRACE: &str = "/usr/bin/strace";
const TRACED: &str = "PRIVATE_FILES_TRACED";
const TRACED_DIR: &str = "PRIVATE_FILES_TRACED_DIR";

/// Why the traced tests cannot run here, if they cannot.
fn strace_missing() -> Option<String> {
    static WHY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    WHY.get_or_init(|| {
        if !Path::new(STRACE).exists() {
            return Some(format!("{STRACE} is not installed"));
        }
        let out = std::process::Command::new(STRACE).args(["-o", "/dev/null", "--", "true"]).output();
        match out {
            Ok(o) if o.status.success() => None,
            Ok(o) => Some(format!("{STRACE} cannot trace here: {}", String::from_utf8_lossy(&o.stderr).trim())),
            Err(e) => Some(format!("{STRACE} does not start: {e}")),
        }
    })
    .clone()
}

/// One system call from a trace.
#[derive(Debug)]
struct Call {
    name: String,
    args: String,
    result: String,
}

impl Call {
    /// The path strace shows for the first descriptor argument (`-y`): `3</tmp/x>`.
    fn fd_path(&self) -> Option<&str> {
        let start = self.args.find('<')? + 1;
        let end = self.args[start..].find(">")? + start;
        Some(&self.args[start..end])
    }

    /// The quoted string arguments (paths), unescaped as far as `\"` and `\\`.
    fn strings(&self) -> Vec<String> {
        let (mut out, mut current, mut inside, mut escaped) = (Vec::new(), String::new(), false, false);
        for c in self.args.chars() {
            match (inside, escaped, c) {
                (true, false, '\\') => escaped = true,
                (true, false, '"') => {
                    out.push(std::mem::take(&mut current));
                    inside = false;
                }
                (true, _, c) => {
                    current.push(c);
                    escaped = false;
                }
                (false, _, '"') => inside = true,
                _ => {}
            }
        }
        out
    }

    fn is_sync(&self) -> bool {
        self.name == "fsync" || self.name == "fdatasync"
    }

    fn is_rename(&self) -> bool {
        self.name.starts_with("rename")
    }
}

fn parse_trace(text: &str) -> Vec<Call> {
    text.lines()
        .filter_map(|line| {
            // "1234  name(args) = result", or "1234  name(args <unfinished ...>"
            let line = line.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start();
            let open = line.find('(')?;
            let name = &line[..open];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let rest = &line[open + 1..];
            let (args, result) = match rest.rfind(") = ") {
                Some(i) => (&rest[..i], &rest[i + 4..]),
                None => (rest.trim_end_matches("<unfinished ...>"), ""),
            };
            Some(Call { name: name.into(), args: args.into(), result: result.into() })
        })
        .collect()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A traced run of one scenario: what the call returned, and its system calls.
struct Traced {
    result: Option<String>,
    calls: Vec<Call>,
    output: String,
}

impl Traced {
    /// What the call returned (`ok`, or `error <kind> ...`).
    fn result(&self, what: &str) -> &str {
        self.result.as_deref().unwrap_or_else(|| {
            panic!("{what} under strace returned nothing (it panicked?); the traced program's output:\n{}", self.output)
        })
    }

    /// The calls, one per line, for messages.
    fn shown(&self) -> String {
        self.calls.iter().map(|c| format!("\n    {}({}) = {}", c.name, c.args, c.result)).collect()
    }
}

/// This test program again, under strace with `strace_args`, running only
/// `traced_child` with `scenario` in `dir`.
fn traced(scenario: &str, dir: &Path, strace_args: &[&str]) -> Traced {
    use std::time::{Duration, Instant};
    let base = std::env::temp_dir().join(format!("private-files-{}-{scenario}", std::process::id()));
    let (log, out) = (base.with_extension("strace"), base.with_extension("out"));
    // One file, one offset: stdout and stderr in the order they were written.
    let output = fs::File::create(&out).expect("a file for the child's output");
    let mut child = std::process::Command::new(STRACE)
        .args(["-f", "-qq", "-e", "signal=none", "-y", "-s", "256", "-o"])
        .arg(&log)
        .args(strace_args)
        .arg("--")
        .arg(std::env::current_exe().expect("this test program"))
        .args(["--exact", "traced_child", "--nocapture", "--test-threads=1"])
        .env(TRACED, scenario)
        .env(TRACED_DIR, dir)
        .stdout(output.try_clone().expect("the output file again"))
        .stderr(output)
        .spawn()
        .expect("start strace");
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().expect("wait for strace").is_none() {
        if Instant::now() > deadline {
            // The traced program first (strace's child), then strace.
            for pid in children_of(child.id()) {
                // SAFETY: kill(2) on a process this test started.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
            let _ = child.kill();
            let _ = child.wait();
            panic!("scenario {scenario}: the call did not finish within 10 s — does it retry for ever?");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = fs::read_to_string(&out).unwrap_or_default();
    let result = output.lines().find_map(|l| l.split_once("RESULT ").map(|(_, r)| r.to_string()));
    // What the call printed, without libtest's own lines (which would read as this suite's).
    let libtest = ["running ", "test ", "failures:", "successes:", "    traced_child"];
    let output = output
        .lines()
        .map(|l| l.trim_start_matches("test traced_child ... "))
        .filter(|l| !l.trim().is_empty() && !libtest.iter().any(|p| l.starts_with(p)))
        .collect::<Vec<_>>()
        .join("\n");
    let calls = parse_trace(&fs::read_to_string(&log).unwrap_or_default());
    let _ = fs::remove_file(&log);
    let _ = fs::remove_file(&out);
    Traced { result, calls, output }
}

/// The processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<libc::pid_t> {
    let Ok(entries) = fs::read_dir("/proc") else { return Vec::new() };
    entries
        .filter_map(|e| {
            let e = e.ok()?;
            let stat = fs::read_to_string(e.path().join("stat")).ok()?;
            let ppid: u32 = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == pid).then(|| e.file_name().to_str()?.parse().ok()).flatten()
        })
        .collect()
}

/// What a call returned, as the child reports it.
fn outcome<T>(result: &io::Result<T>) -> String {
    match result {
        Ok(_) => "ok".into(),
        Err(e) => format!("error {:?} {:?} ({e})", e.kind(), e.raw_os_error()),
    }
}

/// Not a test of its own: the traced tests run this program again under
/// strace, and this function then runs the scenario they name.
#[test]
fn traced_child() {
    let (Ok(scenario), Ok(dir)) = (std::env::var(TRACED), std::env::var(TRACED_DIR)) else { return };
    let dir = PathBuf::from(dir);
    let result = match scenario.as_str() {
        "replace" => outcome(&write_atomically(&dir.join("dest"), |f| f.write_all(b"new"))),
        "taken" | "missing" => outcome(&PrivateFile::create_in(&dir, 0)),
        "planted" => {
            let (victim, contested) = (dir.join("victim"), dir.join("contested"));
            let target = contested.clone();
            let attacker = std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(100));
                let _ = symlink(&victim, &target);
            });
            let result = create_new_private(&contested).and_then(|mut f| f.write_all(b"the caller's own data"));
            attacker.join().expect("the attacker thread");
            outcome(&result)
        }
        other => panic!("no scenario {other}"),
    };
    // On a line of its own: libtest has written "test traced_child ... " before.
    println!("\nRESULT {result}");
}

fn strace_or_skip(test: &str) -> bool {
    match strace_missing() {
        Some(why) => {
            eprintln!("{test}: skipped, {why}");
            false
        }
        None => true,
    }
}

/// Deterministic where strace is: every system call on the name returns
/// 0.3 s late, as on a busy machine, and a symlink is planted at the name
/// 0.1 s into the call. An open that refuses what exists (O_EXCL) is not
/// fooled; a check followed by an open is.
#[test]
fn a_symlink_planted_while_the_call_waits_is_not_followed() {
    if !strace_or_skip("a_symlink_planted_while_the_call_waits_is_not_followed") {
        return;
    }
    let scratch = Scratch::new("planted");
    let dir = fs::canonicalize(&scratch.dir).unwrap();
    fs::write(dir.join("victim"), b"precious").unwrap();
    let contested = dir.join("contested").to_string_lossy().into_owned();
    let run = traced("planted", &dir, &["-P", &contested, "-e", "trace=%file", "-e", "inject=%file:delay_exit=300000"]);
    assert!(
        fs::read(dir.join("victim")).unwrap() == b"precious",
        "create_new_private followed a symlink planted at the name while the call was under way (its system calls \
         on the name were slowed down, as on a busy machine): the symlink's target was opened and written through \
         it. A check first (exists, symlink_metadata) and an open after leave a moment in between; let the open \
         itself refuse whatever exists (create_new: O_CREAT | O_EXCL). The call returned {:?}; its system calls \
         on the name:{}",
        run.result,
        run.shown()
    );
}

#[test]
fn the_file_then_the_rename_reach_the_disk() {
    if !strace_or_skip("the_file_then_the_rename_reach_the_disk") {
        return;
    }
    let scratch = Scratch::new("synced");
    let dir = fs::canonicalize(&scratch.dir).unwrap();
    fs::write(dir.join("dest"), b"old").unwrap();
    let run = traced("replace", &dir, &["-e", "trace=fsync,fdatasync,rename,renameat,renameat2"]);
    assert_eq!(run.result("write_atomically"), "ok", "write_atomically under strace");
    assert_eq!(fs::read(dir.join("dest")).unwrap(), b"new");
    let calls = &run.calls;
    let into_dest = |c: &Call| c.is_rename() && c.strings().get(1).is_some_and(|to| file_name(to) == "dest");
    let Some(r) = calls.iter().position(into_dest) else {
        panic!("write_atomically made no rename over dest; its syncs and renames:{}", run.shown());
    };
    let from = calls[r].strings()[0].clone();
    let synced_before =
        calls[..r].iter().any(|c| c.is_sync() && c.fd_path().is_some_and(|p| file_name(p) == file_name(&from)));
    assert!(
        synced_before,
        "the new file {from} was renamed over dest without a File::sync_all before: the rename can reach the disk \
         before the data does, and after a power cut dest is an empty or partial file — the old contents gone too. \
         Syncs and renames:{}",
        run.shown()
    );
    let dir_name = dir.to_string_lossy();
    let synced_after = calls[r + 1..].iter().any(|c| c.is_sync() && c.fd_path() == Some(&*dir_name));
    assert!(
        synced_after,
        "dest's directory was not synced after the rename (File::open(dir)?.sync_all()): the rename is a change to \
         the directory, and until the directory reaches the disk a power cut can bring the old dest back. Syncs \
         and renames:{}",
        run.shown()
    );
}

/// Every name `random_name` gives is taken: strace makes every read of
/// `/dev/urandom` return eight zero bytes, and `pw-0000000000000000` exists.
#[test]
fn a_taken_name_is_skipped_up_to_attempts_times() {
    if !strace_or_skip("a_taken_name_is_skipped_up_to_attempts_times") {
        return;
    }
    let attempts = private_files::given::ATTEMPTS;
    let scratch = Scratch::new("taken");
    let dir = fs::canonicalize(&scratch.dir).unwrap();
    let taken = dir.join("pw-0000000000000000");
    fs::write(&taken, b"someone else's").unwrap();
    let run = traced("taken", &dir, &["-P", "/dev/urandom", "-e", "trace=read", "-e", "inject=read:retval=8"]);
    let names = run.calls.iter().filter(|c| c.name == "read").count();
    assert_eq!(fs::read(&taken).unwrap(), b"someone else's", "the file at the taken name was changed");
    let result = run.result("PrivateFile::create_in");
    assert!(
        result.starts_with("error"),
        "PrivateFile::create_in where every name given::random_name gives is taken: expected an error, got {result}"
    );
    assert!(
        names == attempts,
        "PrivateFile::create_in where every name is taken drew {names} name(s) from given::random_name: a taken name \
         must be skipped for another, up to given::ATTEMPTS = {attempts} names{}",
        if names < attempts { " — did it give up at the first taken name?" } else { "" }
    );
    assert_eq!(scratch.entries(), ["pw-0000000000000000"], "only the taken name is in the directory");

    let run = traced("missing", &dir.join("no-such-dir"), &["-P", "/dev/urandom", "-e", "trace=read"]);
    let names = run.calls.iter().filter(|c| c.name == "read").count();
    let result = run.result("PrivateFile::create_in");
    assert!(
        result.starts_with("error NotFound"),
        "PrivateFile::create_in in a directory that does not exist: expected NotFound, got {result}"
    );
    assert!(
        names == 1,
        "PrivateFile::create_in in a directory that does not exist drew {names} names: only AlreadyExists means the \
         name is taken — any other error is returned at once, after one name"
    );
}

/// strace makes a sync fail (EIO): first the file's, then the directory's.
#[test]
fn a_failed_sync_is_an_error() {
    if !strace_or_skip("a_failed_sync_is_an_error") {
        return;
    }
    let scratch = Scratch::new("failed-sync");
    let dir = fs::canonicalize(&scratch.dir).unwrap();
    let dest = dir.join("dest");

    // The first sync fails: the new file's (a sync of the directory first is
    // the wrong order, which the_file_then_the_rename_reach_the_disk names).
    fs::write(&dest, b"old").unwrap();
    let run =
        traced("replace", &dir, &["-e", "trace=fsync,fdatasync", "-e", "inject=fsync,fdatasync:error=EIO:when=1"]);
    if run.calls.iter().any(|c| c.result.contains("INJECTED")) {
        let result = run.result("write_atomically");
        assert!(
            result.starts_with("error"),
            "the new file's File::sync_all failed with EIO, but write_atomically returned {result}: a file that may \
             not be on disk must not be renamed over dest, and the caller must hear of it"
        );
        assert_eq!(fs::read(&dest).unwrap(), b"old", "the new file's sync failed, yet dest was replaced");
        assert_eq!(scratch.entries(), ["dest"], "the new file's sync failed, and a file was left behind");
    }

    // The directory's sync fails.
    fs::write(&dest, b"old").unwrap();
    let dir_name = dir.to_string_lossy().into_owned();
    let run = traced(
        "replace",
        &dir,
        &["-P", &dir_name, "-e", "trace=fsync,fdatasync", "-e", "inject=fsync,fdatasync:error=EIO"],
    );
    let result = run.result("write_atomically");
    assert!(
        run.calls.iter().any(|c| c.result.contains("INJECTED")),
        "write_atomically never synced dest's directory ({dir_name}): File::open(dir)?.sync_all() after the rename"
    );
    assert!(
        result.starts_with("error"),
        "syncing dest's directory failed with EIO, but write_atomically returned {result}: the caller must learn \
         that the replacement may not be on disk"
    );
    assert_eq!(fs::read(&dest).unwrap(), b"new", "the directory sync comes after the rename: dest is the new file");
    assert_eq!(scratch.entries(), ["dest"], "only dest is left");
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
