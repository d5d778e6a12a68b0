//! AWS001 oidc-sub-wildcard: an OIDC trust that matches `sub` with `*` or `?`.

use super::{has_generic_subject, is_service_account_pattern, join_patterns, spans_namespaces};
use crate::policy::least_privilege::aws_subject_fix;
use crate::rules::prelude::*;

declare_rule!(OidcSubWildcard, "AWS001");

impl Rule for OidcSubWildcard {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.inventory.aws.roles {
            for grant in role.trust.web_identity_grants() {
                let Some(issuer) = grant.issuer() else { continue };
                // GitHub is graded by AWS004; a missing `sub` is AWS002's business.
                if !has_generic_subject(issuer) {
                    continue;
                }
                let key = issuer.claim_key("sub");
                let Some(allowed) = grant.allowed_values(&key, true) else { continue };
                let wildcards: Vec<_> = allowed.patterns.iter().filter(|p| p.has_wildcard()).collect();
                if wildcards.is_empty() {
                    continue;
                }
                let is_eks = matches!(issuer.kind(), IssuerKind::Eks { .. });
                let is_everything = wildcards.iter().any(|p| p.matches_everything());
                // Any issuer that mints ServiceAccount subjects (EKS, or a self-hosted cluster's)
                // is graded alike: a namespace wildcard admits every namespace's ServiceAccount.
                let is_cross_namespace = wildcards.iter().any(|p| (is_eks || is_service_account_pattern(p)) && spans_namespaces(p));
                let severity = if is_everything || is_cross_namespace { Severity::Critical } else { self.default_severity() };
                let who = if is_everything {
                    format!("every identity of {}", issuer.short())
                } else if is_cross_namespace && is_eks {
                    format!("ServiceAccounts in any namespace of cluster {}", issuer.short())
                } else if is_cross_namespace {
                    format!("ServiceAccounts in any namespace of the cluster behind {}", issuer.short())
                } else if is_eks {
                    format!("any ServiceAccount of cluster {} matching `{}`", issuer.short(), join_patterns(wildcards.iter().copied()))
                } else {
                    format!("any identity of {} whose subject matches `{}`", issuer.short(), join_patterns(wildcards.iter().copied()))
                };
                out.push(
                    self.finding(role.resource())
                        .severity(severity)
                        .message(format!("role {}: {who} can assume it", role.name))
                        .evidence("operator", allowed.operator())
                        .evidence("key", &allowed.condition.key)
                        .evidence("value", join_patterns(wildcards.iter().copied()))
                        .fix(aws_subject_fix(cx.inventory, &role.arn, &grant.statement_label(), &allowed.condition.key))
                        .at(&role.origin),
                );
            }
        }
    }
}
