//! Byte offsets (what regular expressions give) to character offsets (what
//! spans count).

use casefile_document::Span;

/// Every this many characters the index keeps a byte offset; finding a
/// character offset counts at most this many characters. Small memory for
/// texts of any size (a 64 MiB text needs 8 MiB of index at most).
const STRIDE: usize = 64;

/// Turns byte ranges of a text into character spans.
pub(crate) struct CharIndex<'t> {
    text: &'t str,
    /// The byte offset of characters 0, STRIDE, 2·STRIDE…
    checkpoints: Vec<usize>,
}

impl<'t> CharIndex<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let checkpoints = text
            .char_indices()
            .step_by(STRIDE)
            .map(|(at, _)| at)
            .collect();
        Self { text, checkpoints }
    }

    /// The character index of byte offset `byte` (a character boundary,
    /// or the end of the text).
    pub(crate) fn char_at(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let slot = self
            .checkpoints
            .partition_point(|&at| at <= byte)
            .saturating_sub(1);
        let from = self.checkpoints.get(slot).copied().unwrap_or(0);
        slot * STRIDE + self.text.get(from..byte).map_or(0, |s| s.chars().count())
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

    #[test]
    fn every_boundary_of_a_long_mixed_text() {
        let text = "ab вг ґ€ 𝔘 ".repeat(40);
        let index = CharIndex::new(&text);
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(index.char_at(byte), chars);
        }
        assert_eq!(index.char_at(text.len()), text.chars().count());
    }
}
