//! `wiscan map`: the identity graph for people. A [`View`] is the part of the graph the filters
//! keep; one renderer per format (table, JSON, Graphviz DOT, Mermaid) turns it into text and never
//! evaluates anything.

pub mod dot;
pub mod json;
pub mod mermaid;
pub mod table;

use std::collections::{BTreeSet, VecDeque};

use crate::model::graph::{IdentityGraph, NodeId, NodeKind};
use crate::provenance::SourceReport;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MapFormat {
    Table,
    Json,
    Dot,
    Mermaid,
}

/// What to keep of the graph. Filters combine: each narrows what the previous kept.
#[derive(Clone, Debug, Default)]
pub struct Filters {
    /// What the ServiceAccounts and workloads of this namespace can become.
    pub namespace: Option<String>,
    /// What the objects of this cluster (linked name or input) can become.
    pub cluster: Option<String>,
    /// Who can become this identity (ID, name or node key), by any way in.
    pub identity: Option<String>,
    /// Every path that ends at this identity.
    pub path_to: Option<String>,
}

/// The kept part of the graph: nodes and edges in graph order, and with `--path-to` the paths.
pub struct View<'a> {
    pub graph: &'a IdentityGraph,
    pub nodes: Vec<NodeId>,
    pub edges: Vec<usize>,
    /// Edge positions of each path, source first (only with `--path-to`).
    pub paths: Vec<Vec<usize>>,
    pub sources: &'a [SourceReport],
    pub is_complete: bool,
}

/// Paths longer than this are cut (role chains rarely go past three hops).
pub const MAX_PATH_EDGES: usize = 8;
/// At most this many paths are listed for one identity.
pub const MAX_PATHS: usize = 1_000;

/// The part of the graph the filters keep; `Err` names a filter that matched nothing.
pub fn select<'a>(graph: &'a IdentityGraph, filters: &Filters, sources: &'a [SourceReport], is_complete: bool) -> Result<View<'a>, String> {
    let mut edges: BTreeSet<usize> = (0..graph.edges.len()).collect();
    if let Some(ns) = &filters.namespace {
        let starts = matching(graph, |n| n.namespace() == Some(ns.as_str()));
        if starts.is_empty() {
            return Err(format!("--namespace {ns}: no ServiceAccount or workload of that namespace is in the scan"));
        }
        edges = &edges & &forward(graph, &starts);
    }
    if let Some(cluster) = &filters.cluster {
        let starts = matching(graph, |n| n.cluster() == Some(cluster.as_str()) || n.input.as_deref() == Some(cluster.as_str()));
        if starts.is_empty() {
            return Err(format!("--in-cluster {cluster}: no object of that cluster is in the scan"));
        }
        edges = &edges & &forward(graph, &starts);
    }
    if let Some(identity) = &filters.identity {
        let targets = identities(graph, identity);
        if targets.is_empty() {
            return Err(format!("--identity {identity}: no such identity in the graph"));
        }
        edges = &edges & &backward(graph, &targets);
    }
    let mut paths = Vec::new();
    if let Some(identity) = &filters.path_to {
        let targets = identities(graph, identity);
        if targets.is_empty() {
            return Err(format!("--path-to {identity}: no such identity in the graph"));
        }
        for target in targets {
            paths.extend(graph.paths_to(target, MAX_PATH_EDGES, MAX_PATHS).into_iter().filter(|p| p.iter().all(|e| edges.contains(e))));
        }
        edges = paths.iter().flatten().copied().collect();
    }
    let mut nodes: BTreeSet<NodeId> = edges.iter().flat_map(|&e| [graph.edges[e].from, graph.edges[e].to]).collect();
    if filters.namespace.is_none() && filters.cluster.is_none() && filters.identity.is_none() && filters.path_to.is_none() {
        // Unfiltered: every node, joined or not.
        nodes = (0..graph.nodes.len()).collect();
    }
    Ok(View { graph, nodes: nodes.into_iter().collect(), edges: edges.into_iter().collect(), paths, sources, is_complete })
}

fn matching(graph: &IdentityGraph, keep: impl Fn(&crate::model::graph::Node) -> bool) -> Vec<NodeId> {
    graph.nodes.iter().enumerate().filter(|(_, n)| keep(n)).map(|(i, _)| i).collect()
}

/// Identity nodes named by ID (any case), name or node key.
fn identities(graph: &IdentityGraph, wanted: &str) -> Vec<NodeId> {
    matching(graph, |n| match &n.kind {
        NodeKind::Identity { id, name, .. } => id.eq_ignore_ascii_case(wanted) || name == wanted || n.key == wanted,
        _ => n.key == wanted,
    })
}

/// Edges reachable from `starts` along the way edges go (what they can become).
fn forward(graph: &IdentityGraph, starts: &[NodeId]) -> BTreeSet<usize> {
    walk(graph, starts, |n| &graph.outgoing[n], |e| graph.edges[e].to)
}

/// Edges from which `targets` can be reached (who can become them).
fn backward(graph: &IdentityGraph, targets: &[NodeId]) -> BTreeSet<usize> {
    walk(graph, targets, |n| &graph.incoming[n], |e| graph.edges[e].from)
}

fn walk<'g>(
    graph: &'g IdentityGraph,
    starts: &[NodeId],
    next: impl Fn(NodeId) -> &'g Vec<usize>,
    other: impl Fn(usize) -> NodeId,
) -> BTreeSet<usize> {
    let mut seen = vec![false; graph.nodes.len()];
    let mut queue: VecDeque<NodeId> = starts.iter().copied().collect();
    starts.iter().for_each(|&s| seen[s] = true);
    let mut edges = BTreeSet::new();
    while let Some(node) = queue.pop_front() {
        for &e in next(node) {
            edges.insert(e);
            // A broken annotation is shown, but is no way further.
            if !graph.edges[e].kind.is_path() {
                continue;
            }
            let n = other(e);
            if !seen[n] {
                seen[n] = true;
                queue.push_back(n);
            }
        }
    }
    edges
}

/// Renders the view in the chosen format.
pub fn render(view: &View<'_>, format: MapFormat, out: &mut dyn std::io::Write, width: u16) -> std::io::Result<()> {
    match format {
        MapFormat::Table => table::render(view, out, width),
        MapFormat::Json => json::render(view, out),
        MapFormat::Dot => dot::render(view, out),
        MapFormat::Mermaid => mermaid::render(view, out),
    }
}

/// The edge label the diagrams show: its kind, and the rule that judges it.
pub(crate) fn edge_label(view: &View<'_>, e: usize) -> String {
    let edge = &view.graph.edges[e];
    match edge.rule {
        Some(rule) => format!("{} ({rule})", edge.kind.as_str()),
        None => edge.kind.as_str().to_string(),
    }
}
