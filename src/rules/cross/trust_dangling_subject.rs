//! X004 trust-dangling-subject: a cloud trust naming a namespace or ServiceAccount its cluster does
//! not have: whoever creates it inherits the identity.

use super::node_resource;
use crate::rules::prelude::*;

declare_rule!(TrustDanglingSubject, "X004");

impl Rule for TrustDanglingSubject {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let graph = &cx.inventory.graph;
        for edge in &graph.edges {
            let Some(dangling) = &edge.dangling else { continue };
            let identity = &graph.nodes[edge.to];
            let (missing, severity) = match (&dangling.service_account, dangling.namespace_missing) {
                (_, true) => (format!("namespace {}", dangling.namespace), Severity::High),
                (Some(sa), false) => (format!("ServiceAccount {}/{sa}", dangling.namespace), self.default_severity()),
                (None, false) => continue,
            };
            let (severity, tail) = if dangling.cluster_partial {
                (Severity::Info, format!("cluster {} was read only in part, so it may exist unseen", dangling.cluster))
            } else {
                (severity, format!("whoever may create it there inherits {}", identity.label()))
            };
            let subject = edge.stated_subject.as_deref().unwrap_or_default();
            let mut finding = self
                .finding(node_resource(cx.inventory, graph, edge.to))
                .severity(severity)
                .message(format!(
                    "{} trusts {subject} of cluster {} ({}), and that cluster has no {missing}: {tail}",
                    identity.label(),
                    dangling.cluster,
                    edge.statement.as_deref().unwrap_or("a trust"),
                ))
                .evidence("subject", subject)
                .evidence("missing", &missing)
                .volatile_evidence("cluster", &dangling.cluster)
                .path(vec![graph.step(edge)]);
            if let Some(origin) = &edge.origin {
                finding = finding.at(origin);
            }
            out.push(finding);
        }
    }
}
