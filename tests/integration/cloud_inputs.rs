//! Every Google Cloud and Azure shape in `fixtures/inputs/` is read on its own, by its cloud's
//! reader, with the objects it holds; a bare `get-iam-policy` is refused with the way out, and
//! `az ad app credential reset` output (a secret and nothing else) is not read at all.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::common::{repo, run, scan_json};

/// Scans each file of `fixtures/inputs/DIR` alone (but `skip`): every one read in full by `provider`.
fn every_shape_is_read(dir: &str, provider: &str, skip: &[&str]) -> BTreeMap<String, Value> {
    let dir = repo().join("fixtures/inputs").join(dir);
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    let mut read: BTreeMap<String, Value> = BTreeMap::new();
    for path in entries {
        let name = path.file_name().expect("name").to_string_lossy().to_string();
        if name.ends_with(".md") || skip.contains(&name.as_str()) {
            continue;
        }
        let report = scan_json(&path);
        let source = &report["sources"][0];
        assert_eq!(source["status"], "ok", "{name}: {source}");
        assert_eq!(source["provider"], provider, "{name}: {source}");
        assert!(source["objects"].as_u64().unwrap_or(0) > 0, "{name} read nothing");
        read.insert(name, json!({"kind": source["kind"], "objects": source["objects"]}));
    }
    read
}

#[test]
fn every_az_and_graph_shape_is_read() {
    insta::assert_json_snapshot!("azure_inputs", every_shape_is_read("azure", "azure", &["ad-app-credential-reset.json"]));
    let reset = repo().join("fixtures/inputs/azure/ad-app-credential-reset.json");
    let r = run(&["scan", "--from", &reset.to_string_lossy(), "--format", "json"]);
    assert_eq!(r.code, 2, "a path that yields nothing is an error: {}", r.stderr);
    assert!(r.stderr.contains("not a recognised input"), "{}", r.stderr);
}

#[test]
fn every_gcloud_and_cloud_asset_shape_is_read() {
    insta::assert_json_snapshot!("gcp_inputs", every_shape_is_read("gcp", "gcp", &["bare-get-iam-policy.json"]));
    let dir = repo().join("fixtures/inputs/gcp");

    let bare = dir.join("bare-get-iam-policy.json");
    let r = run(&["scan", "--from", &bare.to_string_lossy()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("gcp-policy envelope") && r.stderr.contains("\"resource\""), "{}", r.stderr);
}
