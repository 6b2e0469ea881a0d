//! Searching documents and entities: languages, scripts, facets, filters.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_index::{IndexDocument, IndexEntity, SearchIndex, SearchQuery, What};

fn document(source: u64, language: &str, kind: &str, text: &str) -> IndexDocument {
    IndexDocument {
        source,
        document: 0,
        source_kind: kind.to_owned(),
        language: Some(language.to_owned()),
        title: None,
        parts: vec![(Some(language.to_owned()), text.to_owned())],
        date: Some(1_700_000_000 + source as i64 * 86_400 * 100),
        entities: vec![format!("{source}.0.0")],
        claims: vec!["recruitment".to_owned()],
    }
}

fn index() -> (tempfile::TempDir, SearchIndex) {
    let temp = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(temp.path()).unwrap();
    let mut update = index.update().unwrap();
    for doc in [
        document(
            0,
            "en",
            "news",
            "The Cascade battalion recruited prisoners in the fall.",
        ),
        document(
            1,
            "ru",
            "post",
            "Бойцов батальона «Каскад» набирали в колониях.",
        ),
        document(
            2,
            "uk",
            "news",
            "Журналісти писали про батальйон Каскад і його бійців.",
        ),
        document(
            3,
            "en",
            "statement",
            "The ministry said the contracts were signed.",
        ),
    ] {
        update.add_document(&doc).unwrap();
    }
    update
        .replace_entities(&[IndexEntity {
            id: "0.0.0".to_owned(),
            kind: "organization".to_owned(),
            name: "Cascade".to_owned(),
            names: vec!["Cascade".to_owned(), "Каскад".to_owned()],
        }])
        .unwrap();
    update.commit(4).unwrap();
    (temp, index)
}

fn sources(results: &casefile_index::SearchResults) -> Vec<u64> {
    let mut out: Vec<u64> = results.hits.iter().filter_map(|h| h.source).collect();
    out.sort_unstable();
    out
}

#[test]
fn a_word_is_found_in_every_script_unless_that_is_switched_off() {
    let (_temp, index) = index();
    assert_eq!(index.indexed_through().unwrap(), Some(4));
    let query = SearchQuery {
        text: "Каскад".to_owned(),
        what: What::Documents,
        ..SearchQuery::default()
    };
    assert_eq!(sources(&index.search(&query).unwrap()), vec![0, 1, 2]);
    let native = SearchQuery {
        cross_script: false,
        ..query
    };
    assert_eq!(sources(&index.search(&native).unwrap()), vec![1, 2]);
}

#[test]
fn each_language_is_stemmed_as_its_own() {
    let (_temp, index) = index();
    let search = |text: &str| {
        sources(
            &index
                .search(&SearchQuery {
                    text: text.to_owned(),
                    cross_script: false,
                    what: What::Documents,
                    ..SearchQuery::default()
                })
                .unwrap(),
        )
    };
    // English: "recruits" and "recruited" share a stem.
    assert_eq!(search("recruits"), vec![0]);
    // Russian: "батальон" finds "батальона".
    assert_eq!(search("батальон"), vec![1]);
    // Ukrainian: "журналіст" finds "Журналісти".
    assert_eq!(search("журналіст"), vec![2]);
    // Two words must both match.
    assert_eq!(search("ministry contracts"), vec![3]);
    assert_eq!(search("ministry prisoners"), Vec::<u64>::new());
}

#[test]
fn facets_count_and_filters_narrow() {
    let (_temp, index) = index();
    let all = index
        .search(&SearchQuery {
            text: "Каскад".to_owned(),
            what: What::Documents,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(
        all.facets.source_kind,
        vec![("news".to_owned(), 2), ("post".to_owned(), 1)]
    );
    assert_eq!(all.facets.claim, vec![("recruitment".to_owned(), 3)]);
    let narrowed = |query: SearchQuery| sources(&index.search(&query).unwrap());
    let base = SearchQuery {
        text: "Каскад".to_owned(),
        what: What::Documents,
        ..SearchQuery::default()
    };
    assert_eq!(
        narrowed(SearchQuery {
            source_kind: Some("news".to_owned()),
            ..base.clone()
        }),
        vec![0, 2]
    );
    assert_eq!(
        narrowed(SearchQuery {
            language: Some("ru".to_owned()),
            ..base.clone()
        }),
        vec![1]
    );
    assert_eq!(
        narrowed(SearchQuery {
            entity: Some("2.0.0".to_owned()),
            ..base.clone()
        }),
        vec![2]
    );
    assert_eq!(
        narrowed(SearchQuery {
            from: Some(1_700_000_000 + 86_400 * 100),
            until: Some(1_700_000_000 + 86_400 * 200),
            ..base.clone()
        }),
        vec![1]
    );
}

#[test]
fn entities_are_found_by_any_of_their_names() {
    let (_temp, index) = index();
    let results = index
        .search(&SearchQuery {
            text: "каскада".to_owned(),
            what: What::Entities,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(results.hits.len(), 1);
    assert_eq!(results.hits[0].entity.as_deref(), Some("0.0.0"));
}

#[test]
fn reindexing_a_source_replaces_it_and_a_bad_query_is_an_error() {
    let (_temp, index) = index();
    let mut update = index.update().unwrap();
    update.remove_source(3);
    update
        .add_document(&document(
            3,
            "en",
            "statement",
            "Nothing about ministries here.",
        ))
        .unwrap();
    update.commit(4).unwrap();
    let results = index
        .search(&SearchQuery {
            text: "contracts".to_owned(),
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(results.total, 0);
    let bad = index.search(&SearchQuery {
        text: "\"unclosed".to_owned(),
        ..SearchQuery::default()
    });
    assert!(bad.is_err() || bad.unwrap().total == 0);
}

/// The names of the files in a folder.
fn listing(dir: &std::path::Path) -> std::collections::BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Replaces source 9 and commits: the same operations, in the same order,
/// give the same operation stamps and so the same names of the files that
/// record deletions.
fn replace_source_nine(derived: &std::path::Path) -> Result<(), casefile_index::IndexError> {
    let index = SearchIndex::open(derived)?;
    let mut update = index.update()?;
    update.remove_source(9);
    update.add_document(&document(9, "ru", "post", "Бойцов набирали снова."))?;
    update.commit(10)
}

#[test]
fn files_a_killed_update_left_behind_do_not_stop_the_next() {
    let temp = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(temp.path()).unwrap();
    let mut update = index.update().unwrap();
    // Sources 8 and 9 in turn, so that whichever way the documents are
    // shared out among the index's threads, every part of the index holds
    // both, and removing source 9 records deletions in each.
    for n in 0..200 {
        let mut doc = document(8 + n % 2, "ru", "post", "Бойцов набирали в колониях.");
        doc.document = n;
        update.add_document(&doc).unwrap();
    }
    update.commit(9).unwrap();
    drop(index);
    let dir = temp.path().join("index");
    let before = listing(&dir);
    // The update run to its end on a copy of the index writes the files a
    // process killed before its commit was recorded leaves behind: listed
    // in the index's list of its own files, named by no commit.
    let copy = tempfile::tempdir().unwrap();
    std::fs::create_dir(copy.path().join("index")).unwrap();
    for name in &before {
        std::fs::copy(dir.join(name), copy.path().join("index").join(name)).unwrap();
    }
    replace_source_nine(copy.path()).unwrap();
    let after = listing(&copy.path().join("index"));
    assert!(
        after
            .iter()
            .any(|name| !before.contains(name) && name.ends_with(".del")),
        "the update recorded no deletion: {after:?}"
    );
    for name in after.iter().filter(|n| !before.contains(*n)) {
        std::fs::copy(copy.path().join("index").join(name), dir.join(name)).unwrap();
    }
    std::fs::copy(
        copy.path().join("index/.managed.json"),
        dir.join(".managed.json"),
    )
    .unwrap();
    // The same update on the original finds those names taken, and goes on.
    replace_source_nine(temp.path()).unwrap();
    let index = SearchIndex::open(temp.path()).unwrap();
    assert_eq!(index.indexed_through().unwrap(), Some(10));
    let found = |text: &str| {
        index
            .search(&SearchQuery {
                text: text.to_owned(),
                ..SearchQuery::default()
            })
            .unwrap()
            .total
    };
    assert_eq!(found("снова"), 1);
    assert_eq!(found("колониях"), 100);
}
