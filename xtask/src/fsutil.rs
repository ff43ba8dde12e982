//! File operations that a kill cannot leave half done, and the one tree walk.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename: a reader (or a kill) sees the old file or the new one, never half
/// of one. The temporary file's name carries the process id, so two writers
/// never share it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().context("a file has a folder")?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = path.file_name().context("a file has a name")?.to_string_lossy();
    let temporary = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes).with_context(|| format!("cannot write {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("cannot replace {}", path.display()))
}

/// Refuses `path` unless nothing is there yet or it is a regular file: a
/// command that writes a file must not replace a device node, a FIFO, a
/// socket, a folder — or a symlink, which would make it write wherever the
/// link leads.
pub fn refuse_unless_regular(path: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot look at {}", path.display())),
    };
    let kind = kind_of(&meta.file_type());
    anyhow::ensure!(
        kind == "regular file",
        "{} is a {kind}, not a regular file: refusing to write there (give the path of a new or regular file)",
        path.display()
    );
    Ok(())
}

/// Refuses `path` unless it is (or links to) a regular file, judged from its
/// metadata without opening it: opening a FIFO for reading waits for a
/// writer, and a device may never end.
pub fn refuse_unless_regular_to_read(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot look at {}", path.display()))?;
    let kind = kind_of(&meta.file_type());
    anyhow::ensure!(kind == "regular file", "{} is a {kind}, not a regular file", path.display());
    Ok(())
}

fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match file_type {
        t if t.is_file() => "regular file",
        t if t.is_dir() => "folder",
        t if t.is_symlink() => "symlink",
        t if t.is_fifo() => "FIFO (named pipe)",
        t if t.is_socket() => "socket",
        t if t.is_char_device() => "character device",
        t if t.is_block_device() => "block device",
        _ => "special file",
    }
}

/// The bytes of `path`, which must be a regular file of at most `max` bytes.
/// Opened without blocking and checked on the open descriptor: a FIFO (which
/// would wait forever for a writer), a device or an endless file is refused,
/// with no moment between the check and the read for a swap.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let meta = file.metadata()?;
    let kind = kind_of(&meta.file_type());
    anyhow::ensure!(kind == "regular file", "{} is a {kind}, not a regular file", path.display());
    anyhow::ensure!(
        meta.len() <= max,
        "{} is {} bytes, more than the {max} such a file can be",
        path.display(),
        meta.len()
    );
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    anyhow::ensure!(bytes.len() as u64 <= max, "{} grew past {max} bytes while being read", path.display());
    Ok(bytes)
}

/// Bytes free for this user on the file system that holds `path`.
pub fn free_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: an all-zero statvfs is a valid value for the out-parameter.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c_path` is NUL-terminated and `stat` is valid and writable.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) };
    #[allow(clippy::unnecessary_cast)] // the field types differ between Linux and macOS
    (rc == 0).then(|| stat.f_bavail as u64 * stat.f_frsize as u64)
}

/// A file being written beside its destination under a name of its own,
/// created new (`O_EXCL`: nothing planted at the name is opened). It is
/// removed when dropped — on an error or a panic — and by the watchdog if
/// xtask is interrupted or killed; [`PartialFile::commit`] renames it into place.
pub struct PartialFile {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl PartialFile {
    pub fn beside(destination: &Path) -> Result<PartialFile> {
        let dir = match destination.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let name = destination.file_name().context("a file has a name")?.to_string_lossy();
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        for n in 0..100 {
            let path = dir.join(format!(".{name}.{}-{stamp:x}-{n}.partial", std::process::id()));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    crate::watchdog::remove_if_killed(&path);
                    return Ok(PartialFile { path, file: Some(file) });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
            }
        }
        anyhow::bail!("no free temporary name beside {}", destination.display())
    }

    pub fn file(&mut self) -> &mut std::fs::File {
        self.file.as_mut().expect("open until committed")
    }

    /// Renames the finished file over `destination`, which must still be new
    /// or a regular file.
    pub fn commit(mut self, destination: &Path) -> Result<()> {
        refuse_unless_regular(destination)?;
        self.file.take().expect("open until committed").sync_all()?;
        std::fs::rename(&self.path, destination)
            .with_context(|| format!("cannot rename {} to {}", self.path.display(), destination.display()))?;
        crate::watchdog::keep(&self.path);
        self.path = PathBuf::new();
        Ok(())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
            crate::watchdog::keep(&self.path);
        }
    }
}

/// Files (not folders) under `dir`, sorted, skipping top-level entries named in `skip`.
pub fn files_under(dir: &Path, skip: &[&str]) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let walk = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && skip.iter().any(|s| e.file_name() == *s)));
    for entry in walk {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_dir() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// Copies the files under `from` to `to`, skipping top-level entries named in `skip`.
pub fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for file in files_under(from, skip)? {
        let target = to.join(file.strip_prefix(from).expect("walked from `from`"));
        std::fs::create_dir_all(target.parent().expect("a file has a folder"))?;
        std::fs::copy(&file, &target).with_context(|| format!("cannot copy {}", file.display()))?;
    }
    Ok(())
}

/// A new folder `base/<stamp>` that did not exist before: two calls in the same
/// second (or from two processes) never share one.
pub fn new_folder(base: &Path, stamp: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(base)?;
    for n in 0.. {
        let candidate = if n == 0 { base.join(stamp) } else { base.join(format!("{stamp}-{n}")) };
        match std::fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", candidate.display())),
        }
    }
    unreachable!("some name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = crate::manifest::target_dir().join("xtask-tests").join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_atomic_write_leaves_no_temporary_file() {
        let dir = scratch("atomic");
        let file = dir.join("a.json");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    }

    #[test]
    fn only_new_or_regular_files_are_written() {
        use std::os::unix::fs::symlink;
        let dir = scratch("regular");
        std::fs::write(dir.join("file"), "x").unwrap();
        assert!(refuse_unless_regular(&dir.join("file")).is_ok());
        assert!(refuse_unless_regular(&dir.join("new")).is_ok());
        let fifo = std::ffi::CString::new(dir.join("fifo").to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        symlink(dir.join("file"), dir.join("link")).unwrap();
        for (name, kind) in [("fifo", "FIFO"), ("link", "symlink"), ("", "folder")] {
            let e = refuse_unless_regular(&dir.join(name)).expect_err(name).to_string();
            assert!(e.contains(kind) && e.contains("not a regular file"), "{name}: {e}");
        }
        // A socket's path must fit in 108 bytes: made in the temporary folder.
        let socket = std::env::temp_dir().join(format!("workbench-socket-{}", std::process::id()));
        let _ = std::fs::remove_file(&socket);
        let listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let e = refuse_unless_regular(&socket).expect_err("a socket").to_string();
        drop(listener);
        let _ = std::fs::remove_file(&socket);
        assert!(e.contains("socket") && e.contains("not a regular file"), "{e}");
        let null = refuse_unless_regular(Path::new("/dev/null")).expect_err("a device").to_string();
        assert!(null.contains("character device"), "{null}");
    }

    #[test]
    fn only_regular_files_of_bounded_size_are_read() {
        let dir = scratch("read-regular");
        std::fs::write(dir.join("small"), "12345").unwrap();
        assert_eq!(read_regular(&dir.join("small"), 5).unwrap(), b"12345");
        assert!(read_regular(&dir.join("small"), 4).unwrap_err().to_string().contains("more than the 4"));
        let fifo = std::ffi::CString::new(dir.join("fifo").to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        // Without O_NONBLOCK this open would wait for a writer forever.
        assert!(read_regular(&dir.join("fifo"), 100).unwrap_err().to_string().contains("FIFO"));
        assert!(read_regular(Path::new("/dev/zero"), 100).unwrap_err().to_string().contains("character device"));
    }

    #[test]
    fn a_partial_file_is_removed_unless_committed() {
        let dir = scratch("partial");
        let dest = dir.join("out.bin");
        let mut partial = PartialFile::beside(&dest).unwrap();
        std::io::Write::write_all(partial.file(), b"half").unwrap();
        drop(partial);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "a dropped partial file is removed");
        let mut partial = PartialFile::beside(&dest).unwrap();
        std::io::Write::write_all(partial.file(), b"whole").unwrap();
        partial.commit(&dest).unwrap();
        assert_eq!(std::fs::read(&dest).unwrap(), b"whole");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "only the destination is left");
    }

    #[test]
    fn new_folders_in_the_same_second_are_distinct() {
        let dir = scratch("folders");
        let a = new_folder(&dir, "1700000000").unwrap();
        let b = new_folder(&dir, "1700000000").unwrap();
        assert_ne!(a, b);
        assert!(a.is_dir() && b.is_dir());
    }

    #[test]
    fn a_tree_is_copied_without_the_skipped_top_level_entries() {
        let dir = scratch("copy");
        std::fs::create_dir_all(dir.join("from/a/b")).unwrap();
        std::fs::create_dir_all(dir.join("from/target")).unwrap();
        std::fs::write(dir.join("from/a/b/c.txt"), "c").unwrap();
        std::fs::write(dir.join("from/target/x"), "x").unwrap();
        copy_tree(&dir.join("from"), &dir.join("to"), &["target"]).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("to/a/b/c.txt")).unwrap(), "c");
        assert!(!dir.join("to/target").exists());
    }
}
