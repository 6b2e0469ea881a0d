//! Compatibility: a case written by version 1 (committed under
//! `tests/golden/v1/`, made with `casefile init` and two adds of synthetic
//! files) opens, verifies and answers with this build. Its signing key is a
//! throwaway made for this fixture and signs nothing else. If this test fails,
//! a format changed in a way that breaks existing cases: keep reading the old
//! format instead of changing the fixture.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use std::path::Path;

use casefile_vault::{Case, SourceKind, SystemClock};

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

fn golden_case() -> (tempfile::TempDir, Case) {
    let temp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/v1");
    copy_tree(&fixture, temp.path());
    // Version control does not keep file modes; the key must be private.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(
        temp.path().join(".casefile/signing.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    let case = Case::open(temp.path(), Box::new(SystemClock)).unwrap();
    (temp, case)
}

#[test]
fn a_version_1_case_opens_and_verifies() {
    let (_temp, case) = golden_case();
    assert_eq!(case.origin(), "casefile/golden-v1");
    assert_eq!(
        case.verifier().to_string(),
        "casefile/golden-v1+38cb12c3+ARX12r8cjKWr+9m6sa25tIbSVjFsH44IJDr5mYvcz7Qo"
    );
    let report = case.verify(&mut |_, _, _| {}).unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(report.tree_size, 3);
    assert_eq!(report.checkpoints_checked, 3);
    assert_eq!(
        report.root,
        "9fa92f2924f9a6286ced67614e97aab72094ee6f998240f0bbdd381ebad40fa1"
    );
}

#[test]
fn a_version_1_case_answers_lookups_and_proofs() {
    let (_temp, case) = golden_case();
    let testimony = case.source(case.resolve("src_68a9ad68").unwrap()).unwrap();
    assert_eq!(testimony.entry.index, 0);
    assert_eq!(testimony.entry.kind, SourceKind::Testimony);
    assert_eq!(testimony.entry.name.as_deref(), Some("testimony.txt"));
    assert_eq!(
        testimony.entry.acquired_at.as_deref(),
        Some("2024-05-01T10:00:00Z")
    );
    assert_eq!(
        testimony.entry.note.as_deref(),
        Some("рядок один\nрядок два \\ кінець")
    );
    assert_eq!(testimony.entry.by, "golden");
    let empty = case
        .source(
            case.resolve("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
                .unwrap(),
        )
        .unwrap();
    assert_eq!(empty.entry.size, 0);
    assert_eq!(
        empty.entry.url.as_deref(),
        Some("https://example.org/a?b=c")
    );
    assert_eq!(empty.entry.acquired_at.as_deref(), Some("2024-05"));
    let proof = case.inclusion_proof(1, Some(3)).unwrap();
    assert_eq!(
        proof.root,
        "9fa92f2924f9a6286ced67614e97aab72094ee6f998240f0bbdd381ebad40fa1"
    );
    assert!(proof.checkpoint.is_some());
    case.consistency_proof(1, Some(3)).unwrap();
}

#[test]
fn a_version_1_case_takes_new_sources() {
    let (temp, case) = golden_case();
    let path = temp.path().join("new.txt");
    std::fs::write(&path, "added by a newer build\n").unwrap();
    let blob = case.prepare(&path).unwrap();
    let options = casefile_vault::AddOptions {
        kind: SourceKind::Other,
        url: None,
        acquired_at: None,
        note: None,
        by: "test".into(),
        sealed: None,
    };
    let added = case.commit(vec![(blob, options)]).unwrap();
    assert_eq!(added[0].log_index, 3);
    assert!(case.verify(&mut |_, _, _| {}).unwrap().ok);
}
