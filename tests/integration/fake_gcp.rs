//! A loopback fake of the Google APIs the live collector calls, with their REST shapes: an OAuth
//! token endpoint (for an `authorized_user` credentials file), Cloud Asset `searchAllIamPolicies`
//! and `assets.list` with page tokens, and the per-project fallback (Resource Manager
//! `getIamPolicy`, IAM service accounts, keys and policies, GKE clusters). Errors carry the real
//! `google.rpc.Status` bodies with `ErrorInfo` reasons (`SERVICE_DISABLED`,
//! `IAM_PERMISSION_DENIED`, `RATE_LIMIT_EXCEEDED`), and faults can be injected (403, 429 with
//! `Retry-After`, 503, stalls).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

pub use crate::loopback::Fault;
use crate::loopback::{Request, Response, serve};

pub const TOKEN: &str = "ya29.wiscan-fake-access-token";

/// What one project answers through the per-project APIs.
#[derive(Clone, Debug, Default)]
pub struct ProjectApis {
    pub policy: Value,
    pub accounts: Vec<Value>,
    /// Service account name (`projects/P/serviceAccounts/EMAIL`) → keys.
    pub keys: BTreeMap<String, Vec<Value>>,
    pub account_policies: BTreeMap<String, Value>,
    pub clusters: Vec<Value>,
}

#[derive(Default)]
struct State {
    search_results: Vec<Value>,
    assets: Vec<Value>,
    /// Projects whose Cloud Asset API is disabled, with what their own APIs answer.
    without_asset_api: BTreeMap<String, ProjectApis>,
    faults: Vec<Fault>,
    requests: Vec<String>,
}

pub struct FakeGcp {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeGcp {
    pub fn start(search_results: Vec<Value>, assets: Vec<Value>) -> Self {
        let state = Arc::new(Mutex::new(State { search_results, assets, ..State::default() }));
        let shared = Arc::clone(&state);
        let url = serve(Arc::new(move |request: &Request| answer(&shared, request)));
        FakeGcp { url, state }
    }

    pub fn fault(&self, fault: Fault) {
        self.state.lock().expect("lock").faults.push(fault);
    }

    pub fn without_asset_api(&self, project: &str, apis: ProjectApis) {
        self.state.lock().expect("lock").without_asset_api.insert(project.to_string(), apis);
    }

    pub fn requests(&self) -> Vec<String> {
        self.state.lock().expect("lock").requests.clone()
    }

    /// An `authorized_user` credentials file whose token endpoint is this fake.
    pub fn credentials(&self, dir: &Path) -> PathBuf {
        let path = dir.join("application_default_credentials.json");
        let text = json!({
            "type": "authorized_user",
            "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
            "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
            "refresh_token": "1//0fake-refresh-token-for-wiscan-tests",
            "token_uri": format!("{}/token", self.url),
        });
        std::fs::write(&path, text.to_string()).expect("write credentials");
        path
    }
}

/// A `google.rpc.Status` error body, as the REST APIs send it.
pub fn error_body(code: u16, status: &str, message: &str, reason: Option<(&str, &str)>) -> Value {
    let details: Vec<Value> = reason
        .map(|(reason, domain)| {
            json!({"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": domain, "metadata": {"service": "cloudasset.googleapis.com"}})
        })
        .into_iter()
        .collect();
    json!({"error": {"code": code, "message": message, "status": status, "details": details}})
}

fn error(code: u16, status: &str, message: &str, reason: Option<(&str, &str)>) -> Response {
    Response::json(code, error_body(code, status, message, reason))
}

/// A page of `items` under `field`, from `pageToken` (an offset) and `pageSize`.
fn page(request: &Request, items: &[Value], field: &str) -> Response {
    let size: usize = request.param("pageSize").and_then(|s| s.parse().ok()).filter(|&n| n > 0).unwrap_or(100);
    let offset: usize = request.param("pageToken").and_then(|t| t.parse().ok()).unwrap_or(0);
    let chunk: Vec<Value> = items.iter().skip(offset).take(size).cloned().collect();
    let mut body = json!({ field: chunk });
    if offset + size < items.len() {
        body["nextPageToken"] = json!((offset + size).to_string());
    }
    Response::json(200, body)
}

fn answer(state: &Mutex<State>, request: &Request) -> Response {
    let mut state = state.lock().expect("lock");
    state.requests.push(format!("{} {}", request.method, request.path));
    let path = request.path.as_str();
    if path == "/token" {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        if body["grant_type"] != "refresh_token" {
            return Response::json(400, json!({"error": "unsupported_grant_type"}));
        }
        return Response::json(
            200,
            json!({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer", "scope": "https://www.googleapis.com/auth/cloud-platform"}),
        );
    }
    if request.bearer() != Some(TOKEN) {
        return error(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
            Some(("ACCESS_TOKEN_TYPE_UNSUPPORTED", "googleapis.com")),
        );
    }
    if let Some(fault) = Fault::take(&mut state.faults, path) {
        let message = fault.message.clone().unwrap_or_default();
        let response = match fault.status {
            0 => return Response::json(0, ""),
            403 => error(403, "PERMISSION_DENIED", &message, Some(("IAM_PERMISSION_DENIED", "cloudasset.googleapis.com"))),
            429 => error(429, "RESOURCE_EXHAUSTED", &message, Some(("RATE_LIMIT_EXCEEDED", "googleapis.com"))),
            503 => error(503, "UNAVAILABLE", &message, None),
            code => error(code, "INTERNAL", &message, None),
        };
        return fault.respond(response);
    }
    // Cloud Asset: `/v1/{scope}:searchAllIamPolicies`, `/v1/{scope}/assets`.
    let asset_scope = path.strip_prefix("/v1/").and_then(|p| p.strip_suffix(":searchAllIamPolicies").or_else(|| p.strip_suffix("/assets")));
    if let Some(scope) = asset_scope {
        if let Some(project) = scope.strip_prefix("projects/")
            && state.without_asset_api.contains_key(project)
        {
            let message = format!(
                "Cloud Asset API has not been used in project {project} before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/cloudasset.googleapis.com/overview?project={project} then retry."
            );
            return error(403, "PERMISSION_DENIED", &message, Some(("SERVICE_DISABLED", "googleapis.com")));
        }
        if path.ends_with(":searchAllIamPolicies") {
            return page(request, &state.search_results, "results");
        }
        // The REST API takes the enum by name or by number (the generated clients send the number).
        if !matches!(request.param("contentType"), Some("RESOURCE" | "1")) {
            let message = format!("only RESOURCE content is served by this fake, not {:?}", request.param("contentType"));
            return error(400, "INVALID_ARGUMENT", &message, None);
        }
        let types: Vec<&str> = request.query.iter().filter(|(k, _)| k == "assetTypes").map(|(_, v)| v.as_str()).collect();
        let assets: Vec<Value> = state
            .assets
            .iter()
            .filter(|a| types.is_empty() || types.contains(&a["assetType"].as_str().unwrap_or_default()))
            .cloned()
            .collect();
        let mut response = page(request, &assets, "assets");
        let mut body: Value = serde_json::from_str(&response.body).expect("json");
        body["readTime"] = json!("2026-12-01T00:00:00.000000Z");
        response.body = body.to_string();
        return response;
    }
    // The per-project APIs.
    for (project, apis) in &state.without_asset_api {
        let resource = format!("projects/{project}");
        if path == format!("/v3/{resource}:getIamPolicy") {
            return Response::json(200, apis.policy.clone());
        }
        if path == format!("/v1/{resource}/serviceAccounts") {
            return page(request, &apis.accounts, "accounts");
        }
        if path == format!("/v1/{resource}/locations/-/clusters") {
            return Response::json(200, json!({"clusters": apis.clusters}));
        }
        if let Some(account) = path.strip_prefix("/v1/").and_then(|p| p.strip_suffix("/keys")) {
            return Response::json(200, json!({"keys": apis.keys.get(account).cloned().unwrap_or_default()}));
        }
        if let Some(account) = path.strip_prefix("/v1/").and_then(|p| p.strip_suffix(":getIamPolicy")) {
            return Response::json(200, apis.account_policies.get(account).cloned().unwrap_or_else(|| json!({"etag": "ACAB"})));
        }
    }
    error(404, "NOT_FOUND", &format!("Method not found: {path}"), None)
}

/// The demo's Google Cloud files as the APIs would serve them: search results (the
/// `gcp-policy` envelopes become results on the service account), and assets (the export lines,
/// with the API's camelCase names, plus the `gcloud` keys and clusters as assets).
pub fn demo_as_apis(demo: &Path) -> (Vec<Value>, Vec<Value>) {
    let mut results: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(demo.join("asset/search-all-iam-policies.json")).expect("read")).expect("json");
    let mut assets = Vec::new();
    for line in std::fs::read_to_string(demo.join("asset/export-resource.ndjson")).expect("read").lines().filter(|l| !l.trim().is_empty()) {
        assets.push(camel_case_asset(serde_json::from_str(line).expect("json")));
    }
    let mut files: Vec<PathBuf> =
        ["iam", "container"].iter().flat_map(|d| std::fs::read_dir(demo.join(d)).expect("dir").map(|e| e.expect("entry").path())).collect();
    files.sort();
    for file in files {
        let value: Value = serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("json");
        if let (Some(resource), Some(policy)) = (value["resource"].as_str(), value.get("policy")) {
            results.push(
                json!({"resource": resource, "assetType": "iam.googleapis.com/ServiceAccount", "policy": {"bindings": policy["bindings"]}}),
            );
        } else if let Some(keys) = value.as_array() {
            for key in keys {
                let name = key["name"].as_str().expect("key name");
                assets.push(json!({"name": format!("//iam.googleapis.com/{name}"), "assetType": "iam.googleapis.com/ServiceAccountKey", "resource": {"version": "v1", "discoveryName": "ServiceAccountKey", "data": key}}));
            }
        } else if value.get("nodePools").is_some() {
            let link = value["selfLink"].as_str().expect("selfLink").split_once("/v1/").expect("v1").1.replace("/zones/", "/locations/");
            assets.push(json!({"name": format!("//container.googleapis.com/{link}"), "assetType": "container.googleapis.com/Cluster", "resource": {"version": "v1", "discoveryName": "Cluster", "data": value}}));
        }
    }
    (results, assets)
}

/// Any Google Cloud input file (`gcloud` lists and describes, Cloud Asset searches, lists and
/// exports, `gcp-policy` envelopes) as the Asset API would serve its objects: policies as search
/// results, resources as assets.
pub fn file_as_apis(text: &str) -> (Vec<Value>, Vec<Value>) {
    let objects: Vec<Value> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).expect("json")
    } else {
        serde_json::Deserializer::from_str(text).into_iter::<Value>().map(|v| v.expect("json")).collect()
    };
    let (mut results, mut assets) = (Vec::new(), Vec::new());
    let asset = |name: String, asset_type: &str, data: &Value| json!({"name": name, "assetType": asset_type, "resource": {"version": "v1", "data": data}});
    for object in objects {
        let object = camel_case_asset(object);
        let name = object["name"].as_str().unwrap_or_default().to_string();
        if let Some(asset_type) = object["assetType"].as_str() {
            if let Some(policy) = object.get("iamPolicy").or(object.get("policy")) {
                let resource = object["resource"].as_str().map_or(name.clone(), str::to_string);
                results.push(json!({"resource": resource, "assetType": asset_type, "policy": {"bindings": policy["bindings"]}}));
            }
            if object["resource"].is_object() {
                assets.push(object);
            }
        } else if let (Some(resource), Some(policy)) = (object["resource"].as_str(), object.get("policy")) {
            results.push(json!({"resource": resource, "assetType": "cloudresourcemanager.googleapis.com/Project", "policy": {"bindings": policy["bindings"]}}));
        } else if object.get("keyType").is_some() {
            let mut key = object.clone();
            if let Some(map) = key.as_object_mut() {
                map.remove("privateKeyData");
            }
            assets.push(asset(format!("//iam.googleapis.com/{name}"), "iam.googleapis.com/ServiceAccountKey", &key));
        } else if name.contains("/providers/") {
            assets.push(asset(format!("//iam.googleapis.com/{name}"), "iam.googleapis.com/WorkloadIdentityPoolProvider", &object));
        } else if name.contains("/workloadIdentityPools/") {
            assets.push(asset(format!("//iam.googleapis.com/{name}"), "iam.googleapis.com/WorkloadIdentityPool", &object));
        } else if object.get("email").is_some() {
            assets.push(asset(format!("//iam.googleapis.com/{name}"), "iam.googleapis.com/ServiceAccount", &object));
        } else if let Some(link) = object["selfLink"].as_str() {
            let path = link.split_once("/v1/").map_or(link, |(_, p)| p).replace("/zones/", "/locations/");
            assets.push(asset(format!("//container.googleapis.com/{path}"), "container.googleapis.com/Cluster", &object));
        } else {
            panic!("an object of no known shape: {object}");
        }
    }
    (results, assets)
}

/// An export line (`asset_type`, `update_time`, `discovery_name`) as `assets.list` returns it.
fn camel_case_asset(mut asset: Value) -> Value {
    fn rename(object: &mut Value, from: &str, to: &str) {
        if let Some(map) = object.as_object_mut()
            && let Some(v) = map.remove(from)
        {
            map.insert(to.to_string(), v);
        }
    }
    rename(&mut asset, "asset_type", "assetType");
    rename(&mut asset, "update_time", "updateTime");
    rename(&mut asset, "iam_policy", "iamPolicy");
    let resource = &mut asset["resource"];
    rename(resource, "discovery_document_uri", "discoveryDocumentUri");
    rename(resource, "discovery_name", "discoveryName");
    asset
}
