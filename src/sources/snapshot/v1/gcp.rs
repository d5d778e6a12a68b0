//! The Google Cloud records of snapshot version 1 (added in 0.2.0: snapshots without a `gcp`
//! section read as before). Same rules as the rest of the format: own structs, field names are
//! the contract, conversions both ways. Key material is never part of the model, so never here.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::OriginV1;
use crate::model::gcp;

#[derive(Serialize, Deserialize, Default)]
pub struct GcpV1 {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_accounts: Vec<ServiceAccountV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<ServiceAccountKeyV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<PoolV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<ProviderV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bindings: Vec<BindingV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<GkeClusterV1>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_pools: Vec<NodePoolV1>,
}

impl GcpV1 {
    pub fn is_empty(&self) -> bool {
        self.service_accounts.is_empty()
            && self.keys.is_empty()
            && self.pools.is_empty()
            && self.providers.is_empty()
            && self.bindings.is_empty()
            && self.clusters.is_empty()
            && self.node_pools.is_empty()
    }
}

#[derive(Serialize, Deserialize)]
pub struct ServiceAccountV1 {
    pub name: String,
    pub email: String,
    pub project_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_id: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct ServiceAccountKeyV1 {
    pub name: String,
    pub key_id: String,
    pub service_account: String,
    pub key_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_origin: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_after: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_before: Option<Timestamp>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct PoolV1 {
    pub name: String,
    #[serde(default)]
    pub disabled: bool,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ProviderKindV1 {
    Oidc {
        issuer_uri: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        allowed_audiences: Vec<String>,
    },
    Aws {
        account_id: String,
    },
    Saml,
    Other,
}

#[derive(Serialize, Deserialize)]
pub struct ProviderV1 {
    pub name: String,
    pub kind: ProviderKindV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_condition: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attribute_mapping: BTreeMap<String, String>,
    #[serde(default)]
    pub disabled: bool,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct BindingV1 {
    pub resource: String,
    pub role: String,
    pub member: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition_expression: Option<String>,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct GkeClusterV1 {
    pub project: String,
    pub location: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_pool: Option<String>,
    #[serde(default)]
    pub autopilot: bool,
    pub origin: OriginV1,
}

#[derive(Serialize, Deserialize)]
pub struct NodePoolV1 {
    /// `projects/P/locations/L/clusters/C`.
    pub cluster: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload_metadata_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_endpoints_disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    pub origin: OriginV1,
}

impl From<&gcp::GcpInventory> for GcpV1 {
    fn from(g: &gcp::GcpInventory) -> Self {
        GcpV1 {
            service_accounts: g
                .service_accounts
                .iter()
                .map(|s| ServiceAccountV1 {
                    name: s.name.clone(),
                    email: s.email.clone(),
                    project_id: s.project_id.clone(),
                    unique_id: s.unique_id.clone(),
                    disabled: s.is_disabled,
                    origin: (&s.origin).into(),
                })
                .collect(),
            keys: g
                .keys
                .iter()
                .map(|k| ServiceAccountKeyV1 {
                    name: k.name.clone(),
                    key_id: k.key_id.clone(),
                    service_account: k.service_account.clone(),
                    key_type: k.key_type.clone(),
                    key_origin: k.key_origin.clone(),
                    disabled: k.is_disabled,
                    valid_after: k.valid_after,
                    valid_before: k.valid_before,
                    origin: (&k.origin).into(),
                })
                .collect(),
            pools: g.pools.iter().map(|p| PoolV1 { name: p.name.clone(), disabled: p.is_disabled, origin: (&p.origin).into() }).collect(),
            providers: g
                .providers
                .iter()
                .map(|p| ProviderV1 {
                    name: p.name.clone(),
                    kind: match &p.kind {
                        gcp::ProviderKind::Oidc { issuer_uri, allowed_audiences } => {
                            ProviderKindV1::Oidc { issuer_uri: issuer_uri.clone(), allowed_audiences: allowed_audiences.clone() }
                        }
                        gcp::ProviderKind::Aws { account_id } => ProviderKindV1::Aws { account_id: account_id.clone() },
                        gcp::ProviderKind::Saml => ProviderKindV1::Saml,
                        gcp::ProviderKind::Other => ProviderKindV1::Other,
                    },
                    attribute_condition: p.attribute_condition.clone(),
                    attribute_mapping: p.attribute_mapping.clone(),
                    disabled: p.is_disabled,
                    origin: (&p.origin).into(),
                })
                .collect(),
            bindings: g
                .bindings
                .iter()
                .map(|b| BindingV1 {
                    resource: b.resource.clone(),
                    role: b.role.clone(),
                    member: b.member.clone(),
                    condition_title: b.condition.as_ref().and_then(|c| c.title.clone()),
                    condition_expression: b.condition.as_ref().map(|c| c.expression.clone()),
                    origin: (&b.origin).into(),
                })
                .collect(),
            clusters: g
                .clusters
                .iter()
                .map(|c| GkeClusterV1 {
                    project: c.project.clone(),
                    location: c.location.clone(),
                    name: c.name.clone(),
                    workload_pool: c.workload_pool.clone(),
                    autopilot: c.is_autopilot,
                    origin: (&c.origin).into(),
                })
                .collect(),
            node_pools: g
                .node_pools
                .iter()
                .map(|n| NodePoolV1 {
                    cluster: n.cluster.clone(),
                    name: n.name.clone(),
                    workload_metadata_mode: n.workload_metadata_mode.clone(),
                    service_account: n.service_account.clone(),
                    legacy_endpoints_disabled: n.legacy_endpoints_disabled,
                    origin: (&n.origin).into(),
                })
                .collect(),
        }
    }
}

impl From<GcpV1> for gcp::GcpInventory {
    fn from(g: GcpV1) -> Self {
        gcp::GcpInventory {
            service_accounts: g
                .service_accounts
                .into_iter()
                .map(|s| gcp::GcpServiceAccount {
                    name: s.name,
                    email: s.email,
                    project_id: s.project_id,
                    unique_id: s.unique_id,
                    is_disabled: s.disabled,
                    origin: s.origin.into(),
                })
                .collect(),
            keys: g
                .keys
                .into_iter()
                .map(|k| gcp::GcpServiceAccountKey {
                    name: k.name,
                    key_id: k.key_id,
                    service_account: k.service_account,
                    key_type: k.key_type,
                    key_origin: k.key_origin,
                    is_disabled: k.disabled,
                    valid_after: k.valid_after,
                    valid_before: k.valid_before,
                    origin: k.origin.into(),
                })
                .collect(),
            pools: g
                .pools
                .into_iter()
                .map(|p| gcp::WorkloadIdentityPool { name: p.name, is_disabled: p.disabled, origin: p.origin.into() })
                .collect(),
            providers: g
                .providers
                .into_iter()
                .map(|p| gcp::WorkloadIdentityProvider {
                    name: p.name,
                    kind: match p.kind {
                        ProviderKindV1::Oidc { issuer_uri, allowed_audiences } => gcp::ProviderKind::Oidc { issuer_uri, allowed_audiences },
                        ProviderKindV1::Aws { account_id } => gcp::ProviderKind::Aws { account_id },
                        ProviderKindV1::Saml => gcp::ProviderKind::Saml,
                        ProviderKindV1::Other => gcp::ProviderKind::Other,
                    },
                    attribute_condition: p.attribute_condition,
                    attribute_mapping: p.attribute_mapping,
                    is_disabled: p.disabled,
                    origin: p.origin.into(),
                })
                .collect(),
            bindings: g
                .bindings
                .into_iter()
                .map(|b| gcp::IamBinding {
                    resource: b.resource,
                    role: b.role,
                    member: b.member,
                    condition: b.condition_expression.map(|expression| gcp::BindingCondition { title: b.condition_title, expression }),
                    origin: b.origin.into(),
                })
                .collect(),
            clusters: g
                .clusters
                .into_iter()
                .map(|c| gcp::GkeCluster {
                    project: c.project,
                    location: c.location,
                    name: c.name,
                    workload_pool: c.workload_pool,
                    is_autopilot: c.autopilot,
                    origin: c.origin.into(),
                })
                .collect(),
            node_pools: g
                .node_pools
                .into_iter()
                .map(|n| gcp::GkeNodePool {
                    cluster: n.cluster,
                    name: n.name,
                    workload_metadata_mode: n.workload_metadata_mode,
                    service_account: n.service_account,
                    legacy_endpoints_disabled: n.legacy_endpoints_disabled,
                    origin: n.origin.into(),
                })
                .collect(),
        }
    }
}
