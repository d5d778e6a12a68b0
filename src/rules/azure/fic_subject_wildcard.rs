//! AZ001 fic-subject-wildcard: a federated credential that admits more than one exact subject.

use super::owner_label;
use crate::model::federation::SubjectPattern;
use crate::policy::azure::{CredentialMatch, WildcardReach, credential_match, wildcard_reach};
use crate::policy::least_privilege::azure_subject_fix;
use crate::rules::prelude::*;

declare_rule!(FicSubjectWildcard, "AZ001");

impl Rule for FicSubjectWildcard {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        for credential in &inventory.azure.federated_credentials {
            let owner = owner_label(inventory, credential);
            let finding = match credential_match(credential) {
                CredentialMatch::Claims(claims) => {
                    let Some((claim, SubjectPattern::Glob(pattern))) =
                        claims.iter().find(|(_, p)| matches!(p, SubjectPattern::Glob(g) if g.contains(['*', '?'])))
                    else {
                        continue;
                    };
                    let reach = match wildcard_reach(pattern) {
                        WildcardReach::AcrossWorkloads => "tokens of any namespace or repository that matches",
                        WildcardReach::WithinOneWorkload => "tokens of every ServiceAccount, branch or environment that matches",
                    };
                    let client_id = inventory.azure.owner_client_id(&inventory.index.azure, &credential.owner);
                    let statement = format!("federated credential {}", credential.name);
                    let fix = client_id.and_then(|id| azure_subject_fix(inventory, &id, &statement));
                    self.finding(credential.resource())
                        .message(format!(
                            "federated credential {} of {owner} matches `{claim}` against `{pattern}`: {reach} can sign in as it",
                            credential.name
                        ))
                        .evidence("claim", claim)
                        .evidence("pattern", pattern)
                        .fix(fix)
                }
                CredentialMatch::Unreadable(reason) => self
                    .finding(credential.resource())
                    .message(format!(
                        "federated credential {} of {owner} has a claims expression wiscan cannot read ({reason}): what it admits is unknown",
                        credential.name
                    ))
                    .evidence("expression", credential.claims_matching_expression.as_deref().unwrap_or_default()),
            };
            out.push(finding.evidence("issuer", &credential.issuer).at(&credential.origin));
        }
    }
}
