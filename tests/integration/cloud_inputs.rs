//! Every Google Cloud shape in `fixtures/inputs/gcp/` is read on its own, by the Google Cloud
//! reader, with the objects it holds; a bare `get-iam-policy` is refused with the way out.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::common::{repo, run, scan_json};

#[test]
fn every_gcloud_and_cloud_asset_shape_is_read() {
    let dir = repo().join("fixtures/inputs/gcp");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    let mut read: BTreeMap<String, Value> = BTreeMap::new();
    for path in entries {
        let name = path.file_name().expect("name").to_string_lossy().to_string();
        if name.ends_with(".md") || name.starts_with("bare-") {
            continue;
        }
        let report = scan_json(&path);
        let source = &report["sources"][0];
        assert_eq!(source["status"], "ok", "{name}: {source}");
        assert_eq!(source["provider"], "gcp", "{name}: {source}");
        assert!(source["objects"].as_u64().unwrap_or(0) > 0, "{name} read nothing");
        read.insert(name, json!({"kind": source["kind"], "objects": source["objects"]}));
    }
    insta::assert_json_snapshot!("gcp_inputs", read);

    let bare = dir.join("bare-get-iam-policy.json");
    let r = run(&["scan", "--from", &bare.to_string_lossy()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("gcp-policy envelope") && r.stderr.contains("\"resource\""), "{}", r.stderr);
}
