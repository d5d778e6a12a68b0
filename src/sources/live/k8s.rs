//! Kubernetes, live: kubeconfig contexts (or in-cluster config) through `kube`, every kind the
//! rules read, paginated with `limit`/`continue`, several kinds at once. A kind that cannot be
//! listed (403 on Secrets, say) makes the source partial and says so; the rest is still read.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret, ServiceAccount};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::api::{Api, ApiResource, DynamicObject, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::task::JoinSet;

use crate::finding::Provider;
use crate::model::k8s::K8sInventory;
use crate::model::{Inventory, Origin};
use crate::sources::{SourceReport, SourceStatus};

/// Page size for list calls: large pages, few calls. `WISCAN_K8S_PAGE_SIZE` lowers it (tests use it
/// to exercise pagination on small fixtures).
fn page_size() -> u32 {
    std::env::var("WISCAN_K8S_PAGE_SIZE").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(500)
}

/// Network policy CRDs read when present: (group, version, kind, plural, label).
const OPTIONAL_POLICY_KINDS: [(&str, &str, &str, &str, &str); 2] = [
    ("cilium.io", "v2", "CiliumNetworkPolicy", "ciliumnetworkpolicies", "ciliumnetworkpolicies"),
    ("projectcalico.org", "v3", "NetworkPolicy", "networkpolicies", "calico networkpolicies"),
];

#[derive(Clone, Debug, Default)]
pub struct K8sOptions {
    /// Kubeconfig contexts; empty means the current context (or in-cluster config).
    pub contexts: Vec<String>,
    /// `--no-secrets`: do not list Secrets, and do not read ConfigMaps' contents.
    pub skip_secrets: bool,
}

/// One report per context, all contexts at once.
pub(crate) async fn collect(options: &K8sOptions, progress: &super::Progress) -> Vec<(Inventory, SourceReport)> {
    let contexts: Vec<Option<String>> =
        if options.contexts.is_empty() { vec![None] } else { options.contexts.iter().cloned().map(Some).collect() };
    let mut tasks = JoinSet::new();
    for (i, context) in contexts.into_iter().enumerate() {
        let skip_secrets = options.skip_secrets;
        let bar = progress.source(&format!("k8s/{}", context.as_deref().unwrap_or("current-context")));
        tasks.spawn(async move { (i, collect_context(context, skip_secrets, bar).await) });
    }
    let mut results: Vec<(usize, (Inventory, SourceReport))> = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(result) = joined {
            results.push(result);
        }
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

async fn collect_context(context: Option<String>, skip_secrets: bool, bar: indicatif::ProgressBar) -> (Inventory, SourceReport) {
    let (client, name) = match client_for(context.as_deref()).await {
        Ok(pair) => pair,
        Err(e) => {
            let origin = format!("k8s/{}", context.as_deref().unwrap_or("current-context"));
            return (Inventory::default(), report(origin, SourceStatus::Error, 0, vec![e]));
        }
    };
    let origin = format!("k8s/{name}");
    let scope: Arc<str> = Arc::from(origin.as_str());
    let mut lists: JoinSet<(&'static str, Result<Vec<Value>, String>)> = JoinSet::new();
    macro_rules! list_kind {
        ($kind:ty, $label:literal) => {{
            let api: Api<$kind> = Api::all(client.clone());
            let bar = bar.clone();
            lists.spawn(async move { ($label, list_all(api, &bar).await) });
        }};
    }
    list_kind!(Namespace, "namespaces");
    list_kind!(ServiceAccount, "serviceaccounts");
    list_kind!(Pod, "pods");
    list_kind!(Deployment, "deployments");
    list_kind!(StatefulSet, "statefulsets");
    list_kind!(DaemonSet, "daemonsets");
    list_kind!(ReplicaSet, "replicasets");
    list_kind!(Job, "jobs");
    list_kind!(CronJob, "cronjobs");
    list_kind!(ConfigMap, "configmaps");
    list_kind!(NetworkPolicy, "networkpolicies");
    if !skip_secrets {
        list_kind!(Secret, "secrets");
    }
    // Policy CRDs, when the cluster serves them (404: not installed, nothing to read).
    for (group, version, kind, plural, label) in OPTIONAL_POLICY_KINDS {
        let resource = ApiResource {
            group: group.into(),
            version: version.into(),
            api_version: format!("{group}/{version}"),
            kind: kind.into(),
            plural: plural.into(),
        };
        let api: Api<DynamicObject> = Api::all_with(client.clone(), &resource);
        let bar = bar.clone();
        lists.spawn(async move {
            let items = match list_all(api, &bar).await {
                Err(e) if e.starts_with("not found") => Ok(Vec::new()),
                other => other,
            };
            let items = items.map(|items| {
                items
                    .into_iter()
                    .map(|mut item| {
                        // List items of a CRD may omit their type; the reader needs it.
                        item["apiVersion"] = Value::from(format!("{group}/{version}"));
                        item["kind"] = Value::from(kind);
                        item
                    })
                    .collect()
            });
            (label, items)
        });
    }

    let mut objects: Vec<(&'static str, Vec<Value>)> = Vec::new();
    let mut errors = Vec::new();
    while let Some(joined) = lists.join_next().await {
        match joined {
            Ok((label, Ok(items))) => objects.push((label, items)),
            Ok((label, Err(e))) => errors.push(format!("listing {label}: {e}")),
            Err(e) => errors.push(format!("a list task failed: {e}")),
        }
    }
    // Deterministic order whatever the timing, so origins and results are stable.
    objects.sort_by_key(|(label, _)| *label);
    errors.sort();

    let mut k8s = K8sInventory::default();
    for (label, items) in objects {
        for mut item in items {
            if skip_secrets && label == "configmaps" {
                if let Some(map) = item.as_object_mut() {
                    map.remove("data");
                    map.remove("binaryData");
                }
            }
            // The offline reader, object by object: one odd object does not lose the others.
            match crate::sources::k8s::read_values(&origin, vec![(item, Origin::Live { scope: Arc::clone(&scope) })]) {
                Ok(crate::sources::Recognised::Inventory { inventory, .. }) => k8s.merge(inventory.k8s),
                Ok(crate::sources::Recognised::Unrecognised) => {}
                Err(e) => errors.push(format!("{label}: {e}")),
            }
        }
    }
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

/// A client for a kubeconfig context (the current one when `None`, or in-cluster config).
async fn client_for(context: Option<&str>) -> Result<(Client, String), String> {
    let config = match context {
        Some(ctx) => {
            let options = KubeConfigOptions { context: Some(ctx.to_string()), ..Default::default() };
            Config::from_kubeconfig(&options).await.map_err(|e| format!("kubeconfig context {ctx}: {e}"))?
        }
        None => Config::infer().await.map_err(|e| format!("no Kubernetes configuration (kubeconfig or in-cluster): {e}"))?,
    };
    let name = match context {
        Some(ctx) => ctx.to_string(),
        None => Kubeconfig::read().ok().and_then(|k| k.current_context).unwrap_or_else(|| "in-cluster".to_string()),
    };
    let client = Client::try_from(config).map_err(|e| format!("Kubernetes client for {name}: {e}"))?;
    Ok((client, name))
}

/// Every item of a kind, following `continue` tokens; 5xx answers are retried (kube itself
/// retries 429, 503 and 504, honouring `Retry-After`).
async fn list_all<K>(api: Api<K>, bar: &indicatif::ProgressBar) -> Result<Vec<Value>, String>
where
    K: kube::Resource + Clone + DeserializeOwned + Serialize + std::fmt::Debug,
{
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut params = ListParams::default().limit(page_size());
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        bar.inc(1);
        let page = super::with_retries(|| api.list(&params), |e: &kube::Error| matches!(e, kube::Error::Api(s) if s.code >= 500))
            .await
            .map_err(describe)?;
        for item in page.items {
            items.push(serde_json::to_value(&item).map_err(|e| e.to_string())?);
        }
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            return Ok(items);
        }
    }
}

fn describe(e: kube::Error) -> String {
    match e {
        kube::Error::Api(status) => {
            let what = match status.code {
                401 => "unauthorized",
                403 => "access denied",
                404 => "not found (API not served?)",
                429 => "throttled",
                _ => "server error",
            };
            format!("{what} ({} {}): {}", status.code, status.reason, crate::redact::redact_text(&status.message))
        }
        other => crate::redact::redact_text(&other.to_string()),
    }
}
