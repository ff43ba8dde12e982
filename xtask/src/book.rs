//! `cargo xtask book`: build the book with the pinned mdbook, fail on what
//! mdbook lets pass (a missing include or anchor, leftover `{{#`, empty code
//! blocks, broken internal links), open it in a browser and return;
//! `--serve` serves it and rebuilds on every save instead. Before
//! it builds, it rewrites what the book includes from the manifest
//! (`contents.rs`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::{tools, ui};

mod serve;
pub use serve::{percent_decode, serve_folder};

/// What `book` does once the book is built and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    /// Open it in a browser, if this machine has one, and return.
    Open,
    /// Serve it and rebuild on every save, until Ctrl-C.
    Serve,
    /// Print where it is.
    Nothing,
}

/// `page`: the page to open (an exercise's), relative to the book's root.
pub fn run(ws: &Workspace, after: After, page: Option<&str>) -> Result<ExitCode> {
    let out = build(ws)?;
    let index = out.join(page.unwrap_or("index.html"));
    anstream::println!("{} book built and checked: {}", ui::green("✓"), index.display());
    match after {
        After::Nothing => {}
        After::Open => match browser_opener() {
            Some(opener) => {
                Cmd::new(opener).arg(&index).start_detached()?;
                anstream::println!("  opened in your browser · `cargo xtask book --serve` rebuilds it on every save");
            }
            None => anstream::println!(
                "  no browser found here: open file://{} · `cargo xtask book --serve` serves it on http://localhost:3000/{}",
                index.display(),
                page.unwrap_or("")
            ),
        },
        After::Serve => serve::run(ws, &out, page.unwrap_or(""))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The program that opens a file in this machine's browser, if there is one:
/// `open` on macOS; `wslview` under WSL; `xdg-open` on a Linux desktop (a
/// display to show it on). `$BROWSER` wins when set.
fn browser_opener() -> Option<std::ffi::OsString> {
    // `$BROWSER` may list several, separated by colons: the first.
    let first = std::env::var("BROWSER").ok().and_then(|b| b.split(':').next().map(str::to_string));
    if let Some(browser) = first.filter(|b| !b.is_empty()) {
        return Some(browser.into());
    }
    let on_path = |name: &str| {
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    };
    let candidate = if cfg!(target_os = "macos") {
        "open"
    } else if std::fs::read_to_string("/proc/version").is_ok_and(|v| v.to_lowercase().contains("microsoft")) {
        "wslview"
    } else if std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some() {
        "xdg-open"
    } else {
        return None;
    };
    on_path(candidate).then(|| candidate.into())
}

/// Builds into `target/book` and runs the strict checks; returns the output folder.
pub fn build(ws: &Workspace) -> Result<PathBuf> {
    let mdbook = tools::mdbook(ws)?;
    if crate::contents::refresh(&ws.root)? > 0 {
        anstream::println!("rewrote {} from exercises.toml", crate::contents::DIR);
    }
    let out = ws.target_dir().join("book");
    let result = Cmd::new(&mdbook)
        .args(["build", "--dest-dir"])
        .arg(&out)
        .arg(ws.root.join("book"))
        .env("NO_COLOR", "1")
        .capture(Duration::from_secs(300))?;
    let log = format!("{}{}", result.stdout, result.stderr);
    let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR") || l.contains("WARN")).collect();
    if !result.success() || !errors.is_empty() {
        bail!("mdbook reported problems:\n{}", if errors.is_empty() { log.clone() } else { errors.join("\n") });
    }
    let mut problems = source_checks(&ws.root.join("book/src"))?;
    problems.extend(strict_checks(&out)?);
    if !problems.is_empty() {
        bail!("the book has {} problem(s):\n  {}", problems.len(), problems.join("\n  "));
    }
    Ok(out)
}

/// Every file under `dir` whose name ends in `.{extension}`, sorted.
fn files_with_extension(dir: &Path, extension: &str) -> Result<Vec<PathBuf>> {
    let mut files = crate::fsutil::files_under(dir, &[])?;
    files.retain(|path| path.extension().is_some_and(|e| e == extension));
    Ok(files)
}

/// Problems in the Markdown sources that render without an error, one line each.
fn source_checks(src: &Path) -> Result<Vec<String>> {
    let pages = files_with_extension(src, "md")?;
    let mut problems = Vec::new();
    for page in pages {
        let name = page.strip_prefix(src).unwrap_or(&page).display().to_string();
        problems.extend(fence_problems(&std::fs::read_to_string(&page)?).into_iter().map(|p| format!("{name}: {p}")));
    }
    Ok(problems)
}

/// A fence that closes with text after it (```` ``` And then… ````) does not
/// close: the rest of the page renders as code, and mdbook says nothing.
fn fence_problems(markdown: &str) -> Vec<String> {
    // The line the open block started on, and whether it was reported already.
    let mut open: Option<(usize, bool)> = None;
    let mut problems = Vec::new();
    for (i, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with("```") {
            continue;
        }
        match open {
            None => open = Some((i + 1, false)),
            Some(_) if trimmed.trim_end() == "```" => open = None,
            Some((_, true)) => {}
            Some((start, false)) => {
                problems.push(format!(
                    "line {}: text after a closing ``` (the block opened on line {start} stays open)",
                    i + 1
                ));
                open = Some((start, true));
            }
        }
    }
    if let Some((start, false)) = open {
        problems.push(format!("line {start}: a code block that is never closed"));
    }
    problems
}

/// Problems mdbook does not report, one line each.
pub fn strict_checks(out: &Path) -> Result<Vec<String>> {
    let files = files_with_extension(out, "html")?;
    let mut problems = Vec::new();
    for file in &files {
        let name = file.strip_prefix(out).unwrap_or(file).display().to_string();
        if name == "print.html" || name == "404.html" || name == "toc.html" {
            continue; // copies of every page, and pages mdbook writes itself
        }
        let html = std::fs::read_to_string(file)?;
        if html.contains("{{#") {
            problems.push(format!("{name}: an mdbook directive was not expanded (`{{{{#…` left in the page)"));
        }
        for block in html.split("<code class=\"language-").skip(1) {
            let body = block.split_once('>').map_or("", |(_, rest)| rest);
            let body = body.split("</code>").next().unwrap_or("");
            if body.trim().is_empty() {
                problems.push(format!("{name}: an empty code block (an include that matched nothing?)"));
            }
        }
        for href in html.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
            if href.starts_with("http") || href.starts_with("mailto:") || href.starts_with('#') || href.is_empty() {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or("");
            if path.is_empty() {
                continue;
            }
            let target = file.parent().expect("a page has a folder").join(path);
            if !target.exists() {
                problems.push(format!("{name}: broken link to `{href}`"));
            }
        }
    }
    problems.sort();
    problems.dedup();
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::fence_problems;

    #[test]
    fn book_opens_by_default_and_serves_only_when_asked() {
        let parse = |args: &[&str]| crate::Cli::try_parse_from(["cargo xtask", "book"].iter().chain(args));
        let Ok(crate::Cli { command: crate::Command::Book { serve, no_open, id }, .. }) = parse(&[]) else { panic!() };
        assert!(!serve && !no_open && id.is_none(), "plain `book` builds, opens its first page and returns");
        assert!(parse(&["--serve"]).is_ok() && parse(&["--no-open"]).is_ok());
        let Ok(crate::Cli { command: crate::Command::Book { id, .. }, .. }) = parse(&["01-parallel-sum", "--serve"])
        else {
            panic!("an exercise's page")
        };
        assert_eq!(id.as_deref(), Some("01-parallel-sum"));
        assert!(parse(&["--serve", "--no-open"]).is_err(), "serving opens a browser of its own");
    }

    #[test]
    fn a_fence_closed_with_text_after_it_is_a_problem() {
        assert!(fence_problems("```console\ncargo x\n```\ntext\n").is_empty());
        let problems = fence_problems("```console\ncargo x\n``` And then\nmore\n```rust\n{{x}}\n```\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].starts_with("line 3:"), "{problems:?}");
        assert_eq!(fence_problems("```\nnever closed\n"), ["line 1: a code block that is never closed"]);
    }
}
