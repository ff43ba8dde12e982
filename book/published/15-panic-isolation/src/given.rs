//! The error type of this exercise (given: you need not change it).

use thiserror::Error;

// ANCHOR: item_panic
/// One item whose processing panicked: which one, and what the panic said.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("item {index} panicked: {message}")]
pub struct ItemPanic {
    /// The item's position in the input, from 0.
    pub index: usize,
    /// The panic's message: the text given to `panic!`, or
    /// [`NON_STRING_PAYLOAD`] when the panic carried something else.
    pub message: String,
}
// ANCHOR_END: item_panic

/// The message of a panic whose payload is neither a `&str` nor a `String`
/// (`std::panic::panic_any(42)`).
pub const NON_STRING_PAYLOAD: &str = "non-string panic payload";
