//! Every span the extractor gives lies on the characters of its field and
//! reads as the surface text it reports, whatever the text around it.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_document::{Caption, Document, Origin};
use casefile_extract::{Context, extract};
use proptest::prelude::*;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("in fall 2022".to_owned()),
        Just("since November 2022".to_owned()),
        Just("earlier this year".to_owned()),
        Just("about 500 people".to_owned()),
        Just("six months".to_owned()),
        Just("осенью 2022 года".to_owned()),
        Just("около 500 человек".to_owned()),
        Just("полгода".to_owned()),
        Just("восени 2022 року".to_owned()),
        Just("пів року".to_owned()),
        Just("торік".to_owned()),
        Just("з 2017 по 2022 рік".to_owned()),
        Just("March 20, 2024".to_owned()),
        Just("сотні бійців".to_owned()),
        Just("“We were promised release after six months,” said a recruit.".to_owned()),
        Just("«Нас обманули», — сказал он".to_owned()),
        Just("according to the U.S. State Department".to_owned()),
        Just("‘It was never meant to end”".to_owned()),
        "[ a-zA-Zа-яА-ЯіїєґІЇЄҐ0-9,.«»“”'’–-]{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn spans_match_their_surface_text(
        pieces in proptest::collection::vec(piece(), 0..12),
        anchor in proptest::option::of(Just("2024-05-21".to_owned())),
    ) {
        let mut document = Document::new(Origin::File { name: None });
        document.text = pieces.join(" ");
        document.captions.push(Caption { text: pieces.concat(), credit: None });
        document.published = anchor;
        let extraction = extract(&document, &Context::default());
        for time in &extraction.times {
            let field = time.field.text(&document).unwrap();
            prop_assert_eq!(time.span.slice(field), Some(time.text.as_str()));
        }
        for duration in &extraction.durations {
            let field = duration.field.text(&document).unwrap();
            prop_assert_eq!(duration.span.slice(field), Some(duration.text.as_str()));
        }
        for quote in &extraction.quotes {
            let field = quote.field.text(&document).unwrap();
            prop_assert_eq!(quote.span.slice(field), Some(quote.text.as_str()));
            if let Some(speaker) = &quote.speaker {
                prop_assert_eq!(speaker.span.slice(field), Some(speaker.text.as_str()));
            }
        }
        for attribution in &extraction.attributions {
            let field = attribution.field.text(&document).unwrap();
            prop_assert_eq!(attribution.span.slice(field), Some(attribution.text.as_str()));
        }
        for quantity in &extraction.quantities {
            let field = quantity.field.text(&document).unwrap();
            prop_assert_eq!(quantity.span.slice(field), Some(quantity.text.as_str()));
        }
    }
}
