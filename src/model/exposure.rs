//! Whether pods of a cluster can reach the instance metadata service from the node side.
//!
//! Each cloud contributes its node facts here (EKS worker metadata options, GKE node pools'
//! workload metadata mode, AKS's pod link-local setting), so K8S002 asks one
//! question and never knows which cloud answered.

use super::Inventory;
use super::aws::{AwsInventory, MetadataOptions};
use super::azure::AzureInventory;
use super::gcp::GcpInventory;
use std::collections::BTreeMap;

use super::k8s::{CloudCluster, ClusterRef, NetworkPolicy, Workload};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeImds {
    /// Every node of the cluster stops pods from reaching IMDS.
    Blocked,
    /// Some node lets pods reach IMDS; the reason names it.
    Reachable(String),
    /// No node facts for this cluster in the scan.
    Unknown,
}

/// What one EKS worker's metadata options let its pods do: the one judgement AWS009 (per worker)
/// and K8S002 (per cluster, through [`Inventory::node_imds`]) share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkerImds {
    /// The metadata endpoint is off, or IMDSv2 is required with a hop limit of 1.
    Blocked,
    /// Pods reach IMDS; the reason says how.
    Reachable(String),
    /// The settings are not stated (a launch template that leaves them to the AMI and the
    /// account's defaults): not known to block, so taken as reachable.
    Unstated,
}

impl MetadataOptions {
    pub fn imds_exposure(&self) -> WorkerImds {
        if self.http_endpoint.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("disabled")) {
            return WorkerImds::Blocked;
        }
        let allows_v1 = self.http_tokens.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("optional"));
        match (allows_v1, self.hop_limit.filter(|&h| h > 1)) {
            (true, None) => WorkerImds::Reachable("IMDSv1 is allowed (HttpTokens=optional)".into()),
            (false, Some(h)) => WorkerImds::Reachable(format!("the hop limit of {h} lets containers reach IMDSv2")),
            (true, Some(h)) => WorkerImds::Reachable(format!("IMDSv1 is allowed and the hop limit is {h}")),
            (false, None) if self.http_tokens.is_some() && self.hop_limit.is_some() => WorkerImds::Blocked,
            (false, None) => WorkerImds::Unstated,
        }
    }
}

/// A cloud's node facts: whether the nodes of one of its clusters keep pods from IMDS. `None`
/// when this cloud knows nothing of the cluster. K8S002 asks the inventory, which asks each cloud.
pub trait NodeFacts {
    fn node_imds(&self, cluster: &CloudCluster) -> Option<NodeImds>;
}

impl NodeFacts for AwsInventory {
    fn node_imds(&self, cluster: &CloudCluster) -> Option<NodeImds> {
        // Worker capacity is tagged with the cluster's name only, so a user-named link counts too.
        let name = match cluster {
            CloudCluster::Eks { name, .. } | CloudCluster::Named { name } => name,
            CloudCluster::Gke { .. } | CloudCluster::Aks { .. } => return None,
        };
        let nodes: Vec<_> = self.node_capacity.iter().filter(|n| &n.cluster_name == name).collect();
        if nodes.is_empty() {
            return None;
        }
        for node in &nodes {
            match node.metadata.imds_exposure() {
                WorkerImds::Blocked => {}
                WorkerImds::Reachable(reason) => return Some(NodeImds::Reachable(format!("worker {}: {reason}", node.name))),
                WorkerImds::Unstated => {
                    return Some(NodeImds::Reachable(format!("worker {} does not state its metadata options", node.name)));
                }
            }
        }
        Some(NodeImds::Blocked)
    }
}

/// GKE: a node pool that runs the GKE metadata server answers pods with their own Kubernetes
/// identity's token, never the node's; any other mode serves the node's service account.
impl NodeFacts for GcpInventory {
    fn node_imds(&self, cluster: &CloudCluster) -> Option<NodeImds> {
        let CloudCluster::Gke { project, location, name, .. } = cluster else { return None };
        let described = self.clusters.iter().find(|c| &c.project == project && &c.location == location && &c.name == name)?;
        if described.is_autopilot {
            return Some(NodeImds::Blocked);
        }
        if described.workload_pool.is_none() {
            return Some(NodeImds::Reachable("Workload Identity is disabled on the cluster".into()));
        }
        let key = described.key();
        let pools: Vec<_> = self.node_pools.iter().filter(|p| p.cluster == key).collect();
        if pools.is_empty() {
            return None;
        }
        match pools.iter().find(|p| !p.runs_gke_metadata_server()) {
            Some(pool) => Some(NodeImds::Reachable(format!(
                "node pool {} runs workload metadata mode {}",
                pool.name,
                pool.workload_metadata_mode.as_deref().unwrap_or("(not set)")
            ))),
            None => Some(NodeImds::Blocked),
        }
    }
}

/// AKS: `networkProfile.podLinkLocalAccess: None` keeps pods without host networking from the
/// node's IMDS; the default, `IMDS`, lets them reach it.
impl NodeFacts for AzureInventory {
    fn node_imds(&self, cluster: &CloudCluster) -> Option<NodeImds> {
        let CloudCluster::Aks { resource_id, .. } = cluster else { return None };
        let described = self.clusters.iter().find(|c| c.id.eq_ignore_ascii_case(resource_id))?;
        Some(if described.pods_reach_imds() {
            let setting = described.pod_link_local_access.as_deref().unwrap_or("IMDS, the default");
            NodeImds::Reachable(format!("podLinkLocalAccess is {setting}"))
        } else {
            NodeImds::Blocked
        })
    }
}

impl Inventory {
    /// The node side of a cluster, from whichever cloud knows it.
    pub fn node_imds(&self, cluster: &ClusterRef) -> NodeImds {
        let Some(linked) = &cluster.linked else { return NodeImds::Unknown };
        let clouds: [&dyn NodeFacts; 3] = [&self.aws, &self.gcp, &self.azure];
        clouds.iter().find_map(|cloud| cloud.node_imds(linked)).unwrap_or(NodeImds::Unknown)
    }
}

/// The pods of one namespace that can reach IMDS, and what the node side says.
pub struct OpenNamespace<'a> {
    pub cluster: &'a ClusterRef,
    pub namespace: &'a str,
    pub workloads: Vec<&'a Workload>,
    /// `Reachable` or `Unknown` (assumed reachable); never `Blocked`.
    pub node: NodeImds,
}

impl Inventory {
    /// Namespaces whose pods (not on the host network) reach IMDS: no NetworkPolicy keeps them
    /// from it and the nodes do not block it (or are unknown, and then assumed open). K8S002
    /// reports them; the identity graph draws their way to the node's identity.
    pub fn namespaces_reaching_imds(&self) -> Vec<OpenNamespace<'_>> {
        let mut policies: BTreeMap<(&ClusterRef, &str), Vec<&NetworkPolicy>> = BTreeMap::new();
        for p in &self.k8s.network_policies {
            policies.entry((&p.cluster, p.namespace.as_str())).or_default().push(p);
        }
        let mut open: BTreeMap<(&ClusterRef, &str), Vec<&Workload>> = BTreeMap::new();
        for w in self.workloads_by_controller() {
            // hostNetwork pods are outside NetworkPolicy altogether: K8S001 reports them.
            if w.host_network {
                continue;
            }
            let in_namespace = policies.get(&(&w.cluster, w.namespace.as_str())).map(Vec::as_slice).unwrap_or_default();
            let selecting: Vec<&&NetworkPolicy> = in_namespace.iter().filter(|p| p.pod_selector.matches(&w.pod_labels)).collect();
            // An explicit deny (Cilium egressDeny, Calico Deny) wins; otherwise the allow lists decide.
            let is_denied = selecting.iter().any(|p| p.denies_imds);
            let restricting: Vec<&&NetworkPolicy> = selecting.iter().copied().filter(|p| p.restricts_egress).collect();
            let is_blocked = is_denied || (!restricting.is_empty() && restricting.iter().all(|p| !p.allows_imds));
            if !is_blocked {
                open.entry((&w.cluster, w.namespace.as_str())).or_default().push(w);
            }
        }
        open.into_iter()
            .filter_map(|((cluster, namespace), workloads)| match self.node_imds(cluster) {
                NodeImds::Blocked => None,
                node => Some(OpenNamespace { cluster, namespace, workloads, node }),
            })
            .collect()
    }
}
