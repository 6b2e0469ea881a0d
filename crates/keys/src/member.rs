//! Members of a case and the documents that change them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::{KeyError, Recipient};

/// First line of a member document.
const MAGIC: &str = "casefile-member 1";

/// What a member may do. Clearance for protected material is separate.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads the case.
    Viewer,
    /// Adds sources and curates records and entities.
    Documenter,
    /// A documenter who also prepares disclosures and bundles.
    Lawyer,
    /// Manages members and keys.
    Admin,
    /// The organisation's offline recovery key: never signs in; it can
    /// unwrap every case key, so protected material outlives any member.
    Recovery,
}

/// Whether a member may read protected material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clearance {
    /// Testimonies, complaints and what is drawn from them: the case key is
    /// wrapped for this member.
    Protected,
    /// Open material only.
    None,
}

/// One member as the log's member documents leave them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Member {
    /// The member's handle in this case.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// Whether they may read protected material.
    pub clearance: Clearance,
    /// Their public key.
    pub recipient: Recipient,
}

/// What a member document does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase", tag = "change")]
pub enum Change {
    /// A new member.
    Add {
        /// Their role.
        role: Role,
        /// Their clearance.
        clearance: Clearance,
        /// Their public key.
        recipient: Recipient,
    },
    /// A member's role or clearance changes.
    Update {
        /// The new role.
        role: Role,
        /// The new clearance.
        clearance: Clearance,
    },
    /// A member leaves the case.
    Remove,
}

/// A member document: one change to one member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberChange {
    /// The member's handle.
    pub name: String,
    /// What changes.
    #[serde(flatten)]
    pub change: Change,
}

/// The members of a case: the fold of its member documents in log order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Members {
    members: BTreeMap<String, Member>,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Documenter => "documenter",
            Role::Lawyer => "lawyer",
            Role::Admin => "admin",
            Role::Recovery => "recovery",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        Ok(match text {
            "viewer" => Role::Viewer,
            "documenter" => Role::Documenter,
            "lawyer" => Role::Lawyer,
            "admin" => Role::Admin,
            "recovery" => Role::Recovery,
            _ => {
                return Err(KeyError::Membership(format!(
                    "{text:?} is not a role (viewer, documenter, lawyer, admin, recovery)"
                )));
            }
        })
    }
}

impl Clearance {
    fn as_str(self) -> &'static str {
        match self {
            Clearance::Protected => "protected",
            Clearance::None => "none",
        }
    }
}

impl FromStr for Clearance {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, KeyError> {
        match text {
            "protected" => Ok(Clearance::Protected),
            "none" => Ok(Clearance::None),
            _ => Err(KeyError::Membership(format!(
                "{text:?} is not a clearance (protected, none)"
            ))),
        }
    }
}

impl fmt::Display for Clearance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether `name` is a member handle: 1 to 64 of `a-z 0-9 . _ -`, starting
/// with a letter or digit. Handles are plain so that no document needs
/// escaping and no two spellings name one member.
pub fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

impl MemberChange {
    /// The document's bytes (see `docs/formats/member.md`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{MAGIC}\n");
        match &self.change {
            Change::Add {
                role,
                clearance,
                recipient,
            } => {
                out.push_str(&format!(
                    "change add\nname {}\nrole {role}\nclearance {clearance}\nrecipient {recipient}\n",
                    self.name
                ));
            }
            Change::Update { role, clearance } => {
                out.push_str(&format!(
                    "change update\nname {}\nrole {role}\nclearance {clearance}\n",
                    self.name
                ));
            }
            Change::Remove => out.push_str(&format!("change remove\nname {}\n", self.name)),
        }
        out.into_bytes()
    }

    /// Whether `bytes` are meant as a member document (they begin with its
    /// first line); [`MemberChange::parse`] then says whether they are one.
    pub fn is_member_document(bytes: &[u8]) -> bool {
        bytes.starts_with(format!("{MAGIC}\n").as_bytes())
    }

    /// Reads a member document; only canonical bytes are accepted.
    pub fn parse(bytes: &[u8], what: &str) -> Result<Self, KeyError> {
        let bad = |line: usize, problem: String| KeyError::BadDocument {
            what: what.to_owned(),
            line,
            problem,
        };
        let text = std::str::from_utf8(bytes).map_err(|_| bad(1, "not UTF-8 text".into()))?;
        let lines: Vec<&str> = text.split('\n').collect();
        if lines.first() != Some(&MAGIC) {
            return Err(bad(1, format!("not a member document ({MAGIC})")));
        }
        let field = |n: usize, key: &str| -> Result<&str, KeyError> {
            lines
                .get(n)
                .and_then(|l| l.strip_prefix(key))
                .and_then(|l| l.strip_prefix(' '))
                .ok_or_else(|| bad(n + 1, format!("expected \"{key} ...\"")))
        };
        let change = field(1, "change")?;
        let name = field(2, "name")?;
        if !valid_name(name) {
            return Err(bad(
                3,
                "a member's name is 1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or \
                 digit"
                    .into(),
            ));
        }
        let role = |n: usize| {
            field(n, "role")?
                .parse::<Role>()
                .map_err(|e| bad(n + 1, e.to_string()))
        };
        let clearance = |n: usize| match field(n, "clearance")? {
            "protected" => Ok(Clearance::Protected),
            "none" => Ok(Clearance::None),
            other => Err(bad(
                n + 1,
                format!("{other:?} is not a clearance (protected, none)"),
            )),
        };
        let change = match change {
            "add" => Change::Add {
                role: role(3)?,
                clearance: clearance(4)?,
                recipient: field(5, "recipient")?
                    .parse()
                    .map_err(|e: KeyError| bad(6, e.to_string()))?,
            },
            "update" => Change::Update {
                role: role(3)?,
                clearance: clearance(4)?,
            },
            "remove" => Change::Remove,
            other => {
                return Err(bad(
                    2,
                    format!("{other:?} is not a change (add, update, remove)"),
                ));
            }
        };
        let document = Self {
            name: name.to_owned(),
            change,
        };
        if document.to_bytes() != bytes {
            return Err(bad(
                1,
                "not in canonical form (extra, missing or reordered lines)".into(),
            ));
        }
        Ok(document)
    }
}

impl Members {
    /// The members now, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// One member.
    pub fn get(&self, name: &str) -> Option<&Member> {
        self.members.get(name)
    }

    /// Whether there are none (a case made before members existed).
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The recipients a case key must be wrapped for: every member cleared
    /// for protected material, the recovery key among them.
    pub fn readers(&self) -> Vec<Recipient> {
        let mut readers: Vec<Recipient> = self
            .members
            .values()
            .filter(|m| m.clearance == Clearance::Protected)
            .map(|m| m.recipient.clone())
            .collect();
        readers.sort();
        readers.dedup();
        readers
    }

    /// The member whose public key is `recipient`.
    pub fn by_recipient(&self, recipient: &Recipient) -> Option<&Member> {
        self.members.values().find(|m| &m.recipient == recipient)
    }

    /// Whether applying `change` takes protected material away from
    /// someone who could read it, so the case key must change (a new epoch)
    /// for what is added after.
    pub fn revokes(&self, change: &MemberChange) -> bool {
        let cleared = self
            .members
            .get(&change.name)
            .is_some_and(|m| m.clearance == Clearance::Protected);
        cleared
            && match change.change {
                Change::Remove => true,
                Change::Update { clearance, .. } => clearance == Clearance::None,
                Change::Add { .. } => false,
            }
    }

    /// Applies one change, or says why it does not fit.
    pub fn apply(&mut self, change: &MemberChange) -> Result<(), KeyError> {
        let name = &change.name;
        let refuse = |why: String| Err(KeyError::Membership(why));
        match &change.change {
            Change::Add {
                role,
                clearance,
                recipient,
            } => {
                if self.members.contains_key(name) {
                    return refuse(format!("{name} is already a member"));
                }
                if let Some(other) = self.by_recipient(recipient) {
                    return refuse(format!(
                        "{recipient} is already the key of member {}",
                        other.name
                    ));
                }
                if *role == Role::Recovery && *clearance != Clearance::Protected {
                    return refuse(
                        "the recovery key is always cleared for protected material".into(),
                    );
                }
                self.members.insert(
                    name.clone(),
                    Member {
                        name: name.clone(),
                        role: *role,
                        clearance: *clearance,
                        recipient: recipient.clone(),
                    },
                );
            }
            Change::Update { role, clearance } => {
                let Some(member) = self.members.get_mut(name) else {
                    return refuse(format!("{name} is not a member"));
                };
                if (*role == Role::Recovery) != (member.role == Role::Recovery) {
                    return refuse(
                        "the recovery key stays the recovery key; add a new one and remove the old"
                            .into(),
                    );
                }
                if *role == Role::Recovery && *clearance != Clearance::Protected {
                    return refuse(
                        "the recovery key is always cleared for protected material".into(),
                    );
                }
                member.role = *role;
                member.clearance = *clearance;
            }
            Change::Remove => {
                if self.members.remove(name).is_none() {
                    return refuse(format!("{name} is not a member"));
                }
            }
        }
        Ok(())
    }
}
