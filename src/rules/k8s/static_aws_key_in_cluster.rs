//! K8S003 static-aws-key-in-cluster: AWS access keys in Secrets, ConfigMaps or literal env values.

use super::{cluster_evidence, credential_sites, key_owner};
use crate::model::k8s::StaticCredential;
use crate::rules::prelude::*;

declare_rule!(StaticAwsKeyInCluster, "K8S003");

fn is_aws(c: &StaticCredential) -> bool {
    matches!(c, StaticCredential::AwsAccessKey { .. })
}

impl Rule for StaticAwsKeyInCluster {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for site in credential_sites(cx, is_aws) {
            let StaticCredential::AwsAccessKey { key_id, has_secret_key } = site.credential else { continue };
            let what = if *has_secret_key {
                format!("AWS access key {key_id} and its secret key are")
            } else {
                format!("AWS access key ID {key_id} is")
            };
            let message = if site.is_manifest {
                format!("{what} written into the manifest of {} ({})", site.holder, site.path)
            } else {
                format!("{what} stored in {} ({}): whoever can read it acts as that IAM identity from anywhere", site.holder, site.path)
            };
            let mut finding = self
                .finding(site.resource)
                .volatile_evidence("cluster", cluster_evidence(site.cluster))
                .evidence("key", key_id)
                .evidence("path", &site.path)
                .at(site.origin);
            // Joined to the collected IAM user whose key it is, when the scan holds the account.
            let message = match key_owner(cx, key_id) {
                Some(owner) => {
                    finding = finding.volatile_evidence("belongs_to", &owner);
                    format!("{message} (the key belongs to {owner})")
                }
                None => message,
            };
            out.push(finding.message(message));
        }
    }
}
