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
            "--from",
            "fixtures/demo/gcp",
            "--from",
            "fixtures/demo/azure",
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

/// The scale-out recipe: one `collect` per scope writes one shard, one `scan --from shards/` merges
/// them and runs every rule, with exactly the findings of one scan of the same inputs.
#[test]
fn shards_merge_into_the_findings_of_one_scan_and_keep_partial_collections_failing() {
    let shards = tempfile::tempdir().expect("tempdir");
    let scopes = [
        "fixtures/demo/aws/iam",
        "fixtures/demo/aws/eks",
        "fixtures/demo/aws/ec2",
        "fixtures/demo/aws/rolesanywhere",
        "fixtures/demo/k8s/prod",
        "fixtures/demo/k8s/analytics",
        "fixtures/demo/gcp/asset",
        "fixtures/demo/gcp/iam",
        "fixtures/demo/gcp/container",
        "fixtures/demo/k8s/payments-aks",
        "fixtures/demo/azure",
    ];
    for (i, scope) in scopes.iter().enumerate() {
        let out = shards.path().join(format!("shard-{i}.json"));
        let r = run(&["collect", "--from", scope, "--out", &out.to_string_lossy()]);
        assert_eq!(r.code, 0, "{scope}: {}", r.stderr);
    }
    let direct = scan_json(std::path::Path::new("fixtures/demo"));
    let merged = scan_json(shards.path());
    assert_eq!(merged["sources"].as_array().expect("sources").len(), scopes.len());
    assert_eq!(direct["findings"], merged["findings"], "N shards give the findings of one scan");

    // A shard whose collection was partial keeps the merged scan at exit 2.
    let partial = shards.path().join("shard-partial.json");
    let r = run(&[
        "collect",
        "--from",
        "fixtures/demo/aws/iam",
        "--from",
        "fixtures/nowhere",
        "--allow-partial",
        "--out",
        &partial.to_string_lossy(),
    ]);
    assert_eq!(r.code, 0, "--allow-partial writes the shard: {}", r.stderr);
    let r = run(&["scan", "--from", &shards.path().to_string_lossy(), "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.json()["sources"].to_string().contains("collected partially: fixtures/nowhere"), "{}", r.stdout);
    std::fs::remove_file(&partial).expect("remove");

    // A shard of another snapshot version is refused clearly, naming the file.
    let text = std::fs::read_to_string(shards.path().join("shard-0.json")).expect("read");
    std::fs::write(shards.path().join("shard-0.json"), text.replacen("\"wiscan_snapshot\": 1", "\"wiscan_snapshot\": 2", 1))
        .expect("write");
    let r = run(&["scan", "--from", &shards.path().to_string_lossy(), "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("shard-0.json") && r.stderr.contains("snapshot format 2 is not the one this wiscan reads (1)"),
        "{}",
        r.stderr
    );
}
