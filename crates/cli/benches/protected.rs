//! Protected material against open material, through the real command:
//!
//! 1. `casefile add` of the same synthetic statements as `--kind news` (open)
//!    and as `--kind testimony` (each sealed to its own key, its name and
//!    note sealed, its documents, mentions and records sealed in the
//!    derived store), in alternating order over several rounds: files per
//!    second of each and the ratio.
//! 2. A case of 10,000 testimonies, then `casefile search` as a new
//!    process that unlocks the case (its identity file at casefile's
//!    default scrypt work factor) and searches, which builds the in-memory
//!    index of the protected sources: the time and peak memory of the
//!    first search, against the same search locked.
//!
//! Run: `cargo bench -p casefile --bench protected` (sizes:
//! `CASEFILE_BENCH_FILES`, default 2,000 per add; `CASEFILE_BENCH_SEARCH`,
//! default 10,000; `CASEFILE_BENCH_ROUNDS`, default 3).

#![allow(clippy::unwrap_used, reason = "a benchmark stops at its first failure")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::{casefile, env_number, median, ok};

mod common;

/// A made-up statement, different for each `n`.
fn statement(n: usize) -> String {
    const GIVEN: [&str; 8] = [
        "Алексей",
        "Игорь",
        "Пётр",
        "Сергей",
        "Олег",
        "Виктор",
        "Степан",
        "Роман",
    ];
    const FAMILY: [&str; 8] = [
        "Бортников",
        "Гаврилюк",
        "Дёмин",
        "Жаров",
        "Зуев",
        "Карпенко",
        "Лысенко",
        "Мороз",
    ];
    const PLACES: [&str; 6] = [
        "Горловка",
        "Макеевка",
        "Снежное",
        "Торез",
        "Енакиево",
        "Харцызск",
    ];
    let given = GIVEN[n % GIVEN.len()];
    let family = FAMILY[(n / 8) % FAMILY.len()];
    let place = PLACES[(n / 64) % PLACES.len()];
    let month = ["марте", "апреле", "мае", "июне"][n % 4];
    format!(
        "Заявление № {n}. Я, {given} {family}, житель города {place}. В {month} 2024 года \
         вербовщик отряда «Шторм» обещал нам помилование через шесть месяцев службы и выплату \
         200 000 рублей. Нас, около {} человек, отправили на передовую без подготовки. Тех, кто \
         отказывался, били и держали в подвале. Обещанного никто не получил.\n",
        20 + n % 300
    )
}

/// A new case in `dir/name` (the identity in `home` made on first use).
fn new_case(dir: &Path, home: &Path, name: &str) -> PathBuf {
    let root = dir.join(name);
    std::fs::create_dir_all(&root).unwrap();
    ok(casefile(&root, home).args(["init", "--no-recovery"]));
    root
}

/// Seconds to add the folder `inbox` to a new case as `kind`.
fn add_seconds(dir: &Path, home: &Path, inbox: &Path, kind: &str, round: usize) -> f64 {
    let root = new_case(dir, home, &format!("{kind}-{round}"));
    let started = Instant::now();
    ok(casefile(&root, home).args(["add", inbox.to_str().unwrap(), "--kind", kind]));
    let seconds = started.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&root).unwrap();
    seconds
}

/// Runs one search as a grandchild, through this benchmark started again
/// in `--peak` mode, so the peak memory read is the search's alone.
fn search_once(root: &Path, home: &Path, locked: bool) -> (f64, i64, u64) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .arg("--peak")
        .arg(root)
        .arg(home)
        .arg(if locked { "locked" } else { "unlocked" });
    let output = ok(&mut command);
    let text = String::from_utf8(output.stdout).unwrap();
    let mut parts = text.split_whitespace();
    let seconds: f64 = parts.next().unwrap().parse().unwrap();
    let peak: i64 = parts.next().unwrap().parse().unwrap();
    let total: u64 = parts.next().unwrap().parse().unwrap();
    (seconds, peak, total)
}

fn peak_mode(args: &[String]) {
    let (root, home, mode) = (Path::new(&args[0]), Path::new(&args[1]), &args[2]);
    let mut command = casefile(root, home);
    if mode == "locked" {
        command.env_remove("CASEFILE_PASSPHRASE");
    }
    command.args(["search", "помилование", "--documents", "--json"]);
    let started = Instant::now();
    let output = ok(&mut command);
    let seconds = started.elapsed().as_secs_f64();
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    println!(
        "{seconds} {} {}",
        casefile_testkit::children_peak_kib(),
        found["total"].as_u64().unwrap()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--peak") {
        return peak_mode(&args[1..]);
    }
    let files = env_number("CASEFILE_BENCH_FILES", 2_000);
    let searched = env_number("CASEFILE_BENCH_SEARCH", 10_000);
    let rounds = env_number("CASEFILE_BENCH_ROUNDS", 3);
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let home = dir.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let inbox = dir.join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut bytes = 0usize;
    for n in 0..files.max(searched) {
        let text = statement(n);
        if n < files {
            bytes += text.len();
        }
        let folder = if n < files {
            inbox.clone()
        } else {
            dir.join("more")
        };
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join(format!("statement-{n:05}.txt")), text).unwrap();
    }
    println!(
        "{files} statements ({:.1} MB) per add, {rounds} rounds, alternating which kind goes first",
        bytes as f64 / 1e6
    );
    let (mut open, mut protected) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            open.push(add_seconds(dir, &home, &inbox, "news", round));
            protected.push(add_seconds(dir, &home, &inbox, "testimony", round));
        } else {
            protected.push(add_seconds(dir, &home, &inbox, "testimony", round));
            open.push(add_seconds(dir, &home, &inbox, "news", round));
        }
        println!(
            "round {round}: open {:.2} s, protected {:.2} s",
            open[round], protected[round]
        );
    }
    let (open, protected) = (median(&mut open), median(&mut protected));
    println!(
        "add, files/s (median): open {:.1}, protected {:.1}; protected/open {:.2}",
        files as f64 / open,
        files as f64 / protected,
        open / protected
    );

    // The search case: every statement as a testimony.
    let root = new_case(dir, &home, "search");
    let started = Instant::now();
    ok(casefile(&root, &home).args(["add", inbox.to_str().unwrap(), "--kind", "testimony"]));
    if searched > files {
        ok(casefile(&root, &home).args([
            "add",
            dir.join("more").to_str().unwrap(),
            "--kind",
            "testimony",
        ]));
    }
    println!(
        "{searched} testimonies added in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    for locked in [true, false] {
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        let mut total = 0;
        for _ in 0..5 {
            let (seconds, peak, found) = search_once(&root, &home, locked);
            times.push(seconds);
            peaks.push(peak as f64);
            total = found;
        }
        println!(
            "search {} (unlock, index of the protected sources in memory, query; new process): \
             median {:.2} s, peak {:.0} MiB, {total} documents found",
            if locked { "locked" } else { "unlocked" },
            median(&mut times),
            median(&mut peaks) / 1024.0
        );
    }
}
