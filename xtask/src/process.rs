//! The one way this tool runs other programs: every command is shown before
//! it runs, every failure names the command, and a captured command runs in
//! a process group of its own that never outlives it. The group is killed
//! when the time limit passes (after a look at what it was doing: blocked,
//! running, or starved by a busy machine), when the command has exited (a
//! leaked grandchild holding its output is not waited for beyond a grace
//! period), and through the watchdog (`watchdog.rs`) when xtask itself ends,
//! however it ends.
//!
//! `run` and `status` (inherited stdio: builds the learner watches, programs
//! that may read the terminal) stay in xtask's process group, the terminal's
//! foreground group: a Ctrl-C reaches them directly and they may handle it
//! their own way, so they get neither a group of their own (a background
//! group reading the terminal is stopped) nor a parent-death signal (it would
//! SIGKILL a program still shutting down after that Ctrl-C).

#[cfg(target_os = "linux")]
mod procfs;

#[cfg(target_os = "linux")]
pub use procfs::processes_with_arg;

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{ui, watchdog};

/// How often a running command is polled.
const POLL: Duration = Duration::from_millis(10);
/// How long its output may stay open after the command exited or was
/// stopped: longer, and a leaked grandchild is holding it.
const EOF_GRACE: Duration = Duration::from_secs(2);
/// The CPU sample taken when the time limit passes.
#[cfg(target_os = "linux")]
const SAMPLE_WINDOW: Duration = Duration::from_secs(1);
/// Below this many cores over the sample, the group is blocked.
#[cfg(target_os = "linux")]
const BLOCKED_BELOW_CORES: f64 = 0.05;
/// Other programs using more than this many cores make the machine busy.
#[cfg(target_os = "linux")]
const BUSY_ABOVE_CORES: f64 = 0.5;
/// A busy machine stretches the limit up to this many times the original.
const MAX_STRETCH: u32 = 3;
/// With [`Cmd::stop_when_stuck`]: a group whose every thread waits with no
/// time limit, using no CPU, for this long is deadlocked — stopped then,
/// not at the limit. Looked at every [`STUCK_LOOK_EVERY`].
#[cfg(target_os = "linux")]
const STUCK_FOR: Duration = Duration::from_secs(2);
#[cfg(target_os = "linux")]
const STUCK_LOOK_EVERY: Duration = Duration::from_millis(250);

pub struct Cmd {
    command: Command,
    shown: String,
    /// Not shown at all: a probe whose failure is an answer (`doctor`, `bench`).
    quiet: bool,
    /// Stopped before the limit once its group surely cannot move (a deadlock).
    stop_when_stuck: bool,
    /// Runs on otherwise idle cores and stops while timing has the machine ([`Cmd::at_idle_priority`]).
    idle_priority: bool,
}

/// What a captured command did.
pub struct Finished {
    /// `None` when it was stopped at the time limit.
    pub status: Option<ExitStatus>,
    pub stdout: String,
    /// The same bytes, for binary output.
    pub raw_stdout: Vec<u8>,
    pub stderr: String,
    /// On a stop: what the threads of its process group were doing, e.g.
    /// "3 threads: 2 asleep in futex_wait_queue (…), 1 running".
    pub stuck_threads: Option<String>,
    /// Why it was stopped at the time limit; `None` when it exited by itself.
    pub stopped: Option<Stopped>,
    /// From start to exit or stop.
    pub ran_for: Duration,
}

/// What a command stopped at its time limit was doing, judged from the CPU
/// its process group and the rest of the machine used in the last second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stopped {
    /// Every thread asleep and the process group used (almost) no CPU in the last sample window: a deadlock.
    /// Also the verdict off Linux, where nothing tells the three apart.
    Blocked,
    /// Threads kept using CPU on a machine that was not busy: an endless loop or livelock.
    Running,
    /// Threads kept using CPU while other programs held the cores, even after the limit was stretched: no verdict.
    MachineBusy,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }
    /// Stopped at the time limit (see [`Finished::stopped`] for why).
    pub fn timed_out(&self) -> bool {
        self.status.is_none()
    }
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let program = program.as_ref();
        Self {
            command: Command::new(program),
            shown: program.to_string_lossy().into_owned(),
            quiet: false,
            stop_when_stuck: false,
            idle_priority: false,
        }
    }

    pub fn cargo() -> Self {
        Self::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())).named("cargo")
    }

    /// Cargo run in `ws`, with `ws`'s own target dir: cargo hashes path
    /// packages relative to the workspace root, so a scratch copy sharing the
    /// real target dir would overwrite (and falsely "freshen") its artifacts.
    pub fn cargo_in(ws: &crate::manifest::Workspace) -> Self {
        Self::cargo().env("CARGO_TARGET_DIR", ws.cargo_target_dir()).dir(&ws.root)
    }

    /// Not shown before it runs: for probes such as `python3 --version`.
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Stops the command as soon as every thread of its group has waited,
    /// with no time limit and no CPU used, for [`STUCK_FOR`] (Linux; see
    /// `procfs::group_cannot_move`): a deadlock is reported in seconds, not
    /// at the time limit. For programs that only compute (test binaries).
    pub fn stop_when_stuck(mut self) -> Self {
        self.stop_when_stuck = true;
        self
    }

    /// For work started ahead of the step that needs it (a build): the group
    /// runs at the lowest priority, so it takes only cores the rest leaves
    /// idle, and it is stopped (SIGSTOP) whenever timing has the machine to
    /// itself ([`pause_idle_work`]), continued after. Captured commands only.
    pub fn at_idle_priority(mut self) -> Self {
        self.idle_priority = true;
        #[cfg(unix)]
        // SAFETY: runs in the child between fork and exec; setpriority is a
        // plain system call, async-signal-safe, and its children inherit it.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut self.command, || {
                if libc::setpriority(libc::PRIO_PROCESS, 0, 19) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        self
    }

    /// Shows `name` instead of the full program path.
    fn named(mut self, name: &str) -> Self {
        self.shown = name.to_string();
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        let arg = arg.as_ref();
        self.shown.push(' ');
        self.shown.push_str(&arg.to_string_lossy());
        self.command.arg(arg);
        self
    }

    pub fn args<S: AsRef<OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        for a in args {
            self = self.arg(a);
        }
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn envs<V: AsRef<OsStr>>(mut self, vars: &[(&str, V)]) -> Self {
        for (key, value) in vars {
            self.command.env(key, value);
        }
        self
    }

    pub fn dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Runs with inherited stdio; fails unless it exits 0.
    pub fn run(mut self) -> Result<()> {
        ui::clear_status();
        anstream::eprintln!("{}", ui::dim(&format!("$ {}", self.shown)));
        let status = self.command.status().with_context(|| format!("could not start `{}`", self.shown))?;
        if !status.success() {
            bail!("`{}` failed ({status})", self.shown);
        }
        Ok(())
    }

    /// Starts a program meant to outlive xtask (a browser opening the book)
    /// and returns at once: stdio closed, a process group of its own so a
    /// Ctrl-C in this terminal leaves it alone, and not registered with the
    /// watchdog. The one kind of child xtask does not end.
    pub fn start_detached(mut self) -> Result<()> {
        anstream::eprintln!("{}", ui::dim(&format!("$ {}", self.shown)));
        self.command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        // Not `in_own_group`: no parent-death signal, the browser stays when xtask ends.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut self.command, 0);
        let child = self.command.spawn().with_context(|| format!("could not start `{}`", self.shown))?;
        // Reaped by init once xtask is gone; xtask does not wait for it.
        drop(child);
        Ok(())
    }

    /// Runs with output captured in a process group of its own, stopped
    /// when `limit` passes — a limit stretched up to three times while other
    /// programs hold the cores. The command is shown on the status line
    /// only: the caller reports the result.
    ///
    /// Whatever happens, no process of the group outlives this call: the
    /// group is killed once the command exited and its output closed (or
    /// [`EOF_GRACE`] passed), and the watchdog kills it if xtask dies first.
    pub fn capture(mut self, limit: Duration) -> Result<Finished> {
        if !self.quiet {
            ui::status(&format!("$ {}", self.shown));
        }
        self.command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        in_own_group(&mut self.command);
        let mut child = self.command.spawn().with_context(|| format!("could not start `{}`", self.shown))?;
        let group = Group::new(child.id());
        let idle = self.idle_priority.then(|| IdleWork::new(child.id()));
        let stdout = collect(child.stdout.take().expect("piped"));
        let stderr = collect(child.stderr.take().expect("piped"));
        let started = Instant::now();
        let stop = supervise(&mut child, limit, &self.shown, self.quiet, self.stop_when_stuck);
        if !matches!(stop, Ok(None)) {
            group.kill();
            let _ = child.kill();
        }
        // Output that is still open a while after the command ended is held
        // by a leaked grandchild: it is killed with the group, and what was
        // read so far is kept (the reader threads are left behind).
        let grace = Instant::now() + EOF_GRACE;
        let closed = stdout.wait_for_eof(grace);
        let closed = stderr.wait_for_eof(grace) && closed;
        group.kill();
        if !closed {
            let tail = Instant::now() + Duration::from_millis(200);
            stdout.wait_for_eof(tail);
            stderr.wait_for_eof(tail);
        }
        // Unlisted as idle work first: a pause must never signal a group id
        // that is free for reuse once the leader is reaped.
        drop(idle);
        // Reaped only now, after the group kill: until then the exited
        // leader's pid, which is the group id, cannot be reused.
        let waited = child.wait();
        drop(group);
        if !self.quiet {
            ui::clear_status();
        }
        let stop = stop.with_context(|| format!("could not wait for `{}`", self.shown))?;
        let status = waited.with_context(|| format!("could not wait for `{}`", self.shown))?;
        let raw_stdout = stdout.take();
        let stderr = String::from_utf8_lossy(&stderr.take()).into_owned();
        let (stopped, stuck_threads) = stop.unzip();
        Ok(Finished {
            ran_for: started.elapsed(),
            status: if stopped.is_some() { None } else { Some(status) },
            stdout: String::from_utf8_lossy(&raw_stdout).into_owned(),
            raw_stdout,
            stderr,
            stuck_threads,
            stopped,
        })
    }
}

/// A program that runs beside xtask until it is stopped — a server for a
/// test: a process group of its own, registered with the watchdog and killed
/// with its group when dropped; its stdout read line by line.
pub struct Service {
    child: Child,
    group: Group,
    stdout: Option<std::io::Lines<std::io::BufReader<std::process::ChildStdout>>>,
}

impl Cmd {
    pub fn start_service(mut self) -> Result<Service> {
        ui::clear_status();
        anstream::eprintln!("{}", ui::dim(&format!("$ {} &", self.shown)));
        self.command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        in_own_group(&mut self.command);
        let mut child = self.command.spawn().with_context(|| format!("could not start `{}`", self.shown))?;
        let group = Group::new(child.id());
        let stdout = child.stdout.take().map(|out| std::io::BufRead::lines(std::io::BufReader::new(out)));
        Ok(Service { child, group, stdout })
    }
}

impl Service {
    /// Lines of its output until `done` returns `Some` (or the output ends:
    /// an error with what was read). The rest of its output is drained in a
    /// thread of its own, so the program never writes into a full pipe.
    pub fn read_until<T>(&mut self, mut done: impl FnMut(&str) -> Option<T>) -> Result<T> {
        let mut lines = self.stdout.take().context("the output was read to its end already")?;
        let mut seen = String::new();
        for line in lines.by_ref() {
            let line = line?;
            if let Some(found) = done(&line) {
                std::thread::spawn(move || lines.for_each(drop));
                return Ok(found);
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        bail!("the program ended before saying what was awaited; it printed:\n{seen}")
    }

    /// SIGKILL to its group, and the leader reaped: nothing it could do to
    /// prepare, as in a crash or a power cut of the process.
    pub fn kill(mut self) -> Result<()> {
        self.group.kill();
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        // Killed and reaped, unless `kill` did it already (then this finds nothing to wait for).
        if matches!(self.child.try_wait(), Ok(None)) {
            self.group.kill();
            let _ = self.child.wait();
        }
    }
}

/// Waits until `child` exits or must be stopped: `Some` with why and what
/// its group's threads were doing. The child is not reaped.
fn supervise(
    child: &mut Child,
    limit: Duration,
    shown: &str,
    quiet: bool,
    stop_when_stuck: bool,
) -> std::io::Result<Option<(Stopped, String)>> {
    let started = Instant::now();
    let mut allowed = limit;
    let mut stuck = StuckWatch::default();
    loop {
        if has_exited(child)? {
            return Ok(None);
        }
        if stop_when_stuck && stuck.deadlocked(child.id()) {
            return Ok(Some((Stopped::Blocked, describe_threads(child.id()))));
        }
        if started.elapsed() < allowed {
            std::thread::sleep(POLL);
            continue;
        }
        let Some(verdict) = judge(child)? else { return Ok(None) };
        if verdict == Stopped::MachineBusy && allowed < limit * MAX_STRETCH {
            allowed += limit;
            if !quiet {
                ui::status(&format!("$ {shown} (the machine is busy: allowing it {} s)", allowed.as_secs()));
            }
            continue;
        }
        return Ok(Some((verdict, describe_threads(child.id()))));
    }
}

/// Looks, now and then, whether a group cannot move; remembers since when
/// and with how much CPU used.
#[derive(Default)]
struct StuckWatch {
    last_look: Option<Instant>,
    since: Option<(Instant, std::collections::HashMap<u32, u64>)>,
}

impl StuckWatch {
    /// True once group `pgid` has been unable to move, with no CPU used, for [`STUCK_FOR`].
    #[cfg(target_os = "linux")]
    fn deadlocked(&mut self, pgid: u32) -> bool {
        if self.last_look.is_some_and(|at| at.elapsed() < STUCK_LOOK_EVERY) {
            return false;
        }
        self.last_look = Some(Instant::now());
        if !procfs::group_cannot_move(pgid) {
            self.since = None;
            return false;
        }
        let ticks = procfs::group_ticks(pgid);
        match &self.since {
            Some((since, before)) if procfs::ticks_between(before, &ticks) == 0 => since.elapsed() >= STUCK_FOR,
            _ => {
                self.since = Some((Instant::now(), ticks));
                false
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn deadlocked(&mut self, _pgid: u32) -> bool {
        false
    }
}

/// The verdict on a group that used `group_cores` while other programs used
/// `other_cores` (averages over the sample window). `MachineBusy` means
/// "stretch the limit" until the last stretch.
#[cfg(target_os = "linux")]
fn classify(group_cores: f64, other_cores: f64) -> Stopped {
    if group_cores < BLOCKED_BELOW_CORES {
        Stopped::Blocked
    } else if other_cores > BUSY_ABOVE_CORES {
        Stopped::MachineBusy
    } else {
        Stopped::Running
    }
}

/// Samples the CPU use of `child`'s group and of the machine for
/// [`SAMPLE_WINDOW`]; `None` if the child exited meanwhile.
#[cfg(target_os = "linux")]
fn judge(child: &mut Child) -> std::io::Result<Option<Stopped>> {
    let pgid = child.id();
    let (group_before, machine_before, started) =
        (procfs::group_ticks(pgid), procfs::machine_busy_ticks(), Instant::now());
    while started.elapsed() < SAMPLE_WINDOW {
        if has_exited(child)? {
            return Ok(None);
        }
        std::thread::sleep(POLL);
    }
    let (group_after, machine_after) = (procfs::group_ticks(pgid), procfs::machine_busy_ticks());
    let window = procfs::ticks_per_second() * started.elapsed().as_secs_f64();
    let group = procfs::ticks_between(&group_before, &group_after) as f64 / window;
    let others = match (machine_before, machine_after) {
        (Some(before), Some(after)) => (after.saturating_sub(before) as f64 / window - group).max(0.0),
        _ => 0.0,
    };
    Ok(Some(classify(group, others)))
}

/// Off Linux nothing cheap tells a deadlock from a loop from a busy
/// machine: a command at its limit is taken to be blocked, as it always was.
#[cfg(not(target_os = "linux"))]
fn judge(_child: &mut Child) -> std::io::Result<Option<Stopped>> {
    Ok(Some(Stopped::Blocked))
}

#[cfg(target_os = "linux")]
fn describe_threads(pgid: u32) -> String {
    procfs::describe_group_threads(pgid)
}

#[cfg(not(target_os = "linux"))]
fn describe_threads(_pgid: u32) -> String {
    "its threads could not be inspected on this OS".into()
}

/// Whether `child` has exited, leaving it unreaped (a zombie) on Linux so
/// that its pid — the group id — stays reserved until `Child::wait`.
#[cfg(target_os = "linux")]
fn has_exited(child: &mut Child) -> std::io::Result<bool> {
    // SAFETY: an all-zero siginfo_t is a valid value of this plain C struct.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
    // SAFETY: waitid writes only into `info`, which outlives the call; the
    // pid is our own unreaped child, and WNOWAIT leaves it to Child::wait.
    if unsafe { libc::waitid(libc::P_PID, child.id(), &mut info, flags) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: waitid filled `info` for a child state change (or left it
    // zeroed under WNOHANG when there was none): si_pid is the field to read.
    Ok(unsafe { info.si_pid() } != 0)
}

#[cfg(not(target_os = "linux"))]
fn has_exited(child: &mut Child) -> std::io::Result<bool> {
    Ok(child.try_wait()?.is_some())
}

/// Starts the command as the leader of a new process group: a Ctrl-C in
/// the terminal reaches xtask, not it, and xtask (or the watchdog) ends the
/// group. On Linux the kernel also SIGKILLs it when xtask dies — a second
/// line behind the watchdog, for the leader only. (The parent-death signal
/// fires when the spawning *thread* ends; `capture` waits on that thread.)
#[cfg_attr(not(unix), allow(unused_variables))]
fn in_own_group(command: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    #[cfg(target_os = "linux")]
    {
        let parent = std::process::id() as libc::pid_t;
        // SAFETY: the closure runs in the child between fork and exec and
        // only calls async-signal-safe functions (prctl, getppid) and builds
        // io::Errors from integers, which does not allocate.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(command, move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // xtask died before the prctl took effect: do not start orphaned.
                if libc::getppid() != parent {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
}

/// A process group xtask created for a child: registered with the watchdog
/// from start to drop, and killed (whatever is left of it) on drop.
struct Group(u32);

impl Group {
    fn new(pgid: u32) -> Self {
        watchdog::register(pgid);
        Self(pgid)
    }

    /// SIGKILLs every process still in the group.
    fn kill(&self) {
        signal_group(self.0, KILL);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.kill();
        watchdog::unregister(self.0);
    }
}

/// The process groups started [`Cmd::at_idle_priority`], and whether timing
/// has the machine (they are stopped then).
static IDLE_WORK: Mutex<(Vec<u32>, bool)> = Mutex::new((Vec::new(), false));

/// One idle-priority group, listed from start to drop.
struct IdleWork(u32);

impl IdleWork {
    fn new(pgid: u32) -> Self {
        let mut work = IDLE_WORK.lock().unwrap_or_else(PoisonError::into_inner);
        work.0.push(pgid);
        if work.1 {
            signal_group(pgid, STOP);
        }
        Self(pgid)
    }
}

impl Drop for IdleWork {
    fn drop(&mut self) {
        IDLE_WORK.lock().unwrap_or_else(PoisonError::into_inner).0.retain(|&pgid| pgid != self.0);
    }
}

#[cfg(unix)]
const KILL: i32 = libc::SIGKILL;
#[cfg(unix)]
const STOP: i32 = libc::SIGSTOP;
#[cfg(unix)]
const CONTINUE: i32 = libc::SIGCONT;
#[cfg(not(unix))]
const KILL: i32 = 0;
#[cfg(not(unix))]
const STOP: i32 = 0;
#[cfg(not(unix))]
const CONTINUE: i32 = 0;

/// Sends `signal` to a process group xtask created for a child.
fn signal_group(pgid: u32, signal: i32) {
    #[cfg(unix)]
    // SAFETY: kill(2) with a negative pid signals the process group we
    // created for the child (process_group(0) made its pid the group id);
    // callers hold it only while the leader is not yet reaped, so the id is
    // still ours.
    unsafe {
        libc::kill(-(pgid as libc::pid_t), signal);
    }
    #[cfg(not(unix))]
    let _ = (pgid, signal);
}

/// Stops every idle-priority group while timing has the machine alone
/// (`runner::alone_on_the_machine`): a build's bursts would be measured as
/// the learner's time. [`resume_idle_work`] continues them.
pub fn pause_idle_work() {
    let mut work = IDLE_WORK.lock().unwrap_or_else(PoisonError::into_inner);
    work.1 = true;
    work.0.iter().for_each(|&pgid| signal_group(pgid, STOP));
}

pub fn resume_idle_work() {
    let mut work = IDLE_WORK.lock().unwrap_or_else(PoisonError::into_inner);
    work.1 = false;
    work.0.iter().for_each(|&pgid| signal_group(pgid, CONTINUE));
}

/// A thread reading one pipe to EOF into a shared buffer.
struct Collector {
    buffer: Arc<Mutex<Vec<u8>>>,
    /// Disconnected when the reader thread reaches EOF (it never sends).
    done: mpsc::Receiver<()>,
}

impl Collector {
    /// Whether the pipe reached EOF by `deadline`. A reader still blocked
    /// then (a grandchild holds the pipe) is never joined.
    fn wait_for_eof(&self, deadline: Instant) -> bool {
        let timeout = deadline.saturating_duration_since(Instant::now());
        !matches!(self.done.recv_timeout(timeout), Err(RecvTimeoutError::Timeout))
    }

    /// What was read so far.
    fn take(self) -> Vec<u8> {
        std::mem::take(&mut *self.buffer.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

fn collect(mut pipe: impl Read + Send + 'static) -> Collector {
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&buffer);
    let (done_tx, done) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let _done = done_tx;
        let mut chunk = [0u8; 8192];
        while let Ok(n) = pipe.read(&mut chunk) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(&chunk[..n]);
        }
    });
    Collector { buffer, done }
}

/// `CI=true`: what may be skipped on a laptop is mandatory.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

impl Cmd {
    /// Its trimmed output (stdout, then stderr) when it runs and exits 0 — for
    /// probing a tool's version; a failure is an answer, not an error.
    pub fn output_if_ok(self) -> Option<String> {
        let out = self.quiet().capture(Duration::from_secs(60)).ok()?;
        out.success().then(|| format!("{}{}", out.stdout, out.stderr).trim().to_string())
    }

    /// Runs with output captured (see [`Cmd::capture`]) and fails unless it
    /// exits 0, with the end of what it printed on stderr: for work done
    /// beside other steps, whose output would only interleave with theirs.
    pub fn run_captured(self, limit: Duration) -> Result<()> {
        let shown = self.shown.clone();
        let out = self.capture(limit)?;
        if !out.success() {
            bail!("`{shown}` failed:\n{}", crate::report::tail(&out.stderr, 40));
        }
        Ok(())
    }

    /// Runs with inherited stdio and returns its exit status, whatever it is.
    pub fn status(mut self) -> Result<ExitStatus> {
        anstream::eprintln!("{}", ui::dim(&format!("$ {}", self.shown)));
        self.command.status().with_context(|| format!("could not start `{}`", self.shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_captured_failure_names_the_command_and_ends_with_its_stderr() {
        let err =
            Cmd::new("sh").args(["-c", "echo why it broke >&2; exit 3"]).quiet().run_captured(Duration::from_secs(30));
        let text = format!("{:#}", err.expect_err("exit 3 is a failure"));
        assert!(text.contains("failed") && text.contains("sh") && text.contains("why it broke"), "{text}");
        Cmd::new("true").quiet().run_captured(Duration::from_secs(30)).expect("exit 0 is a success");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_group_without_cpu_is_blocked_and_one_with_cpu_is_running_unless_others_hold_the_cores() {
        assert_eq!(classify(0.0, 0.0), Stopped::Blocked);
        assert_eq!(classify(0.04, 1.9), Stopped::Blocked);
        assert_eq!(classify(0.9, 0.1), Stopped::Running);
        assert_eq!(classify(0.5, 0.5), Stopped::Running);
        assert_eq!(classify(0.5, 1.2), Stopped::MachineBusy);
    }

    #[test]
    #[cfg(unix)]
    fn a_command_that_exits_by_itself_has_its_status_and_output() {
        let out =
            Cmd::new("sh").args(["-c", "echo out; echo err >&2; exit 3"]).quiet().capture(Duration::from_secs(30));
        let out = out.unwrap();
        assert_eq!((out.status.and_then(|s| s.code()), out.stopped), (Some(3), None));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.stuck_threads.as_deref()), ("out\n", "err\n", None));
        assert!(!out.timed_out() && !out.success());
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn idle_work_runs_at_the_lowest_priority_and_stops_while_timing_has_the_machine() {
        // The program prints its pid and niceness, then counts; the counter
        // file must not grow while paused.
        let dir = std::env::temp_dir().join(format!("xtask-idle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let counter = dir.join("count");
        let script = format!(
            "echo $$ $(cut -d' ' -f19 /proc/$$/stat); i=0; while [ $i -lt 150 ]; do i=$((i+1)); echo $i > {}; sleep 0.01; done",
            counter.display()
        );
        let work = std::thread::spawn(move || {
            Cmd::new("sh").args(["-c", &script]).at_idle_priority().quiet().capture(Duration::from_secs(60))
        });
        let read = || std::fs::read_to_string(&counter).ok().and_then(|n| n.trim().parse::<u32>().ok());
        let until = Instant::now() + Duration::from_secs(10);
        while read().is_none() && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        pause_idle_work();
        std::thread::sleep(Duration::from_millis(100));
        let paused_at = read().expect("the program started counting");
        std::thread::sleep(Duration::from_millis(400));
        assert_eq!(read(), Some(paused_at), "a paused group went on running");
        resume_idle_work();
        let out = work.join().unwrap().unwrap();
        assert!(out.success(), "{}", out.stderr);
        assert_eq!(read(), Some(150));
        let niceness = out.stdout.split_whitespace().nth(1).expect("pid and niceness");
        assert_eq!(niceness, "19");
        assert!(IDLE_WORK.lock().unwrap().0.is_empty(), "an ended group stays listed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Processes whose arguments include `arg`, waiting up to a second for
    /// killed ones to go (a SIGKILL is delivered asynchronously).
    #[cfg(target_os = "linux")]
    fn left_with_arg(arg: &str) -> Vec<(u32, Vec<String>)> {
        let until = Instant::now() + Duration::from_secs(1);
        loop {
            let left = procfs::processes_with_arg(|a| a == arg);
            if left.is_empty() || Instant::now() > until {
                return left;
            }
            std::thread::sleep(POLL);
        }
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn output_held_open_by_a_leaked_grandchild_is_not_waited_for() {
        // A unique duration finds the leaked sleep in /proc.
        let duration = format!("30.{}1", std::process::id());
        let started = Instant::now();
        let script = format!("sleep {duration} & echo hi");
        let out = Cmd::new("sh").args(["-c", &script]).quiet().capture(Duration::from_secs(10)).unwrap();
        let took = started.elapsed();
        assert_eq!((out.stdout.as_str(), out.success(), out.stopped), ("hi\n", true, None));
        assert!(took < Duration::from_secs(3), "took {took:?}: the 2 s grace for EOF was not kept");
        assert_eq!(left_with_arg(&duration), vec![], "the leaked grandchild outlived the command");
    }

    #[test]
    #[cfg(unix)]
    fn a_child_asleep_at_the_limit_is_blocked() {
        let duration = format!("300.{}2", std::process::id());
        let out = Cmd::new("sleep").arg(&duration).quiet().capture(Duration::from_secs(1)).unwrap();
        assert_eq!((out.status, out.stopped), (None, Some(Stopped::Blocked)));
        assert!(out.timed_out());
        #[cfg(target_os = "linux")]
        {
            let threads = out.stuck_threads.unwrap_or_default();
            assert!(threads.starts_with("1 threads: 1 asleep"), "{threads}");
            assert_eq!(left_with_arg(&duration), vec![]);
        }
    }

    #[test]
    #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
    fn a_deadlocked_child_is_stopped_early_and_a_sleeping_one_is_not() {
        // A thread taking a lock it already holds waits forever, with no time limit.
        let deadlock = "import threading; lock = threading.Lock(); lock.acquire(); lock.acquire()";
        let out = Cmd::new("python3").args(["-c", deadlock]).quiet().stop_when_stuck().capture(Duration::from_secs(60));
        let out = out.unwrap();
        assert_eq!(out.stopped, Some(Stopped::Blocked));
        assert!(out.ran_for < Duration::from_secs(20), "stopped after {:?}, not at the 60 s limit", out.ran_for);
        // A sleep is a wait with a time limit: it runs to its end.
        let sleep = "import time; time.sleep(3)";
        let out = Cmd::new("python3").args(["-c", sleep]).quiet().stop_when_stuck().capture(Duration::from_secs(60));
        let out = out.unwrap();
        assert!(out.success(), "a 3 s sleep was stopped: {:?} after {:?}", out.stopped, out.ran_for);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn a_child_spinning_at_the_limit_is_running_or_the_machine_is_busy() {
        let marker = format!("spin-{}", std::process::id());
        let started = Instant::now();
        let out = Cmd::new("sh").args(["-c", "while :; do :; done", &marker]).quiet().capture(Duration::from_secs(1));
        let out = out.unwrap();
        // Other tests (or programs) may hold the cores meanwhile: then
        // MachineBusy is the right answer, and only Blocked is wrong.
        assert!(matches!(out.stopped, Some(Stopped::Running | Stopped::MachineBusy)), "{:?}", out.stopped);
        anstream::println!("{:?} after {:?}", out.stopped, started.elapsed());
        if out.stopped == Some(Stopped::Running) {
            // Stopped at the first look: 1 s limit, 1 s sample (no stretch).
            assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
        }
        assert!(out.stuck_threads.is_some_and(|t| t.starts_with("1 threads")));
        assert_eq!(left_with_arg(&marker), vec![]);
    }
}
