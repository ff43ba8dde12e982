//! `workshop-server` (run by `cargo xtask serve`): a live workshop room.
//! Participants submit the record `cargo xtask bench --submit` sends; the
//! server checks it with the same rules as `compare`, stores it in SQLite
//! before it answers, and shows the room ranked as `compare` ranks it on a
//! leaderboard that updates itself.
//!
//! Module map: `store` (the `Store` trait and SQLite), `writer` (the one
//! thread that writes, in batches), `room` (the room in memory, ranked),
//! `routes` (HTTP), `page` (the leaderboard's HTML, style and script),
//! `download` (the room as a tar of results files), `limits` (rate limits),
//! `network` (the room code and the addresses to hand out).

mod download;
mod limits;
mod network;
mod page;
mod room;
mod routes;
mod store;
mod writer;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use clap::Parser;
use tokio::sync::watch;

use crate::room::Room;
use crate::store::Store;

/// A live workshop room: submissions in, a leaderboard out.
#[derive(Parser)]
#[command(name = "workshop-server", version)]
struct Args {
    /// The room's name (a database holds many rooms; each keeps its code).
    #[arg(long, default_value = "workshop")]
    room: String,
    /// The port (0: any free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The SQLite file (made when missing).
    #[arg(long, default_value = "results/workshop.sqlite")]
    db: PathBuf,
    /// The address to listen on: every interface, so the room can reach it.
    #[arg(long, default_value = "0.0.0.0")]
    bind: IpAddr,
    /// The workbench's manifest: which exercise ids a record may name.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../exercises.toml"))]
    manifest: PathBuf,
    /// Seconds a leaderboard page's request for news is held before "nothing new".
    #[arg(long, default_value_t = 25)]
    poll_seconds: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<(), store::Error> {
    let known = timed_exercises(&args.manifest)?;
    let mut store = store::Sqlite::open(&args.db)?;
    let code = store.room_code(&args.room, &mut network::new_room_code)?;
    let mut room = Room::new(&args.room, known.clone());
    let stored = store.load(&args.room)?;
    let mut unreadable = 0;
    for s in stored {
        // Checked when it arrived; checked again, in case the workbench's exercises changed since.
        match workbench_results::validate::parse(s.body.as_bytes(), &known) {
            Ok(results) => room.add(s.seq, s.id, s.received_utc, results, s.body),
            Err(_) => unreadable += 1,
        }
    }
    room.rerank();
    let submissions = room.submissions.len();

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.bind, args.port)).await?;
        let port = listener.local_addr()?.port();
        let urls = network::urls(args.bind, port);
        let room = Arc::new(RwLock::new(room));
        let (changed_tx, changed) = watch::channel(0u64);
        let (stop_tx, stopping) = watch::channel(false);
        let (writer, writer_thread) = writer::start(Box::new(store), Arc::clone(&room), changed_tx);
        let app = Arc::new(routes::App::new(
            room,
            &code,
            writer,
            changed,
            stopping,
            routes::Limits::default(),
            Duration::from_secs(args.poll_seconds),
            urls.shared.clone(),
        ));
        announce(&args, &urls, &code, submissions, unreadable);
        let service = routes::router(Arc::clone(&app)).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                stop_signal().await;
                println!("stopping: every acknowledged submission is in {}", args.db.display());
                let _ = stop_tx.send(true);
            })
            .await?;
        // The writer ends once the last sender (the app) is gone, after its last commit.
        drop(app);
        let _ = tokio::task::spawn_blocking(move || writer_thread.join()).await;
        Ok(())
    })
}

fn announce(args: &Args, urls: &network::Urls, code: &str, submissions: usize, unreadable: usize) {
    println!(
        "Workshop room `{}` — {} ({submissions} submission(s) so far{})",
        args.room,
        args.db.display(),
        if unreadable > 0 { format!(", {unreadable} no longer readable and left out") } else { String::new() }
    );
    println!("  leaderboard, for the projector: {}/", urls.shared);
    println!("  on this machine: {}/", urls.local);
    println!("  room code: {code}");
    println!("  participants run: cargo xtask bench --submit {} --room {code} --name THEIR-NAME", urls.shared);
    println!("  Ctrl-C stops it; started again on the same --db, the room keeps its results and its code.");
}

async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return interrupt.await.unwrap_or(()),
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// The ids of the manifest's timed exercises (`[exercise.perf]`), in course order.
fn timed_exercises(manifest: &std::path::Path) -> Result<Vec<String>, store::Error> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        exercise: Vec<Exercise>,
    }
    #[derive(serde::Deserialize)]
    struct Exercise {
        id: String,
        perf: Option<toml::Value>,
    }
    let text = std::fs::read_to_string(manifest).map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    let parsed: Manifest = toml::from_str(&text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    Ok(parsed.exercise.into_iter().filter(|e| e.perf.is_some()).map(|e| e.id).collect())
}
