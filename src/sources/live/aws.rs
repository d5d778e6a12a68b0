//! AWS, live: the official SDK with the standard credential chain, one account per profile or
//! assumed role, regions in parallel, the fewest calls (account authorization details in pages,
//! the credential report, OIDC providers; per region EKS clusters, Pod Identity associations,
//! worker instances and launch templates). Every call is counted; a denied or failing call makes
//! the account `partial` with the reason, and the rest is still read.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::EntityType;
use jiff::Timestamp;
use tokio::sync::Mutex;
use tokio::task::JoinSet;

use super::AwsOptions;
use crate::finding::Provider;
use crate::model::aws::{
    AccessKey, CapacityKind, EksCluster, IamUser, MetadataOptions, NodeCapacity, OidcProvider, PodIdentityAssociation, Role,
};
use crate::model::{Inventory, Origin};
use crate::policy::{Issuer, TrustPolicy};
use crate::redact::{redact_key_id, redact_text};
use crate::sources::{SourceReport, SourceStatus};

/// How to reach one account.
#[derive(Clone, Debug)]
enum Target {
    Default,
    Profile(String),
    AssumeRole(String),
}

impl Target {
    fn label(&self) -> String {
        match self {
            Target::Default => "default credentials".into(),
            Target::Profile(p) => format!("profile {p}"),
            Target::AssumeRole(arn) => format!("role {arn}"),
        }
    }
}

/// What one account yielded, collected by its tasks.
#[derive(Default)]
struct Collected {
    inventory: Inventory,
    errors: Vec<String>,
}

/// Counts API calls; the count goes into the account's report and its progress line.
#[derive(Clone)]
struct Calls(Arc<AtomicUsize>, indicatif::ProgressBar);

impl Calls {
    fn new(bar: indicatif::ProgressBar) -> Self {
        Calls(Arc::default(), bar)
    }
    fn tick(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
        self.1.inc(1);
    }
    fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }
}

/// One task per requested account (profile, role, or the default credentials), for
/// [`super::runner::run_sources`] to run under the deadline.
pub(crate) fn sources(options: &AwsOptions, progress: &super::runner::Progress) -> Vec<super::runner::SourceTask> {
    let mut targets: Vec<Target> = options.profiles.iter().cloned().map(Target::Profile).collect();
    targets.extend(options.role_arns.iter().cloned().map(Target::AssumeRole));
    if targets.is_empty() {
        targets.push(Target::Default);
    }
    targets
        .into_iter()
        .map(|target| {
            let regions = options.regions.clone();
            let bar = progress.source(&format!("aws {}", target.label()));
            super::runner::SourceTask {
                provider: Provider::Aws,
                origin: format!("aws/{}", target.label()),
                task: Box::pin(collect_account(target, regions, bar)),
            }
        })
        .collect()
}

/// Attempts per call, whatever `max_attempts` says: waits must stay bounded.
const MAX_ATTEMPTS_CAP: u32 = 10;

/// The retry settings of the environment and the profile, read and checked here: the SDK panics
/// on some invalid values (`max_attempts = 0`, an unknown retry mode), which would lose the source.
fn retry_settings(profile: &str, profiles: &aws_config::profile::ProfileSet) -> Result<RetryConfig, String> {
    let setting = |env: &str, key: &str| -> Option<(String, String)> {
        match std::env::var(env) {
            Ok(v) => Some((v, env.to_string())),
            Err(_) => profiles.get(key).map(|v| (v.to_string(), format!("`{key}` of profile {profile}"))),
        }
    };
    let mut retry = RetryConfig::standard().with_max_attempts(3).with_max_backoff(Duration::from_secs(20));
    if let Some((value, source)) = setting("AWS_MAX_ATTEMPTS", "max_attempts") {
        match value.trim().parse::<u32>() {
            Ok(n) if n >= 1 => retry = retry.with_max_attempts(n.min(MAX_ATTEMPTS_CAP)),
            _ => return Err(format!("invalid AWS setting: {source} is `{value}`, and must be a whole number of at least 1")),
        }
    }
    if let Some((value, source)) = setting("AWS_RETRY_MODE", "retry_mode") {
        match value.trim().to_ascii_lowercase().as_str() {
            "standard" | "legacy" => {}
            "adaptive" => retry = retry.with_retry_mode(aws_config::retry::RetryMode::Adaptive),
            _ => return Err(format!("invalid AWS setting: {source} is `{value}`, and must be `standard` or `adaptive`")),
        }
    }
    Ok(retry)
}

/// Endpoint overrides must be URLs: the SDK would otherwise drop an invalid one with a warning
/// and call the real endpoint, or fail in a background task.
fn check_endpoint_settings(profiles: &aws_config::profile::ProfileSet) -> Result<(), String> {
    let mut settings: Vec<(String, String)> =
        std::env::vars().filter(|(k, _)| k == "AWS_ENDPOINT_URL" || k.starts_with("AWS_ENDPOINT_URL_")).collect();
    if let Some(v) = profiles.get("endpoint_url") {
        settings.push(("`endpoint_url` of the profile".into(), v.to_string()));
    }
    settings.sort();
    for (name, value) in settings {
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("invalid AWS setting: {name} is set but empty (unset it, or give the endpoint's URL)"));
        }
        let is_url = ["http://", "https://"].iter().any(|p| value.len() > p.len() && value.to_ascii_lowercase().starts_with(p));
        if !is_url {
            return Err(format!("invalid AWS setting: {name} is `{value}`, not an http(s) URL"));
        }
    }
    Ok(())
}

/// Reads the shared config and credentials files for the settings wiscan checks. A file that
/// cannot be parsed is named, never quoted: the credentials file holds secret keys.
async fn profile_settings(profile: Option<&str>) -> Result<aws_config::profile::ProfileSet, String> {
    use aws_types::os_shim_internal::{Env, Fs};
    let selected = profile.map(|p| std::borrow::Cow::Owned(p.to_string()));
    // The default files: `~/.aws/config` and `~/.aws/credentials`, or where AWS_CONFIG_FILE and
    // AWS_SHARED_CREDENTIALS_FILE point.
    aws_config::profile::load(&Fs::real(), &Env::real(), &Default::default(), selected).await.map_err(|e| {
        let text = e.to_string();
        let line = text.split("line ").nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()).filter(|n| !n.is_empty());
        match line {
            Some(n) => format!("the AWS config or credentials file cannot be parsed (line {n})"),
            None => "the AWS config or credentials file cannot be read or parsed".to_string(),
        }
    })
}

/// Connect and per-attempt limits for every AWS call; the source's deadline bounds the rest.
fn timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(60))
        .operation_attempt_timeout(Duration::from_secs(90))
        .build()
}

async fn sdk_config(target: &Target) -> Result<SdkConfig, String> {
    let profile = match target {
        Target::Profile(p) => Some(p.as_str()),
        _ => None,
    };
    let profiles = profile_settings(profile).await?;
    check_endpoint_settings(&profiles)?;
    let retry = retry_settings(profiles.selected_profile(), &profiles)?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).retry_config(retry).timeout_config(timeouts());
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let base = loader.load().await;
    // IAM and STS are global but still need a region to sign with.
    let base = if base.region().is_none() { base.to_builder().region(Region::new("us-east-1")).build() } else { base };
    match target {
        Target::AssumeRole(arn) => {
            let provider = aws_config::sts::AssumeRoleProvider::builder(arn.clone()).session_name("wiscan").configure(&base).build().await;
            Ok(base.to_builder().credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(provider)).build())
        }
        _ => Ok(base),
    }
}

async fn collect_account(target: Target, regions: Vec<String>, bar: indicatif::ProgressBar) -> (Inventory, SourceReport) {
    let calls = Calls::new(bar);
    let conf = match sdk_config(&target).await {
        Ok(conf) => conf,
        Err(reason) => return (Inventory::default(), report(format!("aws/{}", target.label()), SourceStatus::Error, 0, 0, vec![reason])),
    };
    let sts = aws_sdk_sts::Client::new(&conf);
    calls.tick();
    let account = match sts.get_caller_identity().send().await {
        Ok(identity) => identity.account().unwrap_or("unknown").to_string(),
        Err(e) => {
            let report = report(
                format!("aws/{}", target.label()),
                SourceStatus::Error,
                0,
                calls.get(),
                vec![format!("no usable credentials: {}", describe(&e))],
            );
            return (Inventory::default(), report);
        }
    };
    let origin_name = format!("aws/{account}");
    calls.1.set_prefix(origin_name.clone());
    let collected = Arc::new(Mutex::new(Collected::default()));
    let regions = if regions.is_empty() { enabled_regions(&conf, &calls, &collected).await } else { regions };

    let mut tasks = JoinSet::new();
    let mut task_labels = std::collections::HashMap::new();
    {
        let (conf, calls, collected, account) = (conf.clone(), calls.clone(), Arc::clone(&collected), account.clone());
        let handle = tasks.spawn(async move { collect_iam(&conf, &account, &calls, &collected).await });
        task_labels.insert(handle.id(), "iam".to_string());
    }
    // Regions in parallel, a few at a time: enough to hide latency, not enough to be throttled.
    let permits = Arc::new(tokio::sync::Semaphore::new(4));
    for region in regions {
        let (conf, calls, collected, account, permits) =
            (conf.clone(), calls.clone(), Arc::clone(&collected), account.clone(), Arc::clone(&permits));
        let label = region.clone();
        let handle = tasks.spawn(async move {
            let _permit = permits.acquire().await;
            collect_region(&conf, &account, &region, &calls, &collected).await;
        });
        task_labels.insert(handle.id(), label);
    }
    // A region whose task panicked is an error of the account, named, not a silent gap.
    let mut failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            let label = task_labels.get(&e.id()).cloned().unwrap_or_default();
            failures.push(format!("{label}: {}", super::runner::panic_reason(e)));
        }
    }

    let collected = std::mem::take(&mut *collected.lock().await);
    let mut errors = collected.errors;
    errors.extend(failures);
    errors.sort();
    let objects = collected.inventory.object_count();
    let status = if errors.is_empty() { SourceStatus::Ok } else { SourceStatus::Partial };
    calls.1.finish_with_message(format!("done, {objects} objects"));
    tracing::info!("{origin_name}: {objects} objects, {} API calls", calls.get());
    (collected.inventory, report(origin_name, status, objects, calls.get(), errors))
}

fn report(origin: String, status: SourceStatus, objects: usize, calls: usize, errors: Vec<String>) -> SourceReport {
    SourceReport { provider: Some(Provider::Aws), origin, kind: Some("AWS APIs".into()), status, objects, calls: Some(calls), errors }
}

fn live(account: &str, region: &str) -> Origin {
    Origin::Live { scope: Arc::from(format!("aws/{account}/{region}")) }
}

async fn enabled_regions(conf: &SdkConfig, calls: &Calls, collected: &Mutex<Collected>) -> Vec<String> {
    calls.tick();
    match aws_sdk_ec2::Client::new(conf).describe_regions().send().await {
        Ok(out) => {
            let mut regions: Vec<String> = out.regions().iter().filter_map(|r| r.region_name().map(str::to_string)).collect();
            regions.sort();
            regions
        }
        Err(e) => {
            collected.lock().await.errors.push(format!("ec2:DescribeRegions: {}", describe(&e)));
            Vec::new()
        }
    }
}

/// Roles with trust policies and users from account authorization details (a few pages, not a
/// call per role), keys from the credential report, and OIDC providers.
async fn collect_iam(conf: &SdkConfig, account: &str, calls: &Calls, collected: &Mutex<Collected>) {
    let iam = aws_sdk_iam::Client::new(conf);
    let origin = live(account, "global");
    let mut roles = Vec::new();
    let mut users = Vec::new();
    let mut errors = Vec::new();
    // 1,000 is the largest page IAM serves: 10k roles in 10 calls.
    let mut pages =
        iam.get_account_authorization_details().filter(EntityType::Role).filter(EntityType::User).max_items(1000).into_paginator().send();
    while let Some(page) = pages.next().await {
        calls.tick();
        match page {
            Ok(page) => {
                for r in page.role_detail_list() {
                    let (Some(arn), Some(name)) = (r.arn(), r.role_name()) else { continue };
                    let document = serde_json::Value::String(r.assume_role_policy_document().unwrap_or("").to_string());
                    match TrustPolicy::from_value(document) {
                        Ok(trust) => roles.push((
                            r.instance_profile_list().iter().map(|p| p.arn().to_string()).collect::<Vec<_>>(),
                            Role {
                                arn: arn.into(),
                                name: name.into(),
                                path: r.path().unwrap_or_default().into(),
                                trust,
                                origin: origin.clone(),
                            },
                        )),
                        Err(e) => errors.push(redact_text(&format!("trust policy of role {name}: {e}"))),
                    }
                }
                for u in page.user_detail_list() {
                    let (Some(arn), Some(name)) = (u.arn(), u.user_name()) else { continue };
                    users.push(IamUser {
                        arn: arn.into(),
                        name: name.into(),
                        is_root: false,
                        keys: vec![],
                        has_report: false,
                        origin: origin.clone(),
                    });
                }
            }
            Err(e) => {
                errors.push(format!("iam:GetAccountAuthorizationDetails: {}", describe(&e)));
                break;
            }
        }
    }

    match credential_report(&iam, calls).await {
        Ok(csv) => match crate::sources::aws::read_credential_report_rows(&csv, |_| origin.clone()) {
            Ok(report_users) => users.extend(report_users),
            Err(e) => errors.push(format!("credential report: {e}")),
        },
        Err(reason) => {
            // Denied or unavailable: fall back to one call per user and key.
            tracing::info!("aws/{account}: credential report unavailable ({reason}); listing access keys per user");
            match keys_per_user(&iam, calls, &origin).await {
                Ok(listed) => users.extend(listed),
                Err(e) => errors.push(format!("credential report: {reason}; listing access keys: {e}")),
            }
        }
    }

    let mut providers = Vec::new();
    calls.tick();
    match iam.list_open_id_connect_providers().send().await {
        Ok(list) => {
            for entry in list.open_id_connect_provider_list() {
                let Some(arn) = entry.arn() else { continue };
                calls.tick();
                match iam.get_open_id_connect_provider().open_id_connect_provider_arn(arn).send().await {
                    Ok(p) => providers.push(OidcProvider {
                        arn: Some(arn.to_string()),
                        issuer: Issuer::parse(p.url().unwrap_or(arn)),
                        client_ids: Some(p.client_id_list().to_vec()),
                        origin: origin.clone(),
                    }),
                    Err(e) => errors.push(format!("iam:GetOpenIDConnectProvider {arn}: {}", describe(&e))),
                }
            }
        }
        Err(e) => errors.push(format!("iam:ListOpenIDConnectProviders: {}", describe(&e))),
    }

    let mut c = collected.lock().await;
    for (profiles, role) in roles {
        for arn in profiles {
            c.inventory.aws.instance_profiles.push(crate::model::aws::InstanceProfile { arn, role_arn: role.arn.clone() });
        }
        c.inventory.aws.roles.push(role);
    }
    c.inventory.aws.users.extend(users);
    c.inventory.aws.oidc_providers.extend(providers);
    c.errors.extend(errors);
}

/// Generates the credential report and waits for it, with backoff; the CSV text.
async fn credential_report(iam: &aws_sdk_iam::Client, calls: &Calls) -> Result<String, String> {
    let mut delay = Duration::from_millis(200);
    for _ in 0..8 {
        calls.tick();
        if let Err(e) = iam.generate_credential_report().send().await {
            return Err(format!("iam:GenerateCredentialReport: {}", describe(&e)));
        }
        calls.tick();
        match iam.get_credential_report().send().await {
            Ok(out) => {
                let bytes = out.content().map(|b| b.as_ref().to_vec()).unwrap_or_default();
                return String::from_utf8(bytes).map_err(|_| "credential report is not UTF-8".to_string());
            }
            Err(e) if e.as_service_error().and_then(|s| s.code()).is_some_and(|c| c.contains("NotReady") || c.contains("InProgress")) => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(format!("iam:GetCredentialReport: {}", describe(&e))),
        }
    }
    Err("the credential report was not ready in time".into())
}

async fn keys_per_user(iam: &aws_sdk_iam::Client, calls: &Calls, origin: &Origin) -> Result<Vec<IamUser>, String> {
    let mut users = Vec::new();
    let mut pages = iam.list_users().into_paginator().send();
    while let Some(page) = pages.next().await {
        calls.tick();
        let page = page.map_err(|e| format!("iam:ListUsers: {}", describe(&e)))?;
        for u in page.users() {
            let name = u.user_name();
            calls.tick();
            let listed =
                iam.list_access_keys().user_name(name).send().await.map_err(|e| format!("iam:ListAccessKeys: {}", describe(&e)))?;
            let mut keys = Vec::new();
            for k in listed.access_key_metadata() {
                let Some(id) = k.access_key_id() else { continue };
                calls.tick();
                let last_used = iam
                    .get_access_key_last_used()
                    .access_key_id(id)
                    .send()
                    .await
                    .ok()
                    .and_then(|o| o.access_key_last_used().and_then(|l| l.last_used_date().map(to_timestamp)));
                keys.push(AccessKey {
                    id: Some(redact_key_id(id)),
                    slot: None,
                    is_active: k.status().is_some_and(|s| s.as_str() == "Active"),
                    created: k.create_date().map(to_timestamp),
                    last_used,
                    origin: origin.clone(),
                });
            }
            users.push(IamUser {
                arn: u.arn().to_string(),
                name: name.to_string(),
                is_root: false,
                keys,
                has_report: true,
                origin: origin.clone(),
            });
        }
    }
    Ok(users)
}

fn to_timestamp(t: &aws_sdk_iam::primitives::DateTime) -> Timestamp {
    Timestamp::from_second(t.secs()).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// EKS clusters and their Pod Identity associations, worker instances and launch templates of one region.
async fn collect_region(conf: &SdkConfig, account: &str, region: &str, calls: &Calls, collected: &Mutex<Collected>) {
    let origin = live(account, region);
    let eks = aws_sdk_eks::Client::from_conf(aws_sdk_eks::config::Builder::from(conf).region(Region::new(region.to_string())).build());
    let ec2 = aws_sdk_ec2::Client::from_conf(aws_sdk_ec2::config::Builder::from(conf).region(Region::new(region.to_string())).build());
    let mut inv = Inventory::default();
    let mut errors = Vec::new();

    let mut names = Vec::new();
    let mut pages = eks.list_clusters().into_paginator().send();
    while let Some(page) = pages.next().await {
        calls.tick();
        match page {
            Ok(page) => names.extend(page.clusters().iter().cloned()),
            Err(e) => {
                errors.push(format!("{region}: eks:ListClusters: {}", describe(&e)));
                break;
            }
        }
    }
    for name in &names {
        calls.tick();
        match eks.describe_cluster().name(name).send().await {
            Ok(out) => {
                if let Some(c) = out.cluster() {
                    let issuer = c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer()).map(Issuer::parse);
                    inv.aws.clusters.push(EksCluster {
                        name: name.clone(),
                        arn: c.arn().map(str::to_string),
                        issuer,
                        origin: origin.clone(),
                    });
                }
            }
            Err(e) => errors.push(format!("{region}: eks:DescribeCluster {name}: {}", describe(&e))),
        }
        let mut pages = eks.list_pod_identity_associations().cluster_name(name).into_paginator().send();
        while let Some(page) = pages.next().await {
            calls.tick();
            match page {
                Ok(page) => {
                    for a in page.associations() {
                        let (Some(id), Some(arn)) = (a.association_id(), a.association_arn()) else { continue };
                        calls.tick();
                        let role_arn = match eks.describe_pod_identity_association().cluster_name(name).association_id(id).send().await {
                            Ok(d) => d.association().and_then(|x| x.role_arn()).map(str::to_string),
                            Err(e) => {
                                errors.push(format!("{region}: eks:DescribePodIdentityAssociation {id}: {}", describe(&e)));
                                None
                            }
                        };
                        inv.aws.pod_identity_associations.push(PodIdentityAssociation {
                            cluster_name: name.clone(),
                            namespace: a.namespace().unwrap_or_default().to_string(),
                            service_account: a.service_account().unwrap_or_default().to_string(),
                            role_arn,
                            association_arn: arn.to_string(),
                            origin: origin.clone(),
                        });
                    }
                }
                Err(e) => {
                    errors.push(format!("{region}: eks:ListPodIdentityAssociations {name}: {}", describe(&e)));
                    break;
                }
            }
        }
    }
    inv.aws.listed_cluster_names.extend(names);

    let mut pages = ec2.describe_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        calls.tick();
        match page {
            Ok(page) => {
                for reservation in page.reservations() {
                    for i in reservation.instances() {
                        let state = i.state().and_then(|s| s.name()).map(|n| n.as_str().to_string()).unwrap_or_default();
                        if state == "terminated" || state == "shutting-down" {
                            continue;
                        }
                        let tags = i.tags().iter().filter_map(|t| Some((t.key()?, t.value().unwrap_or_default())));
                        let Some(cluster_name) = crate::sources::aws::eks_cluster_of_tags(tags) else { continue };
                        let Some(id) = i.instance_id() else { continue };
                        let name = i.tags().iter().find(|t| t.key() == Some("Name")).and_then(|t| t.value()).unwrap_or(id).to_string();
                        let m = i.metadata_options();
                        inv.aws.node_capacity.push(NodeCapacity {
                            kind: CapacityKind::Instance,
                            instance_profile: i.iam_instance_profile().and_then(|p| p.arn()).map(str::to_string),
                            id: id.to_string(),
                            name,
                            cluster_name,
                            account_id: reservation.owner_id().map(str::to_string),
                            region: Some(region.to_string()),
                            metadata: MetadataOptions {
                                http_tokens: m.and_then(|m| m.http_tokens()).map(|t| t.as_str().to_string()),
                                hop_limit: m.and_then(|m| m.http_put_response_hop_limit()).map(i64::from),
                                http_endpoint: m.and_then(|m| m.http_endpoint()).map(|e| e.as_str().to_string()),
                            },
                            origin: origin.clone(),
                        });
                    }
                }
            }
            Err(e) => {
                errors.push(format!("{region}: ec2:DescribeInstances: {}", describe(&e)));
                break;
            }
        }
    }

    let mut template_ids = Vec::new();
    let mut pages = ec2.describe_launch_templates().into_paginator().send();
    while let Some(page) = pages.next().await {
        calls.tick();
        match page {
            Ok(page) => template_ids.extend(page.launch_templates().iter().filter_map(|t| t.launch_template_id().map(str::to_string))),
            Err(e) => {
                errors.push(format!("{region}: ec2:DescribeLaunchTemplates: {}", describe(&e)));
                break;
            }
        }
    }
    for id in template_ids {
        calls.tick();
        match ec2.describe_launch_template_versions().launch_template_id(&id).versions("$Default").send().await {
            Ok(out) => {
                for v in out.launch_template_versions() {
                    let Some(data) = v.launch_template_data() else { continue };
                    let tags = data
                        .tag_specifications()
                        .iter()
                        .flat_map(|s| s.tags())
                        .filter_map(|t| Some((t.key()?, t.value().unwrap_or_default())));
                    let Some(cluster_name) = crate::sources::aws::eks_cluster_of_tags(tags) else { continue };
                    let version = v.version_number().unwrap_or_default();
                    let m = data.metadata_options();
                    inv.aws.node_capacity.push(NodeCapacity {
                        kind: CapacityKind::LaunchTemplate,
                        instance_profile: None,
                        id: format!("{id}:{version}"),
                        name: format!("{} v{version}", v.launch_template_name().unwrap_or(&id)),
                        cluster_name,
                        account_id: v.created_by().and_then(crate::model::aws::account_of_arn).map(str::to_string),
                        region: None,
                        metadata: MetadataOptions {
                            http_tokens: m.and_then(|m| m.http_tokens()).map(|t| t.as_str().to_string()),
                            hop_limit: m.and_then(|m| m.http_put_response_hop_limit()).map(i64::from),
                            http_endpoint: m.and_then(|m| m.http_endpoint()).map(|e| e.as_str().to_string()),
                        },
                        origin: origin.clone(),
                    });
                }
            }
            Err(e) => errors.push(format!("{region}: ec2:DescribeLaunchTemplateVersions {id}: {}", describe(&e))),
        }
    }

    let mut c = collected.lock().await;
    c.inventory.merge(inv);
    c.errors.extend(errors);
}

/// `Code: message` of a failed call, redacted; transport failures as one line naming what
/// failed (never the client's `Debug` dump of its error types).
fn describe<E, R>(e: &aws_sdk_iam::error::SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    use aws_sdk_iam::error::SdkError;
    let text = match e {
        SdkError::ServiceError(service) => {
            let service = service.err();
            match (service.code(), service.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                _ => super::runner::error_chain(service),
            }
        }
        SdkError::TimeoutError(_) => "timed out waiting for an answer".to_string(),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => "timed out connecting".to_string(),
        SdkError::DispatchFailure(failure) => {
            let what = if failure.is_io() { "connection failed" } else { "the request could not be sent" };
            match std::error::Error::source(e) {
                Some(source) => format!("{what}: {}", super::runner::error_chain(source)),
                None => what.to_string(),
            }
        }
        SdkError::ResponseError(_) => "the answer could not be read".to_string(),
        SdkError::ConstructionFailure(_) => match std::error::Error::source(e) {
            Some(source) => format!("the request could not be built: {}", super::runner::error_chain(source)),
            None => "the request could not be built".to_string(),
        },
        _ => super::runner::error_chain(e),
    };
    crate::redact::redact_error(&text)
}
