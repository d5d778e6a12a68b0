//! Filling and asking the provider-neutral federation model ([`crate::model::federation`]).
//!
//! AWS: every `sts:AssumeRoleWithWebIdentity` grant to an OIDC issuer (Deny statements applied)
//! becomes one [`FederatedTrust`], its conditions on the issuer's claim keys becoming per-claim
//! constraints. Matching a pattern or a constraint is answered here, for every cloud alike.

use std::collections::BTreeMap;

use super::Pattern;
use super::document::OperatorSemantics;
use super::trust::TrustQuestions;
use crate::finding::Provider;
use crate::model::Inventory;
use crate::model::federation::{ClaimConstraint, FederatedTrust, IdentityRef, SubjectPattern};
use crate::model::iam_policy::OperatorKind;

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
            let statement = match &grant.statement.sid {
                Some(sid) => format!("trust policy statement {sid}"),
                None => format!("trust policy statement {}", grant.statement.index + 1),
            };
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
    fn prefixes_and_globs() {
        assert!(SubjectPattern::Prefix("ns/".into()).matches("ns/sa"));
        assert!(!SubjectPattern::Prefix("ns/".into()).matches("other/sa"));
        assert!(SubjectPattern::Glob("repo:acme/*".into()).matches("repo:acme/api:ref:refs/heads/main"));
        assert!(SubjectPattern::Exact { value: "A".into(), ignore_case: true }.matches("a"));
    }
}
