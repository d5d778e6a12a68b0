//! K8S003 static-aws-key-in-cluster: AWS access keys in Secrets, ConfigMaps or literal env values.

use super::{cluster_evidence, literal_env_credentials, reportable_workloads};
use crate::model::k8s::StaticCredential;
use crate::rules::prelude::*;

declare_rule!(StaticAwsKeyInCluster, "K8S003");

fn is_aws(c: &StaticCredential) -> bool {
    matches!(c, StaticCredential::AwsAccessKey { .. })
}

fn describe(c: &StaticCredential) -> (String, String) {
    match c {
        StaticCredential::AwsAccessKey { key_id, has_secret_key: true } => {
            (key_id.clone(), format!("AWS access key {key_id} and its secret key are"))
        }
        StaticCredential::AwsAccessKey { key_id, .. } => (key_id.clone(), format!("AWS access key ID {key_id} is")),
        _ => (String::new(), String::new()),
    }
}

impl Rule for StaticAwsKeyInCluster {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for o in &cx.inventory.k8s.config_objects {
            for (path, credential) in o.credentials.iter().filter(|(_, c)| is_aws(c)) {
                let (key_id, what) = describe(credential);
                out.push(
                    self.finding(o.resource())
                        .message(format!(
                            "{what} stored in {} {}/{} ({path}): whoever can read it acts as that IAM identity from anywhere",
                            o.kind, o.namespace, o.name
                        ))
                        .evidence("cluster", cluster_evidence(&o.cluster))
                        .evidence("key", key_id)
                        .evidence("path", path)
                        .at(&o.origin),
                );
            }
        }
        for w in reportable_workloads(cx) {
            for (path, credential) in literal_env_credentials(w, is_aws) {
                let (key_id, what) = describe(credential);
                out.push(
                    self.finding(w.resource())
                        .message(format!("{what} written into the manifest of {} {}/{} ({path})", w.kind, w.namespace, w.name))
                        .evidence("cluster", cluster_evidence(&w.cluster))
                        .evidence("key", key_id)
                        .evidence("path", path)
                        .at(&w.origin),
                );
            }
        }
    }
}
