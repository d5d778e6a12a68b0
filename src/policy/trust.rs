//! Who may assume a role: the questions rules ask of a trust policy.
//!
//! Statements are combined as IAM does: a request is allowed when some Allow statement matches and
//! no Deny statement does. A Deny that applies to a grant without conditions removes it; a Deny with
//! a single condition narrows it (its negation is added to the grant's conditions); a Deny with
//! several conditions (their negation is a disjunction) is ignored, so answers err towards "may
//! assume", which is the safe side for an auditor.

use std::borrow::Cow;

use super::document::{ActionSemantics, ConditionSemantics, OperatorSemantics};
use super::glob::Pattern;
use crate::model::iam_policy::{Condition, Effect, Operator, OperatorKind, PrincipalSpec, Principals, Statement, TrustPolicy};
use crate::model::issuer::Issuer;

pub const ASSUME_ROLE: &str = "sts:AssumeRole";
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
pub const TAG_SESSION: &str = "sts:TagSession";

/// Who a grant names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trustee {
    /// An OIDC provider (`Principal.Federated` = `...:oidc-provider/ISSUER` or a well-known issuer).
    Oidc(Issuer),
    Service(String),
    /// `Principal: "*"`, `{"AWS": "*"}`, or an Allow with `NotPrincipal`.
    Anyone,
    Aws(String),
}

/// One Allow statement's grant to one trustee, narrowed by the Deny statements that apply to it.
#[derive(Clone, Debug)]
pub struct TrustGrant<'a> {
    pub statement: &'a Statement,
    pub trustee: Trustee,
    /// The Allow statement's conditions followed by negated single-condition Denies; borrowed
    /// unless a Deny added one, so asking a role's grants allocates little.
    pub conditions: Cow<'a, [Condition]>,
}

impl TrustGrant<'_> {
    /// `trust policy statement SID` (or its 1-based position): how findings and the graph name it.
    pub fn statement_label(&self) -> String {
        match &self.statement.sid {
            Some(sid) => format!("trust policy statement {sid}"),
            None => format!("trust policy statement {}", self.statement.index + 1),
        }
    }

    pub fn issuer(&self) -> Option<&Issuer> {
        match &self.trustee {
            Trustee::Oidc(issuer) => Some(issuer),
            _ => None,
        }
    }

    /// Conditions on one key (lower-cased, as from [`Issuer::claim_key`]).
    pub fn conditions_on<'s>(&'s self, key_lower: &'s str) -> impl Iterator<Item = &'s Condition> + 's {
        self.conditions.iter().filter(move |c| c.key_lower == key_lower)
    }

    /// The values a key may take, if some condition restricts it to listed values.
    ///
    /// `key_always_present`: identity claims such as `sub` and `aud` are always in the request, so
    /// `...IfExists` and `ForAllValues:` still restrict them; optional keys are not restricted by those.
    /// When several conditions constrain the key, an all-literal one wins (the others only filter
    /// its values); otherwise the glob condition with the longest literal prefix is returned.
    pub fn allowed_values<'s>(&'s self, key_lower: &str, key_always_present: bool) -> Option<AllowedValues<'s>> {
        let positives: Vec<&'s Condition> = self
            .conditions
            .iter()
            .filter(|c| c.key_lower == key_lower)
            .filter(|c| c.operator.is_positive_match())
            .filter(|c| {
                key_always_present
                    || (!c.operator.if_exists && c.operator.set != Some(crate::model::iam_policy::SetQualifier::ForAllValues))
            })
            .collect();
        if positives.is_empty() {
            return None;
        }
        let all_conditions: Vec<&Condition> = self.conditions.iter().filter(|c| c.key_lower == key_lower).collect();
        if let Some(exact) = positives.iter().find(|c| !c.operator.is_glob() || c.patterns().iter().all(|p| !p.has_wildcard())) {
            let patterns = exact.patterns().into_iter().filter(|p| all_conditions.iter().all(|c| c.admits(Some(p.as_str())))).collect();
            return Some(AllowedValues { condition: exact, patterns });
        }
        let broadest_first =
            positives.iter().max_by_key(|c| c.patterns().iter().map(|p| p.literal_prefix().len()).min().unwrap_or(0)).copied()?;
        Some(AllowedValues { condition: broadest_first, patterns: broadest_first.patterns() })
    }

    /// A condition that pins the caller or context on one of `keys` (lower-case; a trailing `/` is a prefix):
    /// a positive match that is not `...IfExists` and does not match everything.
    pub fn pinning_condition(&self, keys: &[&str]) -> Option<&Condition> {
        self.conditions.iter().find(|c| {
            let key_hit = keys.iter().any(|k| if k.ends_with('/') { c.key_lower.starts_with(k) } else { c.key_lower == *k });
            key_hit
                && c.operator.is_positive_match()
                && !c.operator.if_exists
                && c.operator.set != Some(crate::model::iam_policy::SetQualifier::ForAllValues)
                && c.patterns().iter().all(|p| !p.matches_everything())
        })
    }

    /// Whether a request with these key values (lower-case keys) satisfies every condition.
    /// Keys the caller does not supply are assumed satisfiable.
    pub fn admits(&self, context: &[(&str, &str)]) -> bool {
        self.conditions.iter().all(|c| match context.iter().find(|(k, _)| *k == c.key_lower) {
            Some((_, v)) => c.admits(Some(v)),
            None => true,
        })
    }
}

/// The values one key may take under a grant, and the condition that says so.
#[derive(Clone, Debug)]
pub struct AllowedValues<'a> {
    pub condition: &'a Condition,
    pub patterns: Vec<Pattern>,
}

impl AllowedValues<'_> {
    pub fn operator(&self) -> &str {
        &self.condition.operator.name
    }
}

/// The questions a trust policy answers: who may assume the role, by which grant.
pub trait TrustQuestions {
    /// Grants of `sts:AssumeRoleWithWebIdentity` to OIDC issuers.
    fn web_identity_grants(&self) -> Vec<TrustGrant<'_>>;
    /// Grants of `sts:AssumeRole` to an AWS service principal (case-insensitive).
    fn service_grants(&self, service: &str) -> Vec<TrustGrant<'_>>;
    /// Grants of `sts:AssumeRole` to anyone (`*`, `{"AWS": "*"}`, or `NotPrincipal`).
    fn anyone_grants(&self) -> Vec<TrustGrant<'_>>;
    /// Every grant of `action`, one per (Allow statement, trustee), minus what Deny statements remove.
    fn grants(&self, action: &str) -> Vec<TrustGrant<'_>>;
}

impl TrustQuestions for TrustPolicy {
    /// Grants of `sts:AssumeRoleWithWebIdentity` to OIDC issuers.
    fn web_identity_grants(&self) -> Vec<TrustGrant<'_>> {
        self.grants(ASSUME_ROLE_WITH_WEB_IDENTITY).into_iter().filter(|g| matches!(g.trustee, Trustee::Oidc(_))).collect()
    }

    /// Grants of `sts:AssumeRole` to an AWS service principal (case-insensitive).
    fn service_grants(&self, service: &str) -> Vec<TrustGrant<'_>> {
        self.grants(ASSUME_ROLE)
            .into_iter()
            .filter(|g| matches!(&g.trustee, Trustee::Service(s) if s.eq_ignore_ascii_case(service)))
            .collect()
    }

    /// Grants of `sts:AssumeRole` to anyone (`*`, `{"AWS": "*"}`, or `NotPrincipal`).
    fn anyone_grants(&self) -> Vec<TrustGrant<'_>> {
        self.grants(ASSUME_ROLE).into_iter().filter(|g| g.trustee == Trustee::Anyone).collect()
    }

    /// Every grant of `action`, one per (Allow statement, trustee), minus what Deny statements remove.
    fn grants(&self, action: &str) -> Vec<TrustGrant<'_>> {
        // The Denies of this action, found once: a policy of many statements stays linear.
        let denies: Vec<&Statement> =
            self.document.statements.iter().filter(|s| s.effect == Effect::Deny && s.action.covers(action)).collect();
        let mut grants = Vec::new();
        for statement in &self.document.statements {
            if statement.effect != Effect::Allow || !statement.action.covers(action) {
                continue;
            }
            for trustee in trustees(&statement.principal) {
                let mut grant = TrustGrant { statement, trustee, conditions: Cow::Borrowed(statement.conditions.as_slice()) };
                if apply_denies(&denies, &mut grant) {
                    grants.push(grant);
                }
            }
        }
        grants
    }
}

/// Narrows `grant` by the Deny statements of its action; false when one removes it entirely.
fn apply_denies(denies: &[&Statement], grant: &mut TrustGrant<'_>) -> bool {
    for deny in denies {
        if !deny_names(&deny.principal, &grant.trustee) {
            continue;
        }
        match deny.conditions.as_slice() {
            [] => return false,
            [single] => {
                if let Some(negated) = negate(single) {
                    grant.conditions.to_mut().push(negated);
                }
            }
            _ => {}
        }
    }
    true
}

/// The trustees an Allow statement's principal element names.
fn trustees(principal: &PrincipalSpec) -> Vec<Trustee> {
    match principal {
        PrincipalSpec::Absent => Vec::new(),
        PrincipalSpec::NotPrincipal(_) => vec![Trustee::Anyone],
        PrincipalSpec::Principal(p) => {
            if p.is_anyone || p.aws.iter().any(|a| a == "*") {
                return vec![Trustee::Anyone];
            }
            let mut out: Vec<Trustee> = Vec::new();
            out.extend(p.federated.iter().filter_map(|f| Issuer::from_federated_principal(f)).map(Trustee::Oidc));
            out.extend(p.service.iter().map(|s| Trustee::Service(s.clone())));
            out.extend(p.aws.iter().map(|a| Trustee::Aws(a.clone())));
            out
        }
    }
}

/// Whether a Deny statement's principal element covers the trustee.
fn deny_names(principal: &PrincipalSpec, trustee: &Trustee) -> bool {
    let names = |p: &Principals| -> bool {
        if p.is_anyone || p.aws.iter().any(|a| a == "*") {
            return true;
        }
        match trustee {
            Trustee::Oidc(issuer) => p.federated.iter().any(|f| Issuer::from_federated_principal(f).as_ref() == Some(issuer)),
            Trustee::Service(s) => p.service.iter().any(|x| x.eq_ignore_ascii_case(s)),
            Trustee::Aws(a) => p.aws.iter().any(|x| x == a),
            Trustee::Anyone => false,
        }
    };
    match principal {
        PrincipalSpec::Absent => false,
        PrincipalSpec::Principal(p) => names(p),
        // Deny with NotPrincipal denies everyone not listed.
        PrincipalSpec::NotPrincipal(p) => !names(p),
    }
}

/// The condition that holds exactly when `condition` does not, where one operator can say it.
fn negate(condition: &Condition) -> Option<Condition> {
    use OperatorKind::*;
    let kind = match condition.operator.kind {
        StringEquals => StringNotEquals,
        StringNotEquals => StringEquals,
        StringEqualsIgnoreCase => StringNotEqualsIgnoreCase,
        StringNotEqualsIgnoreCase => StringEqualsIgnoreCase,
        StringLike => StringNotLike,
        StringNotLike => StringLike,
        ArnEquals => ArnNotEquals,
        ArnNotEquals => ArnEquals,
        ArnLike => ArnNotLike,
        ArnNotLike => ArnLike,
        Bool | Null | Other => return None,
    };
    let name = format!("{kind:?} (from a Deny on {})", condition.operator.name);
    Some(Condition {
        operator: Operator { name, kind, set: None, if_exists: false },
        key: condition.key.clone(),
        key_lower: condition.key_lower.clone(),
        values: condition.values.clone(),
    })
}

#[cfg(test)]
mod tests;
