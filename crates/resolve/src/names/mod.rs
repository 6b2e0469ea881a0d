//! Names read into comparable tokens, and two names compared.
//!
//! A name is spelled into Latin letters whatever its script (Дикий and
//! Dikiy read alike), split into words (camel case and run-together words
//! too), and each word gets a *key* that forgets the differences
//! transliteration schemes make (y, j and i; kh and h; ck and k; doubled
//! letters...). Two names are then aligned word by word, in any order, and
//! scored by how many letters of the aligned keys differ. Every step leaves
//! a [`Reason`], so a person can see why two names were or were not taken
//! for the same.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Serialize;

mod compare;
mod keys;
mod lists;
mod parse;

pub use compare::compare;
use compare::*;
use keys::*;
pub use keys::{key, search_key, stems};
use lists::*;

/// What a name names: the rules differ. A person may be named with or
/// without a middle name or patronymic; an organization's name must match
/// word for word once legal forms ("LLC", "ООО") are set aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// A person.
    Person,
    /// An organization: a unit, ministry, company, outlet, court...
    Organization,
    /// A place.
    Place,
    /// Anything else (a vessel, a project): compared like an organization.
    Other,
}

/// One word of a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The word in lower-case Latin letters, as spelled.
    pub text: String,
    /// The word with transliteration differences removed; what is compared.
    pub key: String,
    /// A particle or title ("bin", "von", "al", "Mr"): it may be left out of
    /// one of the names without counting against the match.
    pub weak: bool,
    /// In parentheses: a qualifier ("Deutsche Bank (Schweiz)") that one of
    /// two names may leave out.
    pub qualifier: bool,
    /// Follows "bin", "ibn" or "ben": a father's name, not the person's own.
    pub lineage: bool,
    /// Written in Cyrillic, so its ending may be a case ending ("Дикого").
    pub cyrillic: bool,
    /// Written in Arabic letters, which leave most vowels unwritten: it is
    /// compared with a word in another script by its consonants.
    pub abjad: bool,
    /// A familiar form of a given name ("Bill", "Саша"): it may stand for a
    /// given name it does not spell.
    pub familiar: bool,
}

/// A legal form set aside from an organization's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LegalForm {
    /// As written, in Latin letters ("ooo", "gmbh").
    pub form: String,
    /// Its class: forms of one class are the same form ("llc" for LLC and
    /// ООО); "generic" goes with any.
    pub class: &'static str,
}

/// A name read for comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Name {
    /// The name as given, trimmed.
    pub written: String,
    /// What it names.
    pub kind: NameKind,
    /// Its words, in order, legal forms removed.
    pub words: Vec<Word>,
    /// Legal forms set aside from an organization's name.
    pub legal_forms: Vec<LegalForm>,
    /// The name's signs in scripts where one sign is a syllable or a word
    /// (Chinese, Japanese, Korean): two such names differing in one sign
    /// are two names, however alike they sound.
    pub syllabic: String,
}

/// Which of the two compared names a word belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The first name given.
    Left,
    /// The second name given.
    Right,
}

/// One step of a comparison, for a person to read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// Two words read the same once transliteration is set aside.
    Same {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
    },
    /// Two words differ by a few letters, few enough for a misspelling.
    Similar {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
        /// Letters inserted, deleted or changed between their keys.
        edits: usize,
    },
    /// Letters stand for the words they begin ("МВД" for "Министерство
    /// внутренних дел", "PLA" for "People's Liberation Army").
    Abbreviation {
        /// The name with the letters.
        side: Side,
        /// The letters.
        short: String,
        /// The words.
        long: String,
    },
    /// Two words are one word in two grammatical cases ("Дикого" and
    /// "Дикий", "Лаврова" and "Lavrov").
    Inflected {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
    },
    /// One name is the other cut short inside its last word, as at a
    /// field's width.
    Truncated {
        /// The name cut short.
        side: Side,
        /// The letters it lacks.
        missing: String,
    },
    /// A word in Arabic letters and a word in another script have the same
    /// consonants; Arabic leaves most vowels unwritten.
    Consonants {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
    },
    /// A given name and a short or familiar form of it ("Bill" and
    /// "William", "Саша" and "Александр").
    ShortForm {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
    },
    /// Initials written as one word stand for a person's given names
    /// ("JC" for "Jean-Claude").
    Initials {
        /// The name with the initials.
        side: Side,
        /// The initials.
        short: String,
        /// The names.
        long: String,
    },
    /// An initial stands for a word that starts with it.
    Initial {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
    },
    /// Two words differ by more letters than a misspelling would.
    Different {
        /// The word in the first name.
        left: String,
        /// The word in the second name.
        right: String,
        /// Letters inserted, deleted or changed between their keys.
        edits: usize,
    },
    /// Two numbers differ: "Unit 1" is not "Unit 2".
    OtherNumber {
        /// The number in the first name.
        left: String,
        /// The number in the second name.
        right: String,
    },
    /// Words written together in one name are apart in the other.
    Joined {
        /// The name with the words apart.
        side: Side,
        /// The words as one.
        joined: String,
    },
    /// The words are in another order.
    Reordered,
    /// A word of the longer name has no counterpart: a middle name, a
    /// patronymic, a title. Allowed for people.
    Extra {
        /// The name the word is in.
        side: Side,
        /// The word.
        word: String,
    },
    /// A word has no counterpart, and the kind of name does not allow it.
    Unmatched {
        /// The name the word is in.
        side: Side,
        /// The word.
        word: String,
    },
    /// A legal form set aside before comparing.
    LegalForm {
        /// The name it was in.
        side: Side,
        /// The form.
        form: String,
    },
    /// A qualifier in parentheses in one name only.
    Qualifier {
        /// The name it was in.
        side: Side,
        /// The word.
        word: String,
    },
    /// Both names have several words but only one of them matches.
    TooFewWords,
    /// One name is a single word and the other has several, and the word
    /// is not the other's surname: too little to tell two people apart.
    OneWord,
    /// One name is only the other's surname.
    Surname,
    /// A word is the person's own name in one name and a father's name
    /// (after "bin") in the other.
    Lineage {
        /// The word.
        word: String,
    },
    /// The legal forms are of different kinds (an AG and a GmbH).
    OtherLegalForm {
        /// The form in the first name.
        left: String,
        /// The form in the second name.
        right: String,
    },
    /// The names are written in syllabic or logographic signs that differ.
    OtherSigns {
        /// The signs of the first name.
        left: String,
        /// The signs of the second name.
        right: String,
    },
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Left => "left",
            Side::Right => "right",
        })
    }
}

/// One line a person can read: "similar: nadar ~ nadal (1 edit)".
impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Same { left, right } => write!(f, "same: {left} = {right}"),
            Reason::Similar { left, right, edits } => {
                write!(
                    f,
                    "similar: {left} ~ {right} ({edits} edit{})",
                    plural(*edits)
                )
            }
            Reason::Inflected { left, right } => write!(f, "inflected: {left} ~ {right}"),
            Reason::Abbreviation { side, short, long } => {
                write!(f, "abbreviation ({side}): {short} = {long}")
            }
            Reason::Truncated { side, missing } => {
                write!(f, "cut short ({side}): lacks {missing:?}")
            }
            Reason::Consonants { left, right } => write!(f, "consonants: {left} ~ {right}"),
            Reason::ShortForm { left, right } => write!(f, "short form: {left} ~ {right}"),
            Reason::Initials { side, short, long } => {
                write!(f, "initials ({side}): {short} = {long}")
            }
            Reason::Initial { left, right } => write!(f, "initial: {left} ~ {right}"),
            Reason::Different { left, right, edits } => {
                write!(
                    f,
                    "different: {left} / {right} ({edits} edit{})",
                    plural(*edits)
                )
            }
            Reason::OtherNumber { left, right } => write!(f, "other number: {left} / {right}"),
            Reason::Joined { side, joined } => write!(f, "joined ({side}): {joined}"),
            Reason::Reordered => f.write_str("reordered"),
            Reason::Extra { side, word } => write!(f, "extra ({side}): {word}"),
            Reason::Unmatched { side, word } => write!(f, "unmatched ({side}): {word}"),
            Reason::LegalForm { side, form } => write!(f, "legal form ({side}): {form}"),
            Reason::Qualifier { side, word } => write!(f, "qualifier ({side}): {word}"),
            Reason::TooFewWords => f.write_str("too few words match"),
            Reason::OneWord => f.write_str("one word against several, not the surname"),
            Reason::Surname => f.write_str("surname only"),
            Reason::Lineage { word } => write!(f, "father's name on one side only: {word}"),
            Reason::OtherLegalForm { left, right } => {
                write!(f, "other legal form: {left} / {right}")
            }
            Reason::OtherSigns { left, right } => write!(f, "other signs: {left} / {right}"),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The result of comparing two names.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// From 0 (nothing alike) to 1 (the same name).
    pub score: f64,
    /// Whether the score reaches [`THRESHOLD`].
    pub same: bool,
    /// How the score came about, in order.
    pub reasons: Vec<Reason>,
}

/// The score from which two names are taken for the same.
pub const THRESHOLD: f64 = 0.8;

/// Reads and compares two names of one kind.
pub fn compare_names(left: &str, right: &str, kind: NameKind) -> Comparison {
    compare(&Name::parse(left, kind), &Name::parse(right, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_forget_transliteration() {
        assert_eq!(key("dikiy"), key("dikii"));
        assert_eq!(key("kashevarova"), key("kaschevarova"));
        assert_eq!(key("barack"), key("barak"));
    }

    #[test]
    fn edits_count_letters() {
        assert_eq!(edits("kitten", "sitting"), 3);
        assert_eq!(edits("", "abc"), 3);
        assert_eq!(edits("дикий", "дикий"), 0);
    }
}
