//! Records proposed from a short made-up news text: the claims and their
//! facts, the group the violation happened to, the engagement with its
//! promise, and the relations the sentences name.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_extract::{Context, extract};
use casefile_records::{DocumentInput, RecordKind, Records, propose};

const TEXT: &str = "\
Recruits of the Shtorm Battalion were promised an amnesty after six months of service.

They were recruited in November 2022, a former recruit told reporters.

Ivan Petrenko, the commander of the Shtorm Battalion, said nothing.

About 300 people were beaten by instructors in March 2023.
";

#[test]
fn a_news_text_proposes_its_records() {
    let doc = casefile_reader::text::read(TEXT.as_bytes(), Some("shtorm.txt"));
    let extraction = extract(
        &doc,
        &Context {
            captured: Some("2024-06-01".to_owned()),
        },
    );
    // Mentions resolve to entities named after their ordinal here.
    let entities: Vec<Option<String>> = (0..extraction.mentions.len())
        .map(|m| Some(format!("E7.0.{m}")))
        .collect();
    let mut all = propose(&[], &[], &|_| true);
    all.extend(propose(
        &[DocumentInput {
            source: 7,
            document: 0,
            logged_at: Some("2024-06-01T10:00:00Z"),
            doc: &doc,
            extraction: &extraction,
            entities: &entities,
        }],
        &[],
        &|e| !e.contains('X'),
    ));
    let records = Records::new(all);
    let of = |kind: RecordKind| -> Vec<&casefile_records::Record> {
        records.iter().filter(|r| r.kind == kind).collect()
    };
    // Every claim has its claim record and a fact record linked both ways.
    for claim in of(RecordKind::Claim) {
        let fact = claim.linked("fact").next().unwrap();
        let fact = records.get(fact).unwrap();
        assert_eq!(fact.linked("claim").next(), Some(claim.id.as_str()));
        assert_eq!(fact.evidence, claim.evidence);
        assert_eq!(fact.status_by.entry, 7);
        assert!(fact.status_by.method.starts_with("casefile-extract@"));
    }
    // The promise: amnesty after six months, in the document's engagement,
    // which the recruitment dates.
    let promise = of(RecordKind::Promise)
        .into_iter()
        .find(|p| {
            p.value("promised")
                .is_some_and(|w| w.split(',').any(|k| k == "amnesty"))
        })
        .unwrap();
    assert_eq!(promise.value("after"), Some("P6M"));
    let engagement = records.get("N7.0").unwrap();
    assert_eq!(engagement.value("when"), Some("2022-11"));
    assert!(engagement.linked("promise").any(|p| p == promise.id));
    // The beating happened to the counted people of its sentence.
    let group = of(RecordKind::Group)
        .into_iter()
        .find(|g| g.value("count") == Some("300"))
        .unwrap();
    assert!(group.evidence[0].quote.starts_with("About 300 people"));
    let beaten = of(RecordKind::Violation)
        .into_iter()
        .find(|v| v.subtype.as_deref() == Some("ill_treatment"))
        .unwrap();
    assert_eq!(beaten.value("when"), Some("2023-03"));
    assert!(beaten.linked("victim").any(|g| g == group.id));
    assert!(beaten.value("huridocs_act").unwrap().contains("Torture"));
    // The commander's sentence proposes a command relation.
    let relations = of(RecordKind::Relation);
    assert!(
        relations
            .iter()
            .any(|r| r.subtype.as_deref() == Some("command") && r.label.contains("Petrenko")),
        "{relations:#?}"
    );
}
