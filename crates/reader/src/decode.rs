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
