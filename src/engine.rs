//! Runs the selected rules over the inventory in parallel, then sorts, de-duplicates and applies
//! severity overrides, suppressions and the baseline. Deterministic whatever the thread timing.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::config::IgnoreEntry;
use crate::finding::{Finding, Severity, Suppression, SuppressionKind};
use crate::model::Inventory;
use crate::rules::{Context, Findings, Rule};

/// What the engine does with findings after the rules ran.
#[derive(Debug, Default)]
pub struct Triage {
    pub severity_overrides: HashMap<String, Severity>,
    pub ignores: Vec<IgnoreEntry>,
    pub baseline: HashSet<String>,
    pub min_severity: Option<Severity>,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// One line per rule that panicked: a bug, reported and failing the scan.
    pub rule_failures: Vec<String>,
    /// Config ignores that matched nothing, or that expired.
    pub warnings: Vec<String>,
}

pub fn run(inventory: &Inventory, rules: &[&'static dyn Rule], now: Timestamp, triage: &Triage) -> Outcome {
    let cx = Context { inventory, now };
    let results: Vec<Result<Vec<Finding>, String>> = rules
        .par_iter()
        .map(|rule| {
            let mut out = Findings::default();
            catch_unwind(AssertUnwindSafe(|| rule.check(&cx, &mut out)))
                .map(|()| out.0)
                .map_err(|panic| format!("rule {} failed: {}", rule.id(), panic_message(panic.as_ref())))
        })
        .collect();

    let mut outcome = Outcome::default();
    for result in results {
        match result {
            Ok(findings) => outcome.findings.extend(findings),
            Err(failure) => outcome.rule_failures.push(failure),
        }
    }
    for f in &mut outcome.findings {
        if let Some(&severity) = triage.severity_overrides.get(f.rule_id) {
            f.severity = severity;
        }
    }
    if let Some(min) = triage.min_severity {
        outcome.findings.retain(|f| f.severity >= min);
    }
    outcome.findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(b.rule_id))
            .then_with(|| a.resource.id.cmp(&b.resource.id))
            .then_with(|| a.message.cmp(&b.message))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    // The same problem reached twice (two statements saying the same thing) is one finding.
    let mut seen = HashSet::new();
    outcome.findings.retain(|f| seen.insert(f.fingerprint.clone()));

    apply_ignores(&mut outcome, &triage.ignores, now);
    for f in &mut outcome.findings {
        if f.suppression.is_none() && triage.baseline.contains(&f.fingerprint) {
            f.suppression = Some(Suppression { kind: SuppressionKind::Baseline, reason: "in baseline".into() });
        }
    }
    outcome
}

fn apply_ignores(outcome: &mut Outcome, ignores: &[IgnoreEntry], now: Timestamp) {
    for entry in ignores {
        let is_expired = entry.expires.is_some_and(|date| date < now);
        let mut matched = 0;
        for f in outcome.findings.iter_mut().filter(|f| entry.matches(f)) {
            matched += 1;
            if !is_expired && f.suppression.is_none() {
                f.suppression = Some(Suppression { kind: SuppressionKind::Config, reason: entry.reason.clone() });
            }
        }
        if is_expired {
            outcome
                .warnings
                .push(format!("{}: ignore of {} expired; it no longer suppresses ({matched} finding(s))", entry.location, entry.rule));
        } else if matched == 0 {
            outcome.warnings.push(format!("{}: ignore of {} matched no finding", entry.location, entry.rule));
        }
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}
