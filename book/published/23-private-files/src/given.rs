//! Given: unpredictable file names.

use std::fmt::Write as _;
use std::io::Read;

/// `prefix` and 16 random hex digits: a name another user cannot guess in
/// advance (and so cannot plant a file or a symlink under).
pub fn random_name(prefix: &str) -> String {
    let mut bytes = [0u8; 8];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .expect("the operating system's random source");
    bytes.iter().fold(prefix.to_string(), |mut name, b| {
        write!(name, "{b:02x}").unwrap();
        name
    })
}

/// How many names `PrivateFile::create_in` tries before giving up.
pub const ATTEMPTS: usize = 16;
