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

/// Titles and particles: they may be missing from one spelling of a name.
const WEAK: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sir",
    "gen",
    "col",
    "al",
    "el",
    "bin",
    "ben",
    "ibn",
    "bint",
    "da",
    "de",
    "del",
    "della",
    "di",
    "do",
    "dos",
    "du",
    "la",
    "le",
    "van",
    "von",
    "der",
    "den",
    "ter",
    "of",
    "the",
    "and",
    "president",
    "shaikh",
    "sheikh",
    "mv",
    "mt",
];

/// Legal forms by class, in the spellings names use; read with the same
/// rules as names, so Cyrillic forms are listed as written. Joint-stock
/// companies are one class whether open, closed or public, since one
/// company is renamed from one to another (ОАО to ПАО). Two names whose
/// forms are of different specific classes (an AG and a GmbH) name
/// different companies; the generic class (company, corporation) goes with
/// any.
const LEGAL_FORMS: &[(&str, &[&str])] = &[
    ("ag", &["Aktiengesellschaft", "AG"]),
    (
        "gmbh",
        &["GmbH", "G.m.b.H.", "Gesellschaft mit beschränkter Haftung"],
    ),
    (
        "llc",
        &[
            "LLC",
            "L.L.C.",
            "Limited Liability Company",
            "ООО",
            "Общество с ограниченной ответственностью",
            "ТОВ",
            "Товариство з обмеженою відповідальністю",
            "SRL",
            "S.R.L.",
            "Societatea cu Răspundere Limitată",
            "Sp. z o.o.",
        ],
    ),
    ("ltd", &["Ltd", "Limited"]),
    ("plc", &["PLC", "p.l.c.", "Public Limited Company"]),
    ("sa", &["S.A.", "SA"]),
    ("sas", &["S.A.S.", "SAS"]),
    ("sarl", &["S.A.R.L.", "SARL"]),
    ("sl", &["S.L."]),
    ("bv", &["B.V.", "BV"]),
    ("nv", &["N.V.", "NV"]),
    ("ab", &["AB"]),
    ("as", &["A/S"]),
    ("oy", &["Oy"]),
    ("spa", &["S.p.A."]),
    ("lp", &["L.P.", "LP"]),
    (
        "jsc",
        &[
            "JSC",
            "Joint Stock Company",
            "Joint-Stock Company",
            "АО",
            "Акционерное общество",
            "Акціонерне товариство",
        ],
    ),
    (
        "jsc",
        &[
            "OJSC",
            "Open Joint Stock Company",
            "Open Joint-Stock Company",
            "ОАО",
            "Открытое акционерное общество",
        ],
    ),
    (
        "jsc",
        &[
            "PJSC",
            "Public Joint Stock Company",
            "ПАО",
            "Публичное акционерное общество",
            "ПАТ",
        ],
    ),
    (
        "jsc",
        &[
            "CJSC",
            "Closed Joint Stock Company",
            "ЗАО",
            "Закрытое акционерное общество",
            "ПрАТ",
        ],
    ),
    (
        GENERIC,
        &[
            "Inc",
            "Incorporated",
            "Corp",
            "Corporation",
            "Co",
            "Company",
            "Company Limited",
        ],
    ),
];

/// The class of legal forms that goes with any other.
const GENERIC: &str = "generic";

/// The legal forms as word keys with their class, longest first, so that
/// "Open Joint Stock Company" is tried before "Joint Stock Company".
static LEGAL_KEYS: LazyLock<Vec<(Vec<String>, &'static str)>> = LazyLock::new(|| {
    let mut forms: Vec<(Vec<String>, &'static str)> = LEGAL_FORMS
        .iter()
        .flat_map(|(class, spellings)| {
            spellings.iter().map(move |form| {
                let keys = join_letters(words(form)).iter().map(|w| key(w)).collect();
                (keys, *class)
            })
        })
        .collect();
    forms.sort_by_key(|form| std::cmp::Reverse(form.0.len()));
    forms.dedup();
    forms
});

/// The countries of the war, their names and adjectives in English,
/// Russian and Ukrainian: in an organization's name they are qualifiers,
/// which another spelling of the name may leave out ("Russia's Defense
/// Ministry", "Ministry of Defense").
const COUNTRY_WORDS: &[&str] = &[
    "Russia",
    "Russian",
    "Russia's",
    "RF",
    "Россия",
    "России",
    "Российская",
    "Российской",
    "Российский",
    "Российского",
    "Росія",
    "Росії",
    "Російська",
    "Російської",
    "Ukraine",
    "Ukrainian",
    "Украина",
    "Украины",
    "Украинский",
    "Украинской",
    "Україна",
    "України",
    "Український",
    "Української",
];

/// Other countries and the world's regions, in English: in an
/// organization's name they are qualifiers too ("Faberlic Europe", "PLA
/// China"). Matched by key, whole word, as they are not inflected.
const WORLD_WORDS: &str = "Afghanistan Albania Algeria Andorra Angola Argentina Armenia \
    Australia Austria Azerbaijan Bahamas Bahrain Bangladesh Barbados Belarus Belgium Belize \
    Benin Bhutan Bolivia Bosnia Botswana Brazil Brunei Bulgaria Burundi Cambodia Cameroon \
    Canada Chile China Colombia Comoros Congo Croatia Cuba Cyprus Czechia Denmark Djibouti \
    Ecuador Egypt Eritrea Estonia Eswatini Ethiopia Finland France Gabon Gambia Germany Ghana \
    Greece Guatemala Guinea Guyana Haiti Honduras Hungary Iceland India Indonesia Iran Iraq \
    Ireland Israel Italy Jamaica Japan Kazakhstan Kenya Korea Kosovo Kuwait Kyrgyzstan Laos \
    Latvia Lebanon Lesotho Liberia Libya Liechtenstein Lithuania Luxembourg Madagascar Malawi \
    Malaysia Maldives Malta Mauritania Mauritius Mexico Moldova Monaco Mongolia Montenegro \
    Morocco Mozambique Myanmar Namibia Nepal Netherlands Nicaragua Nigeria Norway Oman \
    Pakistan Palestine Panama Paraguay Philippines Poland Portugal Qatar Romania Rwanda \
    Senegal Serbia Singapore Slovakia Slovenia Somalia Spain Sudan Suriname Sweden \
    Switzerland Syria Taiwan Tajikistan Tanzania Thailand Tunisia Turkey Turkmenistan Uganda \
    Uruguay Uzbekistan Venezuela Vietnam Yemen Zambia Zimbabwe \
    Europe European Eurasia Asia Asian Africa African Americas";

/// The keys of [`WORLD_WORDS`].
static WORLD_KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut keys: Vec<String> = WORLD_WORDS
        .split_whitespace()
        .map(|w| key(&w.to_lowercase()))
        .collect();
    keys.sort();
    keys
});

/// Whether a word's key names a country or a region of the world.
fn place_word(key: &str) -> bool {
    COUNTRY_STEMS.iter().any(|s| s == stem(key))
        || WORLD_KEYS.binary_search_by(|k| k.as_str().cmp(key)).is_ok()
}

/// The stems of the keys of [`COUNTRY_WORDS`].
static COUNTRY_STEMS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut stems: Vec<String> = COUNTRY_WORDS
        .iter()
        .flat_map(|w| words(w))
        .map(|w| stem(&key(&w)).to_owned())
        .collect();
    stems.sort();
    stems.dedup();
    stems
});

/// Given names that are one name in Russian, Ukrainian and English
/// spellings (Алексей, Олексій, Alexei): a person is often written with the
/// form of the language of the text. The first of each row stands for the
/// rest.
const GIVEN_NAMES: &[&[&str]] = &[
    &[
        "aleksandr",
        "oleksandr",
        "alexander",
        "oleksander",
        "olexander",
        "alexandr",
    ],
    &[
        "aleksei", "oleksii", "oleksiy", "alexei", "alexey", "aleksey", "alexiy",
    ],
    &["vladimir", "volodymyr", "volodimir", "wladimir"],
    &["nikolai", "mykola", "nikolay", "nicolai", "mikola"],
    &["sergei", "serhii", "serhiy", "sergey", "sergiy"],
    &["andrei", "andrii", "andriy", "andrey"],
    &["yuri", "yurii", "yuriy", "iurii", "yury", "jurij"],
    &["dmitri", "dmytro", "dmitry", "dmitrii", "dmitriy"],
    &["pyotr", "petro", "petr", "piotr"],
    &["pavel", "pavlo"],
    &["mikhail", "mykhailo", "mykhaylo", "michail"],
    &["vasili", "vasyl", "vasily", "vasiliy", "vasilii"],
    &["grigori", "hryhorii", "hryhoriy", "grigory", "grigorii"],
    &["oleg", "oleh"],
    &["igor", "ihor"],
    &[
        "yevgeni", "yevhen", "evgeny", "evgenii", "yevgeny", "evgenij",
    ],
    &["anatoli", "anatolii", "anatoly", "anatoliy"],
    &["viktor", "victor"],
    &["fyodor", "fedir", "fedor"],
    &["kirill", "kyrylo"],
    &["yakov", "yakiv"],
    &["ilya", "illia", "ilia"],
    &["konstantin", "kostiantyn", "kostyantyn"],
    &["maksim", "maksym", "maxim"],
    &["vitali", "vitalii", "vitaliy", "vitaly"],
    &["valeri", "valerii", "valeriy", "valery"],
    &["vyacheslav", "viacheslav"],
    &["artyom", "artem"],
    &["denis", "denys"],
    &["bogdan", "bohdan"],
    &["elena", "olena", "yelena"],
    &["tatiana", "tetiana", "tatyana", "tetyana"],
    &["irina", "iryna"],
    &["galina", "halyna"],
    &["ekaterina", "kateryna", "yekaterina", "katerina"],
    &["maria", "mariia", "mariya"],
    &["yulia", "yuliia", "yuliya", "julia"],
    &["olga", "olha"],
    &["lyudmila", "liudmyla", "ludmila", "lyudmyla"],
    &["anna", "hanna", "ganna"],
    &["natalia", "nataliia", "natalya", "nataliya"],
];

/// The keys of [`GIVEN_NAMES`], each to the key of its row's first name.
static GIVEN_KEYS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    for row in GIVEN_NAMES {
        let canonical = spelled_key(row[0]);
        for name in row.iter() {
            map.insert(spelled_key(name), canonical.clone());
        }
    }
    map
});

/// Short and familiar forms of given names, each row a name and the forms
/// that stand for it: English (Bill for William, Ted for Edward or
/// Theodore) and Russian and Ukrainian (Саша for Александр, Вова for
/// Владимир), spelled in Latin letters as [`key`] reads them. A form may
/// stand for more than one name. Testimonies name people the way the
/// witness knew them.
const NICKNAMES: &[(&str, &[&str])] = &[
    ("william", &["bill", "billy", "will", "willy", "liam"]),
    ("robert", &["bob", "bobby", "rob", "robbie", "bert"]),
    ("richard", &["dick", "rick", "ricky", "rich"]),
    ("james", &["jim", "jimmy", "jamie"]),
    ("john", &["jack", "johnny"]),
    ("michael", &["mike", "mikey", "mick"]),
    ("thomas", &["tom", "tommy"]),
    ("anthony", &["tony"]),
    ("joseph", &["joe", "joey"]),
    ("edward", &["ed", "eddie", "ted", "ned"]),
    ("theodore", &["ted", "teddy", "theo"]),
    ("benjamin", &["ben", "benny", "bibi"]),
    ("barack", &["barry"]),
    ("charles", &["charlie", "chuck"]),
    ("christopher", &["chris"]),
    ("daniel", &["dan", "danny"]),
    ("david", &["dave"]),
    ("donald", &["don"]),
    ("elizabeth", &["liz", "lizzie", "beth", "betsy", "betty"]),
    ("margaret", &["maggie", "meg", "peggy"]),
    ("katherine", &["kate", "katie", "kathy"]),
    ("catherine", &["kate", "katie", "cathy"]),
    ("patricia", &["pat", "patty"]),
    ("patrick", &["pat", "paddy"]),
    ("steven", &["steve"]),
    ("stephen", &["steve"]),
    ("nicholas", &["nick"]),
    ("matthew", &["matt"]),
    ("samuel", &["sam"]),
    ("andrew", &["andy", "drew"]),
    ("gregory", &["greg"]),
    ("jonathan", &["jon"]),
    ("timothy", &["tim"]),
    ("lawrence", &["larry"]),
    ("gerald", &["gerry", "jerry"]),
    ("ronald", &["ron"]),
    ("frederick", &["fred"]),
    ("francis", &["frank"]),
    ("henry", &["harry", "hank"]),
    ("aleksandr", &["alex", "sasha", "sashko", "shura", "sanya"]),
    ("aleksandra", &["sasha", "shura"]),
    ("aleksei", &["lyosha", "alyosha", "lesha", "lyokha"]),
    ("vladimir", &["vova", "volodya", "vovan"]),
    ("nikolai", &["kolya"]),
    ("sergei", &["seryozha", "serezha", "seryoga"]),
    ("dmitri", &["dima", "mitya"]),
    ("mikhail", &["misha"]),
    ("pyotr", &["petya"]),
    ("pavel", &["pasha"]),
    ("yuri", &["yura"]),
    ("yevgeni", &["zhenya"]),
    ("yevgenia", &["zhenya"]),
    ("konstantin", &["kostya"]),
    ("viktor", &["vitya"]),
    ("anatoli", &["tolya", "tolik"]),
    ("fyodor", &["fedya"]),
    ("ivan", &["vanya"]),
    ("maksim", &["max", "maks"]),
    ("grigori", &["grisha"]),
    ("vasili", &["vasya"]),
    ("vyacheslav", &["slava"]),
    ("artyom", &["tyoma"]),
    ("yakov", &["yasha"]),
    ("stanislav", &["stas"]),
    ("elena", &["lena"]),
    ("tatiana", &["tanya"]),
    ("ekaterina", &["katya"]),
    ("maria", &["masha"]),
    ("natalia", &["natasha"]),
    ("olga", &["olya"]),
    ("galina", &["galya"]),
    ("lyudmila", &["lyuda", "mila"]),
    ("anna", &["anya"]),
    ("irina", &["ira"]),
    ("yulia", &["yulya"]),
    ("svetlana", &["sveta"]),
];

/// The keys of [`NICKNAMES`]: each short form's key to the keys of the
/// names it stands for.
static NICKNAME_KEYS: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (name, forms) in NICKNAMES {
        for form in forms.iter() {
            map.entry(key(form)).or_default().push(key(name));
        }
    }
    map
});

/// Whether one key is a short form of the name the other is.
fn nickname(a: &str, b: &str) -> bool {
    let stands_for = |short: &str, long: &str| {
        NICKNAME_KEYS
            .get(short)
            .is_some_and(|names| names.iter().any(|n| n == long))
    };
    stands_for(a, b) || stands_for(b, a)
}

/// What a short form of a given name costs in a comparison, in edits: one
/// letter's worth, as a short form is how the person was called, not how
/// the name is written.
const NICKNAME_EDITS: usize = 1;

/// Words of organizations' and places' names written short, as lower-case
/// Latin words read them ("Int'l" is "intl", "обл." is "obl"), with the
/// word they stand for.
const ABBREVIATED: &[(&str, &str)] = &[
    ("intl", "international"),
    ("natl", "national"),
    ("univ", "university"),
    ("assn", "association"),
    ("assoc", "association"),
    ("dept", "department"),
    ("govt", "government"),
    ("mgmt", "management"),
    ("mfg", "manufacturing"),
    ("bros", "brothers"),
    ("hldgs", "holdings"),
    ("svcs", "services"),
    ("obl", "oblast"),
];

/// Numbers written as words, as digits.
const NUMBER_WORDS: &[(&str, u32)] = &[
    ("one", 1),
    ("first", 1),
    ("two", 2),
    ("second", 2),
    ("three", 3),
    ("third", 3),
    ("four", 4),
    ("fourth", 4),
    ("five", 5),
    ("fifth", 5),
    ("six", 6),
    ("sixth", 6),
    ("seven", 7),
    ("seventh", 7),
    ("eight", 8),
    ("eighth", 8),
    ("nine", 9),
    ("ninth", 9),
    ("ten", 10),
    ("tenth", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fourty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
];

/// Number words and ordinals ("Forty-Four", "1st", "First") as digits, a
/// tens word and a units word together as one number.
fn numbers_as_digits(words: Vec<String>) -> Vec<String> {
    let value = |w: &str| -> Option<u32> {
        if let Some((_, n)) = NUMBER_WORDS.iter().find(|(word, _)| *word == w) {
            return Some(*n);
        }
        let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &w[digits.len()..];
        (!digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && matches!(suffix, "" | "st" | "nd" | "rd" | "th"))
        .then(|| digits.parse().ok())
        .flatten()
    };
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut previous_tens = false;
    for w in words {
        match value(&w) {
            Some(n) if previous_tens && n < 10 => {
                let last = out.pop().unwrap_or_default();
                let tens: u32 = last.parse().unwrap_or(0);
                out.push((tens + n).to_string());
                previous_tens = false;
            }
            Some(n) => {
                previous_tens = n >= 20 && n % 10 == 0 && n < 100;
                out.push(n.to_string());
            }
            None => {
                previous_tens = false;
                out.push(w);
            }
        }
    }
    out
}

/// Runs of single letters as one word: "A.B.C." is "abc", "G.m.b.H." is
/// "gmbh".
fn join_letters(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut run = String::new();
    let mut run_words = 0;
    let flush = |out: &mut Vec<String>, run: &mut String, run_words: &mut usize| {
        if !run.is_empty() {
            out.push(std::mem::take(run));
        }
        *run_words = 0;
    };
    for w in words {
        if w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            run.push_str(&w);
            run_words += 1;
        } else {
            flush(&mut out, &mut run, &mut run_words);
            out.push(w);
        }
    }
    flush(&mut out, &mut run, &mut run_words);
    out
}

/// Splits a name into lower-case Latin words: camel case apart
/// ("VladimirPutin"), apostrophes dropped inside a word (CHO'NG), any other
/// sign a break.
fn words(name: &str) -> Vec<String> {
    // Camel case apart ("VladimirPutin", "SiemensAG"), but not a single
    // capital ending a word ("GmbH").
    let chars: Vec<char> = name.chars().collect();
    let mut spaced = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let previous_lower = i > 0 && chars[i - 1].is_lowercase();
        let next_letter = chars.get(i + 1).is_some_and(|n| n.is_alphabetic());
        if c.is_uppercase() && previous_lower && next_letter {
            spaced.push(' ');
        }
        spaced.push(c);
    }
    let latin = deunicode::deunicode(&spaced.replace('&', " and ")).to_lowercase();
    let mut out = Vec::new();
    let mut word = String::new();
    for c in latin.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else if c == '\'' || c == '`' {
            // An apostrophe or a soft sign spelled as one: part of the word.
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out.into_iter().map(letters_for_digits).collect()
}

/// A digit between two letters read as the letter it stands in for
/// ("Ig0r Sech1n"), as OCR and deliberate misspelling write them; digits
/// elsewhere ("AR16", "2007") stay numbers.
fn letters_for_digits(word: String) -> String {
    let chars: Vec<char> = word.chars().collect();
    if !chars.iter().any(|c| c.is_ascii_digit()) {
        return word;
    }
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let between = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_ascii_alphabetic()
            && chars[i + 1].is_ascii_alphabetic();
        let letter = match c {
            '0' => 'o',
            '1' => 'i',
            '3' => 'e',
            '4' => 'a',
            '5' => 's',
            '7' => 't',
            '9' => 'g',
            _ => c,
        };
        out.push(if between { letter } else { c });
    }
    out
}

/// A word's key: its Latin spelling with the differences between
/// transliteration schemes and between common misspellings of one sound
/// removed, and a Russian, Ukrainian or English given name as the one name
/// it is ("Oleksii" and "Alexei" have one key).
pub fn key(word: &str) -> String {
    let word = ABBREVIATED
        .iter()
        .find(|(short, _)| *short == word)
        .map_or(word, |(_, long)| long);
    let spelled = spelled_key(word);
    match GIVEN_KEYS.get(&spelled) {
        Some(canonical) => canonical.clone(),
        None => spelled,
    }
}

/// What a word is searched by across scripts: its key without a case
/// ending, from any script ("Каскада", "Каскад" and "Cascade" all give
/// `kaskad`; "Олексій" and "Alexei" give one key). Empty when the word has
/// no letter or digit.
pub fn search_key(word: &str) -> String {
    words(word)
        .iter()
        .map(|w| stem(&key(w)).to_owned())
        .collect()
}

/// A word's key from its spelling alone, before given names are looked up.
fn spelled_key(word: &str) -> String {
    // A hard c is a k: "Cascade" and "Kaskad".
    let chars: Vec<char> = word.chars().collect();
    let mut s: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let next = chars.get(i + 1).copied();
            if c == 'c' && !matches!(next, Some('h' | 'e' | 'i' | 'y' | 'k')) {
                'k'
            } else {
                c
            }
        })
        .collect();
    for (from, to) in [
        ("shch", "sh"),
        ("sch", "sh"),
        ("tch", "ch"),
        ("dzh", "j"),
        ("kh", "h"),
        ("ph", "f"),
        ("th", "t"),
        ("ck", "k"),
        ("ch", "c"),
        ("ts", "c"),
        ("tz", "c"),
        ("zh", "j"),
        ("ou", "u"),
        ("x", "ks"),
        ("w", "v"),
        ("q", "k"),
        ("z", "s"),
        ("y", "i"),
        ("j", "i"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

/// Whether a character belongs to a script where one sign is a syllable or
/// a word.
fn syllabic(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF   // Hangul Jamo
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility ideographs
    )
}

/// Strips legal forms from either end of `raw`, as often as they come.
fn strip_legal_forms(raw: &mut Vec<(String, bool)>) -> Vec<LegalForm> {
    let mut found = Vec::new();
    let fits = |words: &[(String, bool)], form: &[String]| {
        words
            .iter()
            .zip(form)
            .all(|((w, _), f)| key(w) == *f || near_legal(w, f))
    };
    'strip: loop {
        for (form, class) in LEGAL_KEYS.iter() {
            let n = form.len();
            if raw.len() <= n {
                continue;
            }
            let at = if fits(&raw[raw.len() - n..], form) {
                raw.len() - n
            } else if fits(&raw[..n], form) {
                0
            } else {
                continue;
            };
            let words: Vec<String> = raw.drain(at..at + n).map(|(w, _)| w).collect();
            found.push(LegalForm {
                form: words.join(" "),
                class,
            });
            continue 'strip;
        }
        break;
    }
    found
}

impl Name {
    /// Reads a name of the given kind.
    pub fn parse(text: &str, kind: NameKind) -> Name {
        // Words with whether they stand in parentheses.
        let mut raw: Vec<(String, bool)> = Vec::new();
        let mut depth = 0usize;
        let mut piece = String::new();
        let flush = |piece: &mut String, inside: bool, raw: &mut Vec<(String, bool)>| {
            let words = numbers_as_digits(join_letters(words(piece)));
            raw.extend(words.into_iter().map(|w| (w, inside)));
            piece.clear();
        };
        for c in text.chars() {
            match c {
                '(' | '[' => {
                    flush(&mut piece, depth > 0, &mut raw);
                    depth += 1;
                }
                ')' | ']' => {
                    flush(&mut piece, depth > 0, &mut raw);
                    depth = depth.saturating_sub(1);
                }
                c => piece.push(c),
            }
        }
        flush(&mut piece, depth > 0, &mut raw);

        let legal_forms = if matches!(kind, NameKind::Organization | NameKind::Other) {
            strip_legal_forms(&mut raw)
        } else {
            Vec::new()
        };
        let cyrillic = text.chars().any(|c| ('\u{400}'..='\u{52f}').contains(&c));
        let abjad = text
            .chars()
            .any(|c| matches!(c as u32, 0x600..=0x6FF | 0x750..=0x77F));
        let organization = matches!(kind, NameKind::Organization | NameKind::Other);
        let mut words = Vec::with_capacity(raw.len());
        let mut after_bin = false;
        for (text, qualifier) in raw {
            let key = key(&text);
            let weak = WEAK.contains(&text.as_str());
            let lineage = after_bin && !weak;
            if !weak {
                after_bin = false;
            }
            if matches!(text.as_str(), "bin" | "ibn" | "ben" | "bint") {
                after_bin = true;
            }
            // A country named in an organization's name ("Russia's Defense
            // Ministry") may be left out of another spelling of it.
            let qualifier = qualifier || (organization && place_word(&key));
            let familiar = NICKNAME_KEYS.contains_key(&key);
            words.push(Word {
                text,
                key,
                weak,
                qualifier,
                lineage,
                cyrillic,
                abjad,
                familiar,
            });
        }
        // A name of nothing but particles ("Al", "De La") is a name.
        if words.iter().all(|w| w.weak) {
            for w in &mut words {
                w.weak = false;
            }
        }
        Name {
            written: text.trim().to_owned(),
            kind,
            words,
            legal_forms,
            syllabic: text.chars().filter(|c| syllabic(*c)).collect(),
        }
    }

    /// The keys a name is filed under to find candidates for comparison:
    /// the first three letters of each word's key that is not weak.
    pub fn blocking_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .words
            .iter()
            .filter(|w| !w.weak)
            .map(|w| w.key.chars().take(3).collect())
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }
}

/// A long legal form misspelled by a letter or two ("Aktiengeselschaft").
fn near_legal(word: &str, form: &str) -> bool {
    form.len() >= 8 && edits(&key(word), form) <= 2
}

/// Edit distance over characters: insertions, deletions, changes and
/// swaps of two neighbours ("Schloz" is one edit from "Scholz").
fn edits(a: &str, b: &str) -> usize {
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
fn vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// What an edit that only touches vowels costs in [`weighted_edits`]:
/// spellings of one name across scripts and languages differ mostly in
/// vowels (Dykyi and Dikiy, Narendra and Narender), and a changed consonant
/// changes a name more.
const VOWEL_EDIT: f64 = 0.5;

/// The shortest key from which vowel edits are discounted: in a short word
/// one vowel is a large part of the name (Tom and Tim).
const VOWEL_DISCOUNT_FROM: usize = 5;

/// [`edits`] with edits that only touch vowels costing [`VOWEL_EDIT`], when
/// the keys have the same consonants in the same order and are
/// [`VOWEL_DISCOUNT_FROM`] letters or more; the plain count otherwise. A
/// changed consonant is a changed name (Castro and Castillo), and then the
/// vowels count fully too.
fn weighted_edits(a: &str, b: &str) -> f64 {
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
const UNWRITTEN_VOWELS_EDITS: usize = 1;

/// Whether a word in Arabic letters and a word in another script have the
/// same consonants, of two or more: Arabic writes long vowels with the
/// letters that also stand for w and y (spelled v and i in keys), and has
/// no p or v (written b and f).
fn same_consonants(a: &Word, b: &Word) -> bool {
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

fn is_number(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
}

/// How two words compare: `Some(edits)` when they may be the same word
/// misspelled: numbers must be equal, an initial must start the other
/// word, two-letter words must be equal, and longer words may differ in at
/// most half the letters of the shorter. How many they differ in is
/// weighed later, over the whole name.
fn word_match(a: &Word, b: &Word) -> Option<usize> {
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

/// Case endings of Russian and Ukrainian nouns and adjectives, as keys
/// spell them, longest first.
const ENDINGS: &[&str] = &[
    "iami", "ogo", "ego", "omu", "emu", "imi", "ami", "oiu", "oi", "ei", "im", "om", "em", "ai",
    "ia", "iu", "ui", "ah", "ih", "a", "u", "e", "i", "o",
];

/// A key without its case ending, if what is left is three letters or more.
fn stem(key: &str) -> &str {
    ENDINGS
        .iter()
        .find_map(|ending| key.strip_suffix(ending).filter(|stem| stem.len() >= 3))
        .unwrap_or(key)
}

/// Every way a key may be a stem plus a case ending (the key itself
/// included): "aleksei" is "aleksei", "aleks" + "ei" or "alekse" + "i".
pub fn stems(key: &str) -> impl Iterator<Item = &str> {
    std::iter::once(key).chain(
        ENDINGS
            .iter()
            .filter_map(move |ending| key.strip_suffix(ending))
            .filter(|stem| stem.len() >= 3),
    )
}

/// Whether two words are one word in two cases: a stem in common once
/// their case endings are taken off.
fn inflected(a: &Word, b: &Word) -> bool {
    stems(&a.key).any(|sa| sa.len() >= 3 && stems(&b.key).any(|sb| sa == sb))
}

/// Where a word of `name` (on `side`) is the initials of a run of words of
/// `other`, replaces that run in `other` by one word that matches it. In an
/// organization's name the word may stand for two to six words, weak words
/// inside the run skipped ("PLA" for "People's Liberation Army"); in a
/// person's, for two or three given names before the surname ("JC" or
/// "J.-C." for "Jean-Claude").
fn expand_abbreviations(
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
fn join_runs(name: &mut Vec<Word>, other: &[Word], side: Side, reasons: &mut Vec<Reason>) {
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
const TRUNCATED_FROM: usize = 24;

/// What a name cut short at a field's width scores against the whole name.
const TRUNCATED_SCORE: f64 = 0.95;

/// Where one written name is the other cut short inside a word, as
/// registries and sanctions lists cut names at a field's width ("... JOINT
/// STOCK COMPAN"): the side cut short and what it lacks.
fn truncated(left: &str, right: &str) -> Option<(Side, String)> {
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
const EXTRA_WORD: f64 = 0.93;

/// What an extra patronymic ("Viktorovich") or father's name (after
/// "bin") leaves of the score: such names are often left out.
const PATRONYMIC: f64 = 0.98;

/// Whether a word reads as an East Slavic patronymic.
fn patronymic(word: &str) -> bool {
    [
        "ovich", "evich", "ovych", "evych", "ovna", "evna", "ivna", "ichna", "ogly", "oglu", "kyzy",
    ]
    .iter()
    .any(|suffix| word.len() > suffix.len() + 2 && word.ends_with(suffix))
}

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
