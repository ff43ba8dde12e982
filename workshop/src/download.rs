//! The room as the trainer takes it home: one tar archive holding each
//! participant's latest results file, byte for byte as it was submitted
//! (what `bench --export` writes, so `cargo xtask compare FOLDER` reads it),
//! and the comparison report. Tar, because every system unpacks it
//! (`tar xf room.tar`) and it takes a page of code to write.

use workbench_results::report;

use crate::room::Room;

/// The folder inside the archive: the room's name kept to safe characters.
pub fn folder_name(room: &str) -> String {
    let safe: String =
        room.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_') { c } else { '_' }).collect();
    format!("room-{safe}")
}

pub fn room_tar(room: &Room) -> Vec<u8> {
    let folder = folder_name(&room.name);
    let mut tar = Vec::new();
    for (name, submission) in room.latest_files() {
        append(&mut tar, &format!("{folder}/{name}"), submission.body.as_bytes());
    }
    append(&mut tar, &format!("{folder}/report.html"), report::render(&room.comparison).as_bytes());
    // The end of an archive: two empty blocks.
    tar.extend_from_slice(&[0; 1024]);
    tar
}

/// One file in ustar format: a 512-byte header, the bytes, padding to 512.
fn append(tar: &mut Vec<u8>, path: &str, bytes: &[u8]) {
    let mut header = [0u8; 512];
    let name = path.as_bytes();
    // Names are made by `folder_name` and `download_name`: ASCII, well under 100 bytes.
    header[..name.len().min(100)].copy_from_slice(&name[..name.len().min(100)]);
    octal(&mut header[100..108], 0o644);
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], bytes.len() as u64);
    let mtime = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    octal(&mut header[136..148], mtime);
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    // The checksum is computed with its own field read as spaces.
    header[148..156].copy_from_slice(b"        ");
    let sum: u64 = header.iter().map(|b| u64::from(*b)).sum();
    octal(&mut header[148..155], sum);
    header[155] = b' ';
    tar.extend_from_slice(&header);
    tar.extend_from_slice(bytes);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
}

/// `value` in octal, zero-padded, NUL-terminated, filling `field`.
fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let digits = format!("{value:0width$o}");
    field[..width].copy_from_slice(&digits.as_bytes()[digits.len() - width..]);
    field[width] = 0;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_each_file_at_a_block_boundary() {
        let mut tar = Vec::new();
        append(&mut tar, "room-a/ana-1.json", b"{\"x\":1}");
        assert_eq!(tar.len(), 1024);
        assert_eq!(&tar[..17], b"room-a/ana-1.json");
        assert_eq!(&tar[124..135], b"00000000007");
        assert_eq!(&tar[512..519], b"{\"x\":1}");
        let sum: u64 =
            tar[..512].iter().enumerate().map(|(i, b)| if (148..156).contains(&i) { 32 } else { u64::from(*b) }).sum();
        assert_eq!(std::str::from_utf8(&tar[148..154]).unwrap(), format!("{sum:06o}"));
        assert_eq!(folder_name("Room 4/b"), "room-Room_4_b");
    }
}
