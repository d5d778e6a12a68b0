//! Whether pods of a cluster can reach the instance metadata service from the node side.
//!
//! Each cloud contributes its node facts here (EKS worker metadata options now; GKE's workload
//! metadata mode and AKS's pod link-local setting when those sources arrive), so K8S002 asks one
//! question and never knows which cloud answered.

use super::Inventory;
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

impl Inventory {
    pub fn node_imds(&self, cluster: &ClusterRef) -> NodeImds {
        let Some(name) = &cluster.name else { return NodeImds::Unknown };
        let nodes: Vec<_> = self.aws.node_capacity.iter().filter(|n| &n.cluster_name == name).collect();
        if nodes.is_empty() {
            return NodeImds::Unknown;
        }
        for node in &nodes {
            let m = &node.metadata;
            if m.http_endpoint.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("disabled")) {
                continue;
            }
            if m.http_tokens.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("optional")) {
                return NodeImds::Reachable(format!("worker {} allows IMDSv1", node.name));
            }
            match m.hop_limit {
                Some(h) if h > 1 => return NodeImds::Reachable(format!("worker {} has a metadata hop limit of {h}", node.name)),
                Some(_) if m.http_tokens.is_some() => {}
                // Settings not stated (a launch template that leaves them to the AMI): not known to block.
                _ => return NodeImds::Reachable(format!("worker {} does not state its metadata options", node.name)),
            }
        }
        NodeImds::Blocked
    }
}
