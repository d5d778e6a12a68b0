//! K8S006 azure-wi-label-missing: a pod whose ServiceAccount is set up for Azure Workload Identity
//! but which lacks the label that makes the webhook inject the token.

use super::{cluster_evidence, reportable_workloads};
use crate::model::k8s::AZURE_USE_LABEL;
use crate::rules::prelude::*;

declare_rule!(AzureWiLabelMissing, "K8S006");

impl Rule for AzureWiLabelMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let index = &cx.inventory.index;
        for w in reportable_workloads(cx) {
            let key = (w.cluster.input.clone(), w.namespace.clone(), w.service_account.clone());
            let Some(&sa) = index.service_accounts.get(&key) else { continue };
            let Some(client_id) = &cx.inventory.k8s.service_accounts[sa].identity.azure_client_id else { continue };
            if w.pod_labels.get(AZURE_USE_LABEL).is_some_and(|v| v == "true") {
                continue;
            }
            out.push(
                self.finding(w.resource())
                    .message(format!(
                        "{} {}/{} uses ServiceAccount {} (Azure client ID {client_id}) but its pods lack the label {AZURE_USE_LABEL}: \"true\", so no token is injected and it falls back to whatever credential it finds",
                        w.kind, w.namespace, w.name, w.service_account
                    ))
                    .volatile_evidence("cluster", cluster_evidence(&w.cluster))
                    .evidence("service_account", &w.service_account)
                    .evidence("client_id", client_id)
                    .at(&w.origin),
            );
        }
    }
}
