//! The snapshot's format, version 1: its own documented structs, so that a change to the internal
//! model cannot silently change what `wiscan collect` writes or what a later `scan` reads back.
//! Every struct mirrors one model record; conversions run both ways. Field names are the format:
//! renaming one is a new version.
//!
//! Google Cloud and Azure records were added to version 1 as optional sections (`gcp.rs`,
//! `azure.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::model::{aws, iam_policy, issuer::Issuer, k8s};

mod azure;
mod gcp;
use crate::provenance::Origin;
use azure::AzureV1;
use gcp::GcpV1;

/// Where a record was read: a file and line, or a live scope.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum OriginV1 {
    File {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    Live {
        scope: String,
    },
}

impl From<&Origin> for OriginV1 {
    fn from(o: &Origin) -> Self {
        match o {
            Origin::File { path, line } => OriginV1::File { path: path.to_string(), line: *line },
            Origin::Live { scope } => OriginV1::Live { scope: scope.to_string() },
        }
    }
}

impl From<OriginV1> for Origin {
    fn from(o: OriginV1) -> Self {
        match o {
            OriginV1::File { path, line } => Origin::File { path: Arc::from(path), line },
            OriginV1::Live { scope } => Origin::Live { scope: Arc::from(scope) },
        }
    }
}

/// The inventory: AWS, Kubernetes, Google Cloud and Azure records.
#[derive(Serialize, Deserialize, Default)]
pub struct InventoryV1 {
    #[serde(default)]
    pub aws: AwsV1,
    #[serde(default)]
    pub k8s: K8sV1,
    #[serde(default, skip_serializing_if = "GcpV1::is_empty")]
    pub gcp: GcpV1,
    #[serde(default, skip_serializing_if = "AzureV1::is_empty")]
    pub azure: AzureV1,
}

#[derive(Serialize, Deserialize, Default)]
pub struct AwsV1 {
    #[serde(default)]
    pub roles: Vec<RoleV1>,
    #[serde(default)]
    pub users: Vec<UserV1>,
    #[serde(default)]
    pub oidc_providers: Vec<OidcProviderV1>,
    #[serde(default)]
    pub clusters: Vec<EksClusterV1>,
    /// Names from `eks list-clusters`.
    #[serde(default)]
    pub listed_cluster_names: Vec<String>,
    #[serde(default)]
    pub pod_identity_associations: Vec<PodIdentityAssociationV1>,
    #[serde(default)]
    pub node_capacity: Vec<NodeCapacityV1>,
    #[serde(default)]
    pub trust_anchors: Vec<TrustAnchorV1>,
    #[serde(default)]
    pub key_last_used: Vec<KeyLastUsedV1>,
    /// Instance profile ARN → the role it holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instance_profiles: Vec<InstanceProfileV1>,
}

#[derive(Serialize, Deserialize)]
pub struct InstanceProfileV1 {
    pub arn: String,
    pub role_arn: String,
}

/// An IAM role; `trust` is its trust policy document as read, with secret-looking values redacted.
#[derive(Serialize, Deserialize)]
pub struct RoleV1 {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub path: String,
    pub trust: serde_json::Value,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct UserV1 {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub is_root: bool,
    #[serde(default)]
    pub keys: Vec<AccessKeyV1>,
    /// Whether the credential report listed the user (its keys are then complete).
    #[serde(default)]
    pub has_report: bool,
    pub origin: OriginV1,
}

/// Key metadata; `id` is redacted (`AKIA…WXYZ`), `slot` is the credential report's key number.
#[derive(Serialize, Deserialize)]
pub struct AccessKeyV1 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<u8>,
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Timestamp>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct OidcProviderV1 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ids: Option<Vec<String>>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct EksClusterV1 {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct PodIdentityAssociationV1 {
    pub cluster_name: String,
    pub namespace: String,
    pub service_account: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    pub association_arn: String,
    pub origin: OriginV1,
}

/// An EKS worker instance (`kind` = `instance`) or launch template version (`launch-template`).
#[derive(Serialize, Deserialize)]
pub struct NodeCapacityV1 {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub cluster_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub metadata: MetadataOptionsV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile: Option<String>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize, Default)]
pub struct MetadataOptionsV1 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_tokens: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hop_limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_endpoint: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct TrustAnchorV1 {
    pub arn: String,
    pub name: String,
    pub is_enabled: bool,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct KeyLastUsedV1 {
    pub user_name: String,
    pub last_used: Timestamp,
}

#[derive(Serialize, Deserialize, Default)]
pub struct K8sV1 {
    #[serde(default)]
    pub namespaces: Vec<NamespaceV1>,
    #[serde(default)]
    pub service_accounts: Vec<ServiceAccountV1>,
    #[serde(default)]
    pub workloads: Vec<WorkloadV1>,
    #[serde(default)]
    pub network_policies: Vec<NetworkPolicyV1>,
    /// Secrets and ConfigMaps: names and the (redacted) credentials found in them, never values.
    #[serde(default)]
    pub config_objects: Vec<ConfigObjectV1>,
}

/// The input a Kubernetes object was read from, and the cloud cluster it was linked to.
#[derive(Serialize, Deserialize)]
pub struct ClusterRefV1 {
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked: Option<CloudClusterV1>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "cloud", rename_all = "lowercase")]
pub enum CloudClusterV1 {
    Eks {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        arn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issuer: Option<String>,
    },
    Gke {
        project: String,
        location: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        workload_pool: Option<String>,
    },
    Aks {
        resource_id: String,
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issuer: Option<String>,
    },
    Named {
        name: String,
    },
}

#[derive(Serialize, Deserialize)]
pub struct NamespaceV1 {
    pub cluster: ClusterRefV1,
    pub name: String,
    pub origin: OriginV1,
}

/// A ServiceAccount and the cloud identities its annotations name.
#[derive(Serialize, Deserialize)]
pub struct ServiceAccountV1 {
    pub cluster: ClusterRefV1,
    pub namespace: String,
    pub name: String,
    pub identity: CloudIdentityV1,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize, Default)]
pub struct CloudIdentityV1 {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gcp_service_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure_client_id: Option<String>,
}

/// A Pod or a workload controller's pod template.
#[derive(Serialize, Deserialize)]
pub struct WorkloadV1 {
    pub cluster: ClusterRefV1,
    pub namespace: String,
    pub kind: String,
    pub name: String,
    pub service_account: String,
    #[serde(default)]
    pub host_network: bool,
    #[serde(default)]
    pub pod_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub containers: Vec<ContainerV1>,
    /// Volume name → Secret name.
    #[serde(default)]
    pub secret_volumes: BTreeMap<String, String>,
    /// The controlling owner, `Kind/name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct ContainerV1 {
    pub name: String,
    #[serde(default)]
    pub env: Vec<EnvVarV1>,
    #[serde(default)]
    pub env_from_secrets: Vec<String>,
    /// Volume name → mount path.
    #[serde(default)]
    pub mounts: BTreeMap<String, String>,
}

#[derive(Serialize, Deserialize)]
pub struct EnvVarV1 {
    pub name: String,
    pub source: EnvSourceV1,
}

/// Where an environment variable's value comes from; a literal keeps only what was found in it.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EnvSourceV1 {
    Literal {
        #[serde(default)]
        is_empty: bool,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        credentials: Vec<StaticCredentialV1>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// A static credential found in cluster data: identifying metadata only, redacted.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StaticCredentialV1 {
    AwsAccessKey { key_id: String, has_secret_key: bool },
    GcpServiceAccountKey { client_email: String, private_key_id: String },
    AzureClientSecret { setting: String },
}

#[derive(Serialize, Deserialize)]
pub struct ConfigObjectV1 {
    pub cluster: ClusterRefV1,
    pub namespace: String,
    pub kind: String,
    pub name: String,
    /// (`data.KEY` or `stringData.KEY`, what was found there).
    #[serde(default)]
    pub credentials: Vec<(String, StaticCredentialV1)>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct NetworkPolicyV1 {
    pub cluster: ClusterRefV1,
    pub namespace: String,
    pub name: String,
    pub pod_selector: LabelSelectorV1,
    pub restricts_egress: bool,
    pub allows_imds: bool,
    #[serde(default)]
    pub denies_imds: bool,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize, Default)]
pub struct LabelSelectorV1 {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
    #[serde(default)]
    pub match_expressions: Vec<LabelExpressionV1>,
}

#[derive(Serialize, Deserialize)]
pub struct LabelExpressionV1 {
    pub key: String,
    pub operator: String,
    #[serde(default)]
    pub values: Vec<String>,
}

// ---- model → v1 ----

impl From<&crate::model::Inventory> for InventoryV1 {
    fn from(inv: &crate::model::Inventory) -> Self {
        let a = &inv.aws;
        let k = &inv.k8s;
        InventoryV1 {
            aws: AwsV1 {
                roles: a
                    .roles
                    .iter()
                    .map(|r| RoleV1 {
                        arn: r.arn.clone(),
                        name: r.name.clone(),
                        path: r.path.clone(),
                        trust: redacted(r.trust.raw()),
                        origin: (&r.origin).into(),
                    })
                    .collect(),
                users: a
                    .users
                    .iter()
                    .map(|u| UserV1 {
                        arn: u.arn.clone(),
                        name: u.name.clone(),
                        is_root: u.is_root,
                        keys: u.keys.iter().map(key_v1).collect(),
                        has_report: u.has_report,
                        origin: (&u.origin).into(),
                    })
                    .collect(),
                oidc_providers: a
                    .oidc_providers
                    .iter()
                    .map(|p| OidcProviderV1 {
                        arn: p.arn.clone(),
                        issuer: p.issuer.to_string(),
                        client_ids: p.client_ids.clone(),
                        origin: (&p.origin).into(),
                    })
                    .collect(),
                clusters: a
                    .clusters
                    .iter()
                    .map(|c| EksClusterV1 {
                        name: c.name.clone(),
                        arn: c.arn.clone(),
                        issuer: c.issuer.as_ref().map(Issuer::to_string),
                        origin: (&c.origin).into(),
                    })
                    .collect(),
                listed_cluster_names: a.listed_cluster_names.clone(),
                pod_identity_associations: a
                    .pod_identity_associations
                    .iter()
                    .map(|p| PodIdentityAssociationV1 {
                        cluster_name: p.cluster_name.clone(),
                        namespace: p.namespace.clone(),
                        service_account: p.service_account.clone(),
                        role_arn: p.role_arn.clone(),
                        association_arn: p.association_arn.clone(),
                        origin: (&p.origin).into(),
                    })
                    .collect(),
                node_capacity: a
                    .node_capacity
                    .iter()
                    .map(|n| NodeCapacityV1 {
                        kind: match n.kind {
                            aws::CapacityKind::Instance => "instance".into(),
                            aws::CapacityKind::LaunchTemplate => "launch-template".into(),
                        },
                        id: n.id.clone(),
                        name: n.name.clone(),
                        cluster_name: n.cluster_name.clone(),
                        account_id: n.account_id.clone(),
                        region: n.region.clone(),
                        metadata: MetadataOptionsV1 {
                            http_tokens: n.metadata.http_tokens.clone(),
                            hop_limit: n.metadata.hop_limit,
                            http_endpoint: n.metadata.http_endpoint.clone(),
                        },
                        instance_profile: n.instance_profile.clone(),
                        origin: (&n.origin).into(),
                    })
                    .collect(),
                trust_anchors: a
                    .trust_anchors
                    .iter()
                    .map(|t| TrustAnchorV1 {
                        arn: t.arn.clone(),
                        name: t.name.clone(),
                        is_enabled: t.is_enabled,
                        origin: (&t.origin).into(),
                    })
                    .collect(),
                key_last_used: a
                    .key_last_used
                    .iter()
                    .map(|k| KeyLastUsedV1 { user_name: k.user_name.clone(), last_used: k.last_used })
                    .collect(),
                instance_profiles: a
                    .instance_profiles
                    .iter()
                    .map(|p| InstanceProfileV1 { arn: p.arn.clone(), role_arn: p.role_arn.clone() })
                    .collect(),
            },
            k8s: K8sV1 {
                namespaces: k
                    .namespaces
                    .iter()
                    .map(|n| NamespaceV1 { cluster: cluster_v1(&n.cluster), name: n.name.clone(), origin: (&n.origin).into() })
                    .collect(),
                service_accounts: k
                    .service_accounts
                    .iter()
                    .map(|s| ServiceAccountV1 {
                        cluster: cluster_v1(&s.cluster),
                        namespace: s.namespace.clone(),
                        name: s.name.clone(),
                        identity: CloudIdentityV1 {
                            aws_role_arn: s.identity.aws_role_arn.clone(),
                            gcp_service_account: s.identity.gcp_service_account.clone(),
                            azure_client_id: s.identity.azure_client_id.clone(),
                        },
                        origin: (&s.origin).into(),
                    })
                    .collect(),
                workloads: k
                    .workloads
                    .iter()
                    .map(|w| WorkloadV1 {
                        cluster: cluster_v1(&w.cluster),
                        namespace: w.namespace.clone(),
                        kind: w.kind.clone(),
                        name: w.name.clone(),
                        service_account: w.service_account.clone(),
                        host_network: w.host_network,
                        pod_labels: w.pod_labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
                        containers: w
                            .containers
                            .iter()
                            .map(|c| ContainerV1 {
                                name: c.name.clone(),
                                env: c.env.iter().map(|e| EnvVarV1 { name: e.name.clone(), source: env_source_v1(&e.source) }).collect(),
                                env_from_secrets: c.env_from_secrets.clone(),
                                mounts: c.mounts.clone(),
                            })
                            .collect(),
                        secret_volumes: w.secret_volumes.clone(),
                        owner: w.owner.clone(),
                        origin: (&w.origin).into(),
                    })
                    .collect(),
                network_policies: k
                    .network_policies
                    .iter()
                    .map(|p| NetworkPolicyV1 {
                        cluster: cluster_v1(&p.cluster),
                        namespace: p.namespace.clone(),
                        name: p.name.clone(),
                        pod_selector: LabelSelectorV1 {
                            match_labels: p.pod_selector.match_labels.clone(),
                            match_expressions: p
                                .pod_selector
                                .match_expressions
                                .iter()
                                .map(|e| LabelExpressionV1 { key: e.key.clone(), operator: e.operator.clone(), values: e.values.clone() })
                                .collect(),
                        },
                        restricts_egress: p.restricts_egress,
                        allows_imds: p.allows_imds,
                        denies_imds: p.denies_imds,
                        origin: (&p.origin).into(),
                    })
                    .collect(),
                config_objects: k
                    .config_objects
                    .iter()
                    .map(|o| ConfigObjectV1 {
                        cluster: cluster_v1(&o.cluster),
                        namespace: o.namespace.clone(),
                        kind: o.kind.clone(),
                        name: o.name.clone(),
                        credentials: o.credentials.iter().map(|(at, c)| (at.clone(), credential_v1(c))).collect(),
                        origin: (&o.origin).into(),
                    })
                    .collect(),
            },
            gcp: (&inv.gcp).into(),
            azure: (&inv.azure).into(),
        }
    }
}

/// Condition values can hold anything a user typed; they leave memory only redacted.
fn redacted(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::String(text) => Value::String(crate::redact::redact_text(text)),
        Value::Array(items) => Value::Array(items.iter().map(redacted).collect()),
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (crate::redact::redact_text(k), redacted(v))).collect()),
        other => other.clone(),
    }
}

fn key_v1(k: &aws::AccessKey) -> AccessKeyV1 {
    AccessKeyV1 {
        id: k.id.clone(),
        slot: k.slot,
        is_active: k.is_active,
        created: k.created,
        last_used: k.last_used,
        origin: (&k.origin).into(),
    }
}

fn cluster_v1(c: &k8s::ClusterRef) -> ClusterRefV1 {
    let linked = c.linked.as_deref().map(|l| match l {
        k8s::CloudCluster::Eks { name, arn, issuer } => {
            CloudClusterV1::Eks { name: name.clone(), arn: arn.clone(), issuer: issuer.clone() }
        }
        k8s::CloudCluster::Gke { project, location, name, workload_pool } => CloudClusterV1::Gke {
            project: project.clone(),
            location: location.clone(),
            name: name.clone(),
            workload_pool: workload_pool.clone(),
        },
        k8s::CloudCluster::Aks { resource_id, name, issuer } => {
            CloudClusterV1::Aks { resource_id: resource_id.clone(), name: name.clone(), issuer: issuer.clone() }
        }
        k8s::CloudCluster::Named { name } => CloudClusterV1::Named { name: name.clone() },
    });
    ClusterRefV1 { input: c.input.clone(), linked }
}

fn env_source_v1(s: &k8s::EnvSource) -> EnvSourceV1 {
    match s {
        k8s::EnvSource::Literal { is_empty, credentials, file_path } => EnvSourceV1::Literal {
            is_empty: *is_empty,
            credentials: credentials.iter().map(credential_v1).collect(),
            file_path: file_path.clone(),
        },
        k8s::EnvSource::SecretKey { secret, key } => EnvSourceV1::SecretKey { secret: secret.clone(), key: key.clone() },
        k8s::EnvSource::ConfigMapKey { config_map, key } => EnvSourceV1::ConfigMapKey { config_map: config_map.clone(), key: key.clone() },
        k8s::EnvSource::Other => EnvSourceV1::Other,
    }
}

fn credential_v1(c: &k8s::StaticCredential) -> StaticCredentialV1 {
    match c {
        k8s::StaticCredential::AwsAccessKey { key_id, has_secret_key } => {
            StaticCredentialV1::AwsAccessKey { key_id: key_id.clone(), has_secret_key: *has_secret_key }
        }
        k8s::StaticCredential::GcpServiceAccountKey { client_email, private_key_id } => {
            StaticCredentialV1::GcpServiceAccountKey { client_email: client_email.clone(), private_key_id: private_key_id.clone() }
        }
        k8s::StaticCredential::AzureClientSecret { setting } => StaticCredentialV1::AzureClientSecret { setting: setting.clone() },
    }
}

// ---- v1 → model ----

impl InventoryV1 {
    /// The model records; a trust document that no longer parses is an error naming the role.
    pub fn into_inventory(self) -> Result<crate::model::Inventory, String> {
        let mut inv = crate::model::Inventory::default();
        let a = self.aws;
        for r in a.roles {
            let trust = iam_policy::TrustPolicy::from_value(r.trust).map_err(|e| format!("trust policy of role {}: {e}", r.arn))?;
            inv.aws.roles.push(aws::Role { arn: r.arn, name: r.name, path: r.path, trust, origin: r.origin.into() });
        }
        inv.aws.users = a
            .users
            .into_iter()
            .map(|u| aws::IamUser {
                arn: u.arn,
                name: u.name,
                is_root: u.is_root,
                keys: u.keys.into_iter().map(key_model).collect(),
                has_report: u.has_report,
                origin: u.origin.into(),
            })
            .collect();
        inv.aws.oidc_providers = a
            .oidc_providers
            .into_iter()
            .map(|p| aws::OidcProvider { arn: p.arn, issuer: Issuer::parse(&p.issuer), client_ids: p.client_ids, origin: p.origin.into() })
            .collect();
        inv.aws.clusters = a
            .clusters
            .into_iter()
            .map(|c| aws::EksCluster { name: c.name, arn: c.arn, issuer: c.issuer.as_deref().map(Issuer::parse), origin: c.origin.into() })
            .collect();
        inv.aws.listed_cluster_names = a.listed_cluster_names;
        inv.aws.pod_identity_associations = a
            .pod_identity_associations
            .into_iter()
            .map(|p| aws::PodIdentityAssociation {
                cluster_name: p.cluster_name,
                namespace: p.namespace,
                service_account: p.service_account,
                role_arn: p.role_arn,
                association_arn: p.association_arn,
                origin: p.origin.into(),
            })
            .collect();
        let mut capacity = Vec::with_capacity(a.node_capacity.len());
        for n in a.node_capacity {
            let kind = match n.kind.as_str() {
                "instance" => aws::CapacityKind::Instance,
                "launch-template" => aws::CapacityKind::LaunchTemplate,
                other => return Err(format!("node capacity {}: unknown kind `{other}`", n.id)),
            };
            let metadata = aws::MetadataOptions {
                http_tokens: n.metadata.http_tokens,
                hop_limit: n.metadata.hop_limit,
                http_endpoint: n.metadata.http_endpoint,
            };
            capacity.push(aws::NodeCapacity {
                kind,
                id: n.id,
                name: n.name,
                cluster_name: n.cluster_name,
                account_id: n.account_id,
                region: n.region,
                metadata,
                instance_profile: n.instance_profile,
                origin: n.origin.into(),
            });
        }
        inv.aws.node_capacity = capacity;
        inv.aws.trust_anchors = a
            .trust_anchors
            .into_iter()
            .map(|t| aws::TrustAnchor { arn: t.arn, name: t.name, is_enabled: t.is_enabled, origin: t.origin.into() })
            .collect();
        inv.aws.key_last_used =
            a.key_last_used.into_iter().map(|k| aws::KeyLastUsed { user_name: k.user_name, last_used: k.last_used }).collect();
        inv.aws.instance_profiles =
            a.instance_profiles.into_iter().map(|p| aws::InstanceProfile { arn: p.arn, role_arn: p.role_arn }).collect();
        let k = self.k8s;
        inv.k8s.namespaces = k
            .namespaces
            .into_iter()
            .map(|n| k8s::Namespace { cluster: cluster_model(n.cluster), name: n.name, origin: n.origin.into() })
            .collect();
        inv.k8s.service_accounts = k
            .service_accounts
            .into_iter()
            .map(|s| k8s::ServiceAccount {
                cluster: cluster_model(s.cluster),
                namespace: s.namespace,
                name: s.name,
                identity: k8s::CloudIdentity {
                    aws_role_arn: s.identity.aws_role_arn,
                    gcp_service_account: s.identity.gcp_service_account,
                    azure_client_id: s.identity.azure_client_id,
                },
                origin: s.origin.into(),
            })
            .collect();
        inv.k8s.workloads = k
            .workloads
            .into_iter()
            .map(|w| k8s::Workload {
                cluster: cluster_model(w.cluster),
                namespace: w.namespace,
                kind: w.kind,
                name: w.name,
                service_account: w.service_account,
                host_network: w.host_network,
                pod_labels: w.pod_labels.into(),
                containers: w
                    .containers
                    .into_iter()
                    .map(|c| k8s::Container {
                        name: c.name,
                        env: c.env.into_iter().map(|e| k8s::EnvVar { name: e.name, source: env_source_model(e.source) }).collect(),
                        env_from_secrets: c.env_from_secrets,
                        mounts: c.mounts,
                    })
                    .collect(),
                secret_volumes: w.secret_volumes,
                owner: w.owner,
                origin: w.origin.into(),
            })
            .collect();
        inv.k8s.network_policies = k
            .network_policies
            .into_iter()
            .map(|p| k8s::NetworkPolicy {
                cluster: cluster_model(p.cluster),
                namespace: p.namespace,
                name: p.name,
                pod_selector: k8s::LabelSelector {
                    match_labels: p.pod_selector.match_labels,
                    match_expressions: p
                        .pod_selector
                        .match_expressions
                        .into_iter()
                        .map(|e| k8s::LabelExpression { key: e.key, operator: e.operator, values: e.values })
                        .collect(),
                },
                restricts_egress: p.restricts_egress,
                allows_imds: p.allows_imds,
                denies_imds: p.denies_imds,
                origin: p.origin.into(),
            })
            .collect();
        inv.k8s.config_objects = k
            .config_objects
            .into_iter()
            .map(|o| k8s::ConfigObject {
                cluster: cluster_model(o.cluster),
                namespace: o.namespace,
                kind: o.kind,
                name: o.name,
                credentials: o.credentials.into_iter().map(|(at, c)| (at, credential_model(c))).collect(),
                origin: o.origin.into(),
            })
            .collect();
        inv.gcp = self.gcp.into();
        inv.azure = self.azure.into();
        Ok(inv)
    }
}

fn key_model(k: AccessKeyV1) -> aws::AccessKey {
    aws::AccessKey { id: k.id, slot: k.slot, is_active: k.is_active, created: k.created, last_used: k.last_used, origin: k.origin.into() }
}

fn cluster_model(c: ClusterRefV1) -> k8s::ClusterRef {
    let linked = c.linked.map(|l| {
        Arc::new(match l {
            CloudClusterV1::Eks { name, arn, issuer } => k8s::CloudCluster::Eks { name, arn, issuer },
            CloudClusterV1::Gke { project, location, name, workload_pool } => {
                k8s::CloudCluster::Gke { project, location, name, workload_pool }
            }
            CloudClusterV1::Aks { resource_id, name, issuer } => k8s::CloudCluster::Aks { resource_id, name, issuer },
            CloudClusterV1::Named { name } => k8s::CloudCluster::Named { name },
        })
    });
    k8s::ClusterRef { input: c.input, linked }
}

fn env_source_model(s: EnvSourceV1) -> k8s::EnvSource {
    match s {
        EnvSourceV1::Literal { is_empty, credentials, file_path } => {
            k8s::EnvSource::Literal { is_empty, credentials: credentials.into_iter().map(credential_model).collect(), file_path }
        }
        EnvSourceV1::SecretKey { secret, key } => k8s::EnvSource::SecretKey { secret, key },
        EnvSourceV1::ConfigMapKey { config_map, key } => k8s::EnvSource::ConfigMapKey { config_map, key },
        EnvSourceV1::Other => k8s::EnvSource::Other,
    }
}

fn credential_model(c: StaticCredentialV1) -> k8s::StaticCredential {
    match c {
        StaticCredentialV1::AwsAccessKey { key_id, has_secret_key } => k8s::StaticCredential::AwsAccessKey { key_id, has_secret_key },
        StaticCredentialV1::GcpServiceAccountKey { client_email, private_key_id } => {
            k8s::StaticCredential::GcpServiceAccountKey { client_email, private_key_id }
        }
        StaticCredentialV1::AzureClientSecret { setting } => k8s::StaticCredential::AzureClientSecret { setting },
    }
}
