//! `cargo xtask list`: the exercises in course order, and which are done.

use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::ui;

pub fn run(ws: &Workspace) -> Result<ExitCode> {
    let done = crate::check::done_ids(ws);
    let mut chapter = 0;
    for ex in &ws.manifest.exercises {
        if ex.chapter != chapter {
            chapter = ex.chapter;
            println!("{}", ui::bold(&format!("Chapter {chapter}")));
        }
        let mark = if done.contains(&ex.id) { ui::green("✓ done") } else { ui::dim("· todo") };
        let timed = if ex.perf.is_some() { "timed" } else { "" };
        println!("  {mark}  {:<24} {:<40} {timed}", ex.id, ex.title);
    }
    println!("{}/{} done · next: cargo xtask check", done.len(), ws.manifest.exercises.len());
    Ok(ExitCode::SUCCESS)
}
