//! No output, log or snapshot ever carries a secret: access key IDs only redacted, secret keys
//! and private keys never. Secrets are planted in every AWS input kind that can hold text.

use std::path::Path;

use crate::common::run;

const KEY_ID: &str = "AKIAZ7Q3WISCANLEAKQ4";
const SECRET: &str = "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";
const PEM: &str = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCwiscanleak\\n-----END PRIVATE KEY-----";

fn plant(dir: &Path) {
    std::fs::write(
        dir.join("keys.json"),
        format!(r#"{{"AccessKeyMetadata": [{{"UserName": "ci-bot", "AccessKeyId": "{KEY_ID}", "Status": "Active", "CreateDate": "2024-01-01T00:00:00+00:00"}}]}}"#),
    )
    .expect("write");
    // A role whose description, tags and trust values carry secrets: none of it may be echoed.
    std::fs::write(
        dir.join("role.json"),
        format!(
            r#"{{"Role": {{"RoleName": "leaky", "RoleId": "AROAEXAMPLELEAKY0001", "Arn": "arn:aws:iam::111122223333:role/leaky",
            "Description": "aws_secret_access_key={SECRET}", "Tags": [{{"Key": "pem", "Value": "{PEM}"}}],
            "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
              "Condition": {{"StringEquals": {{"aws:username": "{SECRET}"}}, "StringLike": {{"aws:userid": "{KEY_ID}"}}}}}}]}}}}}}"#
        ),
    )
    .expect("write");
}

#[test]
fn no_output_format_log_or_snapshot_leaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    plant(dir.path());
    let d = dir.path().to_string_lossy().to_string();
    let snap = dir.path().join("out.snapshot");
    let mut outputs = Vec::new();
    for format in ["table", "json", "sarif"] {
        let r = run(&["-vv", "scan", "--from", &d, "--format", format, "--sarif-include-suppressed"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        outputs.push((format!("{format} stdout"), r.stdout));
        outputs.push((format!("{format} stderr"), r.stderr));
    }
    let r = run(&["-vv", "collect", "--from", &d, "--out", &snap.to_string_lossy()]);
    outputs.push(("collect stderr".into(), r.stderr));
    outputs.push(("snapshot".into(), std::fs::read_to_string(&snap).expect("snapshot written")));
    let baseline = dir.path().join("baseline.json");
    run(&["scan", "--from", &d, "--write-baseline", &baseline.to_string_lossy()]);
    outputs.push(("baseline".into(), std::fs::read_to_string(&baseline).expect("baseline written")));
    // A broken input whose error message could quote the secret.
    std::fs::write(dir.path().join("broken.json"), format!("{{\"Roles\": [\"{SECRET}\" {KEY_ID}]}}")).expect("write");
    let r = run(&["scan", "--from", &d]);
    outputs.push(("error".into(), r.stderr));

    for (name, text) in &outputs {
        for secret in [KEY_ID, SECRET, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCwiscanleak", "wiscanleak"] {
            assert!(!text.contains(secret), "{name} leaks {secret}:\n{text}");
        }
    }
    // The key is still identifiable, redacted.
    assert!(outputs[2].1.contains("AKIA…LKQ4") || outputs[2].1.contains("AKIA…AKQ4"), "{}", outputs[2].1);
}
