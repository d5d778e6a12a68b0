//! AWS010 oidc-provider-stale: OIDC providers and trusts naming EKS issuers of no collected cluster,
//! and EKS providers that accept audiences other than STS.

use crate::rules::prelude::*;

declare_rule!(OidcProviderStale, "AWS010");

impl Rule for OidcProviderStale {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let aws = &cx.inventory.aws;
        let index = &cx.inventory.index;
        // Absence means something only when clusters were collected and every listed one was described.
        let described: std::collections::HashSet<&str> =
            aws.clusters.iter().filter(|c| c.issuer.is_some()).map(|c| c.name.as_str()).collect();
        let knows_all_issuers = !described.is_empty() && aws.listed_cluster_names.iter().all(|n| described.contains(n.as_str()));
        let is_orphan =
            |issuer: &Issuer| matches!(issuer.kind(), IssuerKind::Eks { .. }) && !index.clusters_by_issuer.contains_key(&issuer.key());

        for provider in &aws.oidc_providers {
            let issuer = &provider.issuer;
            if knows_all_issuers && is_orphan(issuer) {
                out.push(
                    self.finding(provider.resource())
                        .message(format!("OIDC provider for {} belongs to no collected EKS cluster: whoever controls a cluster with that issuer inherits its trusts", issuer.short()))
                        .evidence("issuer", issuer.as_str())
                        .at(&provider.origin),
                );
            }
            let Some(client_ids) = &provider.client_ids else { continue };
            if !matches!(issuer.kind(), IssuerKind::Eks { .. }) {
                continue;
            }
            let extra: Vec<&str> = client_ids.iter().map(String::as_str).filter(|c| *c != "sts.amazonaws.com").collect();
            if !extra.is_empty() {
                out.push(
                    self.finding(provider.resource())
                        .message(format!(
                            "OIDC provider for {} accepts audiences other than sts.amazonaws.com: {}",
                            issuer.short(),
                            extra.join(", ")
                        ))
                        .evidence("issuer", issuer.as_str())
                        .evidence("client_ids", extra.join(", "))
                        .at(&provider.origin),
                );
            }
        }
        if !knows_all_issuers {
            return;
        }
        let mut orphans: Vec<(&String, &Vec<usize>)> =
            index.roles_by_issuer.iter().filter(|(key, _)| is_orphan(&Issuer::parse(key))).collect();
        orphans.sort();
        for (_, roles) in orphans {
            for &i in roles {
                let role = &aws.roles[i];
                for grant in role.trust.web_identity_grants() {
                    let Some(issuer) = grant.issuer().filter(|i| is_orphan(i)) else { continue };
                    out.push(
                        self.finding(role.resource())
                            .message(format!("role {} trusts {}, which belongs to no collected EKS cluster", role.name, issuer.short()))
                            .evidence("issuer", issuer.as_str())
                            .at(&role.origin),
                    );
                }
            }
        }
    }
}
