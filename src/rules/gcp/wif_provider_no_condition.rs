//! GCP003 wif-provider-no-condition: a federation provider that does not say whose tokens it takes.

use crate::model::gcp::ProviderKind;
use crate::policy::provider_condition::{PublicIssuer, TenantPin, tenant_pin};
use crate::rules::prelude::*;

declare_rule!(WifProviderNoCondition, "GCP003");

impl Rule for WifProviderNoCondition {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let gcp = &cx.inventory.gcp;
        for provider in gcp.providers.iter().filter(|p| !p.is_disabled) {
            if gcp.pools.iter().any(|pool| pool.name == provider.pool() && pool.is_disabled) {
                continue;
            }
            let issuer = match &provider.kind {
                ProviderKind::Oidc { issuer_uri, .. } => issuer_uri.clone(),
                ProviderKind::Aws { account_id } => format!("AWS account {account_id}"),
                ProviderKind::Saml => "a SAML identity provider".to_string(),
                ProviderKind::Other => "an identity provider".to_string(),
            };
            let public = PublicIssuer::of(provider);
            let (severity, message) = match tenant_pin(provider) {
                Some(TenantPin::Pinned { .. }) => continue,
                Some(TenantPin::NoCondition) => (
                    Severity::Critical,
                    format!(
                        "provider {} trusts {} with no attributeCondition: any {} workflow of any tenant can federate",
                        provider.short_name(),
                        issuer,
                        public.map_or("", PublicIssuer::name)
                    ),
                ),
                Some(TenantPin::Unpinned(reason)) => (
                    Severity::Critical,
                    format!(
                        "provider {}'s attributeCondition does not pin the {} tenant: {reason}",
                        provider.short_name(),
                        public.map_or("", PublicIssuer::name)
                    ),
                ),
                Some(TenantPin::Unreadable(reason)) => (
                    Severity::Critical,
                    format!(
                        "provider {}'s attributeCondition could not be read ({reason}), so it is not known to pin the tenant",
                        provider.short_name()
                    ),
                ),
                None if provider.attribute_condition.is_none() => {
                    (Severity::High, format!("provider {} trusts {issuer} with no attributeCondition", provider.short_name()))
                }
                None => continue,
            };
            let mut finding =
                self.finding(provider.resource()).severity(severity).message(message).evidence("issuer", &issuer).at(&provider.origin);
            if let Some(condition) = &provider.attribute_condition {
                finding = finding.evidence("condition", condition);
            }
            out.push(finding);
        }
    }
}
