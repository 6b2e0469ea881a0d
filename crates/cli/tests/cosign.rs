//! Cosigning: a partner's key cosigns the checkpoint of a bundle after
//! checking it, and again only when the log grew from what it cosigned; a
//! forked log is refused. The case imports the cosignature and its next
//! bundle carries it, which both verifiers count toward a quorum; a
//! court's own choice of keys is honoured, and a changed cosignature is
//! caught.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::Path;

use common::{code, json, ok, run};

const NEWS: &str = "В апреле 2024 года вербовщики обещали осуждённым помилование через полгода.\n";

fn add_text(root: &Path, dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
    ok(
        &["add", dir.join(name).to_str().unwrap(), "--kind", "news"],
        root,
    );
}

fn text(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[test]
fn a_partner_cosigns_only_a_log_that_grew_and_the_next_bundle_shows_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let root = dir.join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/cosign-test"], &root);
    add_text(&root, dir, "first.txt", NEWS);
    let b1 = dir.join("b1");
    ok(&["bundle", "--out", b1.to_str().unwrap()], &root);

    // The partner makes a key; the case trusts it.
    let partner = dir.join("partner");
    std::fs::create_dir(&partner).unwrap();
    let key_file = partner.join("cosigner.key");
    let made = json(&ok(
        &[
            "cosign",
            "new-key",
            "--key",
            key_file.to_str().unwrap(),
            "--name",
            "partner.example/cosigner",
            "--json",
        ],
        &partner,
    ));
    let public = made["key"].as_str().unwrap().to_owned();
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let again = run(
        &[
            "cosign",
            "new-key",
            "--key",
            key_file.to_str().unwrap(),
            "--name",
            "x",
        ],
        &partner,
    );
    assert_ne!(code(&again), 0, "a key was overwritten");
    ok(&["cosigner", "trust", &public], &root);

    // The partner cosigns the first bundle's checkpoint; the case imports it.
    let state = partner.join("state");
    let cosign = |bundle: &Path, out: &str| {
        run(
            &[
                "cosign",
                "bundle",
                bundle.to_str().unwrap(),
                "--key",
                key_file.to_str().unwrap(),
                "--state",
                state.to_str().unwrap(),
                "--out",
                partner.join(out).to_str().unwrap(),
                "--json",
            ],
            &partner,
        )
    };
    let first = cosign(&b1, "c1.txt");
    assert_eq!(code(&first), 0, "{}", text(&first));
    let first = json(&first);
    assert!(first["after"].is_null());
    let size = first["size"].as_u64().unwrap();
    let imported = json(&ok(
        &[
            "cosigner",
            "import",
            partner.join("c1.txt").to_str().unwrap(),
            "--json",
        ],
        &root,
    ));
    assert_eq!(imported["size"], size);
    assert_eq!(imported["cosigners"][0][0], "partner.example/cosigner");
    let listed = text(&ok(&["cosigner", "list"], &root));
    assert!(
        listed.contains(&format!("the checkpoints of size {size}")),
        "{listed}"
    );

    // A copy of the case made now can be made to fork.
    let fork = dir.join("fork");
    copy_dir(&root, &fork);

    // The next bundle carries the cosignature and meets a quorum of one.
    add_text(
        &root,
        dir,
        "second.txt",
        "Сообщение о выплатах, которых не было.\n",
    );
    let b2 = dir.join("b2");
    ok(
        &["bundle", "--out", b2.to_str().unwrap(), "--quorum", "1"],
        &root,
    );
    let checked = text(&ok(&["bundle", "verify", b2.to_str().unwrap()], &root));
    assert!(
        checked.contains(&format!(
            "partner.example/cosigner cosigned the checkpoint of size {size}"
        )),
        "{checked}"
    );
    // A court's own keys: the partner's counts, a stranger's does not.
    ok(
        &[
            "bundle",
            "verify",
            b2.to_str().unwrap(),
            "--cosigner",
            &public,
            "--quorum",
            "1",
        ],
        &root,
    );
    let stranger = dir.join("stranger.key");
    let other = json(&ok(
        &[
            "cosign",
            "new-key",
            "--key",
            stranger.to_str().unwrap(),
            "--name",
            "partner.example/cosigner",
            "--json",
        ],
        dir,
    ));
    let refused = run(
        &[
            "bundle",
            "verify",
            b2.to_str().unwrap(),
            "--cosigner",
            other["key"].as_str().unwrap(),
        ],
        &root,
    );
    assert_ne!(code(&refused), 0);
    assert!(
        text(&refused).contains("the cosigner keys given: 0 of its cosigners"),
        "{}",
        text(&refused)
    );
    // A quorum the case cannot show is refused before anything is logged.
    let too_many = run(
        &[
            "bundle",
            "--out",
            dir.join("b3").to_str().unwrap(),
            "--quorum",
            "2",
        ],
        &root,
    );
    assert_ne!(code(&too_many), 0);
    assert!(
        text(&too_many).contains("a quorum of 2 was asked"),
        "{}",
        text(&too_many)
    );
    assert!(!dir.join("b3").exists());

    // A changed cosignature is caught, naming where it looked.
    let consistency = b2.join(format!("consistency/{size}.txt"));
    let original = std::fs::read_to_string(&consistency).unwrap();
    let line_at = original
        .rfind("\u{2014} partner.example/cosigner ")
        .unwrap();
    let mut changed = original.clone().into_bytes();
    let at = line_at + "\u{2014} partner.example/cosigner ".len() + 20;
    changed[at] = if changed[at] == b'A' { b'B' } else { b'A' };
    std::fs::write(&consistency, &changed).unwrap();
    let caught = casefile_app::bundle_check::verify_bundle(&b2)
        .unwrap_err()
        .to_string();
    assert!(
        caught.contains(&format!("consistency/{size}.txt")),
        "{caught}"
    );
    std::fs::write(&consistency, &original).unwrap();

    // The bundle's own page counts the cosignature too.
    if let Some(chromium) = casefile_testkit::chromium() {
        let port = casefile_testkit::serve(casefile_testkit::folder_handler(b2.clone()));
        let dom = casefile_testkit::browse(
            &chromium,
            &format!("http://127.0.0.1:{port}/verify.html"),
            &["--virtual-time-budget=60000", "--dump-dom"],
        );
        assert!(dom.contains("data-ok=\"true\">VERIFIED"), "{dom}");
        assert!(
            dom.contains(&format!(
                "partner.example/cosigner cosigned the checkpoint of size {size}"
            )),
            "{dom}"
        );
    }

    // The partner cosigns the second bundle: the log grew from the first.
    let second = cosign(&b2, "c2.txt");
    assert_eq!(code(&second), 0, "{}", text(&second));
    assert_eq!(json(&second)["after"], size);
    // The same checkpoint again is fine; an older one is refused.
    let older = cosign(&b1, "c0.txt");
    assert_ne!(code(&older), 0);
    assert!(
        text(&older).contains("older than the one this cosigner cosigned"),
        "{}",
        text(&older)
    );

    // The fork: the copy adds something else and hands out a bundle of the
    // same size with another root. The partner refuses it.
    add_text(
        &fork,
        dir,
        "other.txt",
        "Совсем другое сообщение, которого нет в настоящем деле.\n",
    );
    let forked = dir.join("forked");
    ok(&["bundle", "--out", forked.to_str().unwrap()], &fork);
    assert_eq!(
        json(&ok(&["verify", "--json"], &fork))["tree_size"],
        json(&ok(&["verify", "--json"], &root))["tree_size"]
    );
    let refused = cosign(&forked, "c-fork.txt");
    assert_ne!(code(&refused), 0);
    assert!(
        text(&refused).contains("the log was forked"),
        "{}",
        text(&refused)
    );
    assert!(!partner.join("c-fork.txt").exists());
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
