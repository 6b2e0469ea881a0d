//! Runs a case file: "> sentence" lines, each followed by the expected
//! lines for it; "anchor: DATE" sets the publication date for the cases
//! after it ("anchor:" alone removes it); "#" lines are comments.

use casefile_document::{Document, Origin};
use casefile_extract::{Context, Extraction, extract};

/// Renders each case with `render` and compares the whole file's worth of
/// output with the expected lines, printing all of it on a mismatch.
pub fn run_cases(cases: &str, render: impl Fn(&Document, &Extraction) -> Vec<String>) {
    let mut anchor: Option<String> = None;
    let mut expected = String::new();
    let mut actual = String::new();
    let mut lines = cases.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(date) = line.strip_prefix("anchor:") {
            let date = date.trim();
            anchor = (!date.is_empty()).then(|| date.to_owned());
            continue;
        }
        let Some(sentence) = line.strip_prefix("> ") else {
            continue;
        };
        for out in [&mut expected, &mut actual] {
            out.push_str(line);
            out.push('\n');
        }
        while let Some(next) = lines.peek() {
            if next.trim().is_empty() {
                break;
            }
            expected.push_str(next);
            expected.push('\n');
            lines.next();
        }
        let mut document = Document::new(Origin::File { name: None });
        document.text = sentence.replace("\\n", "\n");
        document.published = anchor.clone();
        let extraction = extract(&document, &Context::default());
        for rendered in render(&document, &extraction) {
            actual.push_str(&rendered);
            actual.push('\n');
        }
    }
    assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
}
