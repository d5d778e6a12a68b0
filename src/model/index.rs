//! Lookups built once per scan: by ARN, by OIDC issuer, by cluster. Rules join through these
//! instead of scanning one list per element of another.

use std::collections::{HashMap, HashSet};

use super::Inventory;
use super::iam_policy::{Effect, PrincipalSpec};
use super::issuer::Issuer;

#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Role ARN → position in `aws.roles`.
    pub roles_by_arn: HashMap<String, usize>,
    /// Issuer key (lower-case, no scheme) → roles with an Allow statement naming it as a
    /// `Federated` principal, in role order (what the statement admits is `policy`'s question).
    pub roles_by_issuer: HashMap<String, Vec<usize>>,
    /// Issuer key → position in `aws.clusters`.
    pub clusters_by_issuer: HashMap<String, usize>,
    /// EKS cluster names, described or listed.
    pub cluster_names: HashSet<String>,
    /// (cluster input, namespace, name) → position in `k8s.service_accounts`.
    pub service_accounts: HashMap<(String, String, String), usize>,
    /// (cluster input, namespace) → positions in `k8s.service_accounts`, for questions about a
    /// whole namespace (a GKE `principalSet` namespace grant, a wildcard subject).
    pub service_accounts_by_namespace: HashMap<(String, String), Vec<usize>>,
    /// (cluster input, namespace, name) → position in `k8s.config_objects` for Secrets.
    pub secrets: HashMap<(String, String, String), usize>,
    /// (cluster input, namespace, `Kind/name`) of every workload, to tell controlled Pods from orphans.
    pub workload_keys: HashSet<(String, String, String)>,
    /// The Google Cloud part's lookups.
    pub gcp: super::gcp::GcpIndex,
    /// The Azure part's lookups.
    pub azure: super::azure::AzureIndex,
}

impl Index {
    pub fn build(inventory: &Inventory) -> Self {
        let aws = &inventory.aws;
        let mut index = Index::default();
        for (i, role) in aws.roles.iter().enumerate() {
            index.roles_by_arn.insert(role.arn.clone(), i);
            let mut seen: Vec<String> = Vec::new();
            for statement in role.trust.document.statements.iter().filter(|s| s.effect == Effect::Allow) {
                let PrincipalSpec::Principal(principals) = &statement.principal else { continue };
                for issuer in principals.federated.iter().filter_map(|f| Issuer::from_federated_principal(f)) {
                    let key = issuer.key();
                    if !seen.contains(&key) {
                        index.roles_by_issuer.entry(key.clone()).or_default().push(i);
                        seen.push(key);
                    }
                }
            }
        }
        for (i, cluster) in aws.clusters.iter().enumerate() {
            if let Some(issuer) = &cluster.issuer {
                index.clusters_by_issuer.insert(issuer.key(), i);
            }
            index.cluster_names.insert(cluster.name.clone());
        }
        index.cluster_names.extend(aws.listed_cluster_names.iter().cloned());
        let k8s = &inventory.k8s;
        for (i, sa) in k8s.service_accounts.iter().enumerate() {
            index.service_accounts.insert((sa.cluster.input.clone(), sa.namespace.clone(), sa.name.clone()), i);
            index.service_accounts_by_namespace.entry((sa.cluster.input.clone(), sa.namespace.clone())).or_default().push(i);
        }
        for (i, o) in k8s.config_objects.iter().enumerate().filter(|(_, o)| o.kind == "Secret") {
            index.secrets.insert((o.cluster.input.clone(), o.namespace.clone(), o.name.clone()), i);
        }
        for w in &k8s.workloads {
            index.workload_keys.insert((w.cluster.input.clone(), w.namespace.clone(), format!("{}/{}", w.kind, w.name)));
        }
        index.gcp = inventory.gcp.build_index();
        index.azure = inventory.azure.build_index();
        index
    }
}
