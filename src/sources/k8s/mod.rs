//! Kubernetes objects from `kubectl get -o json|yaml` (Lists or single objects) and multi-document
//! manifests (`helm template`), for the kinds the rules read. Other kinds are passed over.
//!
//! JSON is deserialized straight into the few fields the rules need ([`raw`]); YAML and live
//! objects take the same path, so every source reads objects identically. Secret and ConfigMap
//! values are decoded and scanned here, then dropped: only what was found in them (redacted)
//! enters the inventory.

mod network;
mod raw;

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use serde_json::Value;

use super::credentials;
use super::{LineIndex, Recognised, SourceError};
use crate::finding::Provider;
use crate::model::k8s::{
    AZURE_CLIENT_ID_ANNOTATION, CloudIdentity, ClusterRef, ConfigObject, Container, EnvSource, EnvVar, GKE_ANNOTATION, IRSA_ANNOTATION,
    K8sInventory, Namespace, ServiceAccount, StaticCredential, Workload,
};
use crate::model::{Inventory, Origin};
use raw::{RawContainer, RawControllerSpec, RawObject, RawPodSpec};

/// Reads a JSON document (a List, an array or a single object); `Unrecognised` when it holds no
/// Kubernetes object.
pub fn read_json(path: &Arc<str>, cluster_input: &str, text: &str) -> Result<Recognised, SourceError> {
    let top: Vec<RawObject<'_>> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))?
    } else {
        vec![serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))?]
    };
    let mut objects = Vec::new();
    for object in top {
        match object.items {
            Some(items) if object.kind.as_deref().is_some_and(|k| k.ends_with("List")) => objects.extend(items),
            _ => objects.push(object),
        }
    }
    objects.retain(RawObject::is_object);
    let mut lines = LineIndex::new(text);
    let located = objects.into_iter().map(|o| {
        let line = o
            .metadata
            .uid
            .as_deref()
            .and_then(|u| lines.find_string(u))
            .or_else(|| o.metadata.name.as_deref().and_then(|n| lines.find_string(n)));
        (o, Origin::file(path, line))
    });
    read_all(cluster_input, located.collect())
}

/// The kinds the rules read; other kinds are passed over (and, in YAML, never built).
pub const READ_KINDS: [&str; 14] = [
    "Namespace",
    "ServiceAccount",
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "ReplicationController",
    "Secret",
    "ConfigMap",
    "NetworkPolicy",
    "CiliumNetworkPolicy",
];

pub fn is_read_kind(kind: &str) -> bool {
    READ_KINDS.contains(&kind)
}

/// Reads objects given as JSON values (from YAML, or from the live API) with their origins.
pub fn read_values(cluster_input: &str, objects: Vec<(Value, Origin)>) -> Result<Recognised, SourceError> {
    let mut reader = ValueReader::new(cluster_input);
    for (value, origin) in objects {
        reader.read(&value, origin)?;
    }
    Ok(reader.finish(0))
}

/// Reads objects one at a time into one inventory, so a stream of documents is never held whole.
pub struct ValueReader {
    cluster: ClusterRef,
    k8s: K8sInventory,
    seen: usize,
}

impl ValueReader {
    pub fn new(cluster_input: &str) -> Self {
        Self { cluster: ClusterRef::unlinked(cluster_input), k8s: K8sInventory::default(), seen: 0 }
    }

    /// Reads one object through the same typed path as JSON text.
    pub fn read(&mut self, value: &Value, origin: Origin) -> Result<(), SourceError> {
        let text = value.to_string();
        let line = line_of(&origin);
        let object: RawObject<'_> =
            serde_json::from_str(&text).map_err(|e| SourceError { line, column: None, message: super::elide_quoted(&e.to_string()) })?;
        self.seen += 1;
        read_object(&mut self.k8s, &self.cluster, object, origin).map_err(|message| SourceError { line, column: None, message })
    }

    /// What was read, whatever it was.
    pub fn into_inventory(self) -> K8sInventory {
        self.k8s
    }

    /// The inventory; `skipped` objects were seen but not read (kinds the rules do not read).
    pub fn finish(self, skipped: usize) -> Recognised {
        if self.seen + skipped == 0 {
            return Recognised::Unrecognised;
        }
        Recognised::Inventory {
            inventory: Inventory { k8s: self.k8s, ..Default::default() },
            kind: "kubernetes objects".into(),
            provider: Provider::K8s,
        }
    }
}

fn line_of(origin: &Origin) -> Option<usize> {
    match origin {
        Origin::File { line, .. } => line.map(|l| l as usize),
        Origin::Live { .. } => None,
    }
}

fn read_all(cluster_input: &str, objects: Vec<(RawObject<'_>, Origin)>) -> Result<Recognised, SourceError> {
    if objects.is_empty() {
        return Ok(Recognised::Unrecognised);
    }
    let cluster = ClusterRef::unlinked(cluster_input);
    let mut k8s = K8sInventory::default();
    for (object, origin) in objects {
        let line = line_of(&origin);
        read_object(&mut k8s, &cluster, object, origin).map_err(|message| SourceError { line, column: None, message })?;
    }
    Ok(Recognised::Inventory {
        inventory: Inventory { k8s, ..Default::default() },
        kind: "kubernetes objects".into(),
        provider: Provider::K8s,
    })
}

/// Adds one object to `k8s`; kinds the rules do not read are passed over.
fn read_object(k8s: &mut K8sInventory, cluster: &ClusterRef, object: RawObject<'_>, origin: Origin) -> Result<(), String> {
    let kind = object.kind.as_deref().unwrap_or_default();
    let meta = object.metadata;
    let name = meta.name.unwrap_or_default();
    let namespace = meta.namespace.unwrap_or_else(|| "default".to_string());
    let cluster = cluster.clone();
    let spec_text = object.spec.map_or("{}", |s| s.get());
    let parse_error = |e: serde_json::Error| format!("{kind} {namespace}/{name}: spec: {}", super::elide_quoted(&e.to_string()));
    match kind {
        "Namespace" => k8s.namespaces.push(Namespace { cluster, name, origin }),
        "ServiceAccount" => {
            let annotation = |key: &str| meta.annotations.get(key).filter(|v| !v.is_empty()).cloned();
            let identity = CloudIdentity {
                aws_role_arn: annotation(IRSA_ANNOTATION),
                gcp_service_account: annotation(GKE_ANNOTATION),
                azure_client_id: annotation(AZURE_CLIENT_ID_ANNOTATION),
            };
            k8s.service_accounts.push(ServiceAccount { cluster, namespace, name, identity, origin });
        }
        "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob" | "ReplicationController" => {
            let (labels, pod_spec) = if kind == "Pod" {
                (meta.labels, serde_json::from_str::<RawPodSpec>(spec_text).map_err(parse_error)?)
            } else {
                let spec: RawControllerSpec = serde_json::from_str(spec_text).map_err(parse_error)?;
                let template = if kind == "CronJob" { spec.job_template.and_then(|j| j.spec.template) } else { spec.template };
                let template = template.unwrap_or_default();
                (template.metadata.labels, template.spec)
            };
            let owner = meta.owner_references.iter().find(|r| r.controller == Some(true)).map(|r| format!("{}/{}", r.kind, r.name));
            k8s.workloads.push(workload(cluster, namespace, kind, name, labels, pod_spec, owner, origin));
        }
        "Secret" | "ConfigMap" => {
            let mut values: Vec<(String, String)> = Vec::new();
            for (field, raw) in [("data", object.data), ("stringData", object.string_data)] {
                let Some(raw) = raw else { continue };
                // A `data` that is not a map of strings cannot be scanned; read as empty, it would
                // pass as clean.
                let map: Option<BTreeMap<String, Value>> = serde_json::from_str(raw.get())
                    .map_err(|_| format!("{kind} {namespace}/{name}: {field} is not a map of keys to values"))?;
                for (key, v) in map.unwrap_or_default() {
                    if v.is_null() {
                        continue;
                    }
                    let Some(text) = raw::scalar_text(Some(v)) else {
                        return Err(format!("{kind} {namespace}/{name}: {field}.{key} is not a string"));
                    };
                    let text = if kind == "Secret" && field == "data" {
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(text.trim())
                            .map_err(|_| format!("Secret {namespace}/{name}: data.{key} is not base64"))?;
                        String::from_utf8_lossy(&bytes).into_owned()
                    } else {
                        text
                    };
                    values.push((format!("{field}.{key}"), text));
                }
            }
            // A secret key in one entry and the key ID in another still make a pair.
            let object_has_secret_key = values.iter().any(|(_, v)| contains_secret_key(v));
            let mut found = Vec::new();
            for (path, text) in &values {
                let key = path.split_once('.').map_or(path.as_str(), |(_, k)| k);
                for mut credential in credentials::scan(key, text) {
                    if let StaticCredential::AwsAccessKey { has_secret_key, .. } = &mut credential {
                        *has_secret_key |= object_has_secret_key;
                    }
                    found.push((path.clone(), credential));
                }
            }
            k8s.config_objects.push(ConfigObject { cluster, namespace, kind: kind.to_string(), name, credentials: found, origin });
        }
        "NetworkPolicy" | "CiliumNetworkPolicy" => {
            let spec: Value = serde_json::from_str(spec_text).map_err(parse_error)?;
            let api = object.api_version.as_deref().unwrap_or_default();
            let policy = if kind == "CiliumNetworkPolicy" {
                network::cilium_policy(cluster, namespace, name, &spec, origin)
            } else if api.starts_with("projectcalico.org/") || api.starts_with("crd.projectcalico.org/") {
                network::calico_policy(cluster, namespace, name, &spec, origin)
            } else {
                network::network_policy(cluster, namespace, name, &spec, origin)
            };
            k8s.network_policies.push(policy);
        }
        _ => {}
    }
    Ok(())
}

fn contains_secret_key(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '+')).any(crate::redact::looks_like_aws_secret)
}

#[allow(clippy::too_many_arguments)]
fn workload(
    cluster: ClusterRef,
    namespace: String,
    kind: &str,
    name: String,
    pod_labels: BTreeMap<String, String>,
    spec: RawPodSpec,
    owner: Option<String>,
    origin: Origin,
) -> Workload {
    let service_account =
        spec.service_account_name.or(spec.service_account).filter(|s| !s.is_empty()).unwrap_or_else(|| "default".to_string());
    let mut secret_volumes = BTreeMap::new();
    for volume in spec.volumes {
        if let Some(secret) = volume.secret.and_then(|s| s.secret_name) {
            secret_volumes.insert(volume.name.clone(), secret);
        }
        for source in volume.projected.map(|p| p.sources).unwrap_or_default() {
            if let Some(secret) = source.secret.and_then(|s| s.name) {
                secret_volumes.insert(volume.name.clone(), secret);
            }
        }
    }
    let containers = spec.containers.into_iter().chain(spec.init_containers).chain(spec.ephemeral_containers).map(container).collect();
    Workload {
        cluster,
        namespace,
        kind: kind.to_string(),
        name,
        service_account,
        host_network: spec.host_network.unwrap_or(false),
        pod_labels: pod_labels.into(),
        containers,
        secret_volumes,
        owner,
        origin,
    }
}

fn container(c: RawContainer) -> Container {
    // A secret access key in one env entry pairs with a key ID in another.
    let container_has_secret_key = c.env.iter().filter_map(|e| e.value.as_deref()).any(contains_secret_key);
    let env = c
        .env
        .into_iter()
        .map(|e| {
            let source = if let Some(value) = &e.value {
                let mut found = credentials::scan(&e.name, value);
                for credential in &mut found {
                    if let StaticCredential::AwsAccessKey { has_secret_key, .. } = credential {
                        *has_secret_key |= container_has_secret_key;
                    }
                }
                let file_path = (e.name == "GOOGLE_APPLICATION_CREDENTIALS").then(|| value.clone());
                EnvSource::Literal { is_empty: value.is_empty(), credentials: found, file_path }
            } else if let Some(from) = e.value_from {
                if let Some(r) = from.secret_key_ref {
                    EnvSource::SecretKey { secret: r.name.unwrap_or_default(), key: r.key }
                } else if let Some(r) = from.config_map_key_ref {
                    EnvSource::ConfigMapKey { config_map: r.name.unwrap_or_default(), key: r.key }
                } else {
                    EnvSource::Other
                }
            } else {
                EnvSource::Literal { is_empty: true, credentials: Vec::new(), file_path: None }
            };
            EnvVar { name: e.name, source }
        })
        .collect();
    let env_from_secrets = c.env_from.into_iter().filter_map(|e| e.secret_ref.and_then(|r| r.name)).collect();
    let mounts = c.volume_mounts.into_iter().map(|m| (m.name, m.mount_path)).collect();
    Container { name: c.name, env, env_from_secrets, mounts }
}
