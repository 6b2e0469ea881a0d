//! Time-based one-time codes (RFC 6238: HMAC-SHA1, 30-second steps, six
//! digits), the second factor of a sign-in, and the recovery codes that
//! stand in for a lost device.

use base64::Engine as _;
use hmac::{KeyInit as _, Mac as _};
use sha2::Digest as _;

/// Seconds a code lasts.
const STEP: u64 = 30;

/// The code of `secret` for the step holding POSIX time `time`.
pub fn code(secret: &[u8], time: u64) -> String {
    code_at(secret, time / STEP)
}

fn code_at(secret: &[u8], step: u64) -> String {
    let mut mac = <hmac::Hmac<sha1::Sha1>>::new_from_slice(secret)
        .unwrap_or_else(|_| <hmac::Hmac<sha1::Sha1>>::new_from_slice(&[0]).expect("a key"));
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let value = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

/// The step `given` is the code of, among the step holding `time` and the
/// one before and after it (clocks drift), compared in constant time.
pub fn matching_step(secret: &[u8], given: &str, time: u64) -> Option<u64> {
    let given = given.trim();
    let now = time / STEP;
    [now.saturating_sub(1), now, now + 1]
        .into_iter()
        .find(|step| crate::session::same_secret(&code_at(secret, *step), given))
}

/// A new secret: 20 random bytes.
pub fn new_secret() -> Result<Vec<u8>, crate::WebError> {
    let mut secret = vec![0u8; 20];
    getrandom::fill(&mut secret).map_err(|e| crate::WebError::Io(format!("no randomness: {e}")))?;
    Ok(secret)
}

/// RFC 4648 base32, without padding (what authenticator apps read).
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Reads [`base32`] back.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').chars() {
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            '2'..='7' => c as u32 - '2' as u32 + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The `otpauth://` URI an authenticator app reads (as a QR code or typed).
pub fn uri(account: &str, secret: &[u8]) -> String {
    format!(
        "otpauth://totp/casefile:{account}?secret={}&issuer=casefile&algorithm=SHA1&digits=6&period=30",
        base32(secret)
    )
}

/// Ten recovery codes, each good once, and what is kept of them (their
/// SHA-256, hex).
pub fn recovery_codes() -> Result<(Vec<String>, Vec<String>), crate::WebError> {
    let mut codes = Vec::new();
    let mut kept = Vec::new();
    for _ in 0..10 {
        let mut bytes = [0u8; 10];
        getrandom::fill(&mut bytes)
            .map_err(|e| crate::WebError::Io(format!("no randomness: {e}")))?;
        let code = base32(&bytes).to_lowercase();
        kept.push(recovery_hash(&code));
        codes.push(code);
    }
    Ok((codes, kept))
}

/// What is kept of a recovery code.
pub fn recovery_hash(code: &str) -> String {
    let digest = sha2::Sha256::digest(code.trim().to_lowercase().as_bytes());
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_those_of_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, the last six of its eight digits.
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code(secret, time), eight[2..], "at {time}");
        }
        assert_eq!(matching_step(secret, "287082", 59 + 30), Some(1));
        assert_eq!(matching_step(secret, "287082", 59 + 90), None);
        assert_eq!(
            from_base32(&base32(b"any bytes at all")).unwrap(),
            b"any bytes at all"
        );
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert!(
            uri("ana", secret)
                .starts_with("otpauth://totp/casefile:ana?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        );
        let (codes, kept) = recovery_codes().unwrap();
        assert_eq!(codes.len(), 10);
        assert_eq!(recovery_hash(&codes[3].to_uppercase()), kept[3]);
    }
}
