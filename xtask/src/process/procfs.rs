//! What Linux's /proc says about a process group and the machine: CPU ticks
//! (to tell a deadlock from an endless loop from a busy machine) and what
//! each thread is doing (for the report).

use std::collections::{BTreeMap, HashMap};

// The parsers are the busy probe's own (`benches::procstat`): one reading of /proc for both.
pub use benches::procstat::{PidStat, parse_machine_busy, parse_pid_stat, ticks_per_second};

pub fn machine_busy_ticks() -> Option<u64> {
    parse_machine_busy(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// Every live process of group `pgid`, with its stat.
fn group_members(pgid: u32) -> Vec<(u32, PidStat)> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = parse_pid_stat(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)?;
            (stat.pgrp == pgid as i32 && stat.state != 'Z').then_some((pid, stat))
        })
        .collect()
}

/// CPU ticks of each process in group `pgid` now.
pub fn group_ticks(pgid: u32) -> HashMap<u32, u64> {
    group_members(pgid).into_iter().map(|(pid, stat)| (pid, stat.ticks)).collect()
}

/// Ticks the group used between two [`group_ticks`] samples: a process that
/// appeared in between counts whole; one that ended in between is lost
/// (unless its parent reaped it: then it is in the parent's cutime).
pub fn ticks_between(before: &HashMap<u32, u64>, after: &HashMap<u32, u64>) -> u64 {
    after.iter().map(|(pid, &t)| t.saturating_sub(before.get(pid).copied().unwrap_or(0))).sum()
}

/// "3 threads: 3 asleep in futex_wait_queue (a lock, a condition variable,
/// a channel or a join), 0 running", with "in N processes" when the group
/// has more than one.
pub fn describe_group_threads(pgid: u32) -> String {
    let members = group_members(pgid);
    let (mut running, mut waiting) = (0, BTreeMap::<String, usize>::new());
    for (pid, _) in &members {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { continue };
        for task in tasks.flatten() {
            let path = task.path();
            let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
            if parse_pid_stat(&stat).is_some_and(|s| s.state == 'R') {
                running += 1;
                continue;
            }
            let wchan = std::fs::read_to_string(path.join("wchan")).unwrap_or_default();
            let wchan = if wchan.is_empty() || wchan == "0" { "sleep".to_string() } else { wchan };
            *waiting.entry(wchan).or_default() += 1;
        }
    }
    let total = running + waiting.values().sum::<usize>();
    let mut parts: Vec<String> = waiting
        .iter()
        .map(|(wchan, n)| {
            let what = if wchan.contains("futex") {
                " (a lock, a condition variable, a channel or a join)"
            } else if wchan.contains("pipe") {
                " (a pipe)"
            } else {
                ""
            };
            format!("{n} asleep in {wchan}{what}")
        })
        .collect();
    parts.push(format!("{running} running"));
    let processes = if members.len() > 1 { format!(" in {} processes", members.len()) } else { String::new() };
    format!("{total} threads{processes}: {}", parts.join(", "))
}

/// Whether nothing in group `pgid` can move by itself: every thread sleeps
/// (state `S`) in a wait without a time limit — a lock, a condition variable,
/// a join, a read or write on a pipe or socket, a wait for a child — and no
/// process outside the group is a child of one inside it (it could be the
/// one to wake them). A timed wait (a sleep, `recv_timeout`, `poll` with a
/// timeout), a thread on a CPU or in disk I/O, a system call not known here,
/// or anything unreadable: `false`. Only a sure deadlock may end a run early.
pub fn group_cannot_move(pgid: u32) -> bool {
    let members = group_members(pgid);
    if members.is_empty() {
        return false;
    }
    let pids: std::collections::HashSet<u32> = members.iter().map(|(pid, _)| *pid).collect();
    for (pid, _) in &members {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return false };
        for task in tasks.flatten() {
            let path = task.path();
            let asleep = std::fs::read_to_string(path.join("stat"))
                .ok()
                .and_then(|stat| parse_pid_stat(&stat))
                .is_some_and(|stat| stat.state == 'S');
            let untimed = std::fs::read_to_string(path.join("syscall")).is_ok_and(|call| waits_without_limit(&call));
            if !(asleep && untimed) {
                return false;
            }
        }
    }
    // A child that left the group (its own session or group) is not watched.
    let Ok(entries) = std::fs::read_dir("/proc") else { return false };
    !entries.flatten().filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok()).any(|pid| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| parse_pid_stat(&stat))
            .is_some_and(|stat| stat.pgrp != pgid as i32 && stat.state != 'Z' && pids.contains(&(stat.ppid as u32)))
    })
}

/// Whether a thread's `/proc/…/syscall` line ("202 0x7f… 0x89 0x2 0x0 …":
/// the call's number and its six arguments) is a wait with no time limit.
/// The numbers are x86-64's; elsewhere nothing is recognised.
fn waits_without_limit(syscall: &str) -> bool {
    if !cfg!(target_arch = "x86_64") {
        return false;
    }
    let mut fields = syscall.split_whitespace();
    let Some(Ok(number)) = fields.next().map(str::parse::<u64>) else { return false };
    let args: Vec<u64> =
        fields.take(6).filter_map(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok()).collect();
    let Ok(args) = <[u64; 6]>::try_from(args) else { return false };
    let no_timeout = |i: usize| args[i] == 0;
    let infinite = |i: usize| args[i] as i32 == -1;
    match number {
        // futex: FUTEX_WAIT (0) or FUTEX_WAIT_BITSET (9), private or not, without a timeout.
        202 => matches!(args[1] & 0x7f, 0 | 9) && no_timeout(3),
        // read, write, readv, writev, pause, accept, sendto, recvfrom, sendmsg,
        // recvmsg, wait4, rt_sigsuspend, waitid, accept4: block until someone acts.
        0 | 1 | 19 | 20 | 34 | 43 | 44 | 45 | 46 | 47 | 61 | 130 | 247 | 288 => true,
        // poll (timeout -1), select, ppoll, pselect6 (no timeout), epoll_wait and epoll_pwait (-1).
        7 => infinite(2),
        23 | 270 => no_timeout(4),
        271 => no_timeout(2),
        232 | 281 => infinite(3),
        _ => false,
    }
}

/// Every live process whose command line has an argument `matches` accepts:
/// its pid and arguments. For tests that look for what they started.
pub fn processes_with_arg(matches: impl Fn(&str) -> bool) -> Vec<(u32, Vec<String>)> {
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            // A zombie's cmdline is empty: only live processes match.
            let raw = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let args: Vec<String> =
                raw.split(|&b| b == 0).filter(|a| !a.is_empty()).map(|a| String::from_utf8_lossy(a).into()).collect();
            args.iter().any(|a| matches(a)).then_some((pid, args))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_between_counts_new_processes_whole_and_ignores_ended_ones() {
        let before = HashMap::from([(1, 100), (2, 50), (3, 7)]);
        let after = HashMap::from([(1, 130), (2, 50), (4, 12)]);
        assert_eq!(ticks_between(&before, &after), 30 + 12);
    }

    #[test]
    fn only_waits_without_a_time_limit_count_as_stuck() {
        if !cfg!(target_arch = "x86_64") {
            return;
        }
        // A mutex or join (FUTEX_WAIT_BITSET | PRIVATE, no timeout), a pipe read, poll(-1).
        for call in ["202 0x7f00 0x89 0x2 0x0 0x0 0xffffffff 0x7ffc 0x7f01", "0 0x3 0x7f00 0x2000 0x0 0x0 0x0 0x1 0x2"]
        {
            assert!(waits_without_limit(call), "{call}");
        }
        assert!(waits_without_limit("7 0x7f00 0x1 0xffffffffffffffff 0x0 0x0 0x0 0x1 0x2"));
        // recv_timeout (a futex with a timeout), a sleep, poll with 100 ms, running, unreadable.
        for call in [
            "202 0x7f00 0x89 0x2 0x7ffc1234 0x0 0xffffffff 0x7ffc 0x7f01",
            "230 0x1 0x0 0x7ffc 0x0 0x0 0x0 0x1 0x2",
            "7 0x7f00 0x1 0x64 0x0 0x0 0x0 0x1 0x2",
            "running",
            "",
        ] {
            assert!(!waits_without_limit(call), "{call}");
        }
    }

    #[test]
    fn our_own_process_is_found_by_its_arguments_and_described() {
        let me = std::process::id();
        let exe = std::fs::read("/proc/self/cmdline").unwrap();
        let first = String::from_utf8_lossy(exe.split(|&b| b == 0).next().unwrap()).into_owned();
        assert!(processes_with_arg(|a| a == first).iter().any(|(pid, _)| *pid == me));
        // The test harness runs in the group of whoever started it.
        // SAFETY: getpgrp has no preconditions.
        let pgid = unsafe { libc::getpgrp() } as u32;
        let description = describe_group_threads(pgid);
        assert!(description.contains("threads") && description.contains("running"), "{description}");
        assert!(group_ticks(pgid).contains_key(&me));
    }
}
