//! Failing closed on damaged inputs and bad values, with the documented exit codes, and never
//! quoting a secret in an error: nothing unreadable passes as clean. (Live sources: `fail_closed_live`.)

use crate::common::run;

#[test]
fn config_errors_are_never_quoted() {
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWISCANLEAK";
    const KEY_ID: &str = "AKIAZ7Q3WISCANLEAKQ4";
    let dir = tempfile::tempdir().expect("tempdir");
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
