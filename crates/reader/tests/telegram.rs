//! The Telegram reader on exports written for these tests.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_document::{Document, Origin};
use casefile_reader::telegram::{self, Summary};
use expect_test::{Expect, expect};

/// A channel export covering every shape of message the reader handles. The
/// `\x0b` in message 4 is how Telegram writes a control character.
const CHANNEL: &str = r##"{
 "name": "Тестовий канал",
 "type": "public_channel",
 "id": 1234567890,
 "messages": [
  {
   "id": 1, "type": "service", "date": "2024-01-05T10:00:00", "date_unixtime": "1704448800",
   "actor": "Тестовий канал", "actor_id": "channel1234567890", "action": "create_channel",
   "title": "Тестовий канал", "text": "", "text_entities": []
  },
  {
   "id": 2, "type": "message", "date": "2024-01-06T12:30:00", "date_unixtime": "1704537000",
   "from": "Тестовий канал", "from_id": "channel1234567890",
   "text": "Перше повідомлення.\n\nДругий абзац.", "text_entities": [{"type": "plain", "text": "Перше повідомлення.\n\nДругий абзац."}]
  },
  {
   "id": 3, "type": "message", "date": "2024-01-07T09:00:00", "date_unixtime": "1704610800",
   "edited": "2024-01-07T09:05:00", "edited_unixtime": "1704611100",
   "from": "Тестовий канал", "from_id": "channel1234567890", "reply_to_message_id": 2,
   "text": [
     "See ",
     {"type": "link", "text": "https://example.org/a"},
     " and ",
     {"type": "text_link", "text": "this page", "href": "https://example.org/b"},
     ", ask ",
     {"type": "mention", "text": "@someone"},
     " or ",
     {"type": "mention_name", "text": "Ivan", "user_id": 42},
     " ",
     {"type": "hashtag", "text": "#мобілізація"},
     " ",
     {"type": "bold", "text": "важливо"},
     {"type": "plain", "text": "."},
     {"type": "custom_emoji", "text": "🔥", "document_id": "5"}
   ]
  },
  {
   "id": 4, "type": "message", "date": "2024-01-08T08:00:00", "date_unixtime": "1704700800",
   "from": "Тестовий канал", "from_id": "channel1234567890", "forwarded_from": "Інший канал",
   "photo": "photos/photo_1@08-01-2024_08-00-00.jpg", "width": 800, "height": 600,
   "text": "Підпис\x0bіз вертикальною табуляцією"
  },
  {
   "id": 5, "type": "message", "date": "2024-01-09T08:00:00",
   "from": "Тестовий канал", "from_id": "channel1234567890",
   "file": "(File not included. Change data exporting settings to download.)",
   "media_type": "video_file", "mime_type": "video/mp4", "text": ""
  }
 ]
}"##;

fn read(input: &str) -> (Vec<Document>, Summary) {
    let mut documents = Vec::new();
    let summary =
        telegram::read(input.as_bytes(), &mut |document| documents.push(document)).unwrap();
    (documents, summary)
}

/// One readable block per document: origin, text, blocks, annotations, diagnostics.
fn render(documents: &[Document]) -> String {
    let mut out = String::new();
    for document in documents {
        let Origin::Telegram(origin) = &document.origin else {
            panic!("not a Telegram origin");
        };
        out.push_str(&format!(
            "#{} {} chat={:?}/{:?}/{:?} date={:?} local={:?} edited={:?} from={:?}/{:?} fwd={:?} reply={:?} action={:?}\n",
            origin.message_id,
            origin.message_type,
            origin.chat_name,
            origin.chat_type,
            origin.chat_id,
            origin.date,
            origin.date_local,
            origin.edited,
            origin.from,
            origin.from_id,
            origin.forwarded_from,
            origin.reply_to,
            origin.action,
        ));
        out.push_str(&format!(
            "  text: {:?} language: {:?}\n",
            document.text,
            document.language.as_ref().map(|l| l.code.as_str())
        ));
        for block in &document.blocks {
            out.push_str(&format!(
                "  block {:?}: {:?}\n",
                block.kind,
                document.slice(block.span).unwrap()
            ));
        }
        for annotation in &document.annotations {
            out.push_str(&format!(
                "  {:?} {:?} {:?}\n",
                annotation.kind,
                document.slice(annotation.span).unwrap(),
                annotation.value
            ));
        }
        for media in &origin.media {
            out.push_str(&format!(
                "  media {} {:?} {:?}\n",
                media.kind, media.file, media.mime_type
            ));
        }
        for diagnostic in &document.diagnostics {
            out.push_str(&format!(
                "  {:?}: {}\n",
                diagnostic.severity, diagnostic.message
            ));
        }
    }
    out
}

fn check(input: &str, expected: Expect) {
    let (documents, summary) = read(input);
    let mut out = render(&documents);
    out.push_str(&format!(
        "chats={} messages={}\n",
        summary.chats, summary.messages
    ));
    for diagnostic in &summary.diagnostics {
        out.push_str(&format!(
            "file {:?} at {}: {}\n",
            diagnostic.severity, diagnostic.location, diagnostic.message
        ));
    }
    expected.assert_eq(&out);
}

#[test]
fn a_channel_export() {
    check(
        CHANNEL,
        expect![[r##"
            #1 service chat=Some("Тестовий канал")/Some("public_channel")/Some(1234567890) date=Some("2024-01-05T10:00:00Z") local=Some("2024-01-05T10:00:00") edited=None from=Some("Тестовий канал")/Some("channel1234567890") fwd=None reply=None action=Some("create_channel")
              text: "" language: None
            #2 message chat=Some("Тестовий канал")/Some("public_channel")/Some(1234567890) date=Some("2024-01-06T10:30:00Z") local=Some("2024-01-06T12:30:00") edited=None from=Some("Тестовий канал")/Some("channel1234567890") fwd=None reply=None action=None
              text: "Перше повідомлення.\n\nДругий абзац." language: Some("uk")
              block Paragraph: "Перше повідомлення."
              block Paragraph: "Другий абзац."
            #3 message chat=Some("Тестовий канал")/Some("public_channel")/Some(1234567890) date=Some("2024-01-07T07:00:00Z") local=Some("2024-01-07T09:00:00") edited=Some("2024-01-07T07:05:00Z") from=Some("Тестовий канал")/Some("channel1234567890") fwd=None reply=Some(2) action=None
              text: "See https://example.org/a and this page, ask @someone or Ivan #мобілізація важливо.🔥" language: Some("en")
              block Paragraph: "See https://example.org/a and this page, ask @someone or Ivan #мобілізація важливо.🔥"
              Link "https://example.org/a" None
              TextLink "this page" Some("https://example.org/b")
              Mention "@someone" None
              MentionName "Ivan" Some("42")
              Hashtag "#мобілізація" None
              Emphasis "важливо" Some("bold")
              Other "🔥" Some("custom_emoji")
            #4 message chat=Some("Тестовий канал")/Some("public_channel")/Some(1234567890) date=Some("2024-01-08T08:00:00Z") local=Some("2024-01-08T08:00:00") edited=None from=Some("Тестовий канал")/Some("channel1234567890") fwd=Some("Інший канал") reply=None action=None
              text: "Підпис\u{b}із вертикальною табуляцією" language: Some("uk")
              block Paragraph: "Підпис\u{b}із вертикальною табуляцією"
              media photo Some("photos/photo_1@08-01-2024_08-00-00.jpg") None
            #5 message chat=Some("Тестовий канал")/Some("public_channel")/Some(1234567890) date=None local=Some("2024-01-09T08:00:00") edited=None from=Some("Тестовий канал")/Some("channel1234567890") fwd=None reply=None action=None
              text: "" language: None
              media video_file Some("(File not included. Change data exporting settings to download.)") Some("video/mp4")
              Warning: no date_unixtime: the export's local date has no offset, so no UTC time is given
            chats=1 messages=5
        "##]],
    );
}

#[test]
fn a_full_export_with_a_list_of_chats() {
    let input = r#"{
      "about": "Here is the data you requested.",
      "personal_information": {"user_id": 1, "first_name": "A"},
      "contacts": {"about": "x", "list": [{"first_name": "B", "phone_number": "+000"}]},
      "chats": {"about": "chats", "list": [
        {"name": "Alpha", "type": "private_group", "id": 11, "messages": [
          {"id": 1, "type": "message", "date_unixtime": "1700000000", "from": "A", "from_id": "user1", "text": "one"}
        ]},
        {"name": "Beta", "type": "personal_chat", "id": 12, "messages": [
          {"id": 7, "type": "message", "date_unixtime": "1700000100", "from": "B", "from_id": "user2", "text": ["two ", {"type": "italic", "text": "words"}]}
        ]}
      ]},
      "left_chats": {"about": "left", "list": [
        {"name": "Gamma", "type": "public_supergroup", "id": 13, "messages": []}
      ]}
    }"#;
    check(
        input,
        expect![[r##"
            #1 message chat=Some("Alpha")/Some("private_group")/Some(11) date=Some("2023-11-14T22:13:20Z") local=None edited=None from=Some("A")/Some("user1") fwd=None reply=None action=None
              text: "one" language: Some("en")
              block Paragraph: "one"
            #7 message chat=Some("Beta")/Some("personal_chat")/Some(12) date=Some("2023-11-14T22:15:00Z") local=None edited=None from=Some("B")/Some("user2") fwd=None reply=None action=None
              text: "two words" language: Some("en")
              block Paragraph: "two words"
              Emphasis "words" Some("italic")
            chats=3 messages=2
        "##]],
    );
}

#[test]
fn broken_exports_give_diagnostics_and_what_could_be_read() {
    check(
        "",
        expect![[r#"
            chats=0 messages=0
            file Error at byte 0: the file is empty; 0 messages were read before it
        "#]],
    );
    check(
        "[1, 2]",
        expect![[r#"
            chats=0 messages=0
            file Error at byte 0: a Telegram export is a JSON object; 0 messages were read before it
        "#]],
    );
    check(
        r#"{"name": "C", "messages": [{"id": 1, "text": "a"}, {"id": 2, "text": "b"#,
        expect![[r##"
            #1 message chat=Some("C")/None/None date=None local=None edited=None from=None/None fwd=None reply=None action=None
              text: "a" language: None
              block Paragraph: "a"
              Warning: no date_unixtime: the export's local date has no offset, so no UTC time is given
            chats=1 messages=1
            file Error at byte 71: the export ends early (truncated?); 1 messages were read before it
        "##]],
    );
    check(
        r#"{"messages": [{"id": 1, "text": 5}, {"id": 2 "text": "x"}, {"id": 3}]}"#,
        expect![[r##"
            #1 message chat=None/None/None date=None local=None edited=None from=None/None fwd=None reply=None action=None
              text: "" language: None
              Warning: no date_unixtime: the export's local date has no offset, so no UTC time is given
              Warning: the text is neither a string nor a list; it was left out
            #3 message chat=None/None/None date=None local=None edited=None from=None/None fwd=None reply=None action=None
              text: "" language: None
              Warning: no date_unixtime: the export's local date has no offset, so no UTC time is given
            chats=1 messages=2
            file Error at byte 36: a message could not be read (too large or not valid JSON); it was skipped
        "##]],
    );
}

#[test]
fn every_truncation_of_an_export_is_read_without_panic() {
    let full = read(CHANNEL).0.len();
    for cut in 0..CHANNEL.len() {
        if !CHANNEL.is_char_boundary(cut) {
            continue;
        }
        let (documents, summary) = read(&CHANNEL[..cut]);
        assert!(documents.len() <= full);
        assert!(
            !summary.diagnostics.is_empty(),
            "a cut at {cut} went unnoticed"
        );
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
        let _ = telegram::read(bytes.as_slice(), &mut |_| {});
    }

    #[test]
    fn flipping_a_byte_of_an_export_never_panics(at in 0usize..2000, bit in 0u8..8) {
        let mut bytes = CHANNEL.as_bytes().to_vec();
        let at = at % bytes.len();
        bytes[at] ^= 1 << bit;
        let _ = telegram::read(bytes.as_slice(), &mut |_| {});
    }
}
