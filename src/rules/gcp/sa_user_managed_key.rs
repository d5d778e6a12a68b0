//! GCP004 sa-user-managed-key: an enabled user-managed key on a service account.

use crate::model::gcp::service_account_resource;
use crate::policy::gcp::{GcpQuestions, WORKLOAD_IDENTITY_USER};
use crate::rules::prelude::*;

declare_rule!(SaUserManagedKey, "GCP004");

/// Older than this, a key is past any rotation policy worth the name.
const MAX_AGE_DAYS: i64 = 90;

impl Rule for SaUserManagedKey {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        for key in inventory.gcp.keys.iter().filter(|k| k.key_type == "USER_MANAGED" && !k.is_disabled) {
            if key.valid_before.is_some_and(|until| until <= cx.now) {
                continue;
            }
            let account = inventory.gcp_service_account(&key.service_account);
            if account.is_some_and(|a| a.is_disabled) {
                continue;
            }
            let account_key = inventory.gcp_account_key(&key.service_account);
            let project = account.map(|a| a.project_id.as_str()).or_else(|| key.name.split('/').nth(1));
            let age_days = key.valid_after.map(|created| (cx.now.as_second() - created.as_second()) / 86_400);
            let federated =
                inventory.workload_grants_on(&account_key, project).into_iter().find(|g| g.binding.role == WORKLOAD_IDENTITY_USER);
            let mut finding = self
                .finding(service_account_resource(&account_key))
                .message(format!("service account {account_key} has an enabled user-managed key {}", key.key_id))
                .evidence("key_id", &key.key_id)
                .at(&key.origin);
            if let Some(created) = key.valid_after {
                finding = finding.evidence("created", created.to_string());
            }
            if let Some(days) = age_days {
                finding = finding.volatile_evidence("age_days", days.to_string());
            }
            let found_in = inventory.graph.static_keys.get(&crate::redact::redact_key_id(&key.key_id)).filter(|s| s.owner.is_some());
            if let Some(sites) = found_in {
                finding = finding.volatile_evidence("found_in", sites.holders.join("; "));
            }
            if let Some(grant) = federated {
                finding = finding
                    .severity(Severity::Critical)
                    .evidence("escalation", format!("also the target of a workload identity binding for {}", grant.binding.member));
            } else if found_in.is_some() {
                finding = finding.severity(Severity::Critical).evidence("escalation", "the key file is stored in a cluster");
            } else if age_days.is_some_and(|d| d > MAX_AGE_DAYS) {
                finding = finding.severity(Severity::Critical).evidence("escalation", format!("older than {MAX_AGE_DAYS} days"));
            }
            out.push(finding);
        }
    }
}
