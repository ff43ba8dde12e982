//! What Linux's /proc says about a process group and the machine: CPU ticks
//! (to tell a deadlock from an endless loop from a busy machine) and what
//! each thread is doing (for the report).

use std::collections::{BTreeMap, HashMap};

/// The fields of `/proc/PID/stat` (or `/proc/PID/task/TID/stat`) we use.
#[derive(Debug, PartialEq, Eq)]
pub struct PidStat {
    /// `R` running, `S` asleep, `D` in uninterruptible I/O, `Z` zombie, …
    pub state: char,
    pub pgrp: i32,
    /// utime + stime + cutime + cstime: its own CPU time and that of its
    /// reaped children (short-lived workers count for the group too).
    pub cpu_ticks: u64,
}

/// Parses one `stat` line. The command name (field 2) is in parentheses and
/// may contain spaces and parentheses itself, so fields are counted after
/// the last `)`.
pub fn parse_pid_stat(line: &str) -> Option<PidStat> {
    let (_, rest) = line.rsplit_once(')')?;
    // After the name: state is field 3, pgrp 5, utime..cstime 14..=17.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| fields.get(n - 3).copied();
    let ticks = |n: usize| field(n)?.parse::<i64>().ok().map(|t| t.max(0) as u64);
    Some(PidStat {
        state: field(3)?.chars().next()?,
        pgrp: field(5)?.parse().ok()?,
        cpu_ticks: ticks(14)? + ticks(15)? + ticks(16)? + ticks(17)?,
    })
}

/// The machine's busy ticks, all CPUs together, from `/proc/stat`'s first
/// `cpu` line: everything but idle and iowait (steal counts as busy: the
/// hypervisor gave the core to someone else). guest and guest_nice are left
/// out because user and nice already include them.
pub fn parse_machine_busy(proc_stat: &str) -> Option<u64> {
    let line = proc_stat.lines().find(|l| l.starts_with("cpu "))?;
    let ticks: Vec<u64> = line.split_whitespace().skip(1).map(|t| t.parse().ok()).collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal (guest guest_nice)
    let at = |i: usize| ticks.get(i).copied().unwrap_or(0);
    (ticks.len() >= 4).then(|| at(0) + at(1) + at(2) + at(5) + at(6) + at(7))
}

pub fn machine_busy_ticks() -> Option<u64> {
    parse_machine_busy(&std::fs::read_to_string("/proc/stat").ok()?)
}

/// USER_HZ: the unit of every tick count in /proc.
pub fn ticks_per_second() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as f64 } else { 100.0 }
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
    group_members(pgid).into_iter().map(|(pid, stat)| (pid, stat.cpu_ticks)).collect()
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
    fn a_pid_stat_line_is_parsed_after_the_last_parenthesis() {
        // Recorded on a 2-core Linux VM (`sleep 5 &`), then the same with
        // CPU time and a name with spaces and parentheses, as threads may have.
        let sleeping = "11503 (sleep) S 11500 11500 3439 0 -1 4194304 132 0 1 0 0 0 0 0 20 0 1 0 440996 \
                        2990080 414 18446744073709551615 93833320194048 93833320211977 140732003375520 0 0 0 0 6 0 1 0 \
                        0 17 0 0 0 0 0 0";
        assert_eq!(parse_pid_stat(sleeping), Some(PidStat { state: 'S', pgrp: 11500, cpu_ticks: 0 }));
        let spinning = "11504 (suite (a) b) R 11500 11500 3439 0 -1 4194304 132 0 1 0 917 23 4 1 20 0 9 0 440996";
        assert_eq!(parse_pid_stat(spinning), Some(PidStat { state: 'R', pgrp: 11500, cpu_ticks: 917 + 23 + 4 + 1 }));
        assert_eq!(parse_pid_stat("12 (truncated) S 1"), None);
        assert_eq!(parse_pid_stat(""), None);
    }

    #[test]
    fn machine_busy_is_everything_but_idle_and_iowait() {
        // Recorded on a 2-core VM: user nice system idle iowait irq softirq steal guest guest_nice.
        let stat = "cpu  27165 0 4660 846718 2081 0 24 273 0 0\n\
                    cpu0 13226 0 2121 424255 748 0 8 130 0 0\n\
                    cpu1 13938 0 2538 422462 1333 0 15 143 0 0\n";
        assert_eq!(parse_machine_busy(stat), Some(27165 + 4660 + 24 + 273));
        // Old kernels have fewer columns.
        assert_eq!(parse_machine_busy("cpu  10 2 3 400\n"), Some(15));
        assert_eq!(parse_machine_busy("cpu0 1 2 3 4\n"), None);
        assert_eq!(parse_machine_busy("cpu  1 x 3 4\n"), None);
    }

    #[test]
    fn ticks_between_counts_new_processes_whole_and_ignores_ended_ones() {
        let before = HashMap::from([(1, 100), (2, 50), (3, 7)]);
        let after = HashMap::from([(1, 130), (2, 50), (4, 12)]);
        assert_eq!(ticks_between(&before, &after), 30 + 12);
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
