//! `cargo xtask serve [--room NAME] [--port P] [--db FILE]`: the live
//! workshop server, which lives in its own crate (`workshop/`) so that the
//! learner's `cargo xtask` never builds an HTTP stack or SQLite: this builds
//! and runs it, in the foreground, until Ctrl-C.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::manifest::Workspace;
use crate::process::Cmd;
use crate::ui;

pub fn run(ws: &Workspace, room: Option<&str>, port: Option<u16>, db: Option<&Path>) -> Result<ExitCode> {
    let db = db.map_or_else(|| ws.root.join("results/workshop.sqlite"), Path::to_path_buf);
    crate::fsutil::refuse_unless_regular(&db)?;
    anstream::eprintln!(
        "{}",
        ui::dim(
            "building the workshop server (the first time takes a few minutes; `cargo xtask prefetch` fetches its crates)"
        )
    );
    let mut server = Cmd::cargo_in(ws)
        .args(["run", "--release", "--quiet", "--package", "workshop", "--bin", "workshop-server", "--"])
        .arg("--manifest")
        .arg(ws.root.join("exercises.toml"))
        .arg("--db")
        .arg(&db);
    if let Some(room) = room {
        server = server.args(["--room", room]);
    }
    if let Some(port) = port {
        server = server.args(["--port", &port.to_string()]);
    }
    // Ctrl-C reaches the server directly (same terminal group); it stops cleanly.
    let status = server.status()?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
