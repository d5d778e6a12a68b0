//! Google Cloud, live: Application Default Credentials (`google-cloud-auth`) and the official
//! generated clients. One source per scope asked for (`--gcp-org`, `--gcp-folder`,
//! `--gcp-project`). Cloud Asset Inventory first: one search and one listing cover a whole
//! organization. When a project has the Asset API disabled, its IAM policies, service accounts,
//! keys and GKE clusters are read through the IAM, Resource Manager and GKE APIs instead, and the
//! source says so.
//!
//! Responses are turned back into their REST JSON (the clients' models serialize to it) and read
//! by the same code as `gcloud` files, so live and offline collection cannot disagree.

use std::sync::Arc;
use std::time::Duration;

use google_cloud_asset_v1::client::AssetService;
use google_cloud_asset_v1::model::ContentType;
use google_cloud_auth::credentials::Credentials;
use google_cloud_container_v1::client::ClusterManager;
use google_cloud_gax::error::Error as GaxError;
use google_cloud_gax::error::rpc::StatusDetails;
use google_cloud_gax::retry_policy::NeverRetry;
use google_cloud_iam_admin_v1::client::Iam;
use google_cloud_resourcemanager_v3::client::Projects;
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::runner::{Calls, Deadline, Progress, Retry, SourceTask, error_chain, failed, with_retries};
use super::{GcpOptions, GcpScope};
use crate::finding::Provider;
use crate::model::Inventory;
use crate::redact::redact_error;
use crate::sources::{SourceReport, SourceStatus};

/// The asset types the rules read; other types are not listed.
const ASSET_TYPES: [&str; 6] = [
    "iam.googleapis.com/ServiceAccount",
    "iam.googleapis.com/ServiceAccountKey",
    "iam.googleapis.com/WorkloadIdentityPool",
    "iam.googleapis.com/WorkloadIdentityPoolProvider",
    "container.googleapis.com/Cluster",
    "container.googleapis.com/NodePool",
];

/// One attempt may take this long; the source's deadline bounds retries and the rest.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// Calls to one API made at once within a source (per service account in the fallback).
const CONCURRENT_CALLS: usize = 8;

/// Page size for list and search calls. `WISCAN_GCP_PAGE_SIZE` lowers it (tests use it to
/// exercise pagination on small fixtures).
fn page_size() -> i32 {
    std::env::var("WISCAN_GCP_PAGE_SIZE").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(500)
}

/// One task per scope, for [`super::runner::run_sources`] to run under the deadline.
pub(crate) fn sources(options: &GcpOptions, progress: &Progress, deadline: Deadline) -> Vec<SourceTask> {
    options
        .scopes
        .iter()
        .map(|scope| {
            let label = format!("gcp/{}", scope.name());
            let calls = Calls::new(progress, &label);
            SourceTask {
                provider: Provider::Gcp,
                origin: label.clone(),
                task: Box::pin(collect_scope(scope.clone(), label, options.endpoint.clone(), calls, deadline)),
            }
        })
        .collect()
}

/// A failed call, reduced to what retrying and reporting need.
#[derive(Debug)]
struct CallError {
    text: String,
    retry: Retry,
    /// `SERVICE_DISABLED`: the API is not enabled in the project.
    is_service_disabled: bool,
}

impl CallError {
    fn of(call: &str, e: &GaxError) -> Self {
        let status = e.status();
        let reason = status.and_then(|s| {
            s.details.iter().find_map(|d| match d {
                StatusDetails::ErrorInfo(info) => Some(info.reason.clone()),
                _ => None,
            })
        });
        let http = e.http_status_code();
        let retry_after = e
            .http_headers()
            .and_then(|h| h.get("retry-after"))
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let code = status.map(|s| format!("{:?}", s.code));
        let retry = match (http, code.as_deref()) {
            (Some(429), _) | (_, Some("ResourceExhausted")) => retry_after.map_or(Retry::Backoff, Retry::After),
            (Some(500 | 502 | 503 | 504), _) | (_, Some("Unavailable")) => retry_after.map_or(Retry::Backoff, Retry::After),
            _ if e.is_io() || e.is_connect() || e.is_timeout() || e.is_transient_and_before_rpc() => Retry::Backoff,
            _ => Retry::No,
        };
        let text = match status {
            Some(s) => {
                let http = http.map(|h| format!("{h} ")).unwrap_or_default();
                let reason = reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                format!("{call}: {http}{}{reason}: {}", code.as_deref().unwrap_or("error"), s.message)
            }
            None => format!("{call}: {}", error_chain(e)),
        };
        Self { text: redact_error(&text), retry, is_service_disabled: reason.as_deref() == Some("SERVICE_DISABLED") }
    }
}

/// Runs one call with bounded retries, counting every attempt.
async fn call<T, F, Fut>(name: &str, calls: &Calls, deadline: Deadline, mut send: F) -> Result<T, CallError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, GaxError>>,
{
    with_retries(
        || {
            calls.one();
            let attempt = send();
            async move { attempt.await.map_err(|e| CallError::of(name, &e)) }
        },
        |e: &CallError| e.retry,
        deadline,
        |mut e, note| {
            e.text = format!("{} ({note})", e.text);
            e
        },
    )
    .await
}

fn to_json(value: &impl Serialize) -> Result<Value, CallError> {
    serde_json::to_value(value).map_err(|e| CallError {
        text: format!("cannot read a response: {}", crate::sources::elide_quoted(&e.to_string())),
        retry: Retry::No,
        is_service_disabled: false,
    })
}

/// A key as REST spells it: the client's models write enums as numbers, the REST API (and
/// `gcloud`) as names.
fn key_json(key: &google_cloud_iam_admin_v1::model::ServiceAccountKey) -> Result<Value, CallError> {
    let mut value = to_json(key)?;
    value["keyType"] = json!(key.key_type.name());
    value["keyOrigin"] = json!(key.key_origin.name());
    value["keyAlgorithm"] = json!(key.key_algorithm.name());
    if let Some(object) = value.as_object_mut() {
        // Never returned by a list call; dropped all the same, so it cannot travel further.
        object.remove("privateKeyData");
    }
    Ok(value)
}

/// A GKE cluster as REST spells it (node pools' metadata mode by name).
fn cluster_json(cluster: &google_cloud_container_v1::model::Cluster) -> Result<Value, CallError> {
    let mut value = to_json(cluster)?;
    for (i, pool) in cluster.node_pools.iter().enumerate() {
        let mode = pool.config.as_ref().and_then(|c| c.workload_metadata_config.as_ref()).map(|w| w.mode.name());
        if let Some(mode) = mode {
            value["nodePools"][i]["config"]["workloadMetadataConfig"]["mode"] = json!(mode);
        }
    }
    Ok(value)
}

/// The clients one source uses: retries are ours (bounded by the deadline), never the clients'.
struct Clients {
    asset: AssetService,
    iam: Iam,
    projects: Projects,
    clusters: ClusterManager,
}

macro_rules! client {
    ($builder:expr, $credentials:expr, $endpoint:expr) => {{
        let builder = $builder.with_credentials($credentials.clone()).with_retry_policy(NeverRetry).with_attempt_timeout(ATTEMPT_TIMEOUT);
        let builder = match $endpoint {
            Some(endpoint) => builder.with_endpoint(endpoint.clone()),
            None => builder,
        };
        builder.build().await.map_err(|e| error_chain(&e))?
    }};
}

impl Clients {
    async fn new(credentials: &Credentials, endpoint: Option<&String>) -> Result<Self, String> {
        Ok(Clients {
            asset: client!(AssetService::builder(), credentials, endpoint),
            iam: client!(Iam::builder(), credentials, endpoint),
            projects: client!(Projects::builder(), credentials, endpoint),
            clusters: client!(ClusterManager::builder(), credentials, endpoint),
        })
    }
}

async fn collect_scope(
    scope: GcpScope,
    label: String,
    endpoint: Option<String>,
    calls: Calls,
    deadline: Deadline,
) -> (Inventory, SourceReport) {
    let credentials = match google_cloud_auth::credentials::Builder::default().build() {
        Ok(c) => c,
        Err(e) => return (Inventory::default(), failed(Provider::Gcp, &label, format!("no Google credentials: {}", error_chain(&e)))),
    };
    let clients = match Clients::new(&credentials, endpoint.as_ref()).await {
        Ok(c) => c,
        Err(e) => return (Inventory::default(), failed(Provider::Gcp, &label, format!("cannot set up the Google clients: {e}"))),
    };
    let (objects, kind, errors) = match asset_inventory(&clients, &scope, &calls, deadline).await {
        Ok((objects, errors)) => (objects, "Cloud Asset Inventory".to_string(), errors),
        Err(e) if e.is_service_disabled => match &scope {
            GcpScope::Project(project) => {
                let (objects, errors) = per_project(&clients, project, &calls, deadline).await;
                let kind = "IAM, Resource Manager and GKE APIs (the Cloud Asset API is not enabled; workload identity pools and providers are not read without it)";
                (objects, kind.to_string(), errors)
            }
            _ => {
                let reason = format!("{} (enable the Cloud Asset API, or name the projects with --gcp-project)", e.text);
                return (Inventory::default(), failed(Provider::Gcp, &label, reason));
            }
        },
        Err(e) => return (Inventory::default(), with_calls(failed(Provider::Gcp, &label, e.text), &calls)),
    };
    calls.bar.finish_and_clear();
    let scope_name: Arc<str> = Arc::from(label.as_str());
    let gcp = match crate::sources::gcp::read_live(&scope_name, objects) {
        Ok(gcp) => gcp,
        Err(e) => {
            return (Inventory::default(), with_calls(failed(Provider::Gcp, &label, format!("a response could not be read: {e}")), &calls));
        }
    };
    let inventory = Inventory { gcp, ..Inventory::default() };
    let status = if errors.is_empty() { SourceStatus::Ok } else { SourceStatus::Partial };
    let report = SourceReport {
        provider: Some(Provider::Gcp),
        origin: label,
        kind: Some(kind),
        status,
        objects: inventory.object_count(),
        calls: Some(calls.total()),
        errors,
    };
    (inventory, report)
}

fn with_calls(mut report: SourceReport, calls: &Calls) -> SourceReport {
    report.calls = Some(calls.total());
    report
}

/// Every IAM policy of the scope and its resources of the types read, all pages. A failed policy
/// search fails the source (or sends a project to the fallback); failed resource listing leaves
/// the source partial.
async fn asset_inventory(
    clients: &Clients,
    scope: &GcpScope,
    calls: &Calls,
    deadline: Deadline,
) -> Result<(Vec<Value>, Vec<String>), CallError> {
    let (policies, resources) =
        tokio::join!(search_policies(clients, scope, calls, deadline), list_resources(clients, scope, calls, deadline));
    let mut objects = policies?;
    let mut errors = Vec::new();
    match resources {
        Ok(found) => objects.extend(found),
        Err(e) => errors.push(e.text),
    }
    Ok((objects, errors))
}

async fn search_policies(clients: &Clients, scope: &GcpScope, calls: &Calls, deadline: Deadline) -> Result<Vec<Value>, CallError> {
    let mut objects = Vec::new();
    let mut token = String::new();
    loop {
        let page = call("searchAllIamPolicies", calls, deadline, || {
            clients.asset.search_all_iam_policies().set_scope(scope.name()).set_page_size(page_size()).set_page_token(token.clone()).send()
        })
        .await?;
        for result in &page.results {
            objects.push(to_json(result)?);
        }
        if page.next_page_token.is_empty() {
            return Ok(objects);
        }
        token = page.next_page_token;
    }
}

async fn list_resources(clients: &Clients, scope: &GcpScope, calls: &Calls, deadline: Deadline) -> Result<Vec<Value>, CallError> {
    let mut objects = Vec::new();
    let mut token = String::new();
    loop {
        let page = call("assets.list", calls, deadline, || {
            clients
                .asset
                .list_assets()
                .set_parent(scope.name())
                .set_content_type(ContentType::Resource)
                .set_asset_types(ASSET_TYPES)
                .set_page_size(page_size())
                .set_page_token(token.clone())
                .send()
        })
        .await?;
        for asset in &page.assets {
            objects.push(to_json(asset)?);
        }
        if page.next_page_token.is_empty() {
            return Ok(objects);
        }
        token = page.next_page_token;
    }
}

/// A project without the Asset API: its policy, its service accounts with their keys and
/// policies, and its GKE clusters, each call's failure kept and the rest still read.
async fn per_project(clients: &Clients, project: &str, calls: &Calls, deadline: Deadline) -> (Vec<Value>, Vec<String>) {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    let resource = format!("projects/{project}");
    match call("projects.getIamPolicy", calls, deadline, || clients.projects.get_iam_policy().set_resource(resource.clone()).send()).await {
        Ok(policy) => match to_json(&policy) {
            Ok(policy) => objects.push(json!({"resource": format!("//cloudresourcemanager.googleapis.com/{resource}"), "policy": policy})),
            Err(e) => errors.push(e.text),
        },
        Err(e) => errors.push(e.text),
    }
    let mut accounts = Vec::new();
    let mut token = String::new();
    loop {
        let page = call("serviceAccounts.list", calls, deadline, || {
            clients
                .iam
                .list_service_accounts()
                .set_name(resource.clone())
                .set_page_size(page_size().min(100))
                .set_page_token(token.clone())
                .send()
        })
        .await;
        match page {
            Ok(page) => {
                accounts.extend(page.accounts.iter().map(|a| a.name.clone()));
                for account in &page.accounts {
                    match to_json(account) {
                        Ok(v) => objects.push(v),
                        Err(e) => errors.push(e.text),
                    }
                }
                if page.next_page_token.is_empty() {
                    break;
                }
                token = page.next_page_token;
            }
            Err(e) => {
                errors.push(e.text);
                break;
            }
        }
    }
    let (found, failed) = per_account(clients, accounts, calls, deadline).await;
    objects.extend(found);
    errors.extend(failed);
    let parent = format!("{resource}/locations/-");
    match call("clusters.list", calls, deadline, || clients.clusters.list_clusters().set_parent(parent.clone()).send()).await {
        Ok(list) => {
            for cluster in &list.clusters {
                match cluster_json(cluster) {
                    Ok(v) => objects.push(v),
                    Err(e) => errors.push(e.text),
                }
            }
            if !list.missing_zones.is_empty() {
                errors.push(format!("clusters.list: zones not answered: {}", list.missing_zones.join(", ")));
            }
        }
        Err(e) => errors.push(e.text),
    }
    (objects, errors)
}

/// Each service account's keys and IAM policy, a few accounts at once.
async fn per_account(clients: &Clients, accounts: Vec<String>, calls: &Calls, deadline: Deadline) -> (Vec<Value>, Vec<String>) {
    let limit = Arc::new(Semaphore::new(CONCURRENT_CALLS));
    let mut tasks = JoinSet::new();
    for name in accounts {
        let (iam, calls, limit) = (clients.iam.clone(), calls.clone(), Arc::clone(&limit));
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let mut objects = Vec::new();
            let mut errors = Vec::new();
            match call("serviceAccounts.keys.list", &calls, deadline, || iam.list_service_account_keys().set_name(name.clone()).send())
                .await
            {
                Ok(list) => {
                    for key in &list.keys {
                        match key_json(key) {
                            Ok(v) => objects.push(v),
                            Err(e) => errors.push(e.text),
                        }
                    }
                }
                Err(e) => errors.push(e.text),
            }
            match call("serviceAccounts.getIamPolicy", &calls, deadline, || iam.get_iam_policy().set_resource(name.clone()).send()).await {
                Ok(policy) => match to_json(&policy) {
                    Ok(policy) => objects.push(json!({"resource": format!("//iam.googleapis.com/{name}"), "policy": policy})),
                    Err(e) => errors.push(e.text),
                },
                Err(e) => errors.push(e.text),
            }
            (objects, errors)
        });
    }
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok((found, failed)) => {
                objects.extend(found);
                errors.extend(failed);
            }
            Err(e) => errors.push(super::runner::panic_reason(e)),
        }
    }
    (objects, errors)
}
