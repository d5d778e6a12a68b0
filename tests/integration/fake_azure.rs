//! A loopback fake of what the Azure live collector calls: the App Service managed identity token
//! endpoint (`IDENTITY_ENDPOINT`), Azure Resource Manager (subscriptions, user-assigned identities
//! and their federated credentials, AKS clusters, role definitions and assignments, all with
//! `nextLink` pages) and Microsoft Graph (applications with expanded federated credentials and
//! service principals, with `@odata.nextLink`). Tokens are per audience; errors carry the real
//! bodies (ARM `AuthorizationFailed`, Graph `Authorization_RequestDenied`, 429 with `Retry-After`,
//! 503), injected as faults.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

pub use crate::loopback::Fault;
use crate::loopback::{Request, Response, serve};

const ARM_TOKEN: &str = "az.fake.arm-token";
const GRAPH_TOKEN: &str = "az.fake.graph-token";
pub const IDENTITY_HEADER: &str = "wiscan-fake-identity-header";

#[derive(Default)]
pub struct AzureData {
    pub subscription: String,
    /// List path (`/subscriptions/S/providers/…`, `/beta/applications`) → items, as ARM and Graph return them.
    pub lists: BTreeMap<String, Vec<Value>>,
}

#[derive(Default)]
struct State {
    data: AzureData,
    faults: Vec<Fault>,
    requests: Vec<String>,
    url: String,
}

pub struct FakeAzure {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeAzure {
    pub fn start(data: AzureData) -> Self {
        let state = Arc::new(Mutex::new(State { data, ..State::default() }));
        let shared = Arc::clone(&state);
        let url = serve(Arc::new(move |request: &Request| answer(&shared, request)));
        state.lock().expect("lock").url = url.clone();
        FakeAzure { url, state }
    }

    pub fn fault(&self, fault: Fault) {
        self.state.lock().expect("lock").faults.push(fault);
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.lock().expect("lock").requests.clone()
    }
}

fn arm_error(status: u16, code: &str, message: &str) -> Response {
    Response::json(status, json!({"error": {"code": code, "message": message}}))
}

fn graph_error(status: u16, code: &str, message: &str) -> Response {
    Response::json(
        status,
        json!({"error": {"code": code, "message": message, "innerError": {"date": "2026-12-01T00:00:00", "request-id": "3f1c2b7a-9d4e-4f8a-b6c5-2e1d0a9f8b7c", "client-request-id": "3f1c2b7a-9d4e-4f8a-b6c5-2e1d0a9f8b7c"}}}),
    )
}

fn answer(state: &Mutex<State>, request: &Request) -> Response {
    let mut state = state.lock().expect("lock");
    state.requests.push(format!("{} {}", request.method, request.path));
    let path = request.path.as_str();
    let is_graph = path.starts_with("/beta/") || path.starts_with("/v1.0/");
    if path == "/msi/token" {
        if request.headers.get("x-identity-header").map(String::as_str) != Some(IDENTITY_HEADER) {
            return Response::json(401, json!({"error": "invalid_request", "error_description": "missing X-IDENTITY-HEADER"}));
        }
        let resource = request.param("resource").unwrap_or_default().to_string();
        let token = if resource.contains("graph.microsoft.com") { GRAPH_TOKEN } else { ARM_TOKEN };
        return Response::json(
            200,
            json!({"access_token": token, "expires_on": "4102444800", "token_type": "Bearer", "resource": resource}),
        );
    }
    let expected = if is_graph { GRAPH_TOKEN } else { ARM_TOKEN };
    if request.bearer() != Some(expected) {
        return if is_graph {
            graph_error(401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
        } else {
            arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.")
        };
    }
    if let Some(fault) = Fault::take(&mut state.faults, path) {
        let message = fault.message.clone().unwrap_or_default();
        let response = match (fault.status, is_graph) {
            (0, _) => return Response::json(0, ""),
            (403, true) => graph_error(403, "Authorization_RequestDenied", &message),
            (403, false) => arm_error(403, "AuthorizationFailed", &message),
            (429, _) => arm_error(429, "TooManyRequests", &message),
            (code, _) => arm_error(code, "ServiceUnavailable", &message),
        };
        return fault.respond(response);
    }
    if path == "/subscriptions" {
        let id = state.data.subscription.clone();
        return Response::json(
            200,
            json!({"value": [{"id": format!("/subscriptions/{id}"), "subscriptionId": id, "displayName": "acme-payments", "state": "Enabled", "tenantId": "8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19"}]}),
        );
    }
    let Some(items) = state.data.lists.get(path).or_else(|| state.data.lists.get(&path.to_ascii_lowercase())) else {
        return if is_graph {
            graph_error(404, "Request_ResourceNotFound", &format!("Resource '{path}' does not exist"))
        } else {
            // A list of a kind the subscription has none of is an empty page, as ARM answers.
            Response::json(200, json!({"value": []}))
        };
    };
    // Pages of two, `$skiptoken` an offset; the next link is absolute, as both APIs send it.
    let offset: usize = request.param("$skiptoken").and_then(|t| t.parse().ok()).unwrap_or(0);
    let page: Vec<Value> = items.iter().skip(offset).take(2).cloned().collect();
    let mut body = json!({"value": page});
    if offset + 2 < items.len() {
        let query: Vec<String> = request.query.iter().filter(|(k, _)| k != "$skiptoken").map(|(k, v)| format!("{k}={v}")).collect();
        let next = format!("{}{path}?{}&$skiptoken={}", state.url, query.join("&"), offset + 2);
        body[if is_graph { "@odata.nextLink" } else { "nextLink" }] = json!(next);
    }
    if is_graph {
        body["@odata.context"] = json!("https://graph.microsoft.com/beta/$metadata#applications");
    }
    Response::json(200, body)
}

/// An `az`-flattened ARM resource back in ARM's shape: everything but the envelope under `properties`.
fn nest(resource: &Value, envelope: &[&str], dropped: &[&str]) -> Value {
    let mut out = serde_json::Map::new();
    let mut properties = serde_json::Map::new();
    for (key, value) in resource.as_object().expect("object") {
        if dropped.contains(&key.as_str()) {
            continue;
        }
        if envelope.contains(&key.as_str()) {
            out.insert(key.clone(), value.clone());
        } else {
            properties.insert(key.clone(), value.clone());
        }
    }
    out.insert("properties".into(), Value::Object(properties));
    Value::Object(out)
}

/// The demo's Azure files (`az` outputs and a Graph page) as ARM and Graph would serve them.
pub fn demo_as_apis(demo: &Path) -> AzureData {
    let read = |path: &str| -> Value { serde_json::from_str(&std::fs::read_to_string(demo.join(path)).expect("read")).expect("json") };
    let mut data = AzureData::default();
    let mut push = |path: String, item: Value| data.lists.entry(path).or_default().push(item);
    let identities = read("identity/identity-list.json");
    let mut subscription = String::new();
    for identity in identities.as_array().expect("array") {
        let id = identity["id"].as_str().expect("id");
        subscription = id.split('/').nth(2).expect("subscription").to_string();
        push(
            format!("/subscriptions/{subscription}/providers/Microsoft.ManagedIdentity/userAssignedIdentities"),
            nest(identity, &["id", "name", "type", "location", "tags"], &["resourceGroup"]),
        );
    }
    let mut files: Vec<_> = std::fs::read_dir(demo.join("identity")).expect("dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    for file in files.iter().filter(|f| f.file_name().is_some_and(|n| n.to_string_lossy().starts_with("federated-credential-list"))) {
        let credentials: Value = serde_json::from_str(&std::fs::read_to_string(file).expect("read")).expect("json");
        for credential in credentials.as_array().expect("array") {
            let id = credential["id"].as_str().expect("id");
            let (identity, _) = id.split_once("/federatedIdentityCredentials/").expect("credential of an identity");
            push(
                format!("{identity}/federatedIdentityCredentials"),
                nest(credential, &["id", "name", "type"], &["resourceGroup", "systemData"]),
            );
        }
    }
    let cluster = read("aks/aks-show-aks-payments.json");
    push(
        format!("/subscriptions/{subscription}/providers/Microsoft.ContainerService/managedClusters"),
        nest(
            &cluster,
            &["id", "name", "type", "location", "tags", "identity", "sku", "kind", "eTag", "extendedLocation", "systemData"],
            &["resourceGroup"],
        ),
    );
    let assignments = read("authorization/role-assignment-list-all.json");
    let mut definitions = BTreeMap::new();
    for assignment in assignments.as_array().expect("array") {
        let definition = assignment["roleDefinitionId"].as_str().expect("definition");
        let name = definition.rsplit('/').next().expect("name").to_string();
        definitions.insert(
            name.clone(),
            json!({"id": definition, "name": name, "type": "Microsoft.Authorization/roleDefinitions", "properties": {"roleName": assignment["roleDefinitionName"], "type": "BuiltInRole"}}),
        );
        push(
            format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleAssignments"),
            nest(assignment, &["id", "name", "type"], &["principalName", "roleDefinitionName", "resourceGroup"]),
        );
    }
    for definition in definitions.into_values() {
        push(format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions"), definition);
    }
    let applications = read("graph/rest-applications-expand-fic.json");
    for application in applications["value"].as_array().expect("value") {
        push("/beta/applications".into(), application.clone());
    }
    for principal in read("graph/ad-sp-list.json").as_array().expect("array") {
        push("/v1.0/servicePrincipals".into(), principal.clone());
    }
    data.subscription = subscription;
    data
}
