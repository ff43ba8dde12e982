//! Each cut moves *back* to just after the previous newline instead of forward.

use std::ops::Range;

pub fn line_chunks(data: &[u8], parts: usize) -> Vec<Range<usize>> {
    assert!(parts > 0, "parts must be at least 1");
    let len = data.len();
    let mut cuts = vec![0];
    for i in 1..parts {
        let target = (i as u128 * len as u128 / parts as u128) as usize;
        let cut = data[..target].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        if cut > *cuts.last().expect("starts with 0") {
            cuts.push(cut);
        }
    }
    cuts.push(len);
    cuts.windows(2).filter(|w| w[1] > w[0]).map(|w| w[0]..w[1]).collect()
}
