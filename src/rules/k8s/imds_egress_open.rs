//! K8S002 imds-egress-open: namespaces whose pods can reach 169.254.169.254.
//!
//! Reachability is a conclusion: no NetworkPolicy keeps the pods from IMDS, and the node side
//! (the cloud's node facts) does not block it either, or is unknown and then assumed open.

use crate::model::exposure::NodeImds;
use crate::model::k8s::object_resource;
use crate::rules::prelude::*;

declare_rule!(ImdsEgressOpen, "K8S002");

impl Rule for ImdsEgressOpen {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for open in cx.inventory.namespaces_reaching_imds() {
            let (cluster, namespace, workloads, node) = (open.cluster, open.namespace, &open.workloads, open.node);
            let node_text = match &node {
                NodeImds::Reachable(reason) => format!("and the nodes do not block it ({reason})"),
                _ => "and the node side is unknown (no cloud input for this cluster), so IMDS is assumed reachable".to_string(),
            };
            let names: Vec<String> = workloads.iter().map(|w| format!("{}/{}", w.kind, w.name)).collect();
            let first = workloads[0];
            out.push(
                self.finding(object_resource("Namespace", namespace, namespace))
                    .message(format!(
                        "pods of {} workload(s) in namespace {namespace} can reach IMDS (169.254.169.254): no NetworkPolicy blocks egress to it, {node_text}",
                        workloads.len()
                    ))
                    .volatile_evidence("cluster", cluster.display())
                    .volatile_evidence("node_side", match node {
                        NodeImds::Reachable(_) => "reachable",
                        _ => "assumed",
                    })
                    .volatile_evidence("workloads", names.join(", "))
                    .at(&first.origin),
            );
        }
    }
}
