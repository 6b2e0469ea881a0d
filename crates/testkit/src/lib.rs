//! Helpers for casefile's tests.
//!
//! Reference data sets live outside the repository, in `../shared/data/`
//! beside the checkout, and are used by path. In CI (`CI` set in the
//! environment) a missing data set fails the test loudly; in a user's plain
//! `cargo test` it is skipped with a printed reason.

#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The folder `../shared/` beside the repository, or the one named by
/// `CASEFILE_SHARED`.
pub fn shared_root() -> PathBuf {
    match std::env::var_os("CASEFILE_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => repo_root().join("..").join("shared"),
    }
}

/// Whether the tests run in CI, where missing reference data is an error.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false")
}

/// The path of `relative` under `../shared/`, if it exists.
///
/// # Panics
///
/// In CI, when the path does not exist: the test must not pass silently.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = shared_root().join(relative);
    if path.exists() {
        return Some(path);
    }
    if in_ci() {
        panic!(
            "reference data {} is missing; CI runs with ../shared/ beside the checkout",
            path.display()
        );
    }
    eprintln!(
        "skipped: reference data {} is not here (set CASEFILE_SHARED or check out ../shared/)",
        path.display()
    );
    None
}
