//! Which cloud cluster a set of Kubernetes objects belongs to.
//!
//! One input (a named file, or the directory holding the files) is one cluster. It is linked to a
//! described cloud cluster, in this order: the user said so (`--cluster NAME=PATH`); the trusts of
//! the roles its ServiceAccounts' IRSA annotations name admit those ServiceAccounts from exactly one
//! collected EKS cluster's issuer; or the scan holds exactly one cluster and one input. Otherwise
//! the objects stay unlinked, and rules that need the cloud side say so instead of guessing.

use std::collections::BTreeMap;

use super::federation::admits_subject;
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
    let eks = &inventory.aws.clusters;
    if decided.is_empty() && inputs.len() == 1 && eks.len() == 1 {
        decided.push((inputs[0].clone(), eks[0].name.clone()));
    }
    for (input, name) in decided {
        // Typed by the cloud that describes it; a name nothing describes stays a name.
        let cluster = match inventory.aws.clusters.iter().find(|c| c.name == name) {
            Some(eks) => CloudCluster::Eks { name, arn: eks.arn.clone(), issuer: eks.issuer.as_ref().map(|i| i.key()) },
            None => CloudCluster::Named { name },
        };
        inventory.k8s.link(&input, &cluster);
    }
    unmatched
}

/// The one collected EKS cluster whose issuer the annotated roles trust for these ServiceAccounts,
/// asked of the federation model (the same question GKE and AKS links will ask).
fn learned_from_trusts(inventory: &Inventory, input: &str) -> Option<String> {
    let index = &inventory.index;
    let mut votes: BTreeMap<String, usize> = BTreeMap::new();
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
