//! Azure, live: `azure_identity` credentials chosen like `DefaultAzureCredential` (environment
//! secret, workload identity, App Service managed identity, developer tools, then the VM's managed
//! identity), and `azure_core`'s HTTP pipeline for ARM and Microsoft Graph. One source per
//! subscription (`--azure-subscription`, repeatable; `--azure` alone: every visible one) and one
//! for the tenant's Graph objects.
//!
//! ARM resources are flattened as `az` prints them (`properties` lifted) and role definitions'
//! names filled in, then read by the same code as `az` files, so live and offline agree.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use azure_core::credentials::TokenCredential;
use azure_core::http::headers::AUTHORIZATION;
use azure_core::http::policies::{Policy, PolicyResult};
use azure_core::http::{ClientOptions, Context, Method, Pipeline, PipelineSendOptions, Request, RetryOptions, Url};
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientSecretCredential, DeveloperToolsCredential, ManagedIdentityCredential,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::AzureOptions;
use super::runner::{Calls, Deadline, Progress, Retry, SourceTask, failed, with_retries};
use crate::finding::Provider;
use crate::model::Inventory;
use crate::redact::redact_error;
use crate::sources::{SourceReport, SourceStatus};

const ARM_SCOPE: &str = "https://management.azure.com/.default";
const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

/// Calls made at once within a source (per identity's credentials).
const CONCURRENT_CALLS: usize = 8;

/// One attempt may take this long; the source's deadline bounds the rest.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// Where ARM and Graph are: the public clouds, or `WISCAN_AZURE_ARM_ENDPOINT` /
/// `WISCAN_AZURE_GRAPH_ENDPOINT` (an emulator, a proxy, the tests' fake).
#[derive(Clone)]
struct Endpoints {
    arm: String,
    graph: String,
}

impl Endpoints {
    fn from(options: &AzureOptions) -> Self {
        Endpoints {
            arm: options.arm_endpoint.clone().unwrap_or_else(|| "https://management.azure.com".into()).trim_end_matches('/').to_string(),
            graph: options.graph_endpoint.clone().unwrap_or_else(|| "https://graph.microsoft.com".into()).trim_end_matches('/').to_string(),
        }
    }
}

/// The sources: the subscriptions asked for (or one that lists them all) and the tenant's Graph.
pub(crate) fn sources(options: &AzureOptions, progress: &Progress, deadline: Deadline) -> Vec<SourceTask> {
    let endpoints = Endpoints::from(options);
    let mut tasks = Vec::new();
    let subscriptions: Vec<Option<String>> =
        if options.subscriptions.is_empty() { vec![None] } else { options.subscriptions.iter().cloned().map(Some).collect() };
    for subscription in subscriptions {
        let label = format!("azure/subscriptions/{}", subscription.as_deref().unwrap_or("*"));
        let calls = Calls::new(progress, &label);
        tasks.push(SourceTask {
            provider: Provider::Azure,
            origin: label.clone(),
            task: Box::pin(collect_subscriptions(subscription, label, endpoints.clone(), options.tenant.clone(), calls, deadline)),
        });
    }
    let label = match &options.tenant {
        Some(tenant) => format!("azure/graph/{tenant}"),
        None => "azure/graph".to_string(),
    };
    let calls = Calls::new(progress, &label);
    tasks.push(SourceTask {
        provider: Provider::Azure,
        origin: label.clone(),
        task: Box::pin(collect_graph(label, endpoints, options.tenant.clone(), calls, deadline)),
    });
    tasks
}

/// The first credential of the chain that yields a token for `scope` (in `tenant`, when given:
/// `--azure-tenant`; managed identities belong to their own tenant).
async fn credential(scope: &str, tenant: Option<&str>) -> Result<Arc<dyn TokenCredential>, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let mut candidates: Vec<(&str, azure_core::Result<Arc<dyn TokenCredential>>)> = Vec::new();
    let secret_tenant = tenant.map(str::to_string).or_else(|| env("AZURE_TENANT_ID"));
    if let (Some(tenant), Some(client), Some(secret)) = (secret_tenant, env("AZURE_CLIENT_ID"), env("AZURE_CLIENT_SECRET")) {
        candidates.push((
            "environment (client secret)",
            ClientSecretCredential::new(&tenant, client, secret.into(), None).map(|c| c as Arc<dyn TokenCredential>),
        ));
    }
    if env("AZURE_FEDERATED_TOKEN_FILE").is_some() {
        let options = WorkloadIdentityCredentialOptions { tenant_id: tenant.map(str::to_string), ..Default::default() };
        candidates.push(("workload identity", WorkloadIdentityCredential::new(Some(options)).map(|c| c as Arc<dyn TokenCredential>)));
    }
    let app_service = env("IDENTITY_ENDPOINT").is_some() || env("MSI_ENDPOINT").is_some();
    if app_service {
        candidates.push(("managed identity", ManagedIdentityCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)));
    }
    match tenant {
        Some(tenant) => {
            let options = AzureCliCredentialOptions { tenant_id: Some(tenant.to_string()), ..Default::default() };
            candidates.push(("Azure CLI", AzureCliCredential::new(Some(options)).map(|c| c as Arc<dyn TokenCredential>)));
        }
        None => {
            candidates.push(("Azure CLI / Azure Developer CLI", DeveloperToolsCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)))
        }
    }
    if !app_service {
        candidates.push(("managed identity (IMDS)", ManagedIdentityCredential::new(None).map(|c| c as Arc<dyn TokenCredential>)));
    }
    let mut reasons = Vec::new();
    for (name, candidate) in candidates {
        match candidate {
            Ok(credential) => match credential.get_token(&[scope], None).await {
                Ok(_) => return Ok(credential),
                Err(e) => reasons.push(format!("{name}: {}", first_line(&e.to_string()))),
            },
            Err(e) => reasons.push(format!("{name}: {}", first_line(&e.to_string()))),
        }
    }
    Err(format!("no Azure credentials ({})", reasons.join("; ")))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

/// A failed call: its one-line text and whether to retry it.
struct CallError {
    text: String,
    retry: Retry,
}

/// Adds the credential's bearer token to each request. `azure_core`'s own policy refuses plain
/// HTTP; this one allows it for loopback hosts only (an emulator or the tests' fake), so a token
/// never crosses a network unencrypted.
struct BearerToken {
    credential: Arc<dyn TokenCredential>,
    scope: String,
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerToken").field("scope", &self.scope).finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl Policy for BearerToken {
    async fn send(&self, ctx: &Context, request: &mut Request, next: &[Arc<dyn Policy>]) -> PolicyResult {
        let url = request.url();
        let is_loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if url.scheme() != "https" && !is_loopback {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Other,
                "a token is only sent over HTTPS (or to a loopback address)",
            ));
        }
        let token = self.credential.get_token(&[self.scope.as_str()], None).await?;
        request.insert_header(AUTHORIZATION, format!("Bearer {}", token.token.secret()));
        next[0].send(ctx, request, &next[1..]).await
    }
}

/// Sends GET requests through `azure_core`'s pipeline with a bearer token; retries are ours.
struct Client {
    pipeline: Pipeline,
    calls: Calls,
    deadline: Deadline,
}

impl Client {
    fn new(credential: Arc<dyn TokenCredential>, scope: &str, calls: Calls, deadline: Deadline) -> Self {
        let auth: Arc<dyn Policy> = Arc::new(BearerToken { credential, scope: scope.to_string() });
        let options = ClientOptions { retry: RetryOptions::none(), ..Default::default() };
        let pipeline = Pipeline::new(Some("wiscan"), Some(env!("CARGO_PKG_VERSION")), options, Vec::new(), vec![auth], None);
        Client { pipeline, calls, deadline }
    }

    /// One GET, retried on 429 and 5xx, as JSON.
    async fn get(&self, url: &str) -> Result<Value, CallError> {
        let what = url.split('?').next().unwrap_or(url).to_string();
        with_retries(
            || async {
                self.calls.one();
                let parsed = Url::parse(url).map_err(|e| CallError { text: format!("{what}: {e}"), retry: Retry::No })?;
                let mut request = Request::new(parsed, Method::Get);
                let context = Context::new();
                let send =
                    self.pipeline.send(&context, &mut request, Some(PipelineSendOptions { skip_checks: true, ..Default::default() }));
                let response = match tokio::time::timeout(ATTEMPT_TIMEOUT, send).await {
                    Ok(Ok(response)) => response,
                    Ok(Err(e)) => {
                        // A dropped connection is worth another try; a refused token or setting is not.
                        let retry = match e.kind() {
                            azure_core::error::ErrorKind::Io | azure_core::error::ErrorKind::Connection => Retry::Backoff,
                            _ => Retry::No,
                        };
                        return Err(CallError { text: format!("{what}: {}", first_line(&e.to_string())), retry });
                    }
                    Err(_) => {
                        return Err(CallError {
                            text: format!("{what}: no answer in {} s", ATTEMPT_TIMEOUT.as_secs()),
                            retry: Retry::Backoff,
                        });
                    }
                };
                let status = u16::from(response.status());
                let retry_after =
                    response.headers().get_optional_str(&azure_core::http::headers::RETRY_AFTER).and_then(|v| v.trim().parse::<u64>().ok());
                let body: &[u8] = response.body().as_ref();
                if (200..300).contains(&status) {
                    return serde_json::from_slice(body)
                        .map_err(|e| CallError { text: format!("{what}: not JSON ({e})"), retry: Retry::No });
                }
                let error: Value = serde_json::from_slice(body).unwrap_or_default();
                let code = error["error"]["code"].as_str().unwrap_or("error");
                let message = error["error"]["message"].as_str().unwrap_or_default();
                let retry = match status {
                    429 | 500 | 502 | 503 | 504 => retry_after.map_or(Retry::Backoff, |s| Retry::After(Duration::from_secs(s))),
                    _ => Retry::No,
                };
                Err(CallError { text: format!("{what}: {status} {code}: {message}"), retry })
            },
            |e: &CallError| e.retry,
            self.deadline,
            |mut e, note| {
                e.text = format!("{} ({note})", e.text);
                e
            },
        )
        .await
        .map_err(|mut e| {
            e.text = redact_error(&e.text);
            e
        })
    }

    /// Every page of a list (`value`, with `nextLink` or `@odata.nextLink`).
    async fn list(&self, url: &str) -> Result<Vec<Value>, CallError> {
        let mut items = Vec::new();
        let mut next = Some(url.to_string());
        while let Some(url) = next {
            let page = self.get(&url).await?;
            if let Some(values) = page["value"].as_array() {
                items.extend(values.iter().cloned());
            }
            next = page["nextLink"].as_str().or(page["@odata.nextLink"].as_str()).map(str::to_string);
        }
        Ok(items)
    }
}

/// An ARM resource as `az` prints it: `properties` lifted to the top.
fn flatten(mut resource: Value) -> Value {
    if let Some(object) = resource.as_object_mut()
        && let Some(Value::Object(properties)) = object.remove("properties")
    {
        for (key, value) in properties {
            object.entry(key).or_insert(value);
        }
    }
    resource
}

async fn collect_subscriptions(
    subscription: Option<String>,
    label: String,
    endpoints: Endpoints,
    tenant: Option<String>,
    calls: Calls,
    deadline: Deadline,
) -> (Inventory, SourceReport) {
    let credential = match credential(ARM_SCOPE, tenant.as_deref()).await {
        Ok(c) => c,
        Err(e) => return (Inventory::default(), failed(Provider::Azure, &label, e)),
    };
    let client = Arc::new(Client::new(credential, ARM_SCOPE, calls.clone(), deadline));
    let arm = &endpoints.arm;
    let subscriptions = match subscription {
        Some(s) => vec![s],
        None => match client.list(&format!("{arm}/subscriptions?api-version=2022-12-01")).await {
            Ok(list) => list.iter().filter_map(|s| s["subscriptionId"].as_str().map(str::to_string)).collect(),
            Err(e) => return (Inventory::default(), with_calls(failed(Provider::Azure, &label, e.text), &calls)),
        },
    };
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for subscription in &subscriptions {
        let base = format!("{arm}/subscriptions/{subscription}/providers");
        let identities = match client.list(&format!("{base}/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2023-01-31")).await
        {
            Ok(list) => list.into_iter().map(flatten).collect::<Vec<_>>(),
            Err(e) => {
                errors.push(e.text);
                Vec::new()
            }
        };
        let ids: Vec<String> = identities.iter().filter_map(|i| i["id"].as_str().map(str::to_string)).collect();
        objects.extend(identities);
        let (credentials, failed_calls) = credentials_of(&client, arm, ids).await;
        objects.extend(credentials);
        errors.extend(failed_calls);
        match client.list(&format!("{base}/Microsoft.ContainerService/managedClusters?api-version=2025-02-01")).await {
            Ok(list) => objects.extend(list.into_iter().map(flatten)),
            Err(e) => errors.push(e.text),
        }
        let names = match client.list(&format!("{base}/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01")).await {
            Ok(list) => list
                .into_iter()
                .filter_map(|d| Some((d["name"].as_str()?.to_ascii_lowercase(), d["properties"]["roleName"].as_str()?.to_string())))
                .collect::<HashMap<String, String>>(),
            Err(e) => {
                errors.push(e.text);
                HashMap::new()
            }
        };
        match client.list(&format!("{base}/Microsoft.Authorization/roleAssignments?api-version=2022-04-01")).await {
            Ok(list) => objects.extend(list.into_iter().map(flatten).map(|mut a| {
                // `az` names the role; the API gives its definition's ID (its last segment is the name).
                let id = a["roleDefinitionId"].as_str().and_then(|d| d.rsplit('/').next()).map(str::to_ascii_lowercase);
                if let Some(name) = id.and_then(|id| names.get(&id)) {
                    a["roleDefinitionName"] = Value::String(name.clone());
                }
                a
            })),
            Err(e) => errors.push(e.text),
        }
    }
    finish(label, objects, errors, &calls, "Azure Resource Manager")
}

/// Every managed identity's federated credentials, a few identities at once.
async fn credentials_of(client: &Arc<Client>, arm: &str, identities: Vec<String>) -> (Vec<Value>, Vec<String>) {
    let limit = Arc::new(Semaphore::new(CONCURRENT_CALLS));
    let mut tasks = JoinSet::new();
    for id in identities {
        let (client, limit) = (Arc::clone(client), Arc::clone(&limit));
        let url = format!("{arm}{id}/federatedIdentityCredentials?api-version=2023-01-31");
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            client.list(&url).await
        });
    }
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(list)) => objects.extend(list.into_iter().map(flatten)),
            Ok(Err(e)) => errors.push(e.text),
            Err(e) => errors.push(super::runner::panic_reason(e)),
        }
    }
    (objects, errors)
}

/// The tenant's applications (with their federated credentials; Graph's beta endpoint, the only
/// one that returns flexible credentials' expressions) and service principals.
async fn collect_graph(
    label: String,
    endpoints: Endpoints,
    tenant: Option<String>,
    calls: Calls,
    deadline: Deadline,
) -> (Inventory, SourceReport) {
    let credential = match credential(GRAPH_SCOPE, tenant.as_deref()).await {
        Ok(c) => c,
        Err(e) => return (Inventory::default(), failed(Provider::Azure, &label, e)),
    };
    let client = Client::new(credential, GRAPH_SCOPE, calls.clone(), deadline);
    let graph = &endpoints.graph;
    let applications = format!(
        "{graph}/beta/applications?$select=id,appId,displayName,passwordCredentials,keyCredentials&$expand=federatedIdentityCredentials"
    );
    let principals =
        format!("{graph}/v1.0/servicePrincipals?$select=id,appId,displayName,servicePrincipalType,passwordCredentials,keyCredentials");
    let (applications, principals) = tokio::join!(client.list(&applications), client.list(&principals));
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for result in [applications, principals] {
        match result {
            Ok(list) => objects.extend(list),
            Err(e) => errors.push(e.text),
        }
    }
    if objects.is_empty() && !errors.is_empty() {
        return (Inventory::default(), with_calls(failed(Provider::Azure, &label, errors.join("; ")), &calls));
    }
    finish(label, objects, errors, &calls, "Microsoft Graph")
}

fn with_calls(mut report: SourceReport, calls: &Calls) -> SourceReport {
    report.calls = Some(calls.total());
    report
}

/// Reads the collected objects like `az` output and reports the source.
fn finish(label: String, objects: Vec<Value>, errors: Vec<String>, calls: &Calls, kind: &str) -> (Inventory, SourceReport) {
    calls.bar.finish_and_clear();
    let scope: Arc<str> = Arc::from(label.as_str());
    let azure = match crate::sources::azure::read_live(&scope, objects) {
        Ok(azure) => azure,
        Err(e) => {
            return (
                Inventory::default(),
                with_calls(failed(Provider::Azure, &label, format!("a response could not be read: {e}")), calls),
            );
        }
    };
    let inventory = Inventory { azure, ..Inventory::default() };
    let report = SourceReport {
        provider: Some(Provider::Azure),
        origin: label,
        kind: Some(kind.to_string()),
        status: if errors.is_empty() { SourceStatus::Ok } else { SourceStatus::Partial },
        objects: inventory.object_count(),
        calls: Some(calls.total()),
        errors,
    };
    (inventory, report)
}
