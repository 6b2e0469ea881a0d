//! `casefile bundle`: a bundle of the seed and made-up sources verifies,
//! folder and zip; any byte changed in any of its files, a deleted
//! exhibit, a reordered manifest or an older checkpoint is caught naming
//! the file; the witnesses' consent decides what protected exhibits are,
//! and a public bundle holds no trace of a witness who consented to a
//! court only.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{FOUNDING, code, json, ok, run};

const NAME: &str = "Евлампий Щеглов";
const VILLAGE: &str = "Верхние Камыши";
const PHONE: &str = "+7 903 411-27-65";
const SENTENCE: &str = "Нас заперли в ангаре за автобазой на четыре дня.";

fn testimony() -> String {
    format!(
        "Я, {NAME}, живу в селе {VILLAGE}, телефон {PHONE}. Весной 2024 года нам обещали \
         помилование через полгода. {SENTENCE} Нас, около 30 человек, избивали.\n"
    )
}

/// A case of the seed (when `../shared` has it), a made-up news page and
/// the made-up testimony of a registered witness; returns the case folder
/// and the testimony's log index.
fn case(temp: &Path) -> Option<(PathBuf, String)> {
    let seed = common::seed_report()?;
    let root = temp.join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/bundle-test"], &root);
    ok(
        &[
            "add",
            seed.to_str().unwrap(),
            "--kind",
            "news",
            "--acquired-at",
            "2024-06-01",
            "--url",
            "https://example.org/seed-report",
        ],
        &root,
    );
    let inbox = temp.join("inbox");
    std::fs::create_dir(&inbox).unwrap();
    std::fs::write(
        inbox.join("news.html"),
        "<html><head><title>Вербовка в колонии</title></head><body><p>В марте 2024 года \
         вербовщики обещали осуждённым помилование через шесть месяцев службы.</p></body></html>\n",
    )
    .unwrap();
    ok(
        &[
            "add",
            inbox.join("news.html").to_str().unwrap(),
            "--kind",
            "news",
        ],
        &root,
    );
    std::fs::write(inbox.join("statement.txt"), testimony()).unwrap();
    ok(
        &[
            "add",
            inbox.join("statement.txt").to_str().unwrap(),
            "--kind",
            "testimony",
        ],
        &root,
    );
    let t = (FOUNDING + 2).to_string();
    ok(
        &[
            "witnesses",
            "add",
            "--name",
            NAME,
            "--contact",
            PHONE,
            "--source",
            &t,
        ],
        &root,
    );
    ok(&["consent", "give", "W-001", "--to", "internal"], &root);
    Some((root, t))
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

/// What a poppler tool printed, or `None` outside CI when poppler is not
/// installed (the reason printed); in CI its absence fails the test.
fn poppler(tool: &str, args: &[&str]) -> Option<String> {
    match std::process::Command::new(tool).args(args).output() {
        Ok(output) => {
            assert!(
                output.status.success(),
                "{tool}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Err(error) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{tool} is missing in CI ({error}): .ci/run installs poppler-utils"
            );
            casefile_testkit::skipped(&format!(
                "{tool} is not installed: apt install poppler-utils"
            ));
            None
        }
    }
}

/// What verifying says: `Ok` or the failure's message.
fn check(path: &Path) -> Result<(), String> {
    casefile_app::bundle_check::verify_bundle(path)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn a_court_bundle_verifies_and_every_change_to_it_is_caught_naming_the_file() {
    let temp = tempfile::tempdir().unwrap();
    let Some((root, t)) = case(temp.path()) else {
        return;
    };
    // Anonymous consent to a court: the testimony is given redacted.
    ok(
        &[
            "consent",
            "give",
            "W-001",
            "--to",
            "court",
            "--at",
            "2024-07-01",
        ],
        &root,
    );
    // A disclosure of the testimony alone, before: a hand-out too.
    let package = temp.path().join("package");
    let disclosed = json(&ok(
        &["disclose", &t, "--out", package.to_str().unwrap(), "--json"],
        &root,
    ));
    let disclosed_size = disclosed["tree_size"].as_u64().unwrap();
    let first = temp.path().join("first");
    ok(
        &[
            "bundle",
            "--for",
            "court",
            "--out",
            first.to_str().unwrap(),
            "--as-of",
            "2024-12-01",
        ],
        &root,
    );
    let out = temp.path().join("bundle");
    let made = json(&ok(
        &[
            "bundle",
            "--for",
            "court",
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2024-12-01",
            "--json",
        ],
        &root,
    ));
    assert_eq!(made["exhibits"], 3, "{made}");
    // It proves it extends the checkpoints of the disclosure and of the
    // first bundle.
    assert_eq!(made["earlier"][0], disclosed_size);
    assert_eq!(made["earlier"][1], made["tree_size"].as_u64().unwrap() - 1);
    let zip = temp.path().join("bundle.zip");
    assert!(zip.exists());
    // Both forms verify, by the library and by the command.
    check(&out).unwrap();
    check(&zip).unwrap();
    let verified = ok(&["bundle", "verify", out.to_str().unwrap()], &root);
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(said.contains("are earlier states of this one"), "{said}");

    // What it holds: the redacted testimony and no key; the manifest in
    // both forms; the report citing exhibits.
    let all = files(&out);
    assert!(
        all.contains(&"exhibits/003-redacted.txt".to_owned()),
        "{all:?}"
    );
    assert!(!all.iter().any(|f| f.ends_with("-key.txt")), "{all:?}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let rows = manifest["exhibits"].as_array().unwrap();
    assert_eq!(rows[0]["url"], "https://example.org/seed-report");
    assert_eq!(rows[1]["title"], "Вербовка в колонии");
    assert_eq!(rows[2]["confidentiality"], "protected");
    assert_eq!(rows[2]["log_index"].to_string(), t);
    assert!(
        rows[2]["redactions"][0]
            .as_str()
            .unwrap()
            .contains("W-001 consented to submission to a court anonymously"),
        "{manifest}"
    );
    let csv = std::fs::read_to_string(out.join("manifest.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.contains("Вербовка в колонии"), "{csv}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Exhibit 1, document 0"), "{html}");
    assert!(html.contains("Exhibit 3, document 0"), "{html}");
    assert!(
        !html.contains("Щеглов"),
        "the witness by name in the report"
    );
    let redacted = std::fs::read_to_string(out.join("exhibits/003-redacted.txt")).unwrap();
    assert!(redacted.contains(SENTENCE), "{redacted}");
    assert!(
        !redacted.contains("Щеглов") && !redacted.contains("411-27-65"),
        "{redacted}"
    );
    let custody = std::fs::read_to_string(out.join("custody.jsonl")).unwrap();
    assert!(custody.contains("\"event\":\"handout\""), "{custody}");
    assert!(custody.contains("disclosed alone for court"), "{custody}");
    let earlier: Vec<u64> = manifest["earlier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert!(
        earlier.contains(&disclosed_size),
        "{earlier:?} {disclosed_size}"
    );
    assert!(
        custody.contains("consent of W-001 to submission to a court given"),
        "{custody}"
    );

    // The report as PDF: its pages and text as poppler reads them, the
    // Cyrillic included, and the first page as an image to look at.
    assert!(all.contains(&"report.pdf".to_owned()), "{all:?}");
    if let Some(text) = poppler(
        "pdftotext",
        &[out.join("report.pdf").to_str().unwrap(), "-"],
    ) {
        assert!(
            text.contains("Case report of casefile/bundle-test"),
            "{text}"
        );
        assert!(text.contains("Exhibit 3, document 0"), "{text}");
        assert!(text.contains("около 30 человек"), "{text}");
        assert!(!text.contains("Щеглов"), "the witness by name in the PDF");
        let info = poppler("pdfinfo", &[out.join("report.pdf").to_str().unwrap()]).unwrap();
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(|n| n.trim().parse().unwrap())
            .unwrap();
        assert!(pages >= 2, "{info}");
        let png = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-page");
        poppler(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                out.join("report.pdf").to_str().unwrap(),
                png.to_str().unwrap(),
            ],
        )
        .unwrap();
        println!("the report's first page: {}-1.png", png.display());
    }

    // Every byte of every small file, and a sample of the large ones,
    // flipped: the check fails naming the file.
    let mut flips = 0;
    for name in &all {
        let path = out.join(name);
        let original = std::fs::read(&path).unwrap();
        let positions: Vec<usize> = if original.len() <= 600 {
            (0..original.len()).collect()
        } else {
            let step = original.len() / 47;
            (0..original.len())
                .step_by(step.max(1))
                .chain([original.len() - 1])
                .collect()
        };
        for at in positions {
            let mut changed = original.clone();
            changed[at] ^= 0x01;
            std::fs::write(&path, &changed).unwrap();
            let failed = check(&out).expect_err(&format!("{name} byte {at} went unnoticed"));
            let named = failed.contains(name.as_str())
                || (name == "verifier.key" && failed.contains("checkpoint.txt"));
            assert!(named, "{name} byte {at}: {failed}");
            flips += 1;
        }
        std::fs::write(&path, &original).unwrap();
    }
    assert!(flips > 500, "only {flips} flips");
    check(&out).unwrap();

    // A deleted exhibit, a file slipped in, a reordered manifest, an older
    // checkpoint.
    let exhibit = out.join("exhibits/002.html");
    let kept = std::fs::read(&exhibit).unwrap();
    std::fs::remove_file(&exhibit).unwrap();
    let failed = check(&out).unwrap_err();
    assert!(failed.contains("exhibits/002.html"), "{failed}");
    std::fs::write(&exhibit, &kept).unwrap();
    std::fs::write(out.join("exhibits/004.txt"), "added later").unwrap();
    let failed = check(&out).unwrap_err();
    assert!(failed.contains("exhibits/004.txt"), "{failed}");
    std::fs::remove_file(out.join("exhibits/004.txt")).unwrap();

    let manifest_path = out.join("manifest.json");
    let manifest_bytes = std::fs::read(&manifest_path).unwrap();
    let mut reordered = manifest.clone();
    let rows = reordered["exhibits"].as_array_mut().unwrap();
    rows.swap(0, 1);
    rows[0]["number"] = 1.into();
    rows[1]["number"] = 2.into();
    std::fs::write(
        &manifest_path,
        serde_json::to_vec_pretty(&reordered).unwrap(),
    )
    .unwrap();
    let failed = check(&out).unwrap_err();
    assert!(failed.contains("manifest.json"), "{failed}");
    std::fs::write(&manifest_path, &manifest_bytes).unwrap();

    let checkpoint = out.join("checkpoint.txt");
    let current = std::fs::read(&checkpoint).unwrap();
    std::fs::copy(first.join("checkpoint.txt"), &checkpoint).unwrap();
    let failed = check(&out).unwrap_err();
    assert!(failed.contains("checkpoint.txt"), "{failed}");
    std::fs::write(&checkpoint, &current).unwrap();
    check(&out).unwrap();

    // The command says FAILED and exits non-zero on a changed zip.
    let mut bytes = std::fs::read(&zip).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&zip, &bytes).unwrap();
    let failed = run(&["bundle", "verify", zip.to_str().unwrap()], &root);
    assert_ne!(code(&failed), 0);

    // Named consent: the testimony whole, with its own key, which the
    // check opens.
    ok(
        &["consent", "give", "W-001", "--to", "court", "--named"],
        &root,
    );
    let named = temp.path().join("named");
    ok(
        &["bundle", "--for", "court", "--out", named.to_str().unwrap()],
        &root,
    );
    check(&named).unwrap();
    assert_eq!(
        std::fs::read_to_string(named.join("exhibits/003.txt")).unwrap(),
        testimony()
    );
    assert!(named.join("exhibits/003-key.txt").exists());
}

#[test]
fn a_public_bundle_leaves_no_trace_of_a_witness_who_consented_to_a_court_only() {
    let temp = tempfile::tempdir().unwrap();
    let Some((root, t)) = case(temp.path()) else {
        return;
    };
    ok(
        &["consent", "give", "W-001", "--to", "court", "--named"],
        &root,
    );
    let out = temp.path().join("public");
    let made = json(&ok(
        &[
            "bundle",
            "--for",
            "public",
            "--out",
            out.to_str().unwrap(),
            "--as-of",
            "2024-12-01",
            "--json",
        ],
        &root,
    ));
    assert_eq!(made["exhibits"], 2, "{made}");
    let why = made["left_out"][0]["why"].as_str().unwrap();
    assert!(
        why.contains("W-001 has not consented to publication"),
        "{why}"
    );
    assert!(why.contains(&format!("#{t}")), "{why}");
    check(&out).unwrap();
    check(&temp.path().join("public.zip")).unwrap();
    // No trace of the witness or their account, in any form, in any file
    // of the folder or in the zip.
    let mut needles: Vec<String> = vec![
        NAME.into(),
        "Щеглов".into(),
        VILLAGE.into(),
        "Камыш".into(),
        SENTENCE.into(),
        "ангаре".into(),
        "411-27-65".into(),
        "79034112765".into(),
    ];
    for n in needles.clone() {
        needles.push(n.to_lowercase());
        needles.push(deunicode::deunicode(&n).to_lowercase());
    }
    let mut paths: Vec<PathBuf> = files(&out).iter().map(|f| out.join(f)).collect();
    paths.push(temp.path().join("public.zip"));
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let lower = String::from_utf8_lossy(&bytes).to_lowercase();
        for needle in &needles {
            assert!(
                !lower.contains(needle.as_str()),
                "{} holds {needle}",
                path.display()
            );
        }
    }
    // A bundle of nothing that may leave is refused with why.
    let refused = run(
        &[
            "bundle",
            "--for",
            "public",
            "--exhibits",
            &t,
            "--out",
            temp.path().join("none").to_str().unwrap(),
        ],
        &root,
    );
    assert_ne!(code(&refused), 0);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("W-001 has not consented to publication"),
        "{said}"
    );
    assert!(!temp.path().join("none").exists());
}
