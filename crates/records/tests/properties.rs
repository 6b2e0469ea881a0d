//! Properties of record actions: what encodes decodes to itself, and an
//! action that does not apply leaves the records as they were.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use std::collections::BTreeMap;

use casefile_records::action::Citation;
use casefile_records::vocabulary::{RELATIONS, ROLES};
use casefile_records::{Action, ActionKind, Link, Provenance, RecordKind, Records};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = ActionKind> {
    prop_oneof![
        Just(ActionKind::Create),
        Just(ActionKind::Edit),
        Just(ActionKind::Confirm),
        Just(ActionKind::Reject),
        Just(ActionKind::Dispute),
        Just(ActionKind::Merge),
        Just(ActionKind::Split),
    ]
}

fn link() -> impl Strategy<Value = Link> {
    (
        prop::sample::select(ROLES.to_vec()),
        prop::sample::select(vec!["E1.0.0", "H1", "G2.0.1", "X"]),
    )
        .prop_map(|(role, target)| Link {
            role: role.to_owned(),
            target: target.to_owned(),
        })
}

prop_compose! {
    fn action()(
        action in kind(),
        record in prop::option::of(prop::sample::select(vec!["E1.0.0", "H1", "C1.0.0", "H3", "H4"])),
        kind in prop::option::of(prop::sample::select(RecordKind::ALL.to_vec())),
        subtype in prop::option::of(prop::sample::select(RELATIONS.to_vec())),
        label in prop::option::of("\\PC{0,12}"),
        set in prop::collection::btree_map("[a-z]{1,6}", "\\PC{0,10}", 0..3),
        unset in prop::collection::vec("[a-z]{1,6}", 0..2),
        link in prop::collection::vec(link(), 0..3),
        unlink in prop::collection::vec(link(), 0..2),
        cite in prop::collection::vec((0u64..4, 0u64..3, 0usize..50, 0usize..50, "\\PC{0,8}"), 0..2),
        note in prop::option::of("\\PC{0,20}"),
        from in prop::option::of(prop::sample::select(vec!["E1.0.0", "H1", "H3", "H4", "C1.0.0"])),
    ) -> Action {
        Action {
            format: casefile_records::ACTION_FORMAT.to_owned(),
            action,
            record: record.map(str::to_owned),
            kind,
            subtype: subtype.map(str::to_owned),
            label,
            set: set.into_iter().collect::<BTreeMap<_, _>>(),
            unset,
            link,
            unlink,
            cite: cite
                .into_iter()
                .map(|(source, document, start, end, quote)| Citation {
                    source,
                    document,
                    field: "text".to_owned(),
                    start,
                    end,
                    quote,
                })
                .collect(),
            note,
            from: from.map(str::to_owned),
        }
    }
}

fn start() -> Records {
    let mut records = Records::default();
    let mut person = Action::on(ActionKind::Create, None);
    person.kind = Some(RecordKind::Person);
    person.label = Some("A person".to_owned());
    let by = Provenance {
        method: "person:ana".to_owned(),
        entry: 1,
        at: None,
    };
    records.apply(&person, &by).unwrap();
    // Two events, one merged into the other, for merges and splits to act
    // on.
    for entry in [3, 4] {
        let mut event = Action::on(ActionKind::Create, None);
        event.kind = Some(RecordKind::Event);
        event.label = Some(format!("event {entry}"));
        let by = Provenance {
            method: "person:ana".to_owned(),
            entry,
            at: None,
        };
        records.apply(&event, &by).unwrap();
    }
    let mut merge = Action::on(ActionKind::Merge, Some("H3".to_owned()));
    merge.from = Some("H4".to_owned());
    let by = Provenance {
        method: "person:ana".to_owned(),
        entry: 5,
        at: None,
    };
    records.apply(&merge, &by).unwrap();
    records
}

proptest! {
    #[test]
    fn valid_actions_round_trip(action in action()) {
        if action.check().is_ok() {
            prop_assert_eq!(Action::decode(&action.encode()).unwrap(), action);
        } else {
            prop_assert!(Action::decode(&action.encode()).is_err());
        }
    }

    #[test]
    fn an_action_applies_whole_or_not_at_all(action in action()) {
        let mut records = start();
        let before = records.clone();
        let by = Provenance { method: "person:bo".to_owned(), entry: 2, at: None };
        match records.apply(&action, &by) {
            Err(_) => prop_assert_eq!(records, before),
            Ok(()) => {
                let id = action.record.clone().unwrap_or_else(|| "H2".to_owned());
                let record = records.get(&id).unwrap();
                prop_assert_eq!(&record.history.last().unwrap().action, action.action.as_str());
                for (name, value) in &action.set {
                    prop_assert_eq!(record.value(name), Some(value.as_str()));
                }
                for l in &action.link {
                    prop_assert!(record.links.contains(l));
                }
            }
        }
    }
}
