//! CPU accounting from Linux's `/proc`: how much of the machine other
//! programs used, and how much this process group used.
//!
//! The busy probe asks "were the cores ours during this round?" without
//! competing for them: the machine's busy ticks (`/proc/stat`) minus the ticks
//! of every process in this process group (the harness and any worker
//! processes a learner starts) leave what *other* programs used. A learner's
//! own extra threads or processes therefore never make a round read busy.
//!
//! The parsers are plain functions on text, so they are tested everywhere;
//! reading `/proc` returns `None` off Linux or when it is unreadable.

use std::time::{Duration, Instant};

/// Busy ticks of the whole machine from the text of `/proc/stat`: the first
/// `cpu` line's user + nice + system + irq + softirq + steal, i.e. everything
/// but idle and iowait (guest time is already inside user and nice).
pub fn parse_machine_busy(stat: &str) -> Option<u64> {
    let line = stat.lines().find(|l| l.split_whitespace().next() == Some("cpu"))?;
    let fields: Vec<u64> = line.split_whitespace().skip(1).map(|f| f.parse().ok()).collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice]
    let at = |i: usize| fields.get(i).copied().unwrap_or(0);
    (fields.len() >= 4).then(|| at(0) + at(1) + at(2) + at(5) + at(6) + at(7))
}

/// The fields of one `/proc/PID/stat` (or `/proc/PID/task/TID/stat`) line
/// that the busy probe and xtask's time limits need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PidStat {
    pub pid: i32,
    /// Field 3: `R` running, `S` asleep, `D` in uninterruptible I/O, `Z` zombie, …
    pub state: char,
    /// Field 4: the parent's pid.
    pub ppid: i32,
    /// Field 5: the process group.
    pub pgrp: i32,
    /// Fields 14–17: utime + stime + cutime + cstime, in clock ticks. The
    /// children's part keeps a worker's ticks counted after it is reaped (they
    /// move from its own line to its parent's).
    pub ticks: u64,
}

/// Parses one `/proc/PID/stat` line. The command name (field 2) may hold
/// spaces and ')' characters, so the fields are counted after the *last* ')'.
pub fn parse_pid_stat(line: &str) -> Option<PidStat> {
    let (head, tail) = line.rsplit_once(')')?;
    let pid = head.split_once('(')?.0.trim().parse().ok()?;
    // `tail` starts at field 3 (state), so field n is at index n - 3.
    let fields: Vec<&str> = tail.split_whitespace().collect();
    let field = |n: usize| -> Option<u64> { fields.get(n - 3)?.parse().ok() };
    let state = fields.first()?.chars().next()?;
    let ppid = fields.get(4 - 3)?.parse().ok()?;
    let pgrp = fields.get(5 - 3)?.parse().ok()?;
    let ticks = field(14)? + field(15)? + field(16)? + field(17)?;
    Some(PidStat { pid, state, ppid, pgrp, ticks })
}

/// Clock ticks per second of `/proc`'s tick counters (`USER_HZ`, usually 100).
pub fn ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a constant of the C library.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
}

/// This process's process group (the harness is started as its leader).
fn process_group() -> i32 {
    // SAFETY: getpgrp takes no arguments and cannot fail.
    unsafe { libc::getpgrp() }
}

/// The `/proc/PID/stat` of every process, skipping those that exit while read.
fn all_pid_stats() -> Option<Vec<PidStat>> {
    let entries = std::fs::read_dir("/proc").ok()?;
    let stats = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit())))
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter_map(|line| parse_pid_stat(&line))
        .collect();
    Some(stats)
}

/// The machine's and this process group's busy ticks at one moment.
#[derive(Clone, Copy, Debug)]
pub struct Snapshot {
    pub wall: Instant,
    pub machine_busy: u64,
    pub ours: u64,
}

impl Snapshot {
    /// Reads `/proc`; `None` where there is no `/proc/stat` (not Linux).
    pub fn take() -> Option<Snapshot> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let group = process_group();
        let ours = all_pid_stats()?.iter().filter(|s| s.pgrp == group).map(|s| s.ticks).sum();
        let machine_busy = parse_machine_busy(&std::fs::read_to_string("/proc/stat").ok()?)?;
        Some(Snapshot { wall: Instant::now(), machine_busy, ours })
    }
}

/// Cores' worth of CPU that processes outside this group used between two
/// snapshots: (Δbusy − Δours) / (Δwall × ticks per second). Ticks are 10 ms,
/// so windows shorter than a few hundred ms read coarsely; the caller
/// widens them (see `paired::MIN_PROBE_WINDOW`).
pub fn other_cores(before: &Snapshot, after: &Snapshot, ticks_per_second: f64) -> f64 {
    let busy = after.machine_busy.saturating_sub(before.machine_busy) as f64;
    // A worker reaped by a process outside the group takes its ticks away: never below zero.
    let ours = after.ours.saturating_sub(before.ours) as f64;
    let wall = after.wall.duration_since(before.wall).as_secs_f64().max(1e-9);
    ((busy - ours) / (wall * ticks_per_second)).max(0.0)
}

/// Nanoseconds of CPU from a `/proc/PID/task/TID/schedstat` line (its first field).
pub fn parse_schedstat(line: &str) -> Option<u64> {
    line.split_whitespace().next()?.parse().ok()
}

/// The other members of this process group (worker processes of the learner),
/// whose CPU [`others_cpu_time`] adds up; empty off Linux.
pub fn other_group_members() -> Vec<i32> {
    if !cfg!(target_os = "linux") {
        return Vec::new();
    }
    let (group, me) = (process_group(), std::process::id() as i32);
    let stats = all_pid_stats().unwrap_or_default();
    stats.iter().filter(|s| s.pgrp == group && s.pid != me).map(|s| s.pid).collect()
}

/// CPU time used so far by the threads of `pids`, to the nanosecond where
/// schedstat is available (ticks are too coarse for a 15 ms window), else in
/// ticks. A process that has exited counts as zero.
pub fn others_cpu_time(pids: &[i32]) -> Vec<Duration> {
    pids.iter()
        .map(|pid| {
            let precise = std::fs::read_dir(format!("/proc/{pid}/task")).ok().map(|tasks| {
                tasks
                    .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
                    .filter_map(|l| parse_schedstat(&l))
                    .sum::<u64>()
            });
            match precise {
                Some(ns) if ns > 0 => Duration::from_nanos(ns),
                _ => std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .ok()
                    .and_then(|l| parse_pid_stat(&l))
                    .map_or(Duration::ZERO, |s| Duration::from_secs_f64(s.ticks as f64 / ticks_per_second())),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Recorded on a 2-core Linux 6.x VM.
    const PROC_STAT: &str = "cpu  22077 0 4024 827505 2021 0 20 272 0 0\n\
                             cpu0 10848 0 1837 414438 742 0 7 130 0 0\n\
                             cpu1 11228 0 2187 413067 1278 0 12 142 0 0\n\
                             intr 1 2 3\nctxt 12345\n";

    #[test]
    fn machine_busy_leaves_out_idle_and_iowait() {
        assert_eq!(parse_machine_busy(PROC_STAT), Some(22077 + 4024 + 20 + 272));
        // Old kernels print fewer fields.
        assert_eq!(parse_machine_busy("cpu  1 2 3 4\n"), Some(6));
        assert_eq!(parse_machine_busy("intr 1 2\n"), None);
        assert_eq!(parse_machine_busy("cpu  1 x 3 4\n"), None);
    }

    #[test]
    fn pid_stat_counts_fields_after_the_last_parenthesis() {
        let cat = "7480 (cat) R 7475 7475 3368 0 -1 4194304 102 0 1 0 3 4 5 6 20 0 1 0 428444 3133440 380";
        assert_eq!(
            parse_pid_stat(cat),
            Some(PidStat { pid: 7480, state: 'R', ppid: 7475, pgrp: 7475, ticks: 3 + 4 + 5 + 6 })
        );
        // A name with spaces and parentheses (a thread may rename itself so).
        let odd = "42 (my (odd) prog) 1) S 1 40 40 0 -1 0 0 0 0 0 100 50 7 1 20 0 2 0 1 1 1";
        assert_eq!(parse_pid_stat(odd), Some(PidStat { pid: 42, state: 'S', ppid: 1, pgrp: 40, ticks: 158 }));
        assert_eq!(parse_pid_stat("42 (cut) S 1 40"), None);
        assert_eq!(parse_pid_stat(""), None);
    }

    #[test]
    fn schedstat_is_nanoseconds_first() {
        assert_eq!(parse_schedstat("339059463 4899915 25\n"), Some(339_059_463));
        assert_eq!(parse_schedstat(""), None);
    }

    #[test]
    fn other_cores_subtract_our_ticks() {
        let t = Instant::now();
        let before = Snapshot { wall: t, machine_busy: 1000, ours: 500 };
        // One second at 100 ticks/s: 150 busy ticks, 100 of them ours.
        let after = Snapshot { wall: t + Duration::from_secs(1), machine_busy: 1150, ours: 600 };
        assert!((other_cores(&before, &after, 100.0) - 0.5).abs() < 1e-9);
        let ours_only = Snapshot { machine_busy: 1100, ..after };
        assert_eq!(other_cores(&before, &ours_only, 100.0), 0.0);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_in_its_own_group_reading() {
        let _serial = crate::cpu_test_lock();
        let a = Snapshot::take().expect("/proc is readable on Linux");
        let spin = Instant::now();
        while spin.elapsed() < Duration::from_millis(50) {
            std::hint::spin_loop();
        }
        let b = Snapshot::take().expect("/proc is readable on Linux");
        assert!(b.ours >= a.ours && b.machine_busy >= a.machine_busy);
    }
}
