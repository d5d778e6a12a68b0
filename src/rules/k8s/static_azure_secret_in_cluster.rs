//! K8S005 static-azure-secret-in-cluster: Azure client secrets in cluster data.

use super::{cluster_evidence, credential_sites};
use crate::model::k8s::StaticCredential;
use crate::rules::prelude::*;

declare_rule!(StaticAzureSecretInCluster, "K8S005");

fn is_azure(c: &StaticCredential) -> bool {
    matches!(c, StaticCredential::AzureClientSecret { .. })
}

impl Rule for StaticAzureSecretInCluster {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for site in credential_sites(cx, is_azure) {
            let StaticCredential::AzureClientSecret { setting } = site.credential else { continue };
            out.push(
                self.finding(site.resource)
                    .message(format!(
                        "an Azure client secret ({setting}) is stored in {} ({}): whoever can read it signs in as that application",
                        site.holder, site.path
                    ))
                    .volatile_evidence("cluster", cluster_evidence(site.cluster))
                    .evidence("setting", setting)
                    .evidence("path", &site.path)
                    .at(site.origin),
            );
        }
    }
}
