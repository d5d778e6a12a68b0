//! Building the identity graph ([`crate::model::graph`]) from the inventory, with the semantics
//! modules: a federation trust becomes an edge from each ServiceAccount of the collected cluster of
//! its issuer that it admits (asked of `federation`'s claim semantics, not by string equality),
//! GKE bindings and Azure credentials likewise (they are federation trusts too), Pod Identity
//! associations, impersonation, role chaining, node metadata reach and static keys.
//!
//! Cost: every trust is matched against the ServiceAccounts it can name. An exact subject is one
//! lookup; a namespace pattern looks at that namespace's ServiceAccounts; only a pattern that spans
//! namespaces (itself a finding) looks at a whole cluster. No pairing of every trust with every
//! ServiceAccount.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::azure::{CredentialMatch, credential_match};
use super::federation::{ClaimSemantics, admits_subject};
use super::gcp::{GcpQuestions, WORKLOAD_IDENTITY_USER, lets_act_as};
use super::members::{Coverage, Member};
use super::trust::{ASSUME_ROLE, TrustQuestions, Trustee};
use crate::finding::Provider;
use crate::model::Inventory;
use crate::model::exposure::NodeImds;
use crate::model::federation::{FederatedTrust, SubjectPattern};
use crate::model::graph::{Admission, Dangling, Edge, EdgeKind, IdentityGraph, NodeId, NodeKind, identity_key, service_account_key};
use crate::model::issuer::Issuer;
use crate::model::k8s::{CloudCluster, EnvSource, ServiceAccount, StaticCredential, Workload};

const SA_PREFIX: &str = "system:serviceaccount:";
/// The audience the EKS pod identity webhook asks for in projected tokens.
const IRSA_AUDIENCE: &str = "sts.amazonaws.com";
/// The audience the Azure workload identity webhook asks for.
const AZURE_AUDIENCE: &str = "api://AzureADTokenExchange";
const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";
/// The kind of the node that stands for every service account of a Google Cloud project.
pub const PROJECT_SERVICE_ACCOUNTS: &str = "project";

/// One collected cluster input and what its link says about it.
struct ClusterSide<'a> {
    input: &'a str,
    display: String,
    linked: Option<&'a CloudCluster>,
}

/// Builds the graph. Call after the federation model is filled and clusters are linked.
pub fn build(inventory: &Inventory) -> IdentityGraph {
    let mut b = Builder::new(inventory);
    b.service_accounts_and_workloads();
    b.trusts();
    b.pod_identity();
    b.project_grants();
    b.annotations();
    b.impersonation();
    b.role_chains();
    b.node_metadata();
    b.static_keys();
    b.graph
}

struct Builder<'a> {
    inv: &'a Inventory,
    graph: IdentityGraph,
    clusters: Vec<ClusterSide<'a>>,
    /// Issuer key → positions in `clusters` of the inputs linked to a cluster of that issuer.
    clusters_by_issuer: HashMap<String, Vec<usize>>,
    /// Input → position in `clusters`.
    cluster_of_input: HashMap<&'a str, usize>,
    /// Input → positions in `k8s.service_accounts`.
    service_accounts_by_input: HashMap<&'a str, Vec<usize>>,
    namespaces: HashSet<(&'a str, &'a str)>,
    inputs_with_namespaces: HashSet<&'a str>,
    /// (ServiceAccount node, identity node) pairs joined by a federation edge.
    joined: HashSet<(NodeId, NodeId)>,
    /// Edges already drawn: the same trust read twice (a cluster described by two inputs) is one edge.
    drawn: HashSet<(NodeId, NodeId, EdgeKind, String)>,
}

impl<'a> Builder<'a> {
    fn new(inv: &'a Inventory) -> Self {
        let k8s = &inv.k8s;
        let mut clusters = Vec::new();
        let mut clusters_by_issuer: HashMap<String, Vec<usize>> = HashMap::new();
        let mut cluster_of_input = HashMap::new();
        for cluster in k8s.clusters() {
            let i = clusters.len();
            let linked = cluster.linked.as_deref();
            if let Some(issuer) = linked.and_then(cluster_issuer_key) {
                clusters_by_issuer.entry(issuer).or_default().push(i);
            }
            cluster_of_input.insert(cluster.input.as_str(), i);
            clusters.push(ClusterSide { input: &cluster.input, display: cluster.display().to_string(), linked });
        }
        let mut service_accounts_by_input: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, sa) in k8s.service_accounts.iter().enumerate() {
            service_accounts_by_input.entry(sa.cluster.input.as_str()).or_default().push(i);
        }
        let namespaces = k8s.namespaces.iter().map(|n| (n.cluster.input.as_str(), n.name.as_str())).collect();
        let inputs_with_namespaces = k8s.namespaces.iter().map(|n| n.cluster.input.as_str()).collect();
        Builder {
            inv,
            graph: IdentityGraph::default(),
            clusters,
            clusters_by_issuer,
            cluster_of_input,
            service_accounts_by_input,
            namespaces,
            inputs_with_namespaces,
            joined: HashSet::new(),
            drawn: HashSet::new(),
        }
    }

    fn add_edge(&mut self, edge: Edge) {
        if self.drawn.insert((edge.from, edge.to, edge.kind, edge.via.clone())) {
            self.graph.add_edge(edge);
        }
    }

    fn display_of(&self, input: &str) -> String {
        self.cluster_of_input.get(input).map_or_else(|| input.to_string(), |&c| self.clusters[c].display.clone())
    }

    fn sa_node(&mut self, input: &str, namespace: &str, name: &str, collected: bool) -> NodeId {
        let cluster = self.display_of(input);
        self.graph.node(&service_account_key(input, namespace, name), Some(input), || NodeKind::ServiceAccount {
            cluster,
            namespace: namespace.to_string(),
            name: name.to_string(),
            collected,
        })
    }

    fn identity_node(&mut self, provider: Provider, id: &str, name: &str, kind: &str) -> NodeId {
        self.graph.node(&identity_key(provider, id), None, || NodeKind::Identity {
            provider,
            id: id.to_string(),
            name: name.to_string(),
            kind: kind.to_string(),
        })
    }

    fn workload_node(&mut self, w: &Workload) -> NodeId {
        let cluster = self.display_of(&w.cluster.input);
        let key = format!("k8s:workload:{}/{}/{}/{}", w.cluster.input, w.namespace, w.kind, w.name);
        self.graph.node(&key, Some(&w.cluster.input), || NodeKind::Workload {
            cluster,
            namespace: w.namespace.clone(),
            kind: w.kind.clone(),
            name: w.name.clone(),
        })
    }

    fn record_key(&mut self, credential: &StaticCredential, owner: NodeId, holder: String) {
        let id = match credential {
            StaticCredential::AwsAccessKey { key_id, .. } => key_id,
            StaticCredential::GcpServiceAccountKey { private_key_id, .. } => private_key_id,
            StaticCredential::AzureClientSecret { .. } => return,
        };
        let sites = self.graph.static_keys.entry(id.clone()).or_default();
        sites.owner = Some(owner);
        if let Err(at) = sites.holders.binary_search(&holder) {
            sites.holders.insert(at, holder);
        }
    }

    fn service_accounts_and_workloads(&mut self) {
        let inv = self.inv;
        for sa in &inv.k8s.service_accounts {
            self.sa_node(&sa.cluster.input, &sa.namespace, &sa.name, true);
        }
        for w in inv.workloads_by_controller() {
            let workload = self.workload_node(w);
            let collected =
                inv.index.service_accounts.contains_key(&(w.cluster.input.clone(), w.namespace.clone(), w.service_account.clone()));
            let sa = self.sa_node(&w.cluster.input, &w.namespace, &w.service_account, collected);
            self.add_edge(plain_edge(workload, sa, EdgeKind::RunsAs, format!("runs as ServiceAccount {}", w.service_account), &w.origin));
        }
    }

    /// Every federation trust: from the ServiceAccounts of the collected cluster of its issuer, or
    /// from the external subject it names.
    fn trusts(&mut self) {
        let inv = self.inv;
        for trust in &inv.federation.trusts {
            let identity = self.identity_of_trust(trust);
            let issuer = trust.issuer.key();
            match self.clusters_by_issuer.get(&issuer).cloned() {
                Some(clusters) => {
                    for &c in &clusters {
                        self.trust_in_cluster(trust, identity, c);
                    }
                    // Judged over every input of the cluster: a cluster dumped in two folders is one.
                    self.dangling(trust, identity, &clusters);
                }
                None => {
                    let subject = describe_subject(trust);
                    let admission = admission_of(trust);
                    let key = format!("subject:{issuer}:{subject}");
                    let issuer_text = trust.issuer.as_str().to_string();
                    let from = self.graph.node(&key, None, || NodeKind::Subject { issuer: issuer_text, subject: subject.clone() });
                    self.add_edge(Edge {
                        admission: Some(admission),
                        statement: Some(trust.statement.clone()),
                        stated_subject: Some(subject.clone()),
                        ..plain_edge(from, identity, EdgeKind::Federation, format!("{} admits {subject}", trust.statement), &trust.origin)
                    });
                }
            }
        }
    }

    fn identity_of_trust(&mut self, trust: &FederatedTrust) -> NodeId {
        let id = &trust.identity;
        let kind = match id.provider {
            Provider::Aws => "role".to_string(),
            Provider::Gcp => "service account".to_string(),
            Provider::Azure => self.azure_kind(&id.id),
            _ => "identity".to_string(),
        };
        self.identity_node(id.provider, &id.id, &id.name, &kind)
    }

    fn azure_kind(&self, client_id: &str) -> String {
        let inv = self.inv;
        inv.azure.identity_by_client_id(&inv.index.azure, client_id).map_or_else(|| "identity".to_string(), |i| i.kind.as_str().to_string())
    }

    /// One trust against the ServiceAccounts of one collected cluster of its issuer.
    fn trust_in_cluster(&mut self, trust: &FederatedTrust, identity: NodeId, cluster: usize) {
        let inv = self.inv;
        let input = self.clusters[cluster].input;
        let display = self.clusters[cluster].display.clone();
        let kind = federation_kind(trust.identity.provider);
        let audience_ok = expected_audience(trust.identity.provider).is_none_or(|aud| trust.claim("aud").is_none_or(|c| c.admits(aud)));
        let Candidates { exact, namespaces, whole } = candidates(trust);
        let mut positions: Vec<usize> = Vec::new();
        if whole {
            positions.extend(self.service_accounts_by_input.get(input).into_iter().flatten());
        } else {
            for (ns, name) in &exact {
                if let Some(&i) = inv.index.service_accounts.get(&(input.to_string(), ns.clone(), name.clone())) {
                    positions.push(i);
                }
            }
            for ns in &namespaces {
                positions.extend(inv.index.service_accounts_by_namespace.get(&(input.to_string(), ns.clone())).into_iter().flatten());
            }
        }
        positions.sort_unstable();
        positions.dedup();
        let admission = admission_of(trust);
        if audience_ok {
            for i in positions {
                let sa = &inv.k8s.service_accounts[i];
                let subject = format!("{SA_PREFIX}{}:{}", sa.namespace, sa.name);
                if !admits_subject(trust, &subject) {
                    continue;
                }
                let is_exact = exact.iter().any(|(ns, name)| ns == &sa.namespace && name == &sa.name);
                let from = self.sa_node(input, &sa.namespace, &sa.name, true);
                let is_used = names_identity(inv, sa, trust.identity.provider, &trust.identity.id);
                self.joined.insert((from, identity));
                self.add_edge(Edge {
                    admission: Some(if is_exact { Admission::Exact } else { admission }),
                    is_used,
                    statement: Some(trust.statement.clone()),
                    stated_subject: Some(describe_subject(trust)),
                    rule: broad_rule(trust.identity.provider, is_exact, admission),
                    ..plain_edge(from, identity, kind, format!("{} admits {subject}", trust.statement), &trust.origin)
                });
            }
        }
        // A pattern also admits ServiceAccounts nobody has created yet: drawn as a subject.
        if admission != Admission::Exact {
            let subject = describe_subject(trust);
            let key = format!("subject:{}:{input}:{subject}", trust.issuer.key());
            let issuer = format!("cluster {display}");
            let from = self.graph.node(&key, Some(input), || NodeKind::Subject { issuer, subject: subject.clone() });
            self.add_edge(Edge {
                admission: Some(admission),
                statement: Some(trust.statement.clone()),
                stated_subject: Some(subject.clone()),
                rule: broad_rule(trust.identity.provider, false, admission),
                ..plain_edge(from, identity, kind, format!("{} admits {subject}", trust.statement), &trust.origin)
            });
        }
    }

    /// Subjects the trust names that the cluster does not have (X004).
    fn dangling(&mut self, trust: &FederatedTrust, identity: NodeId, clusters: &[usize]) {
        let inv = self.inv;
        let Candidates { exact, namespaces, .. } = candidates(trust);
        let inputs: Vec<&str> = clusters.iter().map(|&c| self.clusters[c].input).collect();
        let input = inputs[0];
        let display = self.clusters[clusters[0]].display.clone();
        let knows_namespaces = inputs.iter().any(|i| self.inputs_with_namespaces.contains(i));
        let partial = inputs.iter().any(|i| inv.incomplete_inputs.contains(*i));
        let mut named: Vec<(&str, Option<&str>)> = exact.iter().map(|(ns, sa)| (ns.as_str(), Some(sa.as_str()))).collect();
        named.extend(namespaces.iter().map(|ns| (ns.as_str(), None)));
        // A missing namespace is one finding however many of its ServiceAccounts the trust names.
        named.sort_by_key(|(ns, sa)| (*ns, sa.is_some(), *sa));
        let mut missing_namespaces: HashSet<&str> = HashSet::new();
        for (ns, sa) in named {
            let namespace_missing = knows_namespaces && !inputs.iter().any(|i| self.namespaces.contains(&(*i, ns)));
            let sa_missing = match sa {
                Some(name) => {
                    let index = &inv.index;
                    let listed = inputs.iter().any(|i| index.service_accounts_by_namespace.contains_key(&(i.to_string(), ns.to_string())));
                    listed
                        && !inputs.iter().any(|i| index.service_accounts.contains_key(&(i.to_string(), ns.to_string(), name.to_string())))
                }
                None => false,
            };
            if !(namespace_missing || sa_missing) || (namespace_missing && !missing_namespaces.insert(ns)) {
                continue;
            }
            let subject = match sa {
                Some(name) => format!("{SA_PREFIX}{ns}:{name}"),
                None => format!("{SA_PREFIX}{ns}:*"),
            };
            let key = format!("subject:{}:{input}:{subject}", trust.issuer.key());
            let issuer = format!("cluster {display}");
            let from = self.graph.node(&key, Some(input), || NodeKind::Subject { issuer, subject: subject.clone() });
            let missing = if namespace_missing { format!("namespace {ns}") } else { format!("ServiceAccount {ns}/{}", sa.unwrap_or("")) };
            self.add_edge(Edge {
                admission: Some(if sa.is_some() { Admission::Exact } else { Admission::Pattern }),
                statement: Some(trust.statement.clone()),
                stated_subject: Some(subject.clone()),
                dangling: Some(Dangling {
                    cluster: display.clone(),
                    namespace: ns.to_string(),
                    service_account: sa.map(str::to_string),
                    namespace_missing,
                    cluster_partial: partial,
                }),
                rule: Some("X004"),
                ..plain_edge(
                    from,
                    identity,
                    federation_kind(trust.identity.provider),
                    format!("{} admits {subject}, and cluster {display} has no {missing}", trust.statement),
                    &trust.origin,
                )
            });
        }
    }

    fn pod_identity(&mut self) {
        let inv = self.inv;
        for assoc in &inv.aws.pod_identity_associations {
            let Some(role_arn) = &assoc.role_arn else { continue };
            let Some(&r) = inv.index.roles_by_arn.get(role_arn) else { continue };
            let role = &inv.aws.roles[r];
            if role.trust.service_grants(POD_IDENTITY_SERVICE).is_empty() {
                continue; // AWS007 reports the broken association.
            }
            let inputs: Vec<&str> = self
                .clusters
                .iter()
                .filter(|c| {
                    c.linked.is_some_and(|l| {
                        matches!(l, CloudCluster::Eks { .. } | CloudCluster::Named { .. }) && l.name() == assoc.cluster_name
                    })
                })
                .map(|c| c.input)
                .collect();
            for input in inputs {
                let collected =
                    inv.index.service_accounts.contains_key(&(input.to_string(), assoc.namespace.clone(), assoc.service_account.clone()));
                let from = self.sa_node(input, &assoc.namespace, &assoc.service_account, collected);
                let to = self.identity_node(Provider::Aws, &role.arn, &role.name, "role");
                self.joined.insert((from, to));
                self.add_edge(Edge {
                    admission: Some(Admission::Exact),
                    is_used: true,
                    statement: Some(format!("EKS Pod Identity association {}", assoc.association_arn)),
                    ..plain_edge(
                        from,
                        to,
                        EdgeKind::PodIdentity,
                        format!("EKS Pod Identity association {}", assoc.association_arn),
                        &assoc.origin,
                    )
                });
            }
        }
    }

    /// `workloadIdentityUser` or `serviceAccountTokenCreator` granted to GKE members on a whole
    /// project: the covered ServiceAccounts may act as every service account of the project, drawn
    /// as one node for the set (GCP006 judges the grant).
    fn project_grants(&mut self) {
        let inv = self.inv;
        for binding in inv.gcp.bindings.iter().filter(|b| lets_act_as(&b.role)) {
            let crate::model::gcp::ResourceScope::Project(project) = binding.scope() else { continue };
            let Coverage::ServiceAccounts { workload_pool, cluster, namespace, name } = Member::parse(&binding.member).coverage() else {
                continue;
            };
            let gke: Vec<usize> = (0..self.clusters.len())
                .filter(|&c| match self.clusters[c].linked {
                    Some(CloudCluster::Gke { project: p, location, name: n, workload_pool: Some(pool) }) => {
                        let url = crate::model::gcp::cluster_url(p, location, n);
                        pool == &workload_pool && cluster.as_ref().is_none_or(|c| c == &url)
                    }
                    _ => false,
                })
                .collect();
            if gke.is_empty() {
                continue;
            }
            let id = format!("projects/{project}/serviceAccounts/*");
            let statement = format!("{} binding for {} on project {project}", binding.role, binding.member);
            for c in gke {
                let input = self.clusters[c].input;
                let positions: Vec<usize> = match (&namespace, &name) {
                    (Some(ns), Some(sa)) => {
                        inv.index.service_accounts.get(&(input.to_string(), ns.clone(), sa.clone())).copied().into_iter().collect()
                    }
                    (Some(ns), None) => {
                        inv.index.service_accounts_by_namespace.get(&(input.to_string(), ns.clone())).cloned().unwrap_or_default()
                    }
                    (None, _) => self.service_accounts_by_input.get(input).cloned().unwrap_or_default(),
                };
                for i in positions {
                    let sa = &inv.k8s.service_accounts[i];
                    if name.as_ref().is_some_and(|n| n != &sa.name) {
                        continue;
                    }
                    let from = self.sa_node(input, &sa.namespace, &sa.name, true);
                    let to =
                        self.identity_node(Provider::Gcp, &id, &format!("{project} (every service account)"), PROJECT_SERVICE_ACCOUNTS);
                    let admission = if name.is_some() && namespace.is_some() { Admission::Exact } else { Admission::Pattern };
                    self.add_edge(Edge {
                        admission: Some(admission),
                        statement: Some(statement.clone()),
                        rule: Some("GCP006"),
                        ..plain_edge(
                            from,
                            to,
                            EdgeKind::GkeWorkloadIdentity,
                            format!("{statement} covers {}/{}", sa.namespace, sa.name),
                            &binding.origin,
                        )
                    });
                }
            }
        }
    }

    /// ServiceAccount annotations that name an identity which does not accept them (X001–X003).
    fn annotations(&mut self) {
        let inv = self.inv;
        for sa in &inv.k8s.service_accounts {
            let Some(&c) = self.cluster_of_input.get(sa.cluster.input.as_str()) else { continue };
            let Some(linked) = self.clusters[c].linked else { continue };
            let from = self.sa_node(&sa.cluster.input, &sa.namespace, &sa.name, true);
            if let Some(arn) = &sa.identity.aws_role_arn {
                self.irsa_annotation(sa, linked, from, arn);
            }
            if let Some(email) = &sa.identity.gcp_service_account {
                self.gke_annotation(sa, linked, from, email);
            }
            if let Some(client_id) = &sa.identity.azure_client_id {
                self.azure_annotation(sa, linked, from, client_id);
            }
        }
    }

    fn irsa_annotation(&mut self, sa: &ServiceAccount, linked: &CloudCluster, from: NodeId, arn: &str) {
        let inv = self.inv;
        let CloudCluster::Eks { issuer: Some(issuer), .. } = linked else { return };
        let subject = format!("{SA_PREFIX}{}:{}", sa.namespace, sa.name);
        let reason = match inv.index.roles_by_arn.get(arn) {
            Some(&r) => {
                let to = self.identity_node(Provider::Aws, arn, &inv.aws.roles[r].name, "role");
                if self.joined.contains(&(from, to)) {
                    return;
                }
                let here: Vec<&FederatedTrust> = inv.federation.of_identity(arn).filter(|t| &t.issuer.key() == issuer).collect();
                let admits_sub = here.iter().find(|t| admits_subject(t, &subject));
                let reason = match (here.is_empty(), admits_sub) {
                    (true, _) => format!("its trust policy admits no token of this cluster's issuer {issuer}"),
                    (false, Some(t)) => format!("{} admits the subject but not the audience {IRSA_AUDIENCE}", t.statement),
                    (false, None) => {
                        format!("no trust statement for this cluster's issuer admits {subject} (it admits {})", admitted_list(&here))
                    }
                };
                self.untrusted(from, to, "X001", reason, &sa.origin);
                return;
            }
            None => {
                let account = crate::model::aws::account_of_arn(arn);
                let collected = account.is_some_and(|a| inv.aws.roles.iter().any(|r| r.account_id() == Some(a)));
                if !collected {
                    return;
                }
                format!("role {arn} does not exist in account {}", account.unwrap_or("?"))
            }
        };
        let name = arn.rsplit('/').next().unwrap_or(arn);
        let to = self.identity_node(Provider::Aws, arn, name, "role (not found)");
        self.untrusted(from, to, "X001", reason, &sa.origin);
    }

    fn gke_annotation(&mut self, sa: &ServiceAccount, linked: &CloudCluster, from: NodeId, email: &str) {
        let inv = self.inv;
        let CloudCluster::Gke { project, location, name, workload_pool: Some(pool) } = linked else { return };
        let url = crate::model::gcp::cluster_url(project, location, name);
        let key = inv.gcp_account_key(email);
        let account_project = crate::model::gcp::project_of_email(&key).map(str::to_string);
        let account = inv.gcp_service_account(&key);
        let grants = inv.workload_grants_on(&key, account.map(|a| a.project_id.as_str()).or(account_project.as_deref()));
        let display = key.split('@').next().unwrap_or(&key).to_string();
        let covering = grants.iter().find(|g| {
            g.binding.role == WORKLOAD_IDENTITY_USER && g.member.covers_service_account(pool, Some(&url), &sa.namespace, &sa.name)
        });
        if let Some(grant) = covering {
            let to = self.identity_node(Provider::Gcp, &key, &display, "service account");
            if !self.joined.contains(&(from, to)) {
                // A grant at project level: not a trust of the account itself, but a way in all the same.
                self.joined.insert((from, to));
                self.add_edge(Edge {
                    admission: Some(Admission::Pattern),
                    is_used: true,
                    statement: Some(format!("{WORKLOAD_IDENTITY_USER} binding for {}", grant.binding.member)),
                    rule: Some("GCP006"),
                    ..plain_edge(
                        from,
                        to,
                        EdgeKind::GkeWorkloadIdentity,
                        format!("{WORKLOAD_IDENTITY_USER} on {} for {}", grant.binding.resource, grant.binding.member),
                        &grant.binding.origin,
                    )
                });
            }
            return;
        }
        let has_bindings = inv.index.gcp.bindings_on_service_account.contains_key(&key);
        let project_listed = account_project.as_deref().is_some_and(|p| inv.gcp.service_accounts.iter().any(|a| a.project_id == p));
        let reason = if account.is_some() || has_bindings {
            let members: Vec<&str> =
                grants.iter().filter(|g| g.binding.role == WORKLOAD_IDENTITY_USER).map(|g| g.binding.member.as_str()).collect();
            if members.is_empty() {
                format!("no {WORKLOAD_IDENTITY_USER} binding lets {pool}[{}/{}] act as it", sa.namespace, sa.name)
            } else {
                format!(
                    "no {WORKLOAD_IDENTITY_USER} binding covers {pool}[{}/{}] (it is granted to {})",
                    sa.namespace,
                    sa.name,
                    members.join(", ")
                )
            }
        } else if project_listed {
            format!("service account {key} does not exist in project {}", account_project.as_deref().unwrap_or("?"))
        } else {
            return;
        };
        let kind = if account.is_some() || has_bindings { "service account" } else { "service account (not found)" };
        let to = self.identity_node(Provider::Gcp, &key, &display, kind);
        self.untrusted(from, to, "X002", reason, &sa.origin);
    }

    fn azure_annotation(&mut self, sa: &ServiceAccount, linked: &CloudCluster, from: NodeId, client_id: &str) {
        let inv = self.inv;
        let CloudCluster::Aks { issuer: Some(issuer), .. } = linked else { return };
        let id = client_id.to_ascii_lowercase();
        let index = &inv.index.azure;
        let Some(identity) = inv.azure.identity_by_client_id(index, &id) else {
            return; // Not in the scan: nothing to tell.
        };
        let to = self.identity_node(Provider::Azure, &id, &identity.name, identity.kind.as_str());
        if self.joined.contains(&(from, to)) {
            return;
        }
        let credentials: Vec<_> =
            index.credentials_by_client_id.get(&id).into_iter().flatten().map(|&c| &inv.azure.federated_credentials[c]).collect();
        if credentials.iter().any(|c| matches!(credential_match(c), CredentialMatch::Unreadable(_))) {
            return; // AZ001 reports what cannot be read; whether it matches is unknown.
        }
        let issuer_key = Issuer::parse(issuer).key();
        let subject = format!("{SA_PREFIX}{}:{}", sa.namespace, sa.name);
        let here: Vec<&FederatedTrust> = inv.federation.of_identity(&id).filter(|t| t.issuer.key() == issuer_key).collect();
        let reason = if credentials.is_empty() {
            format!("{} {} has no federated credential", identity.kind.as_str(), identity.name)
        } else if here.is_empty() {
            format!("no federated credential of {} trusts this cluster's issuer {issuer}", identity.name)
        } else if let Some(t) = here.iter().find(|t| admits_subject(t, &subject)) {
            format!("{} matches the subject but not the audience {AZURE_AUDIENCE}", t.statement)
        } else {
            format!("no federated credential for this cluster's issuer has subject {subject} (they admit {})", admitted_list(&here))
        };
        self.untrusted(from, to, "X003", reason, &sa.origin);
    }

    fn untrusted(&mut self, from: NodeId, to: NodeId, rule: &'static str, reason: String, origin: &crate::model::Origin) {
        self.add_edge(Edge { is_used: true, rule: Some(rule), ..plain_edge(from, to, EdgeKind::UntrustedAnnotation, reason, origin) });
    }

    /// Google service accounts that may mint another's tokens (`serviceAccountTokenCreator`,
    /// `workloadIdentityUser` granted to a service account).
    fn impersonation(&mut self) {
        let inv = self.inv;
        for binding in inv.gcp.bindings.iter().filter(|b| lets_act_as(&b.role)) {
            let crate::model::gcp::ResourceScope::ServiceAccount { account, .. } = binding.scope() else { continue };
            let Some(member) = binding.member.strip_prefix("serviceAccount:") else { continue };
            if member.contains(".svc.id.goog[") {
                continue; // A GKE member: a federation trust, drawn from the cluster.
            }
            let target = inv.gcp_account_key(account);
            let source = inv.gcp_account_key(member);
            let from = self.identity_node(Provider::Gcp, &source, source.split('@').next().unwrap_or(&source), "service account");
            let to = self.identity_node(Provider::Gcp, &target, target.split('@').next().unwrap_or(&target), "service account");
            self.add_edge(Edge {
                statement: Some(format!("{} binding for {}", binding.role, binding.member)),
                rule: Some("GCP007"),
                ..plain_edge(from, to, EdgeKind::Impersonation, format!("{} on {target}", binding.role), &binding.origin)
            });
        }
    }

    /// AWS roles whose trust lets another collected role assume them.
    fn role_chains(&mut self) {
        let inv = self.inv;
        for role in &inv.aws.roles {
            for grant in role.trust.grants(ASSUME_ROLE) {
                let Trustee::Aws(principal) = &grant.trustee else { continue };
                let Some(&source) = inv.index.roles_by_arn.get(principal) else { continue };
                let source = &inv.aws.roles[source];
                let from = self.identity_node(Provider::Aws, &source.arn, &source.name, "role");
                let to = self.identity_node(Provider::Aws, &role.arn, &role.name, "role");
                let statement = grant.statement_label();
                self.add_edge(Edge {
                    statement: Some(statement.clone()),
                    ..plain_edge(from, to, EdgeKind::RoleChain, format!("{statement} lets {} assume it", source.name), &role.origin)
                });
            }
        }
    }

    /// Pods that reach the instance metadata service take their node's identity.
    fn node_metadata(&mut self) {
        let inv = self.inv;
        let mut reach: Vec<(&Workload, String, &'static str)> = Vec::new();
        for w in inv.workloads_by_controller().filter(|w| w.host_network) {
            reach.push((w, "hostNetwork: true reaches the node's metadata service".into(), "K8S001"));
        }
        for open in inv.namespaces_reaching_imds() {
            let why = match &open.node {
                NodeImds::Reachable(reason) => format!("no NetworkPolicy blocks 169.254.169.254 and the nodes do not ({reason})"),
                _ => "no NetworkPolicy blocks 169.254.169.254 (node side unknown, assumed open)".to_string(),
            };
            reach.extend(open.workloads.iter().map(|w| (*w, why.clone(), "K8S002")));
        }
        for (w, why, rule) in reach {
            let from = self.workload_node(w);
            let display = self.display_of(&w.cluster.input);
            let key = format!("node:{}", w.cluster.input);
            let is_new = self.graph.find(&key).is_none();
            let to = self.graph.node(&key, Some(&w.cluster.input), || NodeKind::NodeIdentity { cluster: display });
            self.add_edge(Edge { rule: Some(rule), ..plain_edge(from, to, EdgeKind::NodeMetadata, why, &w.origin) });
            if is_new && let Some(linked) = w.cluster.linked.as_deref() {
                self.node_credentials(to, linked);
            }
        }
    }

    /// What a cluster's node identity is, where its cloud says: the service accounts of GKE node
    /// pools that hand out the node's token (not the GKE metadata server), the AKS kubelet identity,
    /// the roles of EKS workers' instance profiles.
    fn node_credentials(&mut self, node: NodeId, linked: &CloudCluster) {
        let inv = self.inv;
        match linked {
            CloudCluster::Gke { project, location, name, .. } => {
                let key = crate::model::gcp::cluster_key(project, location, name);
                for pool in inv.gcp.node_pools.iter().filter(|p| p.cluster == key && !p.runs_gke_metadata_server()) {
                    let account = match pool.service_account.as_deref() {
                        None | Some("default") => format!("the Compute Engine default service account of {project}"),
                        Some(email) => inv.gcp_account_key(email),
                    };
                    let label = account.split('@').next().unwrap_or(&account).to_string();
                    let to = self.identity_node(Provider::Gcp, &account, &label, "service account");
                    let via = format!("node pool {} runs as {account}", pool.name);
                    self.add_edge(plain_edge(node, to, EdgeKind::NodeCredentials, via, &pool.origin));
                }
            }
            CloudCluster::Aks { resource_id, .. } => {
                let Some(cluster) = inv.azure.clusters.iter().find(|c| c.id.eq_ignore_ascii_case(resource_id)) else { return };
                let Some((client_id, name)) = &cluster.kubelet_identity else { return };
                let to = self.identity_node(Provider::Azure, &client_id.to_ascii_lowercase(), name, "managed identity");
                let via = format!("the kubelet runs as managed identity {name}");
                self.add_edge(plain_edge(node, to, EdgeKind::NodeCredentials, via, &cluster.origin));
            }
            CloudCluster::Eks { name, .. } | CloudCluster::Named { name } => {
                // Workers run with an instance profile; authorization details say which role it holds.
                let held_by: HashMap<&str, &str> =
                    inv.aws.instance_profiles.iter().map(|p| (p.arn.as_str(), p.role_arn.as_str())).collect();
                let mut seen = HashSet::new();
                for capacity in inv.aws.node_capacity.iter().filter(|c| &c.cluster_name == name) {
                    let Some(profile) = &capacity.instance_profile else { continue };
                    let Some(&role_arn) = held_by.get(profile.as_str()) else { continue };
                    if !seen.insert(role_arn) {
                        continue;
                    }
                    let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn).to_string();
                    let to = self.identity_node(Provider::Aws, role_arn, &role_name, "role");
                    let via = format!("worker {} runs with instance profile {profile}", capacity.name);
                    self.add_edge(plain_edge(node, to, EdgeKind::NodeCredentials, via, &capacity.origin));
                }
            }
        }
    }

    /// Static credentials in the cluster, tied to the collected identity they belong to.
    fn static_keys(&mut self) {
        let inv = self.inv;
        let aws_keys = aws_keys_by_redacted_id(inv);
        let mut holders: HashMap<(String, String, String), NodeId> = HashMap::new();
        for o in &inv.k8s.config_objects {
            for (path, credential) in &o.credentials {
                let Some((provider, id, name, kind)) = owner_of(inv, &aws_keys, credential) else { continue };
                let to = self.identity_node(provider, &id, &name, kind);
                let cluster = self.display_of(&o.cluster.input);
                let key = format!("k8s:object:{}/{}/{}/{}", o.cluster.input, o.namespace, o.kind, o.name);
                let from = self.graph.node(&key, Some(&o.cluster.input), || NodeKind::ConfigObject {
                    cluster,
                    namespace: o.namespace.clone(),
                    kind: o.kind.clone(),
                    name: o.name.clone(),
                });
                holders.insert((o.cluster.input.clone(), o.namespace.clone(), o.name.clone()), from);
                let cluster = self.display_of(&o.cluster.input);
                self.record_key(credential, to, format!("{} {cluster}/{}/{} ({path})", o.kind, o.namespace, o.name));
                let rule = rule_of_credential(credential);
                self.add_edge(Edge {
                    rule: Some(rule),
                    ..plain_edge(from, to, EdgeKind::StaticKey, format!("{path} holds {}", describe_credential(credential)), &o.origin)
                });
            }
        }
        for w in inv.workloads_by_controller() {
            let mut read: BTreeSet<&str> = BTreeSet::new();
            for c in &w.containers {
                read.extend(c.env_from_secrets.iter().map(String::as_str));
                for e in &c.env {
                    match &e.source {
                        EnvSource::SecretKey { secret, .. } | EnvSource::ConfigMapKey { config_map: secret, .. } => {
                            read.insert(secret);
                        }
                        EnvSource::Literal { credentials, .. } => {
                            for credential in credentials {
                                let Some((provider, id, name, kind)) = owner_of(inv, &aws_keys, credential) else { continue };
                                let from = self.workload_node(w);
                                let to = self.identity_node(provider, &id, &name, kind);
                                let via = format!("{}/env/{} holds {}", c.name, e.name, describe_credential(credential));
                                let cluster = self.display_of(&w.cluster.input);
                                self.record_key(
                                    credential,
                                    to,
                                    format!("{} {cluster}/{}/{} ({}/env/{})", w.kind, w.namespace, w.name, c.name, e.name),
                                );
                                self.add_edge(Edge {
                                    rule: Some(rule_of_credential(credential)),
                                    ..plain_edge(from, to, EdgeKind::StaticKey, via, &w.origin)
                                });
                            }
                        }
                        EnvSource::Other => {}
                    }
                }
            }
            read.extend(w.secret_volumes.values().map(String::as_str));
            for name in read {
                let Some(&holder) = holders.get(&(w.cluster.input.clone(), w.namespace.clone(), name.to_string())) else { continue };
                let from = self.workload_node(w);
                self.add_edge(plain_edge(from, holder, EdgeKind::Reads, format!("reads {name}"), &w.origin));
            }
        }
    }
}

/// An edge read from `origin`.
fn plain_edge(from: NodeId, to: NodeId, kind: EdgeKind, via: String, origin: &crate::model::Origin) -> Edge {
    Edge { origin: Some(origin.clone()), ..Edge::new(from, to, kind, via) }
}

/// The issuer key of a linked cluster's ServiceAccount tokens.
pub fn cluster_issuer_key(cluster: &CloudCluster) -> Option<String> {
    match cluster {
        CloudCluster::Eks { issuer, .. } => issuer.clone(),
        CloudCluster::Aks { issuer, .. } => issuer.as_deref().map(|i| Issuer::parse(i).key()),
        CloudCluster::Gke { project, location, name, .. } => {
            Some(Issuer::parse(&crate::model::gcp::cluster_url(project, location, name)).key())
        }
        CloudCluster::Named { .. } => None,
    }
}

fn federation_kind(provider: Provider) -> EdgeKind {
    match provider {
        Provider::Aws => EdgeKind::Irsa,
        Provider::Gcp => EdgeKind::GkeWorkloadIdentity,
        Provider::Azure => EdgeKind::AzureWorkloadIdentity,
        _ => EdgeKind::Federation,
    }
}

fn expected_audience(provider: Provider) -> Option<&'static str> {
    match provider {
        Provider::Aws => Some(IRSA_AUDIENCE),
        Provider::Azure => Some(AZURE_AUDIENCE),
        _ => None,
    }
}

/// The rule that judges a ServiceAccount admitted by more than its exact name.
fn broad_rule(provider: Provider, is_exact: bool, admission: Admission) -> Option<&'static str> {
    if is_exact || admission == Admission::Exact {
        return None;
    }
    Some(match (provider, admission) {
        (Provider::Aws, Admission::Open) => "AWS002",
        (Provider::Aws, _) => "AWS001",
        (Provider::Gcp, _) => "GCP001",
        _ => "AZ001",
    })
}

/// The ServiceAccounts a trust's `sub` can name.
#[derive(Default)]
struct Candidates {
    /// Exact (namespace, name) pairs.
    exact: Vec<(String, String)>,
    /// Whole namespaces (`system:serviceaccount:NS:*`).
    namespaces: Vec<String>,
    /// Any ServiceAccount of the cluster (no `sub`, or a pattern across namespaces).
    whole: bool,
}

fn candidates(trust: &FederatedTrust) -> Candidates {
    let Some(sub) = trust.claim("sub") else { return Candidates { whole: true, ..Default::default() } };
    // Every group must match: the narrowest one bounds the candidates.
    let mut best: Option<Candidates> = None;
    for group in &sub.any_of {
        let mut found = Candidates::default();
        for pattern in group {
            match pattern {
                SubjectPattern::Exact { value, ignore_case: false } => {
                    // Not a ServiceAccount subject: admits none of them.
                    if let Some((ns, sa)) = split_subject(value) {
                        found.exact.push((ns.to_string(), sa.to_string()));
                    }
                }
                SubjectPattern::Prefix(prefix) => match literal_namespace(prefix, "") {
                    Some(ns) => found.namespaces.push(ns),
                    None => found.whole = true,
                },
                SubjectPattern::Glob(glob) => match literal_namespace(glob, "*") {
                    Some(ns) => found.namespaces.push(ns),
                    None if is_literal(glob) => {
                        if let Some((ns, sa)) = split_subject(glob) {
                            found.exact.push((ns.to_string(), sa.to_string()));
                        }
                    }
                    None => found.whole = true,
                },
                SubjectPattern::Exact { .. } => found.whole = true,
            }
        }
        let size = |c: &Candidates| c.exact.len() + c.namespaces.len() * 1000;
        if !found.whole && best.as_ref().is_none_or(|b| size(&found) < size(b)) {
            best = Some(found);
        }
    }
    best.unwrap_or(Candidates { whole: true, ..Default::default() })
}

fn is_literal(text: &str) -> bool {
    !text.contains(['*', '?'])
}

/// `system:serviceaccount:NS:NAME` → (NS, NAME).
fn split_subject(subject: &str) -> Option<(&str, &str)> {
    let rest = subject.strip_prefix(SA_PREFIX)?;
    let (ns, sa) = rest.split_once(':')?;
    (!ns.is_empty() && !sa.is_empty() && !sa.contains(':')).then_some((ns, sa))
}

/// The one namespace a pattern `system:serviceaccount:NS:` + `tail…` stays in, when NS is literal.
fn literal_namespace(pattern: &str, wildcard_tail: &str) -> Option<String> {
    let rest = pattern.strip_prefix(SA_PREFIX)?;
    let (ns, tail) = rest.split_once(':')?;
    (is_literal(ns) && !ns.is_empty() && (tail == wildcard_tail || (!wildcard_tail.is_empty() && !is_literal(tail))) && !tail.contains(':'))
        .then(|| ns.to_string())
}

fn admission_of(trust: &FederatedTrust) -> Admission {
    match trust.claim("sub") {
        None => Admission::Open,
        Some(sub) => {
            let exact = sub.any_of.iter().any(|g| {
                g.iter().all(|p| matches!(p, SubjectPattern::Exact { .. }) || matches!(p, SubjectPattern::Glob(g) if is_literal(g)))
            });
            if exact { Admission::Exact } else { Admission::Pattern }
        }
    }
}

/// The subject patterns of a trust, as people read them: `system:serviceaccount:ci:*`, `any subject`.
pub fn describe_subject(trust: &FederatedTrust) -> String {
    let mut text = match trust.claim("sub") {
        None => "any subject".to_string(),
        Some(sub) => {
            let group = sub.any_of.first().map(|g| g.iter().map(pattern_text).collect::<Vec<_>>().join(" | "));
            let mut text = group.unwrap_or_else(|| "any subject".into());
            if !sub.none_of.is_empty() {
                text.push_str(&format!(" except {}", sub.none_of.iter().map(pattern_text).collect::<Vec<_>>().join(" | ")));
            }
            text
        }
    };
    let others: Vec<String> = trust
        .claims
        .iter()
        .filter(|(claim, c)| *claim != "sub" && *claim != "aud" && !c.is_unrestricted())
        .map(|(claim, c)| {
            format!("{claim}={}", c.any_of.first().map(|g| g.iter().map(pattern_text).collect::<Vec<_>>().join("|")).unwrap_or_default())
        })
        .collect();
    if !others.is_empty() {
        text.push_str(&format!(" with {}", others.join(", ")));
    }
    text
}

fn pattern_text(pattern: &SubjectPattern) -> String {
    match pattern {
        SubjectPattern::Exact { value, .. } => value.clone(),
        SubjectPattern::Prefix(prefix) => format!("{prefix}*"),
        SubjectPattern::Glob(glob) => glob.clone(),
    }
}

fn admitted_list(trusts: &[&FederatedTrust]) -> String {
    let mut subjects: Vec<String> = trusts.iter().map(|t| describe_subject(t)).collect();
    subjects.sort();
    subjects.dedup();
    subjects.join("; ")
}

/// Whether the ServiceAccount's own annotation names the identity.
fn names_identity(inv: &Inventory, sa: &ServiceAccount, provider: Provider, id: &str) -> bool {
    match provider {
        Provider::Aws => sa.identity.aws_role_arn.as_deref() == Some(id),
        Provider::Gcp => sa.identity.gcp_service_account.as_deref().is_some_and(|e| inv.gcp_account_key(e) == id),
        Provider::Azure => sa.identity.azure_client_id.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(id)),
        _ => false,
    }
}

/// IAM users' keys by their redacted ID; a redacted ID two keys share ties to neither.
fn aws_keys_by_redacted_id(inv: &Inventory) -> HashMap<&str, Option<usize>> {
    let mut out: HashMap<&str, Option<usize>> = HashMap::new();
    for (u, user) in inv.aws.users.iter().enumerate() {
        for id in user.keys.iter().filter_map(|k| k.id.as_deref()) {
            out.entry(id)
                .and_modify(|v| {
                    if *v != Some(u) {
                        *v = None;
                    }
                })
                .or_insert(Some(u));
        }
    }
    out
}

/// The collected identity a static credential belongs to: (provider, id, name, kind).
fn owner_of(
    inv: &Inventory,
    aws_keys: &HashMap<&str, Option<usize>>,
    credential: &StaticCredential,
) -> Option<(Provider, String, String, &'static str)> {
    match credential {
        StaticCredential::AwsAccessKey { key_id, .. } => {
            let user = &inv.aws.users[(*aws_keys.get(key_id.as_str())?)?];
            Some((Provider::Aws, user.arn.clone(), user.name.clone(), "user"))
        }
        StaticCredential::GcpServiceAccountKey { client_email, .. } => {
            let key = inv.gcp_account_key(client_email);
            let name = key.split('@').next().unwrap_or(&key).to_string();
            Some((Provider::Gcp, key, name, "service account"))
        }
        StaticCredential::AzureClientSecret { .. } => None,
    }
}

fn describe_credential(credential: &StaticCredential) -> String {
    match credential {
        StaticCredential::AwsAccessKey { key_id, .. } => format!("access key {key_id}"),
        StaticCredential::GcpServiceAccountKey { private_key_id, .. } => format!("service account key {private_key_id}"),
        StaticCredential::AzureClientSecret { setting } => format!("client secret {setting}"),
    }
}

fn rule_of_credential(credential: &StaticCredential) -> &'static str {
    match credential {
        StaticCredential::AwsAccessKey { .. } => "K8S003",
        StaticCredential::GcpServiceAccountKey { .. } => "K8S004",
        StaticCredential::AzureClientSecret { .. } => "K8S005",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_and_namespaces_a_pattern_stays_in() {
        assert_eq!(split_subject("system:serviceaccount:ci:runner"), Some(("ci", "runner")));
        assert_eq!(split_subject("repo:acme/api:ref:refs/heads/main"), None);
        assert_eq!(literal_namespace("system:serviceaccount:ci:", ""), Some("ci".into()));
        assert_eq!(literal_namespace("system:serviceaccount:ci:*", "*"), Some("ci".into()));
        assert_eq!(literal_namespace("system:serviceaccount:ci:run-*", "*"), Some("ci".into()));
        assert_eq!(literal_namespace("system:serviceaccount:*:runner", "*"), None);
        assert_eq!(literal_namespace("system:serviceaccount:c?:x", "*"), None);
    }
}
