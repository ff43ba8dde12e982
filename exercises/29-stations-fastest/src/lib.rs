pub use stations::{Problem, RowError};

pub fn aggregate(input: &[u8]) -> Result<String, RowError> {
    todo!()
}
