//! `cargo xtask watch [ID]`: re-check on every save. File events come from
//! notify; where they are unreliable (WSL on /mnt, network drives) it polls.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Result;
use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

use crate::manifest::Workspace;
use crate::{check, ui};

pub fn run(ws: &Workspace, id: Option<&str>, poll: bool) -> Result<ExitCode> {
    let saves = Saves::watch(&ws.root, &[ws.root.join("exercises")], poll)?;
    loop {
        let _ = check::run(ws, id);
        anstream::println!(
            "{}",
            ui::dim(&format!("watching exercises/ ({}); save a file to re-check, Ctrl-C to stop", saves.mode))
        );
        saves.next(&["rs", "toml"])?;
        anstream::println!();
    }
}

/// Saved files under some folders, from file events or, where those are
/// unreliable, from polling.
pub struct Saves {
    // Kept alive: dropping it stops the events.
    _watcher: Box<dyn Watcher>,
    events: mpsc::Receiver<Vec<PathBuf>>,
    /// "file events" or "polling", for the user.
    pub mode: &'static str,
}

impl Saves {
    pub fn watch(root: &Path, dirs: &[PathBuf], poll: bool) -> Result<Saves> {
        let poll = poll || unreliable_events(root);
        let (tx, events) = mpsc::channel();
        let handler = move |event: notify::Result<notify::Event>| {
            // Reading a file (a check or a build opens them) is not a save.
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
        for dir in dirs {
            watcher.watch(dir, RecursiveMode::Recursive)?;
        }
        Ok(Saves { _watcher: watcher, events, mode: if poll { "polling" } else { "file events" } })
    }

    /// Waits for a save of a file with one of `extensions`, then lets a
    /// burst of saves settle.
    pub fn next(&self, extensions: &[&str]) -> Result<()> {
        loop {
            let paths = self.events.recv()?;
            if paths.iter().any(|p| p.extension().is_some_and(|e| extensions.iter().any(|x| e == *x))) {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
        self.drain();
        Ok(())
    }

    /// Forgets the saves seen so far.
    pub fn drain(&self) {
        while self.events.try_recv().is_ok() {}
    }
}

/// WSL's view of Windows drives and network mounts do not deliver inotify events.
fn unreliable_events(root: &Path) -> bool {
    let on_windows_drive = root.starts_with("/mnt/");
    let wsl = std::fs::read_to_string("/proc/version").is_ok_and(|v| v.to_lowercase().contains("microsoft"));
    wsl && on_windows_drive
}
