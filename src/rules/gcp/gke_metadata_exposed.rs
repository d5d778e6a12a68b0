//! GCP005 gke-metadata-exposed: GKE nodes whose metadata server hands pods the node's identity.

use std::collections::HashMap;

use crate::model::gcp::GkeCluster;
use crate::rules::prelude::*;

declare_rule!(GkeMetadataExposed, "GCP005");

impl Rule for GkeMetadataExposed {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let gcp = &cx.inventory.gcp;
        let clusters: HashMap<String, &GkeCluster> = gcp.clusters.iter().map(|c| (c.key(), c)).collect();
        for cluster in gcp.clusters.iter().filter(|c| !c.is_autopilot && c.workload_pool.is_none()) {
            out.push(
                self.finding(cluster.resource())
                    .message(format!(
                        "cluster {} has Workload Identity disabled: every pod can read the node's service account token from the metadata server",
                        cluster.name
                    ))
                    .evidence("workload_pool", "none")
                    .at(&cluster.origin),
            );
        }
        for pool in &gcp.node_pools {
            let cluster = clusters.get(&pool.cluster);
            // Autopilot always runs the GKE metadata server; without Workload Identity the cluster's
            // finding says it all.
            if cluster.is_some_and(|c| c.is_autopilot || c.workload_pool.is_none()) {
                continue;
            }
            if !pool.runs_gke_metadata_server() {
                let mode = pool.workload_metadata_mode.as_deref().unwrap_or("not set");
                out.push(
                    self.finding(pool.resource())
                        .message(format!(
                            "node pool {} runs workload metadata mode {mode}, not GKE_METADATA: its pods can read the node's service account token",
                            pool.resource().name
                        ))
                        .evidence("mode", mode)
                        .at(&pool.origin),
                );
            }
            if pool.legacy_endpoints_disabled == Some(false) {
                out.push(
                    self.finding(pool.resource())
                        .message(format!(
                            "node pool {} serves the legacy metadata endpoints (disable-legacy-endpoints=false): no Metadata-Flavor header is needed",
                            pool.resource().name
                        ))
                        .evidence("disable-legacy-endpoints", "false")
                        .at(&pool.origin),
                );
            }
        }
    }
}
