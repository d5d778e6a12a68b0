//! Least-privilege replacements from observed use: the graph knows which ServiceAccounts of the
//! collected clusters name an identity and reach it through a broad trust, so the broad subject
//! can be replaced by exactly those. Only the side that holds both halves can say this.

use std::collections::BTreeSet;

use crate::finding::{Fix, Provider};
use crate::model::Inventory;
use crate::model::graph::{Admission, NodeKind};

/// Observed users of a broad trust: (namespace, ServiceAccount) pairs, and the clusters they were seen in.
struct Users {
    service_accounts: Vec<(String, String)>,
    clusters: BTreeSet<String>,
    /// Whether one of those clusters was read only in part.
    is_partial: bool,
}

/// The ServiceAccounts that name the identity and reach it through the trust stated by
/// `statement`, beyond its exact subjects: (subjects, clusters they were seen in).
fn observed_users(inventory: &Inventory, provider: Provider, identity_id: &str, statement: &str) -> Option<Users> {
    let graph = &inventory.graph;
    let node = graph.identity(provider, identity_id)?;
    let mut users = BTreeSet::new();
    let mut clusters = BTreeSet::new();
    let mut is_partial = false;
    let mut is_broad = false;
    for edge in graph.ways_in(node).filter(|e| e.kind.is_workload_federation() && e.statement.as_deref() == Some(statement)) {
        is_broad |= edge.admission != Some(Admission::Exact);
        let NodeKind::ServiceAccount { cluster, namespace, name, .. } = &graph.nodes[edge.from].kind else { continue };
        if edge.is_used {
            users.insert((namespace.clone(), name.clone()));
            clusters.insert(cluster.clone());
            is_partial |= graph.nodes[edge.from].input.as_ref().is_some_and(|i| inventory.incomplete_inputs.contains(i));
        }
    }
    (is_broad && !users.is_empty()).then(|| Users { service_accounts: users.into_iter().collect(), clusters, is_partial })
}

/// Why the replacement may admit too few.
fn caveat(users: &Users) -> String {
    let seen = users.clusters.iter().cloned().collect::<Vec<_>>().join(", ");
    let mut text = format!(
        "from the ServiceAccounts of cluster {seen} that name this identity; a workload that uses it without the annotation, or in a cluster not in this scan, would lose access"
    );
    if users.is_partial {
        text.push_str(" (a cluster was read only in part: more users may exist)");
    }
    text
}

fn subjects(users: &Users) -> Vec<String> {
    users.service_accounts.iter().map(|(ns, sa)| format!("system:serviceaccount:{ns}:{sa}")).collect()
}

/// AWS001, AWS002: the `StringEquals` values that admit exactly the observed ServiceAccounts.
pub fn aws_subject_fix(inventory: &Inventory, role_arn: &str, statement: &str, sub_key: &str) -> Option<Fix> {
    let users = observed_users(inventory, Provider::Aws, role_arn, statement)?;
    let subjects = subjects(&users);
    Some(Fix {
        description: format!("pin the subject with StringEquals \"{sub_key}\": {}", serde_json::to_string(&subjects).unwrap_or_default()),
        replacement: subjects,
        caveat: Some(caveat(&users)),
    })
}

/// GCP001: members for exactly the observed Kubernetes ServiceAccounts.
pub fn gcp_member_fix(inventory: &Inventory, account: &str, statement: &str, workload_pool: &str) -> Option<Fix> {
    let users = observed_users(inventory, Provider::Gcp, account, statement)?;
    let members: Vec<String> = users.service_accounts.iter().map(|(ns, sa)| format!("serviceAccount:{workload_pool}[{ns}/{sa}]")).collect();
    Some(Fix {
        description: format!("grant the role to {} instead of the whole set", members.join(", ")),
        replacement: members,
        caveat: Some(caveat(&users)),
    })
}

/// AZ001: one federated credential per observed ServiceAccount, each with an exact subject.
pub fn azure_subject_fix(inventory: &Inventory, client_id: &str, statement: &str) -> Option<Fix> {
    let users = observed_users(inventory, Provider::Azure, client_id, statement)?;
    let subjects = subjects(&users);
    Some(Fix {
        description: format!("replace it with {} credential(s) with exact subjects: {}", subjects.len(), subjects.join(", ")),
        replacement: subjects,
        caveat: Some(caveat(&users)),
    })
}
