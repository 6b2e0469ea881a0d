//! The web workspace under load, on loopback: readers open the entity,
//! document, search and report pages at once while a documenter's script
//! uploads files through the API.
//!
//! The case: the seed report, and one statement per fighter of a unit
//! ("... served in the Shtorm battalion ..."), so that the unit's entity
//! has as many membership relations as there are statements, all made by
//! the pipeline. Then `casefile serve` is started, readers (threads, one
//! connection per request, no pause between requests unless
//! `CASEFILE_BENCH_THINK_MS` says one) read the four pages in turn for as
//! long as the uploader (one thread, one file per request, as the
//! workspace's upload form sends them) adds its files. Every response is
//! checked; at the end every uploaded file is looked up by its log index
//! and its SHA-256 compared, and `casefile verify` checks the whole case.
//!
//! The server answers an upload once the file is logged and reads and
//! resolves uploads in the background; the readers go on until the last
//! upload is resolved. Printed per page: requests, errors, and the median
//! and 95th percentile of the time the reader waited, and of the two parts
//! of the server's `Server-Timing` header: the time the request queued
//! for its turn among the reads under way, and the time spent making the
//! page; then every page again with no writer and one reader.
//!
//! Run: `cargo bench -p casefile --bench web_load` (needs `../shared/seed`
//! and the model files, `scripts/models.sh`). Sizes:
//! `CASEFILE_BENCH_READERS` (200), `CASEFILE_BENCH_UPLOADS` (5,000),
//! `CASEFILE_BENCH_RELATIONS` (5,000), `CASEFILE_BENCH_THINK_MS` (0).

#![allow(clippy::unwrap_used, reason = "a benchmark stops at its first failure")]
#![allow(clippy::print_stdout, reason = "a benchmark prints its figures")]

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{casefile, env_number, ok};
use sha2::Digest as _;

/// The pages the readers open, in turn.
const PAGES: [&str; 4] = ["entity", "document", "search", "report"];

const FIRST: [&str; 50] = [
    "Алексей",
    "Борис",
    "Вадим",
    "Григорий",
    "Денис",
    "Евгений",
    "Жорж",
    "Захар",
    "Игорь",
    "Кирилл",
    "Леонид",
    "Максим",
    "Никита",
    "Олег",
    "Павел",
    "Роман",
    "Семён",
    "Тимур",
    "Фёдор",
    "Юрий",
    "Ярослав",
    "Антон",
    "Богдан",
    "Виктор",
    "Геннадий",
    "Дмитрий",
    "Егор",
    "Иван",
    "Константин",
    "Лев",
    "Матвей",
    "Назар",
    "Остап",
    "Пётр",
    "Руслан",
    "Станислав",
    "Тарас",
    "Филипп",
    "Эдуард",
    "Яков",
    "Аркадий",
    "Валерий",
    "Глеб",
    "Давид",
    "Ефим",
    "Илья",
    "Кузьма",
    "Марк",
    "Николай",
    "Савелий",
];

const LAST: [&str; 100] = [
    "Абрамов",
    "Белов",
    "Волков",
    "Горин",
    "Дронов",
    "Ершов",
    "Жуков",
    "Зайцев",
    "Ильин",
    "Климов",
    "Лаптев",
    "Миронов",
    "Носов",
    "Орлов",
    "Панов",
    "Рябов",
    "Сомов",
    "Титов",
    "Уткин",
    "Фомин",
    "Хромов",
    "Цветков",
    "Чернов",
    "Шилов",
    "Щукин",
    "Юдин",
    "Яшин",
    "Агеев",
    "Блинов",
    "Воронин",
    "Гусев",
    "Дьячков",
    "Егоров",
    "Жданов",
    "Зуев",
    "Исаев",
    "Карпов",
    "Лобанов",
    "Мухин",
    "Никонов",
    "Осипов",
    "Пахомов",
    "Родионов",
    "Суханов",
    "Тихонов",
    "Ушаков",
    "Федотов",
    "Харитонов",
    "Цыганов",
    "Чистяков",
    "Шаров",
    "Щеглов",
    "Ювелев",
    "Якушев",
    "Аксёнов",
    "Баранов",
    "Власов",
    "Герасимов",
    "Дементьев",
    "Елисеев",
    "Журавлёв",
    "Захаров",
    "Игнатов",
    "Кудрявцев",
    "Лукин",
    "Мартынов",
    "Некрасов",
    "Овчинников",
    "Прохоров",
    "Рыбаков",
    "Селезнёв",
    "Третьяков",
    "Ульянов",
    "Филатов",
    "Худяков",
    "Царёв",
    "Чеботарёв",
    "Шубин",
    "Широков",
    "Юшков",
    "Ярцев",
    "Антонов",
    "Бобров",
    "Виноградов",
    "Голубев",
    "Денисов",
    "Ефремов",
    "Жилин",
    "Зимин",
    "Казаков",
    "Лазарев",
    "Медведев",
    "Назаров",
    "Одинцов",
    "Поляков",
    "Романов",
    "Соболев",
    "Тарасов",
    "Устинов",
    "Фролов",
];

const MONTHS: [&str; 12] = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
];

/// Person `n`'s name (5,000 different ones).
fn person(n: usize) -> String {
    format!(
        "{} {}",
        FIRST[n % FIRST.len()],
        LAST[(n / FIRST.len()) % LAST.len()]
    )
}

/// A fighter's statement, naming the unit.
fn statement(n: usize) -> String {
    format!(
        "Заявление № {n}. Рядовой {} служил в батальоне «Шторм» с {} 2023 года. \
         По его словам, вербовщик обещал выплату {} рублей, которую он так и не получил.\n",
        person(n),
        MONTHS[n % 12],
        100_000 + (n % 40) * 5_000
    )
}

/// An uploaded note: a family's complaint that names no unit.
fn upload(n: usize) -> String {
    format!(
        "Обращение № {n}. Родственники сообщили, что {} {} 2024 года уехал в Ростов \
         и перестал выходить на связь. Ему обещали вернуться домой через {} месяцев.\n",
        person(n + 1_234),
        MONTHS[(n + 5) % 12],
        3 + n % 9
    )
}

/// The server, stopped when dropped (also when the benchmark fails).
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A response as the benchmark reads it.
struct Answer {
    status: u16,
    /// The server's `Server-Timing`: queued and making, in milliseconds.
    server_ms: Option<(f64, f64)>,
    body: Vec<u8>,
}

/// One request on its own connection; `Err` when the connection fails.
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<(&str, &[u8])>,
) -> Result<Answer, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Authorization: Bearer {token}\r\n"
    );
    if let Some((kind, bytes)) = body {
        head.push_str(&format!(
            "Content-Type: {kind}\r\nContent-Length: {}\r\n",
            bytes.len()
        ));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if let Some((_, bytes)) = body {
        out.extend_from_slice(bytes);
    }
    stream.write_all(&out).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of head")?;
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("no status")?;
    let server_ms = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        if !name.eq_ignore_ascii_case("server-timing") {
            return None;
        }
        let metric = |wanted: &str| {
            value.split(',').find_map(|m| {
                m.trim()
                    .strip_prefix(wanted)?
                    .strip_prefix(";dur=")?
                    .parse::<f64>()
                    .ok()
            })
        };
        Some((metric("queue")?, metric("app")?))
    });
    // Bodies here are not chunked: every page is made whole first.
    let body = answer[split + 4..].to_vec();
    Ok(Answer {
        status,
        server_ms,
        body,
    })
}

/// A reader's or the uploader's request as measured.
struct Timed {
    page: usize,
    waited_ms: f64,
    queued_ms: f64,
    server_ms: f64,
}

/// The 50th and 95th percentiles of `values` (sorted in place).
fn percentiles(values: &mut [f64]) -> (f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |p: usize| values[((values.len() * p).div_ceil(100)).saturating_sub(1)];
    (at(50), at(95))
}

fn seed() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed");
    let found = std::fs::read_dir(&dir)
        .ok()
        .and_then(|mut d| d.find_map(|e| e.ok().map(|e| e.path())))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"));
    found.unwrap_or_else(|| panic!("the seed report is missing from {}", dir.display()))
}

fn token(root: &Path, home: &Path, name: &str, role: &str) -> String {
    ok(casefile(root, home)
        .args(["web-account", "add", name, "--role", role])
        .env(
            "CASEFILE_WEB_PASSWORD",
            format!("{name} has a long password"),
        ));
    let made = ok(casefile(root, home).args(["web-account", "token", name, "--json"]));
    let made: serde_json::Value = serde_json::from_slice(&made.stdout).unwrap();
    made["token"].as_str().unwrap().to_owned()
}

/// A multipart upload of one text file.
fn multipart(name: &str, text: &str) -> (String, Vec<u8>) {
    let boundary = "casefile-bench-4f1c9a";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nnews\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(text.as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn main() {
    let readers = env_number("CASEFILE_BENCH_READERS", 200);
    let uploads = env_number("CASEFILE_BENCH_UPLOADS", 5_000);
    let relations = env_number("CASEFILE_BENCH_RELATIONS", 5_000);
    let think = Duration::from_millis(env_number("CASEFILE_BENCH_THINK_MS", 0) as u64);
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let home = dir.join("home");
    let root = dir.join("case");
    let statements = dir.join("statements");
    for d in [&home, &root, &statements] {
        std::fs::create_dir_all(d).unwrap();
    }
    for n in 0..relations {
        std::fs::write(statements.join(format!("s{n:05}.txt")), statement(n)).unwrap();
    }
    let started = Instant::now();
    ok(casefile(&root, &home).args(["init", "--no-recovery"]));
    let seed = seed();
    ok(casefile(&root, &home).args(["add", seed.to_str().unwrap(), "--kind", "news"]));
    ok(casefile(&root, &home).args(["add", statements.to_str().unwrap(), "--kind", "news"]));
    println!(
        "case made: the seed and {relations} statements, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let reader = token(&root, &home, "reader", "viewer");
    let writer = token(&root, &home, "writer", "documenter");

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let server = Server(
        casefile(&root, &home)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .unwrap(),
    );
    let up = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            up.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The pages: the unit's entity (the organization with the most
    // relations), the seed's document, a search and the report.
    let api = |path: &str| -> serde_json::Value {
        let answer = request(port, "GET", path, &reader, None).unwrap();
        assert_eq!(answer.status, 200, "{path}");
        serde_json::from_slice(&answer.body).unwrap()
    };
    let units = api("/api/entities?kind=organization&limit=1000");
    let unit = units
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"].as_str().is_some_and(|n| n.contains("Шторм")))
        .max_by_key(|e| e["mentions"].as_u64())
        .unwrap_or_else(|| panic!("no entity of the Shtorm battalion: {units}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let shown = api(&format!("/api/entities/E{unit}"));
    let linked = shown["linked_from"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "relation")
        .count();
    println!("the unit E{unit} has {linked} relations");
    assert!(
        linked >= relations * 95 / 100,
        "the unit has {linked} relations, not about {relations}"
    );
    let seed_name = seed.file_name().unwrap().to_str().unwrap();
    let listed = api("/api/sources?limit=10");
    let document = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"].as_str() == Some(seed_name))
        .unwrap_or_else(|| panic!("the seed is not among the first sources: {listed}"))["index"]
        .as_u64()
        .unwrap();
    let paths: Arc<[String; 4]> = Arc::new([
        format!("/entities/E{unit}"),
        format!("/sources/{document}"),
        "/search?q=%D0%9A%D0%B0%D1%81%D0%BA%D0%B0%D0%B4".to_owned(),
        "/report".to_owned(),
    ]);
    for path in paths.iter() {
        let start = Instant::now();
        let answer = request(port, "GET", path, &reader, None).unwrap();
        assert_eq!(answer.status, 200, "{path}");
        println!(
            "first read of {path}: {:.0} ms ({} bytes)",
            start.elapsed().as_secs_f64() * 1000.0,
            answer.body.len()
        );
    }

    // Under load.
    let busy = Arc::new(AtomicBool::new(true));
    let mut threads = Vec::new();
    for r in 0..readers {
        let (busy, paths, reader) = (busy.clone(), paths.clone(), reader.clone());
        threads.push(std::thread::spawn(move || {
            let mut timed = Vec::new();
            let mut errors = Vec::new();
            let mut turn = r;
            // Readers who pause start spread over one pause, as people
            // do, not all at once.
            std::thread::sleep(think * r as u32 / readers.max(1) as u32);
            while busy.load(Ordering::Relaxed) {
                let page = turn % PAGES.len();
                turn += 1;
                let start = Instant::now();
                match request(port, "GET", &paths[page], &reader, None) {
                    Ok(Answer {
                        status: 200,
                        body,
                        server_ms: Some((queued_ms, server_ms)),
                    }) if !body.is_empty() => timed.push(Timed {
                        page,
                        waited_ms: start.elapsed().as_secs_f64() * 1000.0,
                        queued_ms,
                        server_ms,
                    }),
                    Ok(a) => errors.push(format!(
                        "{}: {} {}",
                        paths[page],
                        a.status,
                        String::from_utf8_lossy(&a.body)
                    )),
                    Err(e) => errors.push(format!("{}: {e}", paths[page])),
                }
                std::thread::sleep(think);
            }
            (timed, errors)
        }));
    }
    let load = Instant::now();
    let mut uploaded = Vec::new();
    let mut upload_times = Vec::new();
    let mut upload_errors = Vec::new();
    for n in 0..uploads {
        let name = format!("obrashchenie-{n:05}.txt");
        let text = upload(n);
        let (kind, body) = multipart(&name, &text);
        let start = Instant::now();
        match request(port, "POST", "/api/sources", &writer, Some((&kind, &body))) {
            Ok(a) if a.status == 200 => {
                upload_times.push(start.elapsed().as_secs_f64() * 1000.0);
                let added: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
                let index = added[0]["index"].as_u64().unwrap();
                let sha: String = sha2::Sha256::digest(text.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                assert_eq!(added[0]["sha256"].as_str(), Some(sha.as_str()), "{name}");
                uploaded.push((name, index, sha));
            }
            Ok(a) => upload_errors.push(format!(
                "{name}: {} {}",
                a.status,
                String::from_utf8_lossy(&a.body)
            )),
            Err(e) => upload_errors.push(format!("{name}: {e}")),
        }
        if n % 50 == 49 {
            println!(
                "  {} files uploaded in {:.0} s",
                n + 1,
                load.elapsed().as_secs_f64()
            );
        }
    }
    let load_seconds = load.elapsed().as_secs_f64();
    // The server reads and resolves uploads in the background: the readers
    // go on until the last one is resolved.
    let last = uploaded.last().map(|(_, index, _)| *index);
    let caught_up = Instant::now();
    while let Some(last) = last {
        let source = api(&format!("/api/sources/{last}"));
        if source["resolved"] == true {
            break;
        }
        assert!(
            caught_up.elapsed() < Duration::from_secs(1_800),
            "the uploads were not resolved within 30 minutes of the last one"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let lag_seconds = caught_up.elapsed().as_secs_f64();
    let busy_seconds = load.elapsed().as_secs_f64();
    busy.store(false, Ordering::Relaxed);
    let mut timed = Vec::new();
    let mut errors = upload_errors;
    for t in threads {
        let (t, e) = t.join().unwrap();
        timed.extend(t);
        errors.extend(e);
    }
    println!(
        "{readers} readers, {uploads} uploads in {load_seconds:.1} s ({:.1} files/s), \
         all read and resolved {lag_seconds:.1} s after the last; {} page reads ({:.0}/s), \
         {} errors",
        uploads as f64 / load_seconds,
        timed.len(),
        timed.len() as f64 / busy_seconds,
        errors.len()
    );
    for e in errors.iter().take(10) {
        println!("  error: {e}");
    }
    println!(
        "| page | reads | waited p50 | waited p95 | queued p50 | queued p95 | made p50 | made p95 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (page, name) in PAGES.iter().enumerate() {
        let of_page = || timed.iter().filter(|t| t.page == page);
        let mut waited: Vec<f64> = of_page().map(|t| t.waited_ms).collect();
        let mut queued: Vec<f64> = of_page().map(|t| t.queued_ms).collect();
        let mut made: Vec<f64> = of_page().map(|t| t.server_ms).collect();
        let count = waited.len();
        let (w50, w95) = percentiles(&mut waited);
        let (q50, q95) = percentiles(&mut queued);
        let (m50, m95) = percentiles(&mut made);
        println!(
            "| {name} | {count} | {w50:.1} ms | {w95:.1} ms | {q50:.1} ms | {q95:.1} ms | \
             {m50:.1} ms | {m95:.1} ms |"
        );
    }
    let (u50, u95) = percentiles(&mut upload_times);
    println!(
        "| upload (one file, logged) | {} | {u50:.1} ms | {u95:.1} ms | | | | |",
        upload_times.len()
    );

    // With no writer and one reader at a time.
    for (page, name) in PAGES.iter().enumerate() {
        let mut made = Vec::new();
        let mut waited = Vec::new();
        for _ in 0..21 {
            let start = Instant::now();
            let a = request(port, "GET", &paths[page], &reader, None).unwrap();
            assert_eq!(a.status, 200);
            waited.push(start.elapsed().as_secs_f64() * 1000.0);
            made.push(a.server_ms.unwrap().1);
        }
        let (w50, w95) = percentiles(&mut waited);
        let (m50, m95) = percentiles(&mut made);
        println!(
            "quiet, {name}: waited p50 {w50:.1} ms p95 {w95:.1} ms, made p50 {m50:.1} ms p95 {m95:.1} ms"
        );
    }

    // Nothing lost: every upload is in the log with its bytes' hash.
    for (name, index, sha) in &uploaded {
        let source = api(&format!("/api/sources/{index}"));
        assert_eq!(
            source["source"]["sha256"].as_str(),
            Some(sha.as_str()),
            "{name}"
        );
        assert_eq!(
            source["source"]["name"].as_str(),
            Some(name.as_str()),
            "{name}"
        );
    }
    drop(server);
    ok(casefile(&root, &home).args(["verify"]));
    println!(
        "every one of the {} uploads is in the log with its hash; verify passes",
        uploaded.len()
    );
    assert!(errors.is_empty(), "{} errors under load", errors.len());
    assert_eq!(uploaded.len(), uploads);
}
