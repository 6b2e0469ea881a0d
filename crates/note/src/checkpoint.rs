//! The checkpoint text of a transparency log (C2SP `tlog-checkpoint`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use casefile_merkle::Hash;

use crate::NoteError;

/// What a log states at a point in time: its origin, size and root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's unique name, e.g. `casefile/2f1c…`.
    pub origin: String,
    /// How many entries the log holds.
    pub size: u64,
    /// The Merkle root of those entries.
    pub root: Hash,
    /// Optional extension lines, each non-empty.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The checkpoint's text, ready to be signed as a note.
    pub fn to_text(&self) -> String {
        let mut text = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root.as_bytes())
        );
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Parses a checkpoint's text (the signed part of a note).
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(NoteError::BadCheckpoint("the text must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        if origin.is_empty() {
            return Err(NoteError::BadCheckpoint("the origin line is empty"));
        }
        let size_line = lines
            .next()
            .ok_or(NoteError::BadCheckpoint("no size line"))?;
        let canonical_number = !size_line.is_empty()
            && size_line.bytes().all(|b| b.is_ascii_digit())
            && (size_line == "0" || !size_line.starts_with('0'));
        if !canonical_number {
            return Err(NoteError::BadCheckpoint("the size is not a decimal number"));
        }
        let size = size_line
            .parse()
            .map_err(|_| NoteError::BadCheckpoint("the size is too large"))?;
        let root_line = lines
            .next()
            .ok_or(NoteError::BadCheckpoint("no root hash line"))?;
        let root_bytes = STANDARD
            .decode(root_line)
            .map_err(|_| NoteError::BadCheckpoint("the root hash is not base64"))?;
        let root = Hash::from_slice(&root_bytes)
            .map_err(|_| NoteError::BadCheckpoint("the root hash is not 32 bytes"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(NoteError::BadCheckpoint("an extension line is empty"));
        }
        Ok(Self {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }
}
