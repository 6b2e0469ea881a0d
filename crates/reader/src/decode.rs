//! Bytes to text, whatever the encoding: what the text and HTML readers
//! share.

use std::borrow::Cow;

use encoding_rs::Encoding;

/// Text decoded from bytes, and a note when the encoding had to be guessed
/// or the bytes did not fit it.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub note: Option<String>,
}

/// Decodes `bytes`: a byte order mark decides first, then `declared` (a
/// charset the document names, e.g. in an HTML `<meta>`), then UTF-8 if the
/// bytes are valid UTF-8; otherwise the most likely encoding is guessed
/// (windows-1251 and KOI8-R are common for Russian and Ukrainian).
pub(crate) fn decode<'a>(bytes: &'a [u8], declared: Option<&'static Encoding>) -> Decoded<'a> {
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        return Decoded {
            text,
            note: had_errors.then(|| {
                format!(
                    "the text is not valid {}; invalid bytes were replaced",
                    encoding.name()
                )
            }),
        };
    }
    if let Some(encoding) = declared.filter(|e| *e != encoding_rs::UTF_8) {
        let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
        return Decoded {
            text,
            note: had_errors.then(|| {
                format!(
                    "the text is not valid {} as declared; invalid bytes were replaced",
                    encoding.name()
                )
            }),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            note: None,
        };
    }
    if let Some(note) = mostly_utf8(bytes) {
        return Decoded {
            text: String::from_utf8_lossy(bytes),
            note: Some(note),
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // The bytes are not valid UTF-8, so UTF-8 is not a candidate.
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _, had_errors) = encoding.decode(bytes);
    let note = if had_errors {
        format!(
            "the text is not UTF-8; read as {}, with invalid bytes replaced",
            encoding.name()
        )
    } else {
        format!(
            "the text is not UTF-8; read as {}, its most likely encoding",
            encoding.name()
        )
    };
    Decoded {
        text: Cow::Owned(text.into_owned()),
        note: Some(note),
    }
}

/// When `bytes` are UTF-8 with a few invalid bytes in it (a file cut or
/// damaged in places, not one in another encoding), the note that says so
/// and where the first is; `None` when they are not mostly UTF-8. Mostly
/// means: some characters of more than one byte are valid, and the invalid
/// bytes are fewer than a quarter of them (text in an 8-bit encoding has
/// many invalid bytes for each sequence that happens to be valid).
fn mostly_utf8(bytes: &[u8]) -> Option<String> {
    let (mut multibyte, mut invalid, mut first) = (0usize, 0usize, None);
    let mut offset = 0usize;
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        offset += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            first.get_or_insert(offset);
            invalid += chunk.invalid().len();
        }
        offset += chunk.invalid().len();
    }
    (multibyte > 0 && invalid * 4 < multibyte).then(|| {
        format!(
            "the text is UTF-8 with {invalid} invalid byte{}, the first at byte {}; they were replaced with U+FFFD",
            if invalid == 1 { "" } else { "s" },
            first.unwrap_or_default()
        )
    })
}

/// The charset an HTML page declares in its first 4 KiB, if any.
pub(crate) fn declared_charset(page: &[u8]) -> Option<&'static Encoding> {
    let head = &page[..page.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let label: String = head[at..]
        .trim_start_matches(['"', '\'', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_a_few_bad_bytes_stays_utf8_and_says_where() {
        let mut bytes = "Их обещали отпустить через полгода. ".as_bytes().to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(b"\xff\xfe");
        bytes.extend_from_slice("Свидетель рассказал.".as_bytes());
        let decoded = decode(&bytes, None);
        assert!(decoded.text.starts_with("Их обещали"));
        assert!(decoded.text.contains("\u{fffd}\u{fffd}Свидетель"));
        let note = decoded.note.unwrap_or_default();
        assert_eq!(
            note,
            format!(
                "the text is UTF-8 with 2 invalid bytes, the first at byte {at}; they were replaced with U+FFFD"
            )
        );
    }

    #[test]
    fn another_encoding_is_still_guessed() {
        // "Привет, мир" in windows-1251: no valid UTF-8 characters at all.
        let bytes = [
            0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, b',', b' ', 0xec, 0xe8, 0xf0,
        ];
        let decoded = decode(&bytes, None);
        assert_eq!(decoded.text, "Привет, мир");
        assert!(mostly_utf8(&bytes).is_none());
    }
}
