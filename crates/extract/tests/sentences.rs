//! Where sentences end: the data-driven cases of `cases/sentences.txt`,
//! in English, Russian and Ukrainian (abbreviations and initials that end
//! no sentence).

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

#[test]
fn sentences_end_where_a_reader_expects_them_to() {
    let cases = include_str!("cases/sentences.txt");
    let mut count = 0;
    let mut failures = Vec::new();
    for block in cases.split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .collect();
        let Some((text, expected)) = lines.split_first() else {
            continue;
        };
        // "\n" in a case stands for a line break.
        let text = &text.replace("\\n", "\n");
        let expected: Vec<&str> = expected
            .iter()
            .map(|line| line.strip_prefix("| ").unwrap())
            .collect();
        let got: Vec<&str> = casefile_extract::claim::sentences(text)
            .into_iter()
            .map(|range| text[range].trim_end())
            .collect();
        if got != expected {
            failures.push(format!(
                "{text}\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
        count += 1;
    }
    assert!(
        count >= 20,
        "only {count} cases read: is the case file intact?"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
