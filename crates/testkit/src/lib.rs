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
    skipped(&format!(
        "reference data {} is not here (set CASEFILE_SHARED or check out ../shared/)",
        path.display()
    ));
    None
}

/// The environment variable naming the file where skipped tests are
/// listed, one line each (`binary<TAB>test<TAB>reason`); `cargo test-all`
/// sets it and prints the list when the run ends.
pub const SKIP_LOG: &str = "CASEFILE_SKIP_LOG";

/// Says that the running test skips its check, and why: on standard error
/// (shown with the test's output) and, under `cargo test-all`, in the skip
/// log that its summary is made from. Call it only outside CI: there a
/// missing prerequisite is a failure.
pub fn skipped(reason: &str) {
    eprintln!("skipped: {reason}");
    let Some(log) = std::env::var_os(SKIP_LOG) else {
        return;
    };
    // libtest names each test's thread after the test.
    let test = std::thread::current()
        .name()
        .unwrap_or("(unnamed test)")
        .to_owned();
    let binary = std::env::current_exe()
        .ok()
        .and_then(|path| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .map(|stem| match stem.rsplit_once('-') {
            // Cargo names test binaries `<target>-<hash>`.
            Some((target, hash)) if hash.chars().all(|c| c.is_ascii_hexdigit()) => {
                target.to_owned()
            }
            _ => stem,
        })
        .unwrap_or_default();
    let line = format!("{binary}\t{test}\t{}\n", reason.replace(['\t', '\n'], " "));
    // One short write in append mode: lines of parallel tests do not mix.
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log)
        .and_then(|mut file| std::io::Write::write_all(&mut file, line.as_bytes()));
    if let Err(error) = written {
        eprintln!(
            "cannot note the skip in {}: {error}",
            Path::new(&log).display()
        );
    }
}

/// The folder holding the optional model files: the one the binary uses
/// (`CASEFILE_MODELS`, else `casefile/models` in the platform's data
/// folder; see `casefile_models::folder`).
pub fn models_root() -> PathBuf {
    match casefile_models::folder() {
        Ok(location) => location.folder,
        Err(_) => repo_root().join("target").join("models"),
    }
}

/// The path of model file `name`, if it is there.
///
/// # Panics
///
/// In CI, when it is not: `.ci/run` installs the models first.
pub fn model_path(name: &str) -> Option<PathBuf> {
    let path = models_root().join(name);
    if path.exists() {
        return Some(path);
    }
    if in_ci() {
        panic!(
            "model file {} is missing; .ci/run installs it with scripts/models.sh",
            path.display()
        );
    }
    skipped(&format!(
        "model file {} is not here (install the models: cargo run --release -p casefile -- models install)",
        path.display()
    ));
    None
}

/// Precision, recall and F1 of extracted article texts against the truth,
/// as the article-extraction benchmark defines them: texts are split into
/// word tokens (runs of letters, digits and `_`), compared as multisets of
/// 4-token shingles, each page's counts normalized to sum to one, precision
/// and recall averaged over the pages where they are defined, and F1 taken
/// from the two averages.
pub fn shingle_scores<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (f64, f64, f64) {
    use std::collections::HashMap;
    fn shingles(text: &str) -> HashMap<Vec<&str>, usize> {
        let tokens: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|token| !token.is_empty())
            .collect();
        let mut counts = HashMap::new();
        if tokens.is_empty() {
            return counts;
        }
        for start in 0..tokens.len().saturating_sub(3).max(1) {
            let end = (start + 4).min(tokens.len());
            *counts.entry(tokens[start..end].to_vec()).or_insert(0) += 1;
        }
        counts
    }
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    for (truth, predicted) in pairs {
        let (truth, predicted) = (shingles(truth), shingles(predicted));
        let (mut tp, mut fp, mut fn_) = (0.0f64, 0.0f64, 0.0f64);
        for key in truth
            .keys()
            .chain(predicted.keys().filter(|k| !truth.contains_key(*k)))
        {
            let t = *truth.get(key).unwrap_or(&0) as f64;
            let p = *predicted.get(key).unwrap_or(&0) as f64;
            tp += t.min(p);
            fp += (p - t).max(0.0);
            fn_ += (t - p).max(0.0);
        }
        let total = tp + fp + fn_;
        if total > 0.0 {
            (tp, fp, fn_) = (tp / total, fp / total, fn_ / total);
        }
        let perfect = fp == 0.0 && fn_ == 0.0;
        if tp + fp > 0.0 {
            precisions.push(if perfect { 1.0 } else { tp / (tp + fp) });
        }
        if tp + fn_ > 0.0 {
            recalls.push(if perfect { 1.0 } else { tp / (tp + fn_) });
        }
    }
    let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len().max(1) as f64;
    let (precision, recall) = (mean(&precisions), mean(&recalls));
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    (precision, recall, f1)
}

/// Runs a case file and compares the whole file's worth of output with
/// the expected lines, printing all of it on a mismatch.
///
/// A case is a line `> INPUT` (`\n` in it stands for a line break),
/// followed by its expected lines up to a blank line. A line `KEY: VALUE`
/// outside a case, for a key in `settings`, sets that value for the cases
/// after it (`KEY:` alone removes it). Other lines are comments. `render`
/// gets each input and the settings in force, and returns its lines.
pub fn run_case_file(
    cases: &str,
    settings: &[&str],
    mut render: impl FnMut(&str, &std::collections::BTreeMap<String, String>) -> Vec<String>,
) -> usize {
    let mut values = std::collections::BTreeMap::new();
    let (mut expected, mut actual) = (String::new(), String::new());
    let mut count = 0usize;
    let mut lines = cases.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some((key, value)) = line.split_once(':')
            && settings.contains(&key)
        {
            let value = value.trim();
            if value.is_empty() {
                values.remove(key);
            } else {
                values.insert(key.to_owned(), value.to_owned());
            }
            continue;
        }
        let Some(input) = line.strip_prefix("> ") else {
            continue;
        };
        count += 1;
        for out in [&mut expected, &mut actual] {
            out.push_str(line);
            out.push('\n');
        }
        while let Some(next) = lines.peek() {
            if next.trim().is_empty() {
                break;
            }
            expected.push_str(next);
            expected.push('\n');
            lines.next();
        }
        for rendered in render(&input.replace("\\n", "\n"), &values) {
            actual.push_str(&rendered);
            actual.push('\n');
        }
    }
    assert!(count > 0, "the case file yields no cases: is it intact?");
    assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
    count
}

/// The peak memory (KiB) of the largest child process this process has
/// waited for: what the tests and benchmarks that bound memory read.
pub fn children_peak_kib() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete rusage into the pointer it is given.
    #[allow(unsafe_code, reason = "the only way to read a child's peak memory")]
    let usage = unsafe {
        assert_eq!(
            libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()),
            0
        );
        usage.assume_init()
    };
    usage.ru_maxrss
}

/// What a test's web server answers for a path (with its query): the
/// body and its content type, or `None` for 404.
pub type Handler = dyn Fn(&str) -> Option<(Vec<u8>, &'static str)> + Send + Sync;

/// Serves `handler` on a local port, each connection on its own thread,
/// until the process ends; returns the port.
pub fn serve(handler: std::sync::Arc<Handler>) -> u16 {
    use std::io::{BufRead as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("its address").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let handler = handler.clone();
            std::thread::spawn(move || {
                let Ok(clone) = stream.try_clone() else {
                    return;
                };
                let mut reader = std::io::BufReader::new(clone);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/");
                let _ = match handler(path) {
                    Some((body, kind)) => stream
                        .write_all(
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
                                 Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                                body.len()
                            )
                            .as_bytes(),
                        )
                        .and_then(|()| stream.write_all(&body)),
                    None => stream.write_all(
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                    ),
                };
            });
        }
    });
    port
}

/// The files of `folder` by path (`/name`, any query ignored; nothing
/// outside it).
pub fn folder_handler(folder: PathBuf) -> std::sync::Arc<Handler> {
    std::sync::Arc::new(move |path: &str| {
        let path = path.split('?').next().unwrap_or("").trim_start_matches('/');
        if path.split('/').any(|p| p == "..") {
            return None;
        }
        let kind = if path.ends_with(".html") {
            "text/html; charset=utf-8"
        } else {
            "application/octet-stream"
        };
        std::fs::read(folder.join(path)).ok().map(|b| (b, kind))
    })
}

/// Debian's chromium, or `None` outside CI (the reason printed); in CI a
/// missing browser fails the test.
pub fn chromium() -> Option<PathBuf> {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).exists() {
            return Some(PathBuf::from(candidate));
        }
    }
    assert!(
        !in_ci(),
        "chromium is missing in CI: .ci/run installs Debian's chromium"
    );
    skipped("chromium is not installed (apt install chromium)");
    None
}

/// Runs headless Chromium on `url` with the flags a closed network needs
/// and a fresh profile, plus `extra`; returns what it printed (the DOM
/// with `--dump-dom`).
pub fn browse(chromium: &Path, url: &str, extra: &[&str]) -> String {
    let profile = std::env::temp_dir().join(format!(
        "casefile-chromium-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    ));
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&output.stdout).into_owned()
}
