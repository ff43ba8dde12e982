//! Every page of the built book in headless Chromium, at a projector's size
//! (1280×720) and a phone's (390×844): no code block and no page that
//! scrolls sideways, no link to a missing page or anchor, no directive left
//! unexpanded, each exercise page with its Python corner and its check
//! command, and search finding "deadlock". Screenshots of three pages go to
//! `target/book-pages/`.
//!
//! One Chromium run does it all: the book is served on 127.0.0.1 (the same
//! server as `book --serve`), and a page of this test, written beside the
//! book, opens each page in an iframe of each size and reports as JSON.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use serde::{Deserialize, Serialize};

use crate::manifest::Workspace;
use crate::{browser, ui};

/// The window sizes every page is checked at, in CSS pixels.
const SIZES: [(u32, u32); 2] = [(1280, 720), (390, 844)];

/// The page of this test, written into the built book.
const CHECK_PAGE: &str = "__pages_check.html";

/// Pages that are not the book's own: copies of every page and mdbook's extras.
const NOT_PAGES: [&str; 4] = ["print.html", "404.html", "toc.html", CHECK_PAGE];

/// What the check page is given.
#[derive(Serialize)]
struct Plan<'a> {
    pages: Vec<String>,
    sizes: &'a [(u32, u32)],
    /// Text each of some pages must show.
    needles: BTreeMap<String, Vec<String>>,
    search: &'a str,
}

/// What the check page found.
#[derive(Deserialize, Debug)]
struct Found {
    checked: usize,
    problems: Vec<String>,
    search_hits: usize,
}

pub fn run(ws: &Workspace, book: &Path) -> Result<()> {
    let out = ws.target_dir().join("book-pages");
    let chromium = match browser::chromium(&out.join("chromium-profile"))? {
        Ok(chromium) => chromium,
        Err(skipped) => {
            anstream::println!("{} {skipped}", ui::yellow("!"));
            return Ok(());
        }
    };
    let plan = plan(ws, book)?;
    std::fs::write(book.join(CHECK_PAGE), check_page(&plan)?)?;
    let addr = crate::book::serve_folder(book)?;
    let url = |page: &str| format!("http://{addr}/{page}");
    let dom = chromium.dump_dom_after(&url(CHECK_PAGE), Duration::from_secs(600), Duration::from_secs(300))?;
    let found = read_report(&dom)?;
    let expected = plan.pages.len() * SIZES.len();
    ensure!(found.checked == expected, "Chromium checked {} of {expected} page views", found.checked);
    ensure!(
        found.problems.is_empty(),
        "{} problem(s) in the book as Chromium shows it:\n  {}",
        found.problems.len(),
        found.problems.join("\n  ")
    );
    ensure!(found.search_hits > 0, "searching the book for `{}` finds nothing", plan.search);
    std::fs::create_dir_all(&out)?;
    let shots = [
        ("index.html", SIZES[0]),
        ("ch02-partitioning/skewed-work.html", SIZES[0]),
        ("ch08-capstone/fastest.html", SIZES[1]),
    ];
    for (page, size) in shots {
        let png = out.join(format!("{}-{}x{}.png", page.replace(['/', '.'], "-"), size.0, size.1));
        chromium.screenshot(&url(page), &png, size)?;
    }
    anstream::println!(
        "{} Chromium showed {} pages at {}: nothing scrolls sideways, every link and anchor resolves, \
         `{}` finds {} page(s); screenshots in {}",
        ui::green("✓"),
        plan.pages.len(),
        SIZES.map(|(w, h)| format!("{w}×{h}")).join(" and "),
        plan.search,
        found.search_hits,
        out.display()
    );
    Ok(())
}

fn plan<'a>(ws: &Workspace, book: &Path) -> Result<Plan<'a>> {
    let mut pages = Vec::new();
    for file in crate::fsutil::files_under(book, &["fonts", "css", "FontAwesome"])? {
        let name = file.strip_prefix(book).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        if name.ends_with(".html") && !NOT_PAGES.contains(&name.as_str()) {
            pages.push(name);
        }
    }
    pages.sort();
    ensure!(pages.len() > 20, "the built book in {} has only {} pages", book.display(), pages.len());
    let mut needles = BTreeMap::new();
    for ex in &ws.manifest.exercises {
        let page = ex.book.replace(".md", ".html");
        ensure!(pages.contains(&page), "the book has no page {page} for {}", ex.id);
        needles.insert(page, vec!["Python corner".to_string(), format!("cargo xtask check {}", ex.id)]);
    }
    Ok(Plan { pages, sizes: &SIZES, needles, search: "deadlock" })
}

/// The report the check page leaves in its `#report` element, percent-encoded
/// so that no character of it is changed by the DOM's serialisation.
fn read_report(dom: &str) -> Result<Found> {
    let encoded = dom
        .split("<pre id=\"report\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .filter(|text| !text.is_empty())
        .context("the page check did not finish in Chromium (no report)")?;
    let bytes = crate::book::percent_decode(encoded).context("a garbled report")?;
    serde_json::from_slice(&bytes).context("the page check's report is not JSON")
}

fn check_page(plan: &Plan) -> Result<String> {
    // `</` cannot end the script early: JSON escapes nothing of it, so do it here.
    let plan = serde_json::to_string(plan)?.replace("</", "<\\/");
    Ok(format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>page check</title></head>\n\
         <body><pre id=\"report\"></pre>\n<script>\nconst PLAN = {plan};\n{CHECK_SCRIPT}</script></body></html>\n"
    ))
}

/// Opens every page at every size in an iframe and reports what is wrong.
const CHECK_SCRIPT: &str = r#"
const report = { checked: 0, problems: [], search_hits: 0 };
const pause = ms => new Promise(done => setTimeout(done, ms));
const idsOf = {};
function ids(path) {
  if (!(path in idsOf)) {
    idsOf[path] = fetch(path).then(r => r.ok ? r.text() : null).then(text => text === null ? null :
      new Set([...new DOMParser().parseFromString(text, 'text/html').querySelectorAll('[id]')].map(e => e.id)));
  }
  return idsOf[path];
}
function open(url, [width, height]) {
  const frame = document.createElement('iframe');
  frame.style.cssText = `width:${width}px;height:${height}px;border:0`;
  document.body.appendChild(frame);
  return new Promise(loaded => { frame.onload = () => loaded(frame); frame.src = url; });
}
async function check(page, size) {
  const frame = await open(page, size);
  await pause(100);
  const doc = frame.contentDocument;
  const where = `${page} at ${size[0]}×${size[1]}`;
  const root = doc.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    report.problems.push(`${where}: the page scrolls sideways (${root.scrollWidth} px of content in ${root.clientWidth})`);
  }
  // mdbook scrolls a block's <code>, not its <pre>: both are checked.
  for (const pre of doc.querySelectorAll('main pre, main pre > code')) {
    if (pre.scrollWidth > pre.clientWidth + 1) {
      const first = pre.textContent.trim().split('\n')[0].slice(0, 70);
      report.problems.push(`${where}: a code block scrolls sideways (${pre.scrollWidth} px in ${pre.clientWidth}): ${first}`);
    }
  }
  const text = doc.querySelector('main') ? doc.querySelector('main').textContent : '';
  if (text.includes('{{#')) report.problems.push(`${where}: an mdbook directive was not expanded`);
  if (size === PLAN.sizes[0]) {
    for (const needle of PLAN.needles[page] || []) {
      if (!text.includes(needle)) report.problems.push(`${page}: does not show "${needle}"`);
    }
    for (const a of doc.querySelectorAll('main a[href]')) {
      const url = new URL(a.getAttribute('href'), frame.contentWindow.location.href);
      if (url.origin !== location.origin) continue;
      const known = await ids(url.pathname);
      if (known === null) {
        report.problems.push(`${page}: a link to a missing page: ${a.getAttribute('href')}`);
      } else if (url.hash.length > 1 && !known.has(decodeURIComponent(url.hash.slice(1)))) {
        report.problems.push(`${page}: a link to a missing anchor: ${a.getAttribute('href')}`);
      }
    }
  }
  frame.remove();
  report.checked += 1;
}
async function search() {
  const frame = await open(`index.html?search=${encodeURIComponent(PLAN.search)}`, PLAN.sizes[0]);
  for (let i = 0; i < 100 && report.search_hits === 0; i++) {
    await pause(100);
    const list = frame.contentDocument.querySelector('#mdbook-searchresults, #searchresults');
    report.search_hits = list ? list.querySelectorAll('li').length : 0;
  }
  frame.remove();
}
(async () => {
  for (const page of PLAN.pages) {
    for (const size of PLAN.sizes) {
      try { await check(page, size); } catch (e) { report.problems.push(`${page}: the check failed: ${e}`); }
    }
  }
  try { await search(); } catch (e) { report.problems.push(`search: ${e}`); }
  document.getElementById('report').textContent = encodeURIComponent(JSON.stringify(report));
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_survives_the_dom_and_garbage_is_refused() {
        let json = r#"{"checked":2,"problems":["a <b> & \"c\" 100%"],"search_hits":3}"#;
        let encoded: String = json
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        let found = read_report(&format!("<html><pre id=\"report\">{encoded}</pre></html>")).unwrap();
        assert_eq!((found.checked, found.search_hits), (2, 3));
        assert_eq!(found.problems, ["a <b> & \"c\" 100%"]);
        assert!(read_report("<pre id=\"report\"></pre>").unwrap_err().to_string().contains("did not finish"));
        assert!(read_report("<pre id=\"report\">%zz</pre>").is_err());
    }

    #[test]
    fn the_plan_cannot_close_the_check_pages_script() {
        let plan = Plan {
            pages: vec!["a.html".into()],
            sizes: &SIZES,
            needles: BTreeMap::from([("a.html".into(), vec!["</script><script>alert(1)".into()])]),
            search: "deadlock",
        };
        let page = check_page(&plan).unwrap();
        assert_eq!(page.matches("</script>").count(), 1, "{page}");
    }
}
