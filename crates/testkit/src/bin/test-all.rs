//! `cargo test-all`: the README's test command. It runs
//! `cargo test --workspace` (with any further arguments), passes its
//! output through, and ends with what the run skipped and why: tests that
//! need the model files or `../shared/` return early on a machine without
//! them (in CI they fail instead), and a plain `cargo test` would not say so.
//! It exits with cargo's status.

use std::collections::BTreeMap;
use std::io::{BufRead as _, Write as _};
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    let log = std::env::temp_dir().join(format!("casefile-skipped-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = match Command::new(cargo)
        .args(["test", "--workspace"])
        .args(std::env::args_os().skip(1))
        .env(casefile_testkit::SKIP_LOG, &log)
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            eprintln!("test-all: cannot run cargo test: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (mut passed, mut failed) = (0u64, 0u64);
    if let Some(stdout) = child.stdout.take() {
        let out = std::io::stdout();
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = writeln!(out.lock(), "{line}");
            if let Some(result) = line.strip_prefix("test result: ") {
                let (p, f) = counts(result);
                passed += p;
                failed += f;
            }
        }
    }
    let status = match child.wait() {
        Ok(status) => status,
        Err(error) => {
            eprintln!("test-all: cargo test did not finish: {error}");
            return ExitCode::FAILURE;
        }
    };
    let skipped = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    // Distinct tests by reason; a test that skips twice counts once.
    let mut by_reason: BTreeMap<&str, std::collections::BTreeSet<String>> = BTreeMap::new();
    for line in skipped.lines() {
        let mut fields = line.splitn(3, '\t');
        let (Some(binary), Some(test), Some(reason)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        by_reason
            .entry(reason)
            .or_default()
            .insert(format!("{binary}::{test}"));
    }
    let skipped_tests: std::collections::BTreeSet<&String> = by_reason.values().flatten().collect();
    println!();
    if skipped_tests.is_empty() {
        println!("nothing was skipped");
    } else {
        println!(
            "{} tests skipped their checks (they count as passed above):",
            skipped_tests.len()
        );
        for (reason, tests) in &by_reason {
            println!("  {reason}");
            for test in tests {
                println!("    {test}");
            }
        }
    }
    let skipped_count = skipped_tests.len() as u64;
    println!(
        "tests: {} passed, {failed} failed, {skipped_count} skipped",
        passed.saturating_sub(skipped_count)
    );
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::FAILURE,
    }
}

/// The passed and failed counts of a libtest summary
/// (`ok. 12 passed; 0 failed; 0 ignored; ...`).
fn counts(result: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    let words: Vec<&str> = result.split_whitespace().collect();
    for pair in words.windows(2) {
        let number = pair[0].parse::<u64>().ok();
        match (number, pair[1].trim_end_matches([';', ','])) {
            (Some(n), "passed") => passed = n,
            (Some(n), "failed") => failed = n,
            _ => {}
        }
    }
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::counts;

    #[test]
    fn libtest_summaries_are_counted() {
        assert_eq!(
            counts(
                "ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.53s"
            ),
            (12, 0)
        );
        assert_eq!(
            counts("FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out"),
            (3, 2)
        );
        assert_eq!(counts("garbage"), (0, 0));
    }
}
