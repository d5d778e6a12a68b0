//! Reports: one sorted [`Report`] rendered by pure functions, one file per format.

pub mod json;
pub mod sarif;
pub mod table;

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::provenance::SourceReport;
use crate::rules::RuleMeta;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Sarif,
}

/// Everything a renderer needs; renderers never evaluate.
#[derive(Debug)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// The rules that ran, sorted by ID.
    pub rules: Vec<&'static RuleMeta>,
    pub sources: Vec<SourceReport>,
    /// Failed rules, expired ignores and the like; also logged.
    pub warnings: Vec<String>,
    /// What was scanned, for SARIF `automationDetails.id` (e.g. `aws/123456789012`).
    pub scope: String,
    /// Whether every source was read and every rule ran.
    pub is_complete: bool,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Unsuppressed findings.
    pub total: usize,
    pub by_severity: indexmap::IndexMap<&'static str, usize>,
    pub suppressed: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let active: Vec<&Finding> = self.findings.iter().filter(|f| !f.is_suppressed()).collect();
        let by_severity =
            Severity::ALL_DESCENDING.iter().map(|s| (s.as_str(), active.iter().filter(|f| f.severity == *s).count())).collect();
        Summary { total: active.len(), by_severity, suppressed: self.findings.len() - active.len() }
    }
}

/// Renders in the chosen format.
pub fn render(report: &Report, format: Format, options: &RenderOptions, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Table => table::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, options, out),
    }
}

#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub color: bool,
    /// Table width in columns.
    pub width: u16,
    /// SARIF: emit suppressed findings with `suppressions` instead of leaving them out.
    pub include_suppressed: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self { color: false, width: 100, include_suppressed: false }
    }
}
