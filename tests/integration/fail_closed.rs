//! Failing closed under broken settings, stalled and throttling endpoints, damaged inputs and
//! bad values: every requested source is reported with a status, waits are bounded, and nothing
//! unreadable passes as clean. Live cases run against loopback servers only.

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{run, wiscan};
use crate::fake_k8s::{FakeK8s, Fault};

/// A loopback server that accepts connections, reads what is sent and never answers.
fn stalling_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while matches!(stream.read(&mut buffer), Ok(n) if n > 0) {}
            });
        }
    });
    format!("http://{address}")
}

struct Outcome {
    code: i32,
    report: Value,
    stderr: String,
    elapsed: Duration,
}

/// `scan --aws` (one region) with dummy credentials and the given environment, as JSON.
fn scan_aws(env: &[(&str, &str)], extra: &[&str]) -> Outcome {
    let mut cmd = wiscan();
    // Nothing may leave the machine: an endpoint is always set (port 9 refuses at once).
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(["scan", "--aws-region", "us-east-1", "--format", "json", "--fail-on", "none"]).args(extra);
    let started = Instant::now();
    let out = cmd.output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    Outcome { code: out.status.code().unwrap_or(-1), report, stderr, elapsed: started.elapsed() }
}

fn only_source(report: &Value) -> &Value {
    let sources = report["sources"].as_array().expect("sources");
    assert_eq!(sources.len(), 1, "exactly the requested source: {sources:#?}");
    &sources[0]
}

#[test]
fn invalid_aws_settings_fail_the_source_instead_of_losing_it() {
    let cases: [(&str, &str, &str); 5] = [
        ("AWS_MAX_ATTEMPTS", "0", "AWS_MAX_ATTEMPTS is `0`"),
        ("AWS_MAX_ATTEMPTS", "-1", "AWS_MAX_ATTEMPTS is `-1`"),
        ("AWS_MAX_ATTEMPTS", "abc", "AWS_MAX_ATTEMPTS is `abc`"),
        ("AWS_RETRY_MODE", "bogus", "AWS_RETRY_MODE is `bogus`"),
        ("AWS_ENDPOINT_URL", "", "AWS_ENDPOINT_URL is set but empty"),
    ];
    for (name, value, reason) in cases {
        let r = scan_aws(&[(name, value)], &[]);
        assert_eq!(r.code, 2, "{name}={value}: {}", r.stderr);
        let source = only_source(&r.report);
        assert_eq!(source["status"], "error", "{name}={value}");
        assert!(source["errors"].to_string().contains(reason), "{name}={value}: {source}");
        assert_eq!(r.report["complete"], false);
        assert!(r.stderr.contains(reason), "the failure is on stderr too: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);

        let allowed = scan_aws(&[(name, value)], &["--allow-partial"]);
        assert_eq!(allowed.code, 0, "--allow-partial lets it pass, still visible");
        assert_eq!(only_source(&allowed.report)["status"], "error");
    }

    // The same in a profile, and for `collect`, which must not write a clean-looking snapshot and exit 0.
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config");
    std::fs::write(&config, "[profile broken]\nregion = us-east-1\nmax_attempts = 0\n").expect("write");
    let config = config.to_string_lossy().to_string();
    let r = scan_aws(&[("AWS_CONFIG_FILE", &config)], &["--aws-profile", "broken"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let source = only_source(&r.report);
    assert_eq!(source["origin"], "aws/profile broken");
    assert!(source["errors"].to_string().contains("`max_attempts` of profile broken is `0`"), "{source}");

    let snapshot = dir.path().join("out.json");
    let out = wiscan()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_MAX_ATTEMPTS", "0")
        .args(["collect", "--aws", "--aws-region", "us-east-1", "--out", &snapshot.to_string_lossy()])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // Scanning that snapshot later is still partial: the failure travels with it.
    let r = run(&["scan", "--from", &snapshot.to_string_lossy(), "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.json()["sources"][0]["errors"].to_string().contains("collected partially: aws/default credentials"));
}

#[test]
fn sarif_of_a_failed_source_says_the_run_did_not_succeed() {
    let mut cmd = wiscan();
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").env("AWS_MAX_ATTEMPTS", "0");
    let out = cmd.args(["scan", "--aws", "--format", "sarif"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(invocation.to_string().contains("AWS_MAX_ATTEMPTS"), "{invocation}");
}

#[test]
fn a_stalled_aws_endpoint_fails_at_the_deadline() {
    let endpoint = stalling_server();
    let r = scan_aws(&[("AWS_ENDPOINT_URL", &endpoint)], &["--timeout", "3"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let source = only_source(&r.report);
    assert_eq!(source["status"], "error");
    assert!(source["errors"].to_string().contains("timed out after 3 s"), "{source}");
    assert!(r.elapsed < Duration::from_secs(30), "took {:?}", r.elapsed);
}

/// `scan --kube-context fake` against the fake API, as JSON.
fn scan_k8s(fake: &FakeK8s, dir: &Path, extra: &[&str]) -> Outcome {
    let kubeconfig = fake.kubeconfig(dir);
    let started = Instant::now();
    let out = wiscan()
        .env("KUBECONFIG", &kubeconfig)
        .env("HOME", dir)
        .args(["scan", "--kube-context", "fake", "--format", "json", "--fail-on", "none"])
        .args(extra)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    Outcome { code: out.status.code().unwrap_or(-1), report, stderr, elapsed: started.elapsed() }
}

fn one_pod() -> Vec<Value> {
    vec![
        serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}),
    ]
}

#[test]
fn a_huge_retry_after_fails_the_source_at_once() {
    let fake = FakeK8s::start(one_pod());
    fake.fault(Fault { path_contains: "/pods", status: 429, retry_after: Some(3600), count: 100 });
    let dir = tempfile::tempdir().expect("tempdir");
    let r = scan_k8s(&fake, dir.path(), &["--timeout", "60"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors = only_source(&r.report)["errors"].to_string();
    assert!(errors.contains("listing pods: throttled (429"), "{errors}");
    assert!(errors.contains("retry after 3600 s, past this source's deadline"), "{errors}");
    assert!(r.elapsed < Duration::from_secs(30), "an hour's Retry-After is not waited for: {:?}", r.elapsed);
}

#[test]
fn throttling_without_end_gives_up_after_bounded_attempts() {
    let fake = FakeK8s::start(one_pod());
    fake.fault(Fault { path_contains: "/pods", status: 429, retry_after: None, count: 1000 });
    let dir = tempfile::tempdir().expect("tempdir");
    let r = scan_k8s(&fake, dir.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors = only_source(&r.report)["errors"].to_string();
    assert!(errors.contains("listing pods: throttled (429") && errors.contains("gave up after 5 attempts"), "{errors}");
    let pod_calls = fake.requests().iter().filter(|r| r.starts_with("/api/v1/pods")).count();
    assert_eq!(pod_calls, 5);
}

#[test]
fn a_stalled_kubernetes_api_fails_at_the_deadline() {
    let fake = FakeK8s::start(one_pod());
    fake.fault(Fault { path_contains: "/secrets", status: 0, retry_after: None, count: 100 });
    let dir = tempfile::tempdir().expect("tempdir");
    let r = scan_k8s(&fake, dir.path(), &["--timeout", "3"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let source = only_source(&r.report);
    assert_eq!(source["status"], "error");
    assert!(source["errors"].to_string().contains("timed out after 3 s"), "{source}");
    assert!(r.elapsed < Duration::from_secs(30), "took {:?}", r.elapsed);
}

#[test]
fn repeated_contexts_are_one_source_and_client_errors_name_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = dir.path().join("kubeconfig");
    // A context whose server refuses connections.
    std::fs::write(
        &kubeconfig,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:9\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: down\n  context:\n    cluster: c\n    user: u\ncurrent-context: down\n",
    )
    .expect("write");
    let out = wiscan()
        .env("KUBECONFIG", &kubeconfig)
        .env("HOME", dir.path())
        .args(["scan", "--kube-context", "down", "--kube-context", "down", "--format", "json", "--timeout", "20"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let source = only_source(&report);
    assert_eq!(source["origin"], "k8s/down");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines().filter(|l| l.starts_with("error:")) {
        assert!(line.contains("k8s/down"), "an error line names its source: {line}\n{stderr}");
    }
    assert!(!stderr.contains("Debug") && !stderr.contains("ConnectError("), "{stderr}");
}

#[test]
fn broken_kubeconfigs_and_exec_plugins_are_never_quoted() {
    const TOKEN: &str = "wiscanLeakToken0123456789abcdef";
    const KEY_DATA: &str = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpXSVNDQU5MRUFLS0VZREFUQQ==";
    const ENV_SECRET: &str = "wiscanLeakEnvValue42";
    const ARG_SECRET: &str = "wiscanLeakArgValue42";
    let dir = tempfile::tempdir().expect("tempdir");

    // An unclosed quote after `token:`: the YAML error must not show the file.
    let unclosed = dir.path().join("unclosed");
    std::fs::write(
        &unclosed,
        format!("apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: \"{TOKEN}\n    client-key-data: {KEY_DATA}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\n"),
    )
    .expect("write");

    // A failing exec plugin with a secret in its environment and arguments.
    let fake = FakeK8s::start(one_pod());
    let exec = dir.path().join("exec");
    std::fs::write(
        &exec,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: \"{}\"\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: sh\n      args: [\"-c\", \"echo {ARG_SECRET} $API_TOKEN >&2; exit 3\", \"{ARG_SECRET}\"]\n      env: [{{name: API_TOKEN, value: {ENV_SECRET}}}]\n      interactiveMode: Never\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\ncurrent-context: x\n",
            fake.url
        ),
    )
    .expect("write");

    for (kubeconfig, expected) in [(&unclosed, "the kubeconfig is not valid YAML"), (&exec, "the exec credential plugin `sh` failed")] {
        for verbosity in ["-q", "-vv"] {
            let out = wiscan()
                .env("KUBECONFIG", kubeconfig)
                .env("HOME", dir.path())
                .args([verbosity, "scan", "--kube-context", "x", "--format", "json", "--timeout", "20"])
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(2));
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(text.contains(expected), "{expected}:\n{text}");
            for secret in [TOKEN, &KEY_DATA[..24], ENV_SECRET, ARG_SECRET] {
                assert!(!text.contains(secret), "leaks {secret}:\n{text}");
            }
        }
    }
}

#[test]
fn credential_files_and_config_errors_are_never_quoted() {
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWISCANLEAK";
    const KEY_ID: &str = "AKIAZ7Q3WISCANLEAKQ4";
    let dir = tempfile::tempdir().expect("tempdir");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &credentials,
        format!("[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n[broken\nx = {SECRET}\n"),
    )
    .expect("write");
    let credentials = credentials.to_string_lossy().to_string();
    let r = scan_aws(&[("AWS_SHARED_CREDENTIALS_FILE", &credentials)], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let text = format!("{}{}", r.report, r.stderr);
    assert!(text.contains("the AWS config or credentials file cannot be"), "{text}");
    for secret in [SECRET, KEY_ID] {
        assert!(!text.contains(secret), "leaks {secret}: {text}");
    }

    let config = dir.path().join("wiscan.toml");
    std::fs::write(
        &config,
        format!("[[ignore]]\nrule = \"AWS008\"\nresource = \"{KEY_ID}\"\nreason = \"x\"\nexpires = \"{KEY_ID}\"\nbogus = \"{SECRET}\"\n"),
    )
    .expect("write");
    let r = run(&["-vv", "scan", "--from", "fixtures/demo", "--config", &config.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("wiscan.toml:"), "{}", r.stderr);
    for secret in [SECRET, KEY_ID] {
        assert!(!r.stderr.contains(secret), "leaks {secret}: {}", r.stderr);
    }
}

#[test]
fn aws_errors_are_one_line_without_debug_dumps() {
    let r = scan_aws(&[], &["--timeout", "30"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors = only_source(&r.report)["errors"].to_string();
    assert!(errors.contains("no usable credentials: connection failed"), "{errors}");
    for dump in ["DispatchFailure", "ConnectorError", "source:", "Some("] {
        assert!(!errors.contains(dump), "{dump} in {errors}");
    }
}

#[test]
fn damaged_files_in_a_walked_directory_fail_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let role = std::fs::read_to_string(crate::common::repo().join("fixtures/rules/AWS005/fires-principal-star.json")).expect("fixture");
    std::fs::write(dir.path().join("good.json"), &role).expect("write");
    let mut damaged = role.clone().into_bytes();
    damaged.extend_from_slice(b"\0\0\0");
    std::fs::write(dir.path().join("damaged.json"), damaged).expect("write");
    let r = run(&["scan", "--from", &dir.path().to_string_lossy(), "--format", "json", "--fail-on", "none"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let report = r.json();
    let damaged =
        report["sources"].as_array().expect("sources").iter().find(|s| s["origin"].as_str().is_some_and(|o| o.ends_with("damaged.json")));
    let damaged = damaged.expect("the damaged file is a source");
    assert_eq!(damaged["status"], "error");
    assert!(damaged["errors"].to_string().contains("NUL byte"), "{damaged}");
}

#[test]
fn utf16_and_quoted_csv_are_read_like_their_plain_forms() {
    let dir = tempfile::tempdir().expect("tempdir");
    let role = std::fs::read_to_string(crate::common::repo().join("fixtures/rules/AWS005/fires-principal-star.json")).expect("fixture");
    // Windows PowerShell's `>`: UTF-16LE with a byte-order mark.
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(role.encode_utf16().flat_map(u16::to_le_bytes));
    let utf16_path = dir.path().join("role-utf16.json");
    std::fs::write(&utf16_path, utf16).expect("write");
    let plain = crate::common::scan_json(&crate::common::repo().join("fixtures/rules/AWS005/fires-principal-star.json"));
    let decoded = crate::common::scan_json(&utf16_path);
    assert_eq!(decoded["sources"][0]["status"], "ok", "{decoded}");
    assert_eq!(crate::common::without_locations(&decoded), crate::common::without_locations(&plain));

    let csv = "user,arn,user_creation_time,password_enabled,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\nci,arn:aws:iam::111122223333:user/ci,2020-01-01T00:00:00+00:00,false,true,2021-01-01T00:00:00+00:00,N/A,false,N/A,N/A\n";
    let quoted: String =
        csv.lines().map(|line| line.split(',').map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(",")).collect::<Vec<_>>().join("\n");
    let (plain_path, quoted_path) = (dir.path().join("plain.csv"), dir.path().join("quoted.csv"));
    std::fs::write(&plain_path, csv).expect("write");
    std::fs::write(&quoted_path, quoted).expect("write");
    let (plain, quoted) = (crate::common::scan_json(&plain_path), crate::common::scan_json(&quoted_path));
    assert_eq!(quoted["sources"][0]["status"], "ok", "{quoted}");
    assert!(crate::common::findings(&plain).iter().any(|f| f["rule_id"] == "AWS008"));
    assert_eq!(crate::common::without_locations(&quoted), crate::common::without_locations(&plain));
}

#[test]
fn unreadable_values_refuse_the_input_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "date.json",
            r#"{"AccessKeyMetadata": [{"UserName": "ci", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active",
  "CreateDate": "sometime last year"}]}"#,
            "CreateDate: `sometime last year` is not a date",
        ),
        (
            "status.json",
            r#"{"AccessKeyMetadata": [{"UserName": "ci", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Retired",
  "CreateDate": "2020-01-01T00:00:00Z"}]}"#,
            "Status `Retired` is neither Active nor Inactive",
        ),
        (
            "secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns}\ndata: [a, b]\n",
            "Secret ns/s: data is not a map",
        ),
        (
            "report.csv",
            "user,arn,user_creation_time,access_key_1_active,access_key_1_last_rotated\nci,arn:aws:iam::1:user/ci,x,true,yesterday\n",
            "line 2: credential report: access_key_1_last_rotated: `yesterday` is not a date",
        ),
    ];
    for (name, text, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let r = run(&["scan", "--from", &path.to_string_lossy(), "--format", "json"]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        let errors = r.json()["sources"][0]["errors"].to_string();
        assert!(errors.contains(message), "{name}: {errors}");
        assert!(!errors.contains("line 0") && !errors.contains("column 0"), "{errors}");
    }
}

#[test]
fn no_panics_and_the_documented_exit_codes() {
    // A full disk while printing completions: an error, not a panic.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("wiscan"))
        .args(["completions", "bash"])
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));

    let r = run(&["scan", "--from", "fixtures/demo", "--max-input-size", "18446744073709551615"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--max-input-size"), "{}", r.stderr);

    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&baseline, r#"{"wiscan_baseline": 99, "findings": []}"#).expect("write");
    let r = run(&["scan", "--from", "fixtures/demo", "--baseline", &baseline.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("has version 99"), "{}", r.stderr);

    for option in ["--baseline", "--config"] {
        let r = run(&["scan", "--from", "fixtures/demo", option, "/dev/zero"]);
        assert_eq!(r.code, 2, "{option}");
        assert!(r.stderr.contains("limit"), "{option}: {}", r.stderr);
    }

    let r = run(&["scan", "--from", "fixtures/demo", "--cluster", "prod=fixtures/nowhere", "--fail-on", "none"]);
    assert!(r.stderr.contains("--cluster prod=fixtures/nowhere: no Kubernetes input was read from that path"), "{}", r.stderr);
}

#[test]
fn alias_bombs_are_refused_by_size_and_unread_kinds_are_not_expanded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bomb = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata:\n  big: &big \"{}\"\n", "x".repeat(100_000));
    for i in 0..10_000 {
        bomb.push_str(&format!("  k{i}: *big\n"));
    }
    let path = dir.path().join("bomb.yaml");
    std::fs::write(&path, &bomb).expect("write");
    let r = run(&["scan", "--from", &path.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("aliases expand too far"), "{}", r.stderr);

    // The same bomb in a kind the rules do not read is passed over, never expanded.
    let path = dir.path().join("service.yaml");
    std::fs::write(&path, bomb.replace("kind: ConfigMap", "kind: Service")).expect("write");
    let r = run(&["scan", "--from", &path.to_string_lossy(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["sources"][0]["status"], "ok");
}

#[test]
fn client_debug_logs_are_redacted() {
    const KEY_ID: &str = "AKIAZ7Q3WISCANLOGSQ4";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWISCANLOGS";
    let mut cmd = wiscan();
    cmd.env("AWS_ENDPOINT_URL", stalling_server())
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1")
        .env("RUST_LOG", "trace");
    let out = cmd.args(["-vv", "scan", "--aws-region", "us-east-1", "--format", "json", "--timeout", "3"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.lines().count() > 5, "the SDK logged at trace level: {stderr}");
    for secret in [KEY_ID, SECRET] {
        assert!(!stderr.contains(secret), "the log leaks {secret}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
    }
}
