//! Data-driven name comparisons (`tests/cases/names.txt`): each case is a
//! pair of names and the verdict, score and reasons a person would read.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_resolve::names::{NameKind, compare_names};

#[test]
fn name_cases() {
    let cases = include_str!("cases/names.txt");
    let mut expected = String::new();
    let mut actual = String::new();
    let mut lines = cases.lines().peekable();
    let mut count = 0usize;
    while let Some(line) = lines.next() {
        let Some(case) = line.strip_prefix("> ") else {
            continue;
        };
        count += 1;
        for out in [&mut expected, &mut actual] {
            out.push_str(line);
            out.push('\n');
        }
        while let Some(next) = lines.peek() {
            if next.trim().is_empty() || next.starts_with('#') {
                break;
            }
            expected.push_str(next);
            expected.push('\n');
            lines.next();
        }
        let parts: Vec<&str> = case.split(" | ").collect();
        let kind = match parts[0] {
            "person" => NameKind::Person,
            "organization" => NameKind::Organization,
            "place" => NameKind::Place,
            _ => NameKind::Other,
        };
        let comparison = compare_names(parts[1], parts[2], kind);
        let verdict = if comparison.same { "same" } else { "different" };
        actual.push_str(&format!("{verdict} {:.2}\n", comparison.score));
        for reason in &comparison.reasons {
            actual.push_str(&format!("  {reason}\n"));
        }
    }
    assert!(count > 0, "the case file yields no cases: is it intact?");
    assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
}
