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

pub const ARM_TOKEN: &str = "az.fake.arm-token";
pub const GRAPH_TOKEN: &str = "az.fake.graph-token";
pub const IDENTITY_HEADER: &str = "wiscan-fake-identity-header";

#[derive(Default)]
pub struct AzureData {
    /// The subscriptions `/subscriptions` lists.
    pub subscriptions: Vec<String>,
    /// List path (`/subscriptions/S/providers/…`, `/beta/applications`) → items, as ARM and Graph return them.
    pub lists: BTreeMap<String, Vec<Value>>,
}

impl AzureData {
    /// Whether every federated credential belongs to an identity the fake lists: ARM reaches a
    /// credential only through its identity, so credentials of identities not listed cannot be read live.
    pub fn serves_every_credential(&self) -> bool {
        let identities: Vec<String> = self
            .lists
            .iter()
            .filter(|(path, _)| path.ends_with("/userAssignedIdentities"))
            .flat_map(|(_, items)| items.iter().filter_map(|i| i["id"].as_str().map(str::to_ascii_lowercase)))
            .collect();
        self.lists
            .keys()
            .filter_map(|path| path.strip_suffix("/federatedIdentityCredentials"))
            .all(|identity| identities.contains(&identity.to_ascii_lowercase()))
    }
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
        let value: Vec<Value> = state
            .data
            .subscriptions
            .iter()
            .map(|id| json!({"id": format!("/subscriptions/{id}"), "subscriptionId": id, "displayName": "subscription", "state": "Enabled", "tenantId": "8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19"}))
            .collect();
        return Response::json(200, json!({"value": value}));
    }
    let known_graph_list = path == "/beta/applications" || path == "/v1.0/servicePrincipals";
    let Some(items) = state.data.lists.get(path).or_else(|| state.data.lists.get(&path.to_ascii_lowercase())) else {
        return if is_graph && !known_graph_list {
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
    let mut files = Vec::new();
    collect_files(demo, &mut files);
    let mut data = AzureData::default();
    for file in files {
        assert!(add_file(&mut data, &std::fs::read_to_string(&file).expect("read")), "{} cannot be served", file.display());
    }
    data
}

fn collect_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// Adds the objects of one `az`/Graph file as ARM and Graph serve them; `false` when the file
/// holds something the APIs cannot serve as such (`az ad app federated-credential list` names no
/// application).
pub fn add_file(data: &mut AzureData, text: &str) -> bool {
    let documents: Vec<Value> = serde_json::Deserializer::from_str(text).into_iter::<Value>().map(|v| v.expect("json")).collect();
    let mut objects = Vec::new();
    for document in documents {
        match document {
            Value::Array(items) => objects.extend(items),
            Value::Object(ref page) if page.contains_key("value") => objects.extend(page["value"].as_array().cloned().unwrap_or_default()),
            other => objects.push(other),
        }
    }
    for object in objects {
        let id = object["id"].as_str().unwrap_or_default().to_string();
        let subscription = id.split('/').nth(2).filter(|_| id.starts_with("/subscriptions/")).map(str::to_string);
        if let Some(subscription) = &subscription
            && !data.subscriptions.contains(subscription)
        {
            data.subscriptions.push(subscription.clone());
        }
        let lower = id.to_ascii_lowercase();
        let mut push = |path: String, item: Value| data.lists.entry(path).or_default().push(item);
        if lower.contains("/federatedidentitycredentials/") {
            let (identity, _) = id.split_at(lower.find("/federatedidentitycredentials/").expect("found"));
            push(
                format!("{identity}/federatedIdentityCredentials"),
                nest(&object, &["id", "name", "type"], &["resourceGroup", "systemData"]),
            );
        } else if object.get("issuer").is_some() {
            return false;
        } else if lower.contains("/userassignedidentities/") {
            let subscription = subscription.expect("subscription");
            push(
                format!("/subscriptions/{subscription}/providers/Microsoft.ManagedIdentity/userAssignedIdentities"),
                nest(&object, &["id", "name", "type", "location", "tags"], &["resourceGroup", "systemData"]),
            );
        } else if lower.contains("/managedclusters/") {
            let subscription = subscription.expect("subscription");
            push(
                format!("/subscriptions/{subscription}/providers/Microsoft.ContainerService/managedClusters"),
                nest(
                    &object,
                    &["id", "name", "type", "location", "tags", "identity", "sku", "kind", "eTag", "extendedLocation", "systemData"],
                    &["resourceGroup"],
                ),
            );
        } else if let Some(definition) = object["roleDefinitionId"].as_str() {
            let subscription = definition.split('/').nth(2).unwrap_or_default().to_string();
            if !data.subscriptions.contains(&subscription) {
                data.subscriptions.push(subscription.clone());
            }
            let name = definition.rsplit('/').next().expect("name").to_string();
            let definitions =
                data.lists.entry(format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions")).or_default();
            if !definitions.iter().any(|d| d["name"] == name.as_str()) {
                definitions.push(json!({"id": definition, "name": name, "type": "Microsoft.Authorization/roleDefinitions", "properties": {"roleName": object["roleDefinitionName"], "type": "BuiltInRole"}}));
            }
            data.lists
                .entry(format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleAssignments"))
                .or_default()
                .push(nest(&object, &["id", "name", "type"], &["principalName", "roleDefinitionName", "resourceGroup"]));
        } else if object.get("servicePrincipalType").is_some() || object.get("servicePrincipalNames").is_some() {
            push("/v1.0/servicePrincipals".into(), object.clone());
        } else if object.get("appId").is_some() {
            push("/beta/applications".into(), object.clone());
        } else {
            return false;
        }
    }
    true
}
