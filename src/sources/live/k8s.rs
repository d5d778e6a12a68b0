//! Kubernetes, live: kubeconfig contexts (or in-cluster config) through `kube`, every kind the
//! rules read, paginated with `limit`/`continue`, several kinds at once. A kind that cannot be
//! listed (403 on Secrets, say) makes the source partial and says so; the rest is still read.
//! Lists are plain HTTP calls through the client, so throttling and `Retry-After` are handled here,
//! within bounds.

use std::sync::Arc;
use std::time::Duration;

use kube::api::ListParams;
use kube::client::{AuthError, Body};
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use kube::{Client, Config};
use serde::Deserialize;
use serde_json::Value;
use tokio::task::JoinSet;

use super::K8sOptions;
use super::runner::{Deadline, Retry};
use crate::finding::Provider;
use crate::model::{Inventory, Origin};
use crate::redact::redact_error;
use crate::sources::{SourceReport, SourceStatus};

/// Page size for list calls: large pages, few calls. `WISCAN_K8S_PAGE_SIZE` lowers it (tests use it
/// to exercise pagination on small fixtures).
fn page_size() -> u32 {
    std::env::var("WISCAN_K8S_PAGE_SIZE").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(500)
}

/// One kind to list: (apiVersion, kind, cluster-wide list path, label).
type ListKind = (&'static str, &'static str, &'static str, &'static str);

/// The kinds the rules read, listed across all namespaces.
const KINDS: [ListKind; 11] = [
    ("v1", "Namespace", "/api/v1/namespaces", "namespaces"),
    ("v1", "ServiceAccount", "/api/v1/serviceaccounts", "serviceaccounts"),
    ("v1", "Pod", "/api/v1/pods", "pods"),
    ("apps/v1", "Deployment", "/apis/apps/v1/deployments", "deployments"),
    ("apps/v1", "StatefulSet", "/apis/apps/v1/statefulsets", "statefulsets"),
    ("apps/v1", "DaemonSet", "/apis/apps/v1/daemonsets", "daemonsets"),
    ("apps/v1", "ReplicaSet", "/apis/apps/v1/replicasets", "replicasets"),
    ("batch/v1", "Job", "/apis/batch/v1/jobs", "jobs"),
    ("batch/v1", "CronJob", "/apis/batch/v1/cronjobs", "cronjobs"),
    ("v1", "ConfigMap", "/api/v1/configmaps", "configmaps"),
    ("networking.k8s.io/v1", "NetworkPolicy", "/apis/networking.k8s.io/v1/networkpolicies", "networkpolicies"),
];

const SECRETS: ListKind = ("v1", "Secret", "/api/v1/secrets", "secrets");

/// Network policy CRDs, read when the cluster serves them (404: not installed, nothing to read).
const OPTIONAL_POLICY_KINDS: [ListKind; 2] = [
    ("cilium.io/v2", "CiliumNetworkPolicy", "/apis/cilium.io/v2/ciliumnetworkpolicies", "ciliumnetworkpolicies"),
    ("projectcalico.org/v3", "NetworkPolicy", "/apis/projectcalico.org/v3/networkpolicies", "calico networkpolicies"),
];

/// Connect and read limits for every call; the source's deadline bounds retries and the rest.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// One task per context, for [`super::runner::run_sources`] to run under the deadline.
pub(crate) fn sources(options: &K8sOptions, progress: &super::runner::Progress, deadline: Deadline) -> Vec<super::runner::SourceTask> {
    let contexts: Vec<Option<String>> =
        if options.contexts.is_empty() { vec![None] } else { options.contexts.iter().cloned().map(Some).collect() };
    contexts
        .into_iter()
        .map(|context| {
            let label = format!("k8s/{}", context.as_deref().unwrap_or("current-context"));
            let bar = progress.source(&label);
            super::runner::SourceTask {
                provider: Provider::K8s,
                origin: label,
                task: Box::pin(collect_context(context, options.skip_secrets, bar, deadline)),
            }
        })
        .collect()
}

async fn collect_context(
    context: Option<String>,
    skip_secrets: bool,
    bar: indicatif::ProgressBar,
    deadline: Deadline,
) -> (Inventory, SourceReport) {
    let exec_command = exec_command_of(context.as_deref());
    let (client, name) = match client_for(context.as_deref(), exec_command.as_deref()).await {
        Ok(pair) => pair,
        Err(e) => {
            let origin = format!("k8s/{}", context.as_deref().unwrap_or("current-context"));
            return (Inventory::default(), report(origin, SourceStatus::Error, 0, vec![e]));
        }
    };
    let origin = format!("k8s/{name}");
    let scope: Arc<str> = Arc::from(origin.as_str());
    let mut kinds: Vec<(ListKind, bool)> = KINDS.iter().map(|k| (*k, false)).collect();
    if !skip_secrets {
        kinds.push((SECRETS, false));
    }
    kinds.extend(OPTIONAL_POLICY_KINDS.iter().map(|k| (*k, true)));

    let mut lists = JoinSet::new();
    let mut labels = std::collections::HashMap::new();
    for ((api_version, kind, path, label), is_optional) in kinds {
        let (client, bar, exec_command) = (client.clone(), bar.clone(), exec_command.clone());
        let handle = lists.spawn(async move {
            let items = match list_all(&client, path, &bar, deadline, exec_command.as_deref()).await {
                Err(ListError { status: Some(404), .. }) if is_optional => Ok(Vec::new()),
                other => other.map_err(|e| e.message),
            };
            // List items omit their type; the reader needs it.
            let items = items.map(|items| {
                items
                    .into_iter()
                    .map(|mut item| {
                        item["apiVersion"] = Value::from(api_version);
                        item["kind"] = Value::from(kind);
                        item
                    })
                    .collect::<Vec<Value>>()
            });
            (label, items)
        });
        labels.insert(handle.id(), label);
    }

    let mut objects: Vec<(&'static str, Vec<Value>)> = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = lists.join_next().await {
        match joined {
            Ok((label, Ok(items))) => objects.push((label, items)),
            Ok((label, Err(e))) => errors.push(format!("listing {label}: {e}")),
            Err(e) => {
                errors.push(format!("listing {}: {}", labels.get(&e.id()).copied().unwrap_or("a kind"), super::runner::panic_reason(e)))
            }
        }
    }
    // Deterministic order whatever the timing, so origins and results are stable.
    objects.sort_by_key(|(label, _)| *label);
    errors.sort();

    let mut reader = crate::sources::k8s::ValueReader::new(&origin);
    for (label, items) in objects {
        for mut item in items {
            if skip_secrets
                && label == "configmaps"
                && let Some(map) = item.as_object_mut()
            {
                map.remove("data");
                map.remove("binaryData");
            }
            // The offline reader, object by object: one odd object does not lose the others.
            if let Err(e) = reader.read(&item, Origin::Live { scope: Arc::clone(&scope) }) {
                errors.push(format!("{label}: {e}"));
            }
        }
    }
    let k8s = reader.into_inventory();
    let count = k8s.object_count();
    let status = if errors.is_empty() {
        SourceStatus::Ok
    } else if count == 0 {
        SourceStatus::Error
    } else {
        SourceStatus::Partial
    };
    bar.finish_with_message(format!("done, {count} objects"));
    tracing::info!("{origin}: {count} objects");
    (Inventory { k8s, ..Default::default() }, report(origin, status, count, errors))
}

fn report(origin: String, status: SourceStatus, objects: usize, errors: Vec<String>) -> SourceReport {
    SourceReport { provider: Some(Provider::K8s), origin, kind: Some("kubernetes API".into()), status, objects, calls: None, errors }
}

/// A client for a kubeconfig context (the current one when `None`, or in-cluster config), with
/// connect and read timeouts and without the client's own retries (which wait without bound).
async fn client_for(context: Option<&str>, exec_command: Option<&str>) -> Result<(Client, String), String> {
    let mut config = match context {
        Some(ctx) => {
            let options = KubeConfigOptions { context: Some(ctx.to_string()), ..Default::default() };
            Config::from_kubeconfig(&options).await.map_err(|e| format!("kubeconfig context {ctx}: {}", describe(&e, exec_command)))?
        }
        None => Config::infer()
            .await
            .map_err(|e| format!("no Kubernetes configuration (not in a cluster, and the kubeconfig: {})", describe(&e, exec_command)))?,
    };
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.read_timeout = Some(READ_TIMEOUT);
    config.default_retry = false;
    let name = match context {
        Some(ctx) => ctx.to_string(),
        None => Kubeconfig::read().ok().and_then(|k| k.current_context).unwrap_or_else(|| "in-cluster".to_string()),
    };
    let client = Client::try_from(config).map_err(|e| format!("Kubernetes client for {name}: {}", describe(&e, exec_command)))?;
    Ok((client, name))
}

/// The program of the context's exec credential plugin, to name it in errors without quoting its
/// arguments or environment.
fn exec_command_of(context: Option<&str>) -> Option<String> {
    let config = Kubeconfig::read().ok()?;
    let context_name = context.map(str::to_string).or(config.current_context.clone())?;
    let user = config.contexts.iter().find(|c| c.name == context_name)?.context.as_ref()?.user.clone()?;
    let auth = config.auth_infos.iter().find(|a| a.name == user)?.auth_info.as_ref()?;
    auth.exec.as_ref()?.command.clone()
}

/// A failed list call: the HTTP status when there was an answer, and a one-line reason.
struct ListError {
    status: Option<u16>,
    message: String,
}

#[derive(Deserialize)]
struct ListPage {
    #[serde(default)]
    items: Vec<Value>,
    #[serde(default)]
    metadata: ListMeta,
}

#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(default, rename = "continue")]
    continue_token: Option<String>,
}

/// The `message` and `reason` of a `Status` body.
#[derive(Deserialize, Default)]
struct StatusBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    reason: String,
}

/// Every item at `path`, following `continue` tokens. Throttling (429), 5xx and dropped
/// connections are retried within bounds ([`super::runner::with_retries`]), honouring a capped `Retry-After`.
async fn list_all(
    client: &Client,
    path: &str,
    bar: &indicatif::ProgressBar,
    deadline: Deadline,
    exec_command: Option<&str>,
) -> Result<Vec<Value>, ListError> {
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut params = ListParams::default().limit(page_size());
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        let call = || async {
            bar.inc(1);
            list_page(client, path, &params, exec_command).await
        };
        let page = super::runner::with_retries(
            call,
            |e: &(ListError, Retry)| e.1,
            deadline,
            |(mut e, retry), note| {
                e.message = format!("{}; {note}", e.message);
                (e, retry)
            },
        )
        .await
        .map_err(|(e, _)| e)?;
        items.extend(page.items);
        token = page.metadata.continue_token.filter(|t| !t.is_empty());
        if token.is_none() {
            return Ok(items);
        }
    }
}

/// One page, with what a failure says about retrying it.
async fn list_page(client: &Client, path: &str, params: &ListParams, exec_command: Option<&str>) -> Result<ListPage, (ListError, Retry)> {
    let request =
        kube::core::Request::new(path).list(params).map_err(|e| (ListError { status: None, message: e.to_string() }, Retry::No))?;
    let response = client.send(request.map(Body::from)).await.map_err(|e| {
        let retry = if matches!(e, kube::Error::HyperError(_) | kube::Error::Service(_)) { Retry::Backoff } else { Retry::No };
        (ListError { status: None, message: describe(&e, exec_command) }, retry)
    })?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.into_body().collect_bytes().await.map_err(|e| {
        (
            ListError { status: Some(status), message: format!("the answer could not be read: {}", describe(&e, exec_command)) },
            Retry::Backoff,
        )
    })?;
    if (200..300).contains(&status) {
        // An unreadable page is a failed call, never quoted: it may hold Secrets.
        return serde_json::from_slice(&body).map_err(|e| {
            let message = format!("the answer is not a list (line {}, column {})", e.line(), e.column());
            (ListError { status: Some(status), message }, Retry::No)
        });
    }
    let body: StatusBody = serde_json::from_slice(&body).unwrap_or_default();
    let what = match status {
        401 => "unauthorized",
        403 => "access denied",
        404 => "not found (API not served?)",
        429 => "throttled",
        _ if status >= 500 => "server error",
        _ => "request refused",
    };
    let reason = if body.reason.is_empty() { String::new() } else { format!(" {}", body.reason) };
    let message = redact_error(&format!("{what} ({status}{reason}): {}", body.message));
    let retry = match (status, retry_after) {
        (429 | 503, Some(after)) => Retry::After(after),
        (429, None) | (500..=599, _) => Retry::Backoff,
        _ => Retry::No,
    };
    Err((ListError { status: Some(status), message }, retry))
}

/// One line for a client, configuration or credential failure. A kubeconfig is never quoted (a
/// parse error would show its tokens and keys), nor an exec plugin's arguments, environment or output.
fn describe(e: &(dyn std::error::Error + 'static), exec_command: Option<&str>) -> String {
    let plugin = exec_command.map(|c| format!(" `{}`", c.rsplit('/').next().unwrap_or(c))).unwrap_or_default();
    let mut current = Some(e);
    while let Some(err) = current {
        if let Some(k) = err.downcast_ref::<KubeconfigError>() {
            let text = match k {
                KubeconfigError::Parse(inner) => {
                    format!("the kubeconfig is not valid YAML{}", super::runner::position_in(&inner.to_string()))
                }
                other => super::runner::error_chain(other),
            };
            return redact_error(&text);
        }
        if let Some(a) = err.downcast_ref::<AuthError>() {
            let text = match a {
                AuthError::AuthExecStart(io) => format!("cannot start the exec credential plugin{plugin}: {io}"),
                AuthError::AuthExecRun { out, .. } => format!("the exec credential plugin{plugin} failed ({})", out.status),
                AuthError::AuthExecParse(_) | AuthError::ExecPluginFailed => {
                    format!("the exec credential plugin{plugin} printed no valid ExecCredential")
                }
                AuthError::AuthExec(_) => format!("the exec credential plugin{plugin} failed"),
                AuthError::ReadTokenFile(io, path) => format!("cannot read the token file {}: {io}", path.display()),
                other => format!("authentication failed: {}", super::runner::error_chain(other)),
            };
            return redact_error(&text);
        }
        current = err.source();
    }
    redact_error(&super::runner::error_chain(e))
}
