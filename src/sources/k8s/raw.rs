//! The shapes of the Kubernetes fields the rules read, deserialized straight from JSON text.
//!
//! Only the fields named here are materialised; everything else (status, managedFields, images,
//! unrelated kinds' specs) is skipped by the parser. `spec` and `data` stay raw until the kind is
//! known, so an unrelated kind's unusual spec never fails a file.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_json::value::RawValue;

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawObject<'a> {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: RawMeta,
    #[serde(borrow)]
    pub spec: Option<&'a RawValue>,
    #[serde(borrow)]
    pub data: Option<&'a RawValue>,
    #[serde(borrow)]
    pub string_data: Option<&'a RawValue>,
    #[serde(borrow)]
    pub items: Option<Vec<RawObject<'a>>>,
}

impl RawObject<'_> {
    pub fn is_object(&self) -> bool {
        self.api_version.is_some() && self.kind.is_some()
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawMeta {
    #[serde(deserialize_with = "lenient_string")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub namespace: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub uid: Option<String>,
    #[serde(deserialize_with = "string_map")]
    pub labels: BTreeMap<String, String>,
    #[serde(deserialize_with = "string_map")]
    pub annotations: BTreeMap<String, String>,
    pub owner_references: Vec<RawOwner>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawOwner {
    pub kind: String,
    pub name: String,
    pub controller: Option<bool>,
}

/// Deployment, StatefulSet, DaemonSet, ReplicaSet, Job: `spec.template`; CronJob: `spec.jobTemplate`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawControllerSpec {
    pub template: Option<RawTemplate>,
    pub job_template: Option<RawJobTemplate>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawJobTemplate {
    pub spec: RawJobSpec,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawJobSpec {
    pub template: Option<RawTemplate>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawTemplate {
    pub metadata: RawMeta,
    pub spec: RawPodSpec,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawPodSpec {
    #[serde(deserialize_with = "lenient_string")]
    pub service_account_name: Option<String>,
    #[serde(deserialize_with = "lenient_string")]
    pub service_account: Option<String>,
    pub host_network: Option<bool>,
    pub containers: Vec<RawContainer>,
    pub init_containers: Vec<RawContainer>,
    pub ephemeral_containers: Vec<RawContainer>,
    pub volumes: Vec<RawVolume>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawContainer {
    pub name: String,
    pub env: Vec<RawEnv>,
    pub env_from: Vec<RawEnvFrom>,
    pub volume_mounts: Vec<RawMount>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawEnv {
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub value: Option<String>,
    pub value_from: Option<RawValueFrom>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawValueFrom {
    pub secret_key_ref: Option<RawKeyRef>,
    pub config_map_key_ref: Option<RawKeyRef>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawKeyRef {
    pub name: Option<String>,
    pub key: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawEnvFrom {
    pub secret_ref: Option<RawNameRef>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawNameRef {
    pub name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawMount {
    pub name: String,
    pub mount_path: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawVolume {
    pub name: String,
    pub secret: Option<RawSecretVolume>,
    pub projected: Option<RawProjected>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct RawSecretVolume {
    pub secret_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawProjected {
    pub sources: Vec<RawProjection>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RawProjection {
    pub secret: Option<RawNameRef>,
}

/// A scalar as text: manifests written by hand carry `value: 8080` where the API has `"8080"`.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(scalar_text(Option::<Value>::deserialize(d)?))
}

/// A map of scalars as text (labels, annotations); `null` is empty.
fn string_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map: Option<BTreeMap<String, Value>> = Option::deserialize(d)?;
    Ok(map.unwrap_or_default().into_iter().filter_map(|(k, v)| scalar_text(Some(v)).map(|v| (k, v))).collect())
}

pub fn scalar_text(value: Option<Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
