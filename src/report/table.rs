//! The human report: findings grouped by severity in a table that fits the terminal, then a
//! summary line per severity and source, and a hint on how to read more.

use comfy_table::{Cell, ContentArrangement, Table, presets};
use owo_colors::OwoColorize;

use super::{RenderOptions, Report};
use crate::finding::Severity;
use crate::provenance::SourceStatus;

/// Resource IDs longer than this are shortened in the middle.
const RESOURCE_WIDTH: usize = 38;

pub fn render(report: &Report, options: &RenderOptions, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let shown: Vec<_> = report.findings.iter().filter(|f| !f.is_suppressed()).collect();
    if !shown.is_empty() {
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_HORIZONTAL_ONLY)
            .set_content_arrangement(ContentArrangement::DynamicFullWidth)
            .set_width(options.width)
            .set_header(vec!["SEVERITY", "RULE", "RESOURCE", "MESSAGE"]);
        for f in &shown {
            let severity = paint(f.severity, options.color);
            let resource = shorten_middle(&f.resource.id, RESOURCE_WIDTH);
            let location = match &f.location {
                Some(loc) => format!("\n{}:{}", loc.path, loc.line.unwrap_or(1)),
                None => String::new(),
            };
            // The least-privilege replacement, when one is known: one line under the message.
            let message = match &f.fix {
                Some(fix) => format!("{}\nfix: {}", f.message, fix.description),
                None => f.message.clone(),
            };
            table.add_row(vec![Cell::new(severity), Cell::new(f.rule_id), Cell::new(format!("{resource}{location}")), Cell::new(message)]);
        }
        writeln!(out, "{table}")?;
    }
    for w in &report.warnings {
        writeln!(out, "warning: {w}")?;
    }
    let summary = report.summary();
    let counts: Vec<String> = Severity::ALL_DESCENDING
        .iter()
        .map(|s| {
            let n = summary.by_severity.get(s.as_str()).copied().unwrap_or(0);
            let text = format!("{n} {s}");
            if n > 0 { paint_text(*s, &text, options.color) } else { text }
        })
        .collect();
    let noun = if summary.total == 1 { "finding" } else { "findings" };
    let mut line = format!("{} {noun}: {}", summary.total, counts.join(", "));
    if summary.suppressed > 0 {
        line.push_str(&format!(" ({} suppressed)", summary.suppressed));
    }
    writeln!(out, "{line}")?;
    let read = report.sources.iter().filter(|s| s.status == SourceStatus::Ok).count();
    let failed = report.sources.iter().filter(|s| s.is_failure()).count();
    let skipped = report.sources.iter().filter(|s| s.status == SourceStatus::Skipped).count();
    let objects: usize = report.sources.iter().map(|s| s.objects).sum();
    let mut sources = format!("sources: {read} read ({objects} objects)");
    if skipped > 0 {
        sources.push_str(&format!(", {skipped} skipped"));
    }
    if failed > 0 {
        let failed_text = format!("{failed} failed");
        sources.push_str(&format!(", {}", if options.color { failed_text.red().bold().to_string() } else { failed_text }));
    }
    writeln!(out, "{sources}")?;
    if let Some(first) = shown.first() {
        writeln!(out, "hint: `wiscan rules {}` explains a rule and how to fix it; `--format json` shows the evidence", first.rule_id)?;
    }
    Ok(())
}

fn paint(severity: Severity, color: bool) -> String {
    paint_text(severity, severity.as_str(), color)
}

fn paint_text(severity: Severity, text: &str, color: bool) -> String {
    if !color {
        return text.to_string();
    }
    match severity {
        Severity::Critical => text.red().bold().to_string(),
        Severity::High => text.red().to_string(),
        Severity::Medium => text.yellow().to_string(),
        Severity::Low => text.cyan().to_string(),
        Severity::Info => text.dimmed().to_string(),
    }
}

/// `arn:aws:iam::123456789012:role/…/deployer`: keeps both ends, never cuts off the end.
pub fn shorten_middle(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max || max < 5 {
        return text.to_string();
    }
    let keep = max - 1;
    let head = keep / 2;
    let tail = keep - head;
    format!("{}…{}", chars[..head].iter().collect::<String>(), chars[chars.len() - tail..].iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortens_in_the_middle() {
        let arn = "arn:aws:iam::123456789012:role/very/long/path/ci-deployer";
        let short = shorten_middle(arn, 30);
        assert_eq!(short.chars().count(), 30);
        assert!(short.starts_with("arn:aws:iam::") && short.ends_with("ci-deployer"));
        assert_eq!(shorten_middle("short", 30), "short");
    }
}
