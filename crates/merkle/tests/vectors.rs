//! Every probe in `../shared/data/merkle-vectors/` (RFC 6962 / 9162 and
//! subtree proof vectors): accepted where `wantErr` is absent or false,
//! rejected where it is true. Hash lengths are checked when the probe is
//! parsed, before any algorithm runs.

#![allow(
    clippy::unwrap_used,
    reason = "a test states its expectations with unwrap"
)]

use std::path::{Path, PathBuf};

use base64::Engine as _;
use casefile_merkle::Hash;
use casefile_merkle::raw::{
    verify_consistency, verify_inclusion, verify_subtree_consistency, verify_subtree_inclusion,
};
use serde_json::Value;

fn probes(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn hash(value: &Value) -> Result<Vec<u8>, String> {
    let text = value.as_str().ok_or("hash is not a string")?;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| e.to_string())
}

fn proof(value: &Value) -> Result<Vec<Vec<u8>>, String> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items.iter().map(hash).collect(),
        _ => Err("proof is not a list".into()),
    }
}

fn number(probe: &Value, key: &str) -> Result<u64, String> {
    probe[key].as_u64().ok_or(format!("{key} missing"))
}

/// Runs one probe; `Ok` means the verifier accepted it.
fn run(kind: &str, probe: &Value) -> Result<(), String> {
    match kind {
        "inclusion" => verify_inclusion(
            number(probe, "leafIdx")?,
            number(probe, "treeSize")?,
            &hash(&probe["leafHash"])?,
            &proof(&probe["proof"])?,
            &hash(&probe["root"])?,
        )
        .map_err(|e| e.to_string()),
        "consistency" => verify_consistency(
            number(probe, "size1")?,
            number(probe, "size2")?,
            &proof(&probe["proof"])?,
            &hash(&probe["root1"])?,
            &hash(&probe["root2"])?,
        )
        .map_err(|e| e.to_string()),
        "subtreeinclusion" => verify_subtree_inclusion(
            number(probe, "leafIdx")?,
            number(probe, "start")?,
            number(probe, "end")?,
            &hash(&probe["leafHash"])?,
            &proof(&probe["proof"])?,
            &hash(&probe["root"])?,
        )
        .map_err(|e| e.to_string()),
        "subtreeconsistency" => verify_subtree_consistency(
            number(probe, "start")?,
            number(probe, "end")?,
            number(probe, "size")?,
            &proof(&probe["proof"])?,
            &hash(&probe["root1"])?,
            &hash(&probe["root2"])?,
        )
        .map_err(|e| e.to_string()),
        other => Err(format!("unknown probe kind {other}")),
    }
}

#[test]
fn every_probe_is_judged_as_published() {
    let Some(root) = casefile_testkit::shared_path("data/merkle-vectors") else {
        return;
    };
    let mut failures = Vec::new();
    let mut counted = 0;
    for kind in [
        "inclusion",
        "consistency",
        "subtreeinclusion",
        "subtreeconsistency",
    ] {
        let files = probes(&root.join(kind));
        assert!(!files.is_empty(), "no probes under {kind}");
        for path in files {
            let probe: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let want_err = probe["wantErr"].as_bool().unwrap_or(false);
            let outcome = run(kind, &probe);
            counted += 1;
            match (want_err, &outcome) {
                (false, Err(why)) => failures.push(format!("{}: rejected: {why}", path.display())),
                (true, Ok(())) => failures.push(format!("{}: accepted", path.display())),
                _ => {}
            }
        }
    }
    assert!(counted > 500, "only {counted} probes found");
    assert!(
        failures.is_empty(),
        "{} of {counted} probes misjudged:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The RFC 6962 eight-leaf test tree gives the published roots for sizes 0 to 8.
#[test]
fn rfc6962_test_tree_roots() {
    let leaves: [&[u8]; 8] = [
        b"",
        &[0x00],
        &[0x10],
        &[0x20, 0x21],
        &[0x30, 0x31],
        &[0x40, 0x41, 0x42, 0x43],
        &[0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        &[
            0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d,
            0x6e, 0x6f,
        ],
    ];
    // Published in RFC 6962's reference test data (also in Go's and
    // transparency-dev's test suites).
    let expected = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    let mut stored: Vec<Hash> = Vec::new();
    for (n, leaf) in leaves.iter().enumerate() {
        let new = casefile_merkle::stored_hashes_for_leaf(
            n as u64,
            casefile_merkle::leaf_hash(leaf),
            &stored,
        )
        .unwrap();
        stored.extend(new);
    }
    for (size, want) in expected.iter().enumerate() {
        let root = casefile_merkle::tree_hash(size as u64, &stored).unwrap();
        assert_eq!(root.to_hex(), *want, "size {size}");
    }
}
