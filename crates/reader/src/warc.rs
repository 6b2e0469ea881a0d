//! Web archives: WARC 1.0 and 1.1, and the older ARC, plain or gzip (one
//! gzip member per record, or the whole file), read record by record.
//!
//! Every HTML response (and HTML resource) becomes a document through the
//! HTML reader, with an origin naming the record and saying whether its
//! block and payload digests verify. Other records (request, revisit,
//! metadata, warcinfo...) are counted in the summary, not turned into
//! documents. A truncated or broken archive gives diagnostics and everything
//! before the break.
//!
//! Digests are checked for SHA-1 and SHA-256 in any of the encodings found
//! in the wild: base32 (the standard's), base64, URL-safe base64, hex. The
//! payload of an HTTP record is its body; when the body is chunked, a digest
//! of either the chunked or the decoded body is accepted, since writers
//! differ.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};

use casefile_document::{Diagnostic, Document, Origin, Severity, WarcOrigin};
use sha1::Digest as _;

use crate::ReadError;

/// Record blocks larger than this are checked but not kept for a document.
const MAX_BLOCK_BYTES: u64 = 64 << 20;
/// A header line longer than this ends the read: no archive writes one.
const MAX_LINE_BYTES: u64 = 64 << 10;

/// What a read of an archive found, besides the documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read, by type (`response`, `request`, `revisit`...).
    pub records: BTreeMap<String, usize>,
    /// Documents produced.
    pub documents: usize,
    /// Problems with the archive: truncation, broken framing, bad digests.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a WARC or ARC archive (gzip allowed), calling `visit` with one
/// document per HTML response or resource, in archive order.
pub fn read<'a, R: Read + 'a>(
    input: R,
    name: Option<&str>,
    visit: &mut dyn FnMut(Document),
) -> Result<Summary, ReadError> {
    let mut input = BufReader::new(input);
    let gzip = input.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let stream: Box<dyn BufRead + 'a> = if gzip {
        Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(input)))
    } else {
        Box::new(input)
    };
    let mut reader = Reader {
        input: stream,
        name: name.map(str::to_owned),
        summary: Summary::default(),
        index: 0,
    };
    reader.run(visit);
    Ok(reader.summary)
}

struct Reader<'a> {
    input: Box<dyn BufRead + 'a>,
    name: Option<String>,
    summary: Summary,
    /// Records started so far.
    index: usize,
}

/// A record's block, read whole or cut short.
struct Block {
    bytes: Vec<u8>,
    complete: bool,
    /// Kept in `bytes` (false when over the size limit: only hashed).
    kept: bool,
    sha1: [u8; 20],
    sha256: [u8; 32],
}

impl Reader<'_> {
    fn diagnostic(&mut self, severity: Severity, message: String) {
        self.summary.diagnostics.push(Diagnostic {
            severity,
            location: format!("record {}", self.index),
            message,
        });
    }

    /// A line without its line ending; `None` at the end of the input.
    fn line(&mut self) -> Result<Option<String>, std::io::Error> {
        let mut bytes = Vec::new();
        let read = (&mut self.input)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut bytes)?;
        if read == 0 {
            return Ok(None);
        }
        while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            bytes.pop();
        }
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    fn run(&mut self, visit: &mut dyn FnMut(Document)) {
        loop {
            let first = match self.next_nonblank_line() {
                Ok(Some(line)) => line,
                Ok(None) => return,
                Err(error) => {
                    self.diagnostic(
                        Severity::Error,
                        format!("reading stopped: {error}; the records before this one were read"),
                    );
                    return;
                }
            };
            self.index += 1;
            let outcome = if first.starts_with("WARC/") {
                self.warc_record(&first, visit)
            } else if looks_like_arc_header(&first) {
                self.arc_record(&first, visit)
            } else {
                self.diagnostic(
                    Severity::Error,
                    format!(
                        "expected a WARC or ARC record, found {:?}; reading stopped",
                        first.chars().take(60).collect::<String>()
                    ),
                );
                return;
            };
            match outcome {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => {
                    self.diagnostic(
                        Severity::Error,
                        format!("reading stopped: {error}; the records before this one were read"),
                    );
                    return;
                }
            }
        }
    }

    fn next_nonblank_line(&mut self) -> Result<Option<String>, std::io::Error> {
        loop {
            match self.line()? {
                None => return Ok(None),
                Some(line) if line.trim().is_empty() => continue,
                Some(line) => return Ok(Some(line)),
            }
        }
    }

    fn read_block(&mut self, length: u64) -> Result<Block, std::io::Error> {
        let kept = length <= MAX_BLOCK_BYTES;
        let mut bytes = Vec::new();
        let mut sha1 = sha1::Sha1::new();
        let mut sha256 = sha2::Sha256::new();
        let mut remaining = length;
        let mut buffer = vec![0u8; 64 << 10];
        while remaining > 0 {
            let want = usize::try_from(remaining.min(buffer.len() as u64)).unwrap_or(buffer.len());
            let read = match self.input.read(&mut buffer[..want]) {
                Ok(0) => break,
                Ok(read) => read,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                // A broken gzip member reads as an error: the block is cut.
                Err(error)
                    if error.kind() == std::io::ErrorKind::InvalidInput
                        || error.kind() == std::io::ErrorKind::InvalidData
                        || error.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    break;
                }
                Err(error) => return Err(error),
            };
            sha1.update(&buffer[..read]);
            sha256.update(&buffer[..read]);
            if kept {
                bytes.extend_from_slice(&buffer[..read]);
            }
            remaining -= read as u64;
        }
        Ok(Block {
            bytes,
            complete: remaining == 0,
            kept,
            sha1: sha1.finalize().into(),
            sha256: sha256.finalize().into(),
        })
    }

    /// Reads a record's block and reports, naming the record as `what`,
    /// when the archive ends inside it. Returns the block and whether it was
    /// cut short.
    fn read_record_block(
        &mut self,
        length: u64,
        what: &str,
    ) -> Result<(Block, bool), std::io::Error> {
        let block = self.read_block(length)?;
        let cut = !block.complete;
        if cut {
            self.diagnostic(
                Severity::Error,
                format!(
                    "{what} is cut short: the archive ends inside its {length}-byte block; \
                     what it holds is read"
                ),
            );
        }
        Ok((block, cut))
    }

    /// Reads one WARC record after its version line. `Ok(false)` stops.
    fn warc_record(
        &mut self,
        version: &str,
        visit: &mut dyn FnMut(Document),
    ) -> Result<bool, std::io::Error> {
        if !matches!(
            version.trim(),
            "WARC/1.0" | "WARC/1.1" | "WARC/0.18" | "WARC/0.17"
        ) {
            self.diagnostic(
                Severity::Warning,
                format!("unknown version {version:?}; read as WARC/1.1"),
            );
        }
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            let Some(line) = self.line()? else {
                self.diagnostic(
                    Severity::Error,
                    "the archive ends inside a record's headers".into(),
                );
                return Ok(false);
            };
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            match line.split_once(':') {
                Some((name, value)) => {
                    headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
                }
                None => self.diagnostic(
                    Severity::Warning,
                    format!("a header line without a colon: {line:?}"),
                ),
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let record_type = header("warc-type").unwrap_or_else(|| "unknown".into());
        let record_id = header("warc-record-id").unwrap_or_default();
        let Some(length) = header("content-length").and_then(|v| v.parse::<u64>().ok()) else {
            self.diagnostic(
                Severity::Error,
                format!("record {record_id} has no valid Content-Length; reading stopped"),
            );
            return Ok(false);
        };
        *self.summary.records.entry(record_type.clone()).or_default() += 1;
        let (block, cut) =
            self.read_record_block(length, &format!("record {record_id} ({record_type})"))?;
        let block_digest = header("warc-block-digest");
        let block_verified = block_digest
            .as_deref()
            .and_then(|d| check_digest(d, &block.sha1, &block.sha256));
        if block_verified == Some(false) {
            self.diagnostic(
                Severity::Error,
                format!(
                    "record {record_id}: the block digest {} does not match the block",
                    block_digest.unwrap_or_default()
                ),
            );
        }
        let content_type = header("content-type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let is_http = content_type.starts_with("application/http");
        let mut origin = WarcOrigin {
            record_id: record_id.clone(),
            record_type: record_type.clone(),
            target_uri: header("warc-target-uri")
                .map(|uri| uri.trim_matches(['<', '>']).to_owned()),
            date: header("warc-date"),
            http_status: None,
            payload_digest: header("warc-payload-digest"),
            block_digest_verified: block_verified,
            payload_digest_verified: None,
        };
        if !block.kept {
            self.diagnostic(
                Severity::Warning,
                format!(
                    "record {record_id} is larger than {} MiB: digests checked, no document made",
                    MAX_BLOCK_BYTES >> 20
                ),
            );
            return Ok(true);
        }
        let (http, payload_raw) = if is_http {
            match split_http(&block.bytes) {
                Some((head, body)) => (Some(head), body.to_vec()),
                None => (None, Vec::new()),
            }
        } else {
            (None, block.bytes.clone())
        };
        let chunked = http.as_ref().is_some_and(|h| {
            h.header("transfer-encoding")
                .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
        });
        let payload = if chunked {
            dechunk(&payload_raw).unwrap_or_else(|| payload_raw.clone())
        } else {
            payload_raw.clone()
        };
        // A revisit's payload digest names the payload of the capture it
        // revisits, which is not in this record.
        if let Some(digest) = origin
            .payload_digest
            .as_ref()
            .filter(|_| record_type != "revisit")
        {
            let verdicts = [&payload, &payload_raw].map(|bytes| {
                check_digest(
                    digest,
                    &sha1::Sha1::digest(bytes).into(),
                    &sha2::Sha256::digest(bytes).into(),
                )
            });
            origin.payload_digest_verified = if verdicts.contains(&Some(true)) {
                Some(true)
            } else if verdicts.contains(&Some(false)) {
                Some(false)
            } else {
                None
            };
            if origin.payload_digest_verified == Some(false) {
                self.diagnostic(
                    Severity::Error,
                    format!(
                        "record {record_id}: the payload digest {digest} does not match the payload"
                    ),
                );
            }
        }
        let html = match (&http, record_type.as_str()) {
            (Some(head), "response") => {
                origin.http_status = head.status;
                head.header("content-type")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("html"))
            }
            (None, "resource") => content_type.contains("html"),
            _ => false,
        };
        if html {
            let encoding = http
                .as_ref()
                .and_then(|h| h.header("content-encoding"))
                .map(|v| v.to_ascii_lowercase());
            self.emit(origin, &payload, encoding.as_deref(), cut, visit);
        }
        Ok(!cut)
    }

    /// Reads one ARC record after its header line. `Ok(false)` stops.
    fn arc_record(
        &mut self,
        header: &str,
        visit: &mut dyn FnMut(Document),
    ) -> Result<bool, std::io::Error> {
        // An ARC header is URL, IP, date, content type, length; URLs with
        // spaces push the other fields right, so they are read from the end.
        let fields: Vec<&str> = header.split(' ').collect();
        let url = fields[..fields.len().saturating_sub(4).max(1)].join(" ");
        let Some(length) = fields.last().and_then(|v| v.parse::<u64>().ok()) else {
            self.diagnostic(
                Severity::Error,
                format!("the ARC record for {url} declares an invalid length; reading stopped"),
            );
            return Ok(false);
        };
        let record_type = if url.starts_with("filedesc:") {
            "filedesc"
        } else {
            "response"
        };
        *self.summary.records.entry(record_type.into()).or_default() += 1;
        let (block, cut) = self.read_record_block(length, &format!("the ARC record for {url}"))?;
        if record_type == "filedesc" || !block.kept {
            return Ok(!cut);
        }
        let date = fields
            .len()
            .checked_sub(3)
            .and_then(|i| fields.get(i))
            .map(|d| (*d).to_owned());
        let Some((head, body)) = split_http(&block.bytes) else {
            return Ok(!cut);
        };
        let is_html = head
            .header("content-type")
            .is_some_and(|v| v.to_ascii_lowercase().contains("html"));
        let origin = WarcOrigin {
            record_id: format!("arc record {}", self.index),
            record_type: "response".into(),
            target_uri: Some(url),
            date,
            http_status: head.status,
            ..WarcOrigin::default()
        };
        if is_html {
            let chunked = head
                .header("transfer-encoding")
                .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
            let body = if chunked {
                dechunk(body).unwrap_or_else(|| body.to_vec())
            } else {
                body.to_vec()
            };
            let encoding = head
                .header("content-encoding")
                .map(|v| v.to_ascii_lowercase());
            self.emit(origin, &body, encoding.as_deref(), cut, visit);
        }
        Ok(!cut)
    }

    fn emit(
        &mut self,
        origin: WarcOrigin,
        body: &[u8],
        encoding: Option<&str>,
        cut: bool,
        visit: &mut dyn FnMut(Document),
    ) {
        let decoded;
        let mut notes = Vec::new();
        if cut {
            notes.push((
                Severity::Error,
                "the record is cut short: the page is incomplete".to_owned(),
            ));
        }
        let inflate = |reader: &mut dyn Read, name: &str, notes: &mut Vec<(Severity, String)>| {
            let mut out = Vec::new();
            if let Err(error) = reader.take(MAX_BLOCK_BYTES).read_to_end(&mut out) {
                notes.push((
                    Severity::Warning,
                    format!("the {name} content encoding is broken ({error})"),
                ));
            }
            out
        };
        let body = match encoding {
            Some("gzip" | "x-gzip") => {
                decoded = inflate(
                    &mut flate2::read::MultiGzDecoder::new(body),
                    "gzip",
                    &mut notes,
                );
                &decoded[..]
            }
            Some("deflate") => {
                decoded = inflate(
                    &mut flate2::read::ZlibDecoder::new(body),
                    "deflate",
                    &mut notes,
                );
                &decoded[..]
            }
            Some("identity") | None => body,
            Some(other) => {
                notes.push((
                    Severity::Warning,
                    format!("content encoding {other} is not supported; the body is read as it is"),
                ));
                body
            }
        };
        let location = origin.record_id.clone();
        let mut document = crate::html::read(body, self.name.as_deref());
        document.origin = Origin::Warc(Box::new(origin));
        for (severity, message) in notes {
            document.diagnostics.push(Diagnostic {
                severity,
                location: location.clone(),
                message,
            });
        }
        self.summary.documents += 1;
        visit(document);
    }
}

/// Whether a line looks like an ARC record header: five or more fields,
/// the last a number (a length, perhaps an invalid one).
fn looks_like_arc_header(line: &str) -> bool {
    let fields: Vec<&str> = line.split(' ').collect();
    let numeric = |v: &&str| {
        let digits = v.strip_prefix('-').unwrap_or(v);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    fields.len() >= 5 && fields.last().is_some_and(numeric)
}

/// The head of an HTTP message: status and headers.
struct HttpHead {
    status: Option<u16>,
    headers: Vec<(String, String)>,
}

impl HttpHead {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits an HTTP message into its head and body.
fn split_http(bytes: &[u8]) -> Option<(HttpHead, &[u8])> {
    let (head_end, body_start) = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| (at, at + 4))
        .or_else(|| {
            bytes
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|at| (at, at + 2))
        })?;
    let head = String::from_utf8_lossy(&bytes[..head_end]);
    let mut lines = head.lines();
    let status_line = lines.next()?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok());
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Some((HttpHead { status, headers }, &bytes[body_start..]))
}

/// Decodes a chunked body; `None` when it is not validly chunked.
fn dechunk(mut bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&bytes[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(bytes.get(..size)?);
        bytes = bytes.get(size..)?;
        bytes = bytes.strip_prefix(b"\r\n").unwrap_or(bytes);
    }
}

/// Checks an `algorithm:value` digest against computed SHA-1 and SHA-256.
/// `None` when the algorithm is not one of those.
fn check_digest(declared: &str, sha1: &[u8; 20], sha256: &[u8; 32]) -> Option<bool> {
    let (algorithm, value) = declared.split_once(':')?;
    let expected: &[u8] = match algorithm
        .trim()
        .to_ascii_lowercase()
        .replace('-', "")
        .as_str()
    {
        "sha1" => sha1,
        "sha256" => sha256,
        _ => return None,
    };
    let value = value.trim();
    let encodings = [
        &data_encoding::BASE32,
        &data_encoding::BASE32_NOPAD,
        &data_encoding::BASE64,
        &data_encoding::BASE64_NOPAD,
        &data_encoding::BASE64URL,
        &data_encoding::BASE64URL_NOPAD,
        &data_encoding::HEXLOWER_PERMISSIVE,
    ];
    let decoded: Vec<Vec<u8>> = encodings
        .iter()
        .filter_map(|encoding| encoding.decode(value.as_bytes()).ok())
        .filter(|bytes| bytes.len() == expected.len())
        .collect();
    // A value that decodes to no digest of the right length in any encoding
    // cannot match: it does not verify.
    Some(decoded.iter().any(|bytes| bytes.as_slice() == expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_in_every_encoding() {
        let sha1: [u8; 20] = sha1::Sha1::digest(b"").into();
        let sha256: [u8; 32] = sha2::Sha256::digest(b"").into();
        for good in [
            "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
            "sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=",
            "sha1:2jmj7l5rSw0yVb_vlWAYkK_YBwk=",
            "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "SHA-1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
        ] {
            assert_eq!(check_digest(good, &sha1, &sha256), Some(true), "{good}");
        }
        assert_eq!(
            check_digest("sha1:1112H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", &sha1, &sha256),
            Some(false)
        );
        assert_eq!(check_digest("md5:abc", &sha1, &sha256), None);
        assert_eq!(check_digest("sha1:!!", &sha1, &sha256), Some(false));
    }

    #[test]
    fn chunked_bodies_are_decoded() {
        assert_eq!(
            dechunk(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n").as_deref(),
            Some(&b"Wikipedia"[..])
        );
        assert_eq!(dechunk(b"zz\r\n"), None);
        assert_eq!(dechunk(b"10\r\nshort"), None);
    }
}
