//! AZ002 fic-audience-unexpected: a federated credential whose audiences are not exactly Entra ID's
//! token exchange audience.

use super::owner_label;
use crate::policy::azure::TOKEN_EXCHANGE_AUDIENCE;
use crate::rules::prelude::*;

declare_rule!(FicAudienceUnexpected, "AZ002");

impl Rule for FicAudienceUnexpected {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        for credential in &inventory.azure.federated_credentials {
            if credential.audiences.len() == 1 && credential.audiences[0] == TOKEN_EXCHANGE_AUDIENCE {
                continue;
            }
            let audiences = if credential.audiences.is_empty() { "none".to_string() } else { credential.audiences.join(", ") };
            out.push(
                self.finding(credential.resource())
                    .message(format!(
                        "federated credential {} of {} accepts audiences {audiences}, not only {TOKEN_EXCHANGE_AUDIENCE}",
                        credential.name,
                        owner_label(inventory, credential)
                    ))
                    .evidence("audiences", audiences)
                    .at(&credential.origin),
            );
        }
    }
}
