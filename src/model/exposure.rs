//! Whether pods of a cluster can reach the instance metadata service from the node side.
//!
//! Each cloud contributes its node facts here (EKS worker metadata options now; GKE's workload
//! metadata mode and AKS's pod link-local setting when those sources arrive), so K8S002 asks one
//! question and never knows which cloud answered.

use super::Inventory;
use super::aws::{AwsInventory, MetadataOptions};
use super::azure::AzureInventory;
use super::gcp::GcpInventory;
use super::k8s::{CloudCluster, ClusterRef};

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

// TODO(#11): GKE node pools' workload metadata mode. TODO(#12): AKS's pod link-local setting.
impl NodeFacts for GcpInventory {
    fn node_imds(&self, _cluster: &CloudCluster) -> Option<NodeImds> {
        None
    }
}

impl NodeFacts for AzureInventory {
    fn node_imds(&self, _cluster: &CloudCluster) -> Option<NodeImds> {
        None
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
