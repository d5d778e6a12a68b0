//! Kubernetes rules: pod placement, IMDS reachability, static credentials in the cluster,
//! and cloud identity annotations used wrongly.

pub mod azure_wi_label_missing;
pub mod default_sa_cloud_identity;
pub mod imds_egress_open;
pub mod pod_host_network;
pub mod static_aws_key_in_cluster;
pub mod static_azure_secret_in_cluster;
pub mod static_creds_in_federated_workload;
pub mod static_gcp_key_in_cluster;

use crate::finding::Resource;
use crate::model::Origin;
use crate::model::k8s::{ClusterRef, EnvSource, StaticCredential, Workload};
use crate::rules::Context;

/// Workloads worth reporting: Pods and ReplicaSets whose controller is in the inventory are
/// reported through that controller, once.
pub(crate) fn reportable_workloads<'a>(cx: &'a Context<'_>) -> impl Iterator<Item = &'a Workload> {
    cx.inventory.workloads_by_controller()
}

/// Every credential of one kind found in a workload's literal env values: (`container/ENV`, credential).
pub(crate) fn literal_env_credentials(workload: &Workload, wanted: fn(&StaticCredential) -> bool) -> Vec<(String, &StaticCredential)> {
    let mut out = Vec::new();
    for c in &workload.containers {
        for e in &c.env {
            if let EnvSource::Literal { credentials, .. } = &e.source {
                out.extend(credentials.iter().filter(|cred| wanted(cred)).map(|cred| (format!("{}/env/{}", c.name, e.name), cred)));
            }
        }
    }
    out
}

/// The cluster an object belongs to, for evidence: the linked cloud cluster's name, else the input
/// it was read from. Not fingerprinted (it changes when a cluster is linked, and with the folder).
pub(crate) fn cluster_evidence(cluster: &crate::model::k8s::ClusterRef) -> String {
    cluster.display().to_string()
}

/// A static credential found in cluster data, and what holds it.
pub(crate) struct CredentialSite<'a> {
    pub resource: Resource,
    pub cluster: &'a ClusterRef,
    pub origin: &'a Origin,
    /// `Secret payments/aws`, `Deployment payments/api`.
    pub holder: String,
    /// `data.KEY`, or `container/env/NAME` for a literal in a manifest.
    pub path: String,
    /// Written into a workload's manifest rather than stored in a Secret or ConfigMap.
    pub is_manifest: bool,
    pub credential: &'a StaticCredential,
}

/// Every credential of one kind in Secrets, ConfigMaps and reportable workloads' literal env values.
pub(crate) fn credential_sites<'a>(cx: &Context<'a>, wanted: fn(&StaticCredential) -> bool) -> Vec<CredentialSite<'a>> {
    let inventory = cx.inventory;
    let mut sites = Vec::new();
    for o in &inventory.k8s.config_objects {
        for (path, credential) in o.credentials.iter().filter(|(_, c)| wanted(c)) {
            sites.push(CredentialSite {
                resource: o.resource(),
                cluster: &o.cluster,
                origin: &o.origin,
                holder: format!("{} {}/{}", o.kind, o.namespace, o.name),
                path: path.clone(),
                is_manifest: false,
                credential,
            });
        }
    }
    for w in inventory.workloads_by_controller() {
        for (path, credential) in literal_env_credentials(w, wanted) {
            sites.push(CredentialSite {
                resource: w.resource(),
                cluster: &w.cluster,
                origin: &w.origin,
                holder: format!("{} {}/{}", w.kind, w.namespace, w.name),
                path,
                is_manifest: true,
                credential,
            });
        }
    }
    sites
}

/// The collected cloud identity a static key found in the cluster belongs to, as a label.
pub(crate) fn key_owner(cx: &Context<'_>, key_id: &str) -> Option<String> {
    let graph = &cx.inventory.graph;
    graph.static_keys.get(key_id).and_then(|sites| sites.owner).map(|n| graph.nodes[n].label())
}
