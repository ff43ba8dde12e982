//! The `hostile input` step of `test`: this very binary is run the way an
//! attacker, or a typo, would run it — `gen` aimed at a FIFO, a socket, a
//! device node and a symlink, a size with a few zeros too many, a run
//! interrupted and one killed — and each must be refused or cleaned up with
//! nothing else touched. Everything happens in a scratch folder; the device
//! node is one made there (as root), never a real one.

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::manifest::Workspace;
use crate::ui;

pub fn run(_ws: &Workspace) -> Result<()> {
    // In the temporary folder, not the target dir: a socket's path must fit
    // in 108 bytes, which a deep checkout would not.
    let dir = std::env::temp_dir().join(format!("workbench-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    gen_writes_only_regular_files(&dir)?;
    gen_refuses_a_huge_size(&dir)?;
    for signal in [libc::SIGINT, libc::SIGKILL] {
        gen_leaves_nothing_when_stopped(&dir, signal)?;
    }
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// `xtask gen u32 --size 1000 -o PATH`: its exit status and stderr.
fn gen_into(path: &Path, size: &str) -> Result<(bool, String)> {
    let out = Command::new(std::env::current_exe()?)
        .args(["gen", "u32", "--size", size, "-o"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .context("could not run xtask gen")?;
    Ok((out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned()))
}

fn gen_writes_only_regular_files(dir: &Path) -> Result<()> {
    let fifo = dir.join("a-fifo");
    make_node(&fifo, libc::S_IFIFO | 0o600, 0)?;
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("a-socket"))?;
    std::fs::write(dir.join("precious"), b"precious")?;
    std::os::unix::fs::symlink(dir.join("precious"), dir.join("a-symlink"))?;
    let mut targets = vec![("a-fifo", "FIFO"), ("a-socket", "socket"), ("a-symlink", "symlink")];
    // SAFETY: geteuid only reads the process's effective user id.
    if unsafe { libc::geteuid() } != 0 {
        anstream::println!("  {} not root: gen onto a device node is not tried (mknod needs root)", ui::yellow("!"));
    } else {
        // Like /dev/full (1, 7), but in the scratch folder. A container
        // without the mknod capability refuses even root.
        match make_node(&dir.join("a-device"), libc::S_IFCHR | 0o600, libc::makedev(1, 7)) {
            Ok(()) => targets.push(("a-device", "character device")),
            Err(e) => anstream::println!("  {} gen onto a device node is not tried: {e:#}", ui::yellow("!")),
        }
    }
    for (name, kind) in targets {
        let path = dir.join(name);
        let before = std::fs::symlink_metadata(&path)?.file_type();
        let (ok, stderr) = gen_into(&path, "1000")?;
        ensure!(!ok, "gen -o {name} succeeded: it must refuse a {kind}");
        ensure!(stderr.contains(kind), "gen -o {name}: the refusal does not say it is a {kind}: {stderr}");
        let after = std::fs::symlink_metadata(&path)?.file_type();
        ensure!(before == after, "gen -o {name} changed what is there: {before:?} → {after:?}");
        anstream::println!("  gen -o <{kind}>: refused, left as it was");
    }
    ensure!(std::fs::read(dir.join("precious"))? == b"precious", "the symlink's target was written");
    ensure_no_partial_files(dir)
}

fn gen_refuses_a_huge_size(dir: &Path) -> Result<()> {
    let started = Instant::now();
    let (ok, stderr) = gen_into(&dir.join("huge.bin"), "1000000000000000")?;
    ensure!(!ok && stderr.contains("over the limit"), "gen --size 10^15 was not refused by the size limit: {stderr}");
    ensure!(!dir.join("huge.bin").exists(), "gen --size 10^15 created its output");
    ensure_no_partial_files(dir)?;
    anstream::println!("  gen --size 10^15: refused in {:.1} s, nothing written", started.elapsed().as_secs_f64());
    Ok(())
}

/// Stops a long `gen` once its partial file exists: nothing may be left.
fn gen_leaves_nothing_when_stopped(dir: &Path, signal: libc::c_int) -> Result<()> {
    let output = dir.join("stopped.bin");
    let mut writer = Command::new(std::env::current_exe()?);
    // SAFETY: signal(2) is async-signal-safe; nothing else runs in the child before exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut writer, || {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut writer = writer
        .args(["gen", "stations", "--size", "200000000", "-o"])
        .arg(&output)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let started = Instant::now();
    while partial_files(dir)?.is_empty() {
        if started.elapsed() > Duration::from_secs(30) || writer.try_wait()?.is_some() {
            let _ = writer.kill();
            bail!("gen never started writing {}", output.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) on our own child, which has not been reaped.
    unsafe { libc::kill(writer.id() as libc::pid_t, signal) };
    writer.wait()?;
    // After a SIGKILL the watchdog removes the file once it sees xtask gone.
    let stopped = Instant::now();
    while !partial_files(dir)?.is_empty() && stopped.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(20));
    }
    ensure_no_partial_files(dir)?;
    ensure!(!output.exists(), "a stopped gen left its output");
    let name = if signal == libc::SIGINT { "SIGINT" } else { "SIGKILL" };
    anstream::println!("  gen stopped by {name}: nothing left, {} ms after", stopped.elapsed().as_millis());
    Ok(())
}

fn partial_files(dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "partial"))
        .collect())
}

fn ensure_no_partial_files(dir: &Path) -> Result<()> {
    let left = partial_files(dir)?;
    ensure!(left.is_empty(), "partial files left behind: {left:?}");
    Ok(())
}

fn make_node(path: &Path, mode: libc::mode_t, device: libc::dev_t) -> Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: mknod reads a NUL-terminated path; it creates a node, nothing more.
    if unsafe { libc::mknod(c_path.as_ptr(), mode, device) } != 0 {
        return Err(std::io::Error::last_os_error()).with_context(|| format!("mknod {}", path.display()));
    }
    let kind = std::fs::symlink_metadata(path)?.file_type();
    ensure!(kind.is_fifo() || kind.is_char_device(), "mknod made something else: {kind:?}");
    Ok(())
}
