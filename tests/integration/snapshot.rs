//! `collect --out` then `scan --from snapshot` gives exactly the findings of the direct scan,
//! including when several snapshots are merged.

use crate::common::{run, scan_json};

#[test]
fn snapshot_round_trip_gives_the_same_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("demo.snapshot.json");
    let r = run(&["collect", "--from", "fixtures/demo", "--out", &snap.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let direct = scan_json(std::path::Path::new("fixtures/demo"));
    let from_snapshot = scan_json(&snap);
    assert_eq!(direct["findings"], from_snapshot["findings"]);

    // One snapshot per part of the estate, merged at scan time: the correlation still sees everything.
    let iam = dir.path().join("iam.json");
    let rest = dir.path().join("rest.json");
    assert_eq!(run(&["collect", "--from", "fixtures/demo/aws/iam", "--out", &iam.to_string_lossy()]).code, 0);
    assert_eq!(
        run(&[
            "collect",
            "--from",
            "fixtures/demo/aws/eks",
            "--from",
            "fixtures/demo/aws/ec2",
            "--from",
            "fixtures/demo/aws/rolesanywhere",
            "--from",
            "fixtures/demo/k8s",
            "--out",
            &rest.to_string_lossy()
        ])
        .code,
        0
    );
    let merged =
        run(&["scan", "--from", &iam.to_string_lossy(), "--from", &rest.to_string_lossy(), "--format", "json", "--fail-on", "none"]).json();
    assert_eq!(direct["findings"], merged["findings"]);
}

#[test]
fn a_snapshot_of_another_format_version_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("future.json");
    std::fs::write(&snap, r#"{"wiscan_snapshot": 99, "tool": {"name": "wiscan", "version": "9"}, "inventory": {}}"#).expect("write");
    let r = run(&["scan", "--from", &snap.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("snapshot format 99"), "{}", r.stderr);
}
