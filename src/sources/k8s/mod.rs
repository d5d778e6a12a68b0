//! Kubernetes objects from `kubectl get -o json|yaml` (Lists or single objects) and multi-document
//! manifests (`helm template`), for the kinds the rules read. Other kinds are passed over.
//!
//! JSON is deserialized straight into the few fields the rules need ([`raw`]); YAML and live
//! objects take the same path, so every source reads objects identically. Secret and ConfigMap
//! values are decoded and scanned here, then dropped: only what was found in them (redacted)
//! enters the inventory.

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
    K8sInventory, LabelExpression, LabelSelector, Namespace, NetworkPolicy, ServiceAccount, StaticCredential, Workload,
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

/// Reads objects given as JSON values (from YAML, or from the live API) with their origins.
pub fn read_values(cluster_input: &str, objects: Vec<(Value, Origin)>) -> Result<Recognised, SourceError> {
    let texts: Vec<(String, Origin)> = objects.into_iter().map(|(v, o)| (v.to_string(), o)).collect();
    let mut parsed = Vec::with_capacity(texts.len());
    for (text, origin) in &texts {
        let object: RawObject<'_> = serde_json::from_str(text).map_err(|e| SourceError {
            line: line_of(origin),
            column: None,
            message: super::elide_quoted(&e.to_string()),
        })?;
        parsed.push((object, origin.clone()));
    }
    read_all(cluster_input, parsed)
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
    let cluster = ClusterRef { input: cluster_input.to_string(), name: None };
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
                let map: BTreeMap<String, Value> = serde_json::from_str(raw.get()).unwrap_or_default();
                for (key, v) in map {
                    let Some(text) = raw::scalar_text(Some(v)) else { continue };
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
        "NetworkPolicy" => {
            let spec: Value = serde_json::from_str(spec_text).map_err(parse_error)?;
            k8s.network_policies.push(network_policy(cluster, namespace, name, &spec, origin));
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
        pod_labels,
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

/// IMDS, as NetworkPolicy `ipBlock`s must cover it.
const IMDS_V4: [u8; 4] = [169, 254, 169, 254];

fn network_policy(cluster: ClusterRef, namespace: String, name: String, spec: &Value, origin: Origin) -> NetworkPolicy {
    let types: Vec<&str> = spec["policyTypes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    // Without policyTypes, a policy restricts egress only when it has an `egress` section.
    let restricts_egress = if types.is_empty() { spec.get("egress").is_some() } else { types.contains(&"Egress") };
    let allows_imds = spec["egress"].as_array().into_iter().flatten().any(|rule| {
        // IMDS answers on TCP 80: a rule limited to other ports does not reach it.
        if !ports_include_http(&rule["ports"]) {
            return false;
        }
        match rule["to"].as_array() {
            // A rule without `to` (or with an empty one) allows every destination.
            None => true,
            Some(peers) if peers.is_empty() => true,
            Some(peers) => peers.iter().any(|peer| {
                let Some(cidr) = peer["ipBlock"]["cidr"].as_str() else { return false };
                let excepted =
                    peer["ipBlock"]["except"].as_array().into_iter().flatten().filter_map(Value::as_str).any(|e| cidr_contains(e, IMDS_V4));
                cidr_contains(cidr, IMDS_V4) && !excepted
            }),
        }
    });
    let selector = &spec["podSelector"];
    let pod_selector = LabelSelector {
        match_labels: selector["matchLabels"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default(),
        match_expressions: selector["matchExpressions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| LabelExpression {
                key: e["key"].as_str().unwrap_or_default().to_string(),
                operator: e["operator"].as_str().unwrap_or_default().to_string(),
                values: e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect(),
            })
            .collect(),
    };
    NetworkPolicy { cluster, namespace, name, pod_selector, restricts_egress, allows_imds: restricts_egress && allows_imds, origin }
}

/// Whether an egress rule's `ports` (absent or empty: all ports) admit TCP port 80.
fn ports_include_http(ports: &Value) -> bool {
    let Some(ports) = ports.as_array().filter(|p| !p.is_empty()) else { return true };
    ports.iter().any(|p| {
        let is_tcp = p["protocol"].as_str().is_none_or(|proto| proto.eq_ignore_ascii_case("TCP"));
        let port_ok = match &p["port"] {
            Value::Null => true,
            Value::Number(n) => {
                let start = n.as_u64().unwrap_or(0);
                let end = p["endPort"].as_u64().unwrap_or(start);
                (start..=end).contains(&80)
            }
            // A named port means the destination pod's port of that name; IMDS is not a pod.
            _ => false,
        };
        is_tcp && port_ok
    })
}

/// Whether an IPv4 CIDR (`a.b.c.d/n`) contains `ip`; IPv6 and malformed CIDRs contain nothing.
fn cidr_contains(cidr: &str, ip: [u8; 4]) -> bool {
    let (addr, bits) = cidr.split_once('/').unwrap_or((cidr, "32"));
    let Ok(bits) = bits.parse::<u32>() else { return false };
    let Ok(addr) = addr.parse::<std::net::Ipv4Addr>() else { return false };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
    (u32::from(addr) & mask) == (u32::from_be_bytes(ip) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs() {
        assert!(cidr_contains("0.0.0.0/0", IMDS_V4));
        assert!(cidr_contains("169.254.0.0/16", IMDS_V4));
        assert!(cidr_contains("169.254.169.254/32", IMDS_V4));
        assert!(!cidr_contains("10.0.0.0/8", IMDS_V4));
        assert!(!cidr_contains("::/0", IMDS_V4));
    }

    #[test]
    fn egress_policies() {
        let c = ClusterRef { input: "x".into(), name: None };
        let o = Origin::Live { scope: Arc::from("t") };
        let deny_all: Value = serde_json::json!({"podSelector": {}, "policyTypes": ["Egress"]});
        let p = network_policy(c.clone(), "n".into(), "p".into(), &deny_all, o.clone());
        assert!(p.restricts_egress && !p.allows_imds);
        let except: Value = serde_json::json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}]}]});
        assert!(!network_policy(c.clone(), "n".into(), "p".into(), &except, o.clone()).allows_imds);
        let open: Value = serde_json::json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{}]});
        assert!(network_policy(c.clone(), "n".into(), "p".into(), &open, o.clone()).allows_imds);
        let dns_only: Value = serde_json::json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}, {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"port": 443}]}]});
        assert!(!network_policy(c.clone(), "n".into(), "p".into(), &dns_only, o.clone()).allows_imds);
        let range: Value =
            serde_json::json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 1, "endPort": 1024}]}]});
        assert!(network_policy(c.clone(), "n".into(), "p".into(), &range, o.clone()).allows_imds);
        let ingress_only: Value = serde_json::json!({"podSelector": {}, "ingress": [{}]});
        assert!(!network_policy(c, "n".into(), "p".into(), &ingress_only, o).restricts_egress);
    }
}
