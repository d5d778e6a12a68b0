//! The Azure records of snapshot version 1 (added in 0.2.0, like the Google Cloud ones: snapshots
//! without an `azure` section read as before). Own structs, field names are the contract,
//! conversions both ways. Secret values are never part of the model, so never here.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::OriginV1;
use crate::model::azure;

#[derive(Serialize, Deserialize, Default)]
pub struct AzureV1 {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<IdentityV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub federated_credentials: Vec<FederatedCredentialV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub password_credentials: Vec<PasswordCredentialV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<AksClusterV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_assignments: Vec<RoleAssignmentV1>,
}

impl AzureV1 {
    pub fn is_empty(&self) -> bool {
        self.identities.is_empty()
            && self.federated_credentials.is_empty()
            && self.password_credentials.is_empty()
            && self.clusters.is_empty()
            && self.role_assignments.is_empty()
    }
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKindV1 {
    ManagedIdentity,
    Application,
    ServicePrincipal,
}

#[derive(Serialize, Deserialize)]
pub struct IdentityV1 {
    pub kind: IdentityKindV1,
    pub id: String,
    pub name: String,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CredentialOwnerV1 {
    ManagedIdentity { id: String },
    Application { app_id: String },
    Unknown,
}

#[derive(Serialize, Deserialize)]
pub struct FederatedCredentialV1 {
    pub owner: CredentialOwnerV1,
    pub id: String,
    pub name: String,
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims_matching_expression: Option<String>,
    #[serde(default)]
    pub audiences: Vec<String>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct PasswordCredentialV1 {
    pub owner_kind: IdentityKindV1,
    pub app_id: String,
    pub owner_name: String,
    pub key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct AksClusterV1 {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oidc_issuer: Option<String>,
    #[serde(default)]
    pub workload_identity_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_link_local_access: Option<String>,
    /// The kubelet identity's client ID and name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubelet_identity: Option<(String, String)>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct RoleAssignmentV1 {
    pub principal_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_name: Option<String>,
    pub role_name: String,
    pub scope: String,
    pub origin: OriginV1,
}

fn kind_v1(kind: azure::IdentityKind) -> IdentityKindV1 {
    match kind {
        azure::IdentityKind::ManagedIdentity => IdentityKindV1::ManagedIdentity,
        azure::IdentityKind::Application => IdentityKindV1::Application,
        azure::IdentityKind::ServicePrincipal => IdentityKindV1::ServicePrincipal,
    }
}

fn kind_model(kind: IdentityKindV1) -> azure::IdentityKind {
    match kind {
        IdentityKindV1::ManagedIdentity => azure::IdentityKind::ManagedIdentity,
        IdentityKindV1::Application => azure::IdentityKind::Application,
        IdentityKindV1::ServicePrincipal => azure::IdentityKind::ServicePrincipal,
    }
}

impl From<&azure::AzureInventory> for AzureV1 {
    fn from(a: &azure::AzureInventory) -> Self {
        AzureV1 {
            identities: a
                .identities
                .iter()
                .map(|i| IdentityV1 {
                    kind: kind_v1(i.kind),
                    id: i.id.clone(),
                    name: i.name.clone(),
                    client_id: i.client_id.clone(),
                    principal_id: i.principal_id.clone(),
                    origin: (&i.origin).into(),
                })
                .collect(),
            federated_credentials: a
                .federated_credentials
                .iter()
                .map(|c| FederatedCredentialV1 {
                    owner: match &c.owner {
                        azure::CredentialOwner::ManagedIdentity(id) => CredentialOwnerV1::ManagedIdentity { id: id.clone() },
                        azure::CredentialOwner::Application(app_id) => CredentialOwnerV1::Application { app_id: app_id.clone() },
                        azure::CredentialOwner::Unknown => CredentialOwnerV1::Unknown,
                    },
                    id: c.id.clone(),
                    name: c.name.clone(),
                    issuer: c.issuer.clone(),
                    subject: c.subject.clone(),
                    claims_matching_expression: c.claims_matching_expression.clone(),
                    audiences: c.audiences.clone(),
                    origin: (&c.origin).into(),
                })
                .collect(),
            password_credentials: a
                .password_credentials
                .iter()
                .map(|p| PasswordCredentialV1 {
                    owner_kind: kind_v1(p.owner_kind),
                    app_id: p.app_id.clone(),
                    owner_name: p.owner_name.clone(),
                    key_id: p.key_id.clone(),
                    display_name: p.display_name.clone(),
                    start: p.start,
                    end: p.end,
                    origin: (&p.origin).into(),
                })
                .collect(),
            clusters: a
                .clusters
                .iter()
                .map(|c| AksClusterV1 {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    oidc_issuer: c.oidc_issuer.clone(),
                    workload_identity_enabled: c.is_workload_identity_enabled,
                    pod_link_local_access: c.pod_link_local_access.clone(),
                    kubelet_identity: c.kubelet_identity.clone(),
                    origin: (&c.origin).into(),
                })
                .collect(),
            role_assignments: a
                .role_assignments
                .iter()
                .map(|r| RoleAssignmentV1 {
                    principal_id: r.principal_id.clone(),
                    principal_name: r.principal_name.clone(),
                    role_name: r.role_name.clone(),
                    scope: r.scope.clone(),
                    origin: (&r.origin).into(),
                })
                .collect(),
        }
    }
}

impl From<AzureV1> for azure::AzureInventory {
    fn from(a: AzureV1) -> Self {
        azure::AzureInventory {
            identities: a
                .identities
                .into_iter()
                .map(|i| azure::AzureIdentity {
                    kind: kind_model(i.kind),
                    id: i.id,
                    name: i.name,
                    client_id: i.client_id,
                    principal_id: i.principal_id,
                    origin: i.origin.into(),
                })
                .collect(),
            federated_credentials: a
                .federated_credentials
                .into_iter()
                .map(|c| azure::FederatedCredential {
                    owner: match c.owner {
                        CredentialOwnerV1::ManagedIdentity { id } => azure::CredentialOwner::ManagedIdentity(id),
                        CredentialOwnerV1::Application { app_id } => azure::CredentialOwner::Application(app_id),
                        CredentialOwnerV1::Unknown => azure::CredentialOwner::Unknown,
                    },
                    id: c.id,
                    name: c.name,
                    issuer: c.issuer,
                    subject: c.subject,
                    claims_matching_expression: c.claims_matching_expression,
                    audiences: c.audiences,
                    origin: c.origin.into(),
                })
                .collect(),
            password_credentials: a
                .password_credentials
                .into_iter()
                .map(|p| azure::PasswordCredential {
                    owner_kind: kind_model(p.owner_kind),
                    app_id: p.app_id,
                    owner_name: p.owner_name,
                    key_id: p.key_id,
                    display_name: p.display_name,
                    start: p.start,
                    end: p.end,
                    origin: p.origin.into(),
                })
                .collect(),
            clusters: a
                .clusters
                .into_iter()
                .map(|c| azure::AksCluster {
                    id: c.id,
                    name: c.name,
                    oidc_issuer: c.oidc_issuer,
                    is_workload_identity_enabled: c.workload_identity_enabled,
                    pod_link_local_access: c.pod_link_local_access,
                    kubelet_identity: c.kubelet_identity,
                    origin: c.origin.into(),
                })
                .collect(),
            role_assignments: a
                .role_assignments
                .into_iter()
                .map(|r| azure::RoleAssignment {
                    principal_id: r.principal_id,
                    principal_name: r.principal_name,
                    role_name: r.role_name,
                    scope: r.scope,
                    origin: r.origin.into(),
                })
                .collect(),
        }
    }
}
