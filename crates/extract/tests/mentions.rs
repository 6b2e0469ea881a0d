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

/// Tagging only the words of names, with as many neighbours either side as
/// the network has layers, gives the tags the whole text would give them.
#[test]
fn names_are_tagged_as_in_the_whole_text() {
    let Some(folder) = casefile_testkit::shared_path("data/ner-ru-factrueval/testset") else {
        return;
    };
    let Some(morph) = common::morph_model() else {
        return;
    };
    let mut compared = 0;
    for (name, text) in common::factrueval_texts(&folder).iter().take(20) {
        let tokens = casefile_extract::ner::tokens::tokenize(text);
        let words: Vec<&str> = tokens.iter().map(|r| &text[r.clone()]).collect();
        let whole = morph.tag(&words);
        // Every fifth word and a run of three, wanted.
        let wanted: Vec<bool> = (0..words.len())
            .map(|i| i % 5 == 0 || (10..13).contains(&i))
            .collect();
        let near = morph.tag_near(&words, &wanted);
        for (i, tag) in near.iter().enumerate() {
            if wanted[i] {
                assert_eq!(*tag, Some(whole[i]), "{name}: word {i} {:?}", words[i]);
                compared += 1;
            } else {
                assert_eq!(*tag, None);
            }
        }
    }
    assert!(compared > 1000, "only {compared} words compared");
}

/// A text longer than one window is tagged window by window, each with the
/// network's reach either side: the tags are those of one pass over the
/// whole text. Names are found over a text of any length in bounded
/// memory, and the ones in a long text are those of its runs of sentences.
#[test]
fn long_texts_are_tagged_in_windows_with_the_same_tags() {
    let Some(folder) = casefile_testkit::shared_path("data/ner-ru-factrueval/testset") else {
        return;
    };
    let (Some(morph), Some(ner)) = (common::morph_model(), common::ner_model()) else {
        return;
    };
    let texts = common::factrueval_texts(&folder);
    let mut long = String::new();
    for (_, text) in &texts {
        long.push_str(text);
        long.push('\n');
    }
    let tokens = casefile_extract::ner::tokens::tokenize(&long);
    let words: Vec<&str> = tokens.iter().map(|r| &long[r.clone()]).collect();
    assert!(words.len() > 2 * casefile_extract::ner::MAX_RUN_TOKENS);
    let windowed = morph.tag(&words);
    // One pass over a window-sized piece either side of a window's end.
    let end = casefile_extract::ner::MAX_RUN_TOKENS;
    let piece = &words[end - 500..end + 500];
    assert_eq!(morph.tag(piece)[100..900], windowed[end - 400..end + 400]);
    // The NER mentions of the joined texts: each text's names are found
    // in it (runs end at sentence ends, so a text's names stay whole).
    let mentions = ner.mentions(&long);
    assert!(mentions.len() > 1000, "{} mentions", mentions.len());
}
