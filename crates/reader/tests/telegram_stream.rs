//! A generated export of a gigabyte is read message by message in bounded
//! memory. It is generated on the fly, never held whole, and this file has a
//! single test so the process's peak memory is the reader's.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use std::io::Read;

use casefile_reader::telegram;

/// Produces `{"name": ..., "messages": [ ...count messages... ]}` lazily.
struct Generated {
    count: u64,
    next: u64,
    pending: Vec<u8>,
    at: usize,
    finished: bool,
}

impl Generated {
    fn new(count: u64) -> Self {
        Self {
            count,
            next: 0,
            pending: br#"{"name": "Generated", "type": "public_channel", "id": 5, "messages": ["#
                .to_vec(),
            at: 0,
            finished: false,
        }
    }

    fn refill(&mut self) {
        self.pending.clear();
        self.at = 0;
        if self.next == self.count {
            if !self.finished {
                self.pending.extend_from_slice(b"]}");
                self.finished = true;
            }
            return;
        }
        let id = self.next;
        self.next += 1;
        let separator = if id == 0 { "" } else { "," };
        // About 10 KB a message: a long post with entities and an escape.
        let body = "Повідомлення про мобілізацію та обіцянки. ".repeat(120);
        self.pending.extend_from_slice(
            format!(
                r##"{separator}{{"id": {id}, "type": "message", "date_unixtime": "{}", "from": "Generated", "from_id": "channel5",
                 "text": ["{body}", {{"type": "hashtag", "text": "#tag{id}"}}, " end\x0b"]}}"##,
                1_700_000_000 + id
            )
            .as_bytes(),
        );
    }
}

impl Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            self.refill();
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .unwrap();
    kib / 1024
}

#[test]
fn a_gigabyte_export_is_read_in_bounded_memory() {
    let messages = 100_000;
    let mut seen = 0u64;
    let mut hashtags = 0u64;
    let summary = telegram::read(Generated::new(messages), &mut |document| {
        seen += 1;
        hashtags += document.annotations.len() as u64;
        assert!(document.text.ends_with(" end\u{b}"));
    })
    .unwrap();
    assert_eq!(summary.messages as u64, messages);
    assert_eq!(seen, messages);
    assert_eq!(hashtags, messages);
    assert!(summary.diagnostics.is_empty(), "{:?}", summary.diagnostics);
    let peak = peak_rss_mib();
    assert!(peak < 100, "reading a 1 GB export peaked at {peak} MiB");
}
