//! Exercise 23-private-files — files that only their owner can read, created
//! so that nobody can slip in first, replaced atomically, and removed when
//! dropped or when anything fails. Read `book/src/ch07-security/private-files.md`.

pub mod given;

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

// ANCHOR: create_new_private
/// Creates the file at `path`, readable and writable by its owner only
/// (mode 0600), for reading and writing.
///
/// Atomically new: if anything already exists at `path` — a file, a
/// directory, a symlink (even to nowhere) — it fails with
/// `ErrorKind::AlreadyExists` and touches nothing. The mode is set by the
/// same system call that creates the file, not afterwards.
pub fn create_new_private(path: &Path) -> io::Result<File> {
    todo!("OpenOptions: create_new, and a mode (std::os::unix::fs::OpenOptionsExt)")
}
// ANCHOR_END: create_new_private

// ANCHOR: private_file
/// A private file with an unpredictable name, removed when dropped.
pub struct PrivateFile {
    path: PathBuf,
    file: File,
}

impl PrivateFile {
    /// A new private file of `len` zero bytes in `dir` (for shared memory:
    /// `/dev/shm`), named `given::random_name("pw-")`. A name that is taken
    /// is skipped for another, up to `given::ATTEMPTS` names. If anything
    /// fails after the file exists, it is removed before the error returns.
    pub fn create_in(dir: &Path, len: u64) -> io::Result<PrivateFile> {
        todo!("a random name, create_new_private, set_len — and no file left on error")
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }
}

impl Drop for PrivateFile {
    /// Removes the file.
    fn drop(&mut self) {
        todo!("remove the file; a drop cannot fail, so ignore errors")
    }
}
// ANCHOR_END: private_file

// ANCHOR: write_atomically
/// Replaces `dest` with what `write` writes, atomically: whoever opens
/// `dest` sees the old file or the new one, never a part of the new one.
///
/// The model: write into a private file in `dest`'s own directory (a rename
/// is atomic only within one file system), flush it to disk
/// (`File::sync_all`), then rename it over `dest`. If `write` fails or
/// panics, `dest` is as it was and no other file is left behind. The new
/// `dest` has mode 0600. (An error from the last step, syncing the
/// directory, comes after the rename: `dest` is new, but may not be on disk.)
///
/// What a replacement keeps and what it does not:
/// - the permission bits of the file it replaces (`mode & 0o777`), and its
///   owner and group where this process may set them (`std::os::unix::fs::fchown`;
///   only root can give a file to another user; not being allowed is not an
///   error). They are given to the new file once it is complete, before
///   its `sync_all` — while it is being written it stays 0600;
/// - a symlink at `dest` is refused (`ErrorKind::InvalidInput`, the message
///   says why), and nothing is changed: followed, a link that someone
///   planted would make this call write wherever it leads. To replace the
///   file a link leads to, pass that file's path (`fs::canonicalize`);
/// - hard links are not kept: the rename gives `dest` a new file, and every
///   other name of the old one still shows the old contents. To keep them,
///   write in place instead (`File::create(dest)`, write, `sync_all`) — and
///   give up atomicity: a reader may see half a file, and a failure loses
///   the old one.
pub fn write_atomically(dest: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    todo!("a PrivateFile next to dest, write, sync_all, rename")
}
// ANCHOR_END: write_atomically
