//! `cargo xtask new NN-slug`: scaffold a complete, green exercise — manifest
//! entry, stub and reference crates sharing one test suite, a known-bad
//! variant, bench target and feature, book page, Python baseline — and record
//! it in `pristine.toml`. `verify` accepts the result as it stands; the author
//! then replaces the placeholder task (a parallel sum) with the real one.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};

use crate::integrity::{self, Pristine};
use crate::manifest::{self, Workspace};
use crate::{ui, verify};

/// Whether the new exercise gets a timing gate (bench target, Python baseline).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    Timed,
    /// Correctness only: no `[exercise.perf]`, bench target or baseline.
    Untimed,
}

pub fn run(ws: &Workspace, id: &str, chapter: u32, timing: Timing) -> Result<ExitCode> {
    let written = scaffold(ws, id, chapter, timing)?;
    for path in &written {
        anstream::println!("created {path}");
    }
    anstream::println!(
        "{} {id} scaffolded. Next: write the task and its tests, then `cargo xtask verify --bless {id}`",
        ui::green("✓")
    );
    Ok(ExitCode::SUCCESS)
}

struct Names {
    id: String,
    slug: String,
    lib: String,
    title: String,
    chapter: u32,
    page: String,
}

fn names(ws: &Workspace, id: &str, chapter: u32) -> Result<Names> {
    let (number, slug) = id.split_once('-').context("the id must look like NN-slug, e.g. 03-balanced-ranges")?;
    ensure!(number.len() == 2 && number.bytes().all(|b| b.is_ascii_digit()), "the id must start with two digits");
    ensure!(
        !slug.is_empty() && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "the slug must be lowercase letters, digits and dashes"
    );
    if ws.manifest.exercises.iter().any(|e| e.id == id || e.slug() == slug) {
        bail!("{} already has an exercise `{id}` (or the slug `{slug}`)", manifest::FILE);
    }
    let mut title = slug.replace('-', " ");
    title[..1].make_ascii_uppercase();
    let chapter_dir = std::fs::read_dir(ws.root.join("book/src"))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|name| name.starts_with(&format!("ch{chapter:02}-")))
        .unwrap_or_else(|| format!("ch{chapter:02}-draft"));
    Ok(Names {
        id: id.into(),
        slug: slug.into(),
        lib: slug.replace('-', "_"),
        title,
        chapter,
        page: format!("{chapter_dir}/{slug}.md"),
    })
}

/// Writes every file of a new exercise; returns their repository paths.
pub fn scaffold(ws: &Workspace, id: &str, chapter: u32, timing: Timing) -> Result<Vec<String>> {
    let n = names(ws, id, chapter)?;
    let root = &ws.root;
    let mut written = Vec::new();
    let mut write = |path: String, text: String| -> Result<()> {
        let full = root.join(&path);
        ensure!(!full.exists(), "{path} already exists");
        std::fs::create_dir_all(full.parent().expect("a file has a folder"))?;
        std::fs::write(&full, text)?;
        written.push(path);
        Ok(())
    };
    write(format!("exercises/{}/Cargo.toml", n.id), crate_manifest(&n, false))?;
    write(format!("exercises/{}/src/lib.rs", n.id), stub(&n))?;
    write(format!("exercises/{}/tests/suite.rs", n.id), suite(&n))?;
    write(format!("solutions/{}/Cargo.toml", n.id), crate_manifest(&n, true))?;
    write(format!("solutions/{}/src/lib.rs", n.id), reference(&n))?;
    write(format!("book/src/{}", n.page), page(&n))?;
    if timing == Timing::Timed {
        write(format!("solutions/{}/known-bad/sequential.rs", n.id), known_bad_sequential(&n))?;
        write(format!("benches/benches/{}.rs", n.lib), bench(&n))?;
        write(format!("baselines/python/{}.py", n.lib), python(&n))?;
    } else {
        write(format!("solutions/{}/known-bad/drops_the_last_item.rs", n.id), known_bad_lost_item(&n))?;
    }
    append(root, manifest::FILE, &manifest_entry(&n, timing))?;
    add_to_summary(root, &n)?;
    if timing == Timing::Timed {
        add_bench_target(root, &n)?;
    }
    let ws = Workspace::open(root)?;
    let ex = ws.manifest.find(&n.id)?;
    let mut pristine = Pristine::load(root)?;
    pristine.exercise.insert(n.id.clone(), integrity::exercise_record(root, ex)?);
    pristine.shared = integrity::shared_now(root)?;
    pristine.save(root)?;
    // What the book shows of the course: the stub as published, the count and contents.
    crate::published::refresh(root, &pristine)?;
    crate::contents::refresh(root)?;
    written.extend([
        manifest::FILE.into(),
        "book/src/SUMMARY.md".into(),
        integrity::FILE.into(),
        crate::published::DIR.into(),
        crate::contents::DIR.into(),
    ]);
    if timing == Timing::Timed {
        written.push("benches/Cargo.toml".into());
    }
    Ok(written)
}

fn append(root: &Path, file: &str, text: &str) -> Result<()> {
    let path = root.join(file);
    let mut current = std::fs::read_to_string(&path).with_context(|| format!("cannot read {file}"))?;
    if !current.ends_with('\n') {
        current.push('\n');
    }
    current.push_str(text);
    std::fs::write(path, current)?;
    Ok(())
}

/// Lists the page in `SUMMARY.md` after the last page of its chapter's
/// folder (the chapter's own README included), or at the end.
fn add_to_summary(root: &Path, n: &Names) -> Result<()> {
    let path = root.join("book/src/SUMMARY.md");
    let text = std::fs::read_to_string(&path).context("cannot read book/src/SUMMARY.md")?;
    let folder = format!("]({}/", n.page.split_once('/').map_or("", |(dir, _)| dir));
    let number = n.id.split_once('-').map_or("", |(number, _)| number);
    let entry = format!("    - [Exercise {number}: {}]({})", n.title, n.page);
    let mut lines: Vec<&str> = text.lines().collect();
    match lines.iter().rposition(|l| l.contains(&folder)) {
        Some(i) => lines.insert(i + 1, &entry),
        None => lines.push(entry.trim_start()),
    }
    std::fs::write(path, lines.join("\n") + "\n")?;
    Ok(())
}

/// Adds the exercise's optional dependencies, feature and bench target.
fn add_bench_target(root: &Path, n: &Names) -> Result<()> {
    let path = root.join("benches/Cargo.toml");
    let text = std::fs::read_to_string(&path)?;
    let (deps, rest) = text.split_once("\n[features]\n").context("benches/Cargo.toml has no [features] section")?;
    let (id, slug, lib) = (&n.id, &n.slug, &n.lib);
    let updated = format!(
        "{deps}\nex-{slug} = {{ package = \"{slug}\", path = \"../exercises/{id}\", optional = true }}\n\
         ref-{slug} = {{ package = \"{slug}-solution\", path = \"../solutions/{id}\", optional = true }}\n\
         \n[features]\n{slug} = [\"dep:ex-{slug}\", \"dep:ref-{slug}\", \"criterion\"]\n{rest}\
         \n[[bench]]\nname = \"{slug}\"\npath = \"benches/{lib}.rs\"\nharness = false\nrequired-features = [\"{slug}\"]\n"
    );
    std::fs::write(path, updated)?;
    Ok(())
}

fn crate_manifest(n: &Names, solution: bool) -> String {
    let (id, slug, lib) = (&n.id, &n.slug, &n.lib);
    let (name, description, lib_section, test_path, lints) = if solution {
        (
            format!("{slug}-solution"),
            format!("Reference solution of exercise {id}"),
            format!("name = \"{lib}\"\npath = \"src/lib.rs\""),
            format!("../../exercises/{id}/tests/suite.rs"),
            "",
        )
    } else {
        (
            slug.to_string(),
            format!("Exercise {id}: {}", n.title),
            "path = \"src/lib.rs\"".to_string(),
            "tests/suite.rs".to_string(),
            "\n# The stub's parameters are unused until you write the body.\n[lints.rust]\nunused_variables = \"allow\"\n",
        )
    };
    format!(
        "[package]\nname = \"{name}\"\ndescription = \"{description}\"\nversion.workspace = true\n\
         edition.workspace = true\nrust-version.workspace = true\nlicense.workspace = true\npublish.workspace = true\n\n\
         [lib]\n{lib_section}\ntest = false\ndoctest = false\n\n[[test]]\nname = \"suite\"\npath = \"{test_path}\"\n\n\
         [dependencies]\nrayon.workspace = true\n\n[dev-dependencies]\ndatagen.workspace = true\n\
         proptest.workspace = true\ninsta.workspace = true\n{lints}"
    )
}

/// The placeholder task's work for one item: a few multiplications, so the
/// task is bound by the cores, not by memory, and its reference is clearly
/// parallel (a plain sum of `u32`s reads memory as fast on one core as on two
/// on some machines, and the scaffold's "sequential" known-bad would pass).
const WORK: &str = "{ let h = (u64::from(x) ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9); \
                    (h ^ (h >> 31)).wrapping_mul(0x94d0_49bb_1331_11eb) >> 40 }";

const DOC: &str = "/// Sums `data` in parallel. (Placeholder task from `cargo xtask new`: replace it.)\n\
///\n/// The model: split the work over all cores with rayon and add the partial sums.\n\
///\n/// # Panics\n///\n/// Never.\n";

fn stub(n: &Names) -> String {
    format!(
        "//! Exercise {} — {}. Read `book/src/{}`.\n\n{DOC}pub fn process(data: &[u32]) -> u64 {{\n    \
         todo!(\"write the parallel version\")\n}}\n",
        n.id, n.title, n.page
    )
}

fn reference(n: &Names) -> String {
    format!(
        "//! Reference solution of exercise {}.\n\nuse rayon::prelude::*;\n\n{DOC}// ANCHOR: solution\n\
         pub fn process(data: &[u32]) -> u64 {{\n    data.par_iter().map(|&x| {WORK}).sum()\n}}\n// ANCHOR_END: solution\n",
        n.id
    )
}

fn known_bad_sequential(n: &Names) -> String {
    format!(
        "//! expect: not-parallel\n//! Correct but sequential: one core does all the work.\n\n{DOC}\
         pub fn process(data: &[u32]) -> u64 {{\n    data.iter().map(|&x| {WORK}).sum()\n}}\n// {}\n",
        n.id
    )
}

fn known_bad_lost_item(n: &Names) -> String {
    format!(
        "//! expect: tests-failed\n//! failing: matches_the_sequential_oracle\n//! Forgets the last item: the oracle comparison catches it.\n\n{DOC}\
         pub fn process(data: &[u32]) -> u64 {{\n    let n = data.len().saturating_sub(1);\n    \
         data[..n].iter().map(|&x| {WORK}).sum()\n}}\n// {}\n",
        n.id
    )
}

fn suite(n: &Names) -> String {
    format!(
        "//! The one test suite of exercise {id}, run against the learner's crate and the reference.\n\n\
         use {lib}::process;\nuse proptest::prelude::*;\n\n\
         fn oracle(data: &[u32]) -> u64 {{\n    data.iter().map(|&x| {WORK}).sum()\n}}\n\n\
         #[test]\nfn empty_input() {{\n    assert_eq!(process(&[]), 0);\n}}\n\n\
         proptest! {{\n    #![proptest_config(ProptestConfig {{ cases: 100, failure_persistence: None, ..ProptestConfig::default() }})]\n\n    \
         #[test]\n    fn matches_the_sequential_oracle(data in prop::collection::vec(any::<u32>(), 0..1000)) {{\n        \
         prop_assert_eq!(process(&data), oracle(&data));\n    }}\n}}\n",
        id = n.id,
        lib = n.lib
    )
}

fn bench(n: &Names) -> String {
    format!(
        "//! Exercise {id}: learner, reference and a sequential baseline on the same input.\n\n\
         use benches::{{Contenders, Exercise}};\n\nfn main() {{\n    benches::main(Exercise {{\n        \
         id: \"{id}\",\n        generate: |size, seed| datagen::uniform_u32(size, seed),\n        \
         load: benches::load::u32_le,\n        \
         input_bytes: |data| std::mem::size_of_val(data.as_slice()) as u64,\n        \
         digest: |total: &u64| total.to_string(),\n        contenders: Contenders {{\n            \
         learner: |data| ex_{lib}::process(data),\n            reference: |data| ref_{lib}::process(data),\n            \
         sequential: |data| data.iter().map(|&x| {WORK}).sum(),\n            \
         baseline: benches::SEQUENTIAL_BASELINE,\n        }},\n    }});\n}}\n",
        id = n.id,
        lib = n.lib
    )
}

fn page(n: &Names) -> String {
    format!(
        "# {title}\n\n**Goal:** (what the learner can do afterwards).\n\n**Read first:** (the pages this builds on).\n\n\
         ## The task\n\nImplement `process` in `exercises/{id}/src/lib.rs`.\n\n## Check it\n\n```console\n\
         cargo xtask check {id}\n```\n\n## Python corner\n\n(The `multiprocessing` equivalent, with measured numbers.)\n\n\
         ## After you solve it\n\n**Solution ahead.** The reference is folded below: open it once `check` passes.\n\n\
         <details>\n<summary>The reference solution, <code>solutions/{id}/src/lib.rs</code></summary>\n\n\
         ```rust,ignore\n{{{{#include ../../../solutions/{id}/src/lib.rs:solution}}}}\n```\n\n</details>\n\n\
         (Why it is fast.)\n",
        title = n.title,
        id = n.id
    )
}

fn python(n: &Names) -> String {
    format!(
        "\"\"\"Python baseline for exercise {id}: multiprocessing.Pool over a datagen u32 file.\n\n\
         Protocol, timing rules and NumPy: see README.md and workbench_baseline.py.\n\"\"\"\n\n\
         import sys\nimport time\nfrom array import array\n\n\
         from workbench_baseline import BaselineError, Outcome, main, read_bytes, warm_pool\n\n\n\
         def load(path):\n    data = read_bytes(path)\n    if len(data) % 4:\n        \
         raise BaselineError(f\"{{path}}: not a whole number of u32 values\")\n    return data\n\n\n\
         MASK = (1 << 64) - 1\n\n\n\
         def work(x):\n    \"\"\"The placeholder task's work for one item, as in the Rust reference.\"\"\"\n    \
         h = ((x ^ 0x9E3779B97F4A7C15) * 0xBF58476D1CE4E5B9) & MASK\n    \
         return (((h ^ (h >> 31)) * 0x94D049BB133111EB) & MASK) >> 40\n\n\n\
         def chunk_sum(chunk):\n    values = array(\"I\")\n    values.frombytes(chunk)\n    return sum(work(x) for x in values)\n\n\n\
         def run_pool(data, workers):\n    with warm_pool(workers) as pool:\n        start = time.perf_counter()\n        \
         step = max(4, len(data) // (workers * 4) // 4 * 4)\n        \
         chunks = [data[i : i + step] for i in range(0, len(data), step)]\n        \
         total = sum(pool.map(chunk_sum, chunks, chunksize=1))\n        seconds = time.perf_counter() - start\n    \
         return Outcome(seconds, f\"multiprocessing.Pool({{workers}}), {{len(chunks)}} chunks\", total)\n\n\n\
         MODES = {{\"pool\": run_pool}}\n\n\
         if __name__ == \"__main__\":\n    sys.exit(main(__doc__, MODES, load, digest=str))\n",
        id = n.id
    )
}

fn manifest_entry(n: &Names, timing: Timing) -> String {
    let perf = match timing {
        Timing::Timed => format!(
            "\n[exercise.perf]\ndatagen = \"u32\"\ncheck_size = 33_554_432\nbench_size = 134_217_728\nmax_ratio = 1.3\n\
             parallel = true\npython = \"{}\"\n",
            n.lib
        ),
        Timing::Untimed => String::new(),
    };
    format!(
        "\n[[exercise]]\nid = \"{id}\"\nchapter = {chapter}\ntitle = \"{title}\"\nbook = \"{page}\"\nkind = \"threads\"\n\
         hints = [\"(Scaffold) Write progressively stronger hints, the last one nearly the answer.\"]\n{perf}",
        id = n.id,
        chapter = n.chapter,
        title = n.title,
        page = n.page,
    )
}

/// Scaffolds a timed and an untimed exercise in a scratch copy and proves
/// `verify` accepts both.
pub fn smoke_test(ws: &Workspace) -> Result<()> {
    let scratch = ws.target_dir().join("new-smoke/workspace");
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    crate::fsutil::copy_tree(&ws.root, &scratch, verify::NOT_COPIED)?;
    let ids = [("99-scaffold-smoke", Timing::Timed), ("98-scaffold-untimed", Timing::Untimed)];
    for (id, timing) in ids {
        let copy = Workspace::open_scratch(&scratch)?;
        // A chapter of their own: no chapter page's count of its exercises goes stale (tidy/counts.rs).
        scaffold(&copy, id, 10, timing)?;
    }
    let mut copy = Workspace::open_scratch(&scratch)?;
    // The scaffold rewrote pristine.toml: this copy is published with the new one.
    copy.pristine_digest = integrity::blob_id(&std::fs::read(scratch.join(integrity::FILE))?);
    let problems = crate::tidy::problems(&copy.root)?;
    ensure!(problems.is_empty(), "tidy fails on the scaffold:\n  {}", problems.join("\n  "));
    let code = verify::run(&copy, false, None, &ids.map(|(id, _)| id.to_string()))?;
    ensure!(code == ExitCode::SUCCESS, "verify rejected a scaffolded exercise");
    Ok(())
}
