//! `cargo xtask hint ID`: hints one at a time, each stronger than the last.

use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::ui;

pub fn run(ws: &Workspace, id: &str, all: bool) -> Result<ExitCode> {
    let ex = ws.manifest.find(id)?;
    let seen_path = ws.target_dir().join("xtask/hints").join(&ex.id);
    let seen: usize = std::fs::read_to_string(&seen_path).ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0);
    let shown = if all { ex.hints.len() } else { (seen + 1).min(ex.hints.len()) };
    for (i, hint) in ex.hints.iter().enumerate().take(shown) {
        println!("{} {hint}", ui::bold(&format!("Hint {}/{}:", i + 1, ex.hints.len())));
    }
    if shown < ex.hints.len() {
        println!("{}", ui::dim(&format!("Still stuck? `cargo xtask hint {}` again for a stronger one.", ex.id)));
    } else {
        println!(
            "{}",
            ui::dim(&format!(
                "That was the last hint. The reference is in solutions/{}/ — the book says when to look.",
                ex.id
            ))
        );
    }
    std::fs::create_dir_all(seen_path.parent().expect("has a parent"))?;
    std::fs::write(&seen_path, shown.to_string())?;
    Ok(ExitCode::SUCCESS)
}
