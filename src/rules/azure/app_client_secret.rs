//! AZ004 app-client-secret: a client secret on an app registration or service principal.

use crate::finding::Resource;
use crate::rules::prelude::*;

declare_rule!(AppClientSecret, "AZ004");

/// A secret that lives longer than this is as good as permanent.
const MAX_LIFETIME_DAYS: i64 = 365;

impl Rule for AppClientSecret {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        let index = &inventory.index.azure;
        for secret in &inventory.azure.password_credentials {
            if secret.end.is_some_and(|end| end <= cx.now) {
                continue;
            }
            let federated = index.credentials_by_client_id.get(&secret.app_id.to_ascii_lowercase()).is_some_and(|c| !c.is_empty());
            let lifetime_days = match (secret.start, secret.end) {
                (Some(start), Some(end)) => Some((end.as_second() - start.as_second()) / 86_400),
                _ => None,
            };
            let kind = secret.owner_kind.as_str();
            let resource =
                Resource { kind: format!("azure:{}", kind.replace(' ', "-")), id: secret.app_id.clone(), name: secret.owner_name.clone() };
            let mut finding = self
                .finding(resource)
                .message(format!(
                    "{kind} {} has a client secret ({}): whoever holds it signs in as the application",
                    secret.owner_name, secret.key_id
                ))
                .evidence("key_id", &secret.key_id)
                .evidence("end", secret.end.map_or_else(|| "never".to_string(), |e| e.to_string()))
                .at(&secret.origin);
            if let Some(name) = &secret.display_name {
                finding = finding.evidence("display_name", name);
            }
            if federated {
                finding = finding
                    .severity(Severity::Critical)
                    .evidence("escalation", "the application also has federated credentials: a leftover secret");
            } else if secret.end.is_none() || lifetime_days.is_some_and(|d| d > MAX_LIFETIME_DAYS) {
                finding =
                    finding.severity(Severity::Critical).evidence("escalation", format!("valid for more than {MAX_LIFETIME_DAYS} days"));
            }
            out.push(finding);
        }
    }
}
