//! K8S004 static-gcp-key-in-cluster: Google service-account JSON keys in cluster data.

use super::{cluster_evidence, credential_sites};
use crate::model::k8s::StaticCredential;
use crate::rules::prelude::*;

declare_rule!(StaticGcpKeyInCluster, "K8S004");

fn is_gcp(c: &StaticCredential) -> bool {
    matches!(c, StaticCredential::GcpServiceAccountKey { .. })
}

impl Rule for StaticGcpKeyInCluster {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for site in credential_sites(cx, is_gcp) {
            let StaticCredential::GcpServiceAccountKey { client_email, private_key_id } = site.credential else { continue };
            out.push(
                self.finding(site.resource)
                    .message(format!(
                        "a key of Google service account {client_email} is stored in {} ({}): whoever can read it acts as that service account from anywhere",
                        site.holder, site.path
                    ))
                    .volatile_evidence("cluster", cluster_evidence(site.cluster))
                    .evidence("client_email", client_email)
                    .evidence("private_key_id", private_key_id)
                    .evidence("path", &site.path)
                    .at(site.origin),
            );
        }
    }
}
