//! Network policies as far as IMDS is concerned: which pods they select, whether they restrict
//! egress, and whether they allow or deny 169.254.169.254 (TCP 80). Core NetworkPolicy, Cilium
//! (`cilium.io/v2` CiliumNetworkPolicy) and Calico (`projectcalico.org/v3` NetworkPolicy).

use serde_json::Value;

use crate::model::Origin;
use crate::model::k8s::{ClusterRef, LabelExpression, LabelSelector, NetworkPolicy};

/// IMDS, as NetworkPolicy `ipBlock`s must cover it.
const IMDS_V4: [u8; 4] = [169, 254, 169, 254];

pub(super) fn network_policy(cluster: ClusterRef, namespace: String, name: String, spec: &Value, origin: Origin) -> NetworkPolicy {
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
    let pod_selector = label_selector(&spec["podSelector"]);
    NetworkPolicy {
        cluster,
        namespace,
        name,
        pod_selector,
        restricts_egress,
        allows_imds: restricts_egress && allows_imds,
        denies_imds: false,
        origin,
    }
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

/// `matchLabels` / `matchExpressions` as core and Cilium policies write them.
fn label_selector(selector: &Value) -> LabelSelector {
    LabelSelector {
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
    }
}

/// Whether any CIDR of a Cilium `toCIDR` list or `toCIDRSet` (with `except`) covers IMDS.
fn cilium_cidrs_cover(rule: &Value) -> bool {
    let plain = rule["toCIDR"].as_array().into_iter().flatten().filter_map(Value::as_str).any(|c| cidr_contains(c, IMDS_V4));
    let sets = rule["toCIDRSet"].as_array().into_iter().flatten().any(|set| {
        let covered = set["cidr"].as_str().is_some_and(|c| cidr_contains(c, IMDS_V4));
        let excepted = set["except"].as_array().into_iter().flatten().filter_map(Value::as_str).any(|e| cidr_contains(e, IMDS_V4));
        covered && !excepted
    });
    plain || sets
}

/// Cilium `toPorts`: absent means every port.
fn cilium_ports_include_http(rule: &Value) -> bool {
    let Some(to_ports) = rule["toPorts"].as_array().filter(|p| !p.is_empty()) else { return true };
    to_ports.iter().any(|tp| {
        tp["ports"].as_array().into_iter().flatten().any(|p| {
            let is_tcp = p["protocol"].as_str().is_none_or(|proto| proto.eq_ignore_ascii_case("TCP") || proto.eq_ignore_ascii_case("ANY"));
            let port = p["port"].as_str().map(str::to_string).or_else(|| p["port"].as_u64().map(|n| n.to_string()));
            is_tcp && port.is_none_or(|port| port == "80" || port == "0")
        })
    })
}

/// A CiliumNetworkPolicy: `endpointSelector`, `egress` (allow list), `egressDeny` (wins over allows).
pub(super) fn cilium_policy(cluster: ClusterRef, namespace: String, name: String, spec: &Value, origin: Origin) -> NetworkPolicy {
    let egress: Vec<&Value> = spec["egress"].as_array().into_iter().flatten().collect();
    let deny: Vec<&Value> = spec["egressDeny"].as_array().into_iter().flatten().collect();
    let restricts_egress = !egress.is_empty() || !deny.is_empty();
    let allows_imds = egress.iter().any(|rule| {
        let targets_world =
            rule["toEntities"].as_array().into_iter().flatten().filter_map(Value::as_str).any(|e| e == "world" || e == "all");
        let has_destination = ["toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toFQDNs", "toServices", "toGroups", "toNodes"]
            .iter()
            .any(|k| rule.get(k).is_some());
        (targets_world || cilium_cidrs_cover(rule) || !has_destination) && cilium_ports_include_http(rule)
    });
    let denies_imds = deny.iter().any(|rule| {
        let targets_world =
            rule["toEntities"].as_array().into_iter().flatten().filter_map(Value::as_str).any(|e| e == "world" || e == "all");
        (targets_world || cilium_cidrs_cover(rule)) && cilium_ports_include_http(rule)
    });
    NetworkPolicy {
        cluster,
        namespace,
        name,
        pod_selector: label_selector(&spec["endpointSelector"]),
        restricts_egress,
        allows_imds,
        denies_imds,
        origin,
    }
}

/// A Calico NetworkPolicy: ordered egress rules, the first matching IMDS decides; an egress policy
/// that matches nothing for IMDS denies it.
pub(super) fn calico_policy(cluster: ClusterRef, namespace: String, name: String, spec: &Value, origin: Origin) -> NetworkPolicy {
    let types: Vec<&str> = spec["types"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let restricts_egress = types.contains(&"Egress") || (types.is_empty() && spec.get("egress").is_some());
    let mut allows_imds = false;
    let mut denies_imds = false;
    for rule in spec["egress"].as_array().into_iter().flatten() {
        let destination = &rule["destination"];
        let nets_cover = match destination["nets"].as_array() {
            Some(nets) => nets.iter().filter_map(Value::as_str).any(|n| cidr_contains(n, IMDS_V4)),
            // No nets: any destination, unless a selector limits it to workloads.
            None => destination.get("selector").is_none() && destination.get("namespaceSelector").is_none(),
        };
        let not_nets = destination["notNets"].as_array().into_iter().flatten().filter_map(Value::as_str).any(|n| cidr_contains(n, IMDS_V4));
        let is_tcp = rule["protocol"].as_str().is_none_or(|p| p.eq_ignore_ascii_case("TCP"));
        let ports_ok = destination["ports"].as_array().filter(|p| !p.is_empty()).is_none_or(|ports| {
            ports.iter().any(|p| {
                p.as_u64() == Some(80)
                    || p.as_str().is_some_and(|s| {
                        s == "80"
                            || s.split_once(':')
                                .is_some_and(|(a, b)| a.parse::<u16>().is_ok_and(|a| a <= 80) && b.parse::<u16>().is_ok_and(|b| b >= 80))
                    })
            })
        });
        if !(nets_cover && !not_nets && is_tcp && ports_ok) {
            continue;
        }
        match rule["action"].as_str() {
            Some("Allow") => {
                allows_imds = true;
                break;
            }
            Some("Deny") => {
                denies_imds = true;
                break;
            }
            _ => {}
        }
    }
    let pod_selector = calico_selector(spec["selector"].as_str().unwrap_or("all()"));
    NetworkPolicy {
        cluster,
        namespace,
        name,
        pod_selector,
        restricts_egress,
        allows_imds: restricts_egress && allows_imds,
        denies_imds,
        origin,
    }
}

/// Calico selector expressions, the common forms: `all()`, `k == 'v'`, `k != 'v'`, `has(k)`,
/// `!has(k)`, `k in {'a', 'b'}`, `k not in {...}`, joined by `&&`. Anything else selects nothing,
/// so an unreadable selector never counts as protection.
fn calico_selector(expression: &str) -> LabelSelector {
    let never = LabelSelector {
        match_labels: Default::default(),
        match_expressions: vec![LabelExpression { key: String::new(), operator: "Never".into(), values: vec![] }],
    };
    let mut selector = LabelSelector::default();
    let expression = expression.trim();
    if expression.is_empty() || expression == "all()" {
        return selector;
    }
    if expression.contains("||") || expression.contains('(') && !expression.contains("has(") {
        return never;
    }
    let unquote = |s: &str| s.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
    for term in expression.split("&&").map(str::trim) {
        if let Some(key) = term.strip_prefix("!has(").and_then(|t| t.strip_suffix(')')) {
            selector.match_expressions.push(LabelExpression { key: key.trim().into(), operator: "DoesNotExist".into(), values: vec![] });
        } else if let Some(key) = term.strip_prefix("has(").and_then(|t| t.strip_suffix(')')) {
            selector.match_expressions.push(LabelExpression { key: key.trim().into(), operator: "Exists".into(), values: vec![] });
        } else if let Some((key, value)) = term.split_once("==") {
            selector.match_labels.insert(key.trim().to_string(), unquote(value));
        } else if let Some((key, value)) = term.split_once("!=") {
            selector.match_expressions.push(LabelExpression {
                key: key.trim().into(),
                operator: "NotIn".into(),
                values: vec![unquote(value)],
            });
        } else if let Some((key, set)) = term.split_once(" not in ").or_else(|| term.split_once(" in ")) {
            let operator = if term.contains(" not in ") { "NotIn" } else { "In" };
            let values = set.trim().trim_start_matches('{').trim_end_matches('}').split(',').map(unquote).collect();
            selector.match_expressions.push(LabelExpression { key: key.trim().into(), operator: operator.into(), values });
        } else {
            return never;
        }
    }
    selector
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn calico_selectors() {
        let labels: std::collections::BTreeMap<String, String> =
            [("app".to_string(), "web".to_string()), ("tier".to_string(), "front".to_string())].into();
        let labels = crate::model::k8s::Labels::from(labels);
        assert!(calico_selector("all()").matches(&labels));
        assert!(calico_selector("app == 'web' && has(tier)").matches(&labels));
        assert!(!calico_selector("app == 'api'").matches(&labels));
        assert!(calico_selector("app in {'web', 'api'}").matches(&labels));
        assert!(!calico_selector("app == 'web' || app == 'api'").matches(&labels), "unsupported forms select nothing");
    }

    #[test]
    fn cilium_and_calico_imds() {
        let c = ClusterRef::unlinked("x");
        let o = Origin::Live { scope: Arc::from("t") };
        let deny = serde_json::json!({"endpointSelector": {}, "egressDeny": [{"toCIDR": ["169.254.169.254/32"]}]});
        assert!(cilium_policy(c.clone(), "n".into(), "p".into(), &deny, o.clone()).denies_imds);
        let world = serde_json::json!({"endpointSelector": {}, "egress": [{"toEntities": ["world"]}]});
        let p = cilium_policy(c.clone(), "n".into(), "p".into(), &world, o.clone());
        assert!(p.restricts_egress && p.allows_imds);
        let dns = serde_json::json!({"endpointSelector": {}, "egress": [{"toEndpoints": [{"matchLabels": {"k8s:io.kubernetes.pod.namespace": "kube-system"}}], "toPorts": [{"ports": [{"port": "53", "protocol": "UDP"}]}]}]});
        let p = cilium_policy(c.clone(), "n".into(), "p".into(), &dns, o.clone());
        assert!(p.restricts_egress && !p.allows_imds);
        let calico = serde_json::json!({"selector": "all()", "types": ["Egress"], "egress": [{"action": "Deny", "destination": {"nets": ["169.254.169.254/32"]}}, {"action": "Allow"}]});
        let p = calico_policy(c.clone(), "n".into(), "p".into(), &calico, o.clone());
        assert!(p.denies_imds && !p.allows_imds);
        let calico_open = serde_json::json!({"selector": "app == 'web'", "types": ["Egress"], "egress": [{"action": "Allow"}]});
        assert!(calico_policy(c, "n".into(), "p".into(), &calico_open, o).allows_imds);
    }

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
        let c = ClusterRef::unlinked("x");
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
