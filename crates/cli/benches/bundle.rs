//! The court bundle of a large case, through the real command: a case of
//! 10,000 sources and 1 GB (9,990 short news texts and ten photos of
//! 100 MB of random bytes), then `casefile bundle --for court` (exhibits
//! copied and hashed, a proof per exhibit, the custody log, the report,
//! the zip), `casefile bundle verify` of the folder and of the zip, and
//! the bundle's own `verify.html` in headless Chromium (served from the
//! folder): time and peak memory of each, each a new process.
//!
//! Run: `cargo bench -p casefile --bench bundle` (sizes:
//! `CASEFILE_BENCH_SOURCES`, default 10,000; `CASEFILE_BENCH_MB`, default
//! 1,000, spread over ten photos; `CASEFILE_BENCH_ROUNDS`, default 3).

#![allow(clippy::unwrap_used, reason = "a benchmark stops at its first failure")]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{casefile, env_number, median, ok};

mod common;

/// A made-up news text, different for each `n`.
fn news(n: usize) -> String {
    let place = ["Горловке", "Макеевке", "Снежном", "Торезе"][n % 4];
    let month = ["марте", "апреле", "мае", "июне"][(n / 4) % 4];
    format!(
        "Сообщение № {n}. В {month} 2024 года в {place} вербовщики обещали осуждённым \
         помилование через шесть месяцев службы. Около {} человек отправили на фронт.\n",
        10 + n % 400
    )
}

/// Runs one command as a grandchild, through this benchmark started again
/// in `--peak` mode, so the peak memory read is the command's alone.
fn measured(root: &Path, home: &Path, args: &[&str]) -> (f64, f64) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.arg("--peak").arg(root).arg(home).args(args);
    let output = ok(&mut command);
    let text = String::from_utf8(output.stdout).unwrap();
    let mut parts = text.split_whitespace();
    let seconds: f64 = parts.next().unwrap().parse().unwrap();
    let peak: f64 = parts.next().unwrap().parse().unwrap();
    (seconds, peak / 1024.0)
}

/// `--peak-browser FOLDER`: serves the bundle in FOLDER and runs its
/// `verify.html` in headless Chromium until it gives its verdict.
fn browser_mode(folder: &Path) {
    let chromium = casefile_testkit::chromium().expect("chromium, for the browser verifier");
    let port = casefile_testkit::serve(casefile_testkit::folder_handler(folder.to_path_buf()));
    let started = Instant::now();
    let dom = casefile_testkit::browse(
        &chromium,
        &format!("http://127.0.0.1:{port}/verify.html"),
        &["--virtual-time-budget=3600000", "--dump-dom"],
    );
    let seconds = started.elapsed().as_secs_f64();
    assert!(
        dom.contains("data-ok=\"true\">VERIFIED"),
        "the page did not verify the bundle: {}",
        dom.lines().find(|l| l.contains("verdict")).unwrap_or("")
    );
    println!("{seconds} {}", casefile_testkit::children_peak_kib());
}

fn peak_mode(args: &[String]) {
    let (root, home) = (Path::new(&args[0]), Path::new(&args[1]));
    let started = Instant::now();
    ok(casefile(root, home).args(&args[2..]));
    println!(
        "{} {}",
        started.elapsed().as_secs_f64(),
        casefile_testkit::children_peak_kib()
    );
}

/// Writes `bytes` pseudo-random bytes (xorshift) to `path`.
fn random_file(path: &Path, bytes: usize, seed: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut state = seed | 1;
    let mut chunk = vec![0u8; 1 << 16];
    let mut left = bytes;
    while left > 0 {
        for word in chunk.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes()[..word.len()]);
        }
        let n = left.min(chunk.len());
        file.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    file.flush().unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--peak") {
        return peak_mode(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("--peak-browser") {
        return browser_mode(Path::new(&args[1]));
    }
    let sources = env_number("CASEFILE_BENCH_SOURCES", 10_000);
    let megabytes = env_number("CASEFILE_BENCH_MB", 1_000);
    let rounds = env_number("CASEFILE_BENCH_ROUNDS", 3);
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let texts = dir.join("texts");
    let photos = dir.join("photos");
    std::fs::create_dir_all(&texts).unwrap();
    std::fs::create_dir_all(&photos).unwrap();
    let big = 10.min(sources);
    for n in 0..sources - big {
        std::fs::write(texts.join(format!("news-{n:05}.txt")), news(n)).unwrap();
    }
    for n in 0..big {
        random_file(
            &photos.join(format!("photo-{n:02}.jpg")),
            megabytes * 1_000_000 / big,
            n as u64 + 7,
        );
    }
    let root: PathBuf = dir.join("case");
    std::fs::create_dir_all(&root).unwrap();
    ok(casefile(&root, &home).args(["init", "--no-recovery"]));
    let started = Instant::now();
    ok(casefile(&root, &home).args(["add", texts.to_str().unwrap(), "--kind", "news"]));
    ok(casefile(&root, &home).args(["add", photos.to_str().unwrap(), "--kind", "photo"]));
    println!(
        "a case of {sources} sources ({} news texts, {big} photos), {megabytes} MB, added in {:.1} s",
        sources - big,
        started.elapsed().as_secs_f64()
    );
    let (mut make, mut make_peak) = (Vec::new(), Vec::new());
    let (mut folder, mut folder_peak) = (Vec::new(), Vec::new());
    let (mut zip, mut zip_peak) = (Vec::new(), Vec::new());
    let (mut page, mut page_peak) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let out = dir.join(format!("bundle-{round}"));
        let (s, p) = measured(
            &root,
            &home,
            &[
                "bundle",
                "--for",
                "court",
                "--out",
                out.to_str().unwrap(),
                "--as-of",
                "2024-12-01",
            ],
        );
        make.push(s);
        make_peak.push(p);
        let (s, p) = measured(&root, &home, &["bundle", "verify", out.to_str().unwrap()]);
        folder.push(s);
        folder_peak.push(p);
        let zipped = dir.join(format!("bundle-{round}.zip"));
        let (s, p) = measured(
            &root,
            &home,
            &["bundle", "verify", zipped.to_str().unwrap()],
        );
        zip.push(s);
        zip_peak.push(p);
        let output = ok(Command::new(std::env::current_exe().unwrap())
            .arg("--peak-browser")
            .arg(&out));
        let text = String::from_utf8(output.stdout).unwrap();
        let mut parts = text.split_whitespace();
        page.push(parts.next().unwrap().parse::<f64>().unwrap());
        page_peak.push(parts.next().unwrap().parse::<f64>().unwrap() / 1024.0);
        println!(
            "round {round}: bundle {:.1} s ({:.0} MiB), verify folder {:.1} s ({:.0} MiB), verify zip {:.1} s ({:.0} MiB), verify.html in Chromium {:.1} s ({:.0} MiB, its largest process)",
            make[round],
            make_peak[round],
            folder[round],
            folder_peak[round],
            zip[round],
            zip_peak[round],
            page[round],
            page_peak[round]
        );
        std::fs::remove_dir_all(&out).unwrap();
        std::fs::remove_file(&zipped).unwrap();
    }
    println!(
        "median of {rounds}: bundle {:.1} s, peak {:.0} MiB; verify folder {:.1} s, peak {:.0} MiB; verify zip {:.1} s, peak {:.0} MiB",
        median(&mut make),
        median(&mut make_peak),
        median(&mut folder),
        median(&mut folder_peak),
        median(&mut zip),
        median(&mut zip_peak)
    );
    println!(
        "median of {rounds}: verify.html in headless Chromium {:.1} s, its largest process {:.0} MiB",
        median(&mut page),
        median(&mut page_peak)
    );
}
