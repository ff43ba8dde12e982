//! What `bench --submit` and the workshop server agree on besides the record:
//! where it goes, how it is named, and what the answer says.

use serde::{Deserialize, Serialize};

/// The path a record is posted to, with `?room=CODE`.
pub const PATH: &str = "/api/submissions";

/// A submission's id: the SHA-1 of its bytes, in hex. The same bytes sent
/// twice (a resend after a lost answer) are one submission, by construction.
pub fn id(body: &[u8]) -> String {
    sha1_smol::Sha1::from(body).digest().to_string()
}

/// The server's answer to an accepted submission.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ack {
    pub id: String,
    pub participant: String,
    /// Already stored before this request: a resend.
    pub duplicate: bool,
    pub rank: usize,
    pub tied: bool,
    pub solved: usize,
    /// How many participants are ranked.
    pub participants: usize,
    /// The geometric mean of the speed vs reference, when something is solved.
    pub score: Option<f64>,
}

/// The server's answer to a refused request: `reason` is a stable code
/// (`bad-number`, `wrong-room-code`, `rate-limited`, …), `error` its words.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Refused {
    pub error: String,
    pub reason: String,
}
