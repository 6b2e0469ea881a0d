//! Crash safety: `casefile add` killed with SIGKILL at random moments, and
//! two adds running at once.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::io::Read as _;
use std::path::Path;
use std::time::{Duration, Instant};

use casefile_derived::Store;
use casefile_vault::{Case, SystemClock};
use common::{FOUNDING, casefile, code, json, run, verify_json};

/// A small deterministic generator, so a failing run can be repeated.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn write_batch(dir: &Path, round: usize, files: usize, big: bool) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..files {
        std::fs::write(
            dir.join(format!("r{round}-{i}.txt")),
            format!("round {round} file {i}\n"),
        )
        .unwrap();
    }
    if big {
        let bytes: Vec<u8> = (0..3_000_000u32)
            .map(|i| (i.wrapping_mul(round as u32 + 7) >> 3) as u8)
            .collect();
        std::fs::write(dir.join(format!("r{round}-big.bin")), bytes).unwrap();
    }
}

#[test]
fn killed_adds_never_corrupt_the_case() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut acknowledged: Vec<String> = Vec::new();
    let mut kills = 0;
    let mut round = 0;
    let started = Instant::now();
    while kills < 60 {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "only {kills} kills landed"
        );
        round += 1;
        let inbox = root.join(format!("inbox-{round}"));
        write_batch(
            &inbox,
            round,
            20 + (random.next() % 60) as usize,
            round % 2 == 0,
        );
        let mut child = casefile()
            .args(["add", "--json", "--kind", "post"])
            .arg(&inbox)
            .current_dir(root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(2_000 + random.next() % 30_000));
        let killed = matches!(child.try_wait(), Ok(None));
        if killed {
            // SIGKILL: no destructor, no flush, no cleanup.
            child.kill().unwrap();
            kills += 1;
        }
        let status = child.wait().unwrap();
        let mut stdout = Vec::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_end(&mut stdout)
            .unwrap();
        if status.success() {
            let report: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
            for added in report["added"].as_array().unwrap() {
                acknowledged.push(added["sha256"].as_str().unwrap().to_owned());
            }
        }
        // After every kill the case reopens (recovering) and verifies, and
        // every acknowledged source is there.
        let case = Case::open(root, Box::new(SystemClock)).unwrap();
        let report = case.verify(&mut |_, _, _| {}).unwrap();
        assert!(
            report.ok,
            "round {round} (killed: {killed}): {:?}",
            report.problems
        );
        for sha256 in &acknowledged {
            assert!(
                case.resolve(sha256).is_ok(),
                "round {round}: acknowledged source {sha256} is missing"
            );
        }
        // The derived store opens, and every source it counts as read has
        // all its documents: a reading and its documents commit together.
        let store = Store::open(case.data_dir()).unwrap();
        let (size, _) = case.latest_checkpoint().unwrap();
        for index in 0..size {
            if let Some(reading) = store.reading(index).unwrap() {
                let stored = store.unseal_documents(index, |_| {}).unwrap();
                assert_eq!(stored, reading.documents, "round {round}: source {index}");
            }
        }
        drop((case, store));
        if round % 10 == 0 {
            // The command too, now and then.
            let (verify_code, report) = verify_json(root);
            assert_eq!(verify_code, 0, "round {round}: {report}");
        }
    }
    // A final add recovers whatever an interrupted add left, and all holds;
    // no temporary file of a killed add remains.
    write_batch(&root.join("last"), 0, 3, false);
    assert_eq!(code(&run(&["add", "last"], root)), 0);
    let leftovers: Vec<_> = std::fs::read_dir(root.join(".casefile/blobs/tmp"))
        .unwrap()
        .chain(std::fs::read_dir(root.join(".casefile/log/checkpoints")).unwrap())
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".part") || name.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    let (verify_code, report) = verify_json(root);
    assert_eq!(verify_code, 0, "{report}");
    assert!(report["notes"].as_array().unwrap().is_empty(), "{report}");
    assert!(report["tree_size"].as_u64().unwrap() >= acknowledged.len() as u64);
    // The last add read whatever the killed ones left unread.
    let store = Store::open(&root.join(".casefile")).unwrap();
    let size = report["tree_size"].as_u64().unwrap();
    assert_eq!(store.unread(size).unwrap(), Vec::<u64>::new());
    assert_eq!(store.totals().unwrap().sources, size);
}

#[test]
fn killed_rebuilds_are_finished_by_the_next_run() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    write_batch(&root.join("in"), 1, 1500, false);
    assert_eq!(code(&run(&["add", "in", "--kind", "testimony"], root)), 0);
    let before = run(&["documents", "--json"], root);
    assert_eq!(code(&before), 0);
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let mut kills = 0;
    while kills < 8 {
        let mut child = casefile()
            .args(["rebuild"])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(5_000 + random.next() % 200_000));
        if matches!(child.try_wait(), Ok(None)) {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        // Whatever a killed rebuild left opens and is consistent. The
        // store is opened here without the case's key: a sealed row (these
        // are testimonies) is locked to it, and is checked whole by the
        // unlocked `documents` below.
        let store = Store::open(&root.join(".casefile")).unwrap();
        for index in 0..1500 {
            match store.reading(index) {
                Ok(Some(reading)) => assert_eq!(
                    store.unseal_documents(index, |_| {}).unwrap(),
                    reading.documents
                ),
                Ok(None) | Err(casefile_derived::DerivedError::LockedSource { .. }) => {}
                Err(other) => panic!("source {index} does not open: {other}"),
            }
        }
    }
    // An add with nothing new reads what the killed rebuild did not.
    write_batch(&root.join("more"), 2, 1, false);
    assert_eq!(code(&run(&["add", "more", "--kind", "testimony"], root)), 0);
    let after = run(&["documents", "--json"], root);
    let lines = |output: &std::process::Output| {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (before, after) = (lines(&before), lines(&after));
    assert_eq!(after.len(), 1501);
    assert_eq!(before[..], after[..1500]);
}

#[test]
fn two_processes_adding_at_once() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    write_batch(&root.join("a"), 1, 300, false);
    write_batch(&root.join("b"), 2, 300, false);
    let spawn = |dir: &str| {
        casefile()
            .args(["add", "--json", dir])
            .current_dir(root)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn("a");
    let second = spawn("b");
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    assert!(first.status.success() && second.status.success());
    let mut indexes: Vec<u64> = [json(&first), json(&second)]
        .iter()
        .flat_map(|report| report["added"].as_array().unwrap().clone())
        .map(|added| added["log_index"].as_u64().unwrap())
        .collect();
    indexes.sort_unstable();
    assert_eq!(indexes, (FOUNDING..FOUNDING + 600).collect::<Vec<u64>>());
    let (verify_code, report) = verify_json(root);
    assert_eq!(verify_code, 0, "{report}");
    assert_eq!(report["entries_checked"], FOUNDING + 600);
    // Both read into the derived store at once; every source is read once.
    let store = Store::open(&root.join(".casefile")).unwrap();
    assert_eq!(store.totals().unwrap().sources, FOUNDING + 600);
    assert_eq!(store.totals().unwrap().documents, 600);
}

#[test]
fn killed_rebuilds_leave_entities_whole_or_absent() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    let dir = root.join("news");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..400 {
        std::fs::write(
            dir.join(format!("{i:03}.txt")),
            format!(
                "Alexei Dikiy met Ivan Petrov{} in Donetsk on day {i}.\n\nDikiy said nothing.\n",
                i % 25
            ),
        )
        .unwrap();
    }
    assert_eq!(code(&run(&["add", "news", "--kind", "news"], root)), 0);
    let whole = run(&["entity", "list", "--json"], root).stdout;
    assert!(!whole.is_empty());
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut kills = 0;
    while kills < 6 {
        let mut child = casefile()
            .args(["rebuild"])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(20_000 + random.next() % 600_000));
        if matches!(child.try_wait(), Ok(None)) {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        // Entities marked resolved are the whole set; otherwise none or an
        // older whole set is there, and the next run resolves again.
        let store = Store::open(&root.join(".casefile")).unwrap();
        if store.entities_through().unwrap() == Some(400) {
            assert_eq!(run(&["entity", "list", "--json"], root).stdout, whole);
        }
    }
    std::fs::write(root.join("late.txt"), "Nothing to name here.\n").unwrap();
    assert_eq!(code(&run(&["add", "late.txt", "--kind", "news"], root)), 0);
    assert_eq!(run(&["entity", "list", "--json"], root).stdout, whole);
}

#[test]
fn killed_record_actions_are_logged_whole_and_applied_or_absent() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path();
    assert_eq!(code(&run(&["init"], root)), 0);
    let dir = root.join("news");
    std::fs::create_dir_all(&dir).unwrap();
    let sources = 60;
    for i in 0..sources {
        std::fs::write(
            dir.join(format!("{i:03}.txt")),
            format!("Recruits were beaten by instructors in Donetsk on day {i}.\n"),
        )
        .unwrap();
    }
    assert_eq!(code(&run(&["add", "news", "--kind", "news"], root)), 0);
    let violations: Vec<String> = common::json_lines(&run(
        &["record", "list", "--kind", "violation", "--json"],
        root,
    ))
    .iter()
    .map(|r| r["id"].as_str().unwrap().to_owned())
    .collect();
    assert_eq!(violations.len(), sources);
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    let mut kills = 0;
    for id in violations.iter().take(12) {
        let mut child = casefile()
            .args(["record", "confirm", id, "--by", "ana"])
            .current_dir(root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(random.next() % 150_000));
        if matches!(child.try_wait(), Ok(None)) {
            child.kill().unwrap();
            kills += 1;
        }
        child.wait().unwrap();
        // The case verifies, and every confirmation in the log, and only
        // those, shows once the records are brought up to the log.
        let (verified, report) = verify_json(root);
        assert_eq!(verified, 0, "{report}");
        let logged = report["tree_size"].as_u64().unwrap() - sources as u64 - FOUNDING;
        let listed = run(&["record", "list", "--status", "confirmed", "--json"], root);
        assert_eq!(
            code(&listed),
            0,
            "record list after confirming {id}: {}{}",
            String::from_utf8_lossy(&listed.stdout),
            String::from_utf8_lossy(&listed.stderr)
        );
        let confirmed = common::json_lines(&listed);
        assert_eq!(confirmed.len() as u64, logged, "after confirming {id}");
    }
    assert!(kills > 0, "no run was killed: the test proved nothing");
}
