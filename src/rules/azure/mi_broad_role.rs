//! AZ005 mi-broad-role: a federated identity with an owner-like role on a subscription or a
//! management group.

use std::collections::BTreeMap;

use crate::model::azure::{AzureIdentity, IdentityKind, RoleAssignment};
use crate::rules::prelude::*;

declare_rule!(MiBroadRole, "AZ005");

/// Roles that change resources, or grant access to them, across their scope.
const BROAD_ROLES: [&str; 4] = ["Owner", "Contributor", "User Access Administrator", "Role Based Access Control Administrator"];

impl Rule for MiBroadRole {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        let azure = &inventory.azure;
        let index = &inventory.index.azure;
        for (client_id, credentials) in &index.credentials_by_client_id {
            if credentials.is_empty() {
                continue;
            }
            let Some(identities) = index.identities_by_client_id.get(client_id) else { continue };
            let identities: Vec<&AzureIdentity> = identities.iter().map(|&i| &azure.identities[i]).collect();
            // Role assignments name the managed identity's or the service principal's principal ID.
            let mut roles: BTreeMap<String, &RoleAssignment> = BTreeMap::new();
            for principal in identities.iter().filter_map(|i| i.principal_id.as_deref()) {
                for &r in index.roles_by_principal.get(&principal.to_ascii_lowercase()).into_iter().flatten() {
                    let assignment = &azure.role_assignments[r];
                    if assignment.is_broad_scope() && BROAD_ROLES.iter().any(|b| b.eq_ignore_ascii_case(&assignment.role_name)) {
                        roles.insert(format!("{} on {}", assignment.role_name, assignment.scope), assignment);
                    }
                }
            }
            let Some(first) = roles.values().next() else { continue };
            let owner = identities.iter().min_by_key(|i| match i.kind {
                IdentityKind::ManagedIdentity => 0,
                IdentityKind::Application => 1,
                IdentityKind::ServicePrincipal => 2,
            });
            let Some(owner) = owner else { continue };
            let held: Vec<&String> = roles.keys().collect();
            out.push(
                self.finding(owner.resource())
                    .message(format!(
                        "{} {} can be signed in to through {} federated credential(s) and holds {}",
                        owner.kind.as_str(),
                        owner.name,
                        credentials.len(),
                        held.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ))
                    .evidence("roles", held.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
                    .at(&first.origin),
            );
        }
    }
}
