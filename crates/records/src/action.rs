//! A person's action on the records, and the document that records it in
//! the case's log (`docs/formats/record-action.md`): create a record, edit
//! one (values, links, label, evidence), or confirm, reject or dispute one.
//!
//! Actions are committed to the vault as sources of the kind `curation`,
//! so each is hashed, logged, signed and verified like evidence; the
//! records are the proposals with every action applied in log order.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::vocabulary::{RELATIONS, ROLES};
use crate::{Evidence, Link, Provenance, Record, RecordKind, Records, Status, Step, Value};

/// The first field of every action document, naming the format.
pub const ACTION_FORMAT: &str = "casefile-record 1";

/// Action documents larger than this are refused.
pub const MAX_ACTION_LEN: usize = 64 * 1024;

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Makes a new record (its id is `H` and the action's log index).
    Create,
    /// Changes a record's label, values, links or evidence.
    Edit,
    /// Confirms a record.
    Confirm,
    /// Rejects a record: reports leave it out.
    Reject,
    /// Marks a record disputed.
    Dispute,
    /// Folds a record (`from`) into another of its kind (`record`): both
    /// tell the same event, violation, promise or group.
    Merge,
    /// Undoes a merge: the record `from` stands apart from `record` again.
    Split,
}

impl ActionKind {
    /// Its name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Create => "create",
            ActionKind::Edit => "edit",
            ActionKind::Confirm => "confirm",
            ActionKind::Reject => "reject",
            ActionKind::Dispute => "dispute",
            ActionKind::Merge => "merge",
            ActionKind::Split => "split",
        }
    }
}

/// Where a person cites a record from: a span of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The part of the document (`text` unless said).
    #[serde(default = "text_field")]
    pub field: String,
    /// Where the span starts, in characters of the field.
    pub start: usize,
    /// Where it ends.
    pub end: usize,
    /// The words of the span, so a person reading the log sees them.
    pub quote: String,
}

fn text_field() -> String {
    "text".to_owned()
}

/// One action, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// Always [`ACTION_FORMAT`].
    pub format: String,
    /// What it does.
    pub action: ActionKind,
    /// The record acted on (absent for `create`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The new record's kind (`create` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RecordKind>,
    /// Its kind within its kind (a relation's kind, an event's kind...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<String>,
    /// Its new label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Values to set, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
    /// Values to remove, by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unset: Vec<String>,
    /// Links to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub link: Vec<Link>,
    /// Links to remove.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlink: Vec<Link>,
    /// Evidence to add.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cite: Vec<Citation>,
    /// Why, in the person's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The record folded in or split off (`merge` and `split` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

/// Why bytes are not an action document, or an action cannot apply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ActionError {
    /// Larger than [`MAX_ACTION_LEN`].
    #[error("a record action document is at most {MAX_ACTION_LEN} bytes")]
    TooLarge,
    /// Not the JSON of an action.
    #[error("not a record action document: {0}")]
    Json(#[from] serde_json::Error),
    /// Another format or version.
    #[error("not a record action document: its format is {0:?}, not {ACTION_FORMAT:?}")]
    Format(String),
    /// Something the action needs is missing, or something it may not
    /// carry is there.
    #[error("a {action} action {problem}")]
    Shape {
        /// The action.
        action: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A link's role is not in the vocabulary.
    #[error("{0:?} is not a link role (one of: {roles})", roles = ROLES.join(", "))]
    Role(String),
    /// A relation's kind is not in the vocabulary.
    #[error("{0:?} is not a relation kind (one of: {kinds})", kinds = RELATIONS.join(", "))]
    RelationKind(String),
    /// A cited span ends before it starts.
    #[error("a cited span ends before it starts")]
    Span,
    /// The record acted on does not exist.
    #[error("the case has no record {0}")]
    NoRecord(String),
    /// A link points at a record that does not exist.
    #[error("a link points at {0}, which the case has no record of")]
    NoTarget(String),
    /// The record to create exists already.
    #[error("the case already has a record {0}")]
    Exists(String),
    /// Two records cannot be merged, or a record split off another.
    #[error("{0}")]
    Merge(String),
}

impl Action {
    /// An action of a kind on a record, with nothing else set.
    pub fn on(action: ActionKind, record: Option<String>) -> Action {
        Action {
            format: ACTION_FORMAT.to_owned(),
            action,
            record,
            kind: None,
            subtype: None,
            label: None,
            set: BTreeMap::new(),
            unset: Vec::new(),
            link: Vec::new(),
            unlink: Vec::new(),
            cite: Vec::new(),
            note: None,
            from: None,
        }
    }

    /// The document's bytes: pretty JSON, so the blob in the vault reads
    /// well.
    pub fn encode(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }

    /// Reads and checks an action document.
    pub fn decode(bytes: &[u8]) -> Result<Action, ActionError> {
        if bytes.len() > MAX_ACTION_LEN {
            return Err(ActionError::TooLarge);
        }
        let action: Action = serde_json::from_slice(bytes)?;
        action.check()?;
        Ok(action)
    }

    /// Checks the action's shape: what each kind of action needs and may
    /// carry, and that roles, relation kinds and spans are valid.
    pub fn check(&self) -> Result<(), ActionError> {
        if self.format != ACTION_FORMAT {
            return Err(ActionError::Format(self.format.clone()));
        }
        let name = self.action.as_str();
        let shape = |problem: &str| ActionError::Shape {
            action: name,
            problem: problem.to_owned(),
        };
        match self.action {
            ActionKind::Create => {
                if self.record.is_some() {
                    return Err(shape(
                        "names no record: the new one's id is given by the log",
                    ));
                }
                let kind = self
                    .kind
                    .ok_or_else(|| shape("needs the new record's kind"))?;
                if self.label.as_deref().is_none_or(|l| l.trim().is_empty()) {
                    return Err(shape("needs a label"));
                }
                if kind == RecordKind::Relation {
                    let subtype = self
                        .subtype
                        .as_deref()
                        .ok_or_else(|| shape("of a relation needs its kind"))?;
                    if !RELATIONS.contains(&subtype) {
                        return Err(ActionError::RelationKind(subtype.to_owned()));
                    }
                }
            }
            ActionKind::Edit
            | ActionKind::Confirm
            | ActionKind::Reject
            | ActionKind::Dispute
            | ActionKind::Merge
            | ActionKind::Split => {
                if self.record.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(shape("needs the record it acts on"));
                }
                if self.kind.is_some() {
                    return Err(shape("cannot change a record's kind"));
                }
            }
        }
        match (self.action, self.from.as_deref()) {
            (ActionKind::Merge | ActionKind::Split, None) => {
                return Err(shape("needs the other record (from)"));
            }
            (ActionKind::Merge | ActionKind::Split, Some(from)) => {
                if from.trim().is_empty() || Some(from) == self.record.as_deref() {
                    return Err(shape("needs another record than the one it acts on"));
                }
            }
            (_, Some(_)) => return Err(shape("names no other record (from)")),
            (_, None) => {}
        }
        let changes = self.label.is_some()
            || self.subtype.is_some()
            || !self.set.is_empty()
            || !self.unset.is_empty()
            || !self.link.is_empty()
            || !self.unlink.is_empty()
            || !self.cite.is_empty();
        match self.action {
            ActionKind::Edit if !changes => return Err(shape("changes nothing")),
            ActionKind::Confirm | ActionKind::Reject | ActionKind::Dispute if changes => {
                return Err(shape("only changes a status; edit changes values"));
            }
            ActionKind::Merge | ActionKind::Split if changes => {
                return Err(shape("changes no values; edit changes values"));
            }
            _ => {}
        }
        if self
            .set
            .keys()
            .chain(&self.unset)
            .any(|k| k.trim().is_empty())
        {
            return Err(shape("names a value with no name"));
        }
        for link in self.link.iter().chain(&self.unlink) {
            if !ROLES.contains(&link.role.as_str()) {
                return Err(ActionError::Role(link.role.clone()));
            }
            if link.target.trim().is_empty() {
                return Err(shape("has a link to nothing"));
            }
        }
        if self.cite.iter().any(|c| c.end < c.start) {
            return Err(ActionError::Span);
        }
        Ok(())
    }
}

impl Records {
    /// Applies a person's action, recorded as log entry `by.entry`. Links
    /// must point at records that exist. Nothing changes when it fails.
    pub fn apply(&mut self, action: &Action, by: &Provenance) -> Result<(), ActionError> {
        action.check()?;
        for link in &action.link {
            if !self.by_id.contains_key(&link.target) {
                return Err(ActionError::NoTarget(link.target.clone()));
            }
        }
        if matches!(action.action, ActionKind::Merge | ActionKind::Split) {
            return self.merge_or_split(action, by);
        }
        let step = Step {
            action: action.action.as_str().to_owned(),
            by: by.clone(),
            note: action.note.clone(),
            with: None,
        };
        let record = match action.action {
            ActionKind::Create => {
                let id = format!("H{}", by.entry);
                if self.by_id.contains_key(&id) {
                    return Err(ActionError::Exists(id));
                }
                let Some(kind) = action.kind else {
                    return Err(ActionError::Shape {
                        action: "create",
                        problem: "needs the new record's kind".to_owned(),
                    });
                };
                self.by_id.entry(id.clone()).or_insert(Record {
                    id,
                    kind,
                    subtype: None,
                    label: String::new(),
                    status: Status::Proposed,
                    status_by: by.clone(),
                    values: BTreeMap::new(),
                    links: Vec::new(),
                    evidence: Vec::new(),
                    history: Vec::new(),
                    merged_into: None,
                })
            }
            _ => {
                let id = action.record.as_deref().unwrap_or_default();
                self.by_id
                    .get_mut(id)
                    .ok_or_else(|| ActionError::NoRecord(id.to_owned()))?
            }
        };
        match action.action {
            ActionKind::Confirm => record.status = Status::Confirmed,
            ActionKind::Reject => record.status = Status::Rejected,
            ActionKind::Dispute => record.status = Status::Disputed,
            ActionKind::Create | ActionKind::Edit | ActionKind::Merge | ActionKind::Split => {}
        }
        if matches!(
            action.action,
            ActionKind::Confirm | ActionKind::Reject | ActionKind::Dispute
        ) {
            record.status_by = by.clone();
        }
        if let Some(label) = &action.label {
            record.label.clone_from(label);
        }
        if let Some(subtype) = &action.subtype {
            record.subtype = Some(subtype.clone());
        }
        for name in &action.unset {
            record.values.remove(name);
        }
        for (name, value) in &action.set {
            record.values.insert(
                name.clone(),
                Value {
                    value: value.clone(),
                    by: by.clone(),
                },
            );
        }
        record.links.retain(|l| !action.unlink.contains(l));
        for link in &action.link {
            if !record.links.contains(link) {
                record.links.push(link.clone());
            }
        }
        for c in &action.cite {
            record.evidence.push(Evidence {
                source: c.source,
                document: c.document,
                field: c.field.clone(),
                start: c.start,
                end: c.end,
                quote: c.quote.clone(),
                asserted: format!("cited by {}", by.method),
            });
        }
        record.history.push(step);
        Ok(())
    }

    /// A checked `merge` or `split`. People, organizations and places are
    /// entities, merged and split by identity judgements instead.
    fn merge_or_split(&mut self, action: &Action, by: &Provenance) -> Result<(), ActionError> {
        let kept = action.record.as_deref().unwrap_or_default();
        let from = action.from.as_deref().unwrap_or_default();
        let refuse = |why: String| Err(ActionError::Merge(why));
        let (Some(a), Some(b)) = (self.by_id.get(kept), self.by_id.get(from)) else {
            let missing = if self.by_id.contains_key(kept) {
                from
            } else {
                kept
            };
            return Err(ActionError::NoRecord(missing.to_owned()));
        };
        if matches!(
            a.kind,
            RecordKind::Person | RecordKind::Organization | RecordKind::Place
        ) {
            return refuse(format!(
                "{kept} is a {}: people, organizations and places are merged with `casefile entity merge`",
                a.kind.as_str()
            ));
        }
        if action.action == ActionKind::Merge {
            if a.kind != b.kind {
                return refuse(format!(
                    "{kept} is a {} and {from} a {}: only records of one kind merge",
                    a.kind.as_str(),
                    b.kind.as_str()
                ));
            }
            if let Some(into) = &a.merged_into {
                return refuse(format!("{kept} is merged into {into}: merge into {into}"));
            }
            if let Some(into) = &b.merged_into {
                return refuse(format!("{from} is already merged into {into}"));
            }
            if let Some(c) = self.merged_into(from).next() {
                return refuse(format!(
                    "{} is merged into {from}: split it off first, or merge it into {kept}",
                    c.id
                ));
            }
        } else if b.merged_into.as_deref() != Some(kept) {
            return refuse(format!("{from} is not merged into {kept}"));
        }
        let merge = action.action == ActionKind::Merge;
        for (id, other) in [(kept, from), (from, kept)] {
            if let Some(record) = self.by_id.get_mut(id) {
                if id == from {
                    record.merged_into = merge.then(|| kept.to_owned());
                }
                record.history.push(Step {
                    action: action.action.as_str().to_owned(),
                    by: by.clone(),
                    note: action.note.clone(),
                    with: Some(other.to_owned()),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(entry: u64) -> Provenance {
        Provenance {
            method: "person:ana".to_owned(),
            entry,
            at: None,
        }
    }

    fn created(records: &mut Records, entry: u64, kind: RecordKind, label: &str) -> String {
        let mut action = Action::on(ActionKind::Create, None);
        action.kind = Some(kind);
        action.label = Some(label.to_owned());
        if kind == RecordKind::Relation {
            action.subtype = Some("command".to_owned());
        }
        records.apply(&action, &by(entry)).expect("create applies");
        format!("H{entry}")
    }

    #[test]
    fn create_edit_and_judge() {
        let mut records = Records::default();
        let person = created(&mut records, 7, RecordKind::Person, "Commander");
        let unit = created(&mut records, 8, RecordKind::Organization, "Unit");
        let relation = created(&mut records, 9, RecordKind::Relation, "commands");
        let mut edit = Action::on(ActionKind::Edit, Some(relation.clone()));
        edit.set.insert("when".to_owned(), "2022-11".to_owned());
        edit.link = vec![
            Link {
                role: "subject".to_owned(),
                target: person.clone(),
            },
            Link {
                role: "object".to_owned(),
                target: unit,
            },
        ];
        records.apply(&edit, &by(10)).expect("edit applies");
        let mut reject = Action::on(ActionKind::Reject, Some(relation.clone()));
        reject.note = Some("wrong unit".to_owned());
        records.apply(&reject, &by(11)).expect("reject applies");
        let r = records.get(&relation).expect("the relation exists");
        assert_eq!(r.status, Status::Rejected);
        assert_eq!(r.status_by.entry, 11);
        assert_eq!(r.value("when"), Some("2022-11"));
        assert_eq!(r.values["when"].by.entry, 10);
        assert_eq!(
            r.linked("subject").collect::<Vec<_>>(),
            vec![person.as_str()]
        );
        let steps: Vec<&str> = r.history.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(steps, ["create", "edit", "reject"]);
    }

    fn merge(kind: ActionKind, kept: &str, from: &str) -> Action {
        let mut action = Action::on(kind, Some(kept.to_owned()));
        action.from = Some(from.to_owned());
        action
    }

    #[test]
    fn merge_folds_and_split_undoes() {
        let mut records = Records::default();
        let first = created(&mut records, 1, RecordKind::Event, "unit dissolved");
        let second = created(&mut records, 2, RecordKind::Event, "the unit was disbanded");
        let violation = created(&mut records, 3, RecordKind::Violation, "pay stopped");
        let group = created(&mut records, 4, RecordKind::Group, "recruits");
        let mut cite = Action::on(ActionKind::Edit, Some(second.clone()));
        cite.set.insert("when".to_owned(), "2024-04".to_owned());
        cite.cite = vec![Citation {
            source: 9,
            document: 0,
            field: "text".to_owned(),
            start: 3,
            end: 20,
            quote: "was disbanded".to_owned(),
        }];
        records.apply(&cite, &by(5)).expect("edit applies");
        let mut victims = Action::on(ActionKind::Edit, Some(violation.clone()));
        victims.link = vec![Link {
            role: "victim".to_owned(),
            target: group.clone(),
        }];
        records.apply(&victims, &by(6)).expect("edit applies");
        let mut related = Action::on(ActionKind::Edit, Some(violation.clone()));
        related.link = vec![Link {
            role: "fact".to_owned(),
            target: second.clone(),
        }];
        records.apply(&related, &by(7)).expect("edit applies");

        records
            .apply(&merge(ActionKind::Merge, &first, &second), &by(8))
            .expect("merge applies");
        assert_eq!(
            records.get(&second).and_then(|r| r.merged_into.as_deref()),
            Some(first.as_str())
        );
        // The facts the violation links, once merges are folded.
        let facts = |folded: &Records| -> Vec<String> {
            folded
                .get(&violation)
                .expect("violation")
                .linked("fact")
                .map(str::to_owned)
                .collect()
        };
        let folded = records.clone().folded();
        let kept = folded.get(&first).expect("kept");
        assert_eq!(kept.evidence.len(), 1);
        assert_eq!(kept.value("when"), Some("2024-04"));
        assert_eq!(facts(&folded), std::slice::from_ref(&first));
        let steps: Vec<(&str, Option<&str>)> = kept
            .history
            .iter()
            .map(|s| (s.action.as_str(), s.with.as_deref()))
            .collect();
        assert_eq!(steps, [("create", None), ("merge", Some(second.as_str()))]);

        // What may not merge, and changes nothing.
        let before = records.clone();
        for (action, problem) in [
            (merge(ActionKind::Merge, &first, &violation), "one kind"),
            (merge(ActionKind::Merge, &second, &first), "merged into"),
            (merge(ActionKind::Merge, &first, &second), "already merged"),
            (
                merge(ActionKind::Split, &first, &violation),
                "not merged into",
            ),
            (merge(ActionKind::Merge, &first, "T9.9.9"), "no record"),
        ] {
            let error = records.apply(&action, &by(9)).expect_err(problem);
            assert!(error.to_string().contains(problem), "{error}");
        }
        let person = created(&mut records, 10, RecordKind::Person, "Commander");
        let other = created(&mut records, 11, RecordKind::Person, "The commander");
        let error = records
            .apply(&merge(ActionKind::Merge, &person, &other), &by(12))
            .expect_err("people are entities");
        assert!(error.to_string().contains("entity merge"), "{error}");
        records.by_id.remove(&person);
        records.by_id.remove(&other);
        assert_eq!(records, before);

        records
            .apply(&merge(ActionKind::Split, &first, &second), &by(13))
            .expect("split applies");
        assert_eq!(
            records.get(&second).and_then(|r| r.merged_into.clone()),
            None
        );
        let folded = records.clone().folded();
        assert!(folded.get(&first).expect("kept").evidence.is_empty());
        assert_eq!(facts(&folded), std::slice::from_ref(&second));
    }

    #[test]
    fn bad_actions_change_nothing() {
        let mut records = Records::default();
        let person = created(&mut records, 1, RecordKind::Person, "A");
        let before = records.clone();
        let mut edit = Action::on(ActionKind::Edit, Some(person.clone()));
        edit.set.insert("when".to_owned(), "2024".to_owned());
        edit.link = vec![Link {
            role: "victim".to_owned(),
            target: "E9.9.9".to_owned(),
        }];
        assert!(matches!(
            records.apply(&edit, &by(2)),
            Err(ActionError::NoTarget(_))
        ));
        let confirm = Action::on(ActionKind::Confirm, Some("C1.0.0".to_owned()));
        assert!(matches!(
            records.apply(&confirm, &by(3)),
            Err(ActionError::NoRecord(_))
        ));
        assert_eq!(records, before);
    }

    #[test]
    fn documents_are_checked() {
        let good = Action::on(ActionKind::Confirm, Some("C1.0.0".to_owned()));
        assert_eq!(Action::decode(&good.encode()).expect("decodes"), good);
        let cases: &[(&str, &str)] = &[
            (
                r#"{"format":"casefile-record 2","action":"confirm","record":"C1"}"#,
                "format",
            ),
            (
                r#"{"format":"casefile-record 1","action":"confirm"}"#,
                "needs the record",
            ),
            (
                r#"{"format":"casefile-record 1","action":"create","label":"x"}"#,
                "kind",
            ),
            (
                r#"{"format":"casefile-record 1","action":"create","kind":"relation","label":"x","subtype":"love"}"#,
                "relation kind",
            ),
            (
                r#"{"format":"casefile-record 1","action":"edit","record":"C1"}"#,
                "changes nothing",
            ),
            (
                r#"{"format":"casefile-record 1","action":"edit","record":"C1","link":[{"role":"boss","target":"E1"}]}"#,
                "link role",
            ),
            (
                r#"{"format":"casefile-record 1","action":"reject","record":"C1","label":"y"}"#,
                "only changes a status",
            ),
            (
                r#"{"format":"casefile-record 1","action":"confirm","record":"C1","extra":1}"#,
                "unknown field",
            ),
            (
                r#"{"format":"casefile-record 1","action":"merge","record":"T1.0.0"}"#,
                "needs the other record",
            ),
            (
                r#"{"format":"casefile-record 1","action":"merge","record":"T1.0.0","from":"T1.0.0"}"#,
                "another record",
            ),
            (
                r#"{"format":"casefile-record 1","action":"confirm","record":"T1.0.0","from":"T2.0.0"}"#,
                "names no other record",
            ),
            (
                r#"{"format":"casefile-record 1","action":"split","record":"T1.0.0","from":"T2.0.0","label":"x"}"#,
                "changes no values",
            ),
        ];
        for (text, problem) in cases {
            let error = Action::decode(text.as_bytes()).expect_err(text).to_string();
            assert!(error.contains(problem), "{text}: {error}");
        }
        assert!(matches!(
            Action::decode(&vec![b' '; MAX_ACTION_LEN + 1]),
            Err(ActionError::TooLarge)
        ));
    }
}
