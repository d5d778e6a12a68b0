//! K8S001 pod-host-network: pods on the node's network reach IMDS and bypass pod identity.

use super::{cluster_evidence, reportable_workloads};
use crate::rules::prelude::*;

declare_rule!(PodHostNetwork, "K8S001");

impl Rule for PodHostNetwork {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in reportable_workloads(cx).filter(|w| w.host_network) {
            out.push(
                self.finding(w.resource())
                    .message(format!(
                        "{} {}/{} runs on the node's network: its pods reach IMDS and can take the node's cloud identity, whatever ServiceAccount they use",
                        w.kind, w.namespace, w.name
                    ))
                    .volatile_evidence("cluster", cluster_evidence(&w.cluster))
                    .evidence("hostNetwork", "true")
                    .at(&w.origin),
            );
        }
    }
}
