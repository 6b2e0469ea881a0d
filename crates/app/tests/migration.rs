//! Cases made by an earlier casefile: `tests/golden/schema7/` was made by
//! the release before the case service (commit 8c460e2's binary) with
//! `init`, two adds (an English page and a Russian note, then a made-up
//! testimony) and one `record confirm`; its search index was left out. Its
//! keys are throwaways made for this fixture. Opening it with this build
//! and syncing must read it again (it records no reader or extractor
//! version) and keep every person's decision; a derived store of a newer
//! schema must be refused and left as it was.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use std::path::Path;

use casefile_app::{Case, ErrorKind, Quiet};
use sha2::Digest as _;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn golden() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/schema7");
    copy_tree(&fixture, temp.path());
    // Version control does not keep file modes; the keys must be private.
    use std::os::unix::fs::PermissionsExt as _;
    for key in ["signing.key", "sealing.key"] {
        std::fs::set_permissions(
            temp.path().join(".casefile").join(key),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    temp
}

fn store_path(root: &Path) -> std::path::PathBuf {
    root.join(".casefile/derived/documents.sqlite")
}

fn set_schema(root: &Path, schema: &str) {
    rusqlite::Connection::open(store_path(root))
        .unwrap()
        .execute("UPDATE meta SET value = ?1 WHERE key = 'schema'", [schema])
        .unwrap();
}

#[test]
fn a_case_of_the_previous_release_is_read_again_and_keeps_its_decisions() {
    let temp = golden();
    let case = Case::open(temp.path()).unwrap();
    // Before a sync it reads as the previous release left it.
    let before = case.snapshot().unwrap();
    assert_eq!(
        before.record("C0.0.0").unwrap().record.status.as_str(),
        "confirmed"
    );
    drop(before);
    let stats = case.sync(&Quiet).unwrap();
    let why = stats.rederived.as_deref().unwrap_or_default();
    assert!(why.contains("reader"), "{why}");
    assert_eq!(stats.read.sources, 4, "every source is read again");
    assert_eq!(stats.read.sealed, 1, "the testimony is sealed again");
    assert!(stats.resolved.is_some());
    assert!(stats.indexed.is_some(), "the index left out is made");
    let snapshot = case.snapshot().unwrap();
    let names: Vec<String> = snapshot
        .entity_list(None)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(names.contains(&"Ivan Petrenko".to_owned()), "{names:?}");
    let confirmed = snapshot.record_list(None, Some("confirmed")).unwrap();
    let ids: Vec<&str> = confirmed.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["C0.0.0"],
        "the confirmation in the log is applied again"
    );
    // Synced once, the case is current: the next sync does nothing.
    let again = case.sync(&Quiet).unwrap();
    assert_eq!(again.rederived, None);
    assert_eq!(again.read.sources, 0);
    assert_eq!(again.resolved, None);
    assert!(case.verify(&mut |_, _, _| {}).unwrap().ok);
}

#[test]
fn an_older_schema_is_made_again_by_sync_and_said_why() {
    let temp = golden();
    set_schema(temp.path(), "6");
    let case = Case::open(temp.path()).unwrap();
    let error = case.snapshot().unwrap_err();
    assert!(error.chain().contains("schema 6"), "{}", error.chain());
    let stats = case.sync(&Quiet).unwrap();
    assert!(
        stats
            .rederived
            .as_deref()
            .unwrap_or_default()
            .contains("schema 6"),
        "{stats:?}"
    );
    assert_eq!(stats.read.sources, 4);
    assert_eq!(
        case.snapshot()
            .unwrap()
            .record_list(None, Some("confirmed"))
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_newer_schema_is_refused_and_left_as_it_was() {
    let temp = golden();
    set_schema(temp.path(), "99");
    let digest = || sha2::Sha256::digest(std::fs::read(store_path(temp.path())).unwrap());
    let before = digest();
    let case = Case::open(temp.path()).unwrap();
    let error = case.sync(&Quiet).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Io);
    let text = error.chain();
    assert!(
        text.contains("schema 99") && text.contains("update casefile"),
        "{text}"
    );
    assert!(case.snapshot().is_err());
    assert_eq!(digest(), before, "the store is not changed");
}
