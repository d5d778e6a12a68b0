//! The JSON report, schema version 1: a versioned view with its own serde structs.

use indexmap::IndexMap;
use serde::Serialize;

use super::{Report, Summary};
use crate::finding::{Finding, Fix, PathStep, SuppressionKind};
use crate::provenance::{SourceReport, SourceStatus};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    tool: Tool,
    complete: bool,
    sources: Vec<JsonSource<'a>>,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

/// `tool` of every JSON document wiscan writes (the report and the map).
#[derive(Serialize)]
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    pub(crate) fn this() -> Self {
        Tool { name: "wiscan", version: env!("CARGO_PKG_VERSION") }
    }
}

/// One entry of `sources` (the report's and the map's).
#[derive(Serialize)]
pub(crate) struct JsonSource<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'static str>,
    origin: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    status: SourceStatus,
    objects: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    calls: Option<usize>,
    errors: &'a [String],
}

impl<'a> From<&'a SourceReport> for JsonSource<'a> {
    fn from(s: &'a SourceReport) -> Self {
        JsonSource {
            provider: s.provider.map(|p| p.as_str()),
            origin: &s.origin,
            kind: s.kind.as_deref(),
            status: s.status,
            objects: s.objects,
            calls: s.calls,
            errors: &s.errors,
        }
    }
}

#[derive(Serialize)]
struct JsonResource<'a> {
    kind: &'a str,
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    rule: &'a str,
    severity: &'static str,
    provider: &'static str,
    resource: JsonResource<'a>,
    message: &'a str,
    evidence: IndexMap<&'a str, &'a str>,
    fingerprint: &'a str,
    suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<JsonSuppression<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<JsonLocation<'a>>,
    /// The identity graph path that makes the finding true, source first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    path: Vec<JsonPathStep<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
pub(crate) struct JsonPathStep<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub kind: &'a str,
    pub via: &'a str,
}

impl<'a> From<&'a PathStep> for JsonPathStep<'a> {
    fn from(s: &'a PathStep) -> Self {
        JsonPathStep { from: &s.from, to: &s.to, kind: s.kind, via: &s.via }
    }
}

#[derive(Serialize)]
pub(crate) struct JsonFix<'a> {
    pub description: &'a str,
    pub replacement: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caveat: Option<&'a str>,
}

impl<'a> From<&'a Fix> for JsonFix<'a> {
    fn from(f: &'a Fix) -> Self {
        JsonFix { description: &f.description, replacement: &f.replacement, caveat: f.caveat.as_deref() }
    }
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule_id: f.rule_id,
            rule: f.rule_name,
            severity: f.severity.as_str(),
            provider: f.provider.as_str(),
            resource: JsonResource { kind: &f.resource.kind, id: &f.resource.id, name: &f.resource.name },
            message: &f.message,
            evidence: f.evidence.iter().map(|(k, v)| (k.as_str(), v.value.as_str())).collect(),
            fingerprint: &f.fingerprint,
            suppressed: f.is_suppressed(),
            suppression: f.suppression.as_ref().map(|s| JsonSuppression {
                kind: match s.kind {
                    SuppressionKind::Config => "config",
                    SuppressionKind::Baseline => "baseline",
                },
                reason: &s.reason,
            }),
            location: f.location.as_ref().map(|l| JsonLocation { path: &l.path, line: l.line }),
            path: f.path.iter().map(JsonPathStep::from).collect(),
            fix: f.fix.as_ref().map(JsonFix::from),
        }
    }
}

pub fn render(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = JsonReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool::this(),
        complete: report.is_complete,
        sources: report.sources.iter().map(JsonSource::from).collect(),
        findings: report.findings.iter().map(JsonFinding::from).collect(),
        summary: report.summary(),
        warnings: &report.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
