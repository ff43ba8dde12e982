//! expect: too-slow
//! calls the given parallel stage: the right answer on every core, with the general-purpose parser and table.

pub use stations::{Problem, RowError};

pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    stations_parallel::aggregate(input)
}
