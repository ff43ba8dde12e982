//! `cargo xtask new NN-slug`: scaffold a complete, green exercise — manifest
//! entry, stub and reference crates sharing one test suite, a known-bad
//! variant, bench target and feature, book page, Python baseline — and record
//! it in `pristine.toml`. `verify` accepts the result as it stands; the author
//! then replaces the placeholder task (a parallel sum) with the real one.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail, ensure};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, value};

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

/// The files of a new exercise, written from `xtask/templates/`: `{{name}}`
/// stands for one of the names below, and anything else between double
/// braces (the book's `{{#include …}}`) is left for mdBook.
mod templates {
    pub const EXERCISE_MANIFEST: &str = include_str!("../templates/exercise.Cargo.toml.tmpl");
    pub const SOLUTION_MANIFEST: &str = include_str!("../templates/solution.Cargo.toml.tmpl");
    pub const DOC: &str = include_str!("../templates/doc.rs.tmpl");
    pub const STUB: &str = include_str!("../templates/stub.rs.tmpl");
    pub const REFERENCE: &str = include_str!("../templates/reference.rs.tmpl");
    pub const SUITE: &str = include_str!("../templates/suite.rs.tmpl");
    pub const KNOWN_BAD_SEQUENTIAL: &str = include_str!("../templates/known_bad_sequential.rs.tmpl");
    pub const KNOWN_BAD_LOST_ITEM: &str = include_str!("../templates/known_bad_lost_item.rs.tmpl");
    pub const BENCH: &str = include_str!("../templates/bench.rs.tmpl");
    pub const BASELINE: &str = include_str!("../templates/baseline.py.tmpl");
    pub const PAGE: &str = include_str!("../templates/page.md.tmpl");
}

/// The placeholder task's work for one item: a few multiplications, so the
/// task is bound by the cores, not by memory, and its reference is clearly
/// parallel (a plain sum of `u32`s reads memory as fast on one core as on two
/// on some machines, and the scaffold's "sequential" known-bad would pass).
const WORK: &str = "{ let h = (u64::from(x) ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(0xbf58_476d_1ce4_e5b9); \
                    (h ^ (h >> 31)).wrapping_mul(0x94d0_49bb_1331_11eb) >> 40 }";

impl Names {
    /// What each `{{name}}` of a template stands for.
    fn placeholders(&self) -> Vec<(&'static str, String)> {
        vec![
            ("id", self.id.clone()),
            ("slug", self.slug.clone()),
            ("lib", self.lib.clone()),
            ("title", self.title.clone()),
            ("page", self.page.clone()),
            ("doc", templates::DOC.to_string()),
            ("work", WORK.to_string()),
        ]
    }

    fn render(&self, template: &str) -> Result<String> {
        render(template, &self.placeholders())
    }
}

/// Replaces every `{{name}}` (lowercase letters and `_`) with its value; an
/// unknown name is an error, so a typo in a template cannot reach a file.
fn render(template: &str, values: &[(&str, String)]) -> Result<String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let name_len = after.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'_').count();
        if name_len > 0 && after[name_len..].starts_with("}}") {
            let name = &after[..name_len];
            let (_, value) = values
                .iter()
                .find(|(n, _)| *n == name)
                .with_context(|| format!("a template names `{{{{{name}}}}}`, which the scaffold does not know"))?;
            out.push_str(value);
            rest = &after[name_len + 2..];
        } else {
            out.push_str("{{");
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Writes every file of a new exercise; returns their repository paths.
pub fn scaffold(ws: &Workspace, id: &str, chapter: u32, timing: Timing) -> Result<Vec<String>> {
    let n = names(ws, id, chapter)?;
    let root = &ws.root;
    let mut written = Vec::new();
    let mut write = |path: String, template: &str| -> Result<()> {
        let full = root.join(&path);
        ensure!(!full.exists(), "{path} already exists");
        std::fs::create_dir_all(full.parent().expect("a file has a folder"))?;
        std::fs::write(&full, n.render(template)?)?;
        written.push(path);
        Ok(())
    };
    write(format!("exercises/{}/Cargo.toml", n.id), templates::EXERCISE_MANIFEST)?;
    write(format!("exercises/{}/src/lib.rs", n.id), templates::STUB)?;
    write(format!("exercises/{}/tests/suite.rs", n.id), templates::SUITE)?;
    write(format!("solutions/{}/Cargo.toml", n.id), templates::SOLUTION_MANIFEST)?;
    write(format!("solutions/{}/src/lib.rs", n.id), templates::REFERENCE)?;
    write(format!("book/src/{}", n.page), templates::PAGE)?;
    if timing == Timing::Timed {
        write(format!("solutions/{}/known-bad/sequential.rs", n.id), templates::KNOWN_BAD_SEQUENTIAL)?;
        write(format!("benches/benches/{}.rs", n.lib), templates::BENCH)?;
        write(format!("baselines/python/{}.py", n.lib), templates::BASELINE)?;
    } else {
        write(format!("solutions/{}/known-bad/drops_the_last_item.rs", n.id), templates::KNOWN_BAD_LOST_ITEM)?;
    }
    edit_toml(root, manifest::FILE, |doc| add_manifest_entry(doc, &n, timing))?;
    add_to_summary(root, &n)?;
    if timing == Timing::Timed {
        edit_toml(root, "benches/Cargo.toml", |doc| add_bench_target(doc, &n))?;
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

/// Reads a TOML file, lets `edit` change it with its comments and layout
/// kept (`toml_edit`), and writes it back.
fn edit_toml(root: &Path, file: &str, edit: impl FnOnce(&mut DocumentMut) -> Result<()>) -> Result<()> {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {file}"))?;
    let mut doc: DocumentMut = text.parse().with_context(|| format!("{file} is not valid TOML"))?;
    edit(&mut doc).with_context(|| format!("cannot edit {file}"))?;
    std::fs::write(path, doc.to_string())?;
    Ok(())
}

/// Puts the exercise's `[[exercise]]` entry in its chapter: after the last
/// entry of the same or an earlier chapter, so course order stays chapter order.
fn add_manifest_entry(doc: &mut DocumentMut, n: &Names, timing: Timing) -> Result<()> {
    let list = doc.get_mut("exercise").and_then(Item::as_array_of_tables_mut).context("no [[exercise]] entries")?;
    let mut entries: Vec<Table> = list.iter().cloned().collect();
    let at = entries
        .iter()
        .rposition(|e| e.get("chapter").and_then(Item::as_integer).is_some_and(|c| c <= i64::from(n.chapter)))
        .map_or(0, |i| i + 1);
    let mut entry = Table::new();
    entry["id"] = value(&n.id);
    entry["chapter"] = value(i64::from(n.chapter));
    entry["title"] = value(&n.title);
    entry["book"] = value(&n.page);
    entry["kind"] = value("threads");
    entry["hints"] =
        value(Array::from_iter(["(Scaffold) Write progressively stronger hints, the last one nearly the answer."]));
    if timing == Timing::Timed {
        let mut perf = Table::new();
        perf["datagen"] = value("u32");
        perf["check_size"] = value(33_554_432);
        perf["bench_size"] = value(134_217_728);
        perf["max_ratio"] = value(1.3);
        perf["parallel"] = value(true);
        perf["python"] = value(&n.lib);
        entry["perf"] = Item::Table(perf);
    }
    entry.decor_mut().set_prefix("\n");
    entries.insert(at, entry);
    *list = entries.into_iter().collect::<ArrayOfTables>();
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
fn add_bench_target(doc: &mut DocumentMut, n: &Names) -> Result<()> {
    let (id, slug, lib) = (&n.id, &n.slug, &n.lib);
    let dependency = |package: String, path: String| {
        let mut d = InlineTable::new();
        d.insert("package", package.into());
        d.insert("path", path.into());
        d.insert("optional", true.into());
        value(d)
    };
    let deps = doc.get_mut("dependencies").and_then(Item::as_table_mut).context("no [dependencies]")?;
    deps[&format!("ex-{slug}")] = dependency(slug.clone(), format!("../exercises/{id}"));
    deps[&format!("ref-{slug}")] = dependency(format!("{slug}-solution"), format!("../solutions/{id}"));
    let features = doc.get_mut("features").and_then(Item::as_table_mut).context("no [features]")?;
    features[slug.as_str()] = value(Array::from_iter([format!("dep:ex-{slug}"), format!("dep:ref-{slug}")]));
    let benches = doc.get_mut("bench").and_then(Item::as_array_of_tables_mut).context("no [[bench]] targets")?;
    let mut target = Table::new();
    target["name"] = value(slug.as_str());
    target["path"] = value(format!("benches/{lib}.rs"));
    target["harness"] = value(false);
    target["required-features"] = value(Array::from_iter([slug.as_str()]));
    benches.push(target);
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Manifest;

    fn names(chapter: u32) -> Names {
        Names {
            id: "31-tiny-task".into(),
            slug: "tiny-task".into(),
            lib: "tiny_task".into(),
            title: "Tiny task".into(),
            chapter,
            page: format!("ch{chapter:02}-draft/tiny-task.md"),
        }
    }

    #[test]
    fn render_fills_known_names_and_leaves_mdbook_directives() {
        let values = [("id", "31-x".to_string())];
        assert_eq!(
            render("a {{id}} b {{#include f.rs:x}} {{ id }}", &values).unwrap(),
            "a 31-x b {{#include f.rs:x}} {{ id }}"
        );
        let err = render("{{idd}}", &values).unwrap_err().to_string();
        assert!(err.contains("`{{idd}}`"), "{err}");
    }

    #[test]
    fn every_template_renders_and_its_toml_parses() {
        let n = names(2);
        for template in [
            templates::EXERCISE_MANIFEST,
            templates::SOLUTION_MANIFEST,
            templates::STUB,
            templates::REFERENCE,
            templates::SUITE,
            templates::KNOWN_BAD_SEQUENTIAL,
            templates::KNOWN_BAD_LOST_ITEM,
            templates::BENCH,
            templates::BASELINE,
            templates::PAGE,
        ] {
            let text = n.render(template).unwrap();
            assert!(!text.contains("{{id}}") && !text.contains("{{work}}"), "{text}");
        }
        for manifest in [templates::EXERCISE_MANIFEST, templates::SOLUTION_MANIFEST] {
            let parsed: toml::Table = toml::from_str(&n.render(manifest).unwrap()).unwrap();
            assert!(parsed["package"]["name"].as_str().unwrap().starts_with("tiny-task"));
        }
        let page = n.render(templates::PAGE).unwrap();
        assert!(page.contains("{{#include ../../../solutions/31-tiny-task/src/lib.rs:solution}}"), "{page}");
    }

    /// The chapters of the course's manifest, in file order, with the new entry added.
    fn chapters_after_adding(chapter: u32) -> (Vec<(String, i64)>, String) {
        let root = manifest::repo_root();
        let text = std::fs::read_to_string(root.join(manifest::FILE)).unwrap();
        let mut doc: DocumentMut = text.parse().unwrap();
        add_manifest_entry(&mut doc, &names(chapter), Timing::Timed).unwrap();
        let edited = doc.to_string();
        let parsed: Manifest = toml::from_str(&edited).unwrap();
        (parsed.exercises.iter().map(|e| (e.id.clone(), i64::from(e.chapter))).collect(), edited)
    }

    #[test]
    fn the_manifest_entry_lands_in_its_chapter_with_the_rest_untouched() {
        let root = manifest::repo_root();
        let before = Manifest::load(&root).unwrap();
        for chapter in [1, 4, 8, 12] {
            let (after, edited) = chapters_after_adding(chapter);
            let at = after.iter().position(|(id, _)| id == "31-tiny-task").unwrap();
            assert!(after[..at].iter().all(|(_, c)| *c <= i64::from(chapter)), "chapter {chapter}: {after:?}");
            assert!(after[at + 1..].iter().all(|(_, c)| *c > i64::from(chapter)), "chapter {chapter}: {after:?}");
            let others: Vec<&String> = after.iter().map(|(id, _)| id).filter(|id| *id != "31-tiny-task").collect();
            assert_eq!(others, before.exercises.iter().map(|e| &e.id).collect::<Vec<_>>());
            // Comments and the hand-written layout of the other entries survive.
            assert!(edited.contains("# The one manifest: every exercise, in course order."));
            assert!(edited.contains("check_size = 33_554_432    # items"), "underscores and comments kept");
            assert!(edited.contains("[exercise.perf]\ndatagen = \"u32\"\ncheck_size = 33554432"), "{edited}");
        }
    }

    #[test]
    fn the_bench_target_is_added_as_cargo_reads_it() {
        let root = manifest::repo_root();
        let text = std::fs::read_to_string(root.join("benches/Cargo.toml")).unwrap();
        let mut doc: DocumentMut = text.parse().unwrap();
        add_bench_target(&mut doc, &names(2)).unwrap();
        let parsed: toml::Table = toml::from_str(&doc.to_string()).unwrap();
        assert_eq!(parsed["dependencies"]["ref-tiny-task"]["package"].as_str(), Some("tiny-task-solution"));
        assert_eq!(parsed["features"]["tiny-task"][0].as_str(), Some("dep:ex-tiny-task"));
        let last = parsed["bench"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["path"].as_str(), Some("benches/tiny_task.rs"));
        assert!(
            doc.to_string().starts_with(&text[..text.find("[dependencies]").unwrap()]),
            "the head is kept as written"
        );
    }
}
