//! Azure federated identity credentials: what a credential admits. A classic credential names one
//! exact subject; a flexible one states `claimsMatchingExpression` (`claims['sub'] matches
//! 'repo:acme/*'`, `eq`, `and`), read here into claim patterns. Rules, cluster linking and the
//! federation model ask this module; nothing else reads a subject or an expression.

use std::collections::BTreeMap;

use crate::model::azure::FederatedCredential;
use crate::model::federation::{ClaimConstraint, SubjectPattern};

/// The audience every Entra ID token exchange expects.
pub const TOKEN_EXCHANGE_AUDIENCE: &str = "api://AzureADTokenExchange";

/// What a credential requires of a token's claims, per claim (lower-case).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialMatch {
    Claims(BTreeMap<String, SubjectPattern>),
    /// A flexible expression this version cannot read: what it admits is unknown.
    Unreadable(String),
}

/// How a credential matches tokens.
pub fn credential_match(credential: &FederatedCredential) -> CredentialMatch {
    if let Some(expression) = &credential.claims_matching_expression {
        return parse_expression(expression);
    }
    let mut claims = BTreeMap::new();
    if let Some(subject) = &credential.subject {
        // Entra ID compares subjects case-sensitively and exactly.
        claims.insert("sub".to_string(), SubjectPattern::Exact { value: subject.clone(), ignore_case: false });
    }
    CredentialMatch::Claims(claims)
}

/// `claims['NAME'] matches 'VALUE'` or `claims['NAME'] eq 'VALUE'`, joined by `and`.
fn parse_expression(expression: &str) -> CredentialMatch {
    let mut claims = BTreeMap::new();
    for term in split_and(expression) {
        let Some(parsed) = parse_term(term.trim()) else {
            return CredentialMatch::Unreadable(format!("`{}` is not `claims['NAME'] matches|eq 'VALUE'`", term.trim()));
        };
        let (claim, operator, value) = parsed;
        let pattern = if operator == "matches" { SubjectPattern::Glob(value) } else { SubjectPattern::Exact { value, ignore_case: false } };
        claims.insert(claim.to_ascii_lowercase(), pattern);
    }
    if claims.is_empty() { CredentialMatch::Unreadable("an empty expression".into()) } else { CredentialMatch::Claims(claims) }
}

/// The terms of an `and` chain, outside quoted values.
fn split_and(expression: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut start, mut in_quote) = (0, false);
    let bytes = expression.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => in_quote = !in_quote,
            b' ' if !in_quote && expression[i..].to_ascii_lowercase().starts_with(" and ") => {
                terms.push(&expression[start..i]);
                i += 5;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    terms.push(&expression[start..]);
    terms
}

fn parse_term(term: &str) -> Option<(String, String, String)> {
    let rest = term.strip_prefix("claims[")?;
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let rest = &rest[1..];
    let end = rest.find(quote)?;
    let claim = rest[..end].to_string();
    let rest = rest[end + 1..].trim_start().strip_prefix(']')?.trim_start();
    let (operator, rest) = rest.split_once(char::is_whitespace)?;
    let operator = operator.to_ascii_lowercase();
    if operator != "matches" && operator != "eq" {
        return None;
    }
    let value = rest.trim().strip_prefix('\'')?.strip_suffix('\'')?.to_string();
    Some((claim, operator, value))
}

/// A credential's match as federation constraints (one pattern per claim).
pub fn constraints(credential: &FederatedCredential) -> Option<BTreeMap<String, ClaimConstraint>> {
    match credential_match(credential) {
        CredentialMatch::Claims(claims) => Some(
            claims.into_iter().map(|(claim, pattern)| (claim, ClaimConstraint { any_of: vec![vec![pattern]], none_of: vec![] })).collect(),
        ),
        CredentialMatch::Unreadable(_) => None,
    }
}

/// How far a wildcard subject reaches, for AZ001.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WildcardReach {
    /// Several namespaces (`system:serviceaccount:*:…`) or repositories (`repo:acme/*`): any
    /// workload of a tenant or cluster.
    AcrossWorkloads,
    /// One namespace or repository, several of its ServiceAccounts, branches or environments.
    WithinOneWorkload,
}

/// Whether a subject pattern with wildcards spans namespaces or repositories, or stays in one.
pub fn wildcard_reach(pattern: &str) -> WildcardReach {
    let star = pattern.find(['*', '?']).unwrap_or(pattern.len());
    let fixed = &pattern[..star];
    if let Some(rest) = fixed.strip_prefix("system:serviceaccount:") {
        // `NS:` fixed means one namespace.
        return if rest.contains(':') { WildcardReach::WithinOneWorkload } else { WildcardReach::AcrossWorkloads };
    }
    if let Some(rest) = fixed.strip_prefix("repo:") {
        // `ORG/REPO:` fixed means one repository.
        return if rest.contains(':') { WildcardReach::WithinOneWorkload } else { WildcardReach::AcrossWorkloads };
    }
    WildcardReach::AcrossWorkloads
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;
    use crate::model::azure::CredentialOwner;

    fn credential(subject: Option<&str>, expression: Option<&str>) -> FederatedCredential {
        FederatedCredential {
            owner: CredentialOwner::Unknown,
            id: "f".into(),
            name: "f".into(),
            issuer: "https://token.actions.githubusercontent.com".into(),
            subject: subject.map(str::to_string),
            claims_matching_expression: expression.map(str::to_string),
            audiences: vec![TOKEN_EXCHANGE_AUDIENCE.into()],
            origin: Origin::Live { scope: "test".into() },
        }
    }

    #[test]
    fn exact_subjects_and_flexible_expressions() {
        let exact = credential(Some("system:serviceaccount:payments:api"), None);
        assert_eq!(
            credential_match(&exact),
            CredentialMatch::Claims(BTreeMap::from([(
                "sub".into(),
                SubjectPattern::Exact { value: "system:serviceaccount:payments:api".into(), ignore_case: false }
            )]))
        );
        let flexible = credential(
            None,
            Some(
                "claims['sub'] matches 'repo:acme/*' and claims['job_workflow_ref'] eq 'acme/ci/.github/workflows/deploy.yml@refs/heads/main'",
            ),
        );
        let CredentialMatch::Claims(claims) = credential_match(&flexible) else { panic!("readable") };
        assert_eq!(claims["sub"], SubjectPattern::Glob("repo:acme/*".into()));
        assert!(matches!(claims["job_workflow_ref"], SubjectPattern::Exact { .. }));
        let quoted_and = credential(None, Some("claims['sub'] eq 'repo:acme/a and b:ref:refs/heads/main'"));
        assert!(matches!(credential_match(&quoted_and), CredentialMatch::Claims(c) if c.len() == 1), "`and` inside a value is not a join");
        assert!(matches!(credential_match(&credential(None, Some("claims['sub'] startswith 'repo:'"))), CredentialMatch::Unreadable(_)));
    }

    #[test]
    fn wildcard_reach_across_or_within() {
        assert_eq!(wildcard_reach("repo:acme/*"), WildcardReach::AcrossWorkloads);
        assert_eq!(wildcard_reach("repo:acme/api:ref:refs/heads/*"), WildcardReach::WithinOneWorkload);
        assert_eq!(wildcard_reach("system:serviceaccount:*:api"), WildcardReach::AcrossWorkloads);
        assert_eq!(wildcard_reach("system:serviceaccount:payments:*"), WildcardReach::WithinOneWorkload);
        assert_eq!(wildcard_reach("*"), WildcardReach::AcrossWorkloads);
    }
}
