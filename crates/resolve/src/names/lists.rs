//! The word lists names are read with: titles and particles, legal forms,
//! countries and regions, given names across scripts, short forms,
//! abbreviations and number words.

use super::*;

/// Titles and particles: they may be missing from one spelling of a name.
pub(super) const WEAK: &[&str] = &[
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
pub(super) const LEGAL_FORMS: &[(&str, &[&str])] = &[
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
pub(super) const GENERIC: &str = "generic";

/// The legal forms as word keys with their class, longest first, so that
/// "Open Joint Stock Company" is tried before "Joint Stock Company".
pub(super) static LEGAL_KEYS: LazyLock<Vec<(Vec<String>, &'static str)>> = LazyLock::new(|| {
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
pub(super) const COUNTRY_WORDS: &[&str] = &[
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
pub(super) const WORLD_WORDS: &str = "Afghanistan Albania Algeria Andorra Angola Argentina Armenia \
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
pub(super) static WORLD_KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut keys: Vec<String> = WORLD_WORDS
        .split_whitespace()
        .map(|w| key(&w.to_lowercase()))
        .collect();
    keys.sort();
    keys
});

/// Whether a word's key names a country or a region of the world.
pub(super) fn place_word(key: &str) -> bool {
    COUNTRY_STEMS.iter().any(|s| s == stem(key))
        || WORLD_KEYS.binary_search_by(|k| k.as_str().cmp(key)).is_ok()
}

/// The stems of the keys of [`COUNTRY_WORDS`].
pub(super) static COUNTRY_STEMS: LazyLock<Vec<String>> = LazyLock::new(|| {
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
pub(super) const GIVEN_NAMES: &[&[&str]] = &[
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
pub(super) static GIVEN_KEYS: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
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
pub(super) const NICKNAMES: &[(&str, &[&str])] = &[
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
pub(super) static NICKNAME_KEYS: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (name, forms) in NICKNAMES {
        for form in forms.iter() {
            map.entry(key(form)).or_default().push(key(name));
        }
    }
    map
});

/// Whether one key is a short form of the name the other is.
pub(super) fn nickname(a: &str, b: &str) -> bool {
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
pub(super) const NICKNAME_EDITS: usize = 1;

/// Words of organizations' and places' names written short, as lower-case
/// Latin words read them ("Int'l" is "intl", "обл." is "obl"), with the
/// word they stand for.
pub(super) const ABBREVIATED: &[(&str, &str)] = &[
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
pub(super) const NUMBER_WORDS: &[(&str, u32)] = &[
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
