//! AWS rules: trust policies of IAM roles, static access keys, EKS worker metadata exposure.

pub mod github_oidc_unscoped;
pub mod node_imds_reachable;
pub mod oidc_aud_missing;
pub mod oidc_provider_stale;
pub mod oidc_sub_missing;
pub mod oidc_sub_wildcard;
pub mod pod_identity_trust_unscoped;
pub mod roles_anywhere_unconstrained;
pub mod static_access_key;
pub mod trust_principal_wildcard;

use crate::policy::{Issuer, IssuerKind, Pattern};

/// Issuers whose subject rules have a specialised owner: GitHub (AWS004); Cognito, whose tokens are
/// scoped by the identity pool in `aud` and whose `sub` is a generated identity ID.
pub(crate) fn has_generic_subject(issuer: &Issuer) -> bool {
    !matches!(issuer.kind(), IssuerKind::GitHubActions | IssuerKind::Cognito)
}

/// Whether an EKS subject pattern can match ServiceAccounts of more than one namespace:
/// the literal text before the first wildcard does not reach past `system:serviceaccount:NS:`.
pub(crate) fn spans_namespaces(pattern: &Pattern) -> bool {
    pattern.matches_everything() || pattern.literal_prefix().matches(':').count() < 3
}

/// True for a subject pattern of Kubernetes ServiceAccount tokens (`system:serviceaccount:…`),
/// whatever the issuer: a self-hosted cluster's issuer mints the same subjects as EKS.
pub(crate) fn is_service_account_pattern(pattern: &Pattern) -> bool {
    const PREFIX: &str = "system:serviceaccount:";
    let literal = pattern.literal_prefix();
    literal.starts_with(PREFIX) || (literal.len() >= "system:".len() && PREFIX.starts_with(literal))
}

/// A pattern list for evidence: `a`, `b`.
pub(crate) fn join_patterns<'a>(patterns: impl IntoIterator<Item = &'a Pattern>) -> String {
    patterns.into_iter().map(Pattern::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_spanning() {
        assert!(spans_namespaces(&Pattern::glob("system:serviceaccount:*:*")));
        assert!(spans_namespaces(&Pattern::glob("system:serviceaccount:team-*:app")));
        assert!(spans_namespaces(&Pattern::glob("system:serviceaccount:prod*")));
        assert!(spans_namespaces(&Pattern::glob("*")));
        assert!(!spans_namespaces(&Pattern::glob("system:serviceaccount:payments:*")));
        assert!(!spans_namespaces(&Pattern::glob("system:serviceaccount:payments:worker-?")));
    }
}
