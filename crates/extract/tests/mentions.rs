//! Mentions with the NER model (when it is installed): found in the Russian
//! blocks of a document read by the text reader, with spans on its text.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use casefile_extract::ner::EntityKind;
use casefile_extract::{Context, Models, extract_with};

#[test]
fn persons_organizations_and_places_in_russian_blocks() {
    let Some(model) = common::ner_model() else {
        return;
    };
    let models = Models {
        ner: Some(model),
        morph: common::morph_model(),
    };
    let text = "Командир батальона «Каскад» Алексей Дикий заявил, что бойцов переведут в Министерство обороны.\n\n\
                The unit was disbanded in April 2024, a former fighter from Donetsk said.\n\n\
                По словам адвоката Ирины Петренко, жалобу подали в военную прокуратуру в Ростове-на-Дону.\n";
    let document = casefile_reader::text::read(text.as_bytes(), None);
    let extraction = extract_with(&document, &Context::default(), &models);
    assert_eq!(extraction.models, vec!["slovnet_ner_news_v1".to_owned()]);
    let found: Vec<(&str, EntityKind)> = extraction
        .mentions
        .iter()
        .map(|m| {
            assert_eq!(document.slice(m.span), Some(m.text.as_str()));
            (m.text.as_str(), m.kind)
        })
        .collect();
    for expected in [
        ("Каскад", EntityKind::Organization),
        ("Алексей Дикий", EntityKind::Person),
        ("Министерство обороны", EntityKind::Organization),
        ("Ирины Петренко", EntityKind::Person),
        ("Ростове-на-Дону", EntityKind::Place),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    let dikiy = extraction
        .mentions
        .iter()
        .find(|m| m.text == "Алексей Дикий")
        .unwrap();
    assert_eq!(dikiy.latin.as_deref(), Some("Aleksey Dikiy"));
    // The English block goes to the English rules, not the Russian model.
    let donetsk = extraction
        .mentions
        .iter()
        .find(|m| m.text == "Donetsk")
        .unwrap();
    assert_eq!(donetsk.kind, EntityKind::Place);
    assert_eq!(donetsk.method, casefile_extract::ENGLISH_RULES_METHOD);
    assert!(donetsk.latin.is_none());
}
