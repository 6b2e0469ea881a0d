//! Byte offsets (what regular expressions give) to character offsets (what
//! spans count).

use casefile_document::Span;

/// The byte offset of every character of a text, for turning byte ranges
/// into character spans by binary search.
pub(crate) struct CharIndex {
    starts: Vec<u32>,
    len: usize,
}

impl CharIndex {
    pub(crate) fn new(text: &str) -> Self {
        Self {
            starts: text.char_indices().map(|(at, _)| at as u32).collect(),
            len: text.len(),
        }
    }

    /// The character index of byte offset `byte` (a character boundary,
    /// or the end of the text).
    pub(crate) fn char_at(&self, byte: usize) -> usize {
        if byte >= self.len {
            return self.starts.len();
        }
        self.starts
            .partition_point(|&start| (start as usize) < byte)
    }

    /// The character span of a byte range.
    pub(crate) fn span(&self, bytes: std::ops::Range<usize>) -> Span {
        Span::new(self.char_at(bytes.start), self.char_at(bytes.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_become_character_spans() {
        let text = "в 2022 году — 500";
        let index = CharIndex::new(text);
        let start = text.find("2022").unwrap_or_default();
        let span = index.span(start..start + 4);
        assert_eq!(span, Span::new(2, 6));
        assert_eq!(span.slice(text), Some("2022"));
        let end = text.len();
        assert_eq!(index.span(end - 3..end).slice(text), Some("500"));
    }
}
