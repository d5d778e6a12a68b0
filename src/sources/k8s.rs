//! Kubernetes objects from `kubectl get -o json|yaml` (Lists or single objects) and multi-document
//! manifests (`helm template`), for the kinds the rules read. Other kinds are passed over.
//!
//! Secret and ConfigMap values are decoded and scanned here, then dropped: only what was found in
//! them (redacted) enters the inventory.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use serde_json::Value;

use super::credentials;
use super::{LineIndex, Recognised, SourceError};
use crate::finding::Provider;
use crate::model::k8s::{
    AZURE_CLIENT_ID_ANNOTATION, CloudIdentity, ClusterRef, ConfigObject, Container, EnvSource, EnvVar, GKE_ANNOTATION, IRSA_ANNOTATION,
    K8sInventory, LabelExpression, LabelSelector, Namespace, NetworkPolicy, ServiceAccount, Workload,
};
use crate::model::{Inventory, Origin};

/// The Kubernetes objects of a JSON document, with their lines; empty when it holds none.
pub fn objects_from_json(text: &str) -> Result<Vec<(Value, Option<u32>)>, SourceError> {
    let root: Value = serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))?;
    let items: Vec<Value> = match root {
        Value::Object(ref map) if map.get("kind").and_then(Value::as_str).is_some_and(|k| k.ends_with("List")) => {
            map.get("items").and_then(Value::as_array).cloned().unwrap_or_default()
        }
        Value::Array(items) => items,
        other => vec![other],
    };
    let mut lines = LineIndex::new(text);
    Ok(items
        .into_iter()
        .filter(super::yaml::is_k8s_object)
        .map(|item| {
            let uid = item.pointer("/metadata/uid").and_then(Value::as_str).map(str::to_string);
            let name = item.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
            let line = uid.and_then(|u| lines.find_string(&u)).or_else(|| lines.find_string(&name));
            (item, line)
        })
        .collect())
}

/// Reads located objects into an inventory; `Unrecognised` when none is a Kubernetes object.
pub fn read(path: &Arc<str>, cluster_input: &str, objects: Vec<(Value, Option<u32>)>) -> Result<Recognised, SourceError> {
    if objects.is_empty() {
        return Ok(Recognised::Unrecognised);
    }
    let cluster = ClusterRef { input: cluster_input.to_string(), name: None };
    let mut k8s = K8sInventory::default();
    for (object, line) in objects {
        read_object(&mut k8s, &cluster, &object, Origin::file(path, line)).map_err(|message| SourceError {
            line: line.map(|l| l as usize),
            column: None,
            message,
        })?;
    }
    Ok(Recognised::Inventory {
        inventory: Inventory { k8s, ..Default::default() },
        kind: "kubernetes objects".into(),
        provider: Provider::K8s,
    })
}

/// Adds one object (as the API serves it) to `k8s`; other kinds are passed over. Shared by the
/// offline reader and live collection, so both see the same thing.
pub fn read_object(k8s: &mut K8sInventory, cluster: &ClusterRef, object: &Value, origin: Origin) -> Result<(), String> {
    let kind = object["kind"].as_str().unwrap_or_default();
    let meta = &object["metadata"];
    let name = meta["name"].as_str().unwrap_or_default().to_string();
    let namespace = meta["namespace"].as_str().unwrap_or("default").to_string();
    let cluster = cluster.clone();
    match kind {
        "Namespace" => k8s.namespaces.push(Namespace { cluster, name, origin }),
        "ServiceAccount" => {
            let annotation = |key: &str| meta["annotations"][key].as_str().filter(|v| !v.is_empty()).map(str::to_string);
            let identity = CloudIdentity {
                aws_role_arn: annotation(IRSA_ANNOTATION),
                gcp_service_account: annotation(GKE_ANNOTATION),
                azure_client_id: annotation(AZURE_CLIENT_ID_ANNOTATION),
            };
            k8s.service_accounts.push(ServiceAccount { cluster, namespace, name, identity, origin });
        }
        "Pod" | "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob" | "ReplicationController" => {
            let template = match kind {
                "Pod" => object.clone(),
                "CronJob" => object.pointer("/spec/jobTemplate/spec/template").cloned().unwrap_or(Value::Null),
                _ => object.pointer("/spec/template").cloned().unwrap_or(Value::Null),
            };
            let owner = meta["ownerReferences"]
                .as_array()
                .and_then(|refs| refs.iter().find(|r| r["controller"].as_bool() == Some(true)))
                .map(|r| format!("{}/{}", r["kind"].as_str().unwrap_or_default(), r["name"].as_str().unwrap_or_default()));
            k8s.workloads.push(workload(cluster, namespace, kind, name, &template, owner, origin)?);
        }
        "Secret" | "ConfigMap" => {
            let mut values: Vec<(String, String)> = Vec::new();
            if let Some(data) = object["data"].as_object() {
                for (key, v) in data {
                    let raw = v.as_str().unwrap_or_default();
                    let text = if kind == "Secret" {
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(raw.trim())
                            .map_err(|_| format!("Secret {namespace}/{name}: data.{key} is not base64"))?;
                        String::from_utf8_lossy(&bytes).into_owned()
                    } else {
                        raw.to_string()
                    };
                    values.push((format!("data.{key}"), text));
                }
            }
            if let Some(data) = object["stringData"].as_object() {
                values.extend(data.iter().map(|(k, v)| (format!("stringData.{k}"), v.as_str().unwrap_or_default().to_string())));
            }
            // A secret key in one entry and the key ID in another still make a pair.
            let object_has_secret_key = values.iter().any(|(_, v)| {
                v.split(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '+')).any(crate::redact::looks_like_aws_secret)
            });
            let mut found = Vec::new();
            for (path, text) in &values {
                let key = path.split_once('.').map_or(path.as_str(), |(_, k)| k);
                for mut credential in credentials::scan(key, text) {
                    if let crate::model::k8s::StaticCredential::AwsAccessKey { has_secret_key, .. } = &mut credential {
                        *has_secret_key |= object_has_secret_key;
                    }
                    found.push((path.clone(), credential));
                }
            }
            k8s.config_objects.push(ConfigObject { cluster, namespace, kind: kind.to_string(), name, credentials: found, origin });
        }
        "NetworkPolicy" => k8s.network_policies.push(network_policy(cluster, namespace, name, &object["spec"], origin)),
        _ => {}
    }
    Ok(())
}

fn workload(
    cluster: ClusterRef,
    namespace: String,
    kind: &str,
    name: String,
    template: &Value,
    owner: Option<String>,
    origin: Origin,
) -> Result<Workload, String> {
    let spec = &template["spec"];
    let service_account = spec["serviceAccountName"]
        .as_str()
        .or_else(|| spec["serviceAccount"].as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("default")
        .to_string();
    let pod_labels: BTreeMap<String, String> = template["metadata"]["labels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string))).collect())
        .unwrap_or_default();
    let mut secret_volumes = BTreeMap::new();
    for volume in spec["volumes"].as_array().into_iter().flatten() {
        let volume_name = volume["name"].as_str().unwrap_or_default().to_string();
        if let Some(secret) = volume["secret"]["secretName"].as_str() {
            secret_volumes.insert(volume_name.clone(), secret.to_string());
        }
        for source in volume["projected"]["sources"].as_array().into_iter().flatten() {
            if let Some(secret) = source["secret"]["name"].as_str() {
                secret_volumes.insert(volume_name.clone(), secret.to_string());
            }
        }
    }
    let containers = ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .flat_map(|field| spec[*field].as_array().into_iter().flatten())
        .map(container)
        .collect();
    Ok(Workload {
        cluster,
        namespace,
        kind: kind.to_string(),
        name,
        service_account,
        host_network: spec["hostNetwork"].as_bool().unwrap_or(false),
        pod_labels,
        containers,
        secret_volumes,
        owner,
        origin,
    })
}

fn container(c: &Value) -> Container {
    let env = c["env"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let name = e["name"].as_str().unwrap_or_default().to_string();
            let source = if let Some(value) = e["value"].as_str() {
                let file_path = (name == "GOOGLE_APPLICATION_CREDENTIALS").then(|| value.to_string());
                EnvSource::Literal { is_empty: value.is_empty(), credentials: credentials::scan(&name, value), file_path }
            } else if let Some(secret) = e["valueFrom"]["secretKeyRef"].as_object() {
                EnvSource::SecretKey {
                    secret: secret.get("name").and_then(Value::as_str).unwrap_or_default().to_string(),
                    key: secret.get("key").and_then(Value::as_str).unwrap_or_default().to_string(),
                }
            } else if e.get("valueFrom").is_some() {
                EnvSource::Other
            } else {
                EnvSource::Literal { is_empty: true, credentials: Vec::new(), file_path: None }
            };
            EnvVar { name, source }
        })
        .collect();
    let env_from_secrets =
        c["envFrom"].as_array().into_iter().flatten().filter_map(|e| e["secretRef"]["name"].as_str().map(str::to_string)).collect();
    let mounts = c["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| Some((m["name"].as_str()?.to_string(), m["mountPath"].as_str().unwrap_or_default().to_string())))
        .collect();
    Container { name: c["name"].as_str().unwrap_or_default().to_string(), env, env_from_secrets, mounts }
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
