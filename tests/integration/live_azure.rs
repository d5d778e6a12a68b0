//! Azure, live, against the loopback fake of ARM, Microsoft Graph and the managed identity token
//! endpoint (`fake_azure.rs`), with `azure_identity`'s managed identity credential (App Service
//! flavour: `IDENTITY_ENDPOINT`, never the IMDS address) and `azure_core`'s pipeline.

use std::path::Path;

use serde_json::Value;

use crate::common::{Run, provider_findings, repo, scan_json, wiscan};
use crate::fake_azure::{AzureData, FakeAzure, Fault, IDENTITY_HEADER, add_file, demo_as_apis};

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
    let (live_findings, offline_findings) = (provider_findings(&report, "azure"), provider_findings(&offline, "azure"));
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

/// Every AZ rule fixture, served by the fake as ARM and Graph would (Kubernetes files beside them
/// read with `--from`), gives the findings of the offline scan of the same files. Fixtures of
/// `az ad app federated-credential list` (which names no application), and credentials listed
/// without their managed identity, cannot be served so: ARM reaches credentials through identities.
#[test]
fn every_azure_rule_fixture_gives_the_same_findings_live() {
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for rule in wiscan::rules::ALL.iter().filter(|r| r.id().starts_with("AZ")) {
        let dir = repo().join("fixtures/rules").join(rule.id());
        let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()).collect();
        entries.sort();
        'entries: for entry in entries.into_iter().filter(|p| p.extension().is_none_or(|e| e != "md")) {
            let mut files: Vec<std::path::PathBuf> = if entry.is_dir() {
                std::fs::read_dir(&entry).expect("dir").map(|e| e.expect("entry").path()).collect()
            } else {
                vec![entry.clone()]
            };
            files.sort();
            let mut data = AzureData::default();
            let mut kubernetes = Vec::new();
            for file in &files {
                let text = std::fs::read_to_string(file).expect("read");
                if text.contains("\"apiVersion\"") || text.contains("apiVersion:") {
                    kubernetes.push(file.to_string_lossy().to_string());
                } else if !add_file(&mut data, &text) {
                    continue 'entries;
                }
            }
            if !data.serves_every_credential() {
                continue;
            }
            let fake = FakeAzure::start(data);
            let tmp = tempfile::tempdir().expect("tempdir");
            let mut args = vec!["scan", "--azure", "--format", "json", "--fail-on", "none"];
            for k in &kubernetes {
                args.extend(["--from", k.as_str()]);
            }
            let r = live(&fake, tmp.path(), &args);
            assert_eq!(r.code, 0, "{}: {}", entry.display(), r.stderr);
            let of_rule = |report: &Value| -> Vec<Value> {
                provider_findings(report, "azure").into_iter().filter(|f| f["rule"] == rule.id()).collect()
            };
            let (live_findings, offline_findings) = (of_rule(&r.json()), of_rule(&scan_json(&entry)));
            if live_findings != offline_findings {
                mismatches.push(format!("{}:\n live {live_findings:#?}\n offline {offline_findings:#?}", entry.display()));
            }
            checked += 1;
        }
    }
    assert!(checked >= 25, "{checked} fixtures");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn a_named_tenant_names_the_graph_source() {
    let fake = FakeAzure::start(demo_as_apis(&repo().join("fixtures/demo/azure")));
    let dir = tempfile::tempdir().expect("tempdir");
    let tenant = "8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19";
    let r = live(&fake, dir.path(), &["scan", "--azure-tenant", tenant, "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let origins: Vec<String> =
        r.json()["sources"].as_array().expect("sources").iter().map(|s| s["origin"].as_str().expect("origin").to_string()).collect();
    assert_eq!(origins, vec!["azure/subscriptions/*".to_string(), format!("azure/graph/{tenant}")]);
}

#[test]
fn a_stalled_api_fails_its_source_at_the_deadline() {
    let fake = FakeAzure::start(demo_as_apis(&repo().join("fixtures/demo/azure")));
    let dir = tempfile::tempdir().expect("tempdir");
    fake.fault(Fault { path_contains: "/beta/applications", status: 0, retry_after: None, count: 10, message: None });
    let started = std::time::Instant::now();
    let r = live(&fake, dir.path(), &["scan", "--azure", "--timeout", "2", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "the deadline bounds the wait");
    let report = r.json();
    let sources = report["sources"].as_array().expect("sources");
    let graph = sources.iter().find(|s| s["origin"] == "azure/graph").expect("Graph source");
    assert_eq!(graph["status"], "error");
    assert!(graph["errors"][0].as_str().is_some_and(|e| e.contains("timed out after 2 s")), "{graph}");
    let arm = sources.iter().find(|s| s["origin"] == "azure/subscriptions/*").expect("ARM source");
    assert_eq!(arm["status"], "ok", "the other source is still read: {arm}");
}

#[test]
fn trace_logs_never_carry_tokens() {
    let fake = FakeAzure::start(demo_as_apis(&repo().join("fixtures/demo/azure")));
    let dir = tempfile::tempdir().expect("tempdir");
    let output = wiscan()
        .env("IDENTITY_ENDPOINT", format!("{}/msi/token", fake.url))
        .env("IDENTITY_HEADER", IDENTITY_HEADER)
        .env("WISCAN_AZURE_ARM_ENDPOINT", &fake.url)
        .env("WISCAN_AZURE_GRAPH_ENDPOINT", &fake.url)
        .env("HOME", dir.path())
        .env("PATH", "/nonexistent")
        .env("RUST_LOG", "trace")
        .args(["-vv", "scan", "--azure", "--format", "json", "--fail-on", "none"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.lines().count() > 5, "the clients' logs are shown at -vv:\n{stderr}");
    for secret in [crate::fake_azure::ARM_TOKEN, crate::fake_azure::GRAPH_TOKEN, IDENTITY_HEADER] {
        assert!(!stderr.contains(secret), "a log line carries {secret}:\n{stderr}");
    }
}
