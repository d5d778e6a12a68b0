//! Input recognition is a table of readers: every shipped fixture is claimed by exactly one of
//! them, and the JSON arrays and newline-delimited JSON that `gcloud` and `az` print are not taken
//! for AWS pages.

use std::path::Path;

use wiscan::sources::{READERS, Sniff};

fn claimants(text: &str) -> Vec<&'static str> {
    let sniff = Sniff::new(text);
    READERS.iter().filter(|r| (r.claims)(&sniff)).map(|r| r.name).collect()
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_none_or(|e| e != "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_is_claimed_by_exactly_one_reader() {
    let repo = crate::common::repo();
    let mut files = Vec::new();
    for dir in ["fixtures/demo", "fixtures/rules", "fixtures/inputs"] {
        walk(&repo.join(dir), &mut files);
    }
    assert!(files.len() > 100, "{} fixtures", files.len());
    // Shipped on purpose but not inputs: `az ad app credential reset` output holds a secret and
    // nothing else, so no reader takes it (the leak tests plant it).
    let not_inputs = ["fixtures/inputs/azure/ad-app-credential-reset.json"];
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
        let names = claimants(&text);
        let expected = if not_inputs.iter().any(|n| path.ends_with(n)) { 0 } else { 1 };
        if names.len() != expected {
            problems.push(format!("{}: claimed by {names:?}", path.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn gcloud_and_az_arrays_and_ndjson_are_their_clouds_not_aws_pages() {
    // `gcloud iam service-accounts list --format=json`: an array of resources.
    let gcloud = r#"[{"description": "CI deployer", "displayName": "ci", "email": "ci@acme-prod.iam.gserviceaccount.com",
        "name": "projects/acme-prod/serviceAccounts/ci@acme-prod.iam.gserviceaccount.com", "oauth2ClientId": "1", "projectId": "acme-prod"}]"#;
    assert_eq!(claimants(gcloud), vec!["Google Cloud JSON"]);
    // `gcloud asset export --output-path=…`: one asset per line.
    let ndjson = "{\"name\": \"//iam.googleapis.com/projects/acme-prod/serviceAccounts/1\", \"assetType\": \"iam.googleapis.com/ServiceAccount\"}\n{\"name\": \"//iam.googleapis.com/projects/acme-prod/serviceAccounts/2\", \"assetType\": \"iam.googleapis.com/ServiceAccount\"}\n";
    assert_eq!(claimants(ndjson), vec!["Google Cloud JSON"]);
    // `gcloud iam workload-identity-pools list`: only the name tells.
    let pools = r#"[{"displayName": "GitHub", "name": "projects/1/locations/global/workloadIdentityPools/github", "state": "ACTIVE"}]"#;
    assert_eq!(claimants(pools), vec!["Google Cloud JSON"]);
    // `az identity list`: an array of ARM resources.
    let az = r#"[{"clientId": "00000000-0000-0000-0000-000000000001", "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ci", "location": "westeurope", "name": "ci"}]"#;
    assert_eq!(claimants(az), vec!["Azure JSON"]);
    // Still read: an array of AWS pages, and a page whose first key is not the deciding one.
    assert_eq!(claimants(r#"[{"Roles": []}, {"Roles": []}]"#), vec!["AWS CLI JSON"]);
    assert_eq!(claimants(r#"{"IsTruncated": false, "Roles": []}"#), vec!["AWS CLI JSON"]);

    // Unclaimed JSON is "not ours" when well formed, and an error when damaged.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("other.json"), r#"[{"name": "x", "kind": "Widget"}]"#).expect("write");
    let r = crate::common::run(&["scan", "--from", &dir.path().join("other.json").to_string_lossy()]);
    assert!(r.stderr.contains("not a recognised input"), "{}", r.stderr);
    std::fs::write(dir.path().join("damaged.json"), "[{\"name\": \"x\"").expect("write");
    let r = crate::common::run(&["scan", "--from", &dir.path().to_string_lossy(), "--format", "json"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("damaged.json") && r.stderr.contains("truncated"), "{}", r.stderr);
}
