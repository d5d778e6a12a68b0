//! Azure, live, against the loopback fake of ARM, Microsoft Graph and the managed identity token
//! endpoint (`fake_azure.rs`), with `azure_identity`'s managed identity credential (App Service
//! flavour: `IDENTITY_ENDPOINT`, never the IMDS address) and `azure_core`'s pipeline.

use std::path::Path;

use serde_json::{Value, json};

use crate::common::{Run, repo, scan_json, wiscan};
use crate::fake_azure::{FakeAzure, Fault, IDENTITY_HEADER, demo_as_apis};

fn live(fake: &FakeAzure, dir: &Path, args: &[&str]) -> Run {
    let output = wiscan()
        .env("IDENTITY_ENDPOINT", format!("{}/msi/token", fake.url))
        .env("IDENTITY_HEADER", IDENTITY_HEADER)
        .env("WISCAN_AZURE_ARM_ENDPOINT", &fake.url)
        .env("WISCAN_AZURE_GRAPH_ENDPOINT", &fake.url)
        .env("HOME", dir)
        .env("PATH", "/nonexistent")
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn azure_findings(report: &Value) -> Vec<Value> {
    let mut findings: Vec<Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["provider"] == "azure")
        .map(|f| json!({"rule": f["rule_id"], "severity": f["severity"], "resource": f["resource"], "message": f["message"], "evidence": f["evidence"], "fingerprint": f["fingerprint"]}))
        .collect();
    findings.sort_by_key(|f| f.to_string());
    findings
}

#[test]
fn live_collection_gives_the_offline_findings_through_throttling() {
    let fake = FakeAzure::start(demo_as_apis(&repo().join("fixtures/demo/azure")));
    let dir = tempfile::tempdir().expect("tempdir");
    fake.fault(Fault {
        path_contains: "/roleAssignments",
        status: 429,
        retry_after: Some(0),
        count: 1,
        message: Some("Too many requests.".into()),
    });
    fake.fault(Fault { path_contains: "/beta/applications", status: 503, retry_after: None, count: 1, message: None });
    let r = live(&fake, dir.path(), &["scan", "--azure", "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let sources = report["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2, "{sources:?}");
    for source in sources {
        assert_eq!(source["status"], "ok", "{source}");
        assert!(source["calls"].as_u64().unwrap_or(0) >= 2, "{source}");
    }
    let requests = fake.requests();
    assert!(requests.iter().any(|r| r.contains("/subscriptions") && !r.contains("/providers")), "subscriptions were listed: {requests:?}");
    assert!(
        requests.iter().filter(|r| r.contains("/beta/applications")).count() >= 3,
        "every page, the failed attempt again: {requests:?}"
    );
    let offline = scan_json(&repo().join("fixtures/demo/azure"));
    let (live_findings, offline_findings) = (azure_findings(&report), azure_findings(&offline));
    assert!(live_findings.len() >= 7, "{live_findings:#?}");
    assert_eq!(live_findings, offline_findings, "the same data live and offline gives the same findings");
}

#[test]
fn denied_calls_leave_the_source_partial_and_exit_2_without_leaking() {
    let fake = FakeAzure::start(demo_as_apis(&repo().join("fixtures/demo/azure")));
    let dir = tempfile::tempdir().expect("tempdir");
    let planted = "Zt38Q~wiscanAZURElivePlantXk9bLq_PzD7sN";
    let message = format!(
        "The client 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' with object id 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/read' over scope '/subscriptions/x' or the scope is invalid. {planted}"
    );
    fake.fault(Fault { path_contains: "/roleAssignments", status: 403, retry_after: None, count: 100, message: Some(message) });
    fake.fault(Fault {
        path_contains: "/servicePrincipals",
        status: 403,
        retry_after: None,
        count: 100,
        message: Some("Insufficient privileges to complete the operation.".into()),
    });
    let r = live(&fake, dir.path(), &["-vv", "scan", "--azure", "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    let sources = report["sources"].as_array().expect("sources");
    let arm = sources.iter().find(|s| s["origin"] == "azure/subscriptions/*").expect("ARM source");
    assert_eq!(arm["status"], "partial", "{arm}");
    assert!(arm["errors"][0].as_str().is_some_and(|e| e.contains("403 AuthorizationFailed")), "{arm}");
    let graph = sources.iter().find(|s| s["origin"] == "azure/graph").expect("Graph source");
    assert_eq!(graph["status"], "partial", "{graph}");
    assert!(graph["errors"][0].as_str().is_some_and(|e| e.contains("Authorization_RequestDenied")), "{graph}");
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains(planted) && !text.contains("wiscanAZURElivePlant"), "an error body leaked:\n{text}");
    }
    let r = live(
        &fake,
        dir.path(),
        &["scan", "--azure-subscription", "c3f1a8e2-5d49-4b7c-8e06-1a9d4f2b7c58", "--allow-partial", "--fail-on", "none"],
    );
    assert_eq!(r.code, 0, "--allow-partial tolerates it: {}", r.stderr);
}

#[test]
fn without_credentials_both_sources_fail_loudly() {
    let fake = FakeAzure::start(demo_as_apis(&repo().join("fixtures/demo/azure")));
    let dir = tempfile::tempdir().expect("tempdir");
    let output = wiscan()
        .env("IDENTITY_ENDPOINT", format!("{}/msi/token", fake.url))
        .env("IDENTITY_HEADER", "not-the-header")
        .env("WISCAN_AZURE_ARM_ENDPOINT", &fake.url)
        .env("WISCAN_AZURE_GRAPH_ENDPOINT", &fake.url)
        .env("HOME", dir.path())
        .env("PATH", "/nonexistent")
        .args(["scan", "--azure", "--format", "json", "--timeout", "20"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    for source in report["sources"].as_array().expect("sources") {
        assert_eq!(source["status"], "error", "{source}");
        assert!(source["errors"][0].as_str().is_some_and(|e| e.contains("no Azure credentials")), "{source}");
    }
    assert!(!fake.requests().iter().any(|r| r.contains("/subscriptions")), "nothing is read without a token");
}
