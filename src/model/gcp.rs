//! Google Cloud objects the GCP source will fill (Cloud Asset Inventory, IAM, GKE): service
//! accounts and their keys' metadata, workload identity pools and providers, IAM bindings, GKE
//! clusters and node pools. Plain data with origins, like the other providers.

use serde::{Deserialize, Serialize};

use super::Origin;

inventory_part! {
    pub struct GcpInventory {
        objects service_accounts: Vec<GcpServiceAccount>,
        objects keys: Vec<GcpServiceAccountKey>,
        objects pools: Vec<WorkloadIdentityPool>,
        objects providers: Vec<WorkloadIdentityProvider>,
        objects bindings: Vec<IamBinding>,
        objects clusters: Vec<GkeCluster>,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GcpServiceAccount {
    /// `projects/P/serviceAccounts/EMAIL`.
    pub name: String,
    pub email: String,
    pub project_id: String,
    pub origin: Origin,
}

/// Key metadata only (`keyType`, validity, state); never key material.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GcpServiceAccountKey {
    pub name: String,
    pub service_account_email: String,
    /// `USER_MANAGED` or `SYSTEM_MANAGED`.
    pub key_type: String,
    pub is_disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_after: Option<jiff::Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadIdentityPool {
    /// `projects/N/locations/global/workloadIdentityPools/POOL`.
    pub name: String,
    pub is_disabled: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadIdentityProvider {
    /// `projects/N/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`.
    pub name: String,
    /// The OIDC issuer URI, when an OIDC provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_condition: Option<String>,
    #[serde(default)]
    pub attribute_mapping: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub allowed_audiences: Vec<String>,
    pub origin: Origin,
}

/// One member granted one role on one resource.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IamBinding {
    /// The full resource name the policy is attached to.
    pub resource: String,
    pub role: String,
    /// `serviceAccount:…`, `principal://…`, `principalSet://…`, `user:…`.
    pub member: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GkeCluster {
    pub name: String,
    pub location: String,
    /// `PROJECT.svc.id.goog` when Workload Identity is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_pool: Option<String>,
    pub has_legacy_metadata_endpoints: bool,
    #[serde(default)]
    pub node_pools: Vec<GkeNodePool>,
    pub origin: Origin,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GkeNodePool {
    pub name: String,
    /// `GKE_METADATA`, `GCE_METADATA`, or unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_metadata_mode: Option<String>,
}
