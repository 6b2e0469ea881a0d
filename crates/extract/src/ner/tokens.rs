//! Cutting text into the tokens the NER model reads: words (with inner
//! hyphens and apostrophes: "Ростов-на-Дону", "п'ять", "СИЗО-6"), numbers
//! (with decimal or thousands separators: "1,5", "2011-2020"), and
//! punctuation (a run of the same mark, "...", is one token).

use std::ops::Range;

fn joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | 'ʼ')
}

fn numeric_joiner(c: char) -> bool {
    matches!(c, '.' | ',')
}

/// Whether `c` is a letter or a digit: `char::is_alphanumeric`, answered
/// without its tables for ASCII and the Russian and Ukrainian alphabets.
fn word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\u{400}'..='\u{45f}' => true,
        '\0'..='\u{7f}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// The tokens of `text`, as byte ranges, in order.
pub fn tokenize(text: &str) -> Vec<Range<usize>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if word_char(c) {
            // A word or a number, joined over single inner hyphens and
            // apostrophes, and (between digits) over '.' and ','.
            loop {
                match chars.peek().copied() {
                    Some((at, next)) if word_char(next) => {
                        end = at + next.len_utf8();
                        chars.next();
                    }
                    Some((at, next)) if joiner(next) || numeric_joiner(next) => {
                        let previous = text[..at].chars().next_back().unwrap_or(' ');
                        let after = text[at + next.len_utf8()..].chars().next();
                        let joins = match after {
                            Some(after) if joiner(next) => word_char(after),
                            Some(after) => previous.is_ascii_digit() && after.is_ascii_digit(),
                            None => false,
                        };
                        if !joins {
                            break;
                        }
                        chars.next();
                        end = at + next.len_utf8();
                    }
                    _ => break,
                }
            }
        } else {
            // A run of the same mark ("...", "!!!") is one token.
            while let Some(&(at, next)) = chars.peek() {
                if next != c {
                    break;
                }
                end = at + next.len_utf8();
                chars.next();
            }
        }
        tokens.push(start..end);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::{tokenize, word_char};

    #[test]
    fn word_characters_are_the_alphanumeric_ones() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn words_numbers_and_marks() {
        let text = "В 2011-2020 гг. «Каскад» (СИЗО-6) в Ростове-на-Дону: 1,5 млн... п'ять";
        let tokens: Vec<&str> = tokenize(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            tokens,
            vec![
                "В",
                "2011-2020",
                "гг",
                ".",
                "«",
                "Каскад",
                "»",
                "(",
                "СИЗО-6",
                ")",
                "в",
                "Ростове-на-Дону",
                ":",
                "1,5",
                "млн",
                "...",
                "п'ять"
            ]
        );
    }
}
