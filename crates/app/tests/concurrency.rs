//! Many readers and one writer at once: one thread adds 5,000 small files
//! while eight threads, and two other processes, query the same case in a
//! loop. No query may fail or wait for the writer's lock, every answer must
//! come from one state of the case that never goes back, and `verify` must
//! pass at the end.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use casefile_app::types::{SearchQuery, SourceKind, What};
use casefile_app::{AddRequest, Case, Quiet, Snapshot};

const FILES: usize = 5_000;
const PER_ADD: usize = 500;
const READERS: usize = 8;

/// Set in the environment of the helper processes: the case to read.
const CASE_VAR: &str = "CASEFILE_CONCURRENCY_CASE";
/// Set beside it: the file whose existence tells the helpers to stop.
const STOP_VAR: &str = "CASEFILE_CONCURRENCY_STOP";

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.to_owned(),
        cross_script: true,
        source_kind: None,
        language: None,
        entity: None,
        claim: None,
        status: None,
        from: None,
        until: None,
        what: What::Both,
        limit: 5,
    }
}

/// What one reader saw of the case; it never goes back.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    resolved_through: u64,
    sources: u64,
}

/// One round of the queries a front end makes, on one snapshot. Returns
/// what the snapshot holds; panics (naming the query) when one fails or
/// the snapshot contradicts itself.
fn round(case: &Case) -> Seen {
    let snapshot: Snapshot = case.snapshot().expect("taking a snapshot");
    let through = snapshot.resolved_through().expect("resolved through");
    let totals = snapshot.totals().expect("totals");
    let (size, _) = case.latest_checkpoint().expect("the checkpoint");
    let through = through.unwrap_or(0);
    assert!(
        through <= size,
        "resolved through {through}, the log has {size}"
    );
    snapshot.search(&query("prisoners")).expect("search");
    let report = snapshot
        .report(jiff::civil::date(2025, 1, 1), false)
        .expect("report");
    assert!(report.protected_left_out == 0);
    let entities = snapshot.entity_list(None).expect("entity list");
    if let Some(first) = entities.first() {
        snapshot.entity(&first.id).expect("entity show");
    }
    snapshot.record_list(None, None).expect("record list");
    // Within one snapshot, the records and entities are those of one
    // resolution: asking again gives the same.
    assert_eq!(snapshot.entity_list(None).expect("entity list"), entities);
    Seen {
        resolved_through: through,
        sources: totals.sources,
    }
}

/// Queries in a loop until `stop`; returns how many rounds ran.
fn read_until(case: &Case, stop: &dyn Fn() -> bool) -> u64 {
    let mut last = Seen::default();
    let mut rounds = 0;
    loop {
        let done = stop();
        let seen = round(case);
        assert!(
            seen.resolved_through >= last.resolved_through && seen.sources >= last.sources,
            "went back from {last:?} to {seen:?}"
        );
        last = seen;
        rounds += 1;
        if done {
            return rounds;
        }
    }
}

/// Not a test of its own: the body of the two helper processes the test
/// below starts. Run directly, it has nothing to do.
#[test]
fn helper_process_reads_until_told_to_stop() {
    let (Ok(folder), Ok(stop)) = (std::env::var(CASE_VAR), std::env::var(STOP_VAR)) else {
        return;
    };
    // One helper opens the case read-only, the other as a second writer's
    // handle: both open while the first process holds it open and writes.
    let case = if std::env::var("CASEFILE_CONCURRENCY_WRITER").is_ok() {
        Case::open(Path::new(&folder)).expect("opening the case as a second handle")
    } else {
        Case::open_read_only(Path::new(&folder)).expect("opening the case read-only")
    };
    let stop = PathBuf::from(stop);
    let rounds = read_until(&case, &|| stop.exists());
    assert!(rounds > 0);
}

fn write_files(folder: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(folder).unwrap();
    (0..FILES)
        .map(|n| {
            let path = folder.join(format!("note-{n:05}.txt"));
            let day = n % 28 + 1;
            std::fs::write(
                &path,
                format!(
                    "On {day} March 2024 the unit recruited {} prisoners in Rostov, note {n}.\n",
                    n % 400 + 10
                ),
            )
            .unwrap();
            path
        })
        .collect()
}

#[test]
fn readers_in_threads_and_processes_never_fail_while_one_writer_adds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("case");
    std::fs::create_dir_all(&root).unwrap();
    let case = common::test_case(&root, "casefile/concurrency");
    let files = write_files(&dir.path().join("inbox"));
    let stop_file = dir.path().join("stop");
    let exe = std::env::current_exe().unwrap();
    let helpers: Vec<std::process::Child> = [false, true]
        .into_iter()
        .map(|writer| {
            let mut command = std::process::Command::new(&exe);
            command
                .args([
                    "--exact",
                    "helper_process_reads_until_told_to_stop",
                    "--nocapture",
                ])
                .env(CASE_VAR, &root)
                .env(STOP_VAR, &stop_file);
            if writer {
                command.env("CASEFILE_CONCURRENCY_WRITER", "1");
            }
            command.spawn().unwrap()
        })
        .collect();
    let writing = AtomicBool::new(true);
    let rounds = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..READERS {
            let (case, writing, rounds) = (case.clone(), &writing, &rounds);
            scope.spawn(move || {
                let done = read_until(&case, &|| !writing.load(Ordering::SeqCst));
                rounds.fetch_add(done, Ordering::SeqCst);
            });
        }
        let request = AddRequest {
            kind: SourceKind::News,
            url: None,
            acquired_at: Some("2024-04-01".to_owned()),
            note: None,
            by: "writer".to_owned(),
        };
        for chunk in files.chunks(PER_ADD) {
            let outcome = case.add_files(chunk.to_vec(), &request, &Quiet).unwrap();
            assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
            assert_eq!(outcome.added.len(), chunk.len());
        }
        writing.store(false, Ordering::SeqCst);
    });
    std::fs::write(&stop_file, b"stop").unwrap();
    for mut helper in helpers {
        let status = wait(&mut helper, Duration::from_secs(600));
        assert!(status.success(), "a helper process failed: {status}");
    }
    assert!(rounds.load(Ordering::SeqCst) >= READERS as u64);
    let (size, _) = case.latest_checkpoint().unwrap();
    // Two entries found the case: its member and its case key.
    assert_eq!(size, FILES as u64 + 2);
    let snapshot = case.snapshot().unwrap();
    assert_eq!(snapshot.resolved_through().unwrap(), Some(size));
    assert_eq!(snapshot.totals().unwrap().sources, FILES as u64 + 2);
    let report = case.verify(&mut |_, _, _| {}).unwrap();
    assert!(report.ok, "{report:?}");
}

fn wait(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("a helper process did not stop within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
