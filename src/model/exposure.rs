//! Whether pods of a cluster can reach the instance metadata service from the node side.
//!
//! Each cloud contributes its node facts here (EKS worker metadata options now; GKE's workload
//! metadata mode and AKS's pod link-local setting when those sources arrive), so K8S002 asks one
//! question and never knows which cloud answered.

use super::Inventory;
use super::aws::MetadataOptions;
use super::k8s::ClusterRef;

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

impl Inventory {
    pub fn node_imds(&self, cluster: &ClusterRef) -> NodeImds {
        let Some(name) = &cluster.name else { return NodeImds::Unknown };
        let nodes: Vec<_> = self.aws.node_capacity.iter().filter(|n| &n.cluster_name == name).collect();
        if nodes.is_empty() {
            return NodeImds::Unknown;
        }
        for node in &nodes {
            match node.metadata.imds_exposure() {
                WorkerImds::Blocked => {}
                WorkerImds::Reachable(reason) => return NodeImds::Reachable(format!("worker {}: {reason}", node.name)),
                WorkerImds::Unstated => return NodeImds::Reachable(format!("worker {} does not state its metadata options", node.name)),
            }
        }
        NodeImds::Blocked
    }
}
