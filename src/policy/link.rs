//! Which cloud cluster a set of Kubernetes objects belongs to.
//!
//! One input (a named file, or the directory holding the files) is one cluster. It is linked to a
//! described cloud cluster, in this order: the user said so (`--cluster NAME=PATH`); the cloud side
//! of its ServiceAccounts' annotations points at exactly one collected cluster (the trusts of the
//! IRSA roles admit them from one EKS cluster's issuer, or the bindings of the GKE service accounts
//! cover them through one GKE cluster's workload pool); or the scan holds exactly one cluster
//! description and one input. Otherwise the objects stay unlinked, and rules that need the cloud
//! side say so instead of guessing.

use std::collections::BTreeMap;

use super::federation::admits_subject;
use super::gcp::{GcpQuestions, WORKLOAD_IDENTITY_USER};
use super::members::Member;
use crate::model::k8s::CloudCluster;
use crate::model::{ClusterLink, Inventory};

/// Links every input it can; returns the links that matched no input.
pub(crate) fn link_clusters(inventory: &mut Inventory, links: &[ClusterLink]) -> Vec<ClusterLink> {
    let inputs: Vec<String> = inventory.k8s.clusters().into_iter().map(|c| c.input.clone()).collect();
    let covers = |link: &ClusterLink, input: &str| input == link.path || input.starts_with(&format!("{}/", link.path));
    let unmatched: Vec<ClusterLink> = links.iter().filter(|l| !inputs.iter().any(|i| covers(l, i))).cloned().collect();
    let mut decided: Vec<(String, String)> = Vec::new();
    for input in &inputs {
        let explicit = links.iter().find(|l| covers(l, input));
        let name = match explicit {
            Some(link) => Some(link.name.clone()),
            None => learned_from_trusts(inventory, input),
        };
        if let Some(name) = name {
            decided.push((input.clone(), name));
        }
    }
    let (eks, gke, aks) = (&inventory.aws.clusters, &inventory.gcp.clusters, &inventory.azure.clusters);
    if decided.is_empty() && inputs.len() == 1 && eks.len() + gke.len() + aks.len() == 1 {
        let name = eks
            .first()
            .map(|c| c.name.clone())
            .or_else(|| gke.first().map(|c| c.name.clone()))
            .or_else(|| aks.first().map(|c| c.name.clone()))
            .expect("one cluster");
        decided.push((inputs[0].clone(), name));
    }
    for (input, name) in decided {
        // Typed by the cloud that describes it; a name nothing describes (or two clouds do) stays a name.
        let eks: Vec<_> = inventory.aws.clusters.iter().filter(|c| c.name == name).collect();
        let gke: Vec<_> = inventory.gcp.clusters.iter().filter(|c| c.name == name).collect();
        let aks: Vec<_> = inventory.azure.clusters.iter().filter(|c| c.name == name).collect();
        let cluster = match (eks.as_slice(), gke.as_slice(), aks.as_slice()) {
            ([eks], [], []) => CloudCluster::Eks { name, arn: eks.arn.clone(), issuer: eks.issuer.as_ref().map(|i| i.key()) },
            ([], [], [aks]) => CloudCluster::Aks { resource_id: aks.id.clone(), name, issuer: aks.oidc_issuer.clone() },
            ([], [gke], []) => CloudCluster::Gke {
                project: gke.project.clone(),
                location: gke.location.clone(),
                name,
                workload_pool: gke.workload_pool.clone(),
            },
            _ => CloudCluster::Named { name },
        };
        inventory.k8s.link(&input, &cluster);
    }
    unmatched
}

/// The one collected cluster the cloud side names for these ServiceAccounts: the EKS or AKS cluster
/// whose issuer the annotated roles or identities trust for them (asked of the federation model),
/// or the GKE cluster through whose workload pool the annotated service accounts' bindings cover them.
fn learned_from_trusts(inventory: &Inventory, input: &str) -> Option<String> {
    let index = &inventory.index;
    let mut votes: BTreeMap<String, usize> = BTreeMap::new();
    for sa in inventory.k8s.service_accounts.iter().filter(|s| s.cluster.input == input) {
        let Some(client_id) = sa.identity.azure_client_id.as_deref() else { continue };
        let subject = format!("system:serviceaccount:{}:{}", sa.namespace, sa.name);
        for trust in inventory.federation.of_identity(&client_id.to_ascii_lowercase()) {
            let issuer = crate::model::azure::issuer_key(trust.issuer.as_str());
            let Some(&cluster) = index.azure.clusters_by_issuer.get(&issuer) else { continue };
            if admits_subject(trust, &subject) {
                *votes.entry(inventory.azure.clusters[cluster].name.clone()).or_default() += 1;
            }
        }
    }
    for sa in inventory.k8s.service_accounts.iter().filter(|s| s.cluster.input == input) {
        let Some(email) = sa.identity.gcp_service_account.as_deref() else { continue };
        let account = inventory.gcp_account_key(email);
        let grants = index.gcp.bindings_on_service_account.get(&account).into_iter().flatten().map(|&i| &inventory.gcp.bindings[i]);
        let members: Vec<Member> = grants.filter(|b| b.role == WORKLOAD_IDENTITY_USER).map(|b| Member::parse(&b.member)).collect();
        for (pool, clusters) in &index.gcp.clusters_by_workload_pool {
            for cluster in clusters.iter().map(|&c| &inventory.gcp.clusters[c]) {
                let url = cluster.url();
                if members.iter().any(|m| m.covers_service_account(pool, Some(&url), &sa.namespace, &sa.name)) {
                    *votes.entry(cluster.name.clone()).or_default() += 1;
                }
            }
        }
    }
    for sa in inventory.k8s.service_accounts.iter().filter(|s| s.cluster.input == input) {
        let Some(role_arn) = sa.identity.aws_role_arn.as_ref() else { continue };
        let subject = format!("system:serviceaccount:{}:{}", sa.namespace, sa.name);
        for trust in inventory.federation.of_identity(role_arn) {
            let Some(&cluster) = index.clusters_by_issuer.get(&trust.issuer.key()) else { continue };
            if admits_subject(trust, &subject) {
                *votes.entry(inventory.aws.clusters[cluster].name.clone()).or_default() += 1;
            }
        }
    }
    let best = votes.values().copied().max()?;
    let mut winners = votes.into_iter().filter(|(_, v)| *v == best);
    let (name, _) = winners.next()?;
    winners.next().is_none().then_some(name)
}
