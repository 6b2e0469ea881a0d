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

/// The bundle in `folder` as served with each change: `/v/N/FILE` is FILE
/// with change N applied (`?page` serves it unchanged, so the page that
/// runs is the real one), `/harness.html` the page that checks every
/// change in a frame.
fn changed(folder: PathBuf, changes: Arc<Vec<Change>>) -> Arc<casefile_testkit::Handler> {
    let harness = harness(changes.len());
    Arc::new(move |path: &str| {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        if path == "/harness.html" {
            return Some((harness.as_bytes().to_vec(), "text/html; charset=utf-8"));
        }
        let (n, file) = path.strip_prefix("/v/")?.split_once('/')?;
        let change = changes.get(n.parse::<usize>().ok()?)?;
        if file.contains("..") {
            return None;
        }
        let kind = if file.ends_with(".html") {
            "text/html; charset=utf-8"
        } else {
            "application/octet-stream"
        };
        let read = || std::fs::read(folder.join(file)).ok();
        if query == "page" {
            return read().map(|b| (b, kind));
        }
        match change {
            Change::Delete { file: gone } if gone == file => None,
            Change::Replace { file: f, bytes } if f == file => Some((bytes.clone(), kind)),
            Change::Flip { file: f, at } if f == file => read().map(|mut b| {
                b[*at] ^= 0x01;
                (b, kind)
            }),
            _ => read().map(|b| (b, kind)),
        }
    })
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
    let Some(chromium) = casefile_testkit::chromium() else {
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

    // The changes: none first, then bytes of every file flipped, a deleted
    // exhibit, a reordered manifest and an older checkpoint.
    let mut changes = vec![Change::None];
    for file in files(&out) {
        let len = std::fs::metadata(out.join(&file)).unwrap().len() as usize;
        if len == 0 {
            // (cosigners.txt of a case that trusts none)
            continue;
        }
        // Every byte of the small files (the key, the checkpoint, the
        // hand-out), a sample of the others.
        let step = if len <= 200 { 1 } else { (len / 23).max(1) };
        let mut positions: Vec<usize> = (0..len).step_by(step).chain([len - 1]).collect();
        positions.dedup();
        for at in positions {
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
    let port = casefile_testkit::serve(changed(out.clone(), changes.clone()));

    // The page as a person sees it, kept for a look.
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bundle-verify.png");
    let _ = std::fs::remove_file(&shot);
    casefile_testkit::browse(
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

    let dom = casefile_testkit::browse(
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
