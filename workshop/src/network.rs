//! What the trainer hands out: a short room code, and the addresses at
//! which the room can reach this laptop.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr};

/// Letters and digits that read aloud and off a projector without doubt (no 0/O, 1/I/L, U/V).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";

/// `K7QM-4TZP`: 8 characters from the system's random source (~39 bits).
pub fn new_room_code() -> String {
    let mut bytes = [0u8; 8];
    if std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes)).is_err() {
        // No /dev/urandom (not Unix): the clock and the process id are a weaker but fresh source.
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        bytes = (now.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)).to_le_bytes();
    }
    let chars: String = bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

pub struct Urls {
    /// For the room: this machine's address on the local network, when it listens there.
    pub shared: String,
    /// For the trainer's own browser.
    pub local: String,
}

pub fn urls(bind: IpAddr, port: u16) -> Urls {
    let local = format!("http://127.0.0.1:{port}");
    let shared = if bind.is_unspecified() {
        lan_addresses().first().map_or_else(|| local.clone(), |ip| format!("http://{ip}:{port}"))
    } else if bind.is_loopback() {
        local.clone()
    } else {
        format!("http://{bind}:{port}")
    };
    Urls { shared, local }
}

/// This machine's IPv4 addresses other than loopback, read from its
/// interfaces (no packet is sent to find them).
#[cfg(unix)]
fn lan_addresses() -> Vec<Ipv4Addr> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list it allocates, freed below.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return found;
    }
    let mut node = list;
    while !node.is_null() {
        // SAFETY: `node` is an element of the list getifaddrs returned, not yet freed.
        let entry = unsafe { &*node };
        // SAFETY: a non-null ifa_addr points to a sockaddr whose family says its real type.
        if !entry.ifa_addr.is_null() && i32::from(unsafe { (*entry.ifa_addr).sa_family }) == libc::AF_INET {
            // SAFETY: the family is AF_INET, so the address is a sockaddr_in.
            let addr = unsafe { &*(entry.ifa_addr as *const libc::sockaddr_in) };
            let ip = Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr));
            if !ip.is_loopback() {
                found.push(ip);
            }
        }
        node = entry.ifa_next;
    }
    // SAFETY: `list` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    found
}

#[cfg(not(unix))]
fn lan_addresses() -> Vec<Ipv4Addr> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_codes_are_short_unambiguous_and_fresh() {
        let (a, b) = (new_room_code(), new_room_code());
        assert_ne!(a, b);
        assert_eq!(a.len(), 9);
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))), "{a}");
    }
}
