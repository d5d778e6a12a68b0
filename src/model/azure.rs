//! Azure objects the Azure source will fill (ARM and Microsoft Graph): user-assigned managed
//! identities and app registrations with their federated credentials and secrets' metadata,
//! AKS clusters, role assignments. Plain data with origins, like the other providers.

use serde::{Deserialize, Serialize};

use super::Origin;

inventory_part! {
    pub struct AzureInventory {
        objects identities: Vec<AzureIdentity>,
        objects federated_credentials: Vec<FederatedCredential>,
        objects password_credentials: Vec<PasswordCredential>,
        objects clusters: Vec<AksCluster>,
        objects role_assignments: Vec<RoleAssignment>,
    }
}

/// A user-assigned managed identity, an app registration or a service principal.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AzureIdentity {
    /// ARM resource ID, or `applications/OBJECT_ID` for Graph objects.
    pub id: String,
    pub kind: String,
    pub display_name: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FederatedCredential {
    /// The identity's `id`.
    pub identity: String,
    pub name: String,
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Flexible federated credentials' `claimsMatchingExpression`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_matching_expression: Option<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    pub origin: Origin,
}

/// A client secret's metadata (key ID, display name, end date); never the secret.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PasswordCredential {
    pub identity: String,
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<jiff::Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AksCluster {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc_issuer: Option<String>,
    pub is_workload_identity_enabled: bool,
    /// Whether pods may reach the node's IMDS (no link-local restriction).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods_reach_imds: Option<bool>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RoleAssignment {
    pub principal_id: String,
    pub role_name: String,
    pub scope: String,
    pub origin: Origin,
}
