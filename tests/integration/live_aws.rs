//! Live AWS collection against the moto emulator behind the fault-injecting proxy
//! (`tests/fakes/fakes.py`, started by `scripts/test.sh`): parity with the offline scan of the same
//! data's CLI outputs, call counts, accounts, throttling and 5xx retries, access denied.
//!
//! The proxy's fault list is global, so every scenario runs in this one test, in order.

use std::io::{Read, Write};
use std::net::TcpStream;

use serde_json::Value;

use crate::common::wiscan;

struct Fakes {
    /// The proxy in front of moto: the SDK's `AWS_ENDPOINT_URL`.
    aws: String,
    /// CLI outputs of the seeded demo account, dumped by `seed_demo.py`.
    demo_dump: String,
}

/// The running fakes, or `None` outside CI when they were not started (a bare `cargo test`).
fn fakes() -> Option<Fakes> {
    let Ok(state) = std::env::var("FAKES_STATE") else {
        assert!(std::env::var_os("CI").is_none(), "CI must run the live AWS tests: FAKES_STATE is not set (run scripts/test.sh)");
        #[allow(clippy::print_stderr)] // the skip notice the spec asks for, outside CI only
        {
            eprintln!("notice: skipping live AWS tests: moto is not running (scripts/test.sh starts it)");
        }
        return None;
    };
    let state: Value = serde_json::from_str(&std::fs::read_to_string(state).expect("state file")).expect("state JSON");
    Some(Fakes {
        aws: state["aws"].as_str().expect("aws url").to_string(),
        demo_dump: std::env::var("FAKES_DEMO_DUMP").expect("FAKES_DEMO_DUMP"),
    })
}

/// A minimal HTTP/1.1 call to the proxy's control API.
fn control(base: &str, method: &str, path: &str, body: &str) -> String {
    let host = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).expect("connect to the proxy");
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

/// The binary pointed at the fakes with dummy credentials.
fn aws_cli(fakes: &Fakes) -> assert_cmd::Command {
    let mut cmd = wiscan();
    cmd.env("AWS_ENDPOINT_URL", &fakes.aws)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "3");
    cmd
}

fn scan(fakes: &Fakes, args: &[&str]) -> (i32, Value, String) {
    let out = aws_cli(fakes).args(["scan", "--format", "json", "--fail-on", "none"]).args(args).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (out.status.code().unwrap_or(-1), report, stderr)
}

#[test]
fn live_aws_against_moto() {
    let Some(fakes) = fakes() else { return };
    control(&fakes.aws, "POST", "/__faults", "[]");

    // 1. Parity: the live scan of the seeded demo account finds what the offline scan of the
    //    same account's CLI outputs finds.
    let regions = ["--aws", "--aws-region", "us-east-1", "--aws-region", "eu-west-1"];
    let (code, live, stderr) = scan(&fakes, &regions);
    assert_eq!(code, 0, "{stderr}");
    let offline = crate::common::run(&["scan", "--from", &fakes.demo_dump, "--format", "json", "--fail-on", "none"]).json();
    let (l, o) = (crate::common::without_locations(&live), crate::common::without_locations(&offline));
    assert!(l.len() > 15, "the seeded demo has findings: {l:#?}");
    for rule in ["AWS001", "AWS002", "AWS004", "AWS005", "AWS006", "AWS007", "AWS008", "AWS009"] {
        assert!(l.iter().any(|f| f["rule_id"] == rule), "{rule} missing live");
    }
    assert_eq!(l, o, "live and offline findings differ");
    let source = &live["sources"][0];
    assert_eq!((source["origin"].as_str(), source["status"].as_str()), (Some("aws/123456789012"), Some("ok")));
    let calls = source["calls"].as_u64().expect("calls counted");
    assert!(calls > 10 && calls < 200, "{calls} calls");

    // The live scan's snapshot scans to the same findings; its SARIF places live resources on
    // stable synthetic paths and validates.
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot = dir.path().join("aws.snapshot.json");
    let out = aws_cli(&fakes).args(["collect", "--out"]).arg(&snapshot).args(regions).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let from_snapshot =
        crate::common::run(&["scan", "--from", &snapshot.to_string_lossy(), "--format", "json", "--fail-on", "none"]).json();
    assert_eq!(crate::common::without_locations(&from_snapshot), l, "the snapshot scans to the live findings");
    let out = aws_cli(&fakes).args(["scan", "--format", "sarif"]).args(regions).output().expect("runs");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let schema: Value = serde_json::from_str(include_str!("../sarif-2.1.0.json")).expect("schema");
    let validator = jsonschema::options().build(&schema).expect("schema compiles");
    assert!(validator.is_valid(&sarif));
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(!uris.is_empty() && uris.iter().all(|u| u.starts_with(".wiscan/aws/") && !u.contains(':')), "{uris:?}");
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "wiscan/aws/123456789012/");

    // 2. Throttling and 5xx are retried by the SDK; the scan is complete.
    control(
        &fakes.aws,
        "POST",
        "/__faults",
        r#"[{"match": "ListOpenIDConnectProviders", "status": 400, "aws_query_code": "Throttling", "count": 2},
            {"match": "DescribeInstances", "status": 503, "aws_ec2_code": "ServiceUnavailable", "count": 2}]"#,
    );
    let (code, report, stderr) = scan(&fakes, &regions);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sources"][0]["status"], "ok");
    assert_eq!(crate::common::without_locations(&report), l, "retried calls give the same result");
    let seen: Value = serde_json::from_str(&control(&fakes.aws, "GET", "/__requests", "")).expect("requests");
    let injected = seen.as_array().expect("list").iter().filter(|r| r["injected"] == true).count();
    assert_eq!(injected, 4, "every injected fault was met once");

    // 3. The credential report denied: keys are listed per user instead, same findings.
    control(
        &fakes.aws,
        "POST",
        "/__faults",
        r#"[{"match": "CredentialReport", "status": 403, "aws_query_code": "AccessDenied", "count": 100}]"#,
    );
    let (code, report, stderr) = scan(&fakes, &regions);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["sources"][0]["status"], "ok");
    assert!(report["findings"].as_array().expect("findings").iter().any(|f| f["rule_id"] == "AWS008"));

    // 4. An API denied in one region: the account is partial, says what was not read, exits 2.
    control(
        &fakes.aws,
        "POST",
        "/__faults",
        r#"[{"match": "POST /.*DescribeInstances", "status": 403, "aws_ec2_code": "UnauthorizedOperation", "count": 100}]"#,
    );
    let (code, report, _) = scan(&fakes, &regions);
    assert_eq!(code, 2, "a partial collection fails closed");
    assert_eq!(report["sources"][0]["status"], "partial");
    let errors = report["sources"][0]["errors"].to_string();
    assert!(errors.contains("ec2:DescribeInstances: UnauthorizedOperation"), "{errors}");
    assert!(report["findings"].as_array().expect("findings").iter().any(|f| f["rule_id"] == "AWS001"), "the rest is scanned");
    let (code, _, _) = scan(&fakes, &[&regions[..], &["--allow-partial"]].concat());
    assert_eq!(code, 0);
    control(&fakes.aws, "POST", "/__faults", "[]");

    // 5. Several accounts through assumed roles, each its own source.
    let (code, report, stderr) = scan(
        &fakes,
        &[
            "--aws-role-arn",
            "arn:aws:iam::111111111111:role/audit",
            "--aws-role-arn",
            "arn:aws:iam::222222222222:role/audit",
            "--aws-region",
            "us-east-1",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let origins: Vec<&str> = report["sources"].as_array().expect("sources").iter().filter_map(|s| s["origin"].as_str()).collect();
    assert_eq!(origins, vec!["aws/111111111111", "aws/222222222222"]);

    // 6. No usable endpoint: the source fails and the scan exits 2.
    let out = wiscan()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .args(["scan", "--aws", "--aws-region", "us-east-1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no usable credentials"), "{}", String::from_utf8_lossy(&out.stderr));
}
