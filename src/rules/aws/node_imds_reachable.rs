//! AWS009 node-imds-reachable: EKS worker capacity whose metadata options let pods reach IMDS.

use crate::rules::prelude::*;

declare_rule!(NodeImdsReachable, "AWS009");

impl Rule for NodeImdsReachable {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for node in &cx.inventory.aws.node_capacity {
            let m = &node.metadata;
            if m.http_endpoint.as_deref().is_some_and(|e| e.eq_ignore_ascii_case("disabled")) {
                continue;
            }
            let allows_v1 = m.http_tokens.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("optional"));
            let hops = m.hop_limit.filter(|&h| h > 1);
            let reason = match (allows_v1, hops) {
                (false, None) => continue,
                (true, None) => "IMDSv1 is allowed (HttpTokens=optional)".to_string(),
                (false, Some(h)) => format!("the hop limit of {h} lets containers reach IMDSv2"),
                (true, Some(h)) => format!("IMDSv1 is allowed and the hop limit is {h}"),
            };
            out.push(
                self.finding(node.resource())
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
