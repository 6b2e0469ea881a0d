//! The JSON API against its own OpenAPI document: schemathesis (from PyPI,
//! installed by .ci/run) generates requests from `/api/openapi.json`, valid
//! and invalid, and checks every answer against the document (no server
//! error, only documented statuses and content types, valid requests
//! accepted and invalid ones refused). A script's API token signs in.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use common::web::{account, serve};
use common::{json, ok};

#[test]
fn the_api_answers_as_its_openapi_document_says() {
    let Some(seed) = common::seed_report() else {
        return;
    };
    let schemathesis = || {
        let mut command = std::process::Command::new("python3");
        command.args(["-m", "schemathesis.cli"]);
        command
    };
    let found = schemathesis()
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !casefile_testkit::in_ci(),
            "schemathesis is missing in CI: .ci/run installs it from PyPI"
        );
        casefile_testkit::skipped("schemathesis is not installed (pip install schemathesis)");
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("case");
    std::fs::create_dir(&root).unwrap();
    ok(&["init", "--origin", "casefile/schemathesis"], &root);
    ok(&["add", seed.to_str().unwrap(), "--kind", "news"], &root);
    account(&root, "script", "admin", true);
    let token = json(&ok(&["web-account", "token", "script", "--json"], &root))["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_server, port) = serve(&root, &[]);
    let run = schemathesis()
        .args([
            "run",
            &format!("http://127.0.0.1:{port}/api/openapi.json"),
            "--header",
            &format!("Authorization: Bearer {token}"),
            "--max-examples",
            "25",
            "--seed",
            "20261207",
            "--no-color",
        ])
        .env("SCHEMATHESIS_HOOKS", "")
        .current_dir(temp.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "schemathesis found failures:\n{said}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
}
