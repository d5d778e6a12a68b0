//! K8S004 static-gcp-key-in-cluster: Google service-account JSON keys in cluster data.

use super::{cluster_evidence, literal_env_credentials, reportable_workloads};
use crate::model::k8s::StaticCredential;
use crate::rules::prelude::*;

declare_rule!(StaticGcpKeyInCluster, "K8S004");

fn is_gcp(c: &StaticCredential) -> bool {
    matches!(c, StaticCredential::GcpServiceAccountKey { .. })
}

impl Rule for StaticGcpKeyInCluster {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let holders = cx.inventory.k8s.config_objects.iter().flat_map(|o| {
            o.credentials.iter().filter(|(_, c)| is_gcp(c)).map(move |(path, c)| {
                (o.resource(), &o.cluster, &o.origin, format!("{} {}/{}", o.kind, o.namespace, o.name), path.clone(), c)
            })
        });
        let env = reportable_workloads(cx).flat_map(|w| {
            literal_env_credentials(w, is_gcp)
                .into_iter()
                .map(move |(path, c)| (w.resource(), &w.cluster, &w.origin, format!("{} {}/{}", w.kind, w.namespace, w.name), path, c))
        });
        for (resource, cluster, origin, holder, path, credential) in holders.chain(env) {
            let StaticCredential::GcpServiceAccountKey { client_email, private_key_id } = credential else { continue };
            out.push(
                self.finding(resource)
                    .message(format!("a key of Google service account {client_email} is stored in {holder} ({path}): whoever can read it acts as that service account from anywhere"))
                    .evidence("cluster", cluster_evidence(cluster))
                    .evidence("client_email", client_email)
                    .evidence("private_key_id", private_key_id)
                    .evidence("path", path)
                    .at(origin),
            );
        }
    }
}
