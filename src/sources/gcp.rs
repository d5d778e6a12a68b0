//! Google Cloud outputs: Cloud Asset Inventory (`search-all-iam-policies`, `export`/`list` with
//! `--content-type=iam-policy` or `resource`), `gcloud iam workload-identity-pools [providers]
//! list/describe`, `gcloud iam service-accounts [keys] list`, `gcloud container clusters
//! list/describe`, and the `gcp-policy` envelope around a bare `get-iam-policy`.
//!
//! `gcloud --format=json` prints an array (or one object); Cloud Asset exports are one asset per
//! line. Every object is parsed once into one typed envelope holding the fields of every shape
//! (the REST resources' own field names, which Cloud Asset repeats under `resource.data`), then
//! told apart by its fields. Key material (`privateKeyData`) is skipped unread.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::lines::{Origins, json_objects};
use super::{Recognised, Sniff, SourceError};
use crate::finding::Provider;
use crate::model::gcp::{
    BindingCondition, GcpInventory, GcpServiceAccount, GcpServiceAccountKey, GkeCluster, GkeNodePool, IamBinding, ProviderKind,
    WorkloadIdentityPool, WorkloadIdentityProvider, cluster_key,
};
use crate::model::{Inventory, Origin};
use crate::redact::redact_text;

/// Top-level fields that only Google Cloud outputs have.
const TOP_LEVEL_KEYS: &[&str] = &[
    "assetType",
    "asset_type",
    "iamPolicy",
    "iam_policy",
    "keyType",
    "keyAlgorithm",
    "privateKeyData",
    "attributeMapping",
    "attributeCondition",
    "workloadIdentityConfig",
    "nodePools",
    "currentMasterVersion",
    "oauth2ClientId",
];

/// Whether a document is Google Cloud output: one of its first object's fields is, or the object
/// is the `gcp-policy` envelope or a bare policy (refused when read), or it names a pool.
pub fn claims(sniff: &Sniff<'_>) -> bool {
    sniff.is_json()
        && !sniff.has_top_level_key(&["apiVersion", "wiscan_snapshot"])
        && (sniff.has_top_level_key(TOP_LEVEL_KEYS)
            || (sniff.has_top_level_key(&["policy"]) && sniff.has_top_level_key(&["resource"]))
            || (sniff.has_top_level_key(&["bindings"]) && sniff.has_top_level_key(&["etag"]))
            || sniff.first_name().is_some_and(|n| n.starts_with("projects/") && n.contains("/workloadIdentityPools/")))
}

/// The union of the fields read from every shape. Unknown fields are ignored.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawObject {
    name: Option<String>,
    // Cloud Asset (exports to Cloud Storage spell the asset's own fields in snake_case)
    #[serde(alias = "asset_type")]
    asset_type: Option<String>,
    resource: Option<RawResourceField>,
    policy: Option<RawPolicy>,
    #[serde(alias = "iam_policy")]
    iam_policy: Option<RawPolicy>,
    // a bare policy (refused)
    bindings: Option<IgnoredAny>,
    // pools and providers
    attribute_mapping: Option<BTreeMap<String, String>>,
    attribute_condition: Option<String>,
    oidc: Option<RawOidc>,
    aws: Option<RawAws>,
    saml: Option<IgnoredAny>,
    x509: Option<IgnoredAny>,
    disabled: Option<bool>,
    state: Option<String>,
    // service accounts
    email: Option<String>,
    project_id: Option<String>,
    unique_id: Option<String>,
    // keys
    key_type: Option<String>,
    key_origin: Option<String>,
    valid_after_time: Option<String>,
    valid_before_time: Option<String>,
    /// Skipped unread: the key itself never enters memory as a value.
    #[allow(dead_code)]
    private_key_data: Option<IgnoredAny>,
    // GKE clusters and node pools
    location: Option<String>,
    zone: Option<String>,
    self_link: Option<String>,
    workload_identity_config: Option<RawWorkloadIdentityConfig>,
    node_pools: Option<Vec<RawNodePool>>,
    autopilot: Option<RawAutopilot>,
    current_master_version: Option<IgnoredAny>,
    config: Option<RawNodeConfig>,
}

/// `resource` is a name in search results and the envelope, and an object in asset exports.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawResourceField {
    Name(String),
    Asset(Box<RawAssetResource>),
}

#[derive(Deserialize)]
struct RawAssetResource {
    #[serde(default)]
    data: Option<RawObject>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPolicy {
    bindings: Vec<RawBinding>,
}

#[derive(Deserialize)]
struct RawBinding {
    role: String,
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    condition: Option<RawExpr>,
}

#[derive(Deserialize)]
struct RawExpr {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    expression: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawOidc {
    issuer_uri: String,
    allowed_audiences: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawAws {
    account_id: String,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawWorkloadIdentityConfig {
    workload_pool: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawAutopilot {
    enabled: bool,
}

#[derive(Deserialize)]
struct RawNodePool {
    name: String,
    #[serde(default)]
    config: Option<RawNodeConfig>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawNodeConfig {
    workload_metadata_config: Option<RawWorkloadMetadataConfig>,
    metadata: BTreeMap<String, String>,
    service_account: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawWorkloadMetadataConfig {
    mode: Option<String>,
}

/// Reads one Google Cloud document: an array, one object, or one object per line.
pub fn read(path: &Arc<str>, text: &str) -> Result<Recognised, SourceError> {
    let objects: Vec<RawObject> = json_objects(text)?;
    let mut reader = Reader { origins: Origins::file(path, text), gcp: GcpInventory::default(), kinds: Vec::new() };
    for object in objects {
        reader.object(object)?;
    }
    reader.kinds.sort_unstable();
    reader.kinds.dedup();
    let kind = if reader.kinds.is_empty() { "gcloud JSON (nothing wiscan reads)".to_string() } else { reader.kinds.join(", ") };
    Ok(Recognised::Inventory { inventory: Inventory { gcp: reader.gcp, ..Inventory::default() }, kind, provider: Provider::Gcp })
}

/// Reads REST resources from live responses (the clients' models serialize to the REST fields),
/// through the same path as files: live and offline collection cannot drift apart.
#[cfg(feature = "gcp")]
pub(crate) fn read_live(scope: &Arc<str>, objects: Vec<serde_json::Value>) -> Result<GcpInventory, SourceError> {
    let mut reader = Reader { origins: Origins::Live(Arc::clone(scope)), gcp: GcpInventory::default(), kinds: Vec::new() };
    for object in objects {
        let raw: RawObject = serde_json::from_value(object).map_err(|e| SourceError::new(super::elide_quoted(&e.to_string())))?;
        reader.object(raw)?;
    }
    Ok(reader.gcp)
}

/// Turns REST resources into records.
struct Reader<'a> {
    origins: Origins<'a>,
    gcp: GcpInventory,
    kinds: Vec<&'static str>,
}

impl Reader<'_> {
    fn object(&mut self, raw: RawObject) -> Result<(), SourceError> {
        if let Some(asset_type) = raw.asset_type.clone() {
            return self.asset(&asset_type, raw);
        }
        match (&raw.resource, &raw.policy) {
            (Some(RawResourceField::Name(resource)), Some(_)) => {
                let resource = resource.clone();
                self.kinds.push("gcp-policy envelope");
                let origin = self.origins.origin_of(&resource);
                self.policy(&resource, raw.policy.unwrap_or_default(), &origin);
                return Ok(());
            }
            (None, None) if raw.bindings.is_some() => {
                return Err(SourceError::new(
                    "a bare IAM policy names no resource: wrap it as {\"resource\": \"//cloudresourcemanager.googleapis.com/projects/PROJECT\", \"policy\": …} (the gcp-policy envelope)",
                ));
            }
            _ => {}
        }
        let name = raw.name.clone().unwrap_or_default();
        if raw.key_type.is_some() || name.contains("/keys/") {
            self.kinds.push("gcloud iam service-accounts keys");
            self.key(raw, None)
        } else if name.contains("/workloadIdentityPools/") && name.contains("/providers/") {
            self.kinds.push("gcloud iam workload-identity-pools providers");
            self.provider(raw)
        } else if name.contains("/workloadIdentityPools/") {
            self.kinds.push("gcloud iam workload-identity-pools");
            self.pool(raw);
            Ok(())
        } else if raw.email.is_some() && name.contains("/serviceAccounts/") {
            self.kinds.push("gcloud iam service-accounts list");
            self.service_account(raw)
        } else if raw.node_pools.is_some() || raw.workload_identity_config.is_some() || raw.current_master_version.is_some() {
            self.kinds.push("gcloud container clusters");
            self.cluster(raw, None)
        } else {
            let line = self.origins.line_of(&name).map_or(String::new(), |l| format!(" (line {l})"));
            Err(SourceError::new(format!("an object of no Google Cloud shape wiscan reads{line}: named `{name}`")))
        }
    }

    fn asset(&mut self, asset_type: &str, raw: RawObject) -> Result<(), SourceError> {
        let name = raw.name.clone().or_else(|| match &raw.resource {
            Some(RawResourceField::Name(n)) => Some(n.clone()),
            _ => None,
        });
        let Some(name) = name else { return Err(SourceError::new(format!("a Cloud Asset record of type {asset_type} without a name"))) };
        let policy = raw.iam_policy.or(raw.policy);
        if let Some(policy) = policy {
            self.kinds.push("Cloud Asset IAM policies");
            let origin = self.origins.origin_of(&name);
            self.policy(&name, policy, &origin);
        }
        let Some(RawResourceField::Asset(resource)) = raw.resource else { return Ok(()) };
        let Some(data) = resource.data else { return Ok(()) };
        match asset_type {
            "iam.googleapis.com/ServiceAccount" => self.service_account(data)?,
            "iam.googleapis.com/ServiceAccountKey" => self.key(data, Some(&name))?,
            "iam.googleapis.com/WorkloadIdentityPool" => {
                self.pool(RawObject { name: data.name.clone().or(Some(asset_path(&name))), ..data })
            }
            "iam.googleapis.com/WorkloadIdentityPoolProvider" => {
                self.provider(RawObject { name: data.name.clone().or(Some(asset_path(&name))), ..data })?
            }
            "container.googleapis.com/Cluster" => self.cluster(data, Some(&name))?,
            "container.googleapis.com/NodePool" => self.node_pool_asset(data, &name)?,
            _ => return Ok(()),
        }
        self.kinds.push("Cloud Asset resources");
        Ok(())
    }

    fn policy(&mut self, resource: &str, policy: RawPolicy, origin: &Origin) {
        for binding in policy.bindings {
            // Conditions are text people typed: redacted like every other such value.
            let condition = binding.condition.map(|c| BindingCondition { title: c.title, expression: redact_text(&c.expression) });
            for member in binding.members {
                self.gcp.bindings.push(IamBinding {
                    resource: resource.to_string(),
                    role: binding.role.clone(),
                    member,
                    condition: condition.clone(),
                    origin: origin.clone(),
                });
            }
        }
    }

    fn service_account(&mut self, raw: RawObject) -> Result<(), SourceError> {
        let (Some(name), Some(email)) = (raw.name, raw.email) else {
            return Err(SourceError::new("a service account without `name` or `email`"));
        };
        let origin = self.origins.origin_of(&name);
        let project_id = raw.project_id.unwrap_or_else(|| path_segment(&name, "projects").unwrap_or_default().to_string());
        self.gcp.service_accounts.push(GcpServiceAccount {
            name,
            email,
            project_id,
            unique_id: raw.unique_id,
            is_disabled: raw.disabled.unwrap_or(false),
            origin,
        });
        Ok(())
    }

    /// `asset_name`: the Cloud Asset name, used when the data has no name of its own.
    fn key(&mut self, raw: RawObject, asset_name: Option<&str>) -> Result<(), SourceError> {
        let name = raw.name.clone().or_else(|| asset_name.map(asset_path)).unwrap_or_default();
        let (Some(service_account), Some(key_id)) = (path_segment(&name, "serviceAccounts"), path_segment(&name, "keys")) else {
            return Err(SourceError::new(format!(
                "a service account key whose name is not projects/P/serviceAccounts/SA/keys/ID: `{name}`"
            )));
        };
        let (service_account, key_id) = (service_account.to_string(), key_id.to_string());
        let origin = self.origins.origin_of(&name);
        let line = match &origin {
            Origin::File { line: Some(l), .. } => *l as usize,
            _ => 0,
        };
        let timestamp = |field: &str, value: Option<String>| -> Result<Option<jiff::Timestamp>, SourceError> {
            match value {
                // Keys that never expire say 9999-12-31, past the last instant jiff represents.
                Some(v) if v.starts_with("9999-") => Ok(None),
                Some(v) => {
                    v.parse().map(Some).map_err(|_| SourceError::at_line(line, format!("key {key_id}: `{field}` is not a timestamp")))
                }
                None => Ok(None),
            }
        };
        let valid_after = timestamp("validAfterTime", raw.valid_after_time)?;
        let valid_before = timestamp("validBeforeTime", raw.valid_before_time)?;
        let Some(key_type) = raw.key_type else { return Err(SourceError::at_line(line, format!("key {key_id}: no `keyType`"))) };
        self.gcp.keys.push(GcpServiceAccountKey {
            name,
            key_id,
            service_account,
            key_type,
            key_origin: raw.key_origin,
            is_disabled: raw.disabled.unwrap_or(false),
            valid_after,
            valid_before,
            origin,
        });
        Ok(())
    }

    fn pool(&mut self, raw: RawObject) {
        let name = raw.name.unwrap_or_default();
        let origin = self.origins.origin_of(&name);
        let is_disabled = raw.disabled.unwrap_or(false) || raw.state.as_deref().is_some_and(|s| s != "ACTIVE");
        self.gcp.pools.push(WorkloadIdentityPool { name, is_disabled, origin });
    }

    fn provider(&mut self, raw: RawObject) -> Result<(), SourceError> {
        let name = raw.name.unwrap_or_default();
        let origin = self.origins.origin_of(&name);
        let kind = match (raw.oidc, raw.aws, raw.saml) {
            (Some(oidc), _, _) => ProviderKind::Oidc { issuer_uri: oidc.issuer_uri, allowed_audiences: oidc.allowed_audiences },
            (None, Some(aws), _) => ProviderKind::Aws { account_id: aws.account_id },
            (None, None, Some(_)) => ProviderKind::Saml,
            (None, None, None) => ProviderKind::Other,
        };
        let is_disabled = raw.disabled.unwrap_or(false) || raw.state.as_deref().is_some_and(|s| s != "ACTIVE");
        self.gcp.providers.push(WorkloadIdentityProvider {
            name,
            kind,
            attribute_condition: raw.attribute_condition.filter(|c| !c.trim().is_empty()).map(|c| redact_text(&c)),
            attribute_mapping: raw.attribute_mapping.unwrap_or_default(),
            is_disabled,
            origin,
        });
        Ok(())
    }

    /// A cluster from `gcloud container clusters` (its `selfLink` names the project) or from an
    /// asset (`//container.googleapis.com/projects/P/locations/L/clusters/C`).
    fn cluster(&mut self, raw: RawObject, asset_name: Option<&str>) -> Result<(), SourceError> {
        let Some(name) = raw.name else { return Err(SourceError::new("a GKE cluster without a name")) };
        let origin = self.origins.origin_of(&name);
        let link = raw.self_link.as_deref().map(|l| l.split_once("/v1/").map_or(l, |(_, path)| path).to_string());
        let path = link.or_else(|| asset_name.map(asset_path)).unwrap_or_default();
        let Some(project) = path_segment(&path, "projects").map(str::to_string) else {
            return Err(SourceError::new(format!("GKE cluster {name}: no `selfLink` to tell its project")));
        };
        let location = raw
            .location
            .or(raw.zone)
            .or_else(|| path_segment(&path, "locations").or_else(|| path_segment(&path, "zones")).map(str::to_string))
            .unwrap_or_default();
        let cluster = GkeCluster {
            project,
            location,
            name,
            workload_pool: raw.workload_identity_config.and_then(|w| w.workload_pool).filter(|p| !p.is_empty()),
            is_autopilot: raw.autopilot.is_some_and(|a| a.enabled),
            origin,
        };
        let key = cluster.key();
        for pool in raw.node_pools.into_iter().flatten() {
            let origin = self.origins.origin_of(&pool.name);
            self.gcp.node_pools.push(node_pool(&key, pool.name, pool.config, origin));
        }
        self.gcp.clusters.push(cluster);
        Ok(())
    }

    fn node_pool_asset(&mut self, raw: RawObject, asset_name: &str) -> Result<(), SourceError> {
        let path = asset_path(asset_name);
        let (Some(project), Some(cluster), Some(name)) =
            (path_segment(&path, "projects"), path_segment(&path, "clusters"), path_segment(&path, "nodePools"))
        else {
            return Err(SourceError::new(format!("a node pool asset whose name is not …/clusters/C/nodePools/P: `{asset_name}`")));
        };
        let location = path_segment(&path, "locations").or_else(|| path_segment(&path, "zones")).unwrap_or_default();
        let key = cluster_key(project, location, cluster);
        let name = name.to_string();
        let origin = self.origins.origin_of(asset_name);
        self.gcp.node_pools.push(node_pool(&key, name, raw.config, origin));
        Ok(())
    }
}

fn node_pool(cluster: &str, name: String, config: Option<RawNodeConfig>, origin: Origin) -> GkeNodePool {
    let config = config.unwrap_or_default();
    GkeNodePool {
        cluster: cluster.to_string(),
        name,
        workload_metadata_mode: config.workload_metadata_config.and_then(|w| w.mode),
        legacy_endpoints_disabled: config.metadata.get("disable-legacy-endpoints").map(|v| !v.eq_ignore_ascii_case("false")),
        service_account: config.service_account.filter(|s| !s.is_empty()),
        origin,
    }
}

/// A Cloud Asset name without its service host: `//iam.googleapis.com/projects/…` → `projects/…`;
/// zonal GKE names (`zones/Z`) read as locations.
fn asset_path(name: &str) -> String {
    let path = name.strip_prefix("//").and_then(|rest| rest.split_once('/')).map_or(name, |(_, path)| path);
    path.replace("/zones/", "/locations/")
}

/// The segment after `key/` in a resource path (`projects/P/…` → `P`).
fn path_segment<'a>(path: &'a str, key: &str) -> Option<&'a str> {
    let mut parts = path.split('/');
    while let Some(part) = parts.next() {
        if part == key {
            return parts.next().filter(|s| !s.is_empty());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_gcp(text: &str) -> Result<GcpInventory, SourceError> {
        match read(&Arc::from("test.json"), text)? {
            Recognised::Inventory { inventory, .. } => Ok(inventory.gcp),
            _ => panic!("not read"),
        }
    }

    #[test]
    fn key_material_is_never_kept() {
        let text = r#"{"keyAlgorithm":"KEY_ALG_RSA_2048","keyOrigin":"GOOGLE_PROVIDED","keyType":"USER_MANAGED",
            "name":"projects/p/serviceAccounts/sa@p.iam.gserviceaccount.com/keys/0123456789abcdef0123456789abcdef01234567",
            "privateKeyData":"ZXlKMGVYQmxJam9pYzJWeWRtbGpaVjloWTJOdmRXNTBJbjA9","privateKeyType":"TYPE_GOOGLE_CREDENTIALS_FILE",
            "validAfterTime":"2026-11-01T00:00:00Z","validBeforeTime":"9999-12-31T23:59:59Z"}"#;
        let gcp = read_gcp(text).expect("read");
        assert_eq!(gcp.keys.len(), 1);
        assert!(!format!("{gcp:?}").contains("ZXlKMGVY"), "privateKeyData must not be stored");
        assert_eq!(gcp.keys[0].service_account, "sa@p.iam.gserviceaccount.com");
    }

    #[test]
    fn bare_policy_is_refused_with_a_way_out() {
        let error =
            read_gcp(r#"{"bindings":[{"role":"roles/owner","members":["user:a@b.c"]}],"etag":"BwX=","version":1}"#).expect_err("refused");
        assert!(error.message.contains("gcp-policy envelope"), "{error}");
    }

    #[test]
    fn zonal_asset_names_read_as_locations() {
        assert_eq!(
            asset_path("//container.googleapis.com/projects/p/zones/us-central1-a/clusters/c"),
            "projects/p/locations/us-central1-a/clusters/c"
        );
        assert_eq!(path_segment("projects/p/locations/l/clusters/c/nodePools/np", "nodePools"), Some("np"));
        assert_eq!(path_segment("projects/p/serviceAccounts/", "serviceAccounts"), None);
    }

    #[test]
    fn wrong_types_are_errors_with_a_line() {
        let error = read_gcp("[\n{\"name\": \"projects/p/serviceAccounts/a@p.iam.gserviceaccount.com\",\n \"email\": \"a@p.iam.gserviceaccount.com\", \"disabled\": \"no\"}]")
            .expect_err("error");
        assert_eq!(error.line, Some(3));
    }
}
