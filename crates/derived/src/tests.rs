use casefile_document::{Origin, Severity};
use proptest::prelude::*;

use super::*;

/// The sealing key the tests hand their stores, as the case service does
/// once a cleared member has unlocked the case.
const TEST_KEY: [u8; 32] = [7; 32];

fn keyed(store: Store) -> Store {
    store.provide_sealing_key(&TEST_KEY);
    store
}

fn reading(log_index: u64, protected: bool, documents: u64) -> Reading {
    Reading {
        log_index,
        format: Some("text".into()),
        reader: "casefile-reader test".into(),
        protected,
        documents,
        counted: format!("{documents} document"),
        diagnostics: vec![Diagnostic {
            severity: Severity::Warning,
            location: "line 1".into(),
            message: "a note".into(),
        }],
        same_as: None,
    }
}

fn document(text: &str) -> Document {
    let mut document = Document::new(Origin::File {
        name: Some("statement.txt".into()),
    });
    document.text = text.to_owned();
    document
}

fn stored(store: &mut Store, log_index: u64) -> Vec<Document> {
    let mut out = Vec::new();
    store.unseal_documents(log_index, |d| out.push(d)).unwrap();
    out
}

/// Every byte of the store's files, so tests can look for plain text.
fn files_bytes(data_dir: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(data_dir.join(DERIVED_DIR)).unwrap() {
        all.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    all
}

#[test]
fn readings_and_documents_round_trip_plain_and_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let public = [
        document("A public post about the unit."),
        document("Another."),
    ];
    let secret = [document("Свидетель Петренко живёт на улице Садовой.")];
    let mut writer = store.writer().unwrap();
    writer.put(&reading(0, false, 2), &public).unwrap();
    writer.put(&reading(1, true, 1), &secret).unwrap();
    writer.commit().unwrap();

    assert_eq!(stored(&mut store, 0), public);
    assert_eq!(stored(&mut store, 1), secret);
    assert_eq!(store.reading(1).unwrap(), Some(reading(1, true, 1)));
    assert_eq!(store.reading(2).unwrap(), None);
    assert_eq!(
        store.totals().unwrap(),
        Totals {
            sources: 2,
            documents: 3,
            sealed_sources: 1,
            extractions: 0,
            acquisitions: 0,
        }
    );
    drop(store);
    let bytes = files_bytes(dir.path());
    let needle = "Петренко".as_bytes();
    assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    assert!(bytes.windows(9).any(|w| w == b"public po"));
    // The sealed documents open again after the store is reopened.
    let mut store = keyed(Store::open(dir.path()).unwrap());
    assert_eq!(stored(&mut store, 1), secret);
}

#[test]
fn unread_sources_are_the_gaps_below_the_tree_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    assert_eq!(store.unread(3).unwrap(), vec![0, 1, 2]);
    let mut writer = store.writer().unwrap();
    for index in [1, 4, 5] {
        writer.put(&reading(index, false, 0), &[]).unwrap();
    }
    writer.commit().unwrap();
    assert_eq!(store.unread(7).unwrap(), vec![0, 2, 3, 6]);
    assert_eq!(store.unread(2).unwrap(), vec![0]);
}

#[test]
fn a_writer_dropped_without_commit_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    {
        let mut writer = store.writer().unwrap();
        writer
            .put(&reading(0, false, 1), &[document("lost")])
            .unwrap();
    }
    assert_eq!(store.totals().unwrap(), Totals::default());
    // Putting a source again replaces its documents.
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, false, 2), &[document("a"), document("b")])
        .unwrap();
    writer.put(&reading(0, false, 1), &[document("c")]).unwrap();
    writer.commit().unwrap();
    assert_eq!(stored(&mut store, 0), vec![document("c")]);
}

#[test]
fn changed_or_moved_sealed_rows_do_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, true, 1), &[document("first testimony")])
        .unwrap();
    writer
        .put(&reading(1, true, 1), &[document("second testimony")])
        .unwrap();
    writer.commit().unwrap();
    // Move source 0's sealed document under source 1.
    store
        .conn
        .execute(
            "UPDATE documents SET body = (SELECT body FROM documents WHERE log_index = 0) \
             WHERE log_index = 1",
            [],
        )
        .unwrap();
    let error = store.unseal_documents(1, |_| {}).unwrap_err();
    assert!(matches!(error, DerivedError::Unseal { log_index: 1, .. }));
    assert!(!error.to_string().contains("testimony"));
    assert_eq!(stored(&mut store, 0), vec![document("first testimony")]);

    // A store whose key was replaced says so, and rebuilding is the way out.
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    store.provide_sealing_key(&[8; 32]);
    assert!(matches!(
        store.unseal_documents(0, |_| {}),
        Err(DerivedError::Unseal { .. })
    ));
    drop(store);
    let store = Store::recreate(dir.path()).unwrap();
    assert_eq!(store.totals().unwrap(), Totals::default());
}

#[test]
fn extractions_are_stored_beside_documents_and_sealed_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, true, 1), &[document("testimony")])
        .unwrap();
    writer
        .put_extraction(0, 0, true, &serde_json::json!({"times": ["Садовая улица"]}))
        .unwrap();
    writer.commit().unwrap();
    let mut seen = Vec::new();
    store
        .unseal_extractions(0, |ordinal, value: serde_json::Value| {
            seen.push((ordinal, value))
        })
        .unwrap();
    assert_eq!(
        seen,
        vec![(0, serde_json::json!({"times": ["Садовая улица"]}))]
    );
    assert_eq!(store.totals().unwrap().extractions, 1);
    drop(store);
    let needle = "Садовая".as_bytes();
    assert!(
        !files_bytes(dir.path())
            .windows(needle.len())
            .any(|w| w == needle)
    );
    // Reading a source again replaces its extractions too.
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, true, 1), &[document("testimony")])
        .unwrap();
    writer.commit().unwrap();
    assert_eq!(store.totals().unwrap().extractions, 0);
}

#[test]
fn a_store_from_an_older_casefile_is_refused_untouched_until_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, false, 1), &[document("a page")])
        .unwrap();
    writer.commit().unwrap();
    store
        .conn
        .execute("UPDATE meta SET value = '1' WHERE key = 'schema'", [])
        .unwrap();
    drop(store);
    // Not dropped on open: the caller is told, and decides.
    let error = Store::open(dir.path()).unwrap_err();
    assert!(matches!(error, DerivedError::OlderSchema { found: 1, .. }));
    let error = Store::open_reader(dir.path()).unwrap_err();
    assert!(matches!(error, DerivedError::OlderSchema { found: 1, .. }));
    let old = Connection::open(dir.path().join(DERIVED_DIR).join(DOCUMENTS_FILE))
        .unwrap()
        .query_row("SELECT count(*) FROM documents", [], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap();
    assert_eq!(old, 1, "the older store is kept as it was");
    let store = Store::recreate(dir.path()).unwrap();
    assert_eq!(store.totals().unwrap(), Totals::default());
    assert_eq!(store.unread(1).unwrap(), vec![0]);
}

#[test]
fn a_reader_sees_the_store_as_it_was_when_it_was_opened() {
    let dir = tempfile::tempdir().unwrap();
    // A case with nothing derived yet reads as empty, and nothing is made.
    let empty = keyed(Store::open_reader(dir.path()).unwrap());
    assert_eq!(empty.totals().unwrap(), Totals::default());
    assert!(!dir.path().join(DERIVED_DIR).exists());
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, false, 1), &[document("first")])
        .unwrap();
    writer.commit().unwrap();
    let reader = keyed(Store::open_reader(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(1, false, 1), &[document("second")])
        .unwrap();
    writer.set_made_by("reader", "test 1").unwrap();
    writer.commit().unwrap();
    assert_eq!(reader.read_sources().unwrap(), vec![0]);
    assert!(reader.made_by().unwrap().is_empty());
    let later = keyed(Store::open_reader(dir.path()).unwrap());
    assert_eq!(later.read_sources().unwrap(), vec![0, 1]);
    assert_eq!(
        later.made_by().unwrap(),
        vec![("reader".to_owned(), "test 1".to_owned())]
    );
    // A reader never writes.
    let mut reader = reader;
    assert!(reader.writer().is_err());
}

#[test]
fn a_documents_entities_are_found_without_the_entities() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put_entity_documents("E3.0.1", &[(3, 0), (3, 2), (5, 0)])
        .unwrap();
    // Told twice, a document is stored once.
    writer
        .put_entity_documents("E3.0.0", &[(3, 0), (3, 0)])
        .unwrap();
    writer.commit().unwrap();
    let in_three = store.entities_in(3).unwrap();
    assert_eq!(
        in_three.into_iter().collect::<Vec<_>>(),
        vec![
            (0, vec!["E3.0.0".to_owned(), "E3.0.1".to_owned()]),
            (2, vec!["E3.0.1".to_owned()])
        ]
    );
    assert!(store.entities_in(4).unwrap().is_empty());
    // Cleared with the entities.
    let mut writer = store.writer().unwrap();
    writer.clear_entities().unwrap();
    writer.commit().unwrap();
    assert!(store.entities_in(3).unwrap().is_empty());
}

#[test]
fn a_store_from_a_newer_casefile_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = keyed(Store::open(dir.path()).unwrap());
    store
        .conn
        .execute("UPDATE meta SET value = '99' WHERE key = 'schema'", [])
        .unwrap();
    drop(store);
    let error = Store::open(dir.path()).unwrap_err();
    assert!(matches!(error, DerivedError::NewerSchema { found: 99, .. }));
    assert!(error.to_string().contains("casefile rebuild"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_documents_round_trip(
        texts in proptest::collection::vec(".{0,200}", 0..6),
        protected in any::<bool>(),
        log_index in 0u64..1_000_000,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = keyed(Store::open(dir.path()).unwrap());
        let documents: Vec<Document> = texts.iter().map(|t| document(t)).collect();
        let mut writer = store.writer().unwrap();
        writer.put(&reading(log_index, protected, documents.len() as u64), &documents).unwrap();
        writer.commit().unwrap();
        prop_assert_eq!(stored(&mut store, log_index), documents);
        prop_assert_eq!(store.reading(log_index).unwrap(), Some(reading(log_index, protected, texts.len() as u64)));
    }
}

#[test]
fn only_unsealed_sources_hand_out_their_documents_as_open_material() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, true, 1), &[document("a witness's words")])
        .unwrap();
    writer
        .put(&reading(1, false, 1), &[document("a page")])
        .unwrap();
    writer.commit().unwrap();
    let open = store.unsealed_sources().unwrap();
    assert_eq!(open.iter().map(|s| s.index()).collect::<Vec<_>>(), vec![1]);
    let mut texts = Vec::new();
    store.documents(open[0], |d| texts.push(d.text)).unwrap();
    assert_eq!(texts, vec!["a page".to_owned()]);
    // Read again as protected after the view was taken: refused, not
    // handed out.
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(1, true, 1), &[document("a page")])
        .unwrap();
    writer.commit().unwrap();
    let error = store.documents(open[0], |_| {}).unwrap_err();
    assert!(matches!(error, DerivedError::Sealed { log_index: 1, .. }));
    assert!(!error.to_string().contains("a page"));
}

#[test]
fn without_the_sealing_key_protected_rows_are_locked_and_no_key_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let mut writer = store.writer().unwrap();
    let refused = writer.put(&reading(0, true, 1), &[document("a testimony")]);
    assert!(
        matches!(refused, Err(DerivedError::Locked { .. })),
        "{refused:?}"
    );
    drop(writer);
    writer = store.writer().unwrap();
    writer
        .put(&reading(1, false, 1), &[document("a page")])
        .unwrap();
    writer.commit().unwrap();
    drop(store);
    let key = dir.path().join(SEALING_KEY_FILE);
    assert!(!key.exists(), "a store made a sealing key file");

    let mut store = keyed(Store::open(dir.path()).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put(&reading(0, true, 1), &[document("a testimony")])
        .unwrap();
    writer.commit().unwrap();
    drop(store);
    assert!(!key.exists(), "a store made a sealing key file");
    // A reader given the key opens what the writer sealed; one without it
    // says the source is locked.
    let reader = keyed(Store::open_reader(dir.path()).unwrap());
    let mut opened = Vec::new();
    reader
        .unseal_documents(0, |document| opened.push(document))
        .unwrap();
    assert_eq!(opened, vec![document("a testimony")]);
    let reader = Store::open_reader(dir.path()).unwrap();
    let locked = reader.unseal_documents(0, |_| {});
    assert!(
        matches!(locked, Err(DerivedError::LockedSource { log_index: 0, .. })),
        "{locked:?}"
    );
    assert_eq!(stored_open(&reader, 1), vec![document("a page")]);
}

fn stored_open(store: &Store, log_index: u64) -> Vec<Document> {
    let open = store
        .unsealed_sources()
        .unwrap()
        .into_iter()
        .find(|s| s.index() == log_index)
        .unwrap();
    let mut documents = Vec::new();
    store.documents(open, |d| documents.push(d)).unwrap();
    documents
}

fn entity_summary(id: &str, number: u64, name: &str, mentions: u64) -> EntitySummary {
    EntitySummary {
        id: id.into(),
        number,
        kind: "person".into(),
        name: name.into(),
        mentions,
        sources: 1,
    }
}

fn record_summary(id: &str, label: &str) -> RecordSummary {
    RecordSummary {
        id: id.into(),
        kind: "violation".into(),
        subtype: None,
        status: "proposed".into(),
        label: label.into(),
    }
}

/// A store with two open entities and two open records, and a layer that
/// changes one of each, adds one of each and removes a record.
fn layered_store(dir: &Path) -> (Store, ProtectedLayer) {
    let mut store = keyed(Store::open(dir).unwrap());
    let mut writer = store.writer().unwrap();
    writer
        .put_entity(&entity_summary("1.0.0", 1, "Open Person", 3), &"open-1")
        .unwrap();
    writer
        .put_entity(&entity_summary("1.0.1", 2, "Other Person", 2), &"open-2")
        .unwrap();
    writer.put_entity_documents("1.0.0", &[(1, 0)]).unwrap();
    writer
        .put_record(
            &record_summary("E1.0.0", "Open Person"),
            &[("subject".into(), "E1.0.0".into())],
            &"rec-open",
        )
        .unwrap();
    writer
        .put_record(
            &record_summary("V1.0.2", "A beating"),
            &[("victim".into(), "E1.0.1".into())],
            &"rec-gone",
        )
        .unwrap();
    writer.set_entities_through(3).unwrap();
    let layer = ProtectedLayer {
        through: 3,
        entities: vec![
            LayerEntity {
                summary: entity_summary("1.0.0", 1, "Open Person", 5),
                body: "\"layer-1\"".into(),
            },
            LayerEntity {
                summary: entity_summary("2.0.0", 3, "Witnessed Zakharchenko", 4),
                body: "\"layer-3\"".into(),
            },
        ],
        removed_entities: vec!["1.0.1".into()],
        entity_documents: vec![
            ("2.0.0".into(), 2, 0),
            ("1.0.0".into(), 2, 0),
            ("1.0.0".into(), 1, 0),
        ],
        records: vec![LayerRecord {
            summary: record_summary("V2.0.1", "Zakharchenko beat a recruit"),
            links: vec![("perpetrator".into(), "E2.0.0".into())],
            body: "\"rec-layer\"".into(),
        }],
        removed_records: vec!["V1.0.2".into()],
        register: Some("{\"witnesses\": [\"Zakharchenko\"]}".into()),
    };
    writer.put_protected_layer(&layer).unwrap();
    writer.commit().unwrap();
    (store, layer)
}

#[test]
fn the_protected_layer_is_sealed_and_laid_over_the_plain_rows_only_when_installed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, layer) = layered_store(dir.path());
    drop(store);
    // Nothing of it is in the files in plain text.
    let bytes = files_bytes(dir.path());
    assert!(
        !bytes
            .windows("Zakharchenko".len())
            .any(|w| w == b"Zakharchenko")
    );
    let mut reader = keyed(Store::open_reader(dir.path()).unwrap());
    assert_eq!(reader.protected_layer_through().unwrap(), Some(3));
    let opened = reader.read_protected_layer().unwrap().unwrap();
    assert_eq!(opened, layer);
    // Before it is installed, the plain rows alone.
    let names = |s: &Store| -> Vec<(String, u64)> {
        s.entity_list(None)
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.mentions))
            .collect()
    };
    assert_eq!(
        names(&reader),
        [
            ("Open Person".to_owned(), 3),
            ("Other Person".to_owned(), 2)
        ]
    );
    reader.install_protected_layer(opened);
    assert_eq!(
        names(&reader),
        [
            ("Open Person".to_owned(), 5),
            ("Witnessed Zakharchenko".to_owned(), 4),
        ]
    );
    assert_eq!(reader.entity::<String>("1.0.1").unwrap(), None);
    assert_eq!(
        reader.entity::<String>("1.0.0").unwrap().as_deref(),
        Some("layer-1")
    );
    assert_eq!(
        reader.entities_in(2).unwrap(),
        BTreeMap::from([(0, vec!["1.0.0".to_owned(), "2.0.0".to_owned()])])
    );
    let ids: Vec<String> = reader
        .record_list(None, None)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["E1.0.0", "V2.0.1"]);
    let mut bodies: Vec<String> = Vec::new();
    reader.records(|b: String| bodies.push(b)).unwrap();
    assert_eq!(bodies, ["rec-open", "rec-layer"]);
    assert_eq!(reader.record::<String>("V1.0.2").unwrap(), None);
    let links = reader.links_to("E2.0.0").unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].role, "perpetrator");
    assert!(reader.links_to("E1.0.1").unwrap().is_empty());
    // Set aside, the plain rows again: what a locked member reads.
    reader.open_layer_only(|plain| {
        assert_eq!(
            names(plain),
            [
                ("Open Person".to_owned(), 3),
                ("Other Person".to_owned(), 2)
            ]
        );
        assert_eq!(
            plain.record::<String>("V1.0.2").unwrap().as_deref(),
            Some("rec-gone")
        );
    });
    assert_eq!(names(&reader).len(), 2);
}

#[test]
fn a_protected_layer_changed_cut_or_read_without_the_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = layered_store(dir.path());
    drop(store);
    let locked = Store::open_reader(dir.path()).unwrap();
    assert!(matches!(
        locked.read_protected_layer(),
        Err(DerivedError::Locked { .. })
    ));
    let path = dir.path().join(DERIVED_DIR).join(DOCUMENTS_FILE);
    {
        let conn = Connection::open(&path).unwrap();
        let body: Vec<u8> = conn
            .query_row("SELECT body FROM protected_layer WHERE part = 0", [], |r| {
                r.get(0)
            })
            .unwrap();
        let mut changed = body.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        conn.execute(
            "UPDATE protected_layer SET body = ?1 WHERE part = 0",
            [&changed],
        )
        .unwrap();
    }
    let reader = keyed(Store::open_reader(dir.path()).unwrap());
    let error = reader.read_protected_layer().unwrap_err().to_string();
    assert!(error.contains("part 0 of 1 does not open"), "{error}");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute("DELETE FROM protected_layer", []).unwrap();
    }
    let reader = keyed(Store::open_reader(dir.path()).unwrap());
    let error = reader.read_protected_layer().unwrap_err().to_string();
    assert!(error.contains("0 of its 1 parts"), "{error}");
    // Cleared, it is gone (and no key was needed).
    let mut store = Store::open(dir.path()).unwrap();
    let mut writer = store.writer().unwrap();
    writer.clear_protected_layer().unwrap();
    writer.commit().unwrap();
    assert_eq!(store.protected_layer_through().unwrap(), None);
}

#[test]
fn every_commit_moves_the_generation_and_a_rolled_back_write_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path()).unwrap();
    let first = store.generation().unwrap();
    let mut writer = store.writer().unwrap();
    writer.set_entities_through(3).unwrap();
    writer.commit().unwrap();
    let second = store.generation().unwrap();
    assert!(second > first, "{first} then {second}");
    // A reader opened now sees the same generation; a write dropped
    // without its commit leaves it.
    assert_eq!(
        Store::open_reader(dir.path())
            .unwrap()
            .generation()
            .unwrap(),
        second
    );
    let mut writer = store.writer().unwrap();
    writer.set_entities_through(4).unwrap();
    drop(writer);
    assert_eq!(store.generation().unwrap(), second);
    assert_eq!(store.entities_through().unwrap(), Some(3));
}
