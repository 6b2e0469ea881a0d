//! The log entry: what is recorded, canonically, about one acquisition.
//!
//! An entry is UTF-8 text, one field per line, in a fixed order:
//!
//! ```text
//! casefile-entry 1
//! type acquisition
//! index <decimal: the entry's position in the log>
//! sha256 <64 lower-case hex digits>
//! size <decimal>
//! kind <news|testimony|complaint|post|statement|photo|court|other>
//! name <file name>            (optional)
//! url <url>                   (optional)
//! acquired-at <time>          (optional)
//! added-at <RFC 3339 UTC time, milliseconds>
//! by <who added it>
//! note <free text>            (optional)
//! ```
//!
//! Values escape a backslash as `\\` and every control character (newline
//! included) as `\u{<hex>}`. Decoding accepts only the canonical form: an
//! entry that decodes and encodes to other bytes is rejected, so one entry has
//! exactly one encoding and one leaf hash. See `docs/formats/log-entry.md`.

use std::fmt::Write as _;

use crate::Sha256;

/// The first line of an entry in the clear, naming the format and its version.
pub const ENTRY_MAGIC: &str = "casefile-entry 1";

/// The first line of a sealed entry (a protected source's): version 2, whose
/// name, URL, collection time and note are encrypted in its `sealed` field.
pub const SEALED_ENTRY_MAGIC: &str = "casefile-entry 2";

/// Entries larger than this are refused (the note and URL are bounded).
pub const MAX_ENTRY_LEN: usize = 256 * 1024;

/// What kind of material a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A news report or article.
    News,
    /// A witness's or victim's testimony.
    Testimony,
    /// A written complaint, individual or collective.
    Complaint,
    /// A public post (Telegram, social media).
    Post,
    /// An official statement.
    Statement,
    /// A photo or other image.
    Photo,
    /// A court filing or decision.
    Court,
    /// Anything else.
    Other,
    /// A person's judgement about the case's records (two mentions name
    /// the same entity, or not), recorded as a small document so that it
    /// is in the log like any evidence. Written by casefile itself, never
    /// given to `add`.
    Curation,
}

impl SourceKind {
    /// Every kind, in the documented order.
    pub const ALL: [SourceKind; 9] = [
        SourceKind::News,
        SourceKind::Testimony,
        SourceKind::Complaint,
        SourceKind::Post,
        SourceKind::Statement,
        SourceKind::Photo,
        SourceKind::Court,
        SourceKind::Other,
        SourceKind::Curation,
    ];

    /// The kinds of material a person adds (every kind but curation).
    pub const COLLECTED: [SourceKind; 8] = [
        SourceKind::News,
        SourceKind::Testimony,
        SourceKind::Complaint,
        SourceKind::Post,
        SourceKind::Statement,
        SourceKind::Photo,
        SourceKind::Court,
        SourceKind::Other,
    ];

    /// Whether material of this kind is protected: it names or speaks for
    /// witnesses and victims (testimonies, complaints), so what is read
    /// from it is kept only sealed (see the derived store).
    pub fn is_protected(self) -> bool {
        matches!(self, SourceKind::Testimony | SourceKind::Complaint)
    }

    /// The kind's name as written in entries and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::News => "news",
            SourceKind::Testimony => "testimony",
            SourceKind::Complaint => "complaint",
            SourceKind::Post => "post",
            SourceKind::Statement => "statement",
            SourceKind::Photo => "photo",
            SourceKind::Court => "court",
            SourceKind::Other => "other",
            SourceKind::Curation => "curation",
        }
    }

    /// The kind named `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// One acquisition of bytes into the vault: the payload of one log entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Acquisition {
    /// The entry's position in the log. Recording it makes every entry
    /// unique, even two acquisitions of the same file in one add.
    pub index: u64,
    /// SHA-256 of the stored bytes.
    pub sha256: Sha256,
    /// Number of bytes.
    pub size: u64,
    /// What kind of source this is.
    pub kind: SourceKind,
    /// The file's name when it was added (no folders).
    pub name: Option<String>,
    /// Where the material was found, if it came from the web.
    pub url: Option<String>,
    /// When the material was collected, as the collector states it.
    pub acquired_at: Option<String>,
    /// When it was added to the vault (UTC, RFC 3339, milliseconds).
    pub added_at: String,
    /// Who added it.
    pub by: String,
    /// A free-text note.
    pub note: Option<String>,
    /// For a protected source: its name, URL, collection time and note,
    /// encrypted to the source's own key (base64 of an age file); those
    /// four fields are then absent, and the entry is version 2. Its
    /// `sha256` and `size` are the stored ciphertext's.
    #[serde(skip)]
    pub sealed: Option<String>,
}

/// Why bytes are not a canonical entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryError {
    /// The bytes are not UTF-8.
    #[error("entry is not UTF-8")]
    NotUtf8,
    /// The first line is not the expected magic and version.
    #[error("entry does not start with '{ENTRY_MAGIC}'")]
    BadMagic,
    /// A line is missing, unknown or out of order.
    #[error("entry line {line}: expected field '{expected}'")]
    MissingField {
        /// 1-based line number.
        line: usize,
        /// The field expected there.
        expected: &'static str,
    },
    /// A field's value is not valid.
    #[error("entry field '{field}': {problem}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// The entry decodes, but is not in canonical form.
    #[error("entry is not in canonical form")]
    NotCanonical,
    /// The entry is larger than [`MAX_ENTRY_LEN`].
    #[error("entry is larger than {MAX_ENTRY_LEN} bytes")]
    TooLarge,
    /// A sealed entry that would hold a field in the clear.
    #[error("a sealed entry holds no name, url, acquired-at or note in the clear")]
    ClearFieldInSealed,
}

/// Whether `value` is base64 (standard alphabet, padded), as the `sealed`
/// field is written.
fn is_base64(value: &str) -> bool {
    let body = value.trim_end_matches('=');
    !value.is_empty()
        && value.len().is_multiple_of(4)
        && value.len() - body.len() <= 2
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

fn escape(value: &str, out: &mut String) {
    for c in value.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
}

fn unescape(field: &'static str, value: &str) -> Result<String, EntryError> {
    let bad = |problem| EntryError::BadValue { field, problem };
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c.is_control() {
            return Err(bad("unescaped control character"));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('u') => {
                if chars.next() != Some('{') {
                    return Err(bad("bad escape"));
                }
                let digits: String = chars.by_ref().take_while(|&d| d != '}').collect();
                let code = u32::from_str_radix(&digits, 16).map_err(|_| bad("bad escape"))?;
                let decoded = char::from_u32(code).ok_or(bad("bad escape"))?;
                out.push(decoded);
            }
            _ => return Err(bad("bad escape")),
        }
    }
    Ok(out)
}

/// Writes one `name value` line, the value escaped.
fn push_field(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push(' ');
    escape(value, out);
    out.push('\n');
}

/// The lines of an entry or of sealed fields, read in order.
struct Lines<'a> {
    lines: std::iter::Peekable<std::iter::Enumerate<std::str::Split<'a, char>>>,
}

impl<'a> Lines<'a> {
    /// Checks the bytes' size, encoding and final newline; returns the
    /// first line (the magic) and the reader of the rest.
    fn open(bytes: &'a [u8]) -> Result<(&'a str, Self), EntryError> {
        if bytes.len() > MAX_ENTRY_LEN {
            return Err(EntryError::TooLarge);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| EntryError::NotUtf8)?;
        let body = text.strip_suffix('\n').ok_or(EntryError::NotCanonical)?;
        let mut lines = body.split('\n').enumerate().peekable();
        let magic = lines.next().map_or("", |(_, line)| line);
        Ok((magic, Self { lines }))
    }

    /// The value of the next line when it is field `expected`; `None` when
    /// it is not and the field is optional.
    fn take(
        &mut self,
        expected: &'static str,
        optional: bool,
    ) -> Result<Option<String>, EntryError> {
        match self.lines.peek() {
            Some((_, line))
                if line
                    .strip_prefix(expected)
                    .is_some_and(|rest| rest.starts_with(' ')) =>
            {
                let (_, line) = self.lines.next().unwrap_or_default();
                Ok(Some(unescape(expected, &line[expected.len() + 1..])?))
            }
            _ if optional => Ok(None),
            other => Err(EntryError::MissingField {
                line: other.map_or(0, |(n, _)| *n) + 1,
                expected,
            }),
        }
    }

    /// A required field's value.
    fn required(&mut self, expected: &'static str) -> Result<String, EntryError> {
        Ok(self.take(expected, false)?.unwrap_or_default())
    }

    /// Checks that no line is left.
    fn end(mut self, expected: &'static str) -> Result<(), EntryError> {
        match self.lines.next() {
            Some((n, _)) => Err(EntryError::MissingField {
                line: n + 1,
                expected,
            }),
            None => Ok(()),
        }
    }
}

impl Acquisition {
    /// The entry's canonical bytes.
    pub fn encode(&self) -> Result<Vec<u8>, EntryError> {
        let mut out = String::with_capacity(256);
        if let Some(sealed) = &self.sealed {
            if self.name.is_some()
                || self.url.is_some()
                || self.acquired_at.is_some()
                || self.note.is_some()
            {
                return Err(EntryError::ClearFieldInSealed);
            }
            if !is_base64(sealed) {
                return Err(EntryError::BadValue {
                    field: "sealed",
                    problem: "not base64",
                });
            }
        }
        out.push_str(if self.sealed.is_some() {
            SEALED_ENTRY_MAGIC
        } else {
            ENTRY_MAGIC
        });
        let _ = write!(out, "\ntype acquisition\nindex {}\nsha256 ", self.index);
        out.push_str(&self.sha256.to_hex());
        let _ = write!(out, "\nsize {}\nkind {}\n", self.size, self.kind.as_str());
        let mut field = |name: &str, value: &str| push_field(&mut out, name, value);
        if let Some(name) = &self.name {
            field("name", name);
        }
        if let Some(url) = &self.url {
            field("url", url);
        }
        if let Some(at) = &self.acquired_at {
            field("acquired-at", at);
        }
        field("added-at", &self.added_at);
        field("by", &self.by);
        if let Some(note) = &self.note {
            field("note", note);
        }
        if let Some(sealed) = &self.sealed {
            field("sealed", sealed);
        }
        if out.len() > MAX_ENTRY_LEN {
            return Err(EntryError::TooLarge);
        }
        Ok(out.into_bytes())
    }

    /// Decodes canonical entry bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        let (magic, mut lines) = Lines::open(bytes)?;
        let sealed_version = match magic {
            ENTRY_MAGIC => false,
            SEALED_ENTRY_MAGIC => true,
            _ => return Err(EntryError::BadMagic),
        };
        if lines.required("type")? != "acquisition" {
            return Err(EntryError::BadValue {
                field: "type",
                problem: "only 'acquisition' entries exist in versions 1 and 2",
            });
        }
        let index = lines
            .required("index")?
            .parse::<u64>()
            .map_err(|_| EntryError::BadValue {
                field: "index",
                problem: "not a decimal number",
            })?;
        let sha256 = Sha256::from_hex(&lines.required("sha256")?).ok_or(EntryError::BadValue {
            field: "sha256",
            problem: "not 64 hexadecimal digits",
        })?;
        let size = lines
            .required("size")?
            .parse::<u64>()
            .map_err(|_| EntryError::BadValue {
                field: "size",
                problem: "not a decimal number",
            })?;
        let kind = SourceKind::parse(&lines.required("kind")?).ok_or(EntryError::BadValue {
            field: "kind",
            problem: "unknown kind",
        })?;
        let name = lines.take("name", true)?;
        let url = lines.take("url", true)?;
        let acquired_at = lines.take("acquired-at", true)?;
        let added_at = lines.required("added-at")?;
        let by = lines.required("by")?;
        let note = lines.take("note", true)?;
        let sealed = if sealed_version {
            Some(lines.required("sealed")?)
        } else {
            None
        };
        lines.end("end of entry")?;
        let entry = Acquisition {
            index,
            sha256,
            size,
            kind,
            name,
            url,
            acquired_at,
            added_at,
            by,
            note,
            sealed,
        };
        if entry.encode()? != bytes {
            return Err(EntryError::NotCanonical);
        }
        Ok(entry)
    }
}

/// The first line of a sealed entry's fields once decrypted.
pub const SEALED_FIELDS_MAGIC: &str = "casefile-sealed-fields 1";

/// What a sealed (version 2) entry keeps encrypted: the fields that would
/// name or describe a protected source. Encoded as an entry's fields are
/// (`name`, `url`, `acquired-at`, `note`, each optional, in that order,
/// escaped alike) under the line [`SEALED_FIELDS_MAGIC`]; see
/// `docs/formats/log-entry.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SealedFields {
    /// The file's name when it was added (no folders).
    pub name: Option<String>,
    /// Where the material was found.
    pub url: Option<String>,
    /// When it was collected.
    pub acquired_at: Option<String>,
    /// A free-text note.
    pub note: Option<String>,
}

impl SealedFields {
    /// The fields' canonical bytes (to be encrypted).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = String::with_capacity(128);
        out.push_str(SEALED_FIELDS_MAGIC);
        out.push('\n');
        for (name, value) in [
            ("name", &self.name),
            ("url", &self.url),
            ("acquired-at", &self.acquired_at),
            ("note", &self.note),
        ] {
            if let Some(value) = value {
                push_field(&mut out, name, value);
            }
        }
        out.into_bytes()
    }

    /// Decodes the fields' canonical bytes (once decrypted).
    pub fn decode(bytes: &[u8]) -> Result<Self, EntryError> {
        let (magic, mut lines) = Lines::open(bytes)?;
        if magic != SEALED_FIELDS_MAGIC {
            return Err(EntryError::BadMagic);
        }
        let fields = SealedFields {
            name: lines.take("name", true)?,
            url: lines.take("url", true)?,
            acquired_at: lines.take("acquired-at", true)?,
            note: lines.take("note", true)?,
        };
        lines.end("end of fields")?;
        if fields.encode() != bytes {
            return Err(EntryError::NotCanonical);
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Acquisition {
        Acquisition {
            index: 7,
            sha256: Sha256::digest(b"hello"),
            size: 5,
            kind: SourceKind::Testimony,
            name: Some("statement 1.txt".into()),
            url: None,
            acquired_at: Some("2024-05-01".into()),
            added_at: "2026-11-24T20:00:00.000Z".into(),
            by: "documenter".into(),
            note: Some("line one\nline two \\ done".into()),
            sealed: None,
        }
    }

    fn sealed_sample() -> Acquisition {
        Acquisition {
            name: None,
            acquired_at: None,
            note: None,
            sealed: Some("YWdlLWVuY3J5cHRpb24ub3JnL3Yx".into()),
            ..sample()
        }
    }

    #[test]
    fn a_sealed_entry_is_version_2_and_holds_nothing_in_the_clear() {
        let text = String::from_utf8(sealed_sample().encode().unwrap()).unwrap();
        assert_eq!(
            text,
            "casefile-entry 2\ntype acquisition\nindex 7\n\
             sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n\
             size 5\nkind testimony\nadded-at 2026-11-24T20:00:00.000Z\nby documenter\n\
             sealed YWdlLWVuY3J5cHRpb24ub3JnL3Yx\n"
        );
        assert_eq!(
            Acquisition::decode(text.as_bytes()).unwrap(),
            sealed_sample()
        );
        let with_name = Acquisition {
            name: Some("w.txt".into()),
            ..sealed_sample()
        };
        assert_eq!(with_name.encode(), Err(EntryError::ClearFieldInSealed));
        for bad in [
            text.replace("by documenter\n", "by documenter\nnote x\n"),
            text.replace("kind testimony\n", "kind testimony\nname w.txt\n"),
            text.replace("casefile-entry 2", "casefile-entry 1"),
            text.replace("sealed YWdl", "sealed YW*l"),
            text.replace("sealed YWdlLWVuY3J5cHRpb24ub3JnL3Yx", "sealed YWdlL"),
            text.replace("sealed YWdlLWVuY3J5cHRpb24ub3JnL3Yx\n", ""),
        ] {
            assert!(Acquisition::decode(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn encoding_is_readable_and_stable() {
        let text = String::from_utf8(sample().encode().unwrap()).unwrap();
        assert_eq!(
            text,
            "casefile-entry 1\ntype acquisition\nindex 7\n\
             sha256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n\
             size 5\nkind testimony\nname statement 1.txt\nacquired-at 2024-05-01\n\
             added-at 2026-11-24T20:00:00.000Z\nby documenter\n\
             note line one\\u{a}line two \\\\ done\n"
        );
    }

    #[test]
    fn non_canonical_forms_are_rejected() {
        let good = String::from_utf8(sample().encode().unwrap()).unwrap();
        for bad in [
            good.replace("size 5", "size 05"),
            good.replace("index 7", "index 07"),
            good.replace("\\u{a}", "\\u{0a}"),
            good.replace("\\u{a}", "\\u{A}"),
            good.replace("statement 1", "statement\\u{20}1"),
            good.replace("kind testimony\n", "kind testimony\nkind news\n"),
            good.trim_end().to_string(),
            good.replace("casefile-entry 1", "casefile-entry 2"),
            good.replace("casefile-entry 1", "casefile-entry 3"),
            good.replace("by documenter\n", ""),
            good.replace("2cf2", "2CF2"),
            format!("{good}extra 1\n"),
        ] {
            assert!(Acquisition::decode(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn round_trip(
            name in proptest::option::of(".{0,40}"),
            note in proptest::option::of("(?s).{0,80}"),
            by in ".{0,20}",
            size in any::<u64>(),
        ) {
            let entry = Acquisition { name, note, by, size, ..sample() };
            let bytes = entry.encode().unwrap();
            prop_assert_eq!(Acquisition::decode(&bytes).unwrap(), entry);
        }

        #[test]
        fn sealed_fields_round_trip(
            name in proptest::option::of(".{0,40}"),
            url in proptest::option::of(".{0,40}"),
            note in proptest::option::of("(?s).{0,80}"),
        ) {
            let fields = SealedFields { name, url, acquired_at: Some("2024-05".into()), note };
            prop_assert_eq!(SealedFields::decode(&fields.encode()).unwrap(), fields);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Acquisition::decode(&bytes);
        }
    }
}
