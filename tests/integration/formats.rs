//! Report formats: SARIF validates against the 2.1.0 schema and meets GitHub code scanning's
//! requirements; JSON follows the documented contract; both are deterministic.

use serde_json::Value;

use crate::common::run;

fn sarif(args: &[&str]) -> Value {
    let mut full = vec!["scan", "--format", "sarif"];
    full.extend_from_slice(args);
    run(&full).json()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../sarif-2.1.0.json")).expect("schema is JSON");
    jsonschema::options().should_validate_formats(true).build(&schema).expect("schema compiles")
}

#[test]
fn sarif_validates_against_the_schema() {
    let validator = validator();
    for args in [
        vec!["--from", "fixtures/demo"],
        vec!["--from", "fixtures/demo", "--sarif-include-suppressed", "--baseline", "tests/integration/demo-baseline.json"],
        vec!["--from", "fixtures/demo", "--from", "fixtures/bad/malformed.json"],
        vec!["--from", "fixtures/rules/AWS005/silent-principal-org-id.json"],
    ] {
        let doc = sarif(&args);
        // Every input but the deliberately malformed one was read: the document describes a real scan.
        let expect_success = !args.contains(&"fixtures/bad/malformed.json");
        assert_eq!(doc["runs"][0]["invocations"][0]["executionSuccessful"], expect_success, "{args:?}");
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

#[test]
fn sarif_meets_code_scanning_requirements() {
    let doc = sarif(&["--from", "fixtures/demo"]);
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), wiscan::rules::ALL.len(), "a descriptor for every rule that ran");
    for rule in rules {
        let severity: f64 = rule["properties"]["security-severity"].as_str().expect("string").parse().expect("numeric");
        assert!((0.0..=10.0).contains(&severity));
        assert!(rule["properties"]["tags"].as_array().expect("tags").contains(&Value::from("security")));
        assert!(rule["help"]["markdown"].as_str().expect("markdown").contains("## How to fix"));
        assert!(rule["helpUri"].as_str().expect("uri").starts_with("https://"));
    }
    assert_eq!(run["automationDetails"]["id"], "wiscan/aws/123456789012/");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().expect("index") as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(!uri.contains("://") && !uri.starts_with('/') && !uri.starts_with("arn:"), "not a relative path: {uri}");
        assert!(r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().expect("line") >= 1);
        assert!(r["partialFingerprints"]["primaryLocationLineHash"].is_string());
        assert_eq!(r["locations"][0]["logicalLocations"][0]["kind"], "resource");
        let resource = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].as_str().expect("name");
        assert!(r["message"]["text"].as_str().expect("text").starts_with(resource), "the message names the resource first");
    }
}

#[test]
fn sarif_partial_scan_is_marked_and_still_exits_2() {
    let r = run(&["scan", "--format", "sarif", "--from", "fixtures/demo", "--from", "fixtures/bad/truncated.json"]);
    assert_eq!(r.code, 2);
    let doc = r.json();
    let invocation = &doc["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().expect("notifications");
    assert!(
        notes.iter().any(|n| n["level"] == "error" && n["message"]["text"].as_str().expect("text").contains("fixtures/bad/truncated.json"))
    );
}

#[test]
fn sarif_leaves_suppressed_findings_out_unless_asked() {
    let all = sarif(&["--from", "fixtures/demo"])["runs"][0]["results"].as_array().expect("results").len();
    let baselined = sarif(&["--from", "fixtures/demo", "--baseline", "tests/integration/demo-baseline.json"]);
    let kept = baselined["runs"][0]["results"].as_array().expect("results").len();
    let with = sarif(&["--from", "fixtures/demo", "--baseline", "tests/integration/demo-baseline.json", "--sarif-include-suppressed"]);
    let results = with["runs"][0]["results"].as_array().expect("results");
    assert!(kept < all);
    assert_eq!(results.len(), all);
    assert!(results.iter().any(|r| r["suppressions"][0]["kind"] == "external"));
}

#[test]
fn json_report_contract_and_determinism() {
    let a = run(&["scan", "--from", "fixtures/demo", "--format", "json"]);
    let b = run(&[
        "scan",
        "--from",
        "fixtures/demo/aws/ec2",
        "--from",
        "fixtures/demo/aws/eks",
        "--from",
        "fixtures/demo/aws/iam",
        "--from",
        "fixtures/demo/aws/rolesanywhere",
        "--from",
        "fixtures/demo/k8s",
        "--from",
        "fixtures/demo/gcp",
        "--from",
        "fixtures/demo/azure",
        "--format",
        "json",
    ]);
    let (ra, rb) = (a.json(), b.json());
    assert_eq!(ra["findings"], rb["findings"], "findings do not depend on how inputs are given");
    assert_eq!(a.stdout, run(&["scan", "--from", "fixtures/demo", "--format", "json"]).stdout, "byte-identical reruns");
    assert_eq!(ra["schema_version"], 1);
    assert_eq!(ra["tool"]["name"], "wiscan");
    let f = &ra["findings"][0];
    for key in ["rule_id", "rule", "severity", "provider", "resource", "message", "evidence", "fingerprint", "suppressed", "location"] {
        assert!(!f[key].is_null(), "finding lacks {key}");
    }
    assert_eq!(f["fingerprint"].as_str().expect("fp").len(), 64);
    let total = ra["summary"]["total"].as_u64().expect("total");
    let by: u64 = ra["summary"]["by_severity"].as_object().expect("by").values().map(|v| v.as_u64().expect("n")).sum();
    assert_eq!(total, by);
    assert!(
        ra["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .all(|s| ["aws", "k8s", "gcp", "azure"].iter().any(|p| s["provider"] == *p) && s["status"] == "ok" && s["objects"].is_u64())
    );
}
