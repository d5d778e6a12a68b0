//! The JSON report, schema version 1: a versioned view with its own serde structs.

use indexmap::IndexMap;
use serde::Serialize;

use super::{Report, Summary};
use crate::finding::{Finding, Location, Resource, Suppression};
use crate::sources::SourceReport;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    complete: bool,
    sources: &'a [SourceReport],
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule: &'a str,
    severity: &'static str,
    provider: &'static str,
    resource: &'a Resource,
    message: &'a str,
    evidence: IndexMap<&'a str, &'a str>,
    fingerprint: &'a str,
    suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a Suppression>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a Location>,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule_id: f.rule_id,
            rule: f.rule_name,
            severity: f.severity.as_str(),
            provider: f.provider.as_str(),
            resource: &f.resource,
            message: &f.message,
            evidence: f.evidence.iter().map(|(k, v)| (k.as_str(), v.value.as_str())).collect(),
            fingerprint: &f.fingerprint,
            suppressed: f.is_suppressed(),
            suppression: f.suppression.as_ref(),
            location: f.location.as_ref(),
        }
    }
}

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool { name: "wiscan", version: env!("CARGO_PKG_VERSION") },
        complete: report.is_complete,
        sources: &report.sources,
        findings: report.findings.iter().map(JsonFinding::from).collect(),
        summary: report.summary(),
        warnings: &report.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
