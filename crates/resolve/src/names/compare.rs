//! Two read names compared word by word: edits weighted by vowels and
//! consonants, inflection, abbreviations, run-together words, truncation,
//! and the score with its reasons.

use super::*;

/// Edit distance over characters: insertions, deletions, changes and
/// swaps of two neighbours ("Schloz" is one edit from "Scholz").
pub(super) fn edits(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        row[0] = i;
    }
    for (j, cell) in d.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// Whether a key's letter is a vowel. Keys spell y and j as i.
pub(super) fn vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// What an edit that only touches vowels costs in [`weighted_edits`]:
/// spellings of one name across scripts and languages differ mostly in
/// vowels (Dykyi and Dikiy, Narendra and Narender), and a changed consonant
/// changes a name more.
pub(super) const VOWEL_EDIT: f64 = 0.5;

/// The shortest key from which vowel edits are discounted: in a short word
/// one vowel is a large part of the name (Tom and Tim).
pub(super) const VOWEL_DISCOUNT_FROM: usize = 5;

/// [`edits`] with edits that only touch vowels costing [`VOWEL_EDIT`], when
/// the keys have the same consonants in the same order and are
/// [`VOWEL_DISCOUNT_FROM`] letters or more; the plain count otherwise. A
/// changed consonant is a changed name (Castro and Castillo), and then the
/// vowels count fully too.
pub(super) fn weighted_edits(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let consonants = |w: &[char]| {
        w.iter()
            .filter(|c| !vowel(**c))
            .copied()
            .collect::<Vec<_>>()
    };
    let discount = a.len().min(b.len()) >= VOWEL_DISCOUNT_FROM && consonants(&a) == consonants(&b);
    let indel = |c: char| {
        if discount && vowel(c) {
            VOWEL_EDIT
        } else {
            1.0
        }
    };
    let change = |x: char, y: char| {
        if x == y {
            0.0
        } else if discount && vowel(x) && vowel(y) {
            VOWEL_EDIT
        } else {
            1.0
        }
    };
    let width = b.len() + 1;
    let mut d = vec![0.0f64; (a.len() + 1) * width];
    for i in 1..=a.len() {
        d[i * width] = d[(i - 1) * width] + indel(a[i - 1]);
    }
    for j in 1..=b.len() {
        d[j] = d[j - 1] + indel(b[j - 1]);
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let mut best = (d[(i - 1) * width + j] + indel(a[i - 1]))
                .min(d[i * width + j - 1] + indel(b[j - 1]))
                .min(d[(i - 1) * width + j - 1] + change(a[i - 1], b[j - 1]));
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1.0);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// What comparing a word in Arabic letters with its spelling in another
/// script by consonants costs, in edits: the vowels were not there to
/// compare.
pub(super) const UNWRITTEN_VOWELS_EDITS: usize = 1;

/// Whether a word in Arabic letters and a word in another script have the
/// same consonants, of two or more: Arabic writes long vowels with the
/// letters that also stand for w and y (spelled v and i in keys), and has
/// no p or v (written b and f).
pub(super) fn same_consonants(a: &Word, b: &Word) -> bool {
    let (arabic, other) = if a.abjad { (a, b) } else { (b, a) };
    let skeleton = |key: &str, abjad: bool| {
        let mut out = String::new();
        for c in key.chars() {
            let c = match c {
                'p' => 'b',
                'v' if !abjad => 'f',
                c => c,
            };
            if vowel(c) || (abjad && c == 'v') || out.ends_with(c) {
                continue;
            }
            out.push(c);
        }
        out
    };
    let left = skeleton(&arabic.key, true);
    left.len() >= 2 && left == skeleton(&other.key, false)
}

pub(super) fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
}

/// How two words compare: `Some(edits)` when they may be the same word
/// misspelled: numbers must be equal, an initial must start the other
/// word, two-letter words must be equal, and longer words may differ in at
/// most half the letters of the shorter. How many they differ in is
/// weighed later, over the whole name.
pub(super) fn word_match(a: &Word, b: &Word) -> Option<usize> {
    if a.key == b.key {
        return Some(0);
    }
    if is_number(&a.text) || is_number(&b.text) {
        return None;
    }
    if (a.familiar || b.familiar) && nickname(&a.key, &b.key) {
        return Some(NICKNAME_EDITS);
    }
    if a.abjad != b.abjad {
        return same_consonants(a, b).then_some(UNWRITTEN_VOWELS_EDITS);
    }
    let (short, long) = if a.key.len() <= b.key.len() {
        (a, b)
    } else {
        (b, a)
    };
    if short.key.len() == 1 {
        return long.key.starts_with(&short.key).then_some(0);
    }
    if short.key.len() == 2 {
        return None;
    }
    if (a.cyrillic || b.cyrillic) && inflected(a, b) {
        return Some(0);
    }
    let n = edits(&a.key, &b.key);
    (n <= (long.key.len() / 3).max(1)).then_some(n)
}

/// Whether two words are one word in two cases: a stem in common once
/// their case endings are taken off.
pub(super) fn inflected(a: &Word, b: &Word) -> bool {
    stems(&a.key).any(|sa| sa.len() >= 3 && stems(&b.key).any(|sb| sa == sb))
}

/// Where a word of `name` (on `side`) is the initials of a run of words of
/// `other`, replaces that run in `other` by one word that matches it. In an
/// organization's name the word may stand for two to six words, weak words
/// inside the run skipped ("PLA" for "People's Liberation Army"); in a
/// person's, for two or three given names before the surname ("JC" or
/// "J.-C." for "Jean-Claude").
pub(super) fn expand_abbreviations(
    name: &[Word],
    other: &mut Vec<Word>,
    side: Side,
    person: bool,
    reasons: &mut Vec<Reason>,
) {
    let letters_allowed = if person { 2..=3 } else { 2..=6 };
    for w in name {
        let letters: Vec<char> = w.text.chars().collect();
        if w.weak
            || !letters_allowed.contains(&letters.len())
            || !w.text.chars().all(|c| c.is_ascii_alphabetic())
        {
            continue;
        }
        if other.iter().any(|o| o.key == w.key) {
            continue;
        }
        // A person's initials stand for given names, never the surname.
        let limit = if person {
            other.iter().rposition(|o| !o.weak).unwrap_or(0)
        } else {
            other.len()
        };
        'start: for start in 0..limit {
            let mut matched = 0;
            let mut end = start;
            while end < limit && matched < letters.len() {
                let o = &other[end];
                if o.text.starts_with(letters[matched]) {
                    matched += 1;
                    end += 1;
                } else if o.weak && matched > 0 && !person {
                    end += 1;
                } else {
                    continue 'start;
                }
            }
            if matched == letters.len() {
                let long: Vec<&str> = other[start..end].iter().map(|o| o.text.as_str()).collect();
                let long = long.join(" ");
                reasons.push(if person {
                    Reason::Initials {
                        side,
                        short: w.text.clone(),
                        long: long.clone(),
                    }
                } else {
                    Reason::Abbreviation {
                        side,
                        short: w.text.clone(),
                        long: long.clone(),
                    }
                });
                let word = Word {
                    text: long,
                    key: w.key.clone(),
                    weak: false,
                    qualifier: other[start].qualifier,
                    lineage: other[start].lineage,
                    cyrillic: other[start].cyrillic,
                    abjad: other[start].abjad,
                    familiar: false,
                };
                other.splice(start..end, [word]);
                break;
            }
        }
    }
}

/// Joins runs of two to four adjacent words of `name` where together they
/// spell a word of `other` that they do not match alone ("Mohammad Hasni"
/// against "Mohammadhasni", "Plat Ono Vich" against "Platonovich").
pub(super) fn join_runs(
    name: &mut Vec<Word>,
    other: &[Word],
    side: Side,
    reasons: &mut Vec<Reason>,
) {
    let mut i = 0;
    while i < name.len() {
        let mut joined_here = false;
        for n in (2..=4).rev() {
            if i + n > name.len() {
                continue;
            }
            let run = &name[i..i + n];
            let text: String = run.iter().map(|w| w.text.as_str()).collect();
            let joined = Word {
                key: key(&text),
                text,
                weak: false,
                qualifier: run.iter().all(|w| w.qualifier),
                lineage: run[0].lineage,
                cyrillic: run[0].cyrillic,
                abjad: run[0].abjad,
                familiar: false,
            };
            let longest = run.iter().map(|w| w.key.len()).max().unwrap_or(0);
            let alone = |w: &Word| other.iter().any(|o| word_match(w, o).is_some());
            let fits = other
                .iter()
                .any(|o| o.key.len() > longest && word_match(&joined, o).is_some());
            if fits && !run.iter().all(alone) {
                reasons.push(Reason::Joined {
                    side,
                    joined: joined.text.clone(),
                });
                name.splice(i..i + n, [joined]);
                joined_here = true;
                break;
            }
        }
        if !joined_here {
            i += 1;
        }
    }
}

/// The shortest name, in characters, that may have been cut at a field's
/// width: a shorter one ending in part of a word is too likely another
/// name ("Victory" and "Victory 3").
pub(super) const TRUNCATED_FROM: usize = 24;

/// What a name cut short at a field's width scores against the whole name.
pub(super) const TRUNCATED_SCORE: f64 = 0.95;

/// Where one written name is the other cut short inside a word, as
/// registries and sanctions lists cut names at a field's width ("... JOINT
/// STOCK COMPAN"): the side cut short and what it lacks.
pub(super) fn truncated(left: &str, right: &str) -> Option<(Side, String)> {
    // Most names are shorter than a field's width: nothing to lower-case
    // on this hot path (a character is at least one byte).
    if left.len().min(right.len()) < TRUNCATED_FROM {
        return None;
    }
    let (l, r) = (left.to_lowercase(), right.to_lowercase());
    let (side, short, long) = if l.chars().count() < r.chars().count() {
        (Side::Left, l, r)
    } else {
        (Side::Right, r, l)
    };
    if short.chars().count() < TRUNCATED_FROM || !long.starts_with(&short) {
        return None;
    }
    let rest = &long[short.len()..];
    let cut_in_word = short.chars().last().is_some_and(char::is_alphanumeric)
        && rest.chars().next().is_some_and(char::is_alphanumeric);
    // The cut is inside the last word: what is missing is the end of it.
    (cut_in_word && !rest.trim_end().contains(char::is_whitespace))
        .then(|| (side, rest.trim_end().to_owned()))
}

/// Compares two names of one kind (the kind of the first decides the rules).
pub fn compare(left: &Name, right: &Name) -> Comparison {
    if let Some((side, missing)) = truncated(&left.written, &right.written) {
        return Comparison {
            score: TRUNCATED_SCORE,
            same: true,
            reasons: vec![Reason::Truncated { side, missing }],
        };
    }
    let mut reasons = Vec::new();
    for (side, name) in [(Side::Left, left), (Side::Right, right)] {
        for form in &name.legal_forms {
            reasons.push(Reason::LegalForm {
                side,
                form: form.form.clone(),
            });
        }
    }
    let mut fits = true;

    // Legal forms of two specific, different kinds.
    fn specific(name: &Name) -> Vec<&LegalForm> {
        name.legal_forms
            .iter()
            .filter(|f| f.class != GENERIC)
            .collect()
    }
    let (forms_a, forms_b) = (specific(left), specific(right));
    if !forms_a.is_empty()
        && !forms_b.is_empty()
        && !forms_a
            .iter()
            .any(|fa| forms_b.iter().any(|fb| fa.class == fb.class))
    {
        fits = false;
        reasons.push(Reason::OtherLegalForm {
            left: forms_a[0].form.clone(),
            right: forms_b[0].form.clone(),
        });
    }
    if !left.syllabic.is_empty() && !right.syllabic.is_empty() && left.syllabic != right.syllabic {
        fits = false;
        reasons.push(Reason::OtherSigns {
            left: left.syllabic.clone(),
            right: right.syllabic.clone(),
        });
    }

    // Names with no letter or digit that spells anything ("Ъь") are the
    // same only as written.
    if left.words.is_empty() && right.words.is_empty() {
        let same = !left.written.is_empty() && left.written == right.written;
        if same {
            reasons.push(Reason::Same {
                left: left.written.clone(),
                right: right.written.clone(),
            });
        }
        return Comparison {
            score: if same { 1.0 } else { 0.0 },
            same,
            reasons,
        };
    }
    let mut a = left.words.clone();
    let mut b = right.words.clone();
    join_runs(&mut a, &right.words, Side::Left, &mut reasons);
    join_runs(&mut b, &left.words, Side::Right, &mut reasons);
    let person = left.kind == NameKind::Person;
    expand_abbreviations(&left.words, &mut b, Side::Left, person, &mut reasons);
    expand_abbreviations(&right.words, &mut a, Side::Right, person, &mut reasons);

    // Best pairs first: fewest edits relative to length, then in order.
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for (i, wa) in a.iter().enumerate() {
        for (j, wb) in b.iter().enumerate() {
            if let Some(n) = word_match(wa, wb) {
                candidates.push((i, j, n));
            }
        }
    }
    let ratio = |c: &(usize, usize, usize)| {
        c.2 as f64 / a[c.0].key.len().max(b[c.1].key.len()).max(1) as f64
    };
    candidates.sort_by(|x, y| {
        ratio(x)
            .total_cmp(&ratio(y))
            .then(x.0.abs_diff(x.1).cmp(&y.0.abs_diff(y.1)))
            .then(x.0.cmp(&y.0))
    });
    let mut pair_of_a: Vec<Option<(usize, usize)>> = vec![None; a.len()];
    let mut used_b = vec![false; b.len()];
    for (i, j, n) in candidates {
        if pair_of_a[i].is_none() && !used_b[j] {
            pair_of_a[i] = Some((j, n));
            used_b[j] = true;
        }
    }

    let mut total_edits = 0.0f64;
    let mut total_length = 0;
    // The similarity of the least alike pair of words.
    let mut worst = 1.0f64;
    let mut aligned = 0;
    let mut order: Vec<usize> = Vec::new();
    let lineage_marked = |words: &[Word]| words.iter().any(|w| w.lineage);
    let both_lineage = lineage_marked(&a) && lineage_marked(&b);
    for (i, pair) in pair_of_a.iter().enumerate() {
        let Some((j, n)) = *pair else { continue };
        let (wa, wb) = (&a[i], &b[j]);
        if wa.weak && wb.weak {
            continue;
        }
        aligned += 1;
        order.push(j);
        let short_form = (wa.familiar || wb.familiar) && nickname(&wa.key, &wb.key);
        let cost = if n == 0 {
            0.0
        } else if short_form || wa.abjad != wb.abjad {
            n as f64
        } else {
            weighted_edits(&wa.key, &wb.key)
        };
        total_edits += cost;
        let length = wa.text.len().max(wb.text.len());
        total_length += length;
        worst = worst.min(1.0 - cost / length.max(1) as f64);
        reasons.push(if n == 0 && wa.key != wb.key && inflected(wa, wb) {
            Reason::Inflected {
                left: wa.text.clone(),
                right: wb.text.clone(),
            }
        } else if wa.abjad != wb.abjad {
            Reason::Consonants {
                left: wa.text.clone(),
                right: wb.text.clone(),
            }
        } else if short_form {
            Reason::ShortForm {
                left: wa.text.clone(),
                right: wb.text.clone(),
            }
        } else if wa.key.len().min(wb.key.len()) == 1 && wa.key != wb.key {
            Reason::Initial {
                left: wa.text.clone(),
                right: wb.text.clone(),
            }
        } else if n == 0 {
            Reason::Same {
                left: wa.text.clone(),
                right: wb.text.clone(),
            }
        } else {
            Reason::Similar {
                left: wa.text.clone(),
                right: wb.text.clone(),
                edits: n,
            }
        });
        if person && both_lineage && wa.lineage != wb.lineage {
            fits = false;
            reasons.push(Reason::Lineage {
                word: wa.text.clone(),
            });
        }
    }
    if order.windows(2).any(|w| w[0] > w[1]) {
        reasons.push(Reason::Reordered);
    }
    if aligned == 0 {
        fits = false;
    }

    let unaligned = |words: &[Word], used: &dyn Fn(usize) -> bool| -> Vec<Word> {
        words
            .iter()
            .enumerate()
            .filter(|(i, w)| !used(*i) && !w.weak)
            .map(|(_, w)| w.clone())
            .collect()
    };
    let mut rest_a = unaligned(&a, &|i| pair_of_a[i].is_some());
    let mut rest_b = unaligned(&b, &|j| used_b[j]);
    // A qualifier in parentheses may be missing from the other name when
    // that name has none.
    let qualified = |words: &[Word]| words.iter().any(|w| w.qualifier);
    let (qualified_a, qualified_b) = (qualified(&a), qualified(&b));
    // A country in two full legal names ("Banco Santander Chile S.A.",
    // "Banco Santander S.A.") tells a subsidiary from its parent; a name
    // written without a legal form may be either.
    let both_legal = !left.legal_forms.is_empty() && !right.legal_forms.is_empty();
    for (side, rest, other_qualified) in [
        (Side::Left, &mut rest_a, qualified_b),
        (Side::Right, &mut rest_b, qualified_a),
    ] {
        if !other_qualified {
            rest.retain(|w| {
                if w.qualifier && !(both_legal && place_word(&w.key)) {
                    reasons.push(Reason::Qualifier {
                        side,
                        word: w.text.clone(),
                    });
                }
                !w.qualifier || (both_legal && place_word(&w.key))
            });
        }
    }
    let strong_a = a.iter().filter(|w| !w.weak).count();
    let strong_b = b.iter().filter(|w| !w.weak).count();

    // The log of what the extra words leave of the score.
    let mut extras = 0.0f64;
    let mut one_word = false;
    if person {
        // The shorter name must be found whole in the longer; the longer
        // may have more (a middle name, a patronymic).
        let (long_side, long_rest, short_rest) = if rest_a.is_empty() {
            (Side::Right, &rest_b, &rest_a)
        } else {
            (Side::Left, &rest_a, &rest_b)
        };
        if short_rest.is_empty() {
            for w in long_rest.iter() {
                extras += if w.lineage || patronymic(&w.text) {
                    PATRONYMIC
                } else {
                    EXTRA_WORD
                }
                .ln();
                reasons.push(Reason::Extra {
                    side: long_side,
                    word: w.text.clone(),
                });
            }
        } else {
            fits = false;
        }
        if strong_a.min(strong_b) >= 2 && aligned < 2 {
            fits = false;
            reasons.push(Reason::TooFewWords);
        }
        if strong_a.min(strong_b) == 1 && strong_a.max(strong_b) >= 2 {
            // One word against several: enough only when it is the other
            // name's last word, its surname ("Netanyahu said"); a given
            // name alone is too common to tell people apart.
            let (long, long_aligned): (&[Word], Vec<bool>) = if strong_a > strong_b {
                (&a, pair_of_a.iter().map(Option::is_some).collect())
            } else {
                (&b, used_b.clone())
            };
            let last = long.iter().rposition(|w| !w.weak);
            if last.is_none_or(|i| !long_aligned[i]) {
                one_word = true;
                reasons.push(Reason::OneWord);
            } else {
                reasons.push(Reason::Surname);
            }
        }
    } else if !rest_a.is_empty() || !rest_b.is_empty() {
        fits = false;
    }
    if !fits {
        // Say which words found no counterpart, and the nearest miss.
        for (side, words) in [(Side::Left, &rest_a), (Side::Right, &rest_b)] {
            for w in words.iter() {
                reasons.push(Reason::Unmatched {
                    side,
                    word: w.text.clone(),
                });
            }
        }
        let nearest = rest_a
            .iter()
            .flat_map(|wa| rest_b.iter().map(move |wb| (wa, wb)))
            .map(|(wa, wb)| (edits(&wa.key, &wb.key), wa, wb))
            .min_by_key(|x| x.0);
        if let Some((n, wa, wb)) = nearest {
            reasons.push(if is_number(&wa.text) && is_number(&wb.text) {
                Reason::OtherNumber {
                    left: wa.text.clone(),
                    right: wb.text.clone(),
                }
            } else {
                Reason::Different {
                    left: wa.text.clone(),
                    right: wb.text.clone(),
                    edits: n,
                }
            });
        }
    }

    // Half the share of letters alike over the whole name, half that of
    // the least alike word: a surname changed by a third of its letters is
    // another surname, however long the rest of the name.
    let similarity = if total_length == 0 {
        0.0
    } else {
        let overall = 1.0 - total_edits / total_length as f64;
        (overall + worst) / 2.0
    };
    let mut score = if fits {
        similarity * extras.exp()
    } else {
        let coverage = aligned as f64 / strong_a.max(strong_b).max(1) as f64;
        similarity * coverage * 0.75
    };
    if !fits || one_word {
        score = score.min(THRESHOLD - 0.05);
    }
    let score = (score * 1e4).round() / 1e4;
    Comparison {
        score,
        same: score >= THRESHOLD,
        reasons,
    }
}

/// What each word of a person's name with no counterpart in the other
/// (a middle name, a patronymic) leaves of the score.
pub(super) const EXTRA_WORD: f64 = 0.93;

/// What an extra patronymic ("Viktorovich") or father's name (after
/// "bin") leaves of the score: such names are often left out.
pub(super) const PATRONYMIC: f64 = 0.98;

/// Whether a word reads as an East Slavic patronymic.
pub(super) fn patronymic(word: &str) -> bool {
    [
        "ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna", "ogly", "oglu", "kyzy",
    ]
    .iter()
    .any(|suffix| word.len() > suffix.len() + 2 && word.ends_with(suffix))
}
