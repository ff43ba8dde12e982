//! Exercises with loom models (`loom = true` in the manifest): their suite is
//! built a second time with `--cfg loom`, which swaps the crate's `sync` shim
//! to loom's types and compiles only the models. Loom then runs each model
//! once per interleaving of its threads, so a missed wake-up is found every
//! time. The build has its own target dir: other RUSTFLAGS would otherwise
//! rebuild every crate of the normal one.

use std::time::Duration;

use anyhow::Result;

use crate::manifest::{Exercise, Workspace};
use crate::process::Cmd;
use crate::verdict::{Cause, Verdict};

/// Cargo for the loom build of `ws`.
pub fn cargo(ws: &Workspace) -> Cmd {
    Cmd::cargo_in(ws).env("CARGO_TARGET_DIR", ws.cargo_target_dir().join("loom")).env("RUSTFLAGS", "--cfg loom")
}

/// A queue on `std::sync` would pass every model without loom checking
/// anything (loom cannot see std's locks), so `clippy.toml`'s ban on those
/// types is enforced here, before any model runs. Linted under `--cfg loom`:
/// only then is the shim's `Mutex` not std's own (clippy sees through
/// re-exports).
pub fn uses_std_sync(ws: &Workspace, ex: &Exercise) -> Result<Option<Verdict>> {
    let lint = cargo(ws).args(["clippy", "--release", "--package", &ex.package(), "--color=never"]).args([
        "--",
        "-A",
        "clippy::all",
        "-D",
        "clippy::disallowed_types",
    ]);
    let lint = crate::runner::sharing_the_machine(|| lint.capture(Duration::from_secs(1800)))?;
    if lint.success() || !lint.stderr.contains("disallowed type") {
        // A compile error is reported by the build of the tests, as everywhere.
        return Ok(None);
    }
    Ok(Some(Verdict::fail(
        Cause::StdSync,
        "your code uses std::sync's locks, which loom cannot see — use crate::sync's Mutex and Condvar".into(),
        lint.stderr,
    )))
}
