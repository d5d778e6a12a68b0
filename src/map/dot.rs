//! The map as Graphviz DOT (`dot -Tsvg map.dot > map.svg`): one cluster box per Kubernetes cluster,
//! cloud identities as ellipses, broken annotations dashed red.

use std::collections::BTreeMap;

use super::{View, edge_label};
use crate::model::graph::NodeKind;

pub fn render(view: &View<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let graph = view.graph;
    let mut text = String::from(
        "digraph wiscan {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    let mut by_cluster: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut outside = Vec::new();
    for &n in &view.nodes {
        match graph.nodes[n].cluster() {
            Some(cluster) if !matches!(graph.nodes[n].kind, NodeKind::NodeIdentity { .. }) => {
                by_cluster.entry(cluster).or_default().push(n)
            }
            _ => outside.push(n),
        }
    }
    for (i, (cluster, nodes)) in by_cluster.iter().enumerate() {
        text.push_str(&format!("  subgraph cluster_{i} {{\n    label={};\n    style=rounded;\n", quote(&format!("cluster {cluster}"))));
        for &n in nodes {
            text.push_str(&format!("    {}\n", node_line(view, n)));
        }
        text.push_str("  }\n");
    }
    for n in outside {
        text.push_str(&format!("  {}\n", node_line(view, n)));
    }
    for &e in &view.edges {
        let edge = &graph.edges[e];
        let style = if edge.kind.is_path() { "" } else { ", style=dashed, color=red, fontcolor=red" };
        text.push_str(&format!(
            "  {} -> {} [label={}{style}];\n",
            quote(&format!("n{}", edge.from)),
            quote(&format!("n{}", edge.to)),
            quote(&edge_label(view, e))
        ));
    }
    text.push_str("}\n");
    out.write_all(crate::redact::redact_text(&text).as_bytes())
}

fn node_line(view: &View<'_>, n: usize) -> String {
    let node = &view.graph.nodes[n];
    let shape = match node.kind {
        NodeKind::Identity { .. } => "ellipse",
        NodeKind::Subject { .. } => "note",
        NodeKind::NodeIdentity { .. } => "octagon",
        NodeKind::ConfigObject { .. } => "folder",
        _ => "box",
    };
    format!("{} [label={}, shape={shape}];", quote(&format!("n{n}")), quote(&node.label()))
}

/// A DOT string: quotes and backslashes escaped, newlines as `\n`.
fn quote(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoting_escapes_what_dot_reads_specially() {
        assert_eq!(super::quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
    }
}
