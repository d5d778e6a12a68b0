//! AWS005 trust-principal-wildcard: a trust that lets any AWS principal assume the role.

use crate::rules::prelude::*;

declare_rule!(TrustPrincipalWildcard, "AWS005");

/// Condition keys that pin who the caller is (lower-case).
const CALLER_PINS: [&str; 8] = [
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "sts:externalid",
];

impl Rule for TrustPrincipalWildcard {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.inventory.aws.roles {
            for grant in role.trust.anyone_grants() {
                if grant.pinning_condition(&CALLER_PINS).is_some() {
                    continue;
                }
                let conditions: Vec<&str> = grant.conditions.iter().map(|c| c.key.as_str()).collect();
                out.push(
                    self.finding(role.resource())
                        .message(format!("role {}: any AWS principal in any account can assume it", role.name))
                        .evidence("principal", "*")
                        .evidence("statement", grant.statement.sid.clone().unwrap_or_else(|| format!("#{}", grant.statement.index)))
                        .evidence("conditions", if conditions.is_empty() { "none".to_string() } else { conditions.join(", ") })
                        .at(&role.origin),
                );
            }
        }
    }
}
