//! The hostile-input corpus (`tests/hostile/`, made by
//! `scripts/hostile-corpus.py`): empty and binary files, broken UTF-8,
//! 100,000-deep nesting, an element with 300,000 attributes, a gzip bomb,
//! cut and wrongly typed Telegram exports, WARC records whose lengths lie,
//! and control and bidi characters in names and titles. Every command that
//! reads is run over each file: each gives a clear message naming the file
//! and the place, never a panic or a hang, with bounded memory, and nothing
//! a file holds reaches the terminal raw. What `read` and `extract` say of
//! each file is kept in `tests/hostile-expected.txt` (`UPDATE_EXPECT=1`
//! writes it anew).

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// No command may take longer than this on any file of the corpus; one
/// that does is taken for a hang.
const HANG: Duration = Duration::from_secs(120);

/// A generous bound on any one command's peak memory: the readers' own
/// limits keep them far below it (BENCHMARKS.md has the figures), and a
/// gzip bomb or a lying length that were followed would pass it.
const MEMORY_BOUND_MIB: u64 = 512;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

fn corpus_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 13, "the corpus is incomplete: {names:?}");
    names
}

/// Runs casefile with `args` in `dir`, failing the test on a hang; returns
/// its output and its peak resident memory in MiB.
#[allow(
    unsafe_code,
    reason = "wait4 is the only way to read one child's peak memory, and kill to end a hang"
)]
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its peak memory"
)]
fn run_bounded(args: &[&str], dir: &Path) -> (Output, u64) {
    let mut child = common::casefile()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            pipe.read_to_end(&mut bytes).unwrap();
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let started = Instant::now();
    let (status, peak_kib) = loop {
        let mut status = 0;
        // SAFETY: plain system call on our own child; `usage` is written
        // by the kernel.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let waited = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(waited >= 0, "wait4 failed");
        if waited == pid {
            break (status, u64::try_from(usage.ru_maxrss).unwrap_or(0));
        }
        if started.elapsed() > HANG {
            // SAFETY: signalling our own child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("casefile {args:?} hung for {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    use std::os::unix::process::ExitStatusExt as _;
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    (output, peak_kib / 1024)
}

/// The characters that must never reach a terminal raw.
fn raw_unsafe(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\t' && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// Checks one command's output: it ended by itself with a meaningful exit
/// code (no panic, no signal), its text holds nothing raw, and it stayed
/// in bounds. Returns the exit code.
fn check(what: &str, output: &Output, peak_mib: u64, allowed: &[i32]) -> i32 {
    let code = output.status.code().unwrap_or_else(|| {
        panic!(
            "{what} was killed by a signal: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        allowed.contains(&code),
        "{what} exited {code}, expected one of {allowed:?}:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what} panicked:\n{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    for (name, text) in [("stdout", &stdout), ("stderr", &stderr)] {
        if let Some(c) = raw_unsafe(text) {
            panic!(
                "{what} printed U+{:04X} raw on {name}:\n{text}",
                u32::from(c)
            );
        }
    }
    assert!(
        peak_mib < MEMORY_BOUND_MIB,
        "{what} peaked at {peak_mib} MiB"
    );
    code
}

/// What `read` and `extract` said on standard error, less the one line
/// about missing models (which depends on the machine).
fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| !line.contains("casefile models install"))
        .map(|line| format!("  {line}\n"))
        .collect()
}

#[test]
fn every_reader_survives_the_hostile_corpus() {
    let mut report = String::new();
    let mut peaks = Vec::new();
    for name in corpus_files() {
        report.push_str(&format!("== {name}\n"));
        for command in ["read", "extract"] {
            let (output, peak) = run_bounded(&[command, &name], &corpus());
            let code = check(&format!("{command} {name}"), &output, peak, &[0, 1, 4]);
            let stderr = said(&output);
            assert!(
                stderr.lines().all(|line| line.contains(&name)),
                "{command} {name}: every message names the file:\n{stderr}"
            );
            report.push_str(&format!("{command}: exit {code}\n{stderr}"));
            peaks.push(format!("{command} {name}: {peak} MiB"));
        }
    }
    // The peaks, for BENCHMARKS.md (shown with --nocapture).
    println!("{}", peaks.join("\n"));
    expect_test::expect_file!["hostile-expected.txt"].assert_eq(&report);
}

#[test]
fn a_case_takes_the_hostile_corpus_whole_and_shows_it_safely() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(common::code(&common::run(&["init"], root)), 0);
    let corpus = corpus();
    let corpus = corpus.to_str().unwrap();
    let (added, peak) = run_bounded(&["add", corpus, "--kind", "news"], root);
    check("add", &added, peak, &[0]);
    let (again, _) = run_bounded(&["add", corpus, "--kind", "news", "--json"], root);
    check("add again", &again, 0, &[0]);
    let stored = common::json(&again);
    let files = corpus_files().len();
    assert_eq!(stored["added"].as_array().unwrap().len(), files);

    // Every command that shows what the sources hold, in text.
    let mut shown = String::new();
    for args in [
        vec!["documents"],
        vec!["entity", "list"],
        vec!["record", "list"],
        vec!["report"],
        vec!["timeline"],
        vec!["search", "Олег"],
        vec!["search", "Recruiter"],
        vec!["search", "amnesty", "--records"],
        vec!["record", "duplicates"],
        vec!["log", "proof", "2"],
        vec!["verify"],
    ] {
        let (output, peak) = run_bounded(&args, root);
        check(&args.join(" "), &output, peak, &[0]);
        shown.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    // Each entity and record, one by one.
    let (entities, _) = run_bounded(&["entity", "list", "--json"], root);
    let (records, _) = run_bounded(&["record", "list", "--json"], root);
    let ids = |output: &Output| -> Vec<String> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .map(|value| {
                let id = &value["id"];
                id.as_str().map_or_else(|| format!("E{id}"), str::to_owned)
            })
            .collect()
    };
    let entity_ids = ids(&entities);
    assert!(!entity_ids.is_empty());
    for id in &entity_ids {
        let (output, peak) = run_bounded(&["entity", "show", id], root);
        check(&format!("entity show {id}"), &output, peak, &[0]);
        shown.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    for id in ids(&records).iter().take(40) {
        let (output, peak) = run_bounded(&["record", "show", id], root);
        check(&format!("record show {id}"), &output, peak, &[0]);
        shown.push_str(&String::from_utf8_lossy(&output.stdout));
    }
    // What was hidden is shown, escaped and flagged.
    for visible in [
        "\\u{1b}[31m",
        "\\u{7}",
        "⟨U+202E⟩",
        "[escaped: bidi characters]",
    ] {
        assert!(shown.contains(visible), "{visible} is not shown:\n{shown}");
    }
    // The stored document keeps the characters as they were: spans and
    // hashes stay exact.
    let (documents, _) = run_bounded(&["documents", "--json"], root);
    let text = String::from_utf8_lossy(&documents.stdout);
    assert!(text.contains("\\u001b[31m") && text.contains('\u{202e}'));
}

#[test]
fn a_file_named_with_control_characters_is_named_safely() {
    let temp = tempfile::tempdir().unwrap();
    let name = "report\u{1b}]0;owned\u{7}\u{202e}txt.html";
    std::fs::write(temp.path().join(name), b"").unwrap();
    let (output, peak) = run_bounded(&["read", name], temp.path());
    assert_eq!(check("read", &output, peak, &[1]), 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("report\\u{1b}]0;owned\\u{7}⟨U+202E⟩txt.html: empty file"),
        "{stderr}"
    );
}
