//! AWS006 roles-anywhere-unconstrained: Roles Anywhere trust that admits any certificate of the anchor's CA.

use crate::rules::prelude::*;

declare_rule!(RolesAnywhereUnconstrained, "AWS006");

const CERTIFICATE_PINS: [&str; 2] = ["aws:principaltag/x509subject/", "aws:principaltag/x509san/"];

impl Rule for RolesAnywhereUnconstrained {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.inventory.aws.roles {
            for grant in role.trust.service_grants("rolesanywhere.amazonaws.com") {
                if grant.pinning_condition(&CERTIFICATE_PINS).is_some() || grant.pinning_condition(&["aws:sourcearn"]).is_some() {
                    continue;
                }
                out.push(
                    self.finding(role.resource())
                        .message(format!(
                            "role {}: any certificate from any Roles Anywhere trust anchor's CA can assume it (no certificate subject or anchor condition)",
                            role.name
                        ))
                        .evidence("principal", "rolesanywhere.amazonaws.com")
                        .evidence("missing", "aws:PrincipalTag/x509Subject/*, aws:SourceArn")
                        .at(&role.origin),
                );
            }
        }
    }
}
