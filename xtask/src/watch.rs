//! `cargo xtask watch [ID]`: re-check on every save. File events come from
//! notify; where they are unreliable (WSL on /mnt, network drives) it polls.

use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Result;
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::manifest::Workspace;
use crate::{check, ui};

pub fn run(ws: &Workspace, id: Option<&str>, poll: bool) -> Result<ExitCode> {
    let poll = poll || unreliable_events(&ws.root);
    let (tx, rx) = mpsc::channel();
    let handler = move |event: notify::Result<notify::Event>| {
        // Reading a file (the check itself opens them) is not a save.
        if let Ok(event) = event
            && !matches!(event.kind, notify::EventKind::Access(_))
        {
            let _ = tx.send(event.paths);
        }
    };
    let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
    let mut watcher: Box<dyn Watcher> = if poll {
        Box::new(PollWatcher::new(handler, config)?)
    } else {
        Box::new(RecommendedWatcher::new(handler, config)?)
    };
    watcher.watch(&ws.root.join("exercises"), RecursiveMode::Recursive)?;
    let mode = if poll { "polling" } else { "file events" };
    loop {
        let _ = check::run(ws, id);
        anstream::println!(
            "{}",
            ui::dim(&format!("watching exercises/ ({mode}); save a file to re-check, Ctrl-C to stop"))
        );
        // Wait for a change to a source file, then let a burst of saves settle.
        loop {
            let paths = rx.recv()?;
            if paths.iter().any(|p| p.extension().is_some_and(|e| e == "rs" || e == "toml")) {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
        while rx.try_recv().is_ok() {}
        anstream::println!();
    }
}

/// WSL's view of Windows drives and network mounts do not deliver inotify events.
fn unreliable_events(root: &Path) -> bool {
    let on_windows_drive = root.starts_with("/mnt/");
    let wsl = std::fs::read_to_string("/proc/version").is_ok_and(|v| v.to_lowercase().contains("microsoft"));
    wsl && on_windows_drive
}
