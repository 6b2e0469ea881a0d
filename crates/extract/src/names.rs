//! Persons, organizations and places in English text, by rule: there is
//! no English NER model the project can install yet, so proper names are
//! found by their capitals and told apart by the words around them.
//!
//! A name is a run of capitalized words (with "of", "of the", "for" inside:
//! "Supreme Court of the Donetsk People’s Republic", and dotted acronyms:
//! "U.S."). Its kind comes from, in order: a head word (Ministry, Court,
//! Agency… an organization; Region, Republic, City… a place), the lowercase
//! word after it ("the Cascade unit", "the Donetsk region"), the words
//! before it ("in", "near", "the siege of", "offensives on": a place; a role
//! such as "propagandist" or "chief": a person; "wrote", "said": a
//! person), a verb right after a single name ("Dikiy founded"), the shape
//! (two or more name words: a person), and finally what the same word was
//! called earlier in the document ("Dikiy" after "Alexey Dikiy"). A
//! capitalized word that also appears in lower case in the document is an
//! ordinary word at the start of a sentence, not a name. Names that fit
//! none of these are left out: precision first.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::ner::EntityKind;

const ORG_HEADS: &[&str] = &[
    "Ministry",
    "Department",
    "Court",
    "Agency",
    "Office",
    "Service",
    "Services",
    "Committee",
    "Council",
    "Party",
    "Army",
    "Forces",
    "Guard",
    "Battalion",
    "Brigade",
    "Regiment",
    "Company",
    "Corporation",
    "Bank",
    "University",
    "Administration",
    "Troops",
    "Police",
    "Government",
    "Parliament",
    "Kremlin",
    "Commission",
    "Institute",
    "Foundation",
    "Group",
    "News",
    "Times",
    "Post",
    "Journal",
    "Gazette",
    "Radio",
    "Television",
    "Network",
    "Union",
    "Organization",
    "Organisation",
    "Bureau",
    "Directorate",
    "Prosecutor",
    "Duma",
    "Navy",
    "Corps",
    "Unit",
    "Division",
    "Center",
    "Centre",
    "Association",
    "Front",
    "Legion",
    "Wagner",
];
const PLACE_HEADS: &[&str] = &[
    "Region",
    "Oblast",
    "Republic",
    "Federation",
    "City",
    "Street",
    "Square",
    "District",
    "Province",
    "Territory",
    "Island",
    "River",
    "Sea",
    "Mountains",
    "Valley",
    "Lake",
    "Bay",
    "Krai",
    "Raion",
    "Peninsula",
];
const ORG_NOUNS: &[&str] = &[
    "unit",
    "battalion",
    "brigade",
    "regiment",
    "company",
    "group",
    "ministry",
    "agency",
    "outlet",
    "channel",
    "formation",
    "troops",
    "newspaper",
    "movement",
    "organization",
    "organisation",
    "militia",
    "detachment",
    "corps",
    "party",
    "website",
    "publication",
];
const PLACE_NOUNS: &[&str] = &[
    "region",
    "oblast",
    "city",
    "village",
    "town",
    "district",
    "province",
    "area",
    "raion",
    "street",
    "republic",
    "settlement",
    "peninsula",
    "krai",
];
const ROLES: &[&str] = &[
    "chief",
    "propagandist",
    "correspondent",
    "president",
    "commander",
    "colonel",
    "general",
    "officer",
    "minister",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "blogger",
    "journalist",
    "reporter",
    "lawyer",
    "mr.",
    "ms.",
    "mrs.",
    "dr.",
    "founder",
    "head",
    "deputy",
    "leader",
    "activist",
    "politician",
    "lieutenant",
    "captain",
    "sergeant",
    "major",
    "soldier",
    "prisoner",
    "inmate",
    "recruit",
    "commentator",
    "analyst",
    "photographer",
    "editor",
];
const VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "wrote",
    "writes",
    "added",
    "founded",
    "awarded",
    "named",
    "signed",
    "ordered",
    "announced",
    "claimed",
    "stated",
    "explained",
    "recalled",
    "noted",
    "denied",
    "confirmed",
    "promised",
    "threatened",
    "led",
    "commands",
    "commanded",
];
const TITLES: &[&str] = &[
    "Colonel",
    "General",
    "Colonel-General",
    "Major",
    "Major-General",
    "Lieutenant",
    "Captain",
    "Sergeant",
    "Private",
    "President",
    "Minister",
    "Commander",
    "Chief",
    "Hero",
    "Police",
    "Mr.",
    "Ms.",
    "Mrs.",
    "Dr.",
    "Deputy",
    "Prime",
    "Senator",
    "Governor",
    "Mayor",
];
const MONTHS_DAYS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
/// Prepositions before a place ("in Donetsk", "near Bakhmut").
const LOCATIVES: &[&str] = &[
    "in", "near", "from", "outside", "around", "across", "toward", "towards", "into",
];
/// Nouns whose "of" introduces a place ("the siege of Azovstal").
const PLACE_OF: &[&str] = &[
    "siege",
    "battle",
    "city",
    "town",
    "village",
    "region",
    "outskirts",
    "capture",
    "occupation",
    "fall",
    "liberation",
    "center",
    "centre",
];
/// Nouns whose "on" introduces a place ("offensives on Vuhledar").
const ATTACKS: &[&str] = &["offensive", "attack", "assault", "strike", "advance"];

/// Words that start sentences and are never names.
const SENTENCE_WORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "After",
    "Before",
    "Because",
    "But",
    "And",
    "Or",
    "If",
    "When",
    "While",
    "One",
    "Two",
    "Three",
    "Even",
    "However",
    "According",
    "Upon",
    "As",
    "For",
    "From",
    "With",
    "Without",
    "By",
    "To",
    "Of",
    "They",
    "We",
    "He",
    "She",
    "It",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "Here",
    "His",
    "Her",
    "Their",
    "Our",
    "Its",
    "My",
    "Some",
    "Many",
    "Most",
    "All",
    "Both",
    "Since",
    "Until",
    "Although",
    "Though",
    "Still",
    "Yet",
    "Now",
    "Then",
    "So",
    "Also",
    "Only",
    "Once",
    "Later",
    "Earlier",
    "Meanwhile",
    "Instead",
    "Despite",
    "During",
    "Under",
    "Over",
    "About",
    "Among",
    "Between",
    "Another",
    "Other",
    "Each",
    "Every",
    "No",
    "Not",
    "What",
    "Who",
    "Why",
    "How",
    "Where",
    "Which",
    "Whose",
    "Soldiers",
];
/// Verbs of publishing: a single name doing them is an outlet.
const PUBLISHING: &[&str] = &[
    "shares",
    "shared",
    "publishes",
    "published",
    "reports",
    "reported",
    "broadcasts",
    "broadcast",
    "translates",
    "translated",
];
const SPEECH: &[&str] = &[
    "said",
    "says",
    "told",
    "wrote",
    "writes",
    "added",
    "asked",
    "explained",
    "recalled",
    "noted",
    "claimed",
    "stated",
    "according",
];
const PLACE_ACRONYMS: &[&str] = &[
    "US", "U.S.", "USA", "UK", "USSR", "UAE", "DNR", "LNR", "DPR", "LPR",
];
const DEMONYMS: &[&str] = &[
    "Russian",
    "Ukrainian",
    "American",
    "Soviet",
    "Belarusian",
    "British",
    "European",
    "Chechen",
    "Crimean",
    "Syrian",
    "Chinese",
    "Iranian",
    "Polish",
    "German",
    "French",
    "English",
];

fn chunk_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let word = r"(?:\p{Lu}\.(?:\p{Lu}\.)+|\p{Lu}[\p{L}\p{Mn}’'\-]*)";
        Regex::new(&format!(
            r"{word}(?:(?: of the | of | for | de | von | van | al-| )(?:{word}))*"
        ))
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    })
}

fn quoted_bodies() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let nouns = ORG_NOUNS.join("|");
        Regex::new(&format!(
            r#"\p{{Lu}}[\p{{L}}.]*(?:’s|'s) [“"](?P<words>\p{{Ll}}[\p{{L}}-]*(?: \p{{Ll}}[\p{{L}}-]*)* (?:{nouns}))[”"]"#
        ))
        .unwrap_or_else(|e| unreachable!("a fixed pattern: {e}"))
    })
}

fn words_before(text: &str, at: usize, count: usize) -> Vec<String> {
    text[..at]
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .rev()
        .take(count)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
                .to_lowercase()
        })
        .collect()
}

fn word_after(text: &str, at: usize) -> Option<String> {
    let rest = &text[at..];
    let trimmed = rest.trim_start_matches([' ', '\u{a0}']);
    if trimmed.len() == rest.len() && !rest.is_empty() {
        // Not separated by a space: punctuation or the end.
        return None;
    }
    trimmed
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .next()
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
}

fn is_sentence_start(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '“' | '"' | '‘' | '«' | '(' | '[')
    });
    before.is_empty()
        || before.ends_with(['.', '!', '?', '…', ':', '”', '»'])
        || text[..at].ends_with('\n')
}

/// Strips a group of capitalized words to a name and judges its kind:
/// `None` when nothing is left, `(range, None)` when the kind is unknown.
fn classify(
    text: &str,
    mut words: Vec<(usize, &str)>,
    lowercase: &HashSet<&str>,
    known: &HashMap<String, EntityKind>,
) -> Option<(Range<usize>, Option<EntityKind>)> {
    // Leading sentence-initial ordinary words, titles and demonyms go.
    while let Some(&(at, word)) = words.first() {
        let stem = word.split(['’', '\'']).next().unwrap_or(word);
        let ordinary = is_sentence_start(text, at)
            && (SENTENCE_WORDS.contains(&stem) || lowercase.contains(stem.to_lowercase().as_str()));
        let heads = words
            .iter()
            .any(|(_, w)| ORG_HEADS.contains(w) || PLACE_HEADS.contains(w));
        let drop = ordinary
            || SENTENCE_WORDS.contains(&stem) && words.len() == 1
            || TITLES.contains(&word)
            || (DEMONYMS.contains(&word) && words.len() > 1 && !heads)
            || MONTHS_DAYS.contains(&word)
            || matches!(word, "of" | "the" | "for" | "de" | "von" | "van");
        if !drop {
            break;
        }
        words.remove(0);
    }
    while words
        .last()
        .is_some_and(|(_, w)| matches!(*w, "of" | "the" | "for") || MONTHS_DAYS.contains(w))
    {
        words.pop();
    }
    let (&(start, _), &(last_at, last)) = (words.first()?, words.last()?);
    let mut range = start..last_at + last.len();
    let name = &text[range.clone()];
    let name_words: Vec<&str> = words.iter().map(|(_, w)| *w).collect();
    if name_words.len() == 1 && (DEMONYMS.contains(&name) || name.chars().count() < 2) {
        return None;
    }
    let before = words_before(text, range.start, 3);
    let after = word_after(text, range.end);
    let after_lower = after.as_deref().map(str::to_lowercase);
    let has = |list: &[&str]| name_words.iter().any(|w| list.contains(w));
    let acronym = name_words.len() == 1
        && name.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && name.chars().all(|c| c.is_uppercase() || c == '.');
    let first_before = before.first().map(String::as_str);
    let locative = first_before.is_some_and(|w| LOCATIVES.contains(&w));
    let place_of = first_before == Some("of")
        && before
            .get(1)
            .is_some_and(|w| PLACE_OF.contains(&w.as_str()));
    let attack_on = first_before == Some("on")
        && before
            .get(1)
            .is_some_and(|w| ATTACKS.iter().any(|attack| w.starts_with(attack)));
    let role_before = first_before.is_some_and(|w| ROLES.contains(&w) || SPEECH.contains(&w));
    let verb_after = after_lower.as_deref().is_some_and(|w| VERBS.contains(&w));
    let all_name_like = name_words
        .iter()
        .all(|w| w.starts_with(char::is_uppercase) && w.chars().skip(1).any(char::is_lowercase));
    let kind = if has(ORG_HEADS) {
        Some(EntityKind::Organization)
    } else if has(PLACE_HEADS) {
        Some(EntityKind::Place)
    } else if after_lower
        .as_deref()
        .is_some_and(|w| PLACE_NOUNS.contains(&w))
    {
        // "the Donetsk region": the noun belongs to the name.
        if let Some(noun) = &after
            && let Some(at) = text[range.end..].find(noun.as_str())
        {
            range.end += at + noun.len();
        }
        Some(EntityKind::Place)
    } else if after_lower
        .as_deref()
        .is_some_and(|w| ORG_NOUNS.contains(&w))
    {
        Some(EntityKind::Organization)
    } else if acronym {
        Some(if PLACE_ACRONYMS.contains(&name) {
            EntityKind::Place
        } else {
            EntityKind::Organization
        })
    } else if name_words.len() == 1
        && after_lower
            .as_deref()
            .is_some_and(|w| PUBLISHING.contains(&w))
    {
        Some(EntityKind::Organization)
    } else if let Some(kind) = known.get(name) {
        Some(*kind)
    } else if locative || place_of || attack_on {
        Some(EntityKind::Place)
    } else if role_before || (verb_after && name_words.len() <= 3) {
        all_name_like.then_some(EntityKind::Person)
    } else if name_words.len() >= 2 && all_name_like && !name.contains(" of ") {
        Some(EntityKind::Person)
    } else {
        None
    };
    Some((range, kind))
}

/// Finds the names in an English text: byte ranges and kinds.
pub(crate) fn find(text: &str) -> Vec<(Range<usize>, EntityKind)> {
    // Words the document also writes in lower case are ordinary words.
    let lowercase: HashSet<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with(char::is_lowercase))
        .collect();
    let mut known: HashMap<String, EntityKind> = HashMap::new();
    let mut out: Vec<(Range<usize>, EntityKind)> = Vec::new();
    let mut pending: Vec<Range<usize>> = Vec::new();
    for found in chunk_pattern().find_iter(text) {
        // A word inside a longer word ("iStories", "pro-Kremlin") is not a
        // name's start here.
        if text[..found.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '-')
        {
            continue;
        }
        let mut words: Vec<(usize, &str)> = Vec::new();
        let mut offset = found.start();
        for word in found.as_str().split(' ') {
            words.push((offset, word));
            offset += word.len() + 1;
        }
        // A possessive ends a name unless a head follows ("People’s
        // Republic"): "Russia’s Donetsk region" is two names.
        let mut groups: Vec<Vec<(usize, &str)>> = vec![Vec::new()];
        for (n, &(at, word)) in words.iter().enumerate() {
            let possessive = word.ends_with("’s") || word.ends_with("'s");
            let next_is_head = words
                .get(n + 1)
                .is_some_and(|(_, w)| ORG_HEADS.contains(w) || PLACE_HEADS.contains(w));
            if possessive && !next_is_head {
                let bare = &word[..word.len()
                    - if word.ends_with("’s") {
                        "’s".len()
                    } else {
                        2
                    }];
                if let Some(group) = groups.last_mut() {
                    group.push((at, bare));
                }
                groups.push(Vec::new());
            } else if let Some(group) = groups.last_mut() {
                group.push((at, word));
            }
        }
        for group in groups {
            if let Some(found) = classify(text, group, &lowercase, &known) {
                match found {
                    (range, Some(kind)) => {
                        let name = &text[range.clone()];
                        known.insert(name.to_owned(), kind);
                        if kind == EntityKind::Person
                            && let Some(surname) = name.split(' ').next_back()
                        {
                            known.entry(surname.to_owned()).or_insert(kind);
                        }
                        out.push((range, kind));
                    }
                    (range, None) => pending.push(range),
                }
            }
        }
    }
    // "the DNR’s “internal troops”": a quoted lowercase name after a
    // possessive, ending in a word for a body of people, is an
    // organization.
    for quoted in quoted_bodies().captures_iter(text) {
        if let Some(words) = quoted.name("words") {
            out.push((words.range(), EntityKind::Organization));
        }
    }
    // Names met again: what the document called them before (or after);
    // a name joined by "and" or "or" to a place is a place ("Vuhledar and
    // Mariupol").
    out.sort_by_key(|(range, _)| range.start);
    let places: Vec<Range<usize>> = out
        .iter()
        .filter(|(_, kind)| *kind == EntityKind::Place)
        .map(|(range, _)| range.clone())
        .collect();
    for range in pending {
        if let Some(kind) = known.get(&text[range.clone()]) {
            out.push((range, *kind));
        } else if places.iter().any(|place| {
            place.end <= range.start
                && matches!(text[place.end..range.start].trim(), "and" | "or" | ",")
        }) {
            out.push((range, EntityKind::Place));
        }
    }
    out.sort_by_key(|(range, _)| range.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(&str, EntityKind)> {
        find(text)
            .into_iter()
            .map(|(range, kind)| (&text[range], kind))
            .collect()
    }

    #[test]
    fn names_and_their_kinds_from_the_words_around_them() {
        let text = "The unit was formed by the Interior Ministry of the self-proclaimed republic. \
                    Its commander, Oleg Marchenko, says the Sever battalion fought near Bakhmut \
                    and in the Luhansk region. “We were never paid,” wrote Petrenko. \
                    Marchenko denied it, according to the U.S. State Department. \
                    In May, the unit took part in the siege of Avdiivka, and the republic’s “special police” \
                    and the LNR’s “rapid response unit” were sent there. Novosti reported it.";
        assert_eq!(
            names(text),
            vec![
                ("Interior Ministry", EntityKind::Organization),
                ("Oleg Marchenko", EntityKind::Person),
                ("Sever", EntityKind::Organization),
                ("Bakhmut", EntityKind::Place),
                ("Luhansk region", EntityKind::Place),
                ("Petrenko", EntityKind::Person),
                ("Marchenko", EntityKind::Person),
                ("U.S. State Department", EntityKind::Organization),
                ("Avdiivka", EntityKind::Place),
                ("LNR", EntityKind::Place),
                ("rapid response unit", EntityKind::Organization),
                ("Novosti", EntityKind::Organization),
            ]
        );
    }
}
