//! The map for a terminal: per cloud identity, who can become it and how; per ServiceAccount, what
//! it can become (broken annotations included, marked); with `--path-to`, one line per path.

use std::collections::BTreeMap;

use comfy_table::{ContentArrangement, Table, presets};

use super::View;
use crate::model::graph::{EdgeKind, NodeKind};

pub fn render(view: &View<'_>, out: &mut dyn std::io::Write, width: u16) -> std::io::Result<()> {
    let graph = view.graph;
    let redact = crate::redact::redact_text;
    if !view.paths.is_empty() {
        for path in &view.paths {
            let mut line = graph.nodes[graph.edges[path[0]].from].label();
            for &e in path {
                line.push_str(&format!(" --{}--> {}", graph.edges[e].kind.as_str(), graph.nodes[graph.edges[e].to].label()));
            }
            writeln!(out, "{}", redact(&line))?;
        }
        return writeln!(out, "{} path(s)", view.paths.len());
    }
    let new_table = |header: Vec<&str>| {
        let mut t = Table::new();
        t.load_preset(presets::UTF8_HORIZONTAL_ONLY)
            .set_content_arrangement(ContentArrangement::DynamicFullWidth)
            .set_width(width)
            .set_header(header);
        t
    };
    let mut ways_in: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut ways_out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for &e in &view.edges {
        let edge = &graph.edges[e];
        if matches!(graph.nodes[edge.to].kind, NodeKind::Identity { .. } | NodeKind::NodeIdentity { .. }) {
            ways_in.entry(graph.nodes[edge.to].label()).or_default().push(e);
        }
        if matches!(graph.nodes[edge.from].kind, NodeKind::ServiceAccount { .. }) && edge.kind != EdgeKind::RunsAs {
            ways_out.entry(graph.nodes[edge.from].label()).or_default().push(e);
        }
    }
    let mut identities = new_table(vec!["CLOUD IDENTITY", "WHO CAN BECOME IT", "HOW"]);
    for (identity, edges) in &ways_in {
        for (i, &e) in edges.iter().enumerate() {
            let edge = &graph.edges[e];
            let name = if i == 0 { identity.as_str() } else { "" };
            identities.add_row(vec![redact(name), redact(&graph.nodes[edge.from].label()), redact(&how(edge))]);
        }
    }
    let mut accounts = new_table(vec!["SERVICEACCOUNT", "CAN BECOME", "HOW"]);
    for (account, edges) in &ways_out {
        for (i, &e) in edges.iter().enumerate() {
            let edge = &graph.edges[e];
            let name = if i == 0 { account.as_str() } else { "" };
            accounts.add_row(vec![redact(name), redact(&graph.nodes[edge.to].label()), redact(&how(edge))]);
        }
    }
    if !ways_in.is_empty() {
        writeln!(out, "{identities}")?;
    }
    if !ways_out.is_empty() {
        writeln!(out, "{accounts}")?;
    }
    let identity_count = view.nodes.iter().filter(|&&n| matches!(graph.nodes[n].kind, NodeKind::Identity { .. })).count();
    let account_count = view.nodes.iter().filter(|&&n| matches!(graph.nodes[n].kind, NodeKind::ServiceAccount { .. })).count();
    let broken = view.edges.iter().filter(|&&e| !graph.edges[e].kind.is_path()).count();
    writeln!(
        out,
        "{identity_count} cloud identities, {account_count} ServiceAccounts, {} edges ({broken} broken annotations)",
        view.edges.len()
    )?;
    let failed: Vec<&str> = view.sources.iter().filter(|s| s.is_failure()).map(|s| s.origin.as_str()).collect();
    let objects: usize = view.sources.iter().map(|s| s.objects).sum();
    writeln!(out, "sources: {} read ({objects} objects)", view.sources.len() - failed.len())?;
    if !failed.is_empty() {
        writeln!(out, "warning: the map is partial: {} failed ({})", failed.len(), failed.join(", "))?;
    }
    Ok(())
}

/// `irsa, exact, used: trust policy statement 1 admits … [X001]`.
fn how(edge: &crate::model::graph::Edge) -> String {
    let mut text = edge.kind.as_str().to_string();
    if let Some(admission) = edge.admission {
        text.push_str(&format!(", {}", admission.as_str()));
    }
    if edge.is_used {
        text.push_str(", named by the ServiceAccount");
    }
    // The other column names the subject: a trust needs only its statement here.
    text.push_str(&format!(": {}", edge.statement.as_deref().unwrap_or(&edge.via)));
    if let Some(rule) = edge.rule {
        text.push_str(&format!(" [{rule}]"));
    }
    text
}
