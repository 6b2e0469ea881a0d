//! The writes the pages and the API share: each checks the member's role,
//! refuses what touches protected material they are not cleared for, and
//! logs through the case service with the member's name as the signature.

use casefile_app::types::{Action, ActionKind, SourceKind, Verdict};
use casefile_app::{ActionOutcome, AddRequest, JudgeOutcome};
use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::member::{Member, Refusal};
use crate::{WebError, Workspace};

/// A review action on a record, as a form or a JSON body gives it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ActRequest {
    /// The new label (`edit`).
    #[serde(default)]
    pub label: Option<String>,
    /// The record to fold this one into (`merge`).
    #[serde(default)]
    pub into: Option<String>,
    /// Why, in the member's words.
    #[serde(default)]
    pub note: Option<String>,
}

fn given(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The record actions a review may take.
pub(crate) const REVIEW_ACTIONS: &str = "confirm, reject, dispute, edit or merge";

/// Does `action` on record `id` as `member`: the role must allow reviewing,
/// and a record of protected material needs clearance. Returns where the
/// record stands now: for a merge, the record kept.
pub(crate) async fn act(
    workspace: &Workspace,
    member: &Member,
    id: &str,
    action: &str,
    request: ActRequest,
) -> Result<ActionOutcome, Refusal> {
    member.need(Role::Documenter)?;
    let record = casefile_app::record_id(id);
    let mut touched = vec![record.clone()];
    let mut action = match action {
        "confirm" => Action::on(ActionKind::Confirm, Some(record)),
        "reject" => Action::on(ActionKind::Reject, Some(record)),
        "dispute" => Action::on(ActionKind::Dispute, Some(record)),
        "edit" => {
            let label = request
                .label
                .filter(|l| !l.is_empty())
                .map(|l| match l.trim() {
                    "" => l.clone(),
                    trimmed => trimmed.to_owned(),
                })
                .ok_or_else(|| {
                    Refusal::Bad("an edit gives the record's new label (label)".into())
                })?;
            if label.chars().count() > 500 {
                return Err(Refusal::Bad("a label has at most 500 characters".into()));
            }
            let mut edit = Action::on(ActionKind::Edit, Some(record));
            edit.label = Some(label);
            edit
        }
        "merge" => {
            let into = given(&request.into)
                .map(|t| casefile_app::record_id(&t))
                .ok_or_else(|| {
                    Refusal::Bad("a merge names the record to fold this one into (into)".into())
                })?;
            touched.push(into.clone());
            let mut merge = Action::on(ActionKind::Merge, Some(into));
            merge.from = Some(record);
            merge
        }
        other => {
            return Err(Refusal::NotFound(format!(
                "{other:?} is not an action: {REVIEW_ACTIONS}"
            )));
        }
    };
    action.note = given(&request.note);
    let cleared = member.cleared();
    let by = member.name().to_owned();
    let outcomes = workspace
        .write(move |case| {
            let snapshot = case.snapshot()?;
            if !cleared
                && touched
                    .iter()
                    .any(|r| snapshot.record_in_protected_layer(r))
            {
                return Err(locked("this record is drawn from protected material"));
            }
            for id in &touched {
                snapshot.record(id)?;
            }
            drop(snapshot);
            // The request was well formed and names records that exist:
            // what the case refuses now does not fit it as it is.
            case.act(&[action], &by).map_err(not_fitting)
        })
        .await?;
    outcomes
        .into_iter()
        .next()
        .ok_or_else(|| Refusal::Failed("nothing was logged".into()))
}

/// A case's refusal of a well-formed request about things that exist: it
/// does not fit the case as it is.
fn not_fitting(error: casefile_app::Error) -> WebError {
    match error.kind() {
        casefile_app::ErrorKind::InvalidInput => WebError::Conflict(error.to_string()),
        _ => WebError::Case(error),
    }
}

/// The refusal of protected material to a member without clearance.
pub(crate) fn locked(what: &str) -> WebError {
    WebError::Case(casefile_app::Error::locked(format!(
        "{what}, which your account is not cleared for"
    )))
}

/// A judgement about entities, as a form or a JSON body gives it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct JudgeRequest {
    /// The other entity (`merge`, `not-same`).
    #[serde(default)]
    pub with: Option<String>,
    /// The mentions to split off, numbered from 1 (`split`); a number
    /// written `3.0` is 3.
    #[serde(default, deserialize_with = "whole_numbers")]
    pub mentions: Vec<usize>,
    /// Why, in the member's words.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Judges entity `id` as `member`: `merge` (the same as `with`),
/// `not-same` (not the same as `with`) or `split` (its `mentions` name
/// someone else). Logged as a judgement signed with the member's name;
/// an entity of protected material needs clearance.
pub(crate) async fn judge(
    workspace: &Workspace,
    member: &Member,
    id: &str,
    what: &str,
    request: JudgeRequest,
) -> Result<JudgeOutcome, Refusal> {
    member.need(Role::Documenter)?;
    let entity = bare_entity(id);
    let other = given(&request.with).map(|w| bare_entity(&w));
    let verdict = match what {
        "merge" => Some(Verdict::Same),
        "not-same" => Some(Verdict::NotSame),
        "split" => None,
        other => {
            return Err(Refusal::NotFound(format!(
                "{other:?} is not a judgement: merge, not-same or split"
            )));
        }
    };
    if verdict.is_some() && other.is_none() {
        return Err(Refusal::Bad(
            "name the other entity (with), as E3.0.1 or 3.0.1".into(),
        ));
    }
    if verdict.is_none() && request.mentions.is_empty() {
        return Err(Refusal::Bad(
            "choose the mentions that name someone else (mentions)".into(),
        ));
    }
    let cleared = member.cleared();
    let by = member.name().to_owned();
    let reason = given(&request.reason);
    workspace
        .write(move |case| {
            let snapshot = case.snapshot()?;
            let touched = std::iter::once(&entity).chain(other.as_ref());
            if !cleared && touched.into_iter().any(|e| snapshot.in_protected_layer(e)) {
                return Err(locked("this entity is drawn from protected material"));
            }
            let shown = snapshot.entity(&entity)?;
            if let Some(other) = &other {
                snapshot.entity(other)?;
            }
            if let Some(n) = request
                .mentions
                .iter()
                .find(|&&n| n == 0 || n > shown.entity.mentions.len())
            {
                return Err(WebError::NotFound(format!(
                    "E{} has mentions 1 to {}: there is no mention {n}",
                    shown.entity.id,
                    shown.entity.mentions.len()
                )));
            }
            drop(snapshot);
            match (verdict, other) {
                (Some(verdict), Some(other)) => case.judge(&entity, &other, verdict, reason, &by),
                _ => case.split_entity(&entity, &request.mentions, reason, &by),
            }
            .map_err(not_fitting)
        })
        .await
}

/// An entity id without its `E`.
pub(crate) fn bare_entity(id: &str) -> String {
    id.trim().trim_start_matches(['E', 'e']).to_owned()
}

/// What an upload states of its file.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct UploadFields {
    /// Its kind (see `casefile add --help`); `other` when not said.
    pub kind: Option<String>,
    /// Where it was found.
    pub url: Option<String>,
    /// When it was collected.
    pub acquired_at: Option<String>,
    /// A note kept with it.
    pub note: Option<String>,
}

/// What one upload did.
#[derive(Debug, Serialize)]
pub(crate) struct Uploaded {
    /// The file name the entry records.
    pub name: String,
    /// The source's log index.
    pub index: u64,
    /// Its SHA-256.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// The source it repeats, when its bytes were in the case already.
    pub same_as: Option<u64>,
    /// Whether it is protected material (sealed at once).
    pub protected: bool,
    /// The log's size after it: the checkpoint that covers it.
    pub tree_size: u64,
}

/// The name an uploaded file is logged under: its last path part, with
/// control characters dropped; a name that is empty, `.` or `..` once so
/// cleaned is refused. Nothing is ever written under it: the vault stores
/// bytes by their hash.
pub(crate) fn upload_name(given: &str) -> Result<String, Refusal> {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim().to_owned();
    if name.is_empty() || name == "." || name == ".." {
        return Err(Refusal::Bad(format!(
            "{given:?} does not name a file: give the file's own name"
        )));
    }
    if name.len() > 255 {
        return Err(Refusal::Bad("a file name has at most 255 bytes".into()));
    }
    Ok(name)
}

/// The kind an upload states (`other` when it says none).
pub(crate) fn kind_of(fields: &UploadFields) -> Result<SourceKind, Refusal> {
    let kind_text = given(&fields.kind).unwrap_or_else(|| "other".to_owned());
    SourceKind::COLLECTED
        .into_iter()
        .find(|k| k.as_str() == kind_text)
        .ok_or_else(|| {
            Refusal::Bad(format!(
                "{kind_text:?} is not a kind of source: one of {}",
                kinds().join(", ")
            ))
        })
}

/// Adds one uploaded file as `member`, logged with their name.
pub(crate) async fn upload(
    workspace: &Workspace,
    member: &Member,
    name: &str,
    bytes: Vec<u8>,
    fields: UploadFields,
) -> Result<Uploaded, Refusal> {
    member.need(Role::Documenter)?;
    let name = upload_name(name)?;
    let kind = kind_of(&fields)?;
    let request = AddRequest {
        kind,
        url: given(&fields.url),
        acquired_at: given(&fields.acquired_at),
        note: given(&fields.note),
        by: member.name().to_owned(),
    };
    // The answer comes once the bytes are logged; the workspace's deriver
    // reads them after (see `deriver`).
    let uploaded = workspace
        .write(move |case| {
            let logged = case.log_bytes(&name, &bytes, &request)?;
            Ok(Uploaded {
                name: name.clone(),
                index: logged.added.log_index,
                sha256: logged.added.sha256,
                size: logged.added.size,
                same_as: logged.same_as,
                protected: kind.is_protected(),
                tree_size: logged.tree_size,
            })
        })
        .await?;
    workspace.deriver.poke();
    Ok(uploaded)
}

/// The kinds of source a member adds.
pub(crate) fn kinds() -> Vec<&'static str> {
    SourceKind::COLLECTED.iter().map(|k| k.as_str()).collect()
}

/// Whole numbers, written as integers or as floats with nothing after
/// the point (JSON does not tell them apart).
fn whole_numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<usize>, D::Error> {
    let numbers: Vec<serde_json::Number> = Deserialize::deserialize(d)?;
    numbers
        .iter()
        .map(|n| {
            n.as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 2f64.powi(53))
                        .map(|f| f as u64)
                })
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a mention number")))
        })
        .collect()
}
