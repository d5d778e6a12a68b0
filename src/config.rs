//! `wiscan.toml`: read into a raw form with spans, then validated into [`Config`], so every
//! error names `wiscan.toml:LINE`.
//!
//! ```toml
//! fail-on = "high"
//! min-severity = "low"
//! [rules]
//! ignore = ["AWS007"]
//! severity = { AWS003 = "low" }
//! [[ignore]]
//! rule = "AWS001"
//! resource = "arn:aws:iam::123456789012:role/legacy-*"
//! reason = "moving to per-repo roles"
//! expires = "2026-12-31"
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;
use toml::Spanned;

use crate::finding::{Finding, Severity};
use crate::policy::glob::glob_match;

pub const DEFAULT_FILE: &str = "wiscan.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    min_severity: Option<Spanned<String>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    ignore: Vec<Spanned<RawIgnore>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    rule: Spanned<String>,
    resource: Option<String>,
    reason: Option<String>,
    expires: Option<Spanned<String>>,
}

/// Which findings to gate on: a severity, or `none` (never fail on findings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Never,
    AtOrAbove(Severity),
}

impl std::str::FromStr for FailOn {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s.eq_ignore_ascii_case("none") {
            return Ok(FailOn::Never);
        }
        Severity::parse(s)
            .map(FailOn::AtOrAbove)
            .ok_or_else(|| format!("`{s}` is not a severity (critical, high, medium, low, info, none)"))
    }
}

#[derive(Debug, Default)]
pub struct Config {
    pub fail_on: Option<FailOn>,
    pub min_severity: Option<Severity>,
    pub ignore_rules: Vec<String>,
    pub select_rules: Vec<String>,
    pub severity_overrides: HashMap<String, Severity>,
    pub ignores: Vec<IgnoreEntry>,
}

/// One `[[ignore]]` entry: a rule (ID or name), an optional resource glob, a reason, an optional expiry.
#[derive(Debug, Clone)]
pub struct IgnoreEntry {
    pub rule: String,
    pub resource: Option<String>,
    pub reason: String,
    /// End of the expiry day, UTC.
    pub expires: Option<Timestamp>,
    /// `wiscan.toml:LINE`, for warnings.
    pub location: String,
}

impl IgnoreEntry {
    pub fn matches(&self, f: &Finding) -> bool {
        (self.rule.eq_ignore_ascii_case(f.rule_id) || self.rule == f.rule_name)
            && self.resource.as_deref().is_none_or(|pattern| glob_match(pattern, &f.resource.id))
    }
}

/// A config file that cannot be used; `line` 0 when the problem is the file as a whole.
#[derive(Debug, thiserror::Error)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The message may quote the file, which may hold anything: it is redacted like any error.
        let message = crate::redact::redact_error(&self.message);
        match self.line {
            0 => write!(f, "{}: {message}", self.path),
            line => write!(f, "{}:{line}: {message}", self.path),
        }
    }
}

/// The largest config or baseline file read: far above any real one, far below what would
/// exhaust memory (`--config /dev/zero`).
pub const MAX_SMALL_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a small text file (config, baseline) with a size cap.
pub fn read_small_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_SMALL_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SMALL_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("over the {} MiB limit for this kind of file", MAX_SMALL_FILE_BYTES >> 20),
        ));
    }
    String::from_utf8(bytes).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

impl Config {
    /// Reads `path`; `Ok(None)` when it is the default file and does not exist.
    pub fn load(path: &Path, is_explicit: bool) -> Result<Option<Config>, ConfigError> {
        let display = path.display().to_string();
        let text = match read_small_file(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !is_explicit => return Ok(None),
            Err(e) => return Err(ConfigError { path: display, line: 0, message: e.to_string() }),
        };
        Self::parse(&display, &text).map(Some)
    }

    pub fn parse(path: &str, text: &str) -> Result<Config, ConfigError> {
        let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
        let error = |offset: usize, message: String| ConfigError { path: path.to_string(), line: line_of(offset), message };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            error(offset, e.message().to_string())
        })?;
        let severity = |s: &Spanned<String>| {
            Severity::parse(s.get_ref()).ok_or_else(|| error(s.span().start, format!("`{}` is not a severity", s.get_ref())))
        };
        let rule_id = |s: &Spanned<String>| {
            crate::rules::find(s.get_ref())
                .map(|r| r.id().to_string())
                .ok_or_else(|| error(s.span().start, format!("unknown rule `{}`", s.get_ref())))
        };
        let mut config = Config::default();
        if let Some(f) = &raw.fail_on {
            config.fail_on = Some(f.get_ref().parse().map_err(|m| error(f.span().start, m))?);
        }
        if let Some(m) = &raw.min_severity {
            config.min_severity = Some(severity(m)?);
        }
        config.ignore_rules = raw.rules.ignore.iter().map(rule_id).collect::<Result<_, _>>()?;
        config.select_rules = raw.rules.select.iter().map(rule_id).collect::<Result<_, _>>()?;
        for (id, value) in &raw.rules.severity {
            let rule = crate::rules::find(id).ok_or_else(|| error(value.span().start, format!("unknown rule `{id}`")))?;
            config.severity_overrides.insert(rule.id().to_string(), severity(value)?);
        }
        for entry in &raw.ignore {
            let start = entry.span().start;
            let e = entry.get_ref();
            let rule = rule_id(&e.rule)?;
            let reason = e
                .reason
                .clone()
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| error(start, format!("the ignore of {rule} needs a `reason`")))?;
            let expires = match &e.expires {
                None => None,
                Some(date) => {
                    let day: jiff::civil::Date = date
                        .get_ref()
                        .parse()
                        .map_err(|_| error(date.span().start, format!("`{}` is not a date (YYYY-MM-DD)", date.get_ref())))?;
                    let end =
                        day.at(23, 59, 59, 0).to_zoned(jiff::tz::TimeZone::UTC).map_err(|e| error(date.span().start, e.to_string()))?;
                    Some(end.timestamp())
                }
            };
            config.ignores.push(IgnoreEntry {
                rule,
                resource: e.resource.clone(),
                reason,
                expires,
                location: format!("{path}:{}", line_of(start)),
            });
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config() {
        let c = Config::parse(
            "wiscan.toml",
            "fail-on = \"critical\"\n[rules]\nignore = [\"AWS007\"]\nseverity = { AWS003 = \"low\" }\n[[ignore]]\nrule = \"oidc-sub-wildcard\"\nresource = \"arn:*\"\nreason = \"r\"\nexpires = \"2026-12-31\"\n",
        )
        .expect("valid");
        assert_eq!(c.fail_on, Some(FailOn::AtOrAbove(Severity::Critical)));
        assert_eq!(c.ignore_rules, vec!["AWS007"]);
        assert_eq!(c.severity_overrides.get("AWS003"), Some(&Severity::Low));
        assert_eq!(c.ignores[0].rule, "AWS001");
        assert_eq!(c.ignores[0].location, "wiscan.toml:5");
    }

    #[test]
    fn errors_name_the_line() {
        let e = Config::parse("wiscan.toml", "[[ignore]]\nrule = \"AWS001\"\n").expect_err("no reason");
        assert_eq!((e.line, e.message.contains("reason")), (1, true));
        let e = Config::parse("wiscan.toml", "fail-on = \"high\"\nbogus = 1\n").expect_err("unknown key");
        assert_eq!(e.line, 2);
        let e = Config::parse("wiscan.toml", "[rules]\nignore = [\"NOPE1\"]\n").expect_err("unknown rule");
        assert_eq!(e.line, 2);
    }
}
