//! The identity graph: who can become whom, across the clusters and the clouds.
//!
//! Nodes are Kubernetes workloads, ServiceAccounts and Secrets, external token subjects (a GitHub
//! repository, "any ServiceAccount of namespace X"), cloud identities, and clusters' node
//! identities. Each edge says how its source becomes (or reaches) its target, with the evidence and
//! the rule that judges it. `policy::graph` builds it once per scan from the indexes, with the
//! semantics modules; here it is plain data with lookups.

use std::collections::HashMap;

use super::Origin;
use crate::finding::{PathStep, Provider};

/// A node's position in [`IdentityGraph::nodes`].
pub type NodeId = usize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A Pod or controller, running as a ServiceAccount.
    Workload { cluster: String, namespace: String, kind: String, name: String },
    /// A Kubernetes ServiceAccount. `collected` is false for one a workload names but the scan did not hold.
    ServiceAccount { cluster: String, namespace: String, name: String, collected: bool },
    /// A Secret or ConfigMap holding a static credential.
    ConfigObject { cluster: String, namespace: String, kind: String, name: String },
    /// Whoever presents a token of `issuer` whose subject matches `subject` (a GitHub ref, a
    /// ServiceAccount pattern, or a named ServiceAccount that does not exist).
    Subject { issuer: String, subject: String },
    /// A cloud identity: an IAM role or user, a Google service account, a managed identity or app.
    Identity { provider: Provider, id: String, name: String, kind: String },
    /// The identity of a cluster's nodes, reachable through the instance metadata service.
    NodeIdentity { cluster: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Stable key (`aws:arn:…`, `k8s:sa:INPUT/NS/NAME`), unique in the graph.
    pub key: String,
    pub kind: NodeKind,
    /// The input a Kubernetes node was read from (its cluster), for filtering and joins.
    pub input: Option<String>,
}

impl Node {
    /// A short label for people: `ServiceAccount prod/payments/api`, `aws role ci-deployer`.
    pub fn label(&self) -> String {
        match &self.kind {
            NodeKind::Workload { cluster, namespace, kind, name } => format!("{kind} {cluster}/{namespace}/{name}"),
            NodeKind::ServiceAccount { cluster, namespace, name, .. } => format!("ServiceAccount {cluster}/{namespace}/{name}"),
            NodeKind::ConfigObject { cluster, namespace, kind, name } => format!("{kind} {cluster}/{namespace}/{name}"),
            NodeKind::Subject { issuer, subject } => format!("{subject} @ {issuer}"),
            NodeKind::Identity { provider, name, kind, .. } => format!("{} {kind} {name}", provider.as_str()),
            NodeKind::NodeIdentity { cluster } => format!("node identity of {cluster}"),
        }
    }

    /// The node kind's name in the map's JSON (`workload`, `service_account`, …).
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Workload { .. } => "workload",
            NodeKind::ServiceAccount { .. } => "service_account",
            NodeKind::ConfigObject { .. } => "config_object",
            NodeKind::Subject { .. } => "subject",
            NodeKind::Identity { .. } => "identity",
            NodeKind::NodeIdentity { .. } => "node_identity",
        }
    }

    pub fn namespace(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Workload { namespace, .. }
            | NodeKind::ServiceAccount { namespace, .. }
            | NodeKind::ConfigObject { namespace, .. } => Some(namespace),
            _ => None,
        }
    }

    pub fn cluster(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Workload { cluster, .. }
            | NodeKind::ServiceAccount { cluster, .. }
            | NodeKind::ConfigObject { cluster, .. }
            | NodeKind::NodeIdentity { cluster } => Some(cluster),
            _ => None,
        }
    }

    /// The cloud identity's ID, for identity nodes.
    pub fn identity_id(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Identity { id, .. } => Some(id),
            _ => None,
        }
    }
}

/// How an edge's source becomes, or reaches, its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A workload runs as its ServiceAccount.
    RunsAs,
    /// An EKS ServiceAccount token accepted by a role's trust (IRSA).
    Irsa,
    /// An EKS Pod Identity association.
    PodIdentity,
    /// A GKE ServiceAccount covered by a `workloadIdentityUser` binding.
    GkeWorkloadIdentity,
    /// A ServiceAccount token matched by an Azure federated credential.
    AzureWorkloadIdentity,
    /// A token of another issuer (GitHub, GitLab, an uncollected cluster) accepted by a trust.
    Federation,
    /// A Google service account that may mint another's tokens.
    Impersonation,
    /// An AWS role whose trust lets another role assume it.
    RoleChain,
    /// Pods that reach the instance metadata service (host network, or no block on either side).
    NodeMetadata,
    /// The cloud identity a cluster's nodes run as (a GKE node pool's service account, the AKS
    /// kubelet identity), which their metadata service hands out.
    NodeCredentials,
    /// A workload that reads a Secret or ConfigMap.
    Reads,
    /// A static credential that belongs to the identity.
    StaticKey,
    /// A ServiceAccount annotation that names an identity which does not accept it: broken, not a
    /// way in. Never followed when paths are computed.
    UntrustedAnnotation,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::RunsAs => "runs_as",
            EdgeKind::Irsa => "irsa",
            EdgeKind::PodIdentity => "pod_identity",
            EdgeKind::GkeWorkloadIdentity => "gke_workload_identity",
            EdgeKind::AzureWorkloadIdentity => "azure_workload_identity",
            EdgeKind::Federation => "federation",
            EdgeKind::Impersonation => "impersonation",
            EdgeKind::RoleChain => "role_chain",
            EdgeKind::NodeMetadata => "node_metadata",
            EdgeKind::NodeCredentials => "node_credentials",
            EdgeKind::Reads => "reads",
            EdgeKind::StaticKey => "static_key",
            EdgeKind::UntrustedAnnotation => "untrusted_annotation",
        }
    }

    /// Whether the edge is a way from its source to its target (paths follow it).
    pub fn is_path(self) -> bool {
        self != EdgeKind::UntrustedAnnotation
    }

    /// A workload identity federation from a ServiceAccount of a collected cluster.
    pub fn is_workload_federation(self) -> bool {
        matches!(self, EdgeKind::Irsa | EdgeKind::PodIdentity | EdgeKind::GkeWorkloadIdentity | EdgeKind::AzureWorkloadIdentity)
    }
}

/// How precisely a trust names the subject an edge comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Admission {
    /// The trust names this subject exactly (an exact `sub`, a GKE member for this ServiceAccount,
    /// a Pod Identity association).
    Exact,
    /// A pattern that also admits others (`system:serviceaccount:ns:*`, a namespace set).
    Pattern,
    /// The trust does not restrict the subject at all.
    Open,
}

impl Admission {
    pub fn as_str(self) -> &'static str {
        match self {
            Admission::Exact => "exact",
            Admission::Pattern => "pattern",
            Admission::Open => "open",
        }
    }
}

/// A trust that names a namespace or ServiceAccount its cluster does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dangling {
    pub cluster: String,
    pub namespace: String,
    /// The ServiceAccount named, when the trust names one.
    pub service_account: Option<String>,
    pub namespace_missing: bool,
    /// The cluster was read only in part: the object may exist unseen.
    pub cluster_partial: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: EdgeKind,
    /// How, in words: `trust policy statement Irsa admits system:serviceaccount:prod:api`.
    pub via: String,
    /// For federation edges: how precisely the trust names the source.
    pub admission: Option<Admission>,
    /// The source names the target itself (an annotation, a Pod Identity association): observed use.
    pub is_used: bool,
    /// The trust statement, binding or credential behind the edge (`trust policy statement 1`).
    pub statement: Option<String>,
    /// For edges from a trust: the subject pattern it states, as the cloud wrote it.
    pub stated_subject: Option<String>,
    pub dangling: Option<Dangling>,
    /// The rule that judges this kind of edge, when one does.
    pub rule: Option<&'static str>,
    pub origin: Option<Origin>,
}

impl Edge {
    /// An edge with no trust details, no rule and no origin: set what applies.
    pub fn new(from: NodeId, to: NodeId, kind: EdgeKind, via: String) -> Self {
        Edge {
            from,
            to,
            kind,
            via,
            admission: None,
            is_used: false,
            statement: None,
            stated_subject: None,
            dangling: None,
            rule: None,
            origin: None,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct IdentityGraph {
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub by_key: HashMap<String, NodeId>,
    /// Node → positions in `edges` leaving it.
    pub outgoing: Vec<Vec<usize>>,
    /// Node → positions in `edges` arriving at it.
    pub incoming: Vec<Vec<usize>>,
    /// Static keys found in the clusters, by redacted key ID (`AKIA…WXYZ`, a Google key's
    /// `private_key_id`): where each sits, and the collected identity it belongs to.
    pub static_keys: HashMap<String, StaticKeySites>,
}

/// Where one static key was found in the clusters, and whose it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaticKeySites {
    /// The identity node the key belongs to, when that identity was collected.
    pub owner: Option<NodeId>,
    /// `Secret prod/payments/aws-creds (data.AWS_ACCESS_KEY_ID)`, sorted.
    pub holders: Vec<String>,
}

impl IdentityGraph {
    /// The node with `key`, added with `make` if it is new.
    pub fn node(&mut self, key: &str, input: Option<&str>, make: impl FnOnce() -> NodeKind) -> NodeId {
        if let Some(&id) = self.by_key.get(key) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(Node { key: key.to_string(), kind: make(), input: input.map(str::to_string) });
        self.by_key.insert(key.to_string(), id);
        self.outgoing.push(Vec::new());
        self.incoming.push(Vec::new());
        id
    }

    pub fn add_edge(&mut self, edge: Edge) -> usize {
        let i = self.edges.len();
        self.outgoing[edge.from].push(i);
        self.incoming[edge.to].push(i);
        self.edges.push(edge);
        i
    }

    pub fn find(&self, key: &str) -> Option<NodeId> {
        self.by_key.get(key).copied()
    }

    /// The identity node of a cloud identity.
    pub fn identity(&self, provider: Provider, id: &str) -> Option<NodeId> {
        self.find(&identity_key(provider, id))
    }

    pub fn step(&self, edge: &Edge) -> PathStep {
        PathStep { from: self.nodes[edge.from].label(), to: self.nodes[edge.to].label(), kind: edge.kind.as_str(), via: edge.via.clone() }
    }

    /// The edges into `node` that are ways in.
    pub fn ways_in(&self, node: NodeId) -> impl Iterator<Item = &Edge> + '_ {
        self.incoming[node].iter().map(|&e| &self.edges[e]).filter(|e| e.kind.is_path())
    }

    /// Every path (up to `max_depth` edges, at most `limit` of them) that ends at `target` and
    /// starts where nothing leads further in: each path as edge positions, source first.
    pub fn paths_to(&self, target: NodeId, max_depth: usize, limit: usize) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut on_path = vec![false; self.nodes.len()];
        on_path[target] = true;
        self.walk_in(target, max_depth, limit, &mut stack, &mut on_path, &mut out);
        out
    }

    fn walk_in(
        &self,
        node: NodeId,
        depth_left: usize,
        limit: usize,
        stack: &mut Vec<usize>,
        on_path: &mut [bool],
        out: &mut Vec<Vec<usize>>,
    ) {
        if out.len() >= limit {
            return;
        }
        let ins: Vec<usize> = self.incoming[node].iter().copied().filter(|&e| self.edges[e].kind.is_path()).collect();
        let open: Vec<usize> = ins.into_iter().filter(|&e| !on_path[self.edges[e].from]).collect();
        if (open.is_empty() || depth_left == 0) && !stack.is_empty() {
            out.push(stack.iter().rev().copied().collect());
            return;
        }
        for e in open {
            let from = self.edges[e].from;
            stack.push(e);
            on_path[from] = true;
            self.walk_in(from, depth_left - 1, limit, stack, on_path, out);
            on_path[from] = false;
            stack.pop();
            if out.len() >= limit {
                return;
            }
        }
    }
}

/// The node key of a cloud identity.
pub fn identity_key(provider: Provider, id: &str) -> String {
    format!("{}:{id}", provider.as_str())
}

/// The node key of a ServiceAccount.
pub fn service_account_key(input: &str, namespace: &str, name: &str) -> String {
    format!("k8s:sa:{input}/{namespace}/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: NodeId, to: NodeId, kind: EdgeKind) -> Edge {
        Edge::new(from, to, kind, String::new())
    }

    #[test]
    fn paths_end_at_the_target_and_skip_broken_edges_and_cycles() {
        let mut g = IdentityGraph::default();
        let w = g.node("w", None, || NodeKind::NodeIdentity { cluster: "w".into() });
        let sa = g.node("sa", None, || NodeKind::NodeIdentity { cluster: "sa".into() });
        let a = g.node("a", None, || NodeKind::NodeIdentity { cluster: "a".into() });
        let b = g.node("b", None, || NodeKind::NodeIdentity { cluster: "b".into() });
        assert_eq!(g.node("a", None, || unreachable!()), a, "a key is one node");
        g.add_edge(edge(w, sa, EdgeKind::RunsAs));
        g.add_edge(edge(sa, a, EdgeKind::Irsa));
        g.add_edge(edge(a, b, EdgeKind::RoleChain));
        g.add_edge(edge(b, a, EdgeKind::RoleChain));
        g.add_edge(edge(sa, b, EdgeKind::UntrustedAnnotation));
        let paths = g.paths_to(b, 8, 10);
        assert_eq!(paths, vec![vec![0, 1, 2]], "w → sa → a → b; the broken annotation and the cycle are not ways in");
        assert_eq!(g.paths_to(b, 1, 10), vec![vec![2]], "depth-limited");
    }
}
