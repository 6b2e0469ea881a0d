//! Identities, case keys and member documents.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_keys::{
    CaseKey, Change, Clearance, Identity, KeyError, MemberChange, Members, Passphrase, Recipient,
    Role, SourceKey, WrappedKey, seal_bytes, unwrap_sealing_key, wrap_sealing_key, wrapped_header,
};
use proptest::prelude::*;
use std::io::{Read as _, Write as _};

/// A work factor low enough for tests (age's scrypt accepts any).
const QUICK: Option<u8> = Some(4);

fn passphrase(text: &str) -> Passphrase {
    Passphrase::from(text.to_owned())
}

#[test]
fn a_protected_identity_file_opens_with_its_passphrase_only() {
    let identity = Identity::generate();
    let file = identity.to_protected_file(&passphrase("correct horse"), QUICK);
    assert!(file.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    let text = String::from_utf8(file.clone()).unwrap();
    assert!(
        !text.contains("AGE-SECRET-KEY"),
        "the key is in the file in plain text"
    );

    let opened = Identity::from_file(&file, Some(&passphrase("correct horse")), "id").unwrap();
    assert_eq!(opened.recipient(), identity.recipient());

    let wrong = Identity::from_file(&file, Some(&passphrase("wrong")), "id").unwrap_err();
    assert!(matches!(wrong, KeyError::WrongPassphrase { .. }), "{wrong}");
    let none = Identity::from_file(&file, None, "id").unwrap_err();
    assert!(matches!(none, KeyError::NeedsPassphrase { .. }), "{none}");
}

#[test]
fn a_plain_identity_file_reads_as_age_keygen_writes_it() {
    let identity = Identity::generate();
    let plain = identity.to_plain_file();
    assert!(plain.contains(&format!("# public key: {}", identity.recipient())));
    let opened = Identity::from_file(plain.as_bytes(), None, "id").unwrap();
    assert_eq!(opened.recipient(), identity.recipient());

    for (bytes, problem) in [
        (&b""[..], "holds no key"),
        (b"# only a comment\n", "holds no key"),
        (b"AGE-SECRET-KEY-1QQQ\n", "does not decode"),
        (b"age1notasecret\n", "not an age X25519 secret key"),
        (b"\xff\xfe", "not UTF-8"),
    ] {
        let error = Identity::from_file(bytes, None, "the identity file").unwrap_err();
        assert!(
            error.to_string().contains(problem),
            "{bytes:?}: {error} should say {problem:?}"
        );
    }
    let two = format!(
        "{}{}",
        plain.as_str(),
        Identity::generate().to_plain_file().as_str()
    );
    let error = Identity::from_file(two.as_bytes(), None, "id").unwrap_err();
    assert!(error.to_string().contains("more than one key"), "{error}");
}

#[test]
fn debug_output_never_shows_a_secret() {
    let identity = Identity::generate();
    let key = CaseKey::generate(3);
    for shown in [format!("{identity:?}"), format!("{key:?}")] {
        assert!(!shown.contains("AGE-SECRET-KEY"), "{shown}");
        assert!(shown.contains("age1"), "{shown}");
    }
}

#[test]
fn recipients_have_one_spelling() {
    let recipient = Identity::generate().recipient();
    let text = recipient.to_string();
    assert_eq!(text.parse::<Recipient>().unwrap(), recipient);
    assert!(text.to_uppercase().parse::<Recipient>().is_err());
    assert!("age1".parse::<Recipient>().is_err());
    assert!(format!(" {text}").parse::<Recipient>().is_err());
}

#[test]
fn a_case_key_unwraps_for_each_member_it_was_wrapped_for_and_no_other() {
    let (alice, bob, carol) = (
        Identity::generate(),
        Identity::generate(),
        Identity::generate(),
    );
    let key = CaseKey::generate(1);
    let wrapped = key.wrap(&[bob.recipient(), alice.recipient()]).unwrap();
    assert_eq!(wrapped.wrapped_for().len(), 2);
    assert_eq!(wrapped.recipient(), &key.recipient());

    let bytes = wrapped.to_bytes();
    let parsed = WrappedKey::parse(&bytes, "key 1").unwrap();
    assert_eq!(parsed, wrapped);
    for member in [&alice, &bob] {
        assert_eq!(parsed.unwrap(member).unwrap().recipient(), key.recipient());
    }
    let error = parsed.unwrap(&carol).unwrap_err();
    assert!(
        matches!(error, KeyError::NotForThisIdentity { .. }),
        "{error}"
    );
    assert!(key.wrap(&[]).is_err(), "a key nobody can open was made");
}

#[test]
fn protected_material_sealed_to_an_epoch_opens_with_its_key() {
    let key = CaseKey::generate(2);
    let testimony = "Свидетель W-001 рассказал о побоях.".as_bytes();
    let sealed = seal_bytes(&key.recipient(), testimony);
    assert!(!sealed.windows(testimony.len()).any(|w| w == testimony));
    assert_eq!(
        key.open_bytes(&sealed, "blob").unwrap().as_slice(),
        testimony
    );

    let other = CaseKey::generate(2);
    assert!(other.open_bytes(&sealed, "blob").is_err());
    let mut altered = sealed.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let error = key
        .open_bytes(&altered, "the blob of source #4")
        .unwrap_err();
    assert!(error.to_string().contains("source #4"), "{error}");
}

#[test]
fn a_key_document_changed_anywhere_never_yields_a_key_silently() {
    let member = Identity::generate();
    let key = CaseKey::generate(5);
    let bytes = key.wrap(&[member.recipient()]).unwrap().to_bytes();
    for at in 0..bytes.len() {
        let mut altered = bytes.clone();
        altered[at] ^= 0x01;
        let result = WrappedKey::parse(&altered, "key").and_then(|w| {
            let opened = w.unwrap(&member)?;
            Ok((w, opened))
        });
        if let Ok((document, opened)) = result {
            // Only a change that leaves the same key and the same document
            // meaning could pass: there is none in a canonical document.
            panic!("byte {at} changed and the document still opened: {document:?} gave {opened:?}");
        }
    }
}

#[test]
fn a_wrapped_key_swapped_for_another_valid_one_is_refused() {
    let member = Identity::generate();
    let real = CaseKey::generate(7).wrap(&[member.recipient()]).unwrap();
    let impostor = CaseKey::generate(7).wrap(&[member.recipient()]).unwrap();
    let earlier = CaseKey::generate(6).wrap(&[member.recipient()]).unwrap();
    let header_of = |w: &WrappedKey| {
        let text = String::from_utf8(w.to_bytes()).unwrap();
        let armor = text.find("-----BEGIN").unwrap();
        (text[..armor].to_owned(), text[armor..].to_owned())
    };
    let (head, _) = header_of(&real);
    for (other, why) in [(&impostor, "another key"), (&earlier, "another epoch")] {
        let (_, armor) = header_of(other);
        let swapped = WrappedKey::parse(format!("{head}{armor}").as_bytes(), "key").unwrap();
        let error = swapped.unwrap(&member).unwrap_err();
        assert!(matches!(error, KeyError::Damaged { .. }), "{why}: {error}");
    }
}

const SHA_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SHA_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

#[test]
fn a_source_key_opens_its_source_and_unwraps_only_with_its_epoch_and_ciphertext() {
    let epoch = CaseKey::generate(3);
    let source = SourceKey::generate();
    let mut writer = source.seal(Vec::new()).unwrap();
    writer.write_all(b"the testimony's bytes").unwrap();
    let ciphertext = writer.finish().unwrap();
    assert!(!ciphertext.windows(9).any(|w| w == b"testimony"));

    let file = source.wrap(3, &epoch.recipient(), SHA_A);
    assert!(!String::from_utf8_lossy(&file).contains("AGE-SECRET-KEY"));
    let header = wrapped_header(&file, "key file").unwrap();
    assert_eq!(
        (header.epoch, header.about.as_str()),
        (3, format!("source {SHA_A}").as_str())
    );
    let opened = SourceKey::unwrap(&file, &epoch, SHA_A, "key file").unwrap();
    let mut plain = Vec::new();
    opened
        .open(ciphertext.as_slice(), "ciphertext")
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(plain, b"the testimony's bytes");

    // Kept for another ciphertext, or opened with another epoch's key.
    let swapped = SourceKey::unwrap(&file, &epoch, SHA_B, "key file").unwrap_err();
    assert!(swapped.to_string().contains("swapped"), "{swapped}");
    let other = CaseKey::generate(3);
    assert!(SourceKey::unwrap(&file, &other, SHA_A, "key file").is_err());
    let later = CaseKey::generate(4);
    assert!(SourceKey::unwrap(&file, &later, SHA_A, "key file").is_err());
    // A header rewritten to name another ciphertext: the inside says no.
    let relabelled = String::from_utf8(file.clone())
        .unwrap()
        .replace(SHA_A, SHA_B);
    let error = SourceKey::unwrap(relabelled.as_bytes(), &epoch, SHA_B, "key file").unwrap_err();
    assert!(error.to_string().contains("swapped"), "{error}");
    // Another source's key does not open this ciphertext.
    let stranger = SourceKey::generate();
    assert!(stranger.open(ciphertext.as_slice(), "ciphertext").is_err());
}

#[test]
fn a_source_key_file_changed_anywhere_never_yields_a_key_silently() {
    let epoch = CaseKey::generate(0);
    let source = SourceKey::generate();
    let file = source.wrap(0, &epoch.recipient(), SHA_A);
    for position in 0..file.len() {
        let mut changed = file.clone();
        changed[position] ^= 0x01;
        if let Ok(key) = SourceKey::unwrap(&changed, &epoch, SHA_A, "key file") {
            // Armor tolerates nothing, but a flip that decodes to the same
            // key (none should) would still have to be the same key.
            assert_eq!(key.recipient(), source.recipient(), "byte {position}");
        }
    }
}

#[test]
fn a_disclosed_source_key_is_an_age_identity_file_for_that_source_alone() {
    let source = SourceKey::generate();
    let file = source.to_identity_file("source #4 of casefile/test");
    assert!(file.contains("AGE-SECRET-KEY-1"));
    let read = SourceKey::from_identity_file(&file, "disclosed key").unwrap();
    assert_eq!(read.recipient(), source.recipient());
    let sealed = source.seal_bytes(b"fields");
    assert_eq!(
        read.open_bytes(&sealed, "fields").unwrap().as_slice(),
        b"fields"
    );
    assert!(SourceKey::from_identity_file("# nothing\n", "disclosed key").is_err());
}

#[test]
fn the_derived_stores_key_is_kept_wrapped_to_the_epoch() {
    let epoch = CaseKey::generate(1);
    let key = [0x5a; 32];
    let file = wrap_sealing_key(1, &epoch.recipient(), &key);
    assert!(!String::from_utf8_lossy(&file).contains("5a5a"));
    assert_eq!(
        *unwrap_sealing_key(&file, &epoch, "derived key").unwrap(),
        key
    );
    let source = SourceKey::generate().wrap(1, &epoch.recipient(), SHA_A);
    assert!(unwrap_sealing_key(&source, &epoch, "derived key").is_err());
}

fn add(name: &str, role: Role, clearance: Clearance, recipient: &Recipient) -> MemberChange {
    MemberChange {
        name: name.to_owned(),
        change: Change::Add {
            role,
            clearance,
            recipient: recipient.clone(),
        },
    }
}

#[test]
fn member_documents_read_back_and_only_canonical_ones() {
    let recipient = Identity::generate().recipient();
    let changes = [
        add("olena", Role::Documenter, Clearance::Protected, &recipient),
        MemberChange {
            name: "olena".into(),
            change: Change::Update {
                role: Role::Lawyer,
                clearance: Clearance::None,
            },
        },
        MemberChange {
            name: "olena".into(),
            change: Change::Remove,
        },
    ];
    for change in &changes {
        let bytes = change.to_bytes();
        assert!(MemberChange::is_member_document(&bytes));
        assert_eq!(&MemberChange::parse(&bytes, "doc").unwrap(), change);
    }
    let expected = format!(
        "casefile-member 1\nchange add\nname olena\nrole documenter\nclearance protected\nrecipient {recipient}\n"
    );
    assert_eq!(String::from_utf8(changes[0].to_bytes()).unwrap(), expected);

    for (text, line) in [
        (expected.replace("role documenter", "role boss"), 4),
        (expected.replace("name olena", "name Olena"), 3),
        (expected.replace("clearance protected\n", ""), 5),
        (format!("{expected}extra\n"), 1),
        (expected.trim_end().to_owned(), 1),
        (expected.replace("change add", "change promote"), 2),
    ] {
        let error = MemberChange::parse(text.as_bytes(), "member document #9").unwrap_err();
        match &error {
            KeyError::BadDocument { line: at, .. } => assert_eq!(*at, line, "{error}"),
            other => panic!("{text:?}: {other}"),
        }
        assert!(
            error.to_string().starts_with("member document #9"),
            "{error}"
        );
    }
}

#[test]
fn members_fold_in_order_and_say_who_reads_protected_material() {
    let (a, b, r) = (
        Identity::generate(),
        Identity::generate(),
        Identity::generate(),
    );
    let mut members = Members::default();
    members
        .apply(&add(
            "recovery",
            Role::Recovery,
            Clearance::Protected,
            &r.recipient(),
        ))
        .unwrap();
    members
        .apply(&add(
            "anna",
            Role::Admin,
            Clearance::Protected,
            &a.recipient(),
        ))
        .unwrap();
    members
        .apply(&add("boris", Role::Viewer, Clearance::None, &b.recipient()))
        .unwrap();
    let mut readers = vec![a.recipient(), r.recipient()];
    readers.sort();
    assert_eq!(members.readers(), readers);

    // Refusals leave the members as they were.
    let before = members.clone();
    for change in [
        add(
            "anna",
            Role::Viewer,
            Clearance::None,
            &Identity::generate().recipient(),
        ),
        add("dup", Role::Viewer, Clearance::None, &a.recipient()),
        add(
            "r2",
            Role::Recovery,
            Clearance::None,
            &Identity::generate().recipient(),
        ),
        MemberChange {
            name: "nobody".into(),
            change: Change::Remove,
        },
        MemberChange {
            name: "recovery".into(),
            change: Change::Update {
                role: Role::Admin,
                clearance: Clearance::Protected,
            },
        },
    ] {
        assert!(members.apply(&change).is_err(), "{change:?} was taken");
        assert_eq!(members, before);
    }

    let drop_anna = MemberChange {
        name: "anna".into(),
        change: Change::Update {
            role: Role::Admin,
            clearance: Clearance::None,
        },
    };
    assert!(members.revokes(&drop_anna));
    let remove_boris = MemberChange {
        name: "boris".into(),
        change: Change::Remove,
    };
    assert!(
        !members.revokes(&remove_boris),
        "boris never read protected material"
    );
    members.apply(&drop_anna).unwrap();
    members.apply(&remove_boris).unwrap();
    assert_eq!(members.readers(), vec![r.recipient()]);
    assert_eq!(members.iter().count(), 2);
}

proptest! {
    #[test]
    fn any_member_document_reads_back(
        name in "[a-z0-9][a-z0-9._-]{0,63}",
        role in prop::sample::select(vec![Role::Viewer, Role::Documenter, Role::Lawyer, Role::Admin]),
        cleared in any::<bool>(),
        kind in 0..3u8,
    ) {
        let clearance = if cleared { Clearance::Protected } else { Clearance::None };
        let change = match kind {
            0 => Change::Add { role, clearance, recipient: Identity::generate().recipient() },
            1 => Change::Update { role, clearance },
            _ => Change::Remove,
        };
        let document = MemberChange { name, change };
        let bytes = document.to_bytes();
        prop_assert_eq!(MemberChange::parse(&bytes, "doc").unwrap(), document);
    }

    #[test]
    fn no_bytes_make_the_member_reader_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = MemberChange::parse(&bytes, "doc");
        let _ = WrappedKey::parse(&bytes, "doc");
        let _ = Identity::from_file(&bytes, None, "doc");
    }
}
