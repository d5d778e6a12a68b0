//! Azure rules: federated identity credentials, client secrets, broad role assignments, AKS node
//! metadata. They read `model::azure` and ask `policy::azure`.

pub mod aks_imds_reachable;
pub mod app_client_secret;
pub mod fic_audience_unexpected;
pub mod fic_issuer_unknown;
pub mod fic_subject_wildcard;
pub mod mi_broad_role;

use crate::model::Inventory;
use crate::model::azure::{AzureIdentity, FederatedCredential};

/// The identity a credential belongs to, when the scan holds it (the application itself rather
/// than its service principal).
fn owner_of<'a>(inventory: &'a Inventory, credential: &FederatedCredential) -> Option<&'a AzureIdentity> {
    let azure = &inventory.azure;
    let client_id = azure.owner_client_id(&inventory.index.azure, &credential.owner)?;
    azure.identity_by_client_id(&inventory.index.azure, &client_id)
}

/// `NAME (KIND)` of a credential's owner, for messages.
fn owner_label(inventory: &Inventory, credential: &FederatedCredential) -> String {
    match owner_of(inventory, credential) {
        Some(identity) => format!("{} {}", identity.kind.as_str(), identity.name),
        None => "its identity".to_string(),
    }
}
