//! What the command benchmarks share: the real binary run on a case with
//! a member's identity in a home folder, sizes from the environment, and
//! medians.

#![allow(
    dead_code,
    reason = "each benchmark uses a different part of these helpers"
)]

use std::path::Path;
use std::process::Command;

/// The passphrase of the benchmark's identity.
pub const PASSPHRASE: &str = "bench passphrase";

/// A size from the environment, else `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `casefile` in `root`, unlocking with the identity in `home` (made by
/// the first `init`) at casefile's default work factor.
pub fn casefile(root: &Path, home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_casefile"));
    command
        .current_dir(root)
        .env_remove("CASEFILE_CASE")
        .env_remove("CASEFILE_PASSPHRASE_FD")
        .env_remove("CASEFILE_WORK_FACTOR")
        .env("CASEFILE_IDENTITY", home.join("identity.age"))
        .env("CASEFILE_PASSPHRASE", PASSPHRASE)
        .env("CASEFILE_USER", "bench")
        .stdin(std::process::Stdio::null());
    command
}

/// Runs `command`, stopping the benchmark with what it said unless it
/// succeeds.
pub fn ok(command: &mut Command) -> std::process::Output {
    let output = command.output().expect("the command runs");
    assert!(
        output.status.success(),
        "{command:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The median of `values` (sorted in place).
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
