//! SARIF 2.1.0 for code-scanning dashboards, with its own small serde model.
//!
//! GitHub code scanning rejects results without a physical location and artifact URIs that are not
//! relative file paths, so live findings get a stable synthetic path per resource.

use serde::Serialize;

use super::{RenderOptions, Report};
use crate::finding::{Finding, Severity, SuppressionKind};
use crate::rules::RuleMeta;

/// GitHub's limit on results per run.
pub const MAX_RESULTS: usize = 25_000;
const SCHEMA_URI: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF `level` for a severity: the one mapping, tested once.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a number as a string; ≥9 critical, ≥7 high, ≥4 medium, >0 low).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Info => "0.0",
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    automation_details: AutomationDetails,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text,
    full_description: Text,
    help: Help<'a>,
    help_uri: String,
    default_configuration: DefaultConfiguration,
    properties: DescriptorProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help<'a> {
    text: String,
    markdown: &'a str,
}

#[derive(Serialize)]
struct DefaultConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties<'a> {
    tags: Vec<&'a str>,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    precision: &'static str,
    #[serde(rename = "problem.severity")]
    problem_severity: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<ResultLocation<'a>>,
    partial_fingerprints: Fingerprints<'a>,
    fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<SarifSuppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    physical_location: PhysicalLocation,
    logical_locations: Vec<LogicalLocation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "primaryLocationLineHash", skip_serializing_if = "Option::is_none")]
    primary_location_line_hash: Option<&'a str>,
    #[serde(rename = "wiscan/v1")]
    wiscan: &'a str,
}

#[derive(Serialize)]
struct SarifSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    provider: &'static str,
    #[serde(rename = "resourceKind")]
    resource_kind: &'a str,
    /// The identity graph path behind a cross-provider finding, one `from → to (via)` per step.
    #[serde(rename = "identityPath", skip_serializing_if = "Vec::is_empty")]
    identity_path: Vec<String>,
    /// The least-privilege replacement. Not SARIF `fixes`: those patch the input file, and the
    /// inputs here are the clouds' own listings, not the files that define the trust.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<super::json::JsonFix<'a>>,
}

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let descriptors: Vec<Descriptor<'_>> = report.rules.iter().map(|m| descriptor(m)).collect();
    let selected: Vec<&Finding> = report.findings.iter().filter(|f| options.include_suppressed || !f.is_suppressed()).collect();
    let mut notifications: Vec<Notification> = report
        .sources
        .iter()
        .filter(|s| s.is_failure())
        .map(|s| Notification {
            level: "error",
            message: Text { text: format!("source {} was not fully read: {}", s.origin, s.errors.join("; ")) },
        })
        .collect();
    notifications.extend(report.warnings.iter().map(|w| Notification { level: "warning", message: Text { text: w.clone() } }));
    if selected.len() > MAX_RESULTS {
        notifications.push(Notification {
            level: "warning",
            message: Text {
                text: format!(
                    "results cut at {MAX_RESULTS} of {} (GitHub's limit per run); use --min-severity or split the scan",
                    selected.len()
                ),
            },
        });
    }
    let results = selected
        .into_iter()
        .take(MAX_RESULTS)
        .map(|f| {
            let rule_index = report.rules.iter().position(|m| m.id == f.rule_id).unwrap_or(0);
            result(f, rule_index)
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "wiscan",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: descriptors,
                },
            },
            automation_details: AutomationDetails { id: format!("wiscan/{}/", report.scope) },
            invocations: vec![Invocation { execution_successful: report.is_complete, tool_execution_notifications: notifications }],
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn descriptor(meta: &RuleMeta) -> Descriptor<'_> {
    let mut tags: Vec<&str> = vec!["security"];
    tags.extend(meta.tags.iter().map(String::as_str));
    Descriptor {
        id: &meta.id,
        name: &meta.name,
        short_description: Text { text: meta.title.clone() },
        full_description: Text { text: meta.full_description() },
        help: Help { text: format!("{} See `wiscan rules {}`.", meta.full_description(), meta.id), markdown: &meta.body },
        help_uri: format!("{}/blob/main/rules/{}.md", env!("CARGO_PKG_REPOSITORY"), meta.id),
        default_configuration: DefaultConfiguration { level: level(meta.default_severity) },
        properties: DescriptorProperties {
            tags,
            security_severity: security_severity(meta.default_severity),
            precision: "high",
            problem_severity: match meta.default_severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                _ => "recommendation",
            },
        },
    }
}

fn result(f: &Finding, rule_index: usize) -> SarifResult<'_> {
    let (uri, line) = match &f.location {
        Some(loc) => (percent_encode_path(&loc.path), loc.line.unwrap_or(1).max(1)),
        None => (synthetic_path(f), 1),
    };
    let suppressions = match &f.suppression {
        Some(s) => vec![SarifSuppression {
            kind: match s.kind {
                SuppressionKind::Config => "external",
                SuppressionKind::Baseline => "external",
            },
            justification: &s.reason,
        }],
        None => Vec::new(),
    };
    SarifResult {
        rule_id: f.rule_id,
        rule_index,
        level: level(f.severity),
        message: Text {
            text: match &f.fix {
                Some(fix) => format!("{}: {} Fix: {}", f.resource.id, f.message, fix.description),
                None => format!("{}: {}", f.resource.id, f.message),
            },
        },
        locations: vec![ResultLocation {
            physical_location: PhysicalLocation { artifact_location: ArtifactLocation { uri }, region: Region { start_line: line } },
            logical_locations: vec![LogicalLocation { name: &f.resource.name, fully_qualified_name: &f.resource.id, kind: "resource" }],
        }],
        partial_fingerprints: Fingerprints { primary_location_line_hash: Some(&f.fingerprint), wiscan: &f.fingerprint },
        fingerprints: Fingerprints { primary_location_line_hash: None, wiscan: &f.fingerprint },
        suppressions,
        properties: ResultProperties {
            severity: f.severity.as_str(),
            security_severity: security_severity(f.severity),
            provider: f.provider.as_str(),
            resource_kind: &f.resource.kind,
            identity_path: f.path.iter().map(|s| format!("{} → {} ({})", s.from, s.to, s.via)).collect(),
            fix: f.fix.as_ref().map(super::json::JsonFix::from),
        },
    }
}

/// `.wiscan/<provider>/<kind path>/<resource id>`, percent-encoded: stable per resource, a relative
/// path GitHub accepts, never a raw ARN as a URI.
pub fn synthetic_path(f: &Finding) -> String {
    let kind = f.resource.kind.split(':').skip(1).map(percent_encode_segment).collect::<Vec<_>>().join("/");
    format!(".wiscan/{}/{}/{}", f.provider.as_str(), kind, percent_encode_segment(&f.resource.id))
}

fn percent_encode_path(path: &str) -> String {
    path.split('/').map(percent_encode_segment).collect::<Vec<_>>().join("/")
}

fn percent_encode_segment(segment: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(segment, KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_mapping() {
        let rows: Vec<(&str, &str)> = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info]
            .iter()
            .map(|&s| (level(s), security_severity(s)))
            .collect();
        assert_eq!(rows, vec![("error", "9.5"), ("error", "8.0"), ("warning", "5.5"), ("note", "2.0"), ("note", "0.0")]);
    }

    #[test]
    fn paths_are_encoded() {
        assert_eq!(percent_encode_path("fixtures/demo/a b.json"), "fixtures/demo/a%20b.json");
        assert_eq!(percent_encode_segment("arn:aws:iam::1:role/x"), "arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fx");
    }
}
