//! `cargo xtask <command>`: the learner's and the maintainer's command line.
//! This file is the table of contents; each command lives in its own module.

mod bench;
mod book;
mod browser;
mod check;
mod compare;
mod contents;
mod data;
mod doctor;
mod fsutil;
mod generate;
mod hint;
mod integrity;
mod list;
mod loom;
mod manifest;
mod new;
mod prefetch;
mod process;
mod process_cleanup;
mod progress;
mod published;
mod python;
mod report;
mod reset;
mod results;
mod run;
mod runner;
mod serve;
mod submit;
mod test;
mod tidy;
mod tools;
mod ui;
mod variant;
mod verdict;
mod verify;
mod watch;
mod watchdog;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::manifest::Workspace;

/// Parallel Workbench: learn parallel data processing in Rust, measured.
#[derive(Parser)]
#[command(name = "cargo xtask", version)]
struct Cli {
    /// Show every command as it runs, and build output also on success.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check an exercise: tests, then timing against the reference. No ID: the next unfinished one.
    /// Exit code: 0 done, 1 failed, 3 inconclusive (a busy machine: not done), 2 an error of the tool.
    Check { id: Option<String> },
    /// Re-check an exercise every time you save.
    Watch {
        id: Option<String>,
        /// Poll for changes (for WSL on /mnt, network drives).
        #[arg(long)]
        poll: bool,
    },
    /// List the exercises and which are done.
    List,
    /// Show the next hint for an exercise (no ID: the current one; `--all` for every hint).
    Hint {
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Restore an exercise as published (your version is backed up first).
    Reset {
        id: String,
        /// Restore only the tests and other protected files; keep your src/.
        #[arg(long)]
        tests: bool,
    },
    /// Run the exercise's program (yours, or the reference) with arguments.
    Run {
        #[arg(long)]
        reference: bool,
        id: String,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Build the book with strict checks and open it in a browser, then return.
    Book {
        /// Open this exercise's page instead of the first page.
        id: Option<String>,
        /// Serve the book on localhost and rebuild it on every save (Ctrl-C stops it).
        #[arg(long)]
        serve: bool,
        /// Build and check only: print the path, open nothing.
        #[arg(long, conflicts_with = "serve")]
        no_open: bool,
    },
    /// Generate a data file: u32, text, stations or logs.
    Gen {
        kind: datagen::Kind,
        /// Items (u32), bytes (text) or rows (stations, logs).
        #[arg(long)]
        size: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Share of malformed lines (logs only), e.g. 0.01.
        #[arg(long, default_value_t = 0.0)]
        malformed: f64,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Measure the timed exercises on large inputs beside the reference, sequential and Python baselines.
    Bench {
        /// Exercises to measure (default: every timed one).
        ids: Vec<String>,
        /// Every timed exercise.
        #[arg(long)]
        all: bool,
        /// Your name in exported results (default: your user name).
        #[arg(long)]
        name: Option<String>,
        /// Export the results as JSON (default file: results/<name>.json).
        #[arg(long, value_name = "FILE", num_args = 0..=1)]
        export: Option<Option<PathBuf>>,
        /// Replace an existing export file.
        #[arg(long)]
        force: bool,
        /// Fewer rounds (same input), no criterion detail: a first look in a minute.
        #[arg(long)]
        quick: bool,
        /// Also send the results to a live workshop: the address the trainer gives (e.g. http://192.168.1.20:8080).
        #[arg(long, value_name = "URL", requires = "room")]
        submit: Option<String>,
        /// The room code the trainer gives (with --submit).
        #[arg(long, value_name = "CODE", requires = "submit")]
        room: Option<String>,
    },
    /// Send a results file to a live workshop (again): an export, or one kept in results/unsent/.
    Submit {
        file: PathBuf,
        /// The workshop's address, e.g. http://192.168.1.20:8080.
        #[arg(long, value_name = "URL")]
        to: String,
        /// The room code.
        #[arg(long, value_name = "CODE")]
        room: String,
    },
    /// Trainer: run a live workshop — submissions and a leaderboard in the browser (Ctrl-C stops it).
    Serve {
        /// The room's name (default: workshop).
        #[arg(long)]
        room: Option<String>,
        /// The port (default 8080; 0: any free one).
        #[arg(long)]
        port: Option<u16>,
        /// The SQLite file (default: results/workshop.sqlite).
        #[arg(long)]
        db: Option<PathBuf>,
    },
    /// Put exported results side by side: a table here and an HTML report.
    Compare {
        /// Results files, or folders of them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Where to write the HTML report.
        #[arg(long, default_value = "results/report.html")]
        html: PathBuf,
    },
    /// Check this machine: toolchain, cores, Python and NumPy, mdbook, disk space.
    Doctor,
    /// Fetch and prepare everything a workshop needs offline: crates, mdbook, inputs, builds.
    Prefetch {
        /// Skip building (saves a few minutes now, costs them at the first check).
        #[arg(long)]
        no_build: bool,
    },
    /// Maintainer: prove the checker — stubs fail, references pass, known-bad rejected, known-good accepted.
    Verify {
        /// Record every protected file and stub in pristine.toml (all exercises; IDs choose what is verified).
        #[arg(long)]
        bless: bool,
        /// Only the cases whose label contains one of these comma-separated texts (`reference`, `known-bad/deadlock,stub`).
        #[arg(long, value_name = "TEXT")]
        only: Option<String>,
        /// Only these exercises.
        ids: Vec<String>,
    },
    /// Maintainer: everything CI runs — fmt, clippy, tool tests and tidy, verify, the book in a browser, the workshop paths.
    Test {
        /// Only the steps whose name contains this text (`--only book`, `--only "workshop server"`).
        #[arg(long, value_name = "TEXT")]
        only: Option<String>,
    },
    /// Maintainer: scaffold a new exercise (manifest entry, crates, tests, bench, book page, baseline).
    New {
        /// `NN-slug`, e.g. `03-balanced-ranges`.
        id: String,
        #[arg(long, default_value_t = 1)]
        chapter: u32,
        /// Correctness only: no timing gate, bench target or Python baseline.
        #[arg(long)]
        untimed: bool,
    },
}

fn main() -> ExitCode {
    // The internal subcommands stay out of clap: out of --help and of the
    // README's list of commands.
    let mut args = std::env::args_os().skip(1);
    let first = args.next();
    let internal = first.as_deref().and_then(|a| a.to_str());
    if internal == Some(watchdog::SUBCOMMAND) {
        return watchdog::serve();
    }
    watchdog::start();
    if internal == Some(process_cleanup::SUBCOMMAND) {
        return process_cleanup::capture(args);
    }
    let cli = Cli::parse();
    ui::set_verbose(cli.verbose);
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(err) => {
            ui::clear_status();
            anstream::eprintln!("{} {err:#}", ui::red("error:"));
            ExitCode::from(2)
        }
    }
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    let root = manifest::repo_root();
    if let Command::Gen { kind, size, seed, malformed, output } = command {
        return generate::run(kind, size, seed, malformed, &output);
    }
    let ws = Workspace::open(&root)?;
    match command {
        Command::Check { id } => check::run(&ws, id.as_deref()),
        Command::Watch { id, poll } => watch::run(&ws, id.as_deref(), poll),
        Command::List => list::run(&ws),
        Command::Hint { id, all } => hint::run(&ws, id.as_deref(), all),
        Command::Reset { id, tests } => reset::run(&ws, &id, tests),
        Command::Run { reference, id, args } => run::run(&ws, &id, reference, &args),
        Command::Book { id, serve, no_open } => {
            let after = match (serve, no_open) {
                (true, _) => book::After::Serve,
                (false, true) => book::After::Nothing,
                (false, false) => book::After::Open,
            };
            let page = id.map(|id| ws.manifest.find(&id).map(|ex| ex.book.replace(".md", ".html"))).transpose()?;
            book::run(&ws, after, page.as_deref())
        }
        Command::Bench { ids, all, name, export, force, quick, submit, room } => {
            let submit = submit.zip(room).map(|(url, room)| submit::Target { url, room });
            bench::run(&ws, &bench::Options { ids, all, name, export, force, quick, submit })
        }
        Command::Submit { file, to, room } => submit::run(&ws, &file, &submit::Target { url: to, room }),
        Command::Serve { room, port, db } => serve::run(&ws, room.as_deref(), port, db.as_deref()),
        Command::Compare { paths, html } => compare::run(&ws, &paths, &html),
        Command::Doctor => doctor::run(&ws),
        Command::Prefetch { no_build } => prefetch::run(&ws, !no_build),
        Command::Verify { bless, only, ids } => verify::run(&ws, bless, only.as_deref(), &ids),
        Command::Test { only } => test::run(&ws, only.as_deref()),
        Command::New { id, chapter, untimed } => {
            let timing = if untimed { new::Timing::Untimed } else { new::Timing::Timed };
            new::run(&ws, &id, chapter, timing)
        }
        Command::Gen { .. } => unreachable!("handled above"),
    }
}
