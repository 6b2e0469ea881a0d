//! The web-archive reader on `../shared/data/warc/`: valid files yield their
//! documents, the one deliberately wrong payload digest is flagged, and
//! truncated or broken files give diagnostics and whatever could be read.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_document::Origin;
use casefile_reader::warc;
use expect_test::{Expect, expect};

fn check(file: &str, expected: Expect) {
    let Some(dir) = casefile_testkit::shared_path("data/warc") else {
        return;
    };
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let mut out = String::new();
    let summary = warc::read(bytes.as_slice(), Some(file), &mut |document| {
        let Origin::Warc(origin) = &document.origin else {
            panic!("not a WARC origin");
        };
        out.push_str(&format!(
            "document {} {:?} status={:?} date={:?} block_ok={:?} payload_ok={:?} title={:?} words={}\n",
            origin.record_type,
            origin.target_uri,
            origin.http_status,
            origin.date,
            origin.block_digest_verified,
            origin.payload_digest_verified,
            document.title,
            document.text.split_whitespace().count(),
        ));
    })
    .unwrap();
    out.push_str(&format!("records {:?}\n", summary.records));
    for diagnostic in &summary.diagnostics {
        out.push_str(&format!(
            "{:?} at {}: {}\n",
            diagnostic.severity, diagnostic.location, diagnostic.message
        ));
    }
    expected.assert_eq(&out);
}

#[test]
fn example_warc() {
    check(
        "example.warc",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("2017-03-06T04:02:06Z") block_ok=Some(true) payload_ok=Some(true) title=Some("Example Domain") words=26
            records {"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}
        "#]],
    );
}

#[test]
fn example_warc_gz() {
    check(
        "example.warc.gz",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("2017-03-06T04:02:06Z") block_ok=Some(true) payload_ok=Some(true) title=Some("Example Domain") words=26
            records {"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}
        "#]],
    );
}

#[test]
fn the_wrong_payload_digest_is_flagged() {
    check(
        "example-digest.warc",
        expect![[r#"
        records {"request": 4}
        Error at record 1: record <urn:uuid:a9c5c23a-0221-11e7-8fe3-0242ac120007>: the payload digest sha1:1112H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ does not match the payload
    "#]],
    );
}

#[test]
fn chunked_response() {
    check(
        "example-iana.org-chunked.warc",
        expect![[r#"
            document response Some("http://www.iana.org/") status=Some(200) date=Some("2017-03-06T16:54:09Z") block_ok=Some(true) payload_ok=Some(true) title=Some("Internet Assigned Numbers Authority") words=185
            records {"request": 1, "response": 1, "warcinfo": 1}
        "#]],
    );
}

#[test]
fn truncated_warc() {
    check(
        "example-trunc.warc",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("2017-03-06T04:02:06Z") block_ok=Some(false) payload_ok=Some(false) title=Some("Example Domain") words=26
            records {"response": 1, "warcinfo": 2}
            Error at record 3: record <urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>: the block digest sha1:DR5MBP7OD3OPA7RFKWJUD4CTNUQUGFC5 does not match the block
            Error at record 3: record <urn:uuid:a9c51e3e-0221-11e7-bf66-0242ac120005>: the payload digest sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK does not match the payload
            Error at record 4: expected a WARC or ARC record, found "\0\0"; reading stopped
        "#]],
    );
}

#[test]
fn broken_gzip_and_chunking() {
    check(
        "example-bad.warc.gz.bad",
        expect![[r#"
            document response Some("http://example.com?example=1") status=Some(200) date=Some("2014-01-03T03:03:21Z") block_ok=None payload_ok=Some(true) title=Some("Example Domain") words=26
            document response Some("http://www.iana.org/domains/example") status=Some(302) date=Some("2014-01-28T05:15:39Z") block_ok=None payload_ok=Some(true) title=Some("302 Found") words=6
            records {"request": 2, "response": 2, "revisit": 1, "warcinfo": 1}
        "#]],
    );
    check(
        "example-wrong-chunks.warc.gz",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("2018-11-02T18:55:11Z") block_ok=Some(false) payload_ok=Some(true) title=Some("Example Domain") words=26
            records {"request": 1, "response": 1}
            Error at record 1: record <urn:uuid:80d63307-60af-43e0-903f-574b2f432b7e>: the block digest sha1:SDZIDCNQKX2AQDX3LC6EE2YTIHVLAXUK does not match the block
        "#]],
    );
    check(
        "example-bad-non-chunked.warc.gz",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("2017-03-06T04:02:06Z") block_ok=Some(true) payload_ok=Some(true) title=Some("Example Domain") words=26
            records {"request": 2, "response": 1, "revisit": 1, "warcinfo": 2}
            Error at record 5: record <urn:uuid:e6e395ca-0221-11e7-a18d-0242ac120005>: the block digest sha1:DVRKRZEWKT4QEWGQOSFOA5KY5VDIWJLW does not match the block
        "#]],
    );
}

#[test]
fn resource_and_odd_target_uris() {
    check(
        "example-resource.warc.gz",
        expect![[r#"
            document resource Some("http://example.com/") status=None date=Some("2017-04-29T01:30:30Z") block_ok=Some(true) payload_ok=Some(true) title=Some("Example Domain") words=26
            records {"resource": 1, "warcinfo": 2}
        "#]],
    );
    check(
        "example-space-in-target-uri.warc.gz",
        expect![[r#"
        records {"resource": 1, "warcinfo": 1}
    "#]],
    );
    check(
        "example-wget-bad-target-uri.warc.gz",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("2018-02-09T15:12:11Z") block_ok=Some(true) payload_ok=Some(true) title=Some("Example Domain") words=26
            records {"metadata": 1, "request": 1, "resource": 2, "response": 1, "warcinfo": 1}
        "#]],
    );
    check(
        "post-test.warc.gz",
        expect![[r#"
        records {"request": 3, "response": 3}
    "#]],
    );
}

#[test]
fn arc_files() {
    check(
        "example.arc",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("20140216050221") block_ok=None payload_ok=None title=Some("Example Domain") words=26
            records {"filedesc": 1, "response": 1}
        "#]],
    );
    check(
        "example.arc.gz",
        expect![[r#"
            document response Some("http://example.com/") status=Some(200) date=Some("20140216050221") block_ok=None payload_ok=None title=Some("Example Domain") words=26
            records {"filedesc": 1, "response": 1}
        "#]],
    );
    check(
        "example-space-in-url.arc",
        expect![[r#"
            document response Some("http://example.com/index.cfm?FuseAction=Email&EmailTitle=Examples From The Live Web&IsPopUp=False") status=Some(200) date=Some("20140216050221") block_ok=None payload_ok=None title=Some("Example Domain") words=26
            records {"filedesc": 1, "response": 1}
            Error at record 2: the ARC record for http://example.com/index.cfm?FuseAction=Email&EmailTitle=Examples From The Live Web&IsPopUp=False is cut short: the archive ends inside its 1591-byte block; what it holds is read
        "#]],
    );
    check(
        "bad.arc",
        expect![[r#"
            records {}
            Error at record 1: the ARC record for filedesc://bad.arc.gz declares an invalid length; reading stopped
        "#]],
    );
}

proptest::proptest! {
    #[test]
    fn arbitrary_and_damaged_archives_never_panic(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..800),
        at in 0usize..5120,
        bit in 0u8..8,
    ) {
        let _ = warc::read(bytes.as_slice(), None, &mut |_| {});
        if let Some(dir) = casefile_testkit::shared_path("data/warc") {
            let mut original = std::fs::read(dir.join("example.warc")).unwrap();
            let at = at % original.len();
            original[at] ^= 1 << bit;
            let _ = warc::read(original.as_slice(), None, &mut |_| {});
            let cut = &original[..at];
            let _ = warc::read(cut, None, &mut |_| {});
        }
    }
}
