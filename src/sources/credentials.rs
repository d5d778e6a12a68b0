//! Finding static credentials in cluster data: AWS access keys, Google service-account JSON keys
//! and Azure client secrets, in a value and in `.env`/INI/JSON content inside it.
//!
//! Precise rather than noisy: a key ID must be `AKIA`/`ASIA` + 16 base32 characters standing alone,
//! a Google key must be service-account JSON with a private key. Only redacted identifiers leave here.

use crate::model::k8s::StaticCredential;
use crate::redact::{looks_like_aws_secret, redact_key_id};

/// Settings whose value is an Azure client secret (compared case-insensitively).
const AZURE_SECRET_SETTINGS: [&str; 4] = ["AZURE_CLIENT_SECRET", "aadClientSecret", "ARM_CLIENT_SECRET", "AzureClientSecret"];

/// Credentials in one value stored under `setting` (an env name, a data key).
pub fn scan(setting: &str, value: &str) -> Vec<StaticCredential> {
    let mut found = Vec::new();
    let has_secret_key = value.split(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '+')).any(looks_like_aws_secret);
    for key_id in aws_key_ids(value) {
        found.push(StaticCredential::AwsAccessKey { key_id: redact_key_id(key_id), has_secret_key });
    }
    if let Some(gcp) = gcp_service_account_key(value) {
        found.push(gcp);
    }
    let is_azure_setting = AZURE_SECRET_SETTINGS.iter().any(|s| s.eq_ignore_ascii_case(setting));
    if is_azure_setting && !value.trim().is_empty() {
        found.push(StaticCredential::AzureClientSecret { setting: setting.to_string() });
    } else if let Some(inner) = azure_setting_in_content(value) {
        found.push(StaticCredential::AzureClientSecret { setting: inner });
    }
    found
}

/// AWS access key IDs standing alone in `text`.
pub fn aws_key_ids(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"A").filter_map(move |i| {
        let candidate = text.get(i..i + 20)?;
        let prefix_ok = candidate.starts_with("AKIA") || candidate.starts_with("ASIA");
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let after_ok = bytes.get(i + 20).is_none_or(|b| !b.is_ascii_alphanumeric());
        (prefix_ok && before_ok && after_ok && crate::redact::is_aws_key_id(candidate)).then_some(candidate)
    })
}

fn gcp_service_account_key(value: &str) -> Option<StaticCredential> {
    let trimmed = value.trim();
    if !trimmed.starts_with('{') || !trimmed.contains("service_account") {
        return None;
    }
    let json: serde_json::Value = serde_json::from_str(trimmed).ok()?;
    let is_key = json.get("type").and_then(|t| t.as_str()) == Some("service_account")
        && json.get("private_key").and_then(|k| k.as_str()).is_some_and(|k| !k.is_empty());
    if !is_key {
        return None;
    }
    Some(StaticCredential::GcpServiceAccountKey {
        client_email: json.get("client_email").and_then(|v| v.as_str()).unwrap_or("(unknown)").to_string(),
        private_key_id: redact_key_id(json.get("private_key_id").and_then(|v| v.as_str()).unwrap_or("")),
    })
}

/// An Azure secret setting with a value inside `.env`, INI, YAML or JSON content.
fn azure_setting_in_content(value: &str) -> Option<String> {
    for line in value.lines() {
        let line = line.trim().trim_start_matches("export ").trim_start_matches('"');
        for setting in AZURE_SECRET_SETTINGS {
            let Some(rest) = strip_prefix_ci(line, setting) else { continue };
            let rest = rest.trim_start_matches('"').trim_start();
            let Some(rest) = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':')) else { continue };
            let rest = rest.trim().trim_matches(|c| c == '"' || c == '\'' || c == ',');
            if !rest.is_empty() && !rest.starts_with("${") {
                return Some(setting.to_string());
            }
        }
    }
    None
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_keys_alone_and_in_files() {
        let ini = "[default]\naws_access_key_id = AKIA2E4G6J7K3M5P7Q2R\naws_secret_access_key = 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\n";
        let found = scan("credentials", ini);
        assert_eq!(found, vec![StaticCredential::AwsAccessKey { key_id: "AKIA…7Q2R".into(), has_secret_key: true }]);
        assert!(
            scan("x", "AKIA2E4G6J7K3M5P7Q2R").iter().all(|c| matches!(c, StaticCredential::AwsAccessKey { has_secret_key: false, .. }))
        );
    }

    #[test]
    fn near_misses_are_not_keys() {
        for value in [
            "AKIA2E4G6J7K3M5P7Q2",
            "AKIA2E4G6J7K3M5P7Q2RX",
            "XAKIA2E4G6J7K3M5P7Q2R",
            "AKIA0E4G6J7K3M5P7Q2R",
            "AROA2E4G6J7K3M5P7Q2R",
            "akia2e4g6j7k3m5p7q2r",
            "dGhpcyBpcyBub3QgYSBrZXk=",
        ] {
            assert!(scan("x", value).is_empty(), "{value}");
        }
    }

    #[test]
    fn gcp_keys_need_a_private_key() {
        let key = r#"{"type": "service_account", "project_id": "p", "private_key_id": "0123456789abcdef0123456789abcdef01234567", "private_key": "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n", "client_email": "ci@p.iam.gserviceaccount.com"}"#;
        assert_eq!(
            scan("key.json", key),
            vec![StaticCredential::GcpServiceAccountKey {
                client_email: "ci@p.iam.gserviceaccount.com".into(),
                private_key_id: "0123…4567".into()
            }]
        );
        assert!(scan("adc.json", r#"{"type": "authorized_user", "client_id": "x", "refresh_token": "y"}"#).is_empty());
        assert!(scan("ext.json", r#"{"type": "service_account", "client_email": "x"}"#).is_empty());
    }

    #[test]
    fn azure_secrets_by_setting_and_in_content() {
        assert_eq!(scan("AZURE_CLIENT_SECRET", "Q~abc").len(), 1);
        assert!(scan("AZURE_CLIENT_SECRET", "").is_empty());
        assert_eq!(scan(".env", "AZURE_TENANT_ID=t\nAZURE_CLIENT_SECRET=Q~abc\n").len(), 1);
        assert_eq!(scan("azure.json", "{\n  \"aadClientSecret\": \"Q~abc\"\n}").len(), 1);
        assert!(scan(".env", "AZURE_CLIENT_ID=x\nAZURE_TENANT_ID=y\n").is_empty());
    }
}
