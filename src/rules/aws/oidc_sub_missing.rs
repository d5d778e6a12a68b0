//! AWS002 oidc-sub-missing: web identity federation with no positive constraint on `sub`.

use super::has_generic_subject;
use crate::policy::least_privilege::aws_subject_fix;
use crate::rules::prelude::*;

declare_rule!(OidcSubMissing, "AWS002");

impl Rule for OidcSubMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.inventory.aws.roles {
            for grant in role.trust.web_identity_grants() {
                let Some(issuer) = grant.issuer() else { continue };
                if !has_generic_subject(issuer) || grant.allowed_values(&issuer.claim_key("sub"), true).is_some() {
                    continue;
                }
                let keys: Vec<&str> = grant.conditions.iter().map(|c| c.key.as_str()).collect();
                let conditions = if keys.is_empty() { "none".to_string() } else { keys.join(", ") };
                out.push(
                    self.finding(role.resource())
                        .message(format!(
                            "role {}: every identity {} can mint can assume it (nothing pins `sub`)",
                            role.name,
                            issuer.short()
                        ))
                        .evidence("issuer", issuer.as_str())
                        .evidence("conditions", conditions)
                        .fix(aws_subject_fix(cx.inventory, &role.arn, &grant.statement_label(), &format!("{}:sub", issuer.as_str())))
                        .at(&role.origin),
                );
            }
        }
    }
}
