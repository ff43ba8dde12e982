//! `cargo xtask list`: the exercises in course order and their state —
//! ✓ done, ~ inconclusive, ✗ failing, · untried (or changed since checked).

use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::progress::Progress;
use crate::ui;

pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let progress = Progress::load(ws);
    let next = progress.current(ws);
    anstream::println!(
        "{} · next: {}",
        progress.summary(ws),
        next.map_or("nothing — all done".to_string(), |ex| format!("cargo xtask check {}", ex.id))
    );
    let mut chapter = 0;
    for ex in &ws.manifest.exercises {
        if ex.chapter != chapter {
            chapter = ex.chapter;
            anstream::println!("{}", ui::bold(&format!("Chapter {chapter}")));
        }
        let state = progress.state(ws, ex).label();
        let timed = if ex.perf.is_some() { "timed" } else { "" };
        anstream::println!("  {state}  {:<24} {:<40} {timed}", ex.id, ex.title);
    }
    Ok(ExitCode::SUCCESS)
}
