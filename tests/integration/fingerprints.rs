//! Fingerprints key on logical identity, never on paths: the same estate read from another folder,
//! or with a cluster linked because its cloud description was added, fingerprints the same.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::{findings, run};

/// rule → resource → fingerprints, of `scan --from PATH...` run in `cwd`.
fn fingerprints(cwd: &Path, from: &[&str]) -> BTreeMap<String, Vec<String>> {
    let mut args = vec!["scan", "--format", "json", "--fail-on", "none"];
    for f in from {
        args.extend(["--from", f]);
    }
    let out = crate::common::wiscan().current_dir(cwd).args(&args).output().expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in findings(&report) {
        let key = format!("{} {}", f["rule_id"].as_str().unwrap_or(""), f["resource"]["id"].as_str().unwrap_or(""));
        map.entry(key).or_default().push(f["fingerprint"].as_str().unwrap_or("").to_string());
    }
    for v in map.values_mut() {
        v.sort();
    }
    map
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

#[test]
fn moving_the_estate_keeps_every_fingerprint() {
    let repo = crate::common::repo();
    let here = fingerprints(&repo, &["fixtures/demo"]);
    assert!(here.len() > 40, "the demo has findings: {}", here.len());

    let elsewhere = tempfile::tempdir().expect("tempdir");
    copy_dir(&repo.join("fixtures/demo"), &elsewhere.path().join("estates/acme"));
    let moved = fingerprints(elsewhere.path(), &["estates/acme"]);
    assert_eq!(here, moved, "fingerprints changed with the folder");

    let absolute = elsewhere.path().join("estates/acme").to_string_lossy().to_string();
    assert_eq!(here, fingerprints(&repo, &[&absolute]), "fingerprints changed with an absolute path");

    // An unlinked cluster (no cloud side) is keyed without its folder too.
    let unlinked_here = fingerprints(&repo, &["fixtures/demo/k8s/prod"]);
    let unlinked_moved = fingerprints(elsewhere.path(), &["estates/acme/k8s/prod"]);
    assert!(!unlinked_here.is_empty());
    assert_eq!(unlinked_here, unlinked_moved, "an unlinked cluster's fingerprints changed with the folder");
}

#[test]
fn linking_a_cluster_keeps_the_kubernetes_fingerprints() {
    let repo = crate::common::repo();
    // The cluster alone (unlinked), then with the AWS side whose trusts and description link it.
    let alone = fingerprints(&repo, &["fixtures/demo/k8s/prod"]);
    let linked = fingerprints(&repo, &["fixtures/demo/k8s/prod", "fixtures/demo/aws"]);
    let mut compared = 0;
    assert!(!alone.is_empty());
    for (key, prints) in &alone {
        let Some(after) = linked.get(key) else { continue };
        assert_eq!(prints, after, "{key}: fingerprint changed when the cluster was linked");
        compared += 1;
    }
    assert!(compared > 10, "most Kubernetes findings exist either way: {compared}");
    let report = run(&["scan", "--from", "fixtures/demo/k8s/prod", "--from", "fixtures/demo/aws", "--format", "json", "--fail-on", "none"]);
    let evidence = report.json()["findings"].to_string();
    assert!(evidence.contains("\"cluster\":\"prod\""), "the linked cluster is still shown as evidence");
}
