//! The case service in-process: adding, syncing, querying snapshots,
//! judgements and record actions, read-only opening, and derived stores
//! made by another casefile.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use casefile_app::types::{Action, ActionKind, SearchQuery, SourceKind, Verdict, What};
use casefile_app::{AddRequest, Case, ErrorKind, Quiet};

fn request(kind: SourceKind) -> AddRequest {
    AddRequest {
        kind,
        url: None,
        acquired_at: Some("2024-06-01".to_owned()),
        note: None,
        by: "tester".to_owned(),
    }
}

const PAGE: &str = "Officials of the Shtorm battalion said on 3 March 2024 that \
Ivan Petrenko recruited 120 prisoners in Rostov with a promise of a pardon after six months.\n";

const OTHER: &str = "On 5 April 2024 Ivan Petrenko denied that prisoners in Rostov were unpaid.\n";

/// The log entries a test case begins with: its member and its case key.
const FOUNDING: u64 = 2;

fn new_case() -> (tempfile::TempDir, Case) {
    let dir = tempfile::tempdir().unwrap();
    let case = common::test_case(dir.path(), "casefile/test");
    (dir, case)
}

#[test]
fn an_add_syncs_and_a_second_sync_has_nothing_to_do() {
    let (_dir, case) = new_case();
    let outcome = case
        .add_bytes(
            "page.txt",
            PAGE.as_bytes(),
            &request(SourceKind::News),
            &Quiet,
        )
        .unwrap();
    assert_eq!(outcome.added.len(), 1);
    assert_eq!(outcome.tree_size, FOUNDING + 1);
    // The first sync reads the entries that founded the case too.
    assert_eq!(outcome.sync.read.sources, FOUNDING + 1);
    assert!(outcome.sync.resolved.is_some());
    assert!(outcome.sync.indexed.is_some());
    assert_eq!(outcome.same_as, vec![None]);
    // Nothing came in since: nothing is read, resolved or indexed.
    let again = case.sync(&Quiet).unwrap();
    assert_eq!(again.read.sources, 0);
    assert_eq!(again.resolved, None);
    assert_eq!(again.indexed, None);
    // The same bytes again are another acquisition of source 0.
    let twice = case
        .add_bytes(
            "copy.txt",
            PAGE.as_bytes(),
            &request(SourceKind::News),
            &Quiet,
        )
        .unwrap();
    assert_eq!(twice.same_as, vec![Some(FOUNDING)]);
    let snapshot = case.snapshot().unwrap();
    assert_eq!(snapshot.resolved_through().unwrap(), Some(FOUNDING + 2));
    let names: Vec<String> = snapshot
        .entity_list(None)
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(names.iter().any(|n| n == "Ivan Petrenko"), "{names:?}");
    let found = snapshot
        .search(&SearchQuery {
            text: "prisoners".to_owned(),
            cross_script: true,
            source_kind: None,
            language: None,
            entity: None,
            claim: None,
            status: None,
            from: None,
            until: None,
            what: What::Documents,
            limit: 10,
        })
        .unwrap();
    assert_eq!(found.total, 1, "the repeated bytes are not indexed twice");
}

#[test]
fn a_snapshot_keeps_what_it_saw_while_the_case_moves_on() {
    let (_dir, case) = new_case();
    case.add_bytes(
        "page.txt",
        PAGE.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    let before = case.snapshot().unwrap();
    let seen = before.totals().unwrap();
    case.add_bytes(
        "other.txt",
        OTHER.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    assert_eq!(before.totals().unwrap(), seen);
    assert_eq!(before.resolved_through().unwrap(), Some(FOUNDING + 1));
    let after = case.snapshot().unwrap();
    assert_eq!(after.totals().unwrap().sources, seen.sources + 1);
    assert_eq!(after.resolved_through().unwrap(), Some(FOUNDING + 2));
}

#[test]
fn a_case_opened_read_only_answers_and_refuses_writes() {
    let (dir, case) = new_case();
    case.add_bytes(
        "page.txt",
        PAGE.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    let reader = Case::open_read_only(dir.path()).unwrap();
    let error = reader
        .add_bytes(
            "other.txt",
            OTHER.as_bytes(),
            &request(SourceKind::News),
            &Quiet,
        )
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Locked);
    assert_eq!(reader.sync(&Quiet).unwrap_err().kind(), ErrorKind::Locked);
    assert_eq!(reader.latest_checkpoint().unwrap().0, FOUNDING + 1);
    let report = reader
        .snapshot()
        .unwrap()
        .report(jiff::civil::date(2025, 1, 1), false)
        .unwrap();
    assert!(!report.timeline.is_empty());
}

#[test]
fn errors_say_their_kind() {
    let (_dir, case) = new_case();
    case.add_bytes(
        "page.txt",
        PAGE.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    let snapshot = case.snapshot().unwrap();
    assert_eq!(
        snapshot.entity("E9.9.9").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        snapshot.entity("Petrenko").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        snapshot.record("C9.9.9").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        snapshot.citation(0, 0, 5, 2).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        snapshot.citation(7, 0, 0, 2).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(
        case.resolve_source("99").unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let entity = &snapshot.entity_list(None).unwrap()[0];
    let error = case
        .judge(&entity.id, &entity.id, Verdict::Same, None, "tester")
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        Case::open(dir.path()).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn judgements_and_actions_are_logged_and_applied() {
    let (_dir, case) = new_case();
    case.add_bytes(
        "page.txt",
        PAGE.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    case.add_bytes(
        "other.txt",
        OTHER.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    let snapshot = case.snapshot().unwrap();
    let people: Vec<_> = snapshot
        .entity_list(Some("person"))
        .unwrap()
        .into_iter()
        .filter(|e| e.name == "Ivan Petrenko")
        .collect();
    assert_eq!(people.len(), 1, "both mentions resolve to one person");
    let person = &people[0];
    assert_eq!(person.mentions, 2);
    // Split the second mention off: it becomes an entity of its own.
    let outcome = case
        .split_entity(&person.id, &[2], Some("another man".to_owned()), "tester")
        .unwrap();
    assert_eq!(outcome.log_entries, vec![FOUNDING + 2]);
    assert_eq!(outcome.now.len(), 2);
    assert_ne!(outcome.now[0].entity, outcome.now[1].entity);
    assert!(outcome.now.iter().all(|p| p.entity.is_some()));
    // A record confirmed.
    let snapshot = case.snapshot().unwrap();
    let record = snapshot.record_list(None, Some("proposed")).unwrap()[0]
        .id
        .clone();
    let done = case
        .act(
            &[Action::on(ActionKind::Confirm, Some(record.clone()))],
            "tester",
        )
        .unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].entry, FOUNDING + 3);
    let now = done[0].record.as_ref().unwrap();
    assert_eq!(now.status.as_str(), "confirmed");
    let shown = case.snapshot().unwrap().record(&record).unwrap();
    assert_eq!(shown.record.status.as_str(), "confirmed");
    // An action on a record that does not exist is refused, and nothing is
    // logged.
    let error = case
        .act(
            &[Action::on(ActionKind::Confirm, Some("C99.0.0".to_owned()))],
            "tester",
        )
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Conflict);
    assert_eq!(case.latest_checkpoint().unwrap().0, FOUNDING + 4);
}

#[test]
fn curation_is_logged_from_bytes_with_no_temporary_file_left() {
    let (dir, case) = new_case();
    case.add_bytes(
        "page.txt",
        PAGE.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    case.add_bytes(
        "other.txt",
        OTHER.as_bytes(),
        &request(SourceKind::News),
        &Quiet,
    )
    .unwrap();
    let snapshot = case.snapshot().unwrap();
    let person = snapshot
        .entity_list(Some("person"))
        .unwrap()
        .into_iter()
        .find(|e| e.mentions == 2)
        .unwrap();
    case.split_entity(&person.id, &[1], None, "tester").unwrap();
    let tmp = dir.path().join(".casefile/blobs/tmp");
    let left: Vec<_> = std::fs::read_dir(&tmp).map_or_else(|_| Vec::new(), |d| d.collect());
    assert!(left.is_empty(), "{left:?}");
    let entry = case.latest_checkpoint().unwrap().0 - 1;
    let shown = case.snapshot().unwrap();
    assert_eq!(shown.reading(entry).unwrap().unwrap().documents, 0);
}
