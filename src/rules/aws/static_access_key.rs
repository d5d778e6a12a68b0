//! AWS008 static-access-key: an IAM user (or the root account) with an active access key.

use jiff::{SignedDuration, Timestamp};

use crate::rules::prelude::*;

declare_rule!(StaticAccessKey, "AWS008");

const STALE_DAYS: i64 = 90;

impl Rule for StaticAccessKey {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for user in &cx.inventory.aws.users {
            for key in user.keys.iter().filter(|k| k.is_active) {
                let label = match (&key.id, key.slot) {
                    (Some(id), _) => id.clone(),
                    (None, Some(slot)) => format!("access_key_{slot}"),
                    (None, None) => "access key".to_string(),
                };
                let age = key.created.map(|c| days_between(c, cx.now));
                let idle = match (key.last_used, age) {
                    (Some(used), _) => Some(days_between(used, cx.now)),
                    // Never used: idle since it was created.
                    (None, age) => age,
                };
                let is_stale = age.is_some_and(|d| d > STALE_DAYS) || idle.is_some_and(|d| d > STALE_DAYS);
                // A copy of the key sits in a cluster's Secret or manifest: it is in use outside IAM's view.
                let found_in = key.id.as_deref().and_then(|id| cx.inventory.graph.static_keys.get(id)).filter(|s| s.owner.is_some());
                let severity = if user.is_root {
                    Severity::Critical
                } else if is_stale || found_in.is_some() {
                    Severity::High
                } else {
                    self.default_severity()
                };
                let who = if user.is_root { "the root account".to_string() } else { format!("user {}", user.name) };
                let mut facts = Vec::new();
                if let Some(age) = age {
                    facts.push(format!("{age} days old"));
                }
                match key.last_used {
                    Some(_) => facts.push(format!("last used {} days ago", idle.unwrap_or_default())),
                    None => facts.push("never used".to_string()),
                }
                let mut finding = self
                    .finding(user.resource())
                    .severity(severity)
                    .message(format!(
                        "{who} has an active access key {label} ({}): whoever holds it acts as {who} without federation",
                        facts.join(", ")
                    ))
                    .evidence("key", &label);
                if let Some(sites) = found_in {
                    finding = finding.volatile_evidence("found_in", sites.holders.join("; "));
                }
                if let Some(created) = key.created {
                    finding = finding.volatile_evidence("created", created.strftime("%Y-%m-%d").to_string());
                }
                finding = finding
                    .volatile_evidence("last_used", key.last_used.map_or("never".to_string(), |t| t.strftime("%Y-%m-%d").to_string()));
                out.push(finding.at(&key.origin));
            }
        }
    }
}

fn days_between(earlier: Timestamp, now: Timestamp) -> i64 {
    let elapsed: SignedDuration = now.duration_since(earlier);
    elapsed.as_secs() / 86_400
}
