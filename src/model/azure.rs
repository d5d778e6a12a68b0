//! Azure objects the Azure source will fill (ARM and Microsoft Graph): user-assigned managed
//! identities and app registrations with their federated credentials and secrets' metadata,
//! AKS clusters, role assignments. Plain data with origins, like the other providers.

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
#[derive(Clone, Debug)]
pub struct AzureIdentity {
    /// ARM resource ID, or `applications/OBJECT_ID` for Graph objects.
    pub id: String,
    pub kind: String,
    pub display_name: String,
    pub client_id: String,
    pub principal_id: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct FederatedCredential {
    /// The identity's `id`.
    pub identity: String,
    pub name: String,
    pub issuer: String,
    pub subject: Option<String>,
    /// Flexible federated credentials' `claimsMatchingExpression`.
    pub claims_matching_expression: Option<String>,
    pub audiences: Vec<String>,
    pub origin: Origin,
}

/// A client secret's metadata (key ID, display name, end date); never the secret.
#[derive(Clone, Debug)]
pub struct PasswordCredential {
    pub identity: String,
    pub key_id: String,
    pub display_name: Option<String>,
    pub end: Option<jiff::Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct AksCluster {
    pub id: String,
    pub name: String,
    pub oidc_issuer: Option<String>,
    pub is_workload_identity_enabled: bool,
    /// Whether pods may reach the node's IMDS (no link-local restriction).
    pub pods_reach_imds: Option<bool>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct RoleAssignment {
    pub principal_id: String,
    pub role_name: String,
    pub scope: String,
    pub origin: Origin,
}
