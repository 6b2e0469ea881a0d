//! `casefile models` and what every command says about missing or damaged
//! model files. Nothing here reaches the network: the registry is made
//! unreachable by giving the binary no `python3` to run.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

mod common;

use std::path::Path;

use common::{code, json};

/// casefile with a fresh, empty home folder and no `CASEFILE_MODELS`, as
/// on a new machine, and no programs on its `PATH`.
fn fresh_machine(home: &Path) -> std::process::Command {
    let mut command = common::casefile();
    let bin = home.join("empty-bin");
    std::fs::create_dir_all(&bin).unwrap();
    command
        .env_remove("CASEFILE_MODELS")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", home)
        .env("PATH", bin);
    command
}

#[test]
fn status_lists_every_file_with_licence_and_pinned_hash() {
    let temp = tempfile::tempdir().unwrap();
    let output = common::casefile()
        .args(["models", "status", "--json"])
        .env("CASEFILE_MODELS", temp.path())
        .output()
        .unwrap();
    assert_eq!(code(&output), 1, "missing files exit 1");
    let status = json(&output);
    assert_eq!(status["folder_from"], "CASEFILE_MODELS");
    assert_eq!(status["package"]["name"], "natasha");
    let files = status["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for file in files {
        assert_eq!(file["state"], "missing");
        assert_eq!(file["file"]["licence"], "MIT");
        assert_eq!(file["file"]["sha256"].as_str().unwrap().len(), 64);
        assert!(!file["file"]["used_by"].as_str().unwrap().is_empty());
    }
}

#[test]
fn the_default_folder_is_in_the_platform_data_folder() {
    let temp = tempfile::tempdir().unwrap();
    let output = fresh_machine(temp.path())
        .args(["models", "status", "--json"])
        .output()
        .unwrap();
    let status = json(&output);
    assert_eq!(status["folder_from"], "data folder");
    assert_eq!(
        status["folder"].as_str().unwrap(),
        temp.path()
            .join(".local/share/casefile/models")
            .to_str()
            .unwrap()
    );
}

#[test]
fn a_damaged_model_file_is_refused_with_a_clear_message() {
    let temp = tempfile::tempdir().unwrap();
    let models = temp.path().join("models");
    std::fs::create_dir(&models).unwrap();
    std::fs::write(
        models.join("slovnet_ner_news_v1.tar"),
        b"replaced by someone",
    )
    .unwrap();
    let status = common::casefile()
        .args(["models", "status", "--json"])
        .env("CASEFILE_MODELS", &models)
        .output()
        .unwrap();
    assert_eq!(code(&status), 3, "a damaged file exits 3");
    assert_eq!(json(&status)["files"][0]["state"], "corrupted");

    std::fs::write(
        temp.path().join("post.txt"),
        "Командир Олег Маликов обещал амнистию через полгода.\n",
    )
    .unwrap();
    let extract = common::casefile()
        .args(["extract", "post.txt"])
        .current_dir(temp.path())
        .env("CASEFILE_MODELS", &models)
        .output()
        .unwrap();
    assert_eq!(code(&extract), 0);
    let stderr = String::from_utf8_lossy(&extract.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "said once: {stderr}");
    for said in [
        "slovnet_ner_news_v1.tar is not the pinned",
        "it is not used",
        "names in Russian and Ukrainian text are not found",
        "casefile models install",
    ] {
        assert!(warnings[0].contains(said), "{said}: {stderr}");
    }
}

#[test]
fn models_install_from_a_folder_checks_and_copies_them() {
    let Some(ner) = casefile_testkit::model_path("slovnet_ner_news_v1.tar") else {
        return;
    };
    let installed = ner.parent().unwrap();
    let temp = tempfile::tempdir().unwrap();
    let target = temp.path().join("models");
    let output = common::casefile()
        .args(["models", "install", "--json", "--from"])
        .arg(installed)
        .env("CASEFILE_MODELS", &target)
        .output()
        .unwrap();
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(json(&output)["written"].as_array().unwrap().len(), 3);
    let status = common::casefile()
        .args(["models", "status"])
        .env("CASEFILE_MODELS", &target)
        .output()
        .unwrap();
    assert_eq!(code(&status), 0);
    let text = String::from_utf8_lossy(&status.stdout);
    assert_eq!(text.matches(": installed").count(), 3, "{text}");
}

#[test]
fn models_install_from_something_else_says_what_it_wants() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(temp.path().join("photo.jpg"), [0xff, 0xd8, 0xff, 0xe0]).unwrap();
    let output = common::casefile()
        .args(["models", "install", "--from", "photo.jpg"])
        .current_dir(temp.path())
        .env("CASEFILE_MODELS", temp.path().join("models"))
        .output()
        .unwrap();
    assert_eq!(code(&output), 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("photo.jpg: not a wheel")
            && stderr.contains("natasha-1.6.0-py3-none-any.whl"),
        "{stderr}"
    );
    assert!(!temp.path().join("models").exists());
}

#[test]
fn the_demo_on_a_fresh_machine_without_the_registry_says_what_is_missing_and_the_fix() {
    let temp = tempfile::tempdir().unwrap();
    let output = fresh_machine(temp.path())
        .args(["demo", "--json"])
        .current_dir(temp.path())
        .output()
        .unwrap();
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    for said in [
        "installing the model files for Russian and Ukrainian names first",
        "the models could not be installed",
        "are not installed in",
        "names in Russian and Ukrainian text are not found",
        "casefile models install --from natasha-1.6.0-py3-none-any.whl",
    ] {
        assert!(stderr.contains(said), "{said}:\n{stderr}");
    }
    // It still runs the whole path.
    let report = json(&output);
    assert_eq!(report["verify"]["ok"], true);
}
