//! Kubernetes objects as the rules need them: ServiceAccounts and their cloud identity annotations,
//! workloads (Pods and pod templates), namespaces, network policies, and the static credentials
//! found in Secrets, ConfigMaps and literal env values (metadata only: never a value).

use std::collections::BTreeMap;

use super::Origin;
use crate::finding::Resource;

pub const IRSA_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
pub const GKE_ANNOTATION: &str = "iam.gke.io/gcp-service-account";
pub const AZURE_CLIENT_ID_ANNOTATION: &str = "azure.workload.identity/client-id";
pub const AZURE_USE_LABEL: &str = "azure.workload.identity/use";

inventory_part! {
    pub struct K8sInventory {
        objects namespaces: Vec<Namespace>,
        objects service_accounts: Vec<ServiceAccount>,
        objects workloads: Vec<Workload>,
        objects network_policies: Vec<NetworkPolicy>,
        /// Secrets and ConfigMaps: their names, and the static credentials found in them.
        objects config_objects: Vec<ConfigObject>,
    }
}

/// Which cluster an object belongs to: the input it came from, and the cloud cluster it was linked to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClusterRef {
    /// The directory, file or context the objects were read from: one input, one cluster.
    pub input: String,
    /// The cloud cluster it was linked to (`--cluster`, learned from trusts, or the only cluster described).
    pub linked: Option<std::sync::Arc<CloudCluster>>,
}

impl ClusterRef {
    pub fn unlinked(input: impl Into<String>) -> Self {
        Self { input: input.into(), linked: None }
    }

    /// The linked cluster's name, else the input.
    pub fn display(&self) -> &str {
        self.linked.as_deref().map_or(&self.input, CloudCluster::name)
    }

    /// The linked cluster's name.
    pub fn name(&self) -> Option<&str> {
        self.linked.as_deref().map(CloudCluster::name)
    }
}

/// A cloud cluster a Kubernetes input is linked to, typed by cloud: each cloud's node facts and
/// federation answer for their own kind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CloudCluster {
    /// An EKS cluster: its name, and its ARN and OIDC issuer (lower-case key) when described.
    Eks { name: String, arn: Option<String>, issuer: Option<String> },
    /// A GKE cluster (filled when the Google Cloud source links one).
    Gke { project: String, location: String, name: String, workload_pool: Option<String> },
    /// An AKS cluster (filled when the Azure source links one).
    Aks { resource_id: String, name: String, issuer: Option<String> },
    /// A name the user gave (`--cluster NAME=PATH`) that no collected cloud cluster describes.
    Named { name: String },
}

impl CloudCluster {
    pub fn name(&self) -> &str {
        match self {
            CloudCluster::Eks { name, .. }
            | CloudCluster::Gke { name, .. }
            | CloudCluster::Aks { name, .. }
            | CloudCluster::Named { name } => name,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Namespace {
    pub cluster: ClusterRef,
    pub name: String,
    pub origin: Origin,
}

/// The cloud identities a ServiceAccount's annotations name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CloudIdentity {
    pub aws_role_arn: Option<String>,
    pub gcp_service_account: Option<String>,
    pub azure_client_id: Option<String>,
}

impl CloudIdentity {
    pub fn is_federated(&self) -> bool {
        self.aws_role_arn.is_some() || self.gcp_service_account.is_some() || self.azure_client_id.is_some()
    }

    /// `(annotation, value)` pairs, for evidence.
    pub fn annotations(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        if let Some(v) = &self.aws_role_arn {
            out.push((IRSA_ANNOTATION, v.as_str()));
        }
        if let Some(v) = &self.gcp_service_account {
            out.push((GKE_ANNOTATION, v.as_str()));
        }
        if let Some(v) = &self.azure_client_id {
            out.push((AZURE_CLIENT_ID_ANNOTATION, v.as_str()));
        }
        out
    }
}

#[derive(Clone, Debug)]
pub struct ServiceAccount {
    pub cluster: ClusterRef,
    pub namespace: String,
    pub name: String,
    pub identity: CloudIdentity,
    pub origin: Origin,
}

impl ServiceAccount {
    pub fn resource(&self) -> Resource {
        object_resource("ServiceAccount", &self.namespace, &self.name)
    }
}

/// A Pod, or the pod template of a controller.
#[derive(Clone, Debug)]
pub struct Workload {
    pub cluster: ClusterRef,
    pub namespace: String,
    pub kind: String,
    pub name: String,
    pub service_account: String,
    pub host_network: bool,
    /// Labels of the pods it runs (the template's, for controllers).
    pub pod_labels: Labels,
    pub containers: Vec<Container>,
    /// Volume name → Secret name, for volumes backed by Secrets.
    pub secret_volumes: BTreeMap<String, String>,
    /// `Kind/name` of a controlling owner, for Pods and ReplicaSets created by controllers.
    pub owner: Option<String>,
    pub origin: Origin,
}

impl Workload {
    pub fn resource(&self) -> Resource {
        object_resource(&self.kind, &self.namespace, &self.name)
    }
}

#[derive(Clone, Debug)]
pub struct Container {
    pub name: String,
    pub env: Vec<EnvVar>,
    /// Secrets whose keys all become env variables (`envFrom.secretRef`).
    pub env_from_secrets: Vec<String>,
    /// Volume name → mount path.
    pub mounts: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct EnvVar {
    pub name: String,
    pub source: EnvSource,
}

/// Where an env variable's value comes from; literal values are kept only as what was found in them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvSource {
    Literal {
        is_empty: bool,
        credentials: Vec<StaticCredential>,
        /// The value, kept only for settings that are file paths (`GOOGLE_APPLICATION_CREDENTIALS`).
        file_path: Option<String>,
    },
    SecretKey {
        secret: String,
        key: String,
    },
    ConfigMapKey {
        config_map: String,
        key: String,
    },
    Other,
}

/// A static credential found in cluster data. Holds only what identifies it, redacted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StaticCredential {
    AwsAccessKey {
        /// `AKIA…WXYZ`.
        key_id: String,
        /// A 40-character secret access key sits in the same value or object.
        has_secret_key: bool,
    },
    GcpServiceAccountKey {
        client_email: String,
        /// Redacted.
        private_key_id: String,
    },
    AzureClientSecret {
        /// The setting that holds it (`AZURE_CLIENT_SECRET`, `aadClientSecret`, ...).
        setting: String,
    },
}

#[derive(Clone, Debug)]
pub struct ConfigObject {
    pub cluster: ClusterRef,
    pub namespace: String,
    /// `Secret` or `ConfigMap`.
    pub kind: String,
    pub name: String,
    /// `data.KEY` (or `stringData.KEY`) → credentials found there.
    pub credentials: Vec<(String, StaticCredential)>,
    pub origin: Origin,
}

impl ConfigObject {
    pub fn resource(&self) -> Resource {
        object_resource(&self.kind, &self.namespace, &self.name)
    }
}

#[derive(Clone, Debug)]
pub struct NetworkPolicy {
    pub cluster: ClusterRef,
    pub namespace: String,
    pub name: String,
    pub pod_selector: LabelSelector,
    /// Selected pods' egress is restricted to what the rules allow.
    pub restricts_egress: bool,
    /// Whether some egress rule allows 169.254.169.254.
    pub allows_imds: bool,
    /// Whether an explicit deny rule (Cilium `egressDeny`, Calico `Deny`) blocks it, whatever allows it.
    pub denies_imds: bool,
    pub origin: Origin,
}

/// A label selector: `matchLabels` and `matchExpressions`, ANDed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<LabelExpression>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelExpression {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// A pod's labels, sorted by key: a few pairs in one allocation (a map would take a node of
/// eleven slots per pod, a fifth of a workload's memory in a large manifest).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok().map(|i| self.0[i].1.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl From<BTreeMap<String, String>> for Labels {
    fn from(map: BTreeMap<String, String>) -> Self {
        // A BTreeMap iterates in key order: the pairs come sorted.
        Labels(map.into_iter().collect())
    }
}

impl LabelSelector {
    pub fn matches(&self, labels: &Labels) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v.as_str()))
            && self.match_expressions.iter().all(|e| {
                let value = labels.get(&e.key);
                match e.operator.as_str() {
                    "In" => value.is_some_and(|v| e.values.iter().any(|x| x == v)),
                    "NotIn" => value.is_none_or(|v| !e.values.iter().any(|x| x == v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    // An unknown operator (or an unreadable Calico expression) selects nothing.
                    _ => false,
                }
            })
    }
}

pub fn object_resource(kind: &str, namespace: &str, name: &str) -> Resource {
    Resource { kind: format!("k8s:{}", kind.to_ascii_lowercase()), id: format!("{namespace}/{kind}/{name}"), name: name.to_string() }
}

impl K8sInventory {
    /// Sorts every list so results do not depend on input order; drops exact duplicates.
    pub fn consolidate(&mut self) {
        // Borrowed keys: sorting 200k objects must not allocate per comparison.
        self.namespaces.sort_by(|a, b| (&a.cluster, &a.name).cmp(&(&b.cluster, &b.name)));
        self.namespaces.dedup_by(|a, b| a.cluster == b.cluster && a.name == b.name);
        self.service_accounts.sort_by(|a, b| (&a.cluster, &a.namespace, &a.name).cmp(&(&b.cluster, &b.namespace, &b.name)));
        self.service_accounts.dedup_by(|a, b| a.cluster == b.cluster && a.namespace == b.namespace && a.name == b.name);
        self.workloads.sort_by(|a, b| (&a.cluster, &a.namespace, &a.kind, &a.name).cmp(&(&b.cluster, &b.namespace, &b.kind, &b.name)));
        self.workloads.dedup_by(|a, b| a.cluster == b.cluster && a.namespace == b.namespace && a.kind == b.kind && a.name == b.name);
        self.network_policies.sort_by(|a, b| (&a.cluster, &a.namespace, &a.name).cmp(&(&b.cluster, &b.namespace, &b.name)));
        self.network_policies.dedup_by(|a, b| a.cluster == b.cluster && a.namespace == b.namespace && a.name == b.name);
        self.config_objects.sort_by(|a, b| (&a.cluster, &a.namespace, &a.kind, &a.name).cmp(&(&b.cluster, &b.namespace, &b.kind, &b.name)));
        self.config_objects.dedup_by(|a, b| a.cluster == b.cluster && a.namespace == b.namespace && a.kind == b.kind && a.name == b.name);
    }

    /// Every cluster the objects belong to.
    pub fn clusters(&self) -> Vec<&ClusterRef> {
        let mut out: Vec<&ClusterRef> = self
            .namespaces
            .iter()
            .map(|n| &n.cluster)
            .chain(self.service_accounts.iter().map(|s| &s.cluster))
            .chain(self.workloads.iter().map(|w| &w.cluster))
            .chain(self.network_policies.iter().map(|p| &p.cluster))
            .chain(self.config_objects.iter().map(|o| &o.cluster))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Gives every object of `input` the linked cluster `name`.
    pub fn link(&mut self, input: &str, cluster: &CloudCluster) {
        // One shared record per cluster: every object of the input points at it.
        let cluster = std::sync::Arc::new(cluster.clone());
        let set = |c: &mut ClusterRef| {
            if c.input == input {
                c.linked = Some(std::sync::Arc::clone(&cluster));
            }
        };
        self.namespaces.iter_mut().for_each(|o| set(&mut o.cluster));
        self.service_accounts.iter_mut().for_each(|o| set(&mut o.cluster));
        self.workloads.iter_mut().for_each(|o| set(&mut o.cluster));
        self.network_policies.iter_mut().for_each(|o| set(&mut o.cluster));
        self.config_objects.iter_mut().for_each(|o| set(&mut o.cluster));
    }
}

/// `--cluster NAME=PATH`: objects read from PATH (or below it) belong to cluster NAME.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterLink {
    pub name: String,
    pub path: String,
}

impl std::str::FromStr for ClusterLink {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (name, path) = s.split_once('=').ok_or_else(|| format!("`{s}` is not NAME=PATH"))?;
        if name.is_empty() || path.is_empty() {
            return Err(format!("`{s}` is not NAME=PATH"));
        }
        Ok(ClusterLink { name: name.to_string(), path: path.trim_end_matches('/').trim_start_matches("./").to_string() })
    }
}
