//! The map as a Mermaid flowchart, which GitHub renders in Markdown (paste it in a ```mermaid block).

use super::{View, edge_label};
use crate::model::graph::NodeKind;

pub fn render(view: &View<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let graph = view.graph;
    let mut text = String::from("flowchart LR\n");
    for &n in &view.nodes {
        let node = &graph.nodes[n];
        let label = escape(&node.label());
        let shape = match node.kind {
            NodeKind::Identity { .. } => format!("n{n}([\"{label}\"])"),
            NodeKind::Subject { .. } => format!("n{n}>\"{label}\"]"),
            NodeKind::NodeIdentity { .. } => format!("n{n}{{{{\"{label}\"}}}}"),
            _ => format!("n{n}[\"{label}\"]"),
        };
        text.push_str(&format!("  {shape}\n"));
    }
    for &e in &view.edges {
        let edge = &graph.edges[e];
        let arrow = if edge.kind.is_path() { "-->" } else { "-.->" };
        text.push_str(&format!("  n{} {arrow}|\"{}\"| n{}\n", edge.from, escape(&edge_label(view, e)), edge.to));
    }
    out.write_all(crate::redact::redact_text(&text).as_bytes())
}

/// Mermaid labels in quotes: a quote is `#quot;`, and `#`, `|`, `<`, `>` are entities too.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_cannot_break_out_of_their_quotes() {
        assert_eq!(super::escape(r#"a "b" | c#d <e>"#), "a #quot;b#quot; #124; c#35;d #lt;e#gt;");
    }
}
