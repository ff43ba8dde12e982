//! Reference solution of exercise 23-private-files.

#[path = "../../../exercises/23-private-files/src/given.rs"]
pub mod given;

use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt, fchown};
use std::path::{Path, PathBuf};

// ANCHOR: solution
pub fn create_new_private(path: &Path) -> io::Result<File> {
    // O_CREAT | O_EXCL: fails on anything that exists, symlinks included;
    // the mode is part of the same open(2).
    OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(path)
}

pub struct PrivateFile {
    path: PathBuf,
    file: File,
}

impl PrivateFile {
    pub fn create_in(dir: &Path, len: u64) -> io::Result<PrivateFile> {
        for _ in 0..given::ATTEMPTS {
            let path = dir.join(given::random_name("pw-"));
            match create_new_private(&path) {
                Ok(file) => {
                    // Owned from here on: an error below drops it, and the drop removes it.
                    let private = PrivateFile { path, file };
                    private.file.set_len(len)?;
                    return Ok(private);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} random names in {} all taken", given::ATTEMPTS, dir.display()),
        ))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file(&mut self) -> &mut File {
        &mut self.file
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

pub fn write_atomically(dest: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let dir = match dest.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    // Not followed: a link planted at dest (in a directory others can write)
    // would make this write wherever it leads. The rename never follows one.
    let replaced = match std::fs::symlink_metadata(dest) {
        Ok(old) if old.file_type().is_symlink() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} is a symlink: write_atomically replaces files, not links — to replace the file it leads \
                     to, pass that file's path (std::fs::canonicalize)",
                    dest.display()
                ),
            ));
        }
        Ok(old) => Some(old),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut temp = PrivateFile::create_in(dir, 0)?;
    // A panic in `write` unwinds through `temp`'s drop: no file left behind.
    write(temp.file())?;
    if let Some(old) = &replaced {
        // Complete now, it may have what the replaced file had: readers of
        // that file keep reading this one. Before the sync, so that it lasts.
        keep_owner(temp.file(), old)?;
        temp.file().set_permissions(Permissions::from_mode(old.permissions().mode() & 0o777))?;
    }
    temp.file().sync_all()?;
    std::fs::rename(temp.path(), dest)?;
    // The file is `dest` now: an empty path makes the drop remove nothing.
    temp.path = PathBuf::new();
    // The rename itself reaches the disk when the directory is synced.
    File::open(dir)?.sync_all()
}

/// Gives `file` the replaced file's owner and group where this process may:
/// only root can give a file to another user; anyone can choose one of
/// their own groups. Not being allowed is not an error.
fn keep_owner(file: &File, old: &Metadata) -> io::Result<()> {
    let new = file.metadata()?;
    if (new.uid(), new.gid()) == (old.uid(), old.gid()) {
        return Ok(());
    }
    let allowed = |result: io::Result<()>| match result {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => Ok(false),
        other => other.map(|()| true),
    };
    if !allowed(fchown(file, Some(old.uid()), Some(old.gid())))? {
        allowed(fchown(file, None, Some(old.gid())))?;
    }
    Ok(())
}
// ANCHOR_END: solution
