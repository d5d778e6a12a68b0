//! The `wiscan()` command builder: a clean environment, a fixed clock and width, the repo as cwd.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// "Now" for every test: key ages in fixtures are relative to it.
pub const NOW: &str = "2026-12-01T00:00:00Z";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary with an environment that cannot reach a cloud or read a developer's settings.
pub fn wiscan() -> Command {
    let mut cmd = Command::cargo_bin("wiscan").expect("binary built");
    for (key, _) in std::env::vars() {
        let cleared = ["NO_COLOR", "CI", "KUBECONFIG", "RUST_LOG", "COLUMNS"].contains(&key.as_str())
            || ["AWS_", "GOOGLE_", "AZURE_", "WISCAN_", "GCE_"].iter().any(|p| key.starts_with(p));
        if cleared {
            cmd.env_remove(&key);
        }
    }
    cmd.env("WISCAN_NOW", NOW)
        .env("COLUMNS", "100")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        // Google's credential chain ends at the metadata server: a closed loopback port here.
        .env("GCE_METADATA_HOST", "127.0.0.1:9")
        .env("GCE_METADATA_IP", "127.0.0.1:9")
        .current_dir(repo());
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

pub fn run(args: &[&str]) -> Run {
    let output = wiscan().args(args).output().expect("runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `scan --from PATH --format json --fail-on none`, parsed.
pub fn scan_json(path: &Path) -> Value {
    let p = path.to_string_lossy().to_string();
    let r = run(&["scan", "--from", &p, "--format", "json", "--fail-on", "none"]);
    assert!(r.code == 0 || r.code == 2, "unexpected exit {} for {p}: {}", r.code, r.stderr);
    r.json()
}

pub fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings array")
}

/// Findings without their location (file and line offline, none live), for live/offline parity.
pub fn without_locations(report: &Value) -> Vec<Value> {
    findings(report)
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if let Some(map) = f.as_object_mut() {
                map.remove("location");
            }
            f
        })
        .collect()
}

/// The findings of one provider, without where they were read: what live and offline scans of the
/// same data must agree on.
#[allow(dead_code)]
pub fn provider_findings(report: &Value, provider: &str) -> Vec<Value> {
    let mut findings: Vec<Value> = findings(report)
        .iter()
        .filter(|f| f["provider"] == provider)
        .map(|f| serde_json::json!({"rule": f["rule_id"], "severity": f["severity"], "resource": f["resource"], "message": f["message"], "evidence": f["evidence"], "fingerprint": f["fingerprint"]}))
        .collect();
    findings.sort_by_key(|f| f.to_string());
    findings
}
