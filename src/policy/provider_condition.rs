//! Workload Identity Federation provider conditions: does a provider's `attributeCondition` (CEL)
//! keep out the tokens of other tenants of a public issuer?
//!
//! GitHub, GitLab.com and Terraform Cloud sign tokens for every one of their customers with one
//! issuer; a provider that trusts the issuer must say whose tokens it takes. The condition is
//! parsed with the `cel` crate (the cel-rust project's parser, the maintained successor of
//! `cel-parser`), and judged as a proof: the condition can only be true for tokens whose tenant
//! claim is one of known values. `&&` pins when either side does, `||` only when every branch
//! does, `==` and `in [...]` against literals pin, `startsWith` pins only up to a separator
//! (`'acme/'`, not `'acme'`, which also admits `acme-evil`), and anything else (`!=`, `matches`,
//! `!`, functions) proves nothing.

use std::collections::BTreeMap;

use cel::common::ast::{Expr, IdedExpr, LiteralValue, operators};

use crate::model::gcp::{ProviderKind, WorkloadIdentityProvider};

/// A public issuer whose tokens name many tenants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PublicIssuer {
    GitHub,
    GitLab,
    TerraformCloud,
}

impl PublicIssuer {
    pub fn of(provider: &WorkloadIdentityProvider) -> Option<Self> {
        let ProviderKind::Oidc { issuer_uri, .. } = &provider.kind else { return None };
        let host = issuer_uri.trim_end_matches('/').strip_prefix("https://")?.to_ascii_lowercase();
        let host = host.split('/').next().unwrap_or_default();
        match host {
            "token.actions.githubusercontent.com" => Some(PublicIssuer::GitHub),
            "gitlab.com" => Some(PublicIssuer::GitLab),
            "app.terraform.io" => Some(PublicIssuer::TerraformCloud),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            PublicIssuer::GitHub => "GitHub Actions",
            PublicIssuer::GitLab => "GitLab.com",
            PublicIssuer::TerraformCloud => "Terraform Cloud",
        }
    }

    /// The claims that name a tenant (or something inside one).
    pub fn tenant_claims(self) -> &'static [&'static str] {
        match self {
            PublicIssuer::GitHub => &["repository_owner", "repository_owner_id", "repository", "repository_id", "job_workflow_ref", "sub"],
            PublicIssuer::GitLab => &["namespace_path", "namespace_id", "project_path", "project_id", "sub"],
            PublicIssuer::TerraformCloud => &["terraform_organization_name", "terraform_organization_id", "sub"],
        }
    }

    /// Whether a `startsWith` prefix ends where a tenant's name ends, so no other tenant shares it.
    fn prefix_is_closed(self, claim: &str, prefix: &str) -> bool {
        prefix.ends_with('/') || (self == PublicIssuer::TerraformCloud && claim == "sub" && prefix.ends_with(':'))
    }
}

/// What a provider's condition proves about the tenant of the tokens it admits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantPin {
    /// No `attributeCondition`: every token the issuer signs is admitted.
    NoCondition,
    /// Only tokens whose claim is one of `values` (or starts with one, for prefixes) pass.
    Pinned { claim: String, values: Vec<String> },
    /// Tokens of any tenant can pass; the reason says why.
    Unpinned(String),
    /// The condition is not CEL this parser reads.
    Unreadable(String),
}

/// Judges a provider of a public issuer; `None` for other issuers, which have no tenants to pin.
pub fn tenant_pin(provider: &WorkloadIdentityProvider) -> Option<TenantPin> {
    let issuer = PublicIssuer::of(provider)?;
    let Some(condition) = &provider.attribute_condition else { return Some(TenantPin::NoCondition) };
    let expr = match parse(condition) {
        Ok(expr) => expr,
        Err(reason) => return Some(TenantPin::Unreadable(reason)),
    };
    let judge = Judge { issuer, mapping: &provider.attribute_mapping };
    Some(match judge.pins(&expr) {
        Ok(pins) => {
            let (claim, values) = pins.into_iter().next().expect("a proof names at least one claim");
            TenantPin::Pinned { claim, values }
        }
        Err(reason) => TenantPin::Unpinned(reason),
    })
}

/// The token claim a provider maps an attribute from (`attribute.owner` ← `assertion.repository_owner`),
/// when the mapping is that plain reference.
pub fn mapped_claim(provider: &WorkloadIdentityProvider, attribute: &str) -> Option<String> {
    let mapped = provider.attribute_mapping.get(attribute)?;
    match parse(mapped).ok()?.expr {
        Expr::Select(select) if !select.test && matches!(&select.operand.expr, Expr::Ident(root) if root == "assertion") => {
            Some(select.field)
        }
        _ => None,
    }
}

/// Parses CEL; a parser panic on hostile input is an unreadable condition, not a crash.
fn parse(text: &str) -> Result<IdedExpr, String> {
    let parsed = std::panic::catch_unwind(|| cel::parser::Parser::new().parse(text));
    match parsed {
        Ok(Ok(expr)) => Ok(expr),
        Ok(Err(errors)) => Err(errors.errors.first().map_or_else(|| "not valid CEL".to_string(), |e| format!("not valid CEL: {}", e.msg))),
        Err(_) => Err("not valid CEL".to_string()),
    }
}

/// Claim → the values a proven condition restricts it to.
type Pins = BTreeMap<String, Vec<String>>;

struct Judge<'a> {
    issuer: PublicIssuer,
    mapping: &'a BTreeMap<String, String>,
}

impl Judge<'_> {
    /// The tenant claims `expr` restricts when true, or why it restricts none.
    fn pins(&self, expr: &IdedExpr) -> Result<Pins, String> {
        let Expr::Call(call) = &expr.expr else {
            return Err("the condition does not compare a tenant claim".into());
        };
        let args = &call.args;
        match (call.func_name.as_str(), call.target.as_deref(), args.as_slice()) {
            (operators::LOGICAL_AND, None, [left, right]) => match (self.pins(left), self.pins(right)) {
                (Ok(mut a), Ok(b)) => {
                    a.extend(b);
                    Ok(a)
                }
                (Ok(a), Err(_)) | (Err(_), Ok(a)) => Ok(a),
                (Err(a), Err(_)) => Err(a),
            },
            (operators::LOGICAL_OR, None, [left, right]) => {
                let (a, b) = (self.pins(left)?, self.pins(right)?);
                // Both branches must pin the same claim; their values add up.
                let mut common: Pins = BTreeMap::new();
                for (claim, values) in a {
                    if let Some(more) = b.get(&claim) {
                        let mut all = values;
                        all.extend(more.iter().cloned());
                        common.insert(claim, all);
                    }
                }
                if common.is_empty() { Err("one `||` branch admits other tenants".into()) } else { Ok(common) }
            }
            (operators::CONDITIONAL, None, [_, then, otherwise]) => {
                let ternary = IdedExpr {
                    id: 0,
                    expr: Expr::Call(cel::common::ast::CallExpr {
                        func_name: operators::LOGICAL_OR.into(),
                        target: None,
                        args: vec![then.clone(), otherwise.clone()],
                    }),
                };
                self.pins(&ternary)
            }
            (operators::EQUALS, None, [left, right]) => {
                let (claim, value) = match (self.tenant_claim(left), literal(right), self.tenant_claim(right), literal(left)) {
                    (Some(claim), Some(value), _, _) | (_, _, Some(claim), Some(value)) => (claim, value),
                    _ => return Err("the condition does not compare a tenant claim".into()),
                };
                Ok(BTreeMap::from([(claim, vec![value])]))
            }
            (operators::IN, None, [needle, list]) => {
                let Some(claim) = self.tenant_claim(needle) else { return Err("the condition does not compare a tenant claim".into()) };
                let Expr::List(list) = &list.expr else { return Err(format!("`{claim} in` a value that is not a list of names")) };
                let values: Option<Vec<String>> = list.elements.iter().map(literal).collect();
                match values {
                    Some(values) if !values.is_empty() => Ok(BTreeMap::from([(claim, values)])),
                    _ => Err(format!("`{claim} in` a list that is not only names")),
                }
            }
            ("startsWith", Some(target), [prefix]) => {
                let Some(claim) = self.tenant_claim(target) else { return Err("the condition does not compare a tenant claim".into()) };
                let Some(prefix) = literal(prefix) else { return Err(format!("`{claim}.startsWith` a computed value")) };
                if self.issuer.prefix_is_closed(&claim, &prefix) {
                    Ok(BTreeMap::from([(claim, vec![format!("{prefix}*")])]))
                } else {
                    Err(format!("`{claim}.startsWith('{prefix}')` also admits names that only begin the same way"))
                }
            }
            _ => Err("the condition does not compare a tenant claim".into()),
        }
    }

    /// The tenant claim an expression reads: `assertion.CLAIM`, `assertion['CLAIM']`, or an
    /// attribute (`attribute.NAME`, `google.subject`) that the provider maps from exactly that.
    fn tenant_claim(&self, expr: &IdedExpr) -> Option<String> {
        let claim = self.claim(expr, true)?;
        self.issuer.tenant_claims().contains(&claim.as_str()).then_some(claim)
    }

    fn claim(&self, expr: &IdedExpr, follow_mapping: bool) -> Option<String> {
        match &expr.expr {
            Expr::Select(select) if !select.test => match &select.operand.expr {
                Expr::Ident(root) if root == "assertion" => Some(select.field.clone()),
                Expr::Ident(root) if follow_mapping && (root == "attribute" || root == "google") => {
                    let mapped = self.mapping.get(&format!("{root}.{}", select.field))?;
                    self.claim(&parse(mapped).ok()?, false)
                }
                _ => None,
            },
            Expr::Call(call) if call.func_name == operators::INDEX && call.target.is_none() => match call.args.as_slice() {
                [object, key] if matches!(&object.expr, Expr::Ident(root) if root == "assertion") => literal(key),
                _ => None,
            },
            _ => None,
        }
    }
}

fn literal(expr: &IdedExpr) -> Option<String> {
    match &expr.expr {
        Expr::Literal(LiteralValue::String(s)) => Some(s.inner().to_string()),
        Expr::Literal(LiteralValue::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Origin;

    pub(super) fn github(condition: Option<&str>, mapping: &[(&str, &str)]) -> WorkloadIdentityProvider {
        WorkloadIdentityProvider {
            name: "projects/1/locations/global/workloadIdentityPools/gh/providers/github".into(),
            kind: ProviderKind::Oidc { issuer_uri: "https://token.actions.githubusercontent.com".into(), allowed_audiences: vec![] },
            attribute_condition: condition.map(str::to_string),
            attribute_mapping: mapping.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            is_disabled: false,
            origin: Origin::Live { scope: std::sync::Arc::from("test") },
        }
    }

    fn pin(condition: &str) -> TenantPin {
        let mapping = [
            ("google.subject", "assertion.sub"),
            ("attribute.repository_owner", "assertion.repository_owner"),
            ("attribute.owner_login", "assertion.actor"),
        ];
        tenant_pin(&github(Some(condition), &mapping)).expect("public issuer")
    }

    fn is_pinned(condition: &str) -> bool {
        matches!(pin(condition), TenantPin::Pinned { .. })
    }

    #[test]
    fn equality_and_lists_pin() {
        assert_eq!(
            pin("assertion.repository_owner == 'acme'"),
            TenantPin::Pinned { claim: "repository_owner".into(), values: vec!["acme".into()] }
        );
        assert!(is_pinned("'acme' == assertion.repository_owner"));
        assert!(is_pinned("assertion['repository_owner_id'] == '1234567'"));
        assert!(is_pinned("assertion.repository in ['acme/api', 'acme/web']"));
        assert!(is_pinned("attribute.repository_owner == 'acme'"), "an attribute mapped from the owner claim");
        assert!(is_pinned("google.subject == 'repo:acme/api:ref:refs/heads/main'"));
    }

    #[test]
    fn conjunctions_pin_when_one_side_does_and_disjunctions_when_all_do() {
        assert!(is_pinned("assertion.ref == 'refs/heads/main' && assertion.repository_owner == 'acme'"));
        assert!(is_pinned("assertion.repository_owner == 'acme' || assertion.repository_owner == 'acme-labs'"));
        assert!(!is_pinned("assertion.repository_owner == 'acme' || assertion.ref == 'refs/heads/main'"));
        assert!(!is_pinned("assertion.repository_owner == 'acme' || assertion.repository == 'acme/api'"), "different claims per branch");
        assert!(is_pinned(
            "(assertion.repository_owner == 'acme' || assertion.repository_owner == 'acme-labs') && assertion.ref == 'refs/heads/main'"
        ));
    }

    #[test]
    fn prefixes_pin_only_up_to_a_separator() {
        assert!(is_pinned("assertion.repository.startsWith('acme/')"));
        assert!(!is_pinned("assertion.repository.startsWith('acme')"));
        assert!(!is_pinned("assertion.repository_owner.startsWith('acme')"));
        assert!(is_pinned("assertion.sub.startsWith('repo:acme/')"));
    }

    #[test]
    fn what_proves_nothing() {
        assert!(!is_pinned("assertion.ref == 'refs/heads/main'"));
        assert!(!is_pinned("assertion.repository_owner != 'evil'"));
        assert!(!is_pinned("assertion.repository_owner.matches('^acme$')"));
        assert!(!is_pinned("!(assertion.repository_owner == 'evil')"));
        assert!(!is_pinned("attribute.owner_login == 'acme'"), "mapped from `actor`, not a tenant claim");
        assert!(!is_pinned("attribute.unmapped == 'acme'"));
        assert!(!is_pinned("assertion.repository_owner in attribute.allowed"));
        assert!(matches!(pin("assertion.repository_owner == "), TenantPin::Unreadable(_)));
        assert_eq!(tenant_pin(&github(None, &[])), Some(TenantPin::NoCondition));
    }

    #[test]
    fn private_issuers_have_no_tenants() {
        let mut provider = github(None, &[]);
        provider.kind = ProviderKind::Oidc { issuer_uri: "https://gitlab.internal.example".into(), allowed_audiences: vec![] };
        assert_eq!(tenant_pin(&provider), None);
        provider.kind = ProviderKind::Oidc {
            issuer_uri: "https://token.actions.githubusercontent.com/acme-enterprise".into(),
            allowed_audiences: vec![],
        };
        assert_eq!(PublicIssuer::of(&provider), Some(PublicIssuer::GitHub));
    }
}

#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;

    fn cel_fragments() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("assertion.repository_owner".to_string()),
            Just("assertion['sub']".to_string()),
            Just("attribute.x".to_string()),
            Just(" == ".to_string()),
            Just(" && ".to_string()),
            Just(" || ".to_string()),
            Just("!".to_string()),
            Just("(".to_string()),
            Just(")".to_string()),
            Just(" in [".to_string()),
            Just("]".to_string()),
            Just(".startsWith(".to_string()),
            Just(" ? ".to_string()),
            Just(" : ".to_string()),
            Just("'acme/'".to_string()),
            Just("'".to_string()),
            "[a-z0-9_.]{0,6}",
        ];
        prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
    }

    proptest! {
        // Provider conditions are text from the input: any of it is judged, never a panic.
        #[test]
        fn any_condition_is_judged_without_panicking(condition in cel_fragments()) {
            let _ = tenant_pin(&super::tests::github(Some(&condition), &[("attribute.x", "assertion.repository_owner")]));
        }
    }
}
