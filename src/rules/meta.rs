//! Rule metadata: `rules/ID.md`, TOML front matter plus a Markdown body, the only place a
//! rule's words live. The table, `wiscan rules ID`, SARIF descriptors and the README come from it.

use serde::Deserialize;

use crate::finding::{Provider, Severity};

/// The sections every rule document has, in order.
pub const SECTIONS: [&str; 5] = ["What it flags", "Why it matters", "Not flagged", "How to fix", "References"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    name: String,
    title: String,
    provider: Provider,
    severity: Severity,
    /// The highest severity a finding of this rule is raised to, for rules that escalate.
    #[serde(default)]
    escalates_to: Option<Severity>,
    tags: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub title: String,
    pub provider: Provider,
    pub default_severity: Severity,
    /// The highest severity a finding is raised to, for rules that escalate (their fixtures
    /// include `escalates-*`).
    pub escalates_to: Option<Severity>,
    pub tags: Vec<String>,
    /// The Markdown body after the front matter.
    pub body: String,
}

impl RuleMeta {
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text.strip_prefix("+++\n").ok_or("missing +++ front matter")?;
        let (front, body) = rest.split_once("\n+++\n").ok_or("unterminated +++ front matter")?;
        let fm: FrontMatter = toml::from_str(front).map_err(|e| e.to_string())?;
        let meta = RuleMeta {
            id: fm.id,
            name: fm.name,
            title: fm.title,
            provider: fm.provider,
            default_severity: fm.severity,
            escalates_to: fm.escalates_to,
            tags: fm.tags,
            body: body.trim().to_string(),
        };
        if meta.escalates_to.is_some_and(|to| to <= meta.default_severity) {
            return Err("escalates_to must be above the default severity".into());
        }
        let mut last = 0;
        for section in SECTIONS {
            let heading = format!("## {section}\n");
            let at = meta.body.find(&heading).ok_or_else(|| format!("missing section `## {section}`"))?;
            if at < last {
                return Err(format!("section `## {section}` is out of order"));
            }
            last = at;
        }
        Ok(meta)
    }

    /// The text of one `## ` section.
    pub fn section(&self, name: &str) -> &str {
        let heading = format!("## {name}\n");
        let Some(start) = self.body.find(&heading).map(|i| i + heading.len()) else { return "" };
        let end = self.body[start..].find("\n## ").map(|i| start + i).unwrap_or(self.body.len());
        self.body[start..end].trim()
    }

    /// First paragraph of "What it flags": the SARIF `fullDescription`.
    pub fn full_description(&self) -> String {
        let section = self.section("What it flags");
        section.split("\n\n").next().unwrap_or(section).split_whitespace().collect::<Vec<_>>().join(" ")
    }
}
