//! Cross-provider rules: questions to the identity graph ([`crate::model::graph`]), which joins the
//! clusters' ServiceAccounts to the clouds' trusts. Each needs a cluster and a cloud in one scan.

pub mod azure_annotation_no_fic;
pub mod gke_annotation_one_sided;
pub mod identity_shared_across_workloads;
pub mod irsa_annotation_untrusted;
pub mod trust_dangling_subject;

use crate::finding::{PathStep, Resource};
use crate::model::Inventory;
use crate::model::gcp::service_account_resource;
use crate::model::graph::{EdgeKind, IdentityGraph, NodeId, NodeKind};
use crate::model::k8s::object_resource;
use crate::rules::prelude::*;

/// The finding resource for a graph node: the cloud identity as its own rules name it, or the
/// Kubernetes object.
pub(crate) fn node_resource(inventory: &Inventory, graph: &IdentityGraph, node: NodeId) -> Resource {
    match &graph.nodes[node].kind {
        NodeKind::Identity { provider, id, name, kind } => match provider {
            crate::finding::Provider::Aws => match inventory.index.roles_by_arn.get(id) {
                Some(&r) => inventory.aws.roles[r].resource(),
                None if kind.starts_with("user") => Resource { kind: "aws:iam:user".into(), id: id.clone(), name: name.clone() },
                None => Resource { kind: "aws:iam:role".into(), id: id.clone(), name: name.clone() },
            },
            crate::finding::Provider::Gcp => service_account_resource(id),
            _ => match inventory.azure.identity_by_client_id(&inventory.index.azure, id) {
                Some(identity) => identity.resource(),
                None => Resource { kind: "azure:identity".into(), id: id.clone(), name: name.clone() },
            },
        },
        NodeKind::ServiceAccount { namespace, name, .. } => object_resource("ServiceAccount", namespace, name),
        NodeKind::Workload { namespace, kind, name, .. } | NodeKind::ConfigObject { namespace, kind, name, .. } => {
            object_resource(kind, namespace, name)
        }
        _ => {
            let n = &graph.nodes[node];
            Resource { kind: format!("graph:{}", n.kind_name()), id: n.key.clone(), name: n.label() }
        }
    }
}

/// The workloads that run as a ServiceAccount node, as path steps (first few).
pub(crate) fn runs_as_steps(graph: &IdentityGraph, service_account: NodeId) -> Vec<PathStep> {
    graph.incoming[service_account]
        .iter()
        .map(|&e| &graph.edges[e])
        .filter(|e| e.kind == EdgeKind::RunsAs)
        .take(3)
        .map(|e| graph.step(e))
        .collect()
}

/// X001–X003: ServiceAccount annotations whose identity does not accept the ServiceAccount.
/// `fallback` says what the pods end up with instead.
pub(crate) fn untrusted_annotations<R: RuleMetaSource>(
    rule: &R,
    cx: &Context<'_>,
    out: &mut Findings,
    annotation: &str,
    what: &str,
    fallback: &str,
) {
    let graph = &cx.inventory.graph;
    for edge in graph.edges.iter().filter(|e| e.kind == EdgeKind::UntrustedAnnotation && e.rule == Some(rule.id())) {
        let sa = &graph.nodes[edge.from];
        let identity = &graph.nodes[edge.to];
        let NodeKind::ServiceAccount { cluster, namespace, name, .. } = &sa.kind else { continue };
        let Some(id) = identity.identity_id() else { continue };
        let mut path = runs_as_steps(graph, edge.from);
        path.push(graph.step(edge));
        let mut finding = rule
            .finding(object_resource("ServiceAccount", namespace, name))
            .message(format!("ServiceAccount {namespace}/{name} of cluster {cluster} names {what} {id}, but {}: {fallback}", edge.via))
            .evidence("annotation", format!("{annotation}={id}"))
            .volatile_evidence("cluster", cluster)
            .volatile_evidence("reason", &edge.via)
            .path(path);
        if let Some(origin) = &edge.origin {
            finding = finding.at(origin);
        }
        out.push(finding);
    }
}
