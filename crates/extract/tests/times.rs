//! Time expressions, data-driven: `tests/cases/times.txt` holds sentences
//! in English, Russian and Ukrainian with the EDTF value expected for each
//! expression in them.

mod common;

use casefile_extract::Resolution;

#[test]
fn time_expressions_from_the_case_file() {
    common::run_cases(include_str!("cases/times.txt"), |document, extraction| {
        extraction
            .times
            .iter()
            .map(|time| {
                assert_eq!(document.slice(time.span), Some(time.text.as_str()));
                let note = match time.resolution {
                    Resolution::Absolute => "",
                    Resolution::Relative { .. } => " (relative)",
                    Resolution::Unresolved => " (unresolved)",
                };
                format!("{} => {}{note}", time.text, time.edtf)
            })
            .collect()
    });
}
