//! K8S005 static-azure-secret-in-cluster: Azure client secrets in cluster data.

use super::{cluster_evidence, literal_env_credentials, reportable_workloads};
use crate::model::k8s::StaticCredential;
use crate::rules::prelude::*;

declare_rule!(StaticAzureSecretInCluster, "K8S005");

fn is_azure(c: &StaticCredential) -> bool {
    matches!(c, StaticCredential::AzureClientSecret { .. })
}

impl Rule for StaticAzureSecretInCluster {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let holders = cx.inventory.k8s.config_objects.iter().flat_map(|o| {
            o.credentials.iter().filter(|(_, c)| is_azure(c)).map(move |(path, c)| {
                (o.resource(), &o.cluster, &o.origin, format!("{} {}/{}", o.kind, o.namespace, o.name), path.clone(), c)
            })
        });
        let env = reportable_workloads(cx).flat_map(|w| {
            literal_env_credentials(w, is_azure)
                .into_iter()
                .map(move |(path, c)| (w.resource(), &w.cluster, &w.origin, format!("{} {}/{}", w.kind, w.namespace, w.name), path, c))
        });
        for (resource, cluster, origin, holder, path, credential) in holders.chain(env) {
            let StaticCredential::AzureClientSecret { setting } = credential else { continue };
            out.push(
                self.finding(resource)
                    .message(format!("an Azure client secret ({setting}) is stored in {holder} ({path}): whoever can read it signs in as that application"))
                    .evidence("cluster", cluster_evidence(cluster))
                    .evidence("setting", setting)
                    .evidence("path", path)
                    .at(origin),
            );
        }
    }
}
