//! The command line as users and CI gates see it: output, stderr and exit code together.

use crate::common::{run, wiscan};

fn transcript(args: &[&str]) -> String {
    let r = run(args);
    format!("exit: {}\n--- stdout\n{}--- stderr\n{}", r.code, r.stdout, r.stderr)
}

#[test]
fn demo_table() {
    insta::assert_snapshot!(transcript(&["scan", "--from", "fixtures/demo"]));
}

#[test]
fn rules_list_and_explain() {
    insta::assert_snapshot!(transcript(&["rules"]));
    let r = run(&["rules", "AWS004"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("AWS004 github-oidc-unscoped (critical, aws)\n"));
    assert!(r.stdout.contains("## How to fix"));
    assert_eq!(run(&["rules", "oidc-sub-wildcard"]).stdout, run(&["rules", "aws001"]).stdout);
    let r = run(&["rules", "NOPE999"]);
    assert_eq!((r.code, r.stderr.trim()), (2, "error: unknown rule `NOPE999` (see `wiscan rules`)"));
}

#[test]
fn gate_thresholds() {
    // The demo has critical findings: the default gate (high) and --fail-on critical fail, none passes.
    assert_eq!(run(&["scan", "--from", "fixtures/demo"]).code, 1);
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--fail-on", "critical"]).code, 1);
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--fail-on", "none"]).code, 0);
    // Only low findings selected: high gate passes, low gate fails.
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--select", "AWS010"]).code, 0);
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--select", "AWS010", "--fail-on", "low"]).code, 1);
    // The format never changes the exit code.
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--format", "sarif"]).code, 1);
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--fail-on", "bogus"]).code, 2);
}

#[test]
fn select_ignore_and_min_severity() {
    let ids = |args: &[&str]| -> Vec<String> {
        let mut full = vec!["scan", "--from", "fixtures/demo", "--format", "json"];
        full.extend_from_slice(args);
        let report = run(&full).json();
        let mut ids: Vec<String> =
            report["findings"].as_array().expect("findings").iter().map(|f| f["rule_id"].as_str().expect("id").to_string()).collect();
        ids.dedup();
        ids
    };
    assert_eq!(ids(&["--select", "AWS005"]), vec!["AWS005"]);
    assert!(!ids(&["--ignore", "AWS001", "--ignore", "static-access-key"]).iter().any(|i| i == "AWS001" || i == "AWS008"));
    let report = run(&["scan", "--from", "fixtures/demo", "--format", "json", "--min-severity", "high"]).json();
    assert!(report["findings"].as_array().expect("findings").iter().all(|f| f["severity"] == "high" || f["severity"] == "critical"));
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--select", "AWS999"]).code, 2);
}

#[test]
fn baseline_suppresses_and_passes_the_gate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let baseline = dir.path().join("baseline.json");
    let b = baseline.to_string_lossy().to_string();
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--write-baseline", &b]).code, 1);
    let r = run(&["scan", "--from", "fixtures/demo", "--baseline", &b, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = r.json();
    assert_eq!(report["summary"]["total"], 0);
    assert!(
        report["findings"].as_array().expect("findings").iter().all(|f| f["suppressed"] == true && f["suppression"]["kind"] == "baseline")
    );
    // A JSON report works as a baseline too.
    let json_report = dir.path().join("report.json");
    std::fs::write(&json_report, run(&["scan", "--from", "fixtures/demo", "--format", "json"]).stdout).expect("write");
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--baseline", &json_report.to_string_lossy()]).code, 0);
    assert_eq!(run(&["scan", "--from", "fixtures/demo", "--baseline", "fixtures/bad/not-json.txt"]).code, 2);
}

#[test]
fn config_ignores_with_reason_and_expiry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("wiscan.toml");
    std::fs::write(
        &config,
        "fail-on = \"critical\"\n[rules]\nseverity = { AWS005 = \"low\" }\n\n[[ignore]]\nrule = \"AWS001\"\nresource = \"arn:aws:iam::123456789012:role/prod-*\"\nreason = \"migrating to per-SA roles\"\n\n[[ignore]]\nrule = \"AWS002\"\nreason = \"expired exception\"\nexpires = \"2026-01-31\"\n\n[[ignore]]\nrule = \"AWS006\"\nresource = \"arn:aws:iam::999999999999:*\"\nreason = \"other account\"\n",
    )
    .expect("write");
    let c = config.to_string_lossy().to_string();
    let r = run(&["scan", "--from", "fixtures/demo", "--config", &c, "--format", "json"]);
    let report = r.json();
    let all = report["findings"].as_array().expect("findings");
    assert!(
        all.iter()
            .filter(|f| f["rule_id"] == "AWS001")
            .all(|f| f["suppressed"] == true && f["suppression"]["reason"] == "migrating to per-SA roles")
    );
    assert!(all.iter().filter(|f| f["rule_id"] == "AWS002").all(|f| f["suppressed"] == false), "an expired ignore no longer suppresses");
    assert!(all.iter().filter(|f| f["rule_id"] == "AWS005").all(|f| f["severity"] == "low"));
    assert!(r.stderr.contains("wiscan.toml:10: ignore of AWS002 expired"), "{}", r.stderr);
    assert!(r.stderr.contains("wiscan.toml:15: ignore of AWS006 matched no finding"), "{}", r.stderr);
    // Unsuppressed critical AWS002 findings remain, so the config's fail-on = critical fails.
    assert_eq!(r.code, 1);

    std::fs::write(&config, "[[ignore]]\nrule = \"AWS001\"\n").expect("write");
    let r = run(&["scan", "--from", "fixtures/demo", "--config", &c]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("wiscan.toml:1: the ignore of AWS001 needs a `reason`"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["scan"]).code, 2);
    assert_eq!(run(&["bogus"]).code, 2);
    assert_eq!(run(&["scan", "--from", "does/not/exist.json"]).code, 2);
}

#[test]
fn output_file_and_no_color() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("r.txt");
    let r = wiscan().args(["scan", "--from", "fixtures/demo", "--color", "always", "--output"]).arg(&out).output().expect("runs");
    assert_eq!(r.status.code(), Some(1));
    assert!(r.stdout.is_empty());
    let text = std::fs::read_to_string(&out).expect("report written");
    assert!(!text.contains('\u{1b}'), "no colour codes in a file");
    let colored = wiscan().args(["scan", "--from", "fixtures/demo", "--color", "always"]).output().expect("runs");
    assert!(String::from_utf8_lossy(&colored.stdout).contains('\u{1b}'));
    let never = wiscan().args(["scan", "--from", "fixtures/demo"]).env("NO_COLOR", "1").output().expect("runs");
    assert!(!String::from_utf8_lossy(&never.stdout).contains('\u{1b}'));
}

/// A build without a live client refuses its flags with the feature to build with.
#[cfg(not(all(feature = "aws", feature = "k8s")))]
#[test]
fn live_flags_of_a_missing_feature_are_refused_by_name() {
    let cases = [(&["--aws"][..], "aws", cfg!(feature = "aws")), (&["--kube-context", "x"][..], "k8s", cfg!(feature = "k8s"))];
    for (flags, feature, is_built) in cases {
        if is_built {
            continue;
        }
        let mut args = vec!["scan"];
        args.extend_from_slice(flags);
        let r = run(&args);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains(&format!("needs the `{feature}` feature")), "{}", r.stderr);
    }
}
