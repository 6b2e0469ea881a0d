//! casefile's answers: the case report, built from what the extraction
//! stage proposed (claims with their times, durations and quantities) and
//! the resolved entities. Pure: no I/O, no clock (the report's date comes
//! in).
//!
//! - **Timeline**: every dated claim, ordered by the first day its date can
//!   mean and then the last, so "fall 2022" comes before "November 2022"
//!   only when it can start earlier; uncertain dates show their range. A
//!   claim's date is the time expression of its sentence nearest its cue
//!   ("recruited in fall 2022 ... until its dissolution earlier this
//!   year": the recruitment is fall 2022, the dissolution this year).
//! - **Promises**: each promise with a duration ("amnestied after six
//!   months"), counted from its own date, else from the recruitment its
//!   document dates, else from the day the document was published, is due
//!   on a range of days; on the report's date it is
//!   overdue by a range of months unless a source says otherwise.
//! - **Violations** by kind, with how many sources and voices assert them.
//! - **Groups**: counted people ("about 500 people"), each citing its
//!   sentence.
//! - **Contradictions**: claims of a kind that happens once (founding,
//!   dissolution) dated on days that cannot overlap.
//!
//! Every item cites its source, document, field, span and sentence.

/// The span of days an EDTF value can mean (`casefile-dates`), which the
/// report places its items by.
pub use casefile_dates::edtf;
pub mod html;
mod model;
pub mod pdf;
mod render;
mod sections;

use std::collections::{BTreeMap, BTreeSet};

use casefile_document::Document;
use casefile_extract::Extraction;
use casefile_extract::{Claim, ClaimKind};
use casefile_records::propose::{
    self, asserted, chars, counts_people, field_name, field_text, name, sentence_around,
};
use casefile_records::vocabulary::{act, fact_kind};
use casefile_records::{ClaimIds, Record, RecordKind, Records, Status};
use jiff::civil::Date;
use serde::Serialize;

pub use model::*;
pub use render::{money_words, nothing, render, render_timeline};
pub use sections::build;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sections::*;
    use jiff::civil::date;

    #[test]
    fn durations_and_months() {
        let six = duration("P6M").unwrap();
        assert_eq!(date(2022, 9, 1).checked_add(six).unwrap(), date(2023, 3, 1));
        assert_eq!(
            date(2022, 11, 30).checked_add(six).unwrap(),
            date(2023, 5, 30)
        );
        assert!(duration("P1Y").is_some() && duration("P2W").is_some());
        assert!(duration("PT5H").is_none() && duration("6 months").is_none());
        assert_eq!(months_between(date(2023, 5, 30), date(2024, 11, 24)), 17);
        assert_eq!(months_between(date(2023, 3, 1), date(2024, 11, 24)), 20);
        assert_eq!(months_between(date(2024, 11, 24), date(2024, 11, 24)), 0);
    }

    fn cited(source: u64, quote: &str) -> Citation {
        Citation {
            source,
            source_id: String::new(),
            source_kind: "news".to_owned(),
            document: 0,
            field: "text".to_owned(),
            start: 0,
            end: quote.chars().count(),
            quote: quote.to_owned(),
            asserted: "the document".to_owned(),
            record: format!("V{source}.0.0"),
            status: "proposed".to_owned(),
        }
    }

    #[test]
    fn copies_count_once() {
        let told = "Recruits of the Storm battalion were beaten by their commanders in March 2023.";
        let cases: &[(&[&str], usize)] = &[
            // The same sentence in two sources.
            (&[told, told], 1),
            // Copied with a word changed and a name respelled.
            (
                &[
                    told,
                    "Recruits of the Shtorm battalion were beaten by their commanders in March.",
                ],
                1,
            ),
            // The same event in other words.
            (
                &[
                    told,
                    "Commanders beat several new recruits in the battalion's camp, a witness said.",
                ],
                2,
            ),
            // Too short to tell a copy from two people saying the same.
            (&["They were beaten.", "They were beaten."], 2),
            // Copies chain: a copy of a copy is one source too.
            (
                &[
                    told,
                    "Recruits of the Storm battalion were beaten by their commanders in March 2023, a source said.",
                    "Recruits of the Storm battalion were beaten by their commanders in 2023, a source said.",
                    "Commanders beat several new recruits in the battalion's camp, a witness said.",
                ],
                2,
            ),
        ];
        for (quotes, expected) in cases {
            let citations: Vec<Citation> = quotes
                .iter()
                .enumerate()
                .map(|(i, q)| cited(i as u64, q))
                .collect();
            assert_eq!(independent(&citations), *expected, "{quotes:?}");
        }
        // Two sentences in one source are one source however they read.
        assert_eq!(independent(&[cited(4, told), cited(4, "Other words.")]), 1);
    }

    #[test]
    fn sentences_are_cut_at_their_ends() {
        let text = "First one. According to him, about 500 people are here. Last.";
        let start = text.find("about").unwrap();
        let all: Vec<char> = text.chars().collect();
        let (a, b) = sentence_around(&all, start, start + 16);
        assert_eq!(
            chars(text, a, b),
            "According to him, about 500 people are here."
        );
        // Abbreviations and initials end no sentence (issue: promises read
        // right from a documenter's notes).
        for (text, inside, sentence) in [
            (
                "Notes. In October 2023 recruiters came to penal colony No. 7 in Donetsk. Then more.",
                "October",
                "In October 2023 recruiters came to penal colony No. 7 in Donetsk.",
            ),
            (
                "Запись. В колонию № 2 им. Ленина приехал ген. Соколов. Потом уехал.",
                "приехал",
                "В колонию № 2 им. Ленина приехал ген. Соколов.",
            ),
            (
                "Їх тримали у м. Донецьк на вул. Шевченка. Розформували у 2024 р. Бійців перевели.",
                "тримали",
                "Їх тримали у м. Донецьк на вул. Шевченка.",
            ),
        ] {
            let start = text[..text.find(inside).unwrap()].chars().count();
            let all: Vec<char> = text.chars().collect();
            let (a, b) = sentence_around(&all, start, start + 3);
            assert_eq!(chars(text, a, b), sentence, "{text}");
        }
        let text = "Розформували у 2024 р. Бійців перевели.";
        let all: Vec<char> = text.chars().collect();
        assert_eq!(
            chars(text, 0, sentence_around(&all, 0, 3).1),
            "Розформували у 2024 р."
        );
    }
}
