//! `cargo xtask hint [ID]`: hints one at a time, each stronger than the last.
//! Without an ID: the current exercise (the first not done).

use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::manifest::Workspace;
use crate::progress::Progress;
use crate::{fsutil, ui};

pub fn run(ws: &Workspace, id: Option<&str>, all: bool) -> Result<ExitCode> {
    let ex = match id {
        Some(id) => ws.manifest.find(id)?,
        None => {
            Progress::load(ws).current(ws).context("every exercise is done: name one, e.g. `cargo xtask hint 01`")?
        }
    };
    let seen_path = ws.root.join(".workbench/hints").join(&ex.id);
    let seen: usize = std::fs::read_to_string(&seen_path).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let shown = if all { ex.hints.len() } else { (seen + 1).min(ex.hints.len()) };
    if id.is_none() {
        anstream::println!("{}", ui::bold(&format!("{} — {}", ex.id, ex.title)));
    }
    for (i, hint) in ex.hints.iter().enumerate().take(shown) {
        anstream::println!("{} {hint}", ui::bold(&format!("Hint {}/{}:", i + 1, ex.hints.len())));
    }
    if shown < ex.hints.len() {
        anstream::println!(
            "{}",
            ui::dim(&format!("Still stuck? `cargo xtask hint {}` again for a stronger one.", ex.id))
        );
    } else {
        anstream::println!(
            "{}",
            ui::dim(&format!(
                "That was the last hint. The reference is in solutions/{}/ — the book says when to look.",
                ex.id
            ))
        );
    }
    fsutil::write_atomic(&seen_path, shown.to_string().as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
