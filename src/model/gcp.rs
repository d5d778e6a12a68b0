//! Google Cloud objects (Cloud Asset Inventory, IAM, GKE): service accounts and their keys'
//! metadata, workload identity pools and providers, IAM bindings, GKE clusters and node pools.
//! Plain data with origins, like the other providers; what a member or a condition means is
//! `policy`'s business.

use std::collections::{BTreeMap, HashMap};

use super::Origin;
use crate::finding::Resource;

inventory_part! {
    pub struct GcpInventory {
        objects service_accounts: Vec<GcpServiceAccount>,
        objects keys: Vec<GcpServiceAccountKey>,
        objects pools: Vec<WorkloadIdentityPool>,
        objects providers: Vec<WorkloadIdentityProvider>,
        objects bindings: Vec<IamBinding>,
        objects clusters: Vec<GkeCluster>,
        objects node_pools: Vec<GkeNodePool>,
    }
}

#[derive(Clone, Debug)]
pub struct GcpServiceAccount {
    /// `projects/PROJECT_ID/serviceAccounts/EMAIL`.
    pub name: String,
    pub email: String,
    pub project_id: String,
    /// The 21-digit ID that Cloud Asset names use (`//iam.googleapis.com/projects/P/serviceAccounts/UNIQUE_ID`).
    pub unique_id: Option<String>,
    pub is_disabled: bool,
    pub origin: Origin,
}

impl GcpServiceAccount {
    pub fn resource(&self) -> Resource {
        service_account_resource(&self.email)
    }
}

/// The project of a user-managed service account, from its email (`NAME@PROJECT.iam.gserviceaccount.com`).
pub fn project_of_email(email: &str) -> Option<&str> {
    email.split_once('@')?.1.strip_suffix(".iam.gserviceaccount.com")
}

/// A Google service account as a finding's resource, by email.
pub fn service_account_resource(email: &str) -> Resource {
    let name = email.split('@').next().unwrap_or(email);
    Resource { kind: "gcp:iam:service-account".into(), id: email.to_string(), name: name.to_string() }
}

/// Key metadata only (`keyType`, validity, state); never key material.
#[derive(Clone, Debug)]
pub struct GcpServiceAccountKey {
    /// `projects/PROJECT_ID/serviceAccounts/SA/keys/KEY_ID` (SA: an email or a unique ID).
    pub name: String,
    pub key_id: String,
    /// The service account segment of the name: an email, or a unique ID in some asset names.
    pub service_account: String,
    /// `USER_MANAGED` or `SYSTEM_MANAGED`.
    pub key_type: String,
    /// `GOOGLE_PROVIDED` or `USER_PROVIDED` (an uploaded public key).
    pub key_origin: Option<String>,
    pub is_disabled: bool,
    pub valid_after: Option<jiff::Timestamp>,
    pub valid_before: Option<jiff::Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct WorkloadIdentityPool {
    /// `projects/NUMBER/locations/global/workloadIdentityPools/POOL`.
    pub name: String,
    pub is_disabled: bool,
    pub origin: Origin,
}

/// What kind of tokens a provider accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    Oidc {
        issuer_uri: String,
        allowed_audiences: Vec<String>,
    },
    Aws {
        account_id: String,
    },
    Saml,
    /// A provider of a kind this version does not know (X.509, future kinds).
    Other,
}

#[derive(Clone, Debug)]
pub struct WorkloadIdentityProvider {
    /// `projects/NUMBER/locations/global/workloadIdentityPools/POOL/providers/PROVIDER`.
    pub name: String,
    pub kind: ProviderKind,
    /// The CEL condition every token must meet, as written; `None` when absent or empty.
    pub attribute_condition: Option<String>,
    /// `google.subject` / `attribute.NAME` → CEL expression over `assertion`.
    pub attribute_mapping: BTreeMap<String, String>,
    /// `disabled: true`, or a state other than `ACTIVE` (a deleted provider accepts no token).
    pub is_disabled: bool,
    pub origin: Origin,
}

impl WorkloadIdentityProvider {
    /// The pool's name: the provider's without `/providers/ID`.
    pub fn pool(&self) -> &str {
        self.name.rsplit_once("/providers/").map_or(self.name.as_str(), |(pool, _)| pool)
    }

    pub fn short_name(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }

    pub fn resource(&self) -> Resource {
        let pool = self.pool().rsplit('/').next().unwrap_or_default();
        Resource { kind: "gcp:iam:workload-identity-provider".into(), id: self.name.clone(), name: format!("{pool}/{}", self.short_name()) }
    }
}

/// An IAM condition on a binding (`version: 3` policies).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BindingCondition {
    pub title: Option<String>,
    pub expression: String,
}

/// One member granted one role on one resource (a policy's bindings, flattened per member).
#[derive(Clone, Debug)]
pub struct IamBinding {
    /// The full resource name the policy is attached to (`//cloudresourcemanager.googleapis.com/projects/P`).
    pub resource: String,
    pub role: String,
    /// As written: `serviceAccount:…`, `principal://…`, `principalSet://…`, `user:…`.
    pub member: String,
    pub condition: Option<BindingCondition>,
    pub origin: Origin,
}

impl IamBinding {
    pub fn scope(&self) -> ResourceScope<'_> {
        ResourceScope::of(&self.resource)
    }
}

/// What a policy is attached to, read from its full resource name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceScope<'a> {
    Organization(&'a str),
    Folder(&'a str),
    /// A project, by ID or number (Cloud Asset uses both).
    Project(&'a str),
    /// A service account, by email or unique ID, in a project.
    ServiceAccount {
        project: &'a str,
        account: &'a str,
    },
    Other,
}

impl<'a> ResourceScope<'a> {
    pub fn of(resource: &'a str) -> Self {
        if let Some(rest) = resource.strip_prefix("//cloudresourcemanager.googleapis.com/") {
            let mut parts = rest.split('/');
            return match (parts.next(), parts.next(), parts.next()) {
                (Some("organizations"), Some(id), None) => ResourceScope::Organization(id),
                (Some("folders"), Some(id), None) => ResourceScope::Folder(id),
                (Some("projects"), Some(id), None) => ResourceScope::Project(id),
                _ => ResourceScope::Other,
            };
        }
        if let Some(rest) = resource.strip_prefix("//iam.googleapis.com/") {
            let parts: Vec<&str> = rest.split('/').collect();
            if let ["projects", project, "serviceAccounts", account] = parts.as_slice() {
                return ResourceScope::ServiceAccount { project, account };
            }
        }
        ResourceScope::Other
    }

    /// A project, folder or organization: a grant there reaches everything below it.
    pub fn is_hierarchy(&self) -> bool {
        matches!(self, ResourceScope::Organization(_) | ResourceScope::Folder(_) | ResourceScope::Project(_))
    }
}

#[derive(Clone, Debug)]
pub struct GkeCluster {
    pub project: String,
    /// A region or a zone.
    pub location: String,
    pub name: String,
    /// `PROJECT.svc.id.goog` when Workload Identity is enabled.
    pub workload_pool: Option<String>,
    pub is_autopilot: bool,
    pub origin: Origin,
}

impl GkeCluster {
    /// `projects/P/locations/L/clusters/C`: what node pools name their cluster by.
    pub fn key(&self) -> String {
        cluster_key(&self.project, &self.location, &self.name)
    }

    /// The URL that `principalSet://…/kubernetes.cluster/URL` members name.
    pub fn url(&self) -> String {
        cluster_url(&self.project, &self.location, &self.name)
    }

    pub fn resource(&self) -> Resource {
        Resource { kind: "gcp:container:cluster".into(), id: self.key(), name: self.name.clone() }
    }
}

/// A GKE cluster's URL: the issuer of its ServiceAccount tokens, and the `kubernetes.cluster` of
/// principal sets.
pub fn cluster_url(project: &str, location: &str, name: &str) -> String {
    format!("https://container.googleapis.com/v1/{}", cluster_key(project, location, name))
}

pub fn cluster_key(project: &str, location: &str, name: &str) -> String {
    format!("projects/{project}/locations/{location}/clusters/{name}")
}

#[derive(Clone, Debug)]
pub struct GkeNodePool {
    /// The cluster's [`GkeCluster::key`].
    pub cluster: String,
    pub name: String,
    /// `GKE_METADATA`, `GCE_METADATA`, `MODE_UNSPECIFIED`, or unset.
    pub workload_metadata_mode: Option<String>,
    /// The node metadata `disable-legacy-endpoints`: `Some(false)` when set to `"false"`.
    pub legacy_endpoints_disabled: Option<bool>,
    /// The Google service account the nodes run as (`config.serviceAccount`; `default` is the
    /// project's Compute Engine default account).
    pub service_account: Option<String>,
    pub origin: Origin,
}

impl GkeNodePool {
    pub fn runs_gke_metadata_server(&self) -> bool {
        self.workload_metadata_mode.as_deref() == Some("GKE_METADATA")
    }

    pub fn resource(&self) -> Resource {
        let cluster = self.cluster.rsplit('/').next().unwrap_or_default();
        Resource {
            kind: "gcp:container:node-pool".into(),
            id: format!("{}/nodePools/{}", self.cluster, self.name),
            name: format!("{cluster}/{}", self.name),
        }
    }
}

/// Lookups over the GCP part, built once after the last merge.
#[derive(Clone, Debug, Default)]
pub struct GcpIndex {
    /// Email and unique ID → position in `service_accounts`.
    pub service_accounts: HashMap<String, usize>,
    /// Full resource name → positions in `bindings`.
    pub bindings_by_resource: HashMap<String, Vec<usize>>,
    /// Service account (its [`GcpInventory::account_key`]) → positions in `bindings` of policies on it.
    pub bindings_on_service_account: HashMap<String, Vec<usize>>,
    /// Member as written → positions in `bindings`.
    pub bindings_by_member: HashMap<String, Vec<usize>>,
    /// Pool name → positions in `providers`.
    pub providers_by_pool: HashMap<String, Vec<usize>>,
    /// Cluster key → positions in `node_pools`.
    pub node_pools_by_cluster: HashMap<String, Vec<usize>>,
    /// Workload pool (`PROJECT.svc.id.goog`) → positions in `clusters`.
    pub clusters_by_workload_pool: HashMap<String, Vec<usize>>,
}

impl GcpInventory {
    /// Drops records that several inputs describe twice (an asset export next to `gcloud` lists),
    /// keeping the first read.
    pub fn consolidate(&mut self) {
        dedup_by_key!(self.service_accounts, |s| s.email.to_ascii_lowercase());
        dedup_by_key!(self.keys, |k| &k.key_id);
        dedup_by_key!(self.pools, |p| &p.name);
        dedup_by_key!(self.providers, |p| &p.name);
        dedup_by_key!(self.bindings, |b| (&b.resource, &b.role, &b.member, &b.condition));
        dedup_by_key!(self.clusters, |c| c.key());
        dedup_by_key!(self.node_pools, |n| (&n.cluster, &n.name));
    }

    /// How a service account is keyed in the indexes: its lower-case email, found from a unique ID
    /// when the scan holds the account; otherwise the text as written.
    pub fn account_key(&self, index: &GcpIndex, account: &str) -> String {
        match index.service_accounts.get(account).or_else(|| index.service_accounts.get(&account.to_ascii_lowercase())) {
            Some(&i) => self.service_accounts[i].email.to_ascii_lowercase(),
            None => account.to_ascii_lowercase(),
        }
    }

    pub fn build_index(&self) -> GcpIndex {
        let mut index = GcpIndex::default();
        for (i, sa) in self.service_accounts.iter().enumerate() {
            index.service_accounts.insert(sa.email.to_ascii_lowercase(), i);
            if let Some(id) = &sa.unique_id {
                index.service_accounts.insert(id.clone(), i);
            }
        }
        for (i, b) in self.bindings.iter().enumerate() {
            if let ResourceScope::ServiceAccount { account, .. } = b.scope() {
                index.bindings_on_service_account.entry(self.account_key(&index, account)).or_default().push(i);
            }
            index.bindings_by_resource.entry(b.resource.clone()).or_default().push(i);
            index.bindings_by_member.entry(b.member.clone()).or_default().push(i);
        }
        for (i, p) in self.providers.iter().enumerate() {
            index.providers_by_pool.entry(p.pool().to_string()).or_default().push(i);
        }
        for (i, n) in self.node_pools.iter().enumerate() {
            index.node_pools_by_cluster.entry(n.cluster.clone()).or_default().push(i);
        }
        for (i, c) in self.clusters.iter().enumerate() {
            if let Some(pool) = &c.workload_pool {
                index.clusters_by_workload_pool.entry(pool.clone()).or_default().push(i);
            }
        }
        index
    }
}
