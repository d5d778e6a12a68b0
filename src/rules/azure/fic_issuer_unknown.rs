//! AZ003 fic-issuer-unknown: a credential trusting an AKS issuer no collected cluster has, and
//! identities whose ServiceAccounts' cluster is not the issuer their credentials trust.

use std::collections::BTreeSet;

use super::{owner_label, owner_of};
use crate::model::azure::issuer_key;
use crate::model::k8s::CloudCluster;
use crate::rules::prelude::*;

declare_rule!(FicIssuerUnknown, "AZ003");

/// AKS issuers: `https://REGION.oic.prod-aks.azure.com/TENANT/GUID/`, and the newer
/// `https://oidc.prod-aks.azure.com/GUID/`.
fn is_aks_issuer(issuer: &str) -> bool {
    issuer_key(issuer).split('/').next().is_some_and(|host| host.ends_with(".oic.prod-aks.azure.com") || host == "oidc.prod-aks.azure.com")
}

impl Rule for FicIssuerUnknown {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        let azure = &inventory.azure;
        let index = &inventory.index.azure;
        // Only when clusters were collected: without them every issuer is unknown.
        if !azure.clusters.is_empty() {
            for credential in azure.federated_credentials.iter().filter(|c| is_aks_issuer(&c.issuer)) {
                if index.clusters_by_issuer.contains_key(&issuer_key(&credential.issuer)) {
                    continue;
                }
                out.push(
                    self.finding(credential.resource())
                        .message(format!(
                            "federated credential {} of {} trusts AKS issuer {}, which belongs to no collected AKS cluster: whoever runs a cluster with that issuer can sign in as it",
                            credential.name,
                            owner_label(inventory, credential),
                            credential.issuer
                        ))
                        .evidence("issuer", &credential.issuer)
                        .at(&credential.origin),
                );
            }
        }
        // Drift: a ServiceAccount of an AKS cluster names an identity none of whose credentials
        // trusts that cluster's issuer.
        let mut reported = BTreeSet::new();
        for sa in &inventory.k8s.service_accounts {
            let (Some(client_id), Some(CloudCluster::Aks { name, issuer: Some(cluster_issuer), .. })) =
                (sa.identity.azure_client_id.as_deref(), sa.cluster.linked.as_deref())
            else {
                continue;
            };
            let client_id = client_id.to_ascii_lowercase();
            let Some(credentials) = index.credentials_by_client_id.get(&client_id) else { continue };
            let credentials: Vec<_> = credentials.iter().map(|&i| &azure.federated_credentials[i]).collect();
            if credentials.iter().any(|c| issuer_key(&c.issuer) == issuer_key(cluster_issuer))
                || !reported.insert((client_id.clone(), name.clone()))
            {
                continue;
            }
            let first = credentials[0];
            let issuers: BTreeSet<&str> = credentials.iter().map(|c| c.issuer.as_str()).collect();
            // The drift is the identity's, whatever its credentials say one by one.
            let resource = owner_of(inventory, first).map_or_else(|| first.resource(), |identity| identity.resource());
            out.push(
                self.finding(resource)
                    .message(format!(
                        "ServiceAccount {}/{} of AKS cluster {name} uses {}, whose federated credentials trust other issuers: its tokens are refused",
                        sa.namespace,
                        sa.name,
                        owner_label(inventory, first)
                    ))
                    .evidence("cluster_issuer", cluster_issuer)
                    .evidence("credential_issuers", issuers.into_iter().collect::<Vec<_>>().join(", "))
                    .at(&first.origin),
            );
        }
    }
}
