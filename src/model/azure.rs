//! Azure objects (ARM and Microsoft Graph): user-assigned managed identities, app registrations and
//! service principals, their federated credentials and client secrets' metadata, AKS clusters,
//! role assignments. Plain data with origins, like the other providers; what a credential admits
//! is `policy`'s business.

use std::collections::HashMap;

use super::Origin;
use crate::finding::Resource;

inventory_part! {
    pub struct AzureInventory {
        objects identities: Vec<AzureIdentity>,
        objects federated_credentials: Vec<FederatedCredential>,
        objects password_credentials: Vec<PasswordCredential>,
        objects clusters: Vec<AksCluster>,
        objects role_assignments: Vec<RoleAssignment>,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdentityKind {
    /// A user-assigned managed identity (ARM).
    ManagedIdentity,
    /// An app registration (Graph `application`).
    Application,
    /// An application's service principal in a tenant (Graph `servicePrincipal`).
    ServicePrincipal,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::ManagedIdentity => "managed identity",
            IdentityKind::Application => "app registration",
            IdentityKind::ServicePrincipal => "service principal",
        }
    }
}

#[derive(Clone, Debug)]
pub struct AzureIdentity {
    pub kind: IdentityKind,
    /// A managed identity's ARM resource ID, or a Graph object's `id`.
    pub id: String,
    pub name: String,
    /// `clientId` of a managed identity, `appId` of an application and its service principal.
    pub client_id: String,
    /// The ID role assignments name: a managed identity's `principalId`, a service principal's `id`.
    pub principal_id: Option<String>,
    pub origin: Origin,
}

impl AzureIdentity {
    pub fn resource(&self) -> Resource {
        let kind = match self.kind {
            IdentityKind::ManagedIdentity => "azure:managed-identity",
            IdentityKind::Application => "azure:app-registration",
            IdentityKind::ServicePrincipal => "azure:service-principal",
        };
        Resource { kind: kind.into(), id: self.id.clone(), name: self.name.clone() }
    }
}

/// Whose federated credential it is, as the input says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialOwner {
    /// A managed identity, by ARM resource ID (lower-case: ARM IDs are case-insensitive).
    ManagedIdentity(String),
    /// An application, by `appId`.
    Application(String),
    /// `az ad app federated-credential list` names no application.
    Unknown,
}

#[derive(Clone, Debug)]
pub struct FederatedCredential {
    pub owner: CredentialOwner,
    /// The credential's ARM ID or Graph `id`.
    pub id: String,
    pub name: String,
    pub issuer: String,
    /// `None` for flexible credentials.
    pub subject: Option<String>,
    /// Flexible federated credentials' `claimsMatchingExpression.value`.
    pub claims_matching_expression: Option<String>,
    pub audiences: Vec<String>,
    pub origin: Origin,
}

impl FederatedCredential {
    pub fn resource(&self) -> Resource {
        Resource { kind: "azure:federated-credential".into(), id: self.id.clone(), name: self.name.clone() }
    }
}

/// A client secret's metadata (key ID, display name, validity); never the secret, nor its hint.
#[derive(Clone, Debug)]
pub struct PasswordCredential {
    pub owner_kind: IdentityKind,
    /// The owner's `appId`.
    pub app_id: String,
    /// The owner's display name.
    pub owner_name: String,
    pub key_id: String,
    pub display_name: Option<String>,
    pub start: Option<jiff::Timestamp>,
    pub end: Option<jiff::Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct AksCluster {
    /// ARM resource ID.
    pub id: String,
    pub name: String,
    pub oidc_issuer: Option<String>,
    pub is_workload_identity_enabled: bool,
    /// `networkProfile.podLinkLocalAccess`: `IMDS` (the default when absent) or `None`.
    pub pod_link_local_access: Option<String>,
    /// The kubelet's managed identity (`identityProfile.kubeletidentity`): the identity a pod
    /// that reaches the node's IMDS can take. (client ID, name from its resource ID.)
    pub kubelet_identity: Option<(String, String)>,
    pub origin: Origin,
}

impl AksCluster {
    /// Whether pods (without host networking) can reach the node's IMDS.
    pub fn pods_reach_imds(&self) -> bool {
        !self.pod_link_local_access.as_deref().is_some_and(|a| a.eq_ignore_ascii_case("None"))
    }

    pub fn resource(&self) -> Resource {
        Resource { kind: "azure:aks-cluster".into(), id: self.id.clone(), name: self.name.clone() }
    }
}

/// An issuer URL as issuers are compared across the scan: without scheme or trailing `/`,
/// case-insensitive (the key `Issuer` uses too).
pub fn issuer_key(issuer: &str) -> String {
    let issuer = issuer.trim();
    let issuer = issuer.strip_prefix("https://").or_else(|| issuer.strip_prefix("http://")).unwrap_or(issuer);
    issuer.trim_end_matches('/').to_ascii_lowercase()
}

#[derive(Clone, Debug)]
pub struct RoleAssignment {
    pub principal_id: String,
    pub principal_name: Option<String>,
    pub role_name: String,
    pub scope: String,
    pub origin: Origin,
}

impl RoleAssignment {
    /// A subscription or a management group (or above): the assignment reaches every resource below.
    pub fn is_broad_scope(&self) -> bool {
        let scope = self.scope.trim_end_matches('/').to_ascii_lowercase();
        let parts: Vec<&str> = scope.split('/').filter(|p| !p.is_empty()).collect();
        matches!(parts.as_slice(), ["subscriptions", _] | ["providers", "microsoft.management", "managementgroups", _] | [])
    }
}

/// Lookups over the Azure part, built once after the last merge.
#[derive(Clone, Debug, Default)]
pub struct AzureIndex {
    /// Client ID (`clientId`/`appId`, lower-case) → positions in `identities`.
    pub identities_by_client_id: HashMap<String, Vec<usize>>,
    /// Managed identity ARM ID (lower-case) → position in `identities`.
    pub managed_identities_by_id: HashMap<String, usize>,
    /// Owner's client ID (lower-case) → positions in `federated_credentials`.
    pub credentials_by_client_id: HashMap<String, Vec<usize>>,
    /// Principal ID (lower-case) → positions in `role_assignments`.
    pub roles_by_principal: HashMap<String, Vec<usize>>,
    /// Issuer key ([`issuer_key`]) → position in `clusters`.
    pub clusters_by_issuer: HashMap<String, usize>,
}

impl AzureInventory {
    /// Drops records read twice (an `az` list next to a Graph page), keeping the first.
    pub fn consolidate(&mut self) {
        dedup_by_key!(self.identities, |i| (i.kind, i.id.to_ascii_lowercase()));
        dedup_by_key!(self.federated_credentials, |c| c.id.to_ascii_lowercase());
        dedup_by_key!(self.password_credentials, |p| (p.app_id.to_ascii_lowercase(), p.owner_kind, p.key_id.to_ascii_lowercase()));
        dedup_by_key!(self.clusters, |c| c.id.to_ascii_lowercase());
        dedup_by_key!(self.role_assignments, |r| (r.principal_id.to_ascii_lowercase(), &r.role_name, r.scope.to_ascii_lowercase()));
    }

    /// The client ID a credential's owner has, when the scan can tell.
    pub fn owner_client_id(&self, index: &AzureIndex, owner: &CredentialOwner) -> Option<String> {
        match owner {
            CredentialOwner::Application(app_id) => Some(app_id.to_ascii_lowercase()),
            CredentialOwner::ManagedIdentity(id) => {
                index.managed_identities_by_id.get(id).map(|&i| self.identities[i].client_id.to_ascii_lowercase())
            }
            CredentialOwner::Unknown => None,
        }
    }

    /// The identity a client ID (lower-case) names: the managed identity or app registration itself
    /// rather than the service principal that represents it in the tenant.
    pub fn identity_by_client_id(&self, index: &AzureIndex, client_id: &str) -> Option<&AzureIdentity> {
        index.identities_by_client_id.get(client_id)?.iter().map(|&i| &self.identities[i]).min_by_key(|identity| identity.kind)
    }

    pub fn build_index(&self) -> AzureIndex {
        let mut index = AzureIndex::default();
        for (i, identity) in self.identities.iter().enumerate() {
            index.identities_by_client_id.entry(identity.client_id.to_ascii_lowercase()).or_default().push(i);
            if identity.kind == IdentityKind::ManagedIdentity {
                index.managed_identities_by_id.insert(identity.id.to_ascii_lowercase(), i);
            }
        }
        for (i, credential) in self.federated_credentials.iter().enumerate() {
            if let Some(client_id) = self.owner_client_id(&index, &credential.owner) {
                index.credentials_by_client_id.entry(client_id).or_default().push(i);
            }
        }
        for (i, assignment) in self.role_assignments.iter().enumerate() {
            index.roles_by_principal.entry(assignment.principal_id.to_ascii_lowercase()).or_default().push(i);
        }
        for (i, cluster) in self.clusters.iter().enumerate() {
            if let Some(issuer) = &cluster.oidc_issuer {
                index.clusters_by_issuer.insert(issuer_key(issuer), i);
            }
        }
        index
    }
}
