//! Vault benchmarks: `cargo bench -p casefile-vault`. Not a test: it prints
//! figures for BENCHMARKS.md. Set `CASEFILE_BENCH_LEAVES` for a smaller log.
//!
//! 1. log appends per second, durably, in batches of 10,000 (through
//!    `Case::commit`, so entry encoding, stored hashes, fsync and the signed
//!    checkpoint are all counted), then the catalogue's catch-up;
//! 2. `verify` of the resulting log (default 1,000,000 leaves);
//! 3. inclusion proof generation in that log;
//! 4. adding many small files end to end (read, hash, store, log, sign);
//! 5. adding one 2 GiB file: time and the process's peak memory (measured
//!    first, before anything else has grown the heap).

#![allow(clippy::unwrap_used, reason = "a benchmark aborts on any failure")]

use std::path::Path;
use std::time::Instant;

use casefile_vault::{AddOptions, Case, SourceKind, SystemClock};

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn options() -> AddOptions {
    AddOptions {
        kind: SourceKind::Post,
        url: Some("https://example.org/channel/123".into()),
        acquired_at: Some("2024-05-01".into()),
        note: None,
        by: "bench".into(),
        sealed: None,
    }
}

fn build_log(root: &Path, leaves: u64, batch: u64) -> Vec<f64> {
    let case = Case::init(root, Some("casefile/bench"), Box::new(SystemClock)).unwrap();
    let sample = root.join("sample.txt");
    std::fs::write(&sample, "a post\n").unwrap();
    let mut rates = Vec::new();
    let mut done = 0;
    while done < leaves {
        let n = batch.min(leaves - done);
        // Identical bytes: the blob is stored once and every batch measures
        // the log, not the file system.
        let items: Vec<_> = (0..n)
            .map(|_| (case.prepare(&sample).unwrap(), options()))
            .collect();
        let started = Instant::now();
        case.commit(items).unwrap();
        rates.push(n as f64 / started.elapsed().as_secs_f64());
        done += n;
    }
    rates
}

/// The process's peak resident memory so far, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn large_file(dir: &Path) {
    let root = dir.join("large");
    let case = Case::init(&root, None, Box::new(SystemClock)).unwrap();
    let path = dir.join("large.bin");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(2 << 30).unwrap();
    drop(file);
    let before = peak_rss_mib();
    let started = Instant::now();
    let blob = case.prepare(&path).unwrap();
    case.commit(vec![(blob, options())]).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "large: one 2 GiB file added in {seconds:.2} s ({:.0} MiB/s); peak memory {:.1} MiB (was {before:.1} MiB before)",
        2048.0 / seconds,
        peak_rss_mib()
    );
    std::fs::remove_file(path).unwrap();
    std::fs::remove_dir_all(root).unwrap();
}

fn main() {
    let leaves: u64 = std::env::var("CASEFILE_BENCH_LEAVES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let temp = tempfile::tempdir().unwrap();

    large_file(temp.path());

    let root = temp.path().join("log");
    let rates = build_log(&root, leaves, 10_000);
    println!(
        "append: {leaves} entries in batches of 10000: median {:.0} entries/s (min {:.0}, max {:.0})",
        median(rates.clone()),
        rates.iter().copied().fold(f64::INFINITY, f64::min),
        rates.iter().copied().fold(0.0, f64::max)
    );

    let case = Case::open_untouched(&root, Box::new(SystemClock)).unwrap();
    let started = Instant::now();
    case.update_catalogue().unwrap();
    println!(
        "catalogue: indexing {leaves} sources after the appends: {:.3} s",
        started.elapsed().as_secs_f64()
    );
    if std::env::var("CASEFILE_BENCH_ONLY").is_ok_and(|only| only == "append") {
        return;
    }
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let report = case.verify(&mut |_, _, _| {}).unwrap();
        times.push(started.elapsed().as_secs_f64());
        assert!(report.ok && report.entries_checked == leaves);
    }
    println!(
        "verify: {leaves} leaves: median {:.3} s over 3 runs",
        median(times)
    );

    let prover = case.prover().unwrap();
    let size = prover.tree_size();
    let mut per_proof = Vec::new();
    let mut index = 12_345u64;
    for _ in 0..5 {
        let started = Instant::now();
        for _ in 0..2_000 {
            index = (index * 6_364_136_223_846_793_005 + 1) % size;
            std::hint::black_box(prover.inclusion_path(index, size).unwrap());
        }
        per_proof.push(started.elapsed().as_secs_f64() / 2_000.0 * 1e6);
    }
    println!(
        "proof: inclusion path in a {size}-leaf log: median {:.1} µs",
        median(per_proof)
    );
    drop(prover);

    let files = 20_000;
    let mut add_rates = Vec::new();
    for run in 0..3 {
        let dir = temp.path().join(format!("small-{run}"));
        let inbox = dir.join("inbox");
        std::fs::create_dir_all(&inbox).unwrap();
        for i in 0..files {
            std::fs::write(
                inbox.join(format!("{i:06}.txt")),
                format!("small file {run} {i}\n"),
            )
            .unwrap();
        }
        let case = Case::init(&dir, None, Box::new(SystemClock)).unwrap();
        let started = Instant::now();
        let mut names: Vec<_> = std::fs::read_dir(&inbox)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        for chunk in names.chunks(2048) {
            let items: Vec<_> = chunk
                .iter()
                .map(|p| (case.prepare(p).unwrap(), options()))
                .collect();
            case.commit(items).unwrap();
        }
        add_rates.push(files as f64 / started.elapsed().as_secs_f64());
    }
    println!(
        "add: {files} small files end to end: median {:.0} files/s over 3 runs",
        median(add_rates)
    );
}
