//! SplitMix64: a tiny, well-mixed generator whose output is the same on every
//! platform. Everything in this crate samples with integers only, so no
//! floating-point library can make two machines disagree.

/// One SplitMix64 stream.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The seed of block `index` of a data set: independent streams, so blocks
    /// can be generated in any order, on any number of threads.
    pub fn for_block(seed: u64, index: u64) -> Self {
        let mut mixer = Self::new(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
        Self::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    /// Uniform in `0..bound` by multiply-shift (Lemire), bias below 2^-32 for our bounds.
    pub fn below(&mut self, bound: u64) -> u64 {
        debug_assert!(bound > 0);
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range_i64(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `per_million / 1_000_000`.
    pub fn chance_ppm(&mut self, per_million: u32) -> bool {
        self.below(1_000_000) < u64::from(per_million)
    }
}

/// Samples ranks `0..n` with weight `1/(rank+1)` (Zipf, s = 1), integers only.
#[derive(Clone, Debug)]
pub struct Zipf {
    cumulative: Vec<u64>,
}

impl Zipf {
    pub fn new(n: usize) -> Self {
        let mut total = 0u64;
        let cumulative = (1..=n as u64)
            .map(|rank| {
                total += (1u64 << 40) / rank;
                total
            })
            .collect();
        Self { cumulative }
    }

    pub fn sample(&self, rng: &mut SplitMix64) -> usize {
        let total = *self.cumulative.last().expect("Zipf over at least one rank");
        let target = rng.below(total);
        self.cumulative.partition_point(|&c| c <= target)
    }
}
