//! The seed report (`../shared/seed/`), read by the text reader and
//! extracted with a capture date: every date expression the report uses
//! gets its EDTF value, "about 500 people" and "six months" are found, and
//! every direct quote of a named or described speaker has its speaker.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_extract::ner::EntityKind;
use casefile_extract::{ClaimKind, Context, Field, PromiseKind, Resolution, extract};

#[test]
fn the_seed_reports_times_durations_and_counts() {
    let Some(folder) = casefile_testkit::shared_path("seed") else {
        return;
    };
    let path = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|e| e == "txt"))
        .unwrap();
    let document = casefile_reader::text::read(&std::fs::read(&path).unwrap(), None);
    let context = Context {
        captured: Some("2024-05-28".to_owned()),
    };
    let extraction = extract(&document, &context);
    let times: Vec<(String, String, Field)> = extraction
        .times
        .iter()
        .map(|t| (t.text.clone(), t.edtf.clone(), t.field))
        .collect();
    let has = |text: &str, edtf: &str| {
        assert!(
            times.iter().any(|(t, e, _)| t == text && e == edtf),
            "{text} => {edtf} not among {times:#?}"
        );
    };
    // The photo's date is in its caption.
    assert!(
        times
            .iter()
            .any(|(t, e, f)| t == "March 20, 2024" && e == "2024-03-20" && *f == Field::Caption(0)),
        "{times:#?}"
    );
    has("fall 2022", "2022-23");
    has("since November 2022", "2022-11/..");
    has("2017", "2017");
    has("2022", "2022");
    has("February 2023", "2023-02");
    has("January 2024", "2024-01");
    has("April 2024", "2024-04");
    has("May 2024", "2024-05");
    has("earlier this year", "2024-01/2024-05-28");
    let earlier = extraction
        .times
        .iter()
        .find(|t| t.text == "earlier this year")
        .unwrap();
    assert!(matches!(earlier.resolution, Resolution::Relative { .. }));
    for time in &extraction.times {
        let field = time.field.text(&document).unwrap();
        assert_eq!(time.span.slice(field), Some(time.text.as_str()));
    }

    assert!(
        extraction
            .durations
            .iter()
            .any(|d| d.text == "six months" && d.iso == "P6M"),
        "{:#?}",
        extraction.durations
    );
    let about = extraction
        .quantities
        .iter()
        .find(|q| q.text == "about 500 people")
        .unwrap_or_else(|| panic!("{:#?}", extraction.quantities));
    assert_eq!(about.value, Some(500.0));
    assert!(about.approximate);

    // The five direct quotes of named or described speakers: the recruit,
    // the former inmate and the three commentators.
    let speakers: Vec<(&str, &str)> = extraction
        .quotes
        .iter()
        .filter_map(|q| Some((q.text.as_str(), q.speaker.as_ref()?.text.as_str())))
        .collect();
    for (opening, speaker) in [
        ("If you want a day of leave", "one of the recruits"),
        ("I want to be pardoned", "a former inmate from Donetsk"),
        ("The responsibility lies", "Kashevarova"),
        ("The military ranks", "Vlad Filin"),
        ("They […] repeatedly applied", "Margarita Simonyan"),
    ] {
        assert!(
            speakers
                .iter()
                .any(|(text, who)| text.starts_with(opening) && who.contains(speaker)),
            "{opening}… by {speaker}: {speakers:#?}"
        );
    }
    assert!(
        extraction
            .attributions
            .iter()
            .any(|a| a.source.text == "the U.S. State Department")
    );
    // Named speakers are tied to their mentions.
    for (opening, name) in [
        ("The responsibility lies", "Kashevarova"),
        ("The military ranks", "Vlad Filin"),
        ("They […] repeatedly applied", "Margarita Simonyan"),
    ] {
        let quote = extraction
            .quotes
            .iter()
            .find(|q| q.text.starts_with(opening))
            .unwrap();
        let mention = quote.speaker.as_ref().and_then(|s| s.mention).unwrap();
        assert_eq!(extraction.mentions[mention].text, name);
        assert_eq!(extraction.mentions[mention].kind, EntityKind::Person);
    }
    let state_department = extraction
        .attributions
        .iter()
        .find(|a| a.source.text == "the U.S. State Department")
        .and_then(|a| a.source.mention)
        .unwrap();
    assert_eq!(
        extraction.mentions[state_department].text,
        "U.S. State Department"
    );

    // The claims: the recruitment, the promise of an amnesty after six
    // months, the payment stop, the dissolution, both awards, the founding;
    // each with the time its clause names.
    let claim = |kind: ClaimKind, edtf: Option<&str>| {
        extraction.claims.iter().any(|c| {
            c.kind == kind
                && edtf.is_none_or(|edtf| c.times.iter().any(|&t| extraction.times[t].edtf == edtf))
        })
    };
    assert!(claim(ClaimKind::Recruitment, Some("2022-23")));
    assert!(extraction.claims.iter().any(|c| {
        c.kind == ClaimKind::Promise
            && c.promises.contains(&PromiseKind::Amnesty)
            && c.durations
                .iter()
                .any(|&d| extraction.durations[d].iso == "P6M")
    }));
    assert!(claim(ClaimKind::PaymentStop, Some("2024-01")));
    assert!(claim(ClaimKind::Dissolution, Some("2024-04")));
    assert!(claim(ClaimKind::Award, Some("2023-02")));
    assert!(claim(ClaimKind::Award, Some("2024-05")));
    assert!(claim(ClaimKind::Founding, Some("2017")));
    assert!(claim(ClaimKind::ComplaintFiled, None));
    assert!(claim(ClaimKind::LawsuitAnnounced, None));
    assert!(extraction.claims.iter().all(|c| c.status == "proposed"));

    // The metadata's people and outlets: the reporter, the translator, the
    // outlet, and the photographer and agencies of the caption's credit.
    let named: Vec<(&str, EntityKind)> = extraction
        .mentions
        .iter()
        .map(|m| {
            let field = m.field.text(&document).unwrap();
            assert_eq!(m.span.slice(field), Some(m.text.as_str()));
            (m.text.as_str(), m.kind)
        })
        .collect();
    // And the report's own: the unit's founder, the three commentators,
    // the head of state; the unit, both ministries, the internal troops,
    // both outlets, the State Department; the places.
    for expected in [
        ("Alisa Kuznetsova", EntityKind::Person),
        ("Sam Breazeale", EntityKind::Person),
        ("iStories", EntityKind::Organization),
        ("Alexander Reka", EntityKind::Person),
        ("TASS", EntityKind::Organization),
        ("Alexey Dikiy", EntityKind::Person),
        ("Dikiy", EntityKind::Person),
        ("Kashevarova", EntityKind::Person),
        ("Vlad Filin", EntityKind::Person),
        ("Margarita Simonyan", EntityKind::Person),
        ("Putin", EntityKind::Person),
        ("Cascade", EntityKind::Organization),
        ("DNR Interior Ministry", EntityKind::Organization),
        ("Russian Defense Ministry", EntityKind::Organization),
        ("internal troops", EntityKind::Organization),
        ("Meduza", EntityKind::Organization),
        ("U.S. State Department", EntityKind::Organization),
        ("Siversk", EntityKind::Place),
        ("Donetsk region", EntityKind::Place),
        ("Vuhledar", EntityKind::Place),
        ("Mariupol", EntityKind::Place),
        ("Azovstal", EntityKind::Place),
    ] {
        assert!(named.contains(&expected), "{expected:?} not in {named:?}");
    }

    // The extraction survives a JSON round trip.
    let json = serde_json::to_string(&extraction).unwrap();
    let back: casefile_extract::Extraction = serde_json::from_str(&json).unwrap();
    assert_eq!(back, extraction);
}
