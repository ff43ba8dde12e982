//! Exercises with loom models (`loom = true` in the manifest): their suite is
//! built a second time with the crate's `loom` feature, which swaps its `sync`
//! shim to loom's types and compiles only the models. Loom then runs each
//! model once per interleaving of its threads, so a missed wake-up is found
//! every time. A feature, not loom's usual `RUSTFLAGS="--cfg loom"`: a flag
//! changes every crate's build, so the first loom check rebuilt every
//! dependency (minutes on 2 cores); a feature rebuilds only this crate and
//! adds loom.

use std::time::Duration;

use anyhow::Result;

use crate::manifest::{Exercise, Workspace};
use crate::process::Cmd;
use crate::verdict::{Cause, Verdict};

/// The cargo arguments that select the loom build of a package.
pub const FEATURE: [&str; 2] = ["--features", "loom"];

/// clippy's `disallowed_types` alone, on the loom build of `ex`'s crate.
pub fn std_sync_lint(ws: &Workspace, ex: &Exercise) -> Cmd {
    Cmd::cargo_in(ws).args(["clippy", "--release", "--package", &ex.package()]).args(FEATURE).args([
        "--",
        "-A",
        "clippy::all",
        "-D",
        "clippy::disallowed_types",
    ])
}

/// A queue on `std::sync` would pass every model without loom checking
/// anything (loom cannot see std's locks), so `clippy.toml`'s ban on those
/// types is enforced here, before any model runs. Linted with the feature:
/// only then is the shim's `Mutex` not std's own (clippy sees through
/// re-exports).
pub fn uses_std_sync(ws: &Workspace, ex: &Exercise) -> Result<Option<Verdict>> {
    // Plain text: the verdict searches the messages.
    let lint = std_sync_lint(ws, ex).env("CARGO_TERM_COLOR", "never");
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
