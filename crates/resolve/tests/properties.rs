//! Properties of name comparison that hold for any input.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use casefile_resolve::names::{NameKind, compare_names};
use proptest::prelude::*;

fn kind() -> impl Strategy<Value = NameKind> {
    prop_oneof![
        Just(NameKind::Person),
        Just(NameKind::Organization),
        Just(NameKind::Place),
        Just(NameKind::Other),
    ]
}

/// Names as people write them: words of Latin or Cyrillic letters, maybe a
/// comma, a hyphen, a digit or an initial.
fn name() -> impl Strategy<Value = String> {
    "([A-Z][a-z]{1,9}|[А-Я][а-я]{1,9}|[A-Z]\\.|[0-9]{1,3})([ ,-]([A-Z][a-z]{1,9}|[А-Я][а-я]{1,9}|[A-Z]\\.)){0,3}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text, however odd, is compared without a panic, to a score
    /// between 0 and 1 that agrees with the verdict.
    #[test]
    fn any_text_compares(a in "\\PC{0,40}", b in "\\PC{0,40}", kind in kind()) {
        let c = compare_names(&a, &b, kind);
        prop_assert!((0.0..=1.0).contains(&c.score));
        prop_assert_eq!(c.same, c.score >= casefile_resolve::names::THRESHOLD);
    }

    /// A name is the same as itself.
    #[test]
    fn a_name_is_itself(a in name(), kind in kind()) {
        let c = compare_names(&a, &a, kind);
        prop_assert!(c.same, "{a:?}: {c:?}");
        prop_assert_eq!(c.score, 1.0);
    }

    /// The order of the two names does not change the verdict.
    #[test]
    fn order_does_not_matter(a in name(), b in name(), kind in kind()) {
        let ab = compare_names(&a, &b, kind);
        let ba = compare_names(&b, &a, kind);
        prop_assert_eq!(ab.same, ba.same, "{:?} / {:?}", a, b);
    }
}
