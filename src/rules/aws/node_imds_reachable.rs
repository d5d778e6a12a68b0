//! AWS009 node-imds-reachable: EKS worker capacity whose metadata options let pods reach IMDS.

use crate::model::exposure::WorkerImds;
use crate::rules::prelude::*;

declare_rule!(NodeImdsReachable, "AWS009");

impl Rule for NodeImdsReachable {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for node in &cx.inventory.aws.node_capacity {
            let m = &node.metadata;
            // The same judgement K8S002 makes for the node side of a cluster.
            let (reason, severity) = match m.imds_exposure() {
                WorkerImds::Blocked => continue,
                WorkerImds::Reachable(reason) => (reason, self.default_severity()),
                // Not known to block, not known to expose: reported, one step lower.
                WorkerImds::Unstated => (
                    "its metadata options are not stated, so the AMI's and the account's defaults decide (IMDSv1 or a hop limit above 1 are possible)".to_string(),
                    Severity::Medium,
                ),
            };
            out.push(
                self.finding(node.resource())
                    .severity(severity)
                    .message(format!(
                        "pods on {} ({} of cluster {}) can take the node role from IMDS: {reason}",
                        node.name,
                        match node.kind {
                            crate::model::aws::CapacityKind::Instance => "worker instance",
                            crate::model::aws::CapacityKind::LaunchTemplate => "worker launch template",
                        },
                        node.cluster_name
                    ))
                    .evidence("cluster", &node.cluster_name)
                    .evidence("http_tokens", m.http_tokens.as_deref().unwrap_or("(unset)"))
                    .evidence("hop_limit", m.hop_limit.map_or("(unset)".to_string(), |h| h.to_string()))
                    .at(&node.origin),
            );
        }
    }
}
