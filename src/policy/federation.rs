//! Filling and asking the provider-neutral federation model ([`crate::model::federation`]).
//!
//! AWS: every `sts:AssumeRoleWithWebIdentity` grant to an OIDC issuer (Deny statements applied)
//! becomes one [`FederatedTrust`], its conditions on the issuer's claim keys becoming per-claim
//! constraints. Google Cloud: every `workloadIdentityUser` binding on a service account becomes one
//! trust per issuer its member reaches (each collected GKE cluster of a workload pool, each OIDC
//! provider of a federation pool), the member's subject or attribute and the provider's pinned
//! tenant becoming constraints. Azure: every federated credential of a managed identity or an
//! application becomes one trust, its subject or flexible expression becoming constraints. Matching a pattern or a constraint is answered here, for every
//! cloud alike.

use std::collections::{BTreeMap, HashMap};

use super::Pattern;
use super::document::OperatorSemantics;
use super::gcp::{GcpQuestions, WORKLOAD_IDENTITY_USER};
use super::members::{Coverage, Member, PrincipalSet};
use super::provider_condition::{TenantPin, mapped_claim, tenant_pin};
use super::trust::TrustQuestions;
use crate::finding::Provider;
use crate::model::Inventory;
use crate::model::federation::{ClaimConstraint, FederatedTrust, IdentityRef, SubjectPattern};
use crate::model::gcp::{ProviderKind, ResourceScope};
use crate::model::iam_policy::OperatorKind;
use crate::model::issuer::Issuer;

/// The trusts the AWS roles of the inventory state, in role order.
pub fn aws_trusts(inventory: &Inventory) -> Vec<FederatedTrust> {
    let mut trusts = Vec::new();
    for role in &inventory.aws.roles {
        for grant in role.trust.web_identity_grants() {
            let Some(issuer) = grant.issuer() else { continue };
            let prefix = format!("{}:", issuer.key());
            let mut claims: BTreeMap<String, ClaimConstraint> = BTreeMap::new();
            for condition in grant.conditions.iter() {
                let Some(claim) = condition.key_lower.strip_prefix(&prefix) else { continue };
                let op = &condition.operator;
                let is_string = !matches!(op.kind, OperatorKind::Bool | OperatorKind::Null | OperatorKind::Other);
                if !is_string {
                    continue;
                }
                let ignore_case = matches!(op.kind, OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase);
                let patterns: Vec<SubjectPattern> = condition
                    .values
                    .iter()
                    .map(|v| {
                        if op.is_glob() { SubjectPattern::Glob(v.clone()) } else { SubjectPattern::Exact { value: v.clone(), ignore_case } }
                    })
                    .collect();
                let constraint = claims.entry(claim.to_string()).or_default();
                if op.is_negated() {
                    constraint.none_of.extend(patterns);
                } else {
                    constraint.any_of.push(patterns);
                }
            }
            let statement = grant.statement_label();
            trusts.push(FederatedTrust {
                identity: IdentityRef { provider: Provider::Aws, id: role.arn.clone(), name: role.name.clone() },
                issuer: issuer.clone(),
                claims,
                statement,
                origin: role.origin.clone(),
            });
        }
    }
    trusts
}

/// The trusts Google Cloud's `workloadIdentityUser` bindings on service accounts state.
pub fn gcp_trusts(inventory: &Inventory) -> Vec<FederatedTrust> {
    let gcp = &inventory.gcp;
    let index = &inventory.index.gcp;
    // Each provider's condition is judged, and each mapping read, once (CEL parsing is the cost),
    // however many bindings name its pool.
    let mut pins: HashMap<&str, Option<TenantPin>> = HashMap::new();
    let mut mapped: HashMap<(&str, String), Option<String>> = HashMap::new();
    let mut trusts = Vec::new();
    for binding in gcp.bindings.iter().filter(|b| b.role == WORKLOAD_IDENTITY_USER) {
        let ResourceScope::ServiceAccount { account, .. } = binding.scope() else { continue };
        let email = inventory.gcp_account_key(account);
        let identity =
            IdentityRef { provider: Provider::Gcp, id: email.clone(), name: email.split('@').next().unwrap_or(&email).to_string() };
        let statement = format!("{WORKLOAD_IDENTITY_USER} binding for {}", binding.member);
        let mut push = |issuer: Issuer, claims: BTreeMap<String, ClaimConstraint>| {
            trusts.push(FederatedTrust {
                identity: identity.clone(),
                issuer,
                claims,
                statement: statement.clone(),
                origin: binding.origin.clone(),
            });
        };
        match Member::parse(&binding.member).coverage() {
            // A GKE member: ServiceAccount tokens of every collected cluster of the pool (or the one named).
            Coverage::ServiceAccounts { workload_pool, cluster, namespace, name } => {
                let sub = match (&namespace, &name) {
                    (Some(ns), Some(sa)) => {
                        Some(SubjectPattern::Exact { value: format!("system:serviceaccount:{ns}:{sa}"), ignore_case: false })
                    }
                    (Some(ns), None) => Some(SubjectPattern::Prefix(format!("system:serviceaccount:{ns}:"))),
                    (None, Some(sa)) => Some(SubjectPattern::Glob(format!("system:serviceaccount:*:{sa}"))),
                    (None, None) => None,
                };
                for &c in index.clusters_by_workload_pool.get(&workload_pool).into_iter().flatten() {
                    let url = gcp.clusters[c].url();
                    if cluster.as_ref().is_some_and(|c| c != &url) {
                        continue;
                    }
                    let claims = sub
                        .iter()
                        .map(|p| ("sub".to_string(), ClaimConstraint { any_of: vec![vec![p.clone()]], none_of: vec![] }))
                        .collect();
                    push(Issuer::parse(&url), claims);
                }
            }
            // A federation pool's identities: through each OIDC provider of the pool.
            Coverage::PoolIdentities { pool, subject, set } => {
                for provider in inventory.providers_of_pool(&pool).into_iter().filter(|p| !p.is_disabled) {
                    let ProviderKind::Oidc { issuer_uri, .. } = &provider.kind else { continue };
                    let mut claims: BTreeMap<String, ClaimConstraint> = BTreeMap::new();
                    let mut require = |claim: String, pattern: SubjectPattern| claims.entry(claim).or_default().any_of.push(vec![pattern]);
                    match (&subject, &set) {
                        (Some(subject), _) => {
                            let attribute = "google.subject".to_string();
                            let claim = mapped
                                .entry((provider.name.as_str(), attribute.clone()))
                                .or_insert_with(|| mapped_claim(provider, &attribute));
                            require(
                                claim.clone().unwrap_or_else(|| "sub".into()),
                                SubjectPattern::Exact { value: subject.clone(), ignore_case: false },
                            );
                        }
                        (None, Some(PrincipalSet::Attribute { name, value })) => {
                            let attribute = format!("attribute.{name}");
                            let claim = mapped
                                .entry((provider.name.as_str(), attribute.clone()))
                                .or_insert_with(|| mapped_claim(provider, &attribute));
                            let Some(claim) = claim.clone() else { continue };
                            require(claim, SubjectPattern::Exact { value: value.clone(), ignore_case: false });
                        }
                        (None, Some(PrincipalSet::All)) => {}
                        // Groups and other sets are mapped by expressions this model does not follow.
                        _ => continue,
                    }
                    let pin = pins.entry(provider.name.as_str()).or_insert_with(|| tenant_pin(provider));
                    if let Some(TenantPin::Pinned { claim, values }) = pin {
                        let patterns = values
                            .iter()
                            .map(|v| match v.strip_suffix('*') {
                                Some(prefix) => SubjectPattern::Prefix(prefix.to_string()),
                                None => SubjectPattern::Exact { value: v.clone(), ignore_case: false },
                            })
                            .collect();
                        claims.entry(claim.clone()).or_default().any_of.push(patterns);
                    }
                    push(Issuer::parse(issuer_uri), claims);
                }
            }
            Coverage::Everyone | Coverage::NotWorkloadIdentity => {}
        }
    }
    trusts
}

/// The trusts Azure's federated credentials state (flexible ones this version cannot read are left
/// out: what they admit is unknown, and AZ001 reports them).
pub fn azure_trusts(inventory: &Inventory) -> Vec<FederatedTrust> {
    let azure = &inventory.azure;
    let index = &inventory.index.azure;
    let mut trusts = Vec::new();
    for credential in &azure.federated_credentials {
        let Some(mut claims) = super::azure::constraints(credential) else { continue };
        if !credential.audiences.is_empty() {
            let audiences = credential.audiences.iter().map(|a| SubjectPattern::Exact { value: a.clone(), ignore_case: false }).collect();
            claims.entry("aud".into()).or_default().any_of.push(audiences);
        }
        let client_id = azure.owner_client_id(index, &credential.owner);
        let identity = client_id.as_ref().and_then(|c| azure.identity_by_client_id(index, c));
        let (id, name) = match (identity, &client_id) {
            (Some(identity), _) => (identity.client_id.to_ascii_lowercase(), identity.name.clone()),
            (None, Some(client_id)) => (client_id.clone(), client_id.clone()),
            (None, None) => (credential.id.clone(), credential.name.clone()),
        };
        trusts.push(FederatedTrust {
            identity: IdentityRef { provider: Provider::Azure, id, name },
            issuer: Issuer::parse(&credential.issuer),
            claims,
            statement: format!("federated credential {}", credential.name),
            origin: credential.origin.clone(),
        });
    }
    trusts
}

/// How a pattern reads, whatever cloud stated it.
pub trait PatternSemantics {
    /// The pattern as an IAM-style [`Pattern`] (a prefix is a glob ending in `*`).
    fn to_pattern(&self) -> Pattern;
    fn matches(&self, value: &str) -> bool;
}

impl PatternSemantics for SubjectPattern {
    fn to_pattern(&self) -> Pattern {
        match self {
            SubjectPattern::Exact { value, ignore_case } => Pattern::exact(value.clone(), *ignore_case),
            SubjectPattern::Prefix(prefix) => Pattern::glob(format!("{prefix}*")),
            SubjectPattern::Glob(glob) => Pattern::glob(glob.clone()),
        }
    }

    fn matches(&self, value: &str) -> bool {
        match self {
            SubjectPattern::Prefix(prefix) => value.starts_with(prefix.as_str()),
            _ => self.to_pattern().matches(value),
        }
    }
}

/// Whether a claim constraint admits a value.
pub trait ClaimSemantics {
    fn admits(&self, value: &str) -> bool;
}

impl ClaimSemantics for ClaimConstraint {
    fn admits(&self, value: &str) -> bool {
        self.any_of.iter().all(|group| group.iter().any(|p| p.matches(value))) && !self.none_of.iter().any(|p| p.matches(value))
    }
}

/// Whether a trust admits a token whose `sub` is `subject` (other claims assumed satisfiable).
pub fn admits_subject(trust: &FederatedTrust, subject: &str) -> bool {
    trust.claim("sub").is_none_or(|c| c.admits(subject))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::iam_policy::TrustPolicy;
    use serde_json::json;

    fn inventory(trust: serde_json::Value) -> Inventory {
        let mut inventory = Inventory::default();
        inventory.aws.roles.push(crate::model::aws::Role {
            arn: "arn:aws:iam::111122223333:role/r".into(),
            name: "r".into(),
            path: "/".into(),
            trust: TrustPolicy::from_value(trust).expect("valid"),
            origin: crate::model::Origin::Live { scope: "test".into() },
        });
        inventory
    }

    #[test]
    fn aws_grants_become_per_claim_constraints() {
        let eks = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
        let inv = inventory(json!({"Statement": [
            {"Sid": "Irsa", "Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{eks}")},
             "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringLike": {format!("{eks}:sub"): "system:serviceaccount:ci:*"},
                           "StringNotEquals": {format!("{eks}:sub"): "system:serviceaccount:ci:untrusted"},
                           "StringEquals": {format!("{eks}:aud"): "sts.amazonaws.com"}}},
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ]}));
        let trusts = aws_trusts(&inv);
        assert_eq!(trusts.len(), 1, "only web identity grants federate");
        let trust = &trusts[0];
        assert_eq!((trust.identity.name.as_str(), trust.statement.as_str()), ("r", "trust policy statement Irsa"));
        assert!(admits_subject(trust, "system:serviceaccount:ci:runner"));
        assert!(!admits_subject(trust, "system:serviceaccount:ci:untrusted"));
        assert!(!admits_subject(trust, "system:serviceaccount:prod:runner"));
        assert!(trust.claim("aud").is_some_and(|c| c.admits("sts.amazonaws.com") && !c.admits("other")));
        assert!(trust.claim("repository_owner").is_none());
    }

    #[test]
    fn a_trust_without_sub_admits_every_subject() {
        let inv =
            inventory(json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/gitlab.com"},
            "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}}]}));
        let trusts = aws_trusts(&inv);
        assert!(admits_subject(&trusts[0], "project_path:anyone/anything:ref_type:branch:ref:main"));
    }

    #[test]
    fn gke_and_pool_bindings_become_trusts() {
        use crate::model::gcp::{GkeCluster, IamBinding, WorkloadIdentityProvider};
        let origin = crate::model::Origin::Live { scope: "test".into() };
        let mut inv = Inventory::default();
        inv.gcp.clusters.push(GkeCluster {
            project: "p".into(),
            location: "europe-west1".into(),
            name: "prod".into(),
            workload_pool: Some("p.svc.id.goog".into()),
            is_autopilot: false,
            origin: origin.clone(),
        });
        inv.gcp.providers.push(WorkloadIdentityProvider {
            name: "projects/1/locations/global/workloadIdentityPools/gh/providers/github".into(),
            kind: ProviderKind::Oidc { issuer_uri: "https://token.actions.githubusercontent.com".into(), allowed_audiences: vec![] },
            attribute_condition: Some("assertion.repository_owner == 'acme'".into()),
            attribute_mapping: [("google.subject", "assertion.sub"), ("attribute.repository", "assertion.repository")]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            is_disabled: false,
            origin: origin.clone(),
        });
        for member in [
            "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/namespace/etl",
            "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/gh/attribute.repository/acme/api",
        ] {
            inv.gcp.bindings.push(IamBinding {
                resource: "//iam.googleapis.com/projects/p/serviceAccounts/etl@p.iam.gserviceaccount.com".into(),
                role: WORKLOAD_IDENTITY_USER.into(),
                member: member.into(),
                condition: None,
                origin: origin.clone(),
            });
        }
        inv.finish();
        let trusts = gcp_trusts(&inv);
        assert_eq!(trusts.len(), 2);
        let gke_issuer = Issuer::parse("https://container.googleapis.com/v1/projects/p/locations/europe-west1/clusters/prod");
        let gke = trusts.iter().find(|t| t.issuer.key() == gke_issuer.key()).expect("a trust in the GKE cluster's tokens");
        assert!(admits_subject(gke, "system:serviceaccount:etl:loader") && !admits_subject(gke, "system:serviceaccount:web:loader"));
        let github = trusts.iter().find(|t| t.issuer.key() != gke_issuer.key()).expect("a trust in GitHub's tokens");
        assert_eq!(github.identity.id, "etl@p.iam.gserviceaccount.com");
        assert!(github.claim("repository").is_some_and(|c| c.admits("acme/api") && !c.admits("acme/web")));
        assert!(github.claim("repository_owner").is_some_and(|c| c.admits("acme") && !c.admits("evil")), "the provider's pin");
    }

    #[test]
    fn prefixes_and_globs() {
        assert!(SubjectPattern::Prefix("ns/".into()).matches("ns/sa"));
        assert!(!SubjectPattern::Prefix("ns/".into()).matches("other/sa"));
        assert!(SubjectPattern::Glob("repo:acme/*".into()).matches("repo:acme/api:ref:refs/heads/main"));
        assert!(SubjectPattern::Exact { value: "A".into(), ignore_case: true }.matches("a"));
    }
}
