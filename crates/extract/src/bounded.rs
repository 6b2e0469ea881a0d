//! Regular expressions matched on word boundaries, checked by hand.
//!
//! A `\b` in a pattern is a Unicode word boundary, which the regex crate's
//! fast engines handle only on ASCII text: on Russian or Ukrainian text a
//! single `\b` sends the whole search to the slowest engine (a 64 MiB text
//! took minutes). The patterns here are written with `\b` for readability;
//! [`compile`] takes them out, and [`captures`] keeps only the matches whose
//! ends fall on word boundaries, trying again one character further when a
//! match does not.

use regex::{Captures, Regex};

/// Compiles a fixed pattern without its `\b` assertions.
pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(&pattern.replace(r"\b", "")).unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
}

fn word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the match `start..end` of `text` begins and ends on word
/// boundaries (where it begins or ends with a word character).
fn on_boundaries(text: &str, start: usize, end: usize) -> bool {
    let matched = &text[start..end];
    let starts_in_word = matched.chars().next().is_some_and(word)
        && text[..start].chars().next_back().is_some_and(word);
    let ends_in_word = matched.chars().next_back().is_some_and(word)
        && text[end..].chars().next().is_some_and(word);
    !starts_in_word && !ends_in_word
}

/// The non-overlapping matches of `pattern` in `text` that lie on word
/// boundaries, leftmost first.
pub(crate) fn captures<'r, 't>(pattern: &'r Regex, text: &'t str) -> Bounded<'r, 't> {
    Bounded {
        pattern,
        text,
        at: 0,
    }
}

/// See [`captures`].
pub(crate) struct Bounded<'r, 't> {
    pattern: &'r Regex,
    text: &'t str,
    at: usize,
}

impl<'t> Iterator for Bounded<'_, 't> {
    type Item = Captures<'t>;

    fn next(&mut self) -> Option<Captures<'t>> {
        while self.at <= self.text.len() {
            let found = self.pattern.captures_at(self.text, self.at)?;
            let whole = found.get(0)?;
            if !whole.is_empty() && on_boundaries(self.text, whole.start(), whole.end()) {
                self.at = whole.end();
                return Some(found);
            }
            // Try again from the next character.
            self.at = whole.start()
                + self.text[whole.start()..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_inside_words_are_skipped_and_the_next_one_found() {
        let pattern = compile(r"\b(?:ма[йя]|2022)\b");
        let found: Vec<&str> = captures(&pattern, "малая мая x2022 2022г 2022")
            .map(|c| c.get(0).map_or("", |m| m.as_str()))
            .collect();
        assert_eq!(found, vec!["мая", "2022"]);
    }
}
