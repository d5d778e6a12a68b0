//! K8S008 static-creds-in-federated-workload: a workload with a federated ServiceAccount that still
//! carries a static credential: the regression federation was meant to remove.

use super::{cluster_evidence, reportable_workloads};
use crate::model::k8s::{EnvSource, Workload};
use crate::rules::prelude::*;

declare_rule!(StaticCredsInFederatedWorkload, "K8S008");

/// Env variables that hand an SDK a static credential.
const STATIC_ENV: [&str; 4] = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AZURE_CLIENT_SECRET", "GOOGLE_APPLICATION_CREDENTIALS"];

impl Rule for StaticCredsInFederatedWorkload {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for w in reportable_workloads(cx) {
            let Some(federation) = federation_of(cx, w) else { continue };
            let statics = static_credentials(cx, w);
            if statics.is_empty() {
                continue;
            }
            out.push(
                self.finding(w.resource())
                    .message(format!(
                        "{} {}/{} is federated ({federation}) but also uses static credentials ({}): a leaked or forgotten key outlives the federation",
                        w.kind,
                        w.namespace,
                        w.name,
                        statics.join(", ")
                    ))
                    .volatile_evidence("cluster", cluster_evidence(&w.cluster))
                    .evidence("service_account", &w.service_account)
                    .evidence("static", statics.join(", "))
                    .at(&w.origin),
            );
        }
    }
}

/// How the workload's ServiceAccount is federated: an annotation, a cloud trust that names it
/// exactly, or an EKS Pod Identity association.
fn federation_of(cx: &Context<'_>, w: &Workload) -> Option<String> {
    let inv = cx.inventory;
    let key = (w.cluster.input.clone(), w.namespace.clone(), w.service_account.clone());
    if let Some(&i) = inv.index.service_accounts.get(&key)
        && let Some((annotation, value)) = inv.k8s.service_accounts[i].identity.annotations().first()
    {
        return Some(format!("{annotation}={value}"));
    }
    // A cloud-side trust that names the ServiceAccount exactly federates it without any annotation.
    let graph = &inv.graph;
    if let Some(node) = graph.find(&crate::model::graph::service_account_key(&w.cluster.input, &w.namespace, &w.service_account)) {
        let named = graph.outgoing[node].iter().map(|&e| &graph.edges[e]).find(|e| {
            e.kind.is_workload_federation() && e.admission == Some(crate::model::graph::Admission::Exact) && e.dangling.is_none()
        });
        if let Some(edge) = named {
            return Some(format!("{} names it in {}", graph.nodes[edge.to].label(), edge.statement.as_deref().unwrap_or("a trust")));
        }
    }
    let cluster = w.cluster.name()?;
    inv.aws
        .pod_identity_associations
        .iter()
        .find(|a| a.cluster_name == cluster && a.namespace == w.namespace && a.service_account == w.service_account)
        .map(|a| format!("EKS Pod Identity association {}", a.association_arn))
}

/// The static credentials a workload takes: env names, env from Secrets holding keys, key files from Secrets.
fn static_credentials(cx: &Context<'_>, w: &Workload) -> Vec<String> {
    let inv = cx.inventory;
    let mut found = Vec::new();
    for c in &w.containers {
        for e in c.env.iter().filter(|e| STATIC_ENV.contains(&e.name.as_str())) {
            let taken = match &e.source {
                // GOOGLE_APPLICATION_CREDENTIALS is a path: static only when it points into a Secret's mount.
                EnvSource::Literal { file_path: Some(path), .. } => {
                    c.mounts.iter().any(|(volume, mount)| w.secret_volumes.contains_key(volume) && is_under(path, mount))
                }
                EnvSource::Literal { is_empty, .. } => !is_empty,
                EnvSource::SecretKey { .. } | EnvSource::ConfigMapKey { .. } => e.name != "GOOGLE_APPLICATION_CREDENTIALS",
                EnvSource::Other => false,
            };
            if taken {
                found.push(format!("{}/env/{}", c.name, e.name));
            }
        }
        for secret in &c.env_from_secrets {
            let key = (w.cluster.input.clone(), w.namespace.clone(), secret.clone());
            if let Some(&i) = inv.index.secrets.get(&key)
                && !inv.k8s.config_objects[i].credentials.is_empty()
            {
                found.push(format!("{}/envFrom/{secret}", c.name));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// Whether `path` is `dir` or inside it.
fn is_under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}
