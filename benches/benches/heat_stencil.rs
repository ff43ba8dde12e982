//! Exercise 12: the learner's barrier-phased stencil, the reference and the
//! sequential version, `STEPS` steps over the same rod.

use benches::{Contenders, Exercise};
use ref_heat_stencil::given::{STEPS, diffuse_sequential, temperatures};

fn main() {
    benches::main(Exercise {
        id: "12-heat-stencil",
        generate: |size, seed| temperatures(&datagen::uniform_u32(size, seed)),
        load: |bytes| benches::load::u32_le(bytes).map(|raw| temperatures(&raw)),
        input_bytes: |cells| std::mem::size_of_val(cells.as_slice()) as u64,
        digest: |cells: &Vec<f64>| {
            let hash = cells.iter().fold(0u64, |h, c| h.rotate_left(5) ^ c.to_bits());
            format!("{} cells, bit hash {hash:016x}", cells.len())
        },
        contenders: Contenders {
            learner: |cells| ex_heat_stencil::diffuse_all_cores(cells, STEPS),
            reference: |cells| ref_heat_stencil::diffuse_all_cores(cells, STEPS),
            sequential: |cells| diffuse_sequential(cells, STEPS),
            baseline: benches::SEQUENTIAL_BASELINE,
        },
    });
}
