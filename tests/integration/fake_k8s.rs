//! A loopback Kubernetes API server for live-collection tests: serves objects as the real API
//! lists them (`kind: PodList`, `metadata.continue`, `remainingItemCount`), checks the bearer
//! token, and answers injected faults with real `Status` bodies (403, 404, 429 + Retry-After, 5xx).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

pub use crate::loopback::Fault;
use crate::loopback::{Request, Response, serve};

pub const TOKEN: &str = "fake-token";

#[derive(Default)]
struct State {
    /// List path (`/api/v1/pods`) → items.
    lists: BTreeMap<String, Vec<Value>>,
    faults: Vec<Fault>,
    requests: Vec<String>,
}

pub struct FakeK8s {
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// The list path and list kind a kind is served under.
fn route(kind: &str) -> Option<(&'static str, &'static str)> {
    Some(match kind {
        "Namespace" => ("/api/v1/namespaces", "v1"),
        "ServiceAccount" => ("/api/v1/serviceaccounts", "v1"),
        "Pod" => ("/api/v1/pods", "v1"),
        "Secret" => ("/api/v1/secrets", "v1"),
        "ConfigMap" => ("/api/v1/configmaps", "v1"),
        "Deployment" => ("/apis/apps/v1/deployments", "apps/v1"),
        "StatefulSet" => ("/apis/apps/v1/statefulsets", "apps/v1"),
        "DaemonSet" => ("/apis/apps/v1/daemonsets", "apps/v1"),
        "ReplicaSet" => ("/apis/apps/v1/replicasets", "apps/v1"),
        "Job" => ("/apis/batch/v1/jobs", "batch/v1"),
        "CronJob" => ("/apis/batch/v1/cronjobs", "batch/v1"),
        "NetworkPolicy" => ("/apis/networking.k8s.io/v1/networkpolicies", "networking.k8s.io/v1"),
        "CiliumNetworkPolicy" => ("/apis/cilium.io/v2/ciliumnetworkpolicies", "cilium.io/v2"),
        // Calico's NetworkPolicy shares its kind with the core one; objects are routed by apiVersion.
        "CalicoNetworkPolicy" => ("/apis/projectcalico.org/v3/networkpolicies", "projectcalico.org/v3"),
        _ => return None,
    })
}

const ALL_KINDS: [&str; 14] = [
    "Namespace",
    "ServiceAccount",
    "Pod",
    "Secret",
    "ConfigMap",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "NetworkPolicy",
    "CiliumNetworkPolicy",
    "CalicoNetworkPolicy",
];

impl FakeK8s {
    pub fn start(objects: Vec<Value>) -> Self {
        let mut state = State::default();
        for kind in ALL_KINDS {
            let (path, _) = route(kind).expect("route");
            state.lists.insert(path.to_string(), Vec::new());
        }
        for object in objects {
            let is_calico = object["apiVersion"].as_str().is_some_and(|v| v.starts_with("projectcalico.org/"));
            let kind = if is_calico { Some("CalicoNetworkPolicy") } else { object["kind"].as_str() };
            if let Some((path, _)) = kind.and_then(route) {
                state.lists.get_mut(path).expect("list").push(object);
            }
        }
        let state = Arc::new(Mutex::new(state));
        let shared = Arc::clone(&state);
        let url = serve(Arc::new(move |request: &Request| answer(&shared, request)));
        FakeK8s { url, state }
    }

    pub fn fault(&self, fault: Fault) {
        self.state.lock().expect("lock").faults.push(fault);
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.lock().expect("lock").requests.clone()
    }

    /// A kubeconfig with one context, `fake`, pointing at this server.
    pub fn kubeconfig(&self, dir: &Path) -> PathBuf {
        let path = dir.join("kubeconfig");
        let text = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: \"{}\"\nusers:\n- name: fake\n  user:\n    token: {TOKEN}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\n",
            self.url
        );
        std::fs::write(&path, text).expect("write kubeconfig");
        path
    }
}

fn status_body(code: u16, reason: &str, message: &str) -> String {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code})
        .to_string()
}

fn answer(state: &Mutex<State>, request: &Request) -> Response {
    let path = request.path.as_str();
    let mut state = state.lock().expect("lock");
    let query: Vec<String> = request.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    state.requests.push(if query.is_empty() { path.to_string() } else { format!("{path}?{}", query.join("&")) });
    if request.bearer() != Some(TOKEN) {
        return Response::json(401, status_body(401, "Unauthorized", "Unauthorized"));
    }
    if let Some(fault) = Fault::take(&mut state.faults, path) {
        if fault.status == 0 {
            return Response::json(0, "");
        }
        let (reason, message) = match fault.status {
            403 => (
                "Forbidden",
                format!(
                    "{} is forbidden: User \"system:serviceaccount:audit:wiscan\" cannot list resource at the cluster scope",
                    path.rsplit('/').next().unwrap_or("")
                ),
            ),
            404 => ("NotFound", "the server could not find the requested resource".to_string()),
            429 => ("TooManyRequests", "Too many requests, please try again later.".to_string()),
            _ => ("InternalError", "Internal error occurred: etcdserver: request timed out".to_string()),
        };
        let message = fault.message.clone().unwrap_or(message);
        return fault.respond(Response::json(fault.status, status_body(fault.status, reason, &message)));
    }
    let Some(items) = state.lists.get(path) else {
        return Response::json(404, status_body(404, "NotFound", "the server could not find the requested resource"));
    };
    let kind = ALL_KINDS.iter().find(|k| route(k).is_some_and(|(p, _)| p == path)).copied().unwrap_or("Unknown");
    let api_version = route(kind).map(|(_, v)| v).unwrap_or("v1");
    let limit: usize = request.param("limit").and_then(|l| l.parse().ok()).unwrap_or(usize::MAX);
    let offset: usize = request.param("continue").and_then(|c| c.parse().ok()).unwrap_or(0);
    let page: Vec<Value> = items.iter().skip(offset).take(limit).cloned().collect();
    let next = offset + page.len();
    let mut metadata = json!({"resourceVersion": "48213"});
    if next < items.len() {
        metadata["continue"] = Value::from(next.to_string());
        metadata["remainingItemCount"] = Value::from(items.len() - next);
    }
    let kind = if kind == "CalicoNetworkPolicy" { "NetworkPolicy" } else { kind };
    Response::json(200, json!({"kind": format!("{kind}List"), "apiVersion": api_version, "metadata": metadata, "items": page}))
}
