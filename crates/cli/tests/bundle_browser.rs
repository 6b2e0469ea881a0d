//! The bundle's own verifier, `verify.html`, run in real headless Chromium
//! (Debian's `chromium`, installed by `.ci/run`): served from a bundle of
//! the seed and made-up sources it says VERIFIED; served with any one of
//! some hundreds of changes (a byte flipped in every file, a deleted
//! exhibit, a reordered manifest, an older checkpoint) it says FAILED
//! naming the file. One browser run checks them all: a harness page loads
//! each changed bundle in turn in a frame and reads the verdict. A
//! screenshot of the verified page is kept beside the test's build files.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{FOUNDING, ok};

/// A change the server makes to the bundle it serves.
#[derive(Debug, Clone)]
enum Change {
    None,
    Flip { file: String, at: usize },
    Delete { file: String },
    Replace { file: String, bytes: Vec<u8> },
}

impl Change {
    /// The file a verifier must name.
    fn file(&self) -> Option<&str> {
        match self {
            Change::None => None,
            Change::Flip { file, .. } | Change::Delete { file } | Change::Replace { file, .. } => {
                Some(file)
            }
        }
    }
}

/// Debian's chromium, or `None` (outside CI only) with the reason printed.
fn chromium() -> Option<PathBuf> {
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).exists() {
            return Some(PathBuf::from(candidate));
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "chromium is missing in CI: .ci/run installs Debian's chromium"
    );
    println!("skipped: chromium is not installed (apt install chromium)");
    None
}

/// Runs headless Chromium on `url` with the flags a closed network needs,
/// a fresh profile, and `extra`; returns what it printed.
fn browse(chromium: &Path, url: &str, extra: &[&str]) -> String {
    let profile = tempfile::tempdir().unwrap();
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
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Serves `folder` on a local port: `/v/N/FILE` is FILE with change N
/// applied (`?page` serves it unchanged, so the page that runs is the real
/// one), `/harness.html` the page that checks every change in a frame.
fn serve(folder: PathBuf, changes: Arc<Vec<Change>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let harness = harness(changes.len());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let folder = folder.clone();
            let changes = changes.clone();
            let harness = harness.clone();
            std::thread::spawn(move || answer(stream, &folder, &changes, &harness));
        }
    });
    port
}

fn answer(mut stream: TcpStream, folder: &Path, changes: &[Change], harness: &str) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The rest of the request's head.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let (path, query) = path.split_once('?').unwrap_or((&path, ""));
    let body: Option<(Vec<u8>, &str)> = if path == "/harness.html" {
        Some((harness.as_bytes().to_vec(), "text/html; charset=utf-8"))
    } else if let Some(rest) = path.strip_prefix("/v/") {
        let (n, file) = rest.split_once('/').unwrap_or(("0", ""));
        let change = &changes[n.parse::<usize>().unwrap_or(0).min(changes.len() - 1)];
        let file = file.to_owned();
        let kind = if file.ends_with(".html") {
            "text/html; charset=utf-8"
        } else {
            "application/octet-stream"
        };
        if file.contains("..") {
            None
        } else if query == "page" {
            std::fs::read(folder.join(&file)).ok().map(|b| (b, kind))
        } else {
            match change {
                Change::Delete { file: gone } if *gone == file => None,
                Change::Replace { file: f, bytes } if *f == file => Some((bytes.clone(), kind)),
                Change::Flip { file: f, at } if *f == file => {
                    std::fs::read(folder.join(&file)).ok().map(|mut b| {
                        b[*at] ^= 0x01;
                        (b, kind)
                    })
                }
                _ => std::fs::read(folder.join(&file)).ok().map(|b| (b, kind)),
            }
        }
    } else {
        None
    };
    let _ = match body {
        Some((bytes, kind)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                bytes.len()
            );
            stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(&bytes))
        }
        None => stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    };
}

/// The page that loads `/v/N/verify.html?page` for each change in a frame,
/// waits for its verdict and writes `N<TAB>verdict` lines into its own
/// `<pre id="results">`, then `done`.
fn harness(count: usize) -> String {
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
<iframe id="frame" width="800" height="400"></iframe>
<pre id="results"></pre>
<script>
const results = document.getElementById("results");
const frame = document.getElementById("frame");
let n = 0, waited = 0;
function next() {{
  if (n >= {count}) {{ results.textContent += "done\n"; return; }}
  waited = 0;
  frame.src = "/v/" + n + "/verify.html?page";
  setTimeout(poll, 20);
}}
function poll() {{
  let verdict = null;
  try {{ verdict = frame.contentDocument && frame.contentDocument.getElementById("verdict"); }} catch (e) {{}}
  if (verdict && verdict.dataset.ok) {{
    results.textContent += n + "\t" + verdict.textContent + "\n";
    n++; next(); return;
  }}
  if (++waited > 1500) {{ results.textContent += n + "\tTIMEOUT\n"; n++; next(); return; }}
  setTimeout(poll, 20);
}}
next();
</script></body></html>"#
    )
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_bundles_own_page_verifies_it_in_chromium_and_names_the_file_of_every_change() {
    let Some(chromium) = chromium() else {
        return;
    };
    let Some(seed) = common::seed_report() else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/browser-test"], &root);
    ok(
        &[
            "add",
            seed.to_str().unwrap(),
            "--kind",
            "news",
            "--acquired-at",
            "2024-06-01",
        ],
        &root,
    );
    std::fs::write(
        temp.path().join("statement.txt"),
        "Весной 2024 года нам обещали помилование через полгода. Нас, около 30 человек, били.\n",
    )
    .unwrap();
    ok(
        &[
            "add",
            temp.path().join("statement.txt").to_str().unwrap(),
            "--kind",
            "testimony",
        ],
        &root,
    );
    let t = (FOUNDING + 1).to_string();
    ok(
        &[
            "witnesses",
            "add",
            "--name",
            "Пример Свидетелев",
            "--source",
            &t,
        ],
        &root,
    );
    ok(&["consent", "give", "W-001", "--to", "court"], &root);
    let first = temp.path().join("first");
    ok(&["bundle", "--out", first.to_str().unwrap()], &root);
    let out = temp.path().join("bundle");
    ok(&["bundle", "--out", out.to_str().unwrap()], &root);

    // The changes: none first, then a sample of bytes of every file, a
    // deleted exhibit, a reordered manifest and an older checkpoint.
    let mut changes = vec![Change::None];
    for file in files(&out) {
        let len = std::fs::metadata(out.join(&file)).unwrap().len() as usize;
        let step = (len / 23).max(1);
        for at in (0..len).step_by(step).chain([len - 1]) {
            changes.push(Change::Flip {
                file: file.clone(),
                at,
            });
        }
    }
    changes.push(Change::Delete {
        file: "exhibits/001.txt".into(),
    });
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let rows = manifest["exhibits"].as_array_mut().unwrap();
    rows.swap(0, 1);
    rows[0]["number"] = 1.into();
    rows[1]["number"] = 2.into();
    changes.push(Change::Replace {
        file: "manifest.json".into(),
        bytes: serde_json::to_vec_pretty(&manifest).unwrap(),
    });
    changes.push(Change::Replace {
        file: "checkpoint.txt".into(),
        bytes: std::fs::read(first.join("checkpoint.txt")).unwrap(),
    });
    let changes = Arc::new(changes);
    let port = serve(out.clone(), changes.clone());

    // The page as a person sees it, kept for a look.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bundle-verify.png");
    let _ = std::fs::remove_file(&shot);
    browse(
        &chromium,
        &format!("http://127.0.0.1:{port}/v/0/verify.html?page"),
        &[
            "--virtual-time-budget=30000",
            "--window-size=1000,900",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(shot.exists(), "no screenshot");
    println!("screenshot: {}", shot.display());

    let dom = browse(
        &chromium,
        &format!("http://127.0.0.1:{port}/harness.html"),
        &["--virtual-time-budget=3600000", "--dump-dom"],
    );
    let start = dom.find("<pre id=\"results\">").expect("the harness ran") + 18;
    let results = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    assert!(
        results.ends_with("done\n"),
        "the harness did not finish: {results}"
    );
    let verdicts: BTreeMap<usize, String> = results
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, v)| (n.parse().unwrap(), v.replace("&amp;", "&")))
        .collect();
    assert_eq!(verdicts.len(), changes.len(), "{results}");
    assert!(
        verdicts[&0].starts_with("VERIFIED: 2 exhibits"),
        "{}",
        verdicts[&0]
    );
    for (n, change) in changes.iter().enumerate().skip(1) {
        let verdict = &verdicts[&n];
        let file = change.file().unwrap();
        let named = verdict.contains(file)
            || (file == "verifier.key" && verdict.contains("checkpoint.txt"));
        assert!(
            verdict.starts_with("FAILED: ") && named,
            "{change:?} went {verdict}"
        );
    }
    println!("{} changes, each caught naming its file", changes.len() - 1);
}
