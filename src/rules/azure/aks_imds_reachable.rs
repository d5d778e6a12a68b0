//! AZ006 aks-imds-reachable: an AKS cluster whose pods can reach the node's IMDS.

use crate::rules::prelude::*;

declare_rule!(AksImdsReachable, "AZ006");

impl Rule for AksImdsReachable {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for cluster in cx.inventory.azure.clusters.iter().filter(|c| c.pods_reach_imds()) {
            let setting = cluster.pod_link_local_access.as_deref().unwrap_or("IMDS (not set: the default)");
            out.push(
                self.finding(cluster.resource())
                    .message(format!(
                        "AKS cluster {}: pods can reach the node's IMDS (podLinkLocalAccess {setting}), so any pod can take the kubelet identity's token",
                        cluster.name
                    ))
                    .evidence("podLinkLocalAccess", setting)
                    .at(&cluster.origin),
            );
        }
    }
}
