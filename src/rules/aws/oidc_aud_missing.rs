//! AWS003 oidc-aud-missing: web identity federation that does not check the token's audience.

use super::join_patterns;
use crate::rules::prelude::*;

declare_rule!(OidcAudMissing, "AWS003");

impl Rule for OidcAudMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.inventory.aws.roles {
            for grant in role.trust.web_identity_grants() {
                let Some(issuer) = grant.issuer() else { continue };
                let aud =
                    grant.allowed_values(&issuer.claim_key("aud"), true).or_else(|| grant.allowed_values(&issuer.claim_key("azp"), true));
                let Some(aud) = aud else {
                    out.push(
                        self.finding(role.resource())
                            .message(format!("role {}: tokens {} minted for any audience can assume it", role.name, issuer.short()))
                            .evidence("issuer", issuer.as_str())
                            .evidence("missing", format!("{}:aud", issuer.as_str()))
                            .at(&role.origin),
                    );
                    continue;
                };
                let Some(expected) = issuer.expected_audience() else { continue };
                let unexpected: Vec<_> =
                    aud.patterns.iter().filter(|p| p.has_wildcard() || !p.as_str().eq_ignore_ascii_case(expected)).collect();
                if unexpected.is_empty() {
                    continue;
                }
                out.push(
                    self.finding(role.resource())
                        .severity(Severity::Low)
                        .message(format!(
                            "role {}: the audience condition admits `{}`, not only `{expected}`",
                            role.name,
                            join_patterns(unexpected.iter().copied())
                        ))
                        .evidence("operator", aud.operator())
                        .evidence("key", &aud.condition.key)
                        .evidence("value", join_patterns(unexpected.iter().copied()))
                        .at(&role.origin),
                );
            }
        }
    }
}
