//! Every file of the committed fuzz corpora (`fuzz/corpus/<target>/`) run
//! through its target's checks: what once made a target fail, or reached
//! new code, stays a regression test on stable Rust in CI.

use std::path::Path;

/// A target's name (its corpus folder) and its checks.
type Target = (&'static str, fn(&[u8]));

#[test]
fn every_corpus_file_passes_its_targets_checks() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus");
    let targets: [Target; 15] = [
        ("bundle", casefile_fuzz_checks::bundle),
        ("case_key", casefile_fuzz_checks::case_key),
        ("entry", casefile_fuzz_checks::entry),
        ("extract", casefile_fuzz_checks::extract),
        ("html", casefile_fuzz_checks::html),
        ("judgement", casefile_fuzz_checks::judgement),
        ("member", casefile_fuzz_checks::member),
        ("note", casefile_fuzz_checks::note),
        ("proof", casefile_fuzz_checks::proof),
        ("record_action", casefile_fuzz_checks::record_action),
        ("sealed", casefile_fuzz_checks::sealed),
        ("telegram", casefile_fuzz_checks::telegram),
        ("text", casefile_fuzz_checks::text),
        ("warc", casefile_fuzz_checks::warc),
        ("witness", casefile_fuzz_checks::witness),
    ];
    let mut files = 0;
    for (name, check) in targets {
        let folder = corpora.join(name);
        let entries =
            std::fs::read_dir(&folder).unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
        let mut here = 0;
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(
                outcome.is_ok(),
                "{}: the {name} checks failed",
                path.display()
            );
            here += 1;
        }
        assert!(here > 0, "the {name} corpus is empty: is it intact?");
        files += here;
    }
    assert!(files >= 10);
}
