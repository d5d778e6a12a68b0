//! Findings: what a rule reports, shaped like the JSON contract, with a stable fingerprint.

use std::fmt;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::provenance::Origin;
pub use crate::provenance::Provider;

/// Severities, in increasing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL_DESCENDING: [Severity; 5] = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low, Severity::Info];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one resource a finding names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    /// e.g. `aws:iam:role`.
    pub kind: String,
    /// An ARN, GCP resource name, Azure resource ID or `namespace/kind/name`.
    pub id: String,
    pub name: String,
}

/// Where in an input file the finding's object was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// An `[[ignore]]` entry in `wiscan.toml`.
    Config,
    /// A fingerprint in `--baseline`.
    Baseline,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
}

/// One evidence entry; volatile ones (ages, dates) are shown but not fingerprinted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceValue {
    pub value: String,
    pub is_volatile: bool,
}

/// One step of the path that makes a finding true: `from` becomes or reaches `to`, by `kind`
/// (an identity graph edge kind such as `irsa`), as `via` explains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathStep {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub via: String,
}

/// A least-privilege replacement proposed from observed use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// One line: what to change, and to what.
    pub description: String,
    /// The exact values to put in place of the broad one (subjects, members).
    pub replacement: Vec<String>,
    /// Why the replacement may admit too few (the collected clusters may not be all users).
    pub caveat: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule_id: &'static str,
    pub rule_name: &'static str,
    pub severity: Severity,
    pub provider: Provider,
    pub resource: Resource,
    pub message: String,
    pub evidence: IndexMap<String, EvidenceValue>,
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
    pub location: Option<Location>,
    /// The live scope (`aws/123456789012/us-east-1`) when the object was not read from a file.
    pub scope: Option<String>,
    /// The identity graph path that makes the finding true (cross-provider findings). Not fingerprinted.
    pub path: Vec<PathStep>,
    /// The narrow replacement for a broad trust, from the ServiceAccounts that use it. Not fingerprinted.
    pub fix: Option<Fix>,
}

impl Finding {
    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}

/// Builds a finding; `build` refuses one without a resource or message.
#[derive(Debug)]
pub struct FindingBuilder {
    rule_id: &'static str,
    rule_name: &'static str,
    provider: Provider,
    severity: Severity,
    resource: Option<Resource>,
    message: Option<String>,
    evidence: IndexMap<String, EvidenceValue>,
    origin: Option<Origin>,
    path: Vec<PathStep>,
    fix: Option<Fix>,
}

impl FindingBuilder {
    pub fn new(rule_id: &'static str, rule_name: &'static str, provider: Provider, severity: Severity) -> Self {
        Self {
            rule_id,
            rule_name,
            provider,
            severity,
            resource: None,
            message: None,
            evidence: IndexMap::new(),
            origin: None,
            path: Vec::new(),
            fix: None,
        }
    }

    pub fn resource(mut self, resource: Resource) -> Self {
        self.resource = Some(resource);
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Evidence that identifies the problem (part of the fingerprint). Passed through [`crate::redact`].
    pub fn evidence(mut self, key: &str, value: impl AsRef<str>) -> Self {
        let value = crate::redact::redact_text(value.as_ref());
        self.evidence.insert(key.to_string(), EvidenceValue { value, is_volatile: false });
        self
    }

    /// Evidence that changes with time (ages, last use) or with what else was read (the cluster a
    /// Kubernetes object belongs to: a folder until it is linked, a name after): shown, never
    /// fingerprinted, so a baseline survives the clock, a move and a new input.
    pub fn volatile_evidence(mut self, key: &str, value: impl AsRef<str>) -> Self {
        let value = crate::redact::redact_text(value.as_ref());
        self.evidence.insert(key.to_string(), EvidenceValue { value, is_volatile: true });
        self
    }

    pub fn at(mut self, origin: &Origin) -> Self {
        self.origin = Some(origin.clone());
        self
    }

    pub fn path(mut self, path: Vec<PathStep>) -> Self {
        self.path = path;
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn build(self) -> Option<Finding> {
        let mut resource = self.resource?;
        // A name can hold a key ID (a user named after its key, a Secret named `AKIA…`): the
        // resource is shown and fingerprinted as redacted.
        resource.id = crate::redact::redact_text(&resource.id);
        resource.name = crate::redact::redact_text(&resource.name);
        let message = crate::redact::redact_text(&self.message?);
        let fingerprint = fingerprint(self.rule_id, &resource.id, &self.evidence);
        let (location, scope) = match self.origin {
            Some(Origin::File { path, line }) => (Some(Location { path: path.to_string(), line }), None),
            Some(Origin::Live { scope }) => (None, Some(scope.to_string())),
            None => (None, None),
        };
        Some(Finding {
            rule_id: self.rule_id,
            rule_name: self.rule_name,
            severity: self.severity,
            provider: self.provider,
            resource,
            message,
            evidence: self.evidence,
            fingerprint,
            suppression: None,
            location,
            scope,
            // Names in paths and fixes can hold key IDs too (a user named after its key).
            path: self
                .path
                .into_iter()
                .map(|s| PathStep {
                    from: crate::redact::redact_text(&s.from),
                    to: crate::redact::redact_text(&s.to),
                    kind: s.kind,
                    via: crate::redact::redact_text(&s.via),
                })
                .collect(),
            fix: self.fix.map(|f| Fix {
                description: crate::redact::redact_text(&f.description),
                replacement: f.replacement.iter().map(|r| crate::redact::redact_text(r)).collect(),
                caveat: f.caveat.as_deref().map(crate::redact::redact_text),
            }),
        })
    }
}

/// Hex SHA-256 of `v1|rule|resource|key=value...` over the stable evidence, in insertion order.
/// Never paths, lines, order or time: the same problem fingerprints the same live, offline and next week.
pub fn fingerprint(rule_id: &str, resource_id: &str, evidence: &IndexMap<String, EvidenceValue>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"v1|");
    hasher.update(rule_id.as_bytes());
    hasher.update(b"|");
    hasher.update(resource_id.as_bytes());
    for (key, value) in evidence.iter().filter(|(_, v)| !v.is_volatile) {
        hasher.update(b"|");
        hasher.update(key.as_bytes());
        hasher.update(b"=");
        hasher.update(value.value.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(pairs: &[(&str, &str, bool)]) -> IndexMap<String, EvidenceValue> {
        pairs.iter().map(|(k, v, vol)| (k.to_string(), EvidenceValue { value: v.to_string(), is_volatile: *vol })).collect()
    }

    #[test]
    fn fingerprint_ignores_volatile_evidence_and_is_stable() {
        let a = fingerprint("AWS008", "arn:aws:iam::1:user/a", &ev(&[("key", "AKIA…WXYZ", false), ("age_days", "100", true)]));
        let b = fingerprint("AWS008", "arn:aws:iam::1:user/a", &ev(&[("key", "AKIA…WXYZ", false), ("age_days", "200", true)]));
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        let c = fingerprint("AWS008", "arn:aws:iam::1:user/b", &ev(&[("key", "AKIA…WXYZ", false)]));
        assert_ne!(a, c);
        // Pinned value: a change in the recipe must be deliberate (it would reopen every baseline).
        assert_eq!(
            fingerprint("AWS001", "r", &ev(&[("value", "x", false)])),
            "9daea7a4fe1c7a19fa1f8899faae12ac8720ad7489121e59b69d1c4532ea5315"
        );
    }

    #[test]
    fn severity_order() {
        assert!(Severity::Critical > Severity::High && Severity::Low > Severity::Info);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
    }
}
