//! The documented vocabularies of records: which claim kinds are events and
//! which are violations, each violation's act in the terms of HURIDOCS'
//! Events Standard Formats (micro-thesaurus "Types of Acts"), the relation
//! kinds and the link roles.

use casefile_extract::claim::ClaimKind;

use crate::RecordKind;

/// What a claim of a kind asserts: an event, a violation, a promise (of an
/// engagement), or, for a recruitment, an event that also starts an
/// engagement.
pub fn fact_kind(kind: ClaimKind) -> RecordKind {
    match kind {
        ClaimKind::IllTreatment
        | ClaimKind::Threat
        | ClaimKind::PressureToSign
        | ClaimKind::PaymentStop
        | ClaimKind::DeathOrInjury
        | ClaimKind::RefusalOfStatus
        | ClaimKind::Assignment => RecordKind::Violation,
        ClaimKind::Promise => RecordKind::Promise,
        ClaimKind::Recruitment
        | ClaimKind::Dissolution
        | ClaimKind::Award
        | ClaimKind::Founding
        | ClaimKind::ComplaintFiled
        | ClaimKind::LawsuitAnnounced => RecordKind::Event,
    }
}

/// A violation's act: casefile's name for it and the HURIDOCS "Types of
/// Acts" term it is filed under, so an export lines up with other
/// documenters' databases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Act {
    /// casefile's name (`ill_treatment`).
    pub name: &'static str,
    /// The HURIDOCS term.
    pub huridocs: &'static str,
}

/// The acts casefile's violation claims are filed under.
pub const ACTS: &[Act] = &[
    Act {
        name: "ill_treatment",
        huridocs: "Torture / cruel, inhuman or degrading treatment",
    },
    Act {
        name: "threat",
        huridocs: "Threats",
    },
    Act {
        name: "pressure_to_sign",
        huridocs: "Coercion",
    },
    Act {
        name: "payment_stop",
        huridocs: "Non-payment of wages",
    },
    Act {
        name: "death_or_injury",
        huridocs: "Killing / injury",
    },
    Act {
        name: "refusal_of_status",
        huridocs: "Denial of nationality or legal status",
    },
    Act {
        name: "assignment",
        huridocs: "Forced labour / forced recruitment",
    },
];

/// The act of a violation named `name`, if casefile knows it.
pub fn act(name: &str) -> Option<&'static Act> {
    ACTS.iter().find(|a| a.name == name)
}

/// The kinds of relation over time.
pub const RELATIONS: &[&str] = &[
    "membership",
    "command",
    "affiliation",
    "succession",
    "founder",
];

/// The roles a link can have: a relation's two ends (`subject` and
/// `object`: the person and the unit, the unit and the ministry, the old
/// unit and the new), the people and bodies of an event or violation, the
/// claim that asserts a fact, the promises of an engagement.
pub const ROLES: &[&str] = &[
    "subject",
    "object",
    "participant",
    "victim",
    "perpetrator",
    "party",
    "place",
    "claim",
    "fact",
    "promise",
    "engagement",
    "group",
    "asserted_by",
    "outcome",
];

/// The status words a person may give a record.
pub const STATUSES: &[&str] = &["proposed", "confirmed", "rejected", "disputed"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_violation_kind_has_an_act() {
        let kinds = [
            ClaimKind::Recruitment,
            ClaimKind::Promise,
            ClaimKind::Assignment,
            ClaimKind::PaymentStop,
            ClaimKind::IllTreatment,
            ClaimKind::Threat,
            ClaimKind::Dissolution,
            ClaimKind::PressureToSign,
            ClaimKind::Award,
            ClaimKind::Founding,
            ClaimKind::ComplaintFiled,
            ClaimKind::LawsuitAnnounced,
            ClaimKind::RefusalOfStatus,
            ClaimKind::DeathOrInjury,
        ];
        for kind in kinds {
            if fact_kind(kind) == RecordKind::Violation {
                let name = serde_json::to_value(kind).expect("a kind serializes");
                let name = name.as_str().expect("a kind is a string");
                assert!(act(name).is_some(), "{name} has no act");
            }
        }
    }
}
