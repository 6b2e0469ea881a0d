//! Mentions to entities: each mention, in the order given, joins the entity
//! whose name it matches best, or starts a new one.
//!
//! A mention is compared only with the entities that share a blocking key
//! with it (the stem of one of its words' keys, for the same kind), so
//! resolution grows with the number of mentions, not with its square. It
//! is compared with each entity's *representative*, the fullest name the
//! entity has been given ("Анастасия Кашеварова" rather than "Кашеварова"),
//! never with every name, so that two people who share a surname are not
//! chained together through it. A surname alone goes to the entity
//! mentioned in the same document when there is one.
//!
//! The same mentions in the same order give the same entities, numbered
//! the same, whether they come in one run or many: that is what lets the
//! case rebuild them.

use std::collections::HashMap;

use serde::Serialize;

use crate::judgements::Verdict;
use crate::names::{Comparison, Name, NameKind, THRESHOLD, compare};

/// Where a mention is: a document of a source, and the mention's number in
/// that document's extraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MentionAt {
    /// The source's log index.
    pub source: u64,
    /// The document's ordinal in the source.
    pub document: u64,
    /// The mention's ordinal in the document's extraction.
    pub mention: u32,
}

/// One entity: a person, organization or place, with every name it was
/// given and where.
#[derive(Clone, Debug, Serialize)]
pub struct Entity {
    /// Its number, from 1, in the order entities were first mentioned.
    pub id: u64,
    /// What it is.
    pub kind: NameKind,
    /// The fullest name it was given: the one new mentions are compared
    /// with.
    pub name: String,
    /// Every name it was given, with how many mentions gave it, in the
    /// order first seen.
    pub names: Vec<(String, u64)>,
    /// Its mentions, in the order they were resolved.
    pub mentions: Vec<MentionAt>,
    #[serde(skip)]
    parsed: Name,
    /// Names a person judged to be this entity's too: new mentions are
    /// compared with them as with `name`.
    #[serde(skip)]
    aliases: Vec<Name>,
}

/// How many candidate entities a mention is compared with at most: those
/// sharing the most blocking keys with it.
const MAX_CANDIDATES: usize = 64;

/// A blocking key filed under by more entities than this is crowded: it is
/// used only when the name has no rarer key, and then only its most
/// recent entities.
const CROWDED: usize = 512;

/// Resolution in progress: the entities so far and their blocking index.
#[derive(Debug, Default)]
pub struct Resolver {
    entities: Vec<Entity>,
    blocks: HashMap<(NameKind, String), Vec<usize>>,
    /// Which entities each document mentions, for surnames alone.
    in_document: HashMap<(u64, u64), Vec<usize>>,
    /// Mentions judged to name the same as others, both ways.
    same: HashMap<MentionAt, Vec<MentionAt>>,
    /// Mentions judged not to name the same as others, both ways.
    different: HashMap<MentionAt, Vec<MentionAt>>,
    /// Where each judged mention went.
    placed: HashMap<MentionAt, usize>,
}

/// How a mention was resolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolution {
    /// It joined an existing entity, matching its name so.
    Joined {
        /// The entity's id.
        entity: u64,
        /// The comparison with the entity's name.
        comparison: Comparison,
    },
    /// It starts a new entity.
    New {
        /// The new entity's id.
        entity: u64,
    },
    /// A person judged it to name the same as a mention already in this
    /// entity.
    Judged {
        /// The entity's id.
        entity: u64,
    },
    /// It has no word to compare (only titles or particles), so it names
    /// nothing that can be resolved.
    Skipped,
}

/// The keys a name is filed under: for each word, its key with and without
/// each case ending it may have (Дикий and Дикого share `dik`), and its
/// consonants alone (`kvlv` for Kovalev and Kovalyov, misspelled in a
/// vowel).
fn blocking_keys(name: &Name) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for word in name.words.iter().filter(|w| !w.weak) {
        keys.extend(crate::names::stems(&word.key).map(str::to_owned));
        let consonants: String = word
            .key
            .chars()
            .filter(|c| !matches!(c, 'a' | 'e' | 'i' | 'o' | 'u'))
            .collect();
        if consonants.len() >= 3 {
            keys.push(format!("#{consonants}"));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// How full a name is: words that count, then letters.
fn fullness(name: &Name) -> (usize, usize) {
    let words = name.words.iter().filter(|w| !w.weak);
    (words.clone().count(), words.map(|w| w.text.len()).sum())
}

impl Resolver {
    /// An empty resolver.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entities so far, by id.
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// Records a person's judgement about two mentions, to be respected
    /// when they are added: give every judgement before the mentions.
    pub fn judge(&mut self, verdict: Verdict, a: MentionAt, b: MentionAt) {
        let map = match verdict {
            Verdict::Same => &mut self.same,
            Verdict::NotSame => &mut self.different,
        };
        map.entry(a).or_default().push(b);
        map.entry(b).or_default().push(a);
    }

    /// Consumes the resolver, returning its entities by id.
    pub fn into_entities(self) -> Vec<Entity> {
        self.entities
    }

    /// Resolves one mention named `name` (its dictionary form when there is
    /// one) of kind `kind`, found at `at`.
    pub fn add(&mut self, kind: NameKind, name: &str, at: MentionAt) -> Resolution {
        let parsed = Name::parse(name, kind);
        let keys = blocking_keys(&parsed);
        if keys.is_empty() {
            return Resolution::Skipped;
        }
        let judged_entities = |map: &HashMap<MentionAt, Vec<MentionAt>>| -> Vec<usize> {
            map.get(&at)
                .into_iter()
                .flatten()
                .filter_map(|other| self.placed.get(other).copied())
                .filter(|&entity| self.entities[entity].kind == kind)
                .collect()
        };
        let forbidden = judged_entities(&self.different);
        let forced = judged_entities(&self.same)
            .into_iter()
            .find(|entity| !forbidden.contains(entity));
        let judged = self.same.contains_key(&at) || self.different.contains_key(&at);
        if let Some(index) = forced {
            let entity = &mut self.entities[index];
            if !entity.names.iter().any(|(n, _)| n == name) {
                entity.aliases.push(parsed.clone());
            }
            self.place(index, name, parsed, keys, at, judged);
            return Resolution::Judged {
                entity: index as u64 + 1,
            };
        }
        // Keys filed under by very many entities (a common given name) are
        // used only when the name has no rarer one.
        let lists: Vec<&Vec<usize>> = keys
            .iter()
            .filter_map(|key| self.blocks.get(&(kind, key.clone())))
            .collect();
        let rarest = lists.iter().map(|list| list.len()).min().unwrap_or(0);
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for list in &lists {
            if list.len() > CROWDED && list.len() > rarest {
                continue;
            }
            for &entity in list.iter().rev().take(CROWDED) {
                if !forbidden.contains(&entity) {
                    *shared.entry(entity).or_default() += 1;
                }
            }
        }
        let here = self.in_document.get(&(at.source, at.document));
        let local = |entity: &usize| here.is_some_and(|list| list.contains(entity));
        // The entities of this document first, then those sharing the most
        // keys, then the most recent.
        let mut candidates: Vec<(usize, usize)> = shared.into_iter().collect();
        candidates.sort_by(|a, b| {
            local(&b.0)
                .cmp(&local(&a.0))
                .then(b.1.cmp(&a.1))
                .then(b.0.cmp(&a.0))
        });
        candidates.truncate(MAX_CANDIDATES);
        let mut best: Option<(bool, Comparison, usize, usize)> = None;
        for (entity, shares) in candidates {
            let local = local(&entity);
            // Past a match, only an entity of this document or one sharing
            // as many keys can do better.
            if let Some((best_local, _, _, best_shares)) = &best
                && (*best_local || (!local && shares < *best_shares))
            {
                break;
            }
            let candidate = &self.entities[entity];
            let comparison = std::iter::once(&candidate.parsed)
                .chain(&candidate.aliases)
                .map(|known| compare(&parsed, known))
                .max_by(|a, b| a.score.total_cmp(&b.score))
                .unwrap_or_else(|| compare(&parsed, &candidate.parsed));
            if comparison.score < THRESHOLD {
                continue;
            }
            let better = match &best {
                None => true,
                Some((best_local, best_comparison, best_entity, _)) => {
                    (local, comparison.score, std::cmp::Reverse(entity))
                        > (
                            *best_local,
                            best_comparison.score,
                            std::cmp::Reverse(*best_entity),
                        )
                }
            };
            if better {
                best = Some((local, comparison, entity, shares));
            }
        }
        let index = match &best {
            Some((_, _, entity, _)) => *entity,
            None => {
                let index = self.entities.len();
                self.entities.push(Entity {
                    id: index as u64 + 1,
                    kind,
                    name: name.to_owned(),
                    names: Vec::new(),
                    mentions: Vec::new(),
                    parsed: parsed.clone(),
                    aliases: Vec::new(),
                });
                index
            }
        };
        self.place(index, name, parsed, keys, at, judged);
        let id = index as u64 + 1;
        match best {
            Some((_, comparison, _, _)) => Resolution::Joined {
                entity: id,
                comparison,
            },
            None => Resolution::New { entity: id },
        }
    }

    /// Puts a mention in entity `index`: its name, its keys, its document.
    fn place(
        &mut self,
        index: usize,
        name: &str,
        parsed: Name,
        keys: Vec<String>,
        at: MentionAt,
        judged: bool,
    ) {
        let kind = self.entities[index].kind;
        let entity = &mut self.entities[index];
        entity.mentions.push(at);
        match entity.names.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => *count += 1,
            None => entity.names.push((name.to_owned(), 1)),
        }
        if fullness(&parsed) > fullness(&entity.parsed) {
            entity.name = name.to_owned();
            entity.parsed = parsed;
        }
        for key in keys {
            let list = self.blocks.entry((kind, key)).or_default();
            if list.last() != Some(&index) && !list.contains(&index) {
                list.push(index);
            }
        }
        let list = self
            .in_document
            .entry((at.source, at.document))
            .or_default();
        if !list.contains(&index) {
            list.push(index);
        }
        if judged {
            self.placed.insert(at, index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(source: u64, mention: u32) -> MentionAt {
        MentionAt {
            source,
            document: 0,
            mention,
        }
    }

    #[test]
    fn one_person_however_named() {
        let mut r = Resolver::new();
        r.add(NameKind::Person, "Кашеварова", at(1, 0));
        r.add(NameKind::Person, "Анастасия Кашеварова", at(1, 1));
        r.add(NameKind::Person, "Anastasia Kashevarova", at(2, 0));
        r.add(NameKind::Person, "Kashevarova", at(2, 1));
        assert_eq!(r.entities().len(), 1);
        assert_eq!(r.entities()[0].name, "Анастасия Кашеварова");
        assert_eq!(r.entities()[0].mentions.len(), 4);
    }

    #[test]
    fn a_shared_surname_does_not_chain_two_people() {
        let mut r = Resolver::new();
        r.add(NameKind::Person, "Алексей Дикий", at(1, 0));
        r.add(NameKind::Person, "Иван Дикий", at(2, 0));
        r.add(NameKind::Person, "Дикий", at(2, 1));
        assert_eq!(r.entities().len(), 2);
        // The surname alone goes to the Dikiy of its own document.
        assert_eq!(r.entities()[1].mentions.len(), 2);
    }

    #[test]
    fn judgements_are_respected() {
        let (a, b, c, d) = (at(1, 0), at(2, 0), at(3, 0), at(4, 0));
        let mut r = Resolver::new();
        // "Sokol" is judged to be Ivan Sokolov (a nickname); the Dikiy of
        // source 4 is judged not to be the one of source 3.
        r.judge(Verdict::Same, a, b);
        r.judge(Verdict::NotSame, c, d);
        r.add(NameKind::Person, "Ivan Sokolov", a);
        assert!(matches!(
            r.add(NameKind::Person, "Sokol", b),
            Resolution::Judged { entity: 1 }
        ));
        // Later mentions of the alias join too.
        r.add(NameKind::Person, "Sokol", at(5, 0));
        r.add(NameKind::Person, "Alexei Dikiy", c);
        r.add(NameKind::Person, "Alexei Dikiy", d);
        let entities = r.entities();
        assert_eq!(entities.len(), 3);
        assert_eq!(entities[0].mentions, vec![a, b, at(5, 0)]);
        assert_eq!(entities[1].mentions, vec![c]);
        assert_eq!(entities[2].mentions, vec![d]);
    }

    #[test]
    fn kinds_are_apart() {
        let mut r = Resolver::new();
        r.add(NameKind::Person, "Каскад", at(1, 0));
        r.add(NameKind::Organization, "Каскад", at(1, 1));
        assert_eq!(r.entities().len(), 2);
    }
}
