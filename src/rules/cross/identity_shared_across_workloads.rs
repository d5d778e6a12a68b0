//! X005 identity-shared-across-workloads: one cloud identity bound to ServiceAccounts of more than
//! one namespace.

use std::collections::BTreeSet;

use super::node_resource;
use crate::model::graph::{Admission, NodeKind};
use crate::policy::graph::PROJECT_SERVICE_ACCOUNTS;
use crate::rules::prelude::*;

declare_rule!(IdentitySharedAcrossWorkloads, "X005");

impl Rule for IdentitySharedAcrossWorkloads {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let graph = &cx.inventory.graph;
        for (node, identity) in graph.nodes.iter().enumerate() {
            // A project-wide grant (every service account of a project) is GCP006's finding.
            if !matches!(&identity.kind, NodeKind::Identity { kind, .. } if kind != PROJECT_SERVICE_ACCOUNTS) {
                continue;
            }
            // Bound, not merely admitted: the ServiceAccount names the identity, or the trust names
            // it exactly. A wildcard that admits everyone is AWS001/AWS002/GCP001/AZ001's finding.
            let bound: Vec<&crate::model::graph::Edge> = graph
                .ways_in(node)
                .filter(|e| e.kind.is_workload_federation() && e.dangling.is_none())
                .filter(|e| e.is_used || e.admission == Some(Admission::Exact))
                .filter(|e| matches!(graph.nodes[e.from].kind, NodeKind::ServiceAccount { .. }))
                .collect();
            let namespaces: BTreeSet<String> = bound
                .iter()
                .filter_map(|e| match &graph.nodes[e.from].kind {
                    NodeKind::ServiceAccount { cluster, namespace, .. } => Some(format!("{cluster}/{namespace}")),
                    _ => None,
                })
                .collect();
            if namespaces.len() < 2 {
                continue;
            }
            let list: Vec<&str> = namespaces.iter().map(String::as_str).collect();
            let mut finding = self
                .finding(node_resource(cx.inventory, graph, node))
                .message(format!(
                    "{} is bound to ServiceAccounts in {} namespaces ({}): a compromise of any of them is a compromise of all, and its permissions serve every workload's needs at once",
                    identity.label(),
                    namespaces.len(),
                    list.join(", ")
                ))
                .volatile_evidence("namespaces", list.join(", "))
                .path(bound.iter().map(|e| graph.step(e)).collect());
            if let Some(origin) = bound.iter().find_map(|e| e.origin.as_ref()) {
                finding = finding.at(origin);
            }
            out.push(finding);
        }
    }
}
