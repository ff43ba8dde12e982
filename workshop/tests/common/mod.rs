//! A server started by the test: its own database and manifest in a fresh
//! folder, a free port on loopback, killed when dropped (and by the kernel if
//! the test dies first).

#![allow(dead_code)] // each test file uses its own part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use workbench_results::http::{Connection, Response};
use workbench_results::sample::partly_solved;

pub const EXERCISES: [&str; 3] = ["01-a", "02-b", "03-c"];

pub struct Server {
    child: Child,
    pub port: u16,
    pub code: String,
    pub db: PathBuf,
    dir: PathBuf,
    extra: Vec<String>,
}

/// A fresh folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("workshop-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let manifest: String =
        EXERCISES.iter().map(|id| format!("[[exercise]]\nid = \"{id}\"\n[exercise.perf]\nx = 1\n\n")).collect();
    std::fs::write(dir.join("exercises.toml"), manifest + "[[exercise]]\nid = \"04-untimed\"\n").unwrap();
    dir
}

impl Server {
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        let db = dir.join("workshop.sqlite");
        let mut command = Command::new(env!("CARGO_BIN_EXE_workshop-server"));
        command
            .args(["--port", "0", "--bind", "127.0.0.1", "--room", "test"])
            .arg("--db")
            .arg(&db)
            .arg("--manifest")
            .arg(dir.join("exercises.toml"))
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // SAFETY: prctl is async-signal-safe; it runs in the child before exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let mut child = command.spawn().expect("the server starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (mut port, mut code) = (None, None);
        while port.is_none() || code.is_none() {
            let line = lines.next().expect("the server announces its address and code").unwrap();
            if let Some(url) = line.trim().strip_prefix("on this machine: http://127.0.0.1:") {
                port = Some(url.trim_end_matches('/').parse().unwrap());
            }
            if let Some(c) = line.trim().strip_prefix("room code: ") {
                code = Some(c.to_string());
            }
        }
        // Read whatever else it prints, so it never writes to a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            port: port.unwrap(),
            code: code.unwrap(),
            db,
            dir: dir.to_path_buf(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn connect(&self) -> Connection {
        Connection::open("127.0.0.1", self.port, Duration::from_secs(30)).unwrap()
    }

    pub fn get(&self, path: &str) -> Response {
        self.connect().send("GET", path, &[], b"").unwrap()
    }

    /// Posts `body` to the room with `code`.
    pub fn submit_with_code(&self, code: &str, body: &[u8]) -> Response {
        let path = format!("{}?room={code}", workbench_results::submission::PATH);
        self.connect().send("POST", &path, &[("Content-Type", "application/json")], body).unwrap()
    }

    pub fn submit(&self, body: &[u8]) -> Response {
        self.submit_with_code(&self.code, body)
    }

    /// SIGKILL: no shutdown, no flush, nothing the server can do.
    pub fn kill9(mut self) -> (PathBuf, Vec<String>) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        (self.dir.clone(), std::mem::take(&mut self.extra))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Rows in the submissions table, read beside the running server (WAL lets a reader in).
pub fn rows(db: &Path) -> i64 {
    let db = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    db.query_row("SELECT count(*) FROM submissions", [], |r| r.get(0)).unwrap()
}

/// A valid record of `name`: solved 01-a and 02-b at about `speed`, not 03-c.
pub fn record(name: &str, speed: f64) -> serde_json::Value {
    serde_json::to_value(partly_solved(&EXERCISES, name, speed)).unwrap()
}

pub fn bytes(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

pub fn json(response: &Response) -> serde_json::Value {
    serde_json::from_slice(&response.body).unwrap_or_else(|e| panic!("{e}: {}", response.text()))
}
