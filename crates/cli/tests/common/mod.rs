//! Helpers for the command-line tests: run the real binary on a case in a
//! temporary folder.

#![allow(
    dead_code,
    reason = "each test file uses a different part of these helpers"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The log entries `init` writes before any source: the first member, the
/// recovery key and the case key of epoch 0.
pub const FOUNDING: u64 = 3;

/// The passphrase of the tests' member identity.
pub const PASSPHRASE: &str = "test passphrase, not a secret";

/// The identities the tests use, made once per test binary: the member
/// every test case is made by (protected by [`PASSPHRASE`]) and the
/// recovery key (plain).
pub struct TestKeys {
    _dir: tempfile::TempDir,
    /// The member's identity file.
    pub member: PathBuf,
    /// The recovery identity file.
    pub recovery: PathBuf,
    /// The recovery key's public key.
    pub recovery_recipient: String,
}

pub fn test_keys() -> &'static TestKeys {
    static KEYS: std::sync::OnceLock<TestKeys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let member = dir.path().join("member.age");
        let recovery = dir.path().join("recovery.age");
        let bare = || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_casefile"));
            command
                .env_remove("CASEFILE_CASE")
                .env_remove("CASEFILE_PASSPHRASE_FD")
                .env("CASEFILE_WORK_FACTOR", "4")
                .env("CASEFILE_PASSPHRASE", PASSPHRASE);
            command
        };
        let mut recovery_recipient = String::new();
        for (path, plain) in [(&member, false), (&recovery, true)] {
            let mut command = bare();
            command.args(["identity", "new", "--identity"]).arg(path);
            if plain {
                command.arg("--plain");
            }
            let made = command.output().unwrap();
            assert!(
                made.status.success(),
                "{}",
                String::from_utf8_lossy(&made.stderr)
            );
            if plain {
                recovery_recipient = String::from_utf8(made.stdout).unwrap().trim().to_owned();
            }
        }
        TestKeys {
            _dir: dir,
            member,
            recovery,
            recovery_recipient,
        }
    })
}

/// The binary, as the tests' member: their identity and its passphrase
/// given through the environment, cases made with the tests' recovery key.
pub fn casefile() -> Command {
    let keys = test_keys();
    let mut command = Command::new(env!("CARGO_BIN_EXE_casefile"));
    command
        .env_remove("CASEFILE_CASE")
        .env_remove("CASEFILE_PASSPHRASE_FD")
        .env("CASEFILE_USER", "tester")
        .env("CASEFILE_IDENTITY", &keys.member)
        .env("CASEFILE_PASSPHRASE", PASSPHRASE)
        .env("CASEFILE_WORK_FACTOR", "4")
        .env("CASEFILE_RECOVERY_RECIPIENT", &keys.recovery_recipient);
    command
}

pub fn run(args: &[&str], dir: &Path) -> Output {
    casefile()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the casefile binary runs")
}

/// Runs `casefile ARGS` in `dir` and fails the test, with what it said,
/// unless it succeeds.
pub fn ok(args: &[&str], dir: &Path) -> Output {
    let output = run(args, dir);
    assert_eq!(
        code(&output),
        0,
        "{args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

/// A new case in a temporary folder, with a few files added in three adds.
pub fn sample_case() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().to_path_buf();
    assert_eq!(code(&run(&["init", "--origin", "casefile/test"], &root)), 0);
    let inbox = root.join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    for (i, text) in [
        "first testimony\n",
        "second page\n",
        "third post\n",
        "fourth\n",
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(inbox.join(format!("f{i}.txt")), text).unwrap();
    }
    for names in [
        vec!["inbox/f0.txt"],
        vec!["inbox/f1.txt", "inbox/f2.txt"],
        vec!["inbox/f3.txt"],
    ] {
        let mut args = vec!["add", "--kind", "testimony"];
        args.extend(names);
        let output = run(&args, &root);
        assert_eq!(
            code(&output),
            0,
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    (temp, root)
}

pub fn verify_json(root: &Path) -> (i32, serde_json::Value) {
    let output = run(&["verify", "--json"], root);
    (code(&output), json(&output))
}

/// Each line of a command's standard output, read as JSON.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The seed report in `../shared/seed`, if it is there (in CI it must be).
pub fn seed_report() -> Option<PathBuf> {
    let seed = casefile_testkit::shared_path("seed")?;
    std::fs::read_dir(&seed)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
}
pub mod web;
