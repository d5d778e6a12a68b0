//! Live sources failing closed: broken settings, stalled and throttling loopback servers, clients'
//! error texts and logs. Each test needs its cloud's feature.
#![cfg_attr(not(all(feature = "aws", feature = "k8s")), allow(dead_code, unused_imports))]

use std::io::Read;
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{run, wiscan};
#[cfg(feature = "k8s")]
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

#[cfg(feature = "aws")]
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

#[cfg(feature = "aws")]
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

#[cfg(feature = "aws")]
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
#[cfg(feature = "k8s")]
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

#[cfg(feature = "k8s")]
fn one_pod() -> Vec<Value> {
    vec![
        serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}),
    ]
}

#[cfg(feature = "k8s")]
#[test]
fn a_huge_retry_after_fails_the_source_at_once() {
    let fake = FakeK8s::start(one_pod());
    fake.fault(Fault { path_contains: "/pods", status: 429, retry_after: Some(3600), count: 100, message: None });
    let dir = tempfile::tempdir().expect("tempdir");
    let r = scan_k8s(&fake, dir.path(), &["--timeout", "60"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors = only_source(&r.report)["errors"].to_string();
    assert!(errors.contains("listing pods: throttled (429"), "{errors}");
    assert!(errors.contains("retry after 3600 s, past this source's deadline"), "{errors}");
    assert!(r.elapsed < Duration::from_secs(30), "an hour's Retry-After is not waited for: {:?}", r.elapsed);
}

#[cfg(feature = "k8s")]
#[test]
fn throttling_without_end_gives_up_after_bounded_attempts() {
    let fake = FakeK8s::start(one_pod());
    fake.fault(Fault { path_contains: "/pods", status: 429, retry_after: None, count: 1000, message: None });
    let dir = tempfile::tempdir().expect("tempdir");
    let r = scan_k8s(&fake, dir.path(), &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let errors = only_source(&r.report)["errors"].to_string();
    assert!(errors.contains("listing pods: throttled (429") && errors.contains("gave up after 5 attempts"), "{errors}");
    let pod_calls = fake.requests().iter().filter(|r| r.starts_with("/api/v1/pods")).count();
    assert_eq!(pod_calls, 5);
}

#[cfg(feature = "k8s")]
#[test]
fn a_stalled_kubernetes_api_fails_at_the_deadline() {
    let fake = FakeK8s::start(one_pod());
    fake.fault(Fault { path_contains: "/secrets", status: 0, retry_after: None, count: 100, message: None });
    let dir = tempfile::tempdir().expect("tempdir");
    let r = scan_k8s(&fake, dir.path(), &["--timeout", "3"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let source = only_source(&r.report);
    assert_eq!(source["status"], "error");
    assert!(source["errors"].to_string().contains("timed out after 3 s"), "{source}");
    assert!(r.elapsed < Duration::from_secs(30), "took {:?}", r.elapsed);
}

#[cfg(feature = "k8s")]
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

#[cfg(feature = "k8s")]
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

#[cfg(feature = "aws")]
#[test]
fn credential_files_are_never_quoted() {
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
}

#[cfg(feature = "aws")]
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

#[cfg(feature = "aws")]
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

/// `--shard I/N` reads every N-th live source from the I-th: one process per shard.
#[cfg(feature = "k8s")]
#[test]
fn a_shard_reads_its_part_of_the_live_sources() {
    let dir = tempfile::tempdir().expect("tempdir");
    let contexts = ["--kube-context", "a", "--kube-context", "b", "--kube-context", "c", "--kube-context", "d"];
    let scan = |shard: &str| {
        let out = wiscan()
            .env("KUBECONFIG", "/dev/null")
            .env("HOME", dir.path())
            .args(["scan", "--format", "json", "--timeout", "10", "--shard", shard])
            .args(contexts)
            .output()
            .expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let (code, stdout, stderr) = scan("1/3");
    assert_eq!(code, Some(2), "no such contexts: the sources fail, visibly: {stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    let origins: Vec<&str> = report["sources"].as_array().expect("sources").iter().filter_map(|s| s["origin"].as_str()).collect();
    assert_eq!(origins, vec!["k8s/b"], "shard 1 of 3 of a, b, c, d is b");
    let (_, stdout, _) = scan("0/3");
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    let origins: Vec<&str> = report["sources"].as_array().expect("sources").iter().filter_map(|s| s["origin"].as_str()).collect();
    assert_eq!(origins, vec!["k8s/a", "k8s/d"]);
    let (code, _, stderr) = scan("4/3");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("INDEX below COUNT"), "{stderr}");
}
