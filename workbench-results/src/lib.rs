//! What every reader of a workbench results file shares: the schema
//! (`schema`), the one set of rules a file must pass before it is believed
//! (`validate`), the ranking that is fair across machines (`ranking`), and
//! the HTML report (`report`, with the one `escape_html`). `cargo xtask
//! compare`, `cargo xtask bench --export/--submit` and the workshop server
//! use these and nothing else, so a file the server refuses, `compare`
//! refuses for the same reason, and both rank a room the same way.

pub mod http;
pub mod ranking;
pub mod report;
pub mod sample;
pub mod schema;
pub mod submission;
pub mod text;
pub mod validate;

pub use schema::*;
