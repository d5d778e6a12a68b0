//! K8S002 imds-egress-open: namespaces whose pods can reach 169.254.169.254.
//!
//! Reachability is a conclusion: no NetworkPolicy keeps the pods from IMDS, and the node side
//! (the cloud's node facts) does not block it either, or is unknown and then assumed open.

use std::collections::BTreeMap;

use crate::model::exposure::NodeImds;
use crate::model::k8s::{ClusterRef, NetworkPolicy, Workload, object_resource};
use crate::rules::prelude::*;

declare_rule!(ImdsEgressOpen, "K8S002");

impl Rule for ImdsEgressOpen {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let k8s = &cx.inventory.k8s;
        let mut policies: BTreeMap<(&ClusterRef, &str), Vec<&NetworkPolicy>> = BTreeMap::new();
        for p in &k8s.network_policies {
            policies.entry((&p.cluster, p.namespace.as_str())).or_default().push(p);
        }
        let mut open: BTreeMap<(&ClusterRef, &str), Vec<&Workload>> = BTreeMap::new();
        for w in super::reportable_workloads(cx) {
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
        for ((cluster, namespace), workloads) in open {
            let node = cx.inventory.node_imds(cluster);
            let node_text = match &node {
                NodeImds::Blocked => continue,
                NodeImds::Reachable(reason) => format!("and the nodes do not block it ({reason})"),
                NodeImds::Unknown => {
                    "and the node side is unknown (no cloud input for this cluster), so IMDS is assumed reachable".to_string()
                }
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
