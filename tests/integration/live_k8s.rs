//! Live Kubernetes collection against the loopback fake API: parity with the offline scan of the
//! same objects, pagination, retries, partial collection, `--no-secrets`, and no leaks.

use std::path::Path;

use serde_json::Value;

use crate::common::wiscan;
use crate::fake_k8s::{FakeK8s, Fault};

const DEMO_CLUSTER: &str = "fixtures/demo/k8s/prod";

/// Every object of the demo cluster, read with wiscan's own readers.
fn demo_objects() -> Vec<Value> {
    let mut objects = Vec::new();
    let mut paths: Vec<_> =
        std::fs::read_dir(crate::common::repo().join(DEMO_CLUSTER)).expect("demo cluster").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("read");
        if text.trim_start().starts_with('{') {
            let list: Value = serde_json::from_str(&text).expect("json");
            objects.extend(list["items"].as_array().expect("a List").iter().cloned());
        } else {
            objects.extend(wiscan::sources::yaml::read_objects(&text).expect("yaml").into_iter().map(|o| o.value));
        }
    }
    objects
}

struct Live {
    code: i32,
    report: Value,
    stderr: String,
}

fn scan_live(fake: &FakeK8s, dir: &Path, extra: &[&str]) -> Live {
    let kubeconfig = fake.kubeconfig(dir);
    let mut cmd = wiscan();
    cmd.env("KUBECONFIG", &kubeconfig).env("HOME", dir).env("WISCAN_K8S_PAGE_SIZE", "7");
    cmd.args(["scan", "--kube-context", "fake", "--cluster", "prod=k8s/fake", "--format", "json"]).args(extra);
    let out = cmd.output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let report =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    Live { code: out.status.code().unwrap_or(-1), report, stderr: String::from_utf8_lossy(&out.stderr).to_string() }
}

#[test]
fn live_and_offline_scans_of_the_same_objects_agree() {
    let fake = FakeK8s::start(demo_objects());
    let dir = tempfile::tempdir().expect("tempdir");
    let live = scan_live(&fake, dir.path(), &["--fail-on", "none"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    let offline = crate::common::run(&[
        "scan",
        "--from",
        DEMO_CLUSTER,
        "--cluster",
        &format!("prod={DEMO_CLUSTER}"),
        "--format",
        "json",
        "--fail-on",
        "none",
    ])
    .json();
    let (l, o) = (crate::common::without_locations(&live.report), crate::common::without_locations(&offline));
    assert!(l.iter().any(|f| f["rule_id"] == "K8S003"), "the live scan reads Secrets");
    assert_eq!(l, o, "live and offline findings differ");
    let source = &live.report["sources"][0];
    assert_eq!((source["origin"].as_str(), source["status"].as_str()), (Some("k8s/fake"), Some("ok")));
    // Small pages: every list was followed through its continue tokens.
    let requests = fake.requests();
    assert!(requests.iter().any(|r| r.contains("continue=")), "{requests:?}");
    assert!(requests.iter().all(|r| r.contains("limit=7")), "{requests:?}");
}

#[test]
fn forbidden_secrets_make_a_visible_partial_scan() {
    let fake = FakeK8s::start(demo_objects());
    fake.fault(Fault { path_contains: "/secrets", status: 403, retry_after: None, count: 100, message: None });
    let dir = tempfile::tempdir().expect("tempdir");
    let live = scan_live(&fake, dir.path(), &["--fail-on", "none"]);
    assert_eq!(live.code, 2, "a partial collection fails closed");
    let source = &live.report["sources"][0];
    assert_eq!(source["status"], "partial");
    let errors = source["errors"].to_string();
    assert!(errors.contains("listing secrets: access denied (403"), "{errors}");
    assert!(live.stderr.contains("listing secrets: access denied"), "{}", live.stderr);
    assert!(live.report["findings"].as_array().expect("findings").iter().any(|f| f["rule_id"] == "K8S001"), "the rest is still scanned");
    assert_eq!(live.report["complete"], false);

    let allowed = scan_live(&fake, dir.path(), &["--fail-on", "none", "--allow-partial"]);
    assert_eq!(allowed.code, 0);
}

#[test]
fn throttling_and_server_errors_are_retried() {
    let fake = FakeK8s::start(demo_objects());
    fake.fault(Fault { path_contains: "/pods", status: 429, retry_after: Some(1), count: 2, message: None });
    fake.fault(Fault { path_contains: "/deployments", status: 500, retry_after: None, count: 1, message: None });
    let dir = tempfile::tempdir().expect("tempdir");
    let live = scan_live(&fake, dir.path(), &["--fail-on", "none"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert_eq!(live.report["sources"][0]["status"], "ok");
    let requests = fake.requests();
    let first_pods = requests.iter().filter(|r| r.starts_with("/api/v1/pods") && !r.contains("continue=")).count();
    assert_eq!(first_pods, 3, "two throttled answers, then success: {requests:?}");

    let failing = FakeK8s::start(demo_objects());
    failing.fault(Fault { path_contains: "/networkpolicies", status: 500, retry_after: None, count: 100, message: None });
    let live = scan_live(&failing, dir.path(), &["--fail-on", "none"]);
    assert_eq!(live.code, 2);
    assert!(live.report["sources"][0]["errors"].to_string().contains("listing networkpolicies: server error (500"));
}

#[test]
fn no_secrets_skips_secrets_and_configmap_contents() {
    let fake = FakeK8s::start(demo_objects());
    let dir = tempfile::tempdir().expect("tempdir");
    let live = scan_live(&fake, dir.path(), &["--fail-on", "none", "--no-secrets"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert!(!fake.requests().iter().any(|r| r.contains("/secrets")));
    let rules: Vec<&str> = live.report["findings"].as_array().expect("findings").iter().filter_map(|f| f["rule_id"].as_str()).collect();
    assert!(!rules.iter().any(|r| ["K8S004", "K8S005"].contains(r)) || !rules.is_empty());
    assert!(
        live.report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| !(f["rule_id"] == "K8S003" && f["resource"]["kind"] == "k8s:secret"))
    );
}

#[test]
fn bad_credentials_and_unknown_contexts_fail_closed() {
    let fake = FakeK8s::start(demo_objects());
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = fake.kubeconfig(dir.path());
    std::fs::write(&kubeconfig, std::fs::read_to_string(&kubeconfig).expect("read").replace("token: fake-token", "token: wrong"))
        .expect("write");
    let out =
        wiscan().env("KUBECONFIG", &kubeconfig).env("HOME", dir.path()).args(["scan", "--kube-context", "fake"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unauthorized (401"), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        wiscan().env("KUBECONFIG", &kubeconfig).env("HOME", dir.path()).args(["scan", "--kube-context", "nope"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kubeconfig context nope"));
}

#[test]
fn cilium_policies_are_read_live_and_missing_crds_are_not_errors() {
    let text =
        std::fs::read_to_string(crate::common::repo().join("fixtures/rules/K8S002/silent-cilium-egress-deny-imds.yaml")).expect("fixture");
    let objects: Vec<Value> = wiscan::sources::yaml::read_objects(&text).expect("yaml").into_iter().map(|o| o.value).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let with_policy = FakeK8s::start(objects.clone());
    // A cluster without Calico answers 404 for its API: skipped, not an error.
    with_policy.fault(Fault { path_contains: "/apis/projectcalico.org/", status: 404, retry_after: None, count: 100, message: None });
    let live = scan_live(&with_policy, dir.path(), &["--fail-on", "none"]);
    assert_eq!(live.code, 0, "{}", live.stderr);
    assert!(with_policy.requests().iter().any(|r| r.starts_with("/apis/projectcalico.org/")), "Calico's API was asked for");
    assert!(
        !live.report["findings"].as_array().expect("findings").iter().any(|f| f["rule_id"] == "K8S002"),
        "the Cilium egressDeny protects the namespace"
    );
    let without = FakeK8s::start(objects.into_iter().filter(|o| o["kind"] != "CiliumNetworkPolicy").collect());
    let live = scan_live(&without, dir.path(), &["--fail-on", "none"]);
    assert!(live.report["findings"].as_array().expect("findings").iter().any(|f| f["rule_id"] == "K8S002"));
}

/// Objects of one fixture file, read with wiscan's own readers.
fn fixture_objects(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("read");
    if text.trim_start().starts_with('{') {
        let doc: Value = serde_json::from_str(&text).expect("json");
        match doc["items"].as_array() {
            Some(items) => items.clone(),
            None => vec![doc],
        }
    } else {
        wiscan::sources::yaml::read_objects(&text).expect("yaml").into_iter().map(|o| o.value).collect()
    }
}

#[test]
fn every_kubernetes_rule_fixture_gives_the_same_findings_live() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut checked = 0;
    let kubernetes_rules: Vec<&str> =
        wiscan::rules::ALL.iter().filter(|r| r.meta().provider == wiscan::finding::Provider::K8s).map(|r| r.id()).collect();
    assert!(!kubernetes_rules.is_empty());
    for rule in kubernetes_rules {
        let mut files: Vec<_> = std::fs::read_dir(crate::common::repo().join("fixtures/rules").join(rule))
            .expect("fixtures")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json" || e == "yaml"))
            .collect();
        files.sort();
        for path in files {
            let fake = FakeK8s::start(fixture_objects(&path));
            let live = scan_live(&fake, dir.path(), &["--fail-on", "none", "--select", rule]);
            let relative = path.strip_prefix(crate::common::repo()).expect("in repo").to_string_lossy().to_string();
            let offline = crate::common::run(&[
                "scan",
                "--from",
                &relative,
                "--cluster",
                &format!("prod={relative}"),
                "--format",
                "json",
                "--fail-on",
                "none",
                "--select",
                rule,
            ])
            .json();
            assert_eq!(
                crate::common::without_locations(&live.report),
                crate::common::without_locations(&offline),
                "{relative}: live and offline differ"
            );
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} fixtures checked");
}

/// `wiscan map` reads live sources like `scan`: the demo cluster read live beside the demo AWS
/// account's files draws the same ways into the roles as the offline map of the same objects.
#[test]
fn the_map_of_a_live_cluster_matches_the_offline_map() {
    let fake = FakeK8s::start(demo_objects());
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = fake.kubeconfig(dir.path());
    let out = wiscan()
        .env("KUBECONFIG", &kubeconfig)
        .env("HOME", dir.path())
        .args(["map", "--kube-context", "fake", "--from", "fixtures/demo/aws", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let live: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let offline = crate::common::run(&["map", "--from", DEMO_CLUSTER, "--from", "fixtures/demo/aws", "--format", "json"]).json();
    // Edges into cloud identities, by labels (keys name the input: a context live, a folder offline).
    let ways_in = |doc: &Value| -> Vec<String> {
        let label = |id: &Value| -> String {
            doc["nodes"].as_array().expect("nodes").iter().find(|n| n["id"] == *id).map(|n| n["label"].to_string()).unwrap_or_default()
        };
        let mut edges: Vec<String> = doc["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .filter(|e| e["to"].as_str().is_some_and(|t| t.starts_with("aws:")))
            .map(|e| format!("{} -{}-> {} ({})", label(&e["from"]), e["kind"], label(&e["to"]), e["via"]))
            .collect();
        edges.sort();
        edges
    };
    let (l, o) = (ways_in(&live), ways_in(&offline));
    assert!(l.iter().any(|e| e.contains("\"irsa\"")), "{l:#?}");
    assert_eq!(l, o, "live and offline maps differ");
}
