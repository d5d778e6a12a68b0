//! Google Cloud, live, against the loopback fake of the Google APIs (`fake_gcp.rs`), with the
//! real clients and Application Default Credentials from an `authorized_user` file whose token
//! endpoint is the fake. The metadata server is never reached: `GCE_METADATA_HOST` points at a
//! closed loopback port in every run.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::common::{Run, provider_findings, repo, scan_json, wiscan};
use crate::fake_gcp::{FakeGcp, Fault, ProjectApis, demo_as_apis, file_as_apis};

const ORG: &str = "684193025518";
const PROJECT: &str = "acme-analytics";

/// Runs wiscan against the fake, two results per page so that every list is paged.
fn live(fake: &FakeGcp, dir: &Path, args: &[&str]) -> Run {
    let output = wiscan()
        .env("GOOGLE_APPLICATION_CREDENTIALS", fake.credentials(dir))
        .env("WISCAN_GCP_ENDPOINT", &fake.url)
        .env("WISCAN_GCP_PAGE_SIZE", "2")
        .env("HOME", dir)
        .env("GCE_METADATA_HOST", "127.0.0.1:9")
        .env("GCE_METADATA_IP", "127.0.0.1:9")
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn demo_fake() -> FakeGcp {
    let (results, assets) = demo_as_apis(&repo().join("fixtures/demo/gcp"));
    FakeGcp::start(results, assets)
}

#[test]
fn live_collection_of_an_organization_gives_the_offline_findings_through_throttling() {
    let fake = demo_fake();
    let dir = tempfile::tempdir().expect("tempdir");
    // Throttled with Retry-After, then unavailable: both retried within the deadline.
    fake.fault(Fault {
        path_contains: ":searchAllIamPolicies",
        status: 429,
        retry_after: Some(0),
        count: 1,
        message: Some("Quota exceeded for quota metric 'Search requests' and limit 'Search requests per minute'".into()),
    });
    fake.fault(Fault {
        path_contains: "/assets",
        status: 503,
        retry_after: None,
        count: 1,
        message: Some("The service is currently unavailable.".into()),
    });
    let r = live(&fake, dir.path(), &["scan", "--gcp-org", ORG, "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let source = &report["sources"][0];
    assert_eq!(source["origin"], format!("gcp/organizations/{ORG}"));
    assert_eq!(source["status"], "ok", "{source}");
    assert_eq!(source["kind"], "Cloud Asset Inventory");
    let requests = fake.requests();
    let searches = requests.iter().filter(|r| r.contains(":searchAllIamPolicies")).count();
    let listings = requests.iter().filter(|r| r.ends_with("/assets")).count();
    assert!(searches >= 4 && listings >= 8, "every page is read, the failed attempts again: {requests:?}");
    assert_eq!(source["calls"].as_u64(), Some((searches + listings) as u64), "calls are counted");

    let offline = scan_json(&repo().join("fixtures/demo/gcp"));
    let (live_findings, offline_findings) = (provider_findings(&report, "gcp"), provider_findings(&offline, "gcp"));
    assert!(live_findings.len() >= 13, "{live_findings:#?}");
    assert_eq!(live_findings, offline_findings, "the same data live and offline gives the same findings");

    // Collected to a snapshot and scanned later: the same findings again.
    let snapshot = dir.path().join("gcp.snapshot");
    let r = live(&fake, dir.path(), &["collect", "--gcp-org", ORG, "--out", &snapshot.to_string_lossy()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(provider_findings(&scan_json(&snapshot), "gcp"), offline_findings);
}

#[test]
fn a_failed_or_partly_read_scope_is_visible_and_exits_2_without_leaking() {
    let fake = demo_fake();
    let dir = tempfile::tempdir().expect("tempdir");
    let planted = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjWISCANGCPLIVEPLANT\\n-----END PRIVATE KEY-----";
    let message = format!(
        "Permission 'cloudasset.assets.listResource' denied on resource '//cloudresourcemanager.googleapis.com/organizations/{ORG}' (or it may not exist). {planted}"
    );
    fake.fault(Fault { path_contains: "/assets", status: 403, retry_after: None, count: 100, message: Some(message.clone()) });
    fake.fault(Fault {
        path_contains: "folders/99:searchAllIamPolicies",
        status: 403,
        retry_after: None,
        count: 100,
        message: Some(message),
    });
    let r = live(&fake, dir.path(), &["-vv", "scan", "--gcp-org", ORG, "--gcp-folder", "99", "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    let sources = report["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 2, "every scope asked for is reported: {sources:?}");
    let org = sources.iter().find(|s| s["origin"] == format!("gcp/organizations/{ORG}")).expect("org source");
    assert_eq!(org["status"], "partial", "{org}");
    let error = org["errors"][0].as_str().expect("error");
    assert!(error.contains("assets.list") && error.contains("403") && error.contains("IAM_PERMISSION_DENIED"), "{error}");
    let folder = sources.iter().find(|s| s["origin"] == "gcp/folders/99").expect("folder source");
    assert_eq!(folder["status"], "error", "{folder}");
    assert!(!provider_findings(&report, "gcp").is_empty(), "what was read is still scanned");
    for text in [&r.stdout, &r.stderr] {
        assert!(!text.contains("WISCANGCPLIVEPLANT") && !text.contains("MIIEvQIBADAN"), "an error body leaked:\n{text}");
    }

    let r = live(&fake, dir.path(), &["scan", "--gcp-org", ORG, "--allow-partial", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "--allow-partial tolerates it: {}", r.stderr);
}

#[test]
fn a_project_without_the_asset_api_is_read_through_its_own_apis() {
    let fake = demo_fake();
    let dir = tempfile::tempdir().expect("tempdir");
    fake.without_asset_api(PROJECT, demo_project_apis());
    let r = live(&fake, dir.path(), &["scan", "--gcp-project", PROJECT, "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    let source = &report["sources"][0];
    assert_eq!(source["status"], "ok", "{source}");
    assert!(source["kind"].as_str().is_some_and(|k| k.contains("Cloud Asset API is not enabled")), "the source says so: {source}");
    let rules: BTreeMap<String, usize> = provider_findings(&report, "gcp").iter().fold(BTreeMap::new(), |mut m, f| {
        *m.entry(f["rule"].as_str().expect("rule").to_string()).or_default() += 1;
        m
    });
    for rule in ["GCP001", "GCP004", "GCP005", "GCP006", "GCP007"] {
        assert!(rules.contains_key(rule), "{rule} from the per-project APIs: {rules:?}");
    }
    assert!(!rules.contains_key("GCP003"), "providers are not read without the Asset API");
    // The fallback's findings on keys and clusters are the offline ones.
    let offline = scan_json(&repo().join("fixtures/demo/gcp"));
    let of_rule = |findings: Vec<Value>, rule: &str| -> Vec<Value> { findings.into_iter().filter(|f| f["rule"] == rule).collect() };
    for rule in ["GCP004", "GCP005"] {
        assert_eq!(of_rule(provider_findings(&report, "gcp"), rule), of_rule(provider_findings(&offline, "gcp"), rule), "{rule}");
    }
}

/// The demo project as its own APIs answer: the project policy, the service accounts with their
/// keys and policies, the clusters.
fn demo_project_apis() -> ProjectApis {
    let demo = repo().join("fixtures/demo/gcp");
    let (results, assets) = demo_as_apis(&demo);
    let mut apis = ProjectApis::default();
    let mut name_of_id = BTreeMap::new();
    for asset in &assets {
        let data = &asset["resource"]["data"];
        match asset["assetType"].as_str() {
            Some("iam.googleapis.com/ServiceAccount") => {
                let name = data["name"].as_str().expect("name").to_string();
                name_of_id.insert(data["uniqueId"].as_str().expect("id").to_string(), name.clone());
                apis.accounts.push(data.clone());
            }
            Some("iam.googleapis.com/ServiceAccountKey") => {
                let key = data["name"].as_str().expect("name");
                let account = key.split("/keys/").next().expect("account").to_string();
                apis.keys.entry(account).or_default().push(data.clone());
            }
            Some("container.googleapis.com/Cluster") => apis.clusters.push(data.clone()),
            _ => {}
        }
    }
    for result in results {
        let resource = result["resource"].as_str().expect("resource");
        let policy = json!({"version": 1, "etag": "BwYkXk3nK0o=", "bindings": result["policy"]["bindings"]});
        if resource.starts_with("//cloudresourcemanager.googleapis.com/projects/") {
            apis.policy = policy;
        } else if let Some(path) = resource.strip_prefix("//iam.googleapis.com/") {
            let id = path.rsplit('/').next().expect("id");
            let name = name_of_id.get(id).cloned().unwrap_or_else(|| path.to_string());
            apis.account_policies.insert(name, policy);
        }
    }
    apis
}

/// Every GCP rule fixture, served by the fake as the Asset API would and collected live, gives the
/// findings of the offline scan of the same files.
#[test]
fn every_gcp_rule_fixture_gives_the_same_findings_live() {
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for rule in wiscan::rules::ALL.iter().filter(|r| r.id().starts_with("GCP")) {
        let dir = repo().join("fixtures/rules").join(rule.id());
        let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()).collect();
        entries.sort();
        for entry in entries.into_iter().filter(|p| p.extension().is_none_or(|e| e != "md")) {
            let files: Vec<std::path::PathBuf> = if entry.is_dir() {
                std::fs::read_dir(&entry).expect("dir").map(|e| e.expect("entry").path()).collect()
            } else {
                vec![entry.clone()]
            };
            let (mut results, mut assets) = (Vec::new(), Vec::new());
            for file in &files {
                let (r, a) = file_as_apis(&std::fs::read_to_string(file).expect("read"));
                results.extend(r);
                assets.extend(a);
            }
            let fake = FakeGcp::start(results, assets);
            let tmp = tempfile::tempdir().expect("tempdir");
            let r = live(&fake, tmp.path(), &["scan", "--gcp-org", ORG, "--format", "json", "--fail-on", "none"]);
            assert_eq!(r.code, 0, "{}: {}", entry.display(), r.stderr);
            let of_rule = |report: &Value| -> Vec<Value> {
                provider_findings(report, "gcp").into_iter().filter(|f| f["rule"] == rule.id()).collect()
            };
            let (live_findings, offline_findings) = (of_rule(&r.json()), of_rule(&scan_json(&entry)));
            if live_findings != offline_findings {
                mismatches.push(format!("{}:\n live {live_findings:#?}\n offline {offline_findings:#?}", entry.display()));
            }
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} fixtures");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn a_stalled_api_fails_the_scope_at_the_deadline() {
    let fake = demo_fake();
    let dir = tempfile::tempdir().expect("tempdir");
    fake.fault(Fault { path_contains: ":searchAllIamPolicies", status: 0, retry_after: None, count: 10, message: None });
    let started = std::time::Instant::now();
    let r = live(&fake, dir.path(), &["scan", "--gcp-org", ORG, "--timeout", "2", "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(started.elapsed() < std::time::Duration::from_secs(30), "the deadline bounds the wait");
    let source = &r.json()["sources"][0];
    assert_eq!(source["status"], "error");
    assert!(source["errors"][0].as_str().is_some_and(|e| e.contains("timed out after 2 s")), "{source}");
}

#[test]
fn trace_logs_never_carry_the_credentials_or_tokens() {
    let fake = demo_fake();
    let dir = tempfile::tempdir().expect("tempdir");
    let output = wiscan()
        .env("GOOGLE_APPLICATION_CREDENTIALS", fake.credentials(dir.path()))
        .env("WISCAN_GCP_ENDPOINT", &fake.url)
        .env("HOME", dir.path())
        .env("RUST_LOG", "trace")
        .args(["-vv", "scan", "--gcp-org", ORG, "--format", "json", "--fail-on", "none"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.lines().count() > 5, "the clients' logs are shown at -vv:\n{stderr}");
    for secret in [crate::fake_gcp::TOKEN, "d-FL95Q19q7MQmFpd7hHD0Ty", "1//0fake-refresh-token-for-wiscan-tests"] {
        assert!(!stderr.contains(secret), "a log line carries {secret}:\n{stderr}");
    }
}
