//! The map as JSON, schema version 1 (`schemas/map-v1.schema.json`): nodes keyed by a stable ID,
//! edges between IDs, and with `--path-to` the paths as lists of edge positions.

use serde::Serialize;

use super::View;
use crate::model::graph::NodeKind;
use crate::report::json::{JsonSource, Tool};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonMap<'a> {
    schema_version: u32,
    tool: Tool,
    complete: bool,
    /// What was read, as in the report: a failed source says what is missing from the graph.
    sources: Vec<JsonSource<'a>>,
    nodes: Vec<JsonNode<'a>>,
    edges: Vec<JsonEdge<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct JsonNode<'a> {
    id: &'a str,
    kind: &'static str,
    label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    issuer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    /// For ServiceAccounts: false when only a workload names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    collected: Option<bool>,
}

#[derive(Serialize)]
struct JsonEdge<'a> {
    from: &'a str,
    to: &'a str,
    kind: &'static str,
    via: &'a str,
    /// Whether paths follow it (false for an annotation the identity does not accept).
    is_path: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    admission: Option<&'static str>,
    used: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    statement: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<Location<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

pub fn render(view: &View<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let graph = view.graph;
    let nodes = view
        .nodes
        .iter()
        .map(|&n| {
            let node = &graph.nodes[n];
            let mut j = JsonNode {
                id: &node.key,
                kind: node.kind_name(),
                label: crate::redact::redact_text(&node.label()),
                provider: None,
                identity_id: None,
                cluster: node.cluster(),
                namespace: node.namespace(),
                name: None,
                issuer: None,
                subject: None,
                collected: None,
            };
            match &node.kind {
                NodeKind::Identity { provider, id, name, .. } => {
                    (j.provider, j.identity_id, j.name) = (Some(provider.as_str()), Some(id.as_str()), Some(name.as_str()));
                }
                NodeKind::ServiceAccount { name, collected, .. } => (j.name, j.collected) = (Some(name.as_str()), Some(*collected)),
                NodeKind::Workload { name, .. } | NodeKind::ConfigObject { name, .. } => j.name = Some(name.as_str()),
                NodeKind::Subject { issuer, subject } => (j.issuer, j.subject) = (Some(issuer.as_str()), Some(subject.as_str())),
                NodeKind::NodeIdentity { .. } => {}
            }
            j
        })
        .collect();
    let edges = view
        .edges
        .iter()
        .map(|&e| {
            let edge = &graph.edges[e];
            JsonEdge {
                from: &graph.nodes[edge.from].key,
                to: &graph.nodes[edge.to].key,
                kind: edge.kind.as_str(),
                via: &edge.via,
                is_path: edge.kind.is_path(),
                admission: edge.admission.map(|a| a.as_str()),
                used: edge.is_used,
                statement: edge.statement.as_deref(),
                rule: edge.rule,
                location: match &edge.origin {
                    Some(crate::provenance::Origin::File { path, line }) => Some(Location { path, line: *line }),
                    _ => None,
                },
            }
        })
        .collect();
    // Paths name edges by their position in this document's `edges`.
    let position: std::collections::HashMap<usize, usize> = view.edges.iter().enumerate().map(|(i, &e)| (e, i)).collect();
    let paths = view.paths.iter().map(|p| p.iter().filter_map(|e| position.get(e).copied()).collect()).collect();
    let sources = view.sources.iter().map(JsonSource::from).collect();
    let doc = JsonMap { schema_version: SCHEMA_VERSION, tool: Tool::this(), complete: view.is_complete, sources, nodes, edges, paths };
    let text = crate::redact::redact_text(&serde_json::to_string_pretty(&doc)?);
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}
