//! Google Cloud objects the GCP source will fill (Cloud Asset Inventory, IAM, GKE): service
//! accounts and their keys' metadata, workload identity pools and providers, IAM bindings, GKE
//! clusters and node pools. Plain data with origins, like the other providers.

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

#[derive(Clone, Debug)]
pub struct GcpServiceAccount {
    /// `projects/P/serviceAccounts/EMAIL`.
    pub name: String,
    pub email: String,
    pub project_id: String,
    pub origin: Origin,
}

/// Key metadata only (`keyType`, validity, state); never key material.
#[derive(Clone, Debug)]
pub struct GcpServiceAccountKey {
    pub name: String,
    pub service_account_email: String,
    /// `USER_MANAGED` or `SYSTEM_MANAGED`.
    pub key_type: String,
    pub is_disabled: bool,
    pub valid_after: Option<jiff::Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct WorkloadIdentityPool {
    /// `projects/N/locations/global/workloadIdentityPools/POOL`.
    pub name: String,
    pub is_disabled: bool,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct WorkloadIdentityProvider {
    /// `projects/N/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`.
    pub name: String,
    /// The OIDC issuer URI, when an OIDC provider.
    pub issuer_uri: Option<String>,
    pub attribute_condition: Option<String>,
    pub attribute_mapping: std::collections::BTreeMap<String, String>,
    pub allowed_audiences: Vec<String>,
    pub origin: Origin,
}

/// One member granted one role on one resource.
#[derive(Clone, Debug)]
pub struct IamBinding {
    /// The full resource name the policy is attached to.
    pub resource: String,
    pub role: String,
    /// `serviceAccount:…`, `principal://…`, `principalSet://…`, `user:…`.
    pub member: String,
    pub condition: Option<String>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct GkeCluster {
    pub name: String,
    pub location: String,
    /// `PROJECT.svc.id.goog` when Workload Identity is enabled.
    pub workload_pool: Option<String>,
    pub has_legacy_metadata_endpoints: bool,
    pub node_pools: Vec<GkeNodePool>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct GkeNodePool {
    pub name: String,
    /// `GKE_METADATA`, `GCE_METADATA`, or unset.
    pub workload_metadata_mode: Option<String>,
}
