//! Members, case keys and unlocking: who may read the case's protected
//! material, each change a signed log entry like any curation.

use casefile_keys::{
    CaseKey, Change, Clearance, Identity, Member, MemberChange, Members, Recipient, Role,
    WrappedKey,
};

use crate::case::Case;
use crate::curation::Item;
use crate::error::Error;
use crate::keyring::{Keyring, Membership};
use crate::progress::Progress;

/// The name the recovery key is a member under.
pub const RECOVERY_MEMBER: &str = "recovery";

/// Who a new case begins with: its first member (an admin cleared for
/// protected material) and, unless refused, the organisation's recovery
/// key.
#[derive(Debug, Clone)]
pub struct Founding {
    /// The first member's handle.
    pub name: String,
    /// The first member's public key.
    pub recipient: Recipient,
    /// The recovery key's public key; `None` when refused.
    pub recovery: Option<Recipient>,
}

/// What unlocking gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unlocked {
    /// The member the identity is.
    pub member: String,
    /// The epochs whose case keys it opened.
    pub epochs: Vec<u64>,
}

/// What a change of members did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberOutcome {
    /// The log entries that record it (member documents, then key
    /// documents).
    pub log_entries: Vec<u64>,
    /// The members after it.
    pub members: Vec<Member>,
    /// The epoch new protected material is sealed to now.
    pub epoch: u64,
    /// Whether it began that epoch (someone lost access).
    pub new_epoch: bool,
}

/// What a rekey did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RekeyOutcome {
    /// The epoch every wrapped key is now wrapped to.
    pub epoch: u64,
    /// Whether the rekey began it.
    pub new_epoch: bool,
    /// The key files wrapped again.
    pub rewrapped: u64,
    /// The log entries it wrote (a new epoch's key document).
    pub log_entries: Vec<u64>,
}

/// The member document adding `name`.
pub fn add_change(
    name: &str,
    role: Role,
    clearance: Clearance,
    recipient: Recipient,
) -> MemberChange {
    MemberChange {
        name: name.to_owned(),
        change: Change::Add {
            role,
            clearance,
            recipient,
        },
    }
}

impl Founding {
    /// The member documents a case begins with.
    fn changes(&self) -> Vec<MemberChange> {
        let mut changes = vec![add_change(
            &self.name,
            Role::Admin,
            Clearance::Protected,
            self.recipient.clone(),
        )];
        if let Some(recovery) = &self.recovery {
            changes.push(add_change(
                RECOVERY_MEMBER,
                Role::Recovery,
                Clearance::Protected,
                recovery.clone(),
            ));
        }
        changes
    }
}

impl Case {
    /// Creates a case as [`Case::init`] does, with its first member and
    /// recovery key and the case key of epoch 0 wrapped for them, all in
    /// its first log entries. The members are checked before anything is
    /// made.
    pub fn init_with(
        dir: &std::path::Path,
        origin: Option<&str>,
        founding: &Founding,
    ) -> Result<Case, Error> {
        let changes = founding.changes();
        let mut trial = Members::default();
        for change in &changes {
            trial
                .apply(change)
                .map_err(|e| Error::invalid(e.to_string()))?;
        }
        let case = Case::init(dir, origin)?;
        case.change_members(changes, &founding.name)?;
        Ok(case)
    }

    /// The members as the log leaves them, by name.
    pub fn members(&self) -> Result<Vec<Member>, Error> {
        Ok(Membership::read(self.vault())?
            .members
            .iter()
            .cloned()
            .collect())
    }

    /// The epoch new protected material is sealed to (`None`: the case has
    /// no case key, so it takes no protected material).
    pub fn epoch(&self) -> Result<Option<u64>, Error> {
        Ok(Membership::read(self.vault())?
            .current()
            .map(WrappedKey::epoch))
    }

    /// Unlocks the case's protected material with a member's identity:
    /// every case key wrapped for it is opened and kept in memory for the
    /// handle's life. Refused (as [`Error::Locked`]) for an identity that
    /// is not a member cleared for protected material.
    pub fn unlock(&self, identity: &Identity) -> Result<Unlocked, Error> {
        let membership = Membership::read(self.vault())?;
        let keyring = Keyring::unlock(&membership, identity)?;
        let unlocked = Unlocked {
            member: keyring.member.clone(),
            epochs: keyring.epochs(),
        };
        *self.keys_mut() = Some(keyring);
        Ok(unlocked)
    }

    /// Whether a cleared member's identity unlocked this handle.
    pub fn is_unlocked(&self) -> bool {
        self.keys().is_some()
    }

    /// Records changes of members, in order, with the key documents they
    /// need: the first key of a case, a new epoch when someone loses access
    /// (made with public keys alone), or the existing keys wrapped again
    /// for someone newly cleared (which needs the case unlocked).
    pub fn change_members(
        &self,
        changes: Vec<MemberChange>,
        by: &str,
    ) -> Result<MemberOutcome, Error> {
        self.writable()?;
        let _lock = self.derived_lock()?;
        let membership = Membership::read(self.vault())?;
        let mut members = membership.members.clone();
        let mut revoked = false;
        for change in &changes {
            revoked |= members.revokes(change);
            members
                .apply(change)
                .map_err(|e| Error::conflict(format!("{e} (see `casefile member list`)")))?;
        }
        let readers = members.readers();
        let mut documents: Vec<WrappedKey> = Vec::new();
        let mut new_key = None;
        let current = membership.current();
        if revoked || current.is_none() {
            if readers.is_empty() {
                return Err(Error::conflict(
                    "after this change nobody could read the case's protected material: keep at \
                     least one member cleared for it, or the recovery key",
                ));
            }
            let epoch = current.map_or(0, |k| k.epoch() + 1);
            let key = CaseKey::generate(epoch);
            documents.push(key.wrap(&readers)?);
            new_key = Some(key);
        } else if let Some(current) = current
            && readers.iter().any(|r| !current.wrapped_for().contains(r))
        {
            let keys = self.keys();
            let keyring = keys.as_ref().ok_or_else(|| {
                Error::locked(
                    "clearing a member for protected material gives them the case keys, which \
                     needs the case unlocked by a member cleared for it (give your identity: \
                     see `casefile identity`)",
                )
            })?;
            for key in keyring.keys() {
                documents.push(key.wrap(&readers)?);
            }
        }
        let epoch = documents
            .iter()
            .map(WrappedKey::epoch)
            .chain(membership.current().map(WrappedKey::epoch))
            .max()
            .unwrap_or(0);
        let mut items: Vec<Item> = changes
            .iter()
            .map(|change| Item {
                bytes: change.to_bytes(),
                name: format!("member-{}.txt", change.name),
                note: describe_change(change),
            })
            .collect();
        items.extend(documents.iter().map(|key| Item {
            bytes: key.to_bytes(),
            name: format!("case-key-{}.txt", key.epoch()),
            note: format!(
                "case key of epoch {} wrapped for {} recipients",
                key.epoch(),
                key.wrapped_for().len()
            ),
        }));
        let log_entries = crate::curation::commit(self.vault(), items, by, None)?;
        let new_epoch = new_key.is_some() && membership.current().is_some();
        if let Some(key) = new_key {
            let mut keys = self.keys_mut();
            let still_cleared = keys.as_ref().is_some_and(|k| {
                members
                    .get(&k.member)
                    .is_some_and(|m| m.clearance == Clearance::Protected)
            });
            match keys.as_mut() {
                Some(keyring) if still_cleared => keyring.insert(key),
                // A member who lost access keeps nothing of the new epoch.
                _ => *keys = None,
            }
        }
        Ok(MemberOutcome {
            log_entries,
            members: members.iter().cloned().collect(),
            epoch,
            new_epoch,
        })
    }

    /// Wraps every protected source's key, and the derived store's, to the
    /// newest epoch (beginning a new one first when `new_epoch`), so the
    /// keys of earlier epochs, which removed members may hold, open
    /// nothing in the case folder from now on. Needs the case unlocked.
    pub fn rekey(
        &self,
        new_epoch: bool,
        by: &str,
        progress: &dyn Progress,
    ) -> Result<RekeyOutcome, Error> {
        self.writable()?;
        if !self.is_unlocked() {
            return Err(Error::locked(
                "rekey opens every protected source's key, which needs the case unlocked by a \
                 member cleared for protected material (give your identity: see `casefile \
                 identity`)",
            ));
        }
        let mut log_entries = Vec::new();
        if new_epoch {
            let membership = Membership::read(self.vault())?;
            let readers = membership.members.readers();
            let current = membership
                .current()
                .ok_or_else(|| Error::invalid("this case has no case key to rekey"))?;
            let key = CaseKey::generate(current.epoch() + 1);
            let document = key.wrap(&readers)?;
            log_entries = crate::curation::commit(
                self.vault(),
                vec![Item {
                    bytes: document.to_bytes(),
                    name: format!("case-key-{}.txt", key.epoch()),
                    note: format!(
                        "case key of epoch {} wrapped for {} recipients (rekey)",
                        key.epoch(),
                        readers.len()
                    ),
                }],
                by,
                None,
            )?;
            if let Some(keyring) = self.keys_mut().as_mut() {
                keyring.insert(key);
            }
        }
        let _lock = self.derived_lock()?;
        let keys = self.keys();
        let keyring = keys
            .as_ref()
            .ok_or_else(|| Error::locked("the case was locked during the rekey"))?;
        let membership = Membership::read(self.vault())?;
        let newest = membership.current().map_or(0, WrappedKey::epoch);
        if keyring.target().0 != newest {
            return Err(Error::locked(format!(
                "the newest case key (epoch {newest}) is not wrapped for {}; a member holding it \
                 must rekey",
                keyring.member
            )));
        }
        let rewrapped = keyring.rewrap_all(self.vault(), progress)?;
        Ok(RekeyOutcome {
            epoch: newest,
            new_epoch,
            rewrapped,
            log_entries,
        })
    }
}

/// A member change said in words, for its log entry's note.
fn describe_change(change: &MemberChange) -> String {
    match &change.change {
        Change::Add {
            role, clearance, ..
        } => format!(
            "member {} added as {role}, clearance {clearance}",
            change.name
        ),
        Change::Update { role, clearance } => {
            format!("member {} now {role}, clearance {clearance}", change.name)
        }
        Change::Remove => format!("member {} removed", change.name),
    }
}
