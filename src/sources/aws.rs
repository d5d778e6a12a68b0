//! AWS CLI outputs (`aws iam ...`, `aws eks ...`, `aws ec2 ...`, `aws rolesanywhere ...`) and bare
//! trust policies, recognised by their top-level keys.
//!
//! One typed envelope holds every shape's top-level keys, so a file is parsed once, straight into
//! typed records (no intermediate `Value` tree); trust documents stay JSON until the policy module
//! parses them. Several pages concatenated, or a JSON array of pages, are read as one input.

use std::sync::Arc;

use base64::Engine as _;
use jiff::Timestamp;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::{LineIndex, Recognised, SourceError};
use crate::finding::Provider;
use crate::model::aws::{
    AccessKey, CapacityKind, EksCluster, IamUser, InstanceProfile, MetadataOptions, NodeCapacity, OidcProvider, PodIdentityAssociation,
    Role, TrustAnchor, account_of_arn,
};
use crate::model::{Inventory, Origin};
use crate::policy::{Issuer, TrustPolicy};
use crate::redact::redact_key_id;

/// The top-level keys of the AWS outputs read (the fields of the envelope below): a JSON document
/// whose first object has one of them is claimed as AWS CLI output.
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "RoleDetailList",
    "UserDetailList",
    "GroupDetailList",
    "Roles",
    "Role",
    "Content",
    "ReportFormat",
    "AccessKeyMetadata",
    "UserName",
    "AccessKeyLastUsed",
    "OpenIDConnectProviderList",
    "Url",
    "ClientIDList",
    "ThumbprintList",
    "cluster",
    "clusters",
    "association",
    "associations",
    "Reservations",
    "LaunchTemplateVersions",
    "trustAnchors",
    "Version",
    "Statement",
];

/// The union of the top-level keys of every AWS output we read. Unknown keys are ignored.
#[derive(Deserialize, Default)]
#[serde(default)]
#[allow(non_snake_case)]
struct Envelope {
    // iam get-account-authorization-details
    RoleDetailList: Option<Vec<RawRole>>,
    UserDetailList: Option<Vec<RawUser>>,
    GroupDetailList: Option<IgnoredAny>,
    // iam list-roles / get-role
    Roles: Option<Vec<RawRole>>,
    Role: Option<RawRole>,
    // iam get-credential-report
    Content: Option<String>,
    ReportFormat: Option<String>,
    // iam list-access-keys / get-access-key-last-used
    AccessKeyMetadata: Option<Vec<RawAccessKey>>,
    UserName: Option<String>,
    AccessKeyLastUsed: Option<RawLastUsed>,
    // iam list-open-id-connect-providers / get-open-id-connect-provider
    OpenIDConnectProviderList: Option<Vec<RawArn>>,
    Url: Option<String>,
    ClientIDList: Option<Vec<String>>,
    ThumbprintList: Option<IgnoredAny>,
    // eks describe-cluster / list-clusters
    cluster: Option<RawCluster>,
    clusters: Option<Vec<String>>,
    // eks describe-/list-pod-identity-associations
    association: Option<RawAssociation>,
    associations: Option<Vec<RawAssociation>>,
    // ec2 describe-instances / describe-launch-template-versions
    Reservations: Option<Vec<RawReservation>>,
    LaunchTemplateVersions: Option<Vec<RawLaunchTemplateVersion>>,
    // rolesanywhere list-trust-anchors
    trustAnchors: Option<Vec<RawTrustAnchor>>,
    // a bare policy document
    Version: Option<Value>,
    Statement: Option<Value>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawRole {
    RoleName: String,
    #[serde(default)]
    RoleId: Option<String>,
    Arn: String,
    #[serde(default)]
    Path: Option<String>,
    #[serde(default)]
    AssumeRolePolicyDocument: Option<Value>,
    /// Authorization details only.
    #[serde(default)]
    InstanceProfileList: Vec<RawArn>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawUser {
    UserName: String,
    Arn: String,
    #[serde(default)]
    UserId: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawAccessKey {
    UserName: Option<String>,
    AccessKeyId: String,
    Status: String,
    #[serde(default)]
    CreateDate: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawLastUsed {
    #[serde(default)]
    LastUsedDate: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawArn {
    Arn: String,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawCluster {
    name: String,
    #[serde(default)]
    arn: Option<String>,
    #[serde(default)]
    identity: Option<RawIdentity>,
}

#[derive(Deserialize)]
struct RawIdentity {
    #[serde(default)]
    oidc: Option<RawOidc>,
}

#[derive(Deserialize)]
struct RawOidc {
    #[serde(default)]
    issuer: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAssociation {
    cluster_name: String,
    namespace: String,
    service_account: String,
    #[serde(default)]
    role_arn: Option<String>,
    association_arn: String,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawReservation {
    #[serde(default)]
    OwnerId: Option<String>,
    #[serde(default)]
    Instances: Vec<RawInstance>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawInstance {
    InstanceId: String,
    #[serde(default)]
    State: Option<RawState>,
    #[serde(default)]
    Placement: Option<RawPlacement>,
    #[serde(default)]
    Tags: Vec<RawTag>,
    #[serde(default)]
    MetadataOptions: Option<RawMetadataOptions>,
    #[serde(default)]
    IamInstanceProfile: Option<RawArn>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawState {
    #[serde(default)]
    Name: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawPlacement {
    #[serde(default)]
    AvailabilityZone: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawTag {
    Key: String,
    #[serde(default)]
    Value: String,
}

#[derive(Deserialize, Default)]
#[allow(non_snake_case)]
struct RawMetadataOptions {
    #[serde(default)]
    HttpTokens: Option<String>,
    #[serde(default)]
    HttpPutResponseHopLimit: Option<i64>,
    #[serde(default)]
    HttpEndpoint: Option<String>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawLaunchTemplateVersion {
    LaunchTemplateId: String,
    #[serde(default)]
    LaunchTemplateName: Option<String>,
    VersionNumber: i64,
    #[serde(default)]
    CreatedBy: Option<String>,
    #[serde(default)]
    LaunchTemplateData: Option<RawLaunchTemplateData>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawLaunchTemplateData {
    #[serde(default)]
    MetadataOptions: Option<RawMetadataOptions>,
    #[serde(default)]
    TagSpecifications: Vec<RawTagSpecification>,
}

#[derive(Deserialize)]
#[allow(non_snake_case)]
struct RawTagSpecification {
    #[serde(default)]
    Tags: Vec<RawTag>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTrustAnchor {
    trust_anchor_arn: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    enabled: bool,
}

/// Reads a JSON file of AWS outputs; `Unrecognised` when no page has a known key.
pub fn recognise_json(path: &Arc<str>, text: &str) -> Result<Recognised, SourceError> {
    let mut pages: Vec<Envelope> = Vec::new();
    if text.trim_start().starts_with('[') {
        // A JSON array of pages (e.g. several CLI calls collected by a script).
        let items: Vec<Value> = serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))?;
        for item in items {
            if !item.is_object() {
                return Ok(Recognised::Unrecognised);
            }
            pages.push(
                serde_json::from_value(item)
                    .map_err(|e| SourceError::new(format!("a page of the array: {}", super::elide_quoted(&e.to_string()))))?,
            );
        }
    } else {
        for page in serde_json::Deserializer::from_str(text).into_iter::<Envelope>() {
            pages.push(page.map_err(|e| SourceError::from_json(&e))?);
        }
    }
    let mut reader = Reader { path: Arc::clone(path), lines: LineIndex::new(text), inventory: Inventory::default(), kinds: Vec::new() };
    for page in pages {
        reader.page(page)?;
    }
    if reader.kinds.is_empty() {
        return Ok(Recognised::Unrecognised);
    }
    reader.kinds.dedup();
    Ok(Recognised::Inventory { inventory: reader.inventory, kind: reader.kinds.join(", "), provider: Provider::Aws })
}

struct Reader<'a> {
    path: Arc<str>,
    lines: LineIndex<'a>,
    inventory: Inventory,
    kinds: Vec<&'static str>,
}

impl Reader<'_> {
    fn origin_of(&mut self, needle: &str) -> Origin {
        Origin::file(&self.path, self.lines.find_string(needle))
    }

    fn page(&mut self, page: Envelope) -> Result<(), SourceError> {
        let is_authorization_details = page.RoleDetailList.is_some() || page.UserDetailList.is_some() || page.GroupDetailList.is_some();
        if is_authorization_details {
            self.kinds.push("aws iam get-account-authorization-details");
        }
        for role in page.RoleDetailList.into_iter().flatten() {
            self.role(role)?;
        }
        for user in page.UserDetailList.into_iter().flatten() {
            self.user(user);
        }
        if let Some(roles) = page.Roles {
            self.kinds.push("aws iam list-roles");
            for role in roles {
                self.role(role)?;
            }
        }
        if let Some(role) = page.Role {
            self.kinds.push("aws iam get-role");
            self.role(role)?;
        }
        if let Some(content) = page.Content
            && page.ReportFormat.as_deref().is_none_or(|f| f.eq_ignore_ascii_case("text/csv"))
        {
            self.kinds.push("aws iam get-credential-report");
            let line = self.lines.find_string("Content");
            let csv = base64::engine::general_purpose::STANDARD.decode(content.trim()).map_err(|e| SourceError {
                line: line.map(|l| l as usize),
                column: None,
                message: format!("credential report Content is not base64: {e}"),
            })?;
            let csv = String::from_utf8(csv).map_err(|_| SourceError::new("credential report Content is not UTF-8 text"))?;
            let users = read_credential_report(&self.path, &csv, line)?;
            self.inventory.aws.users.extend(users);
        }
        if let Some(keys) = page.AccessKeyMetadata {
            self.kinds.push("aws iam list-access-keys");
            for key in keys {
                self.access_key(key)?;
            }
        }
        if let (Some(user_name), Some(last_used)) = (page.UserName, page.AccessKeyLastUsed) {
            self.kinds.push("aws iam get-access-key-last-used");
            let date = last_used.LastUsedDate.as_deref().map(parse_time).transpose().map_err(|e| SourceError {
                line: self.lines.find_string("LastUsedDate").map(|l| l as usize),
                column: None,
                message: format!("LastUsedDate: {e}"),
            })?;
            if let Some(last_used) = date.flatten() {
                self.inventory.aws.key_last_used.push(crate::model::aws::KeyLastUsed { user_name, last_used });
            }
        }
        if let Some(list) = page.OpenIDConnectProviderList {
            self.kinds.push("aws iam list-open-id-connect-providers");
            for p in list {
                let origin = self.origin_of(&p.Arn);
                self.inventory.aws.oidc_providers.push(OidcProvider {
                    issuer: Issuer::parse(&p.Arn),
                    arn: Some(p.Arn),
                    client_ids: None,
                    origin,
                });
            }
        }
        if let (Some(url), Some(client_ids)) = (page.Url, page.ClientIDList) {
            self.kinds.push("aws iam get-open-id-connect-provider");
            let origin = self.origin_of(&url);
            self.inventory.aws.oidc_providers.push(OidcProvider {
                issuer: Issuer::parse(&url),
                arn: None,
                client_ids: Some(client_ids),
                origin,
            });
        }
        if let Some(cluster) = page.cluster {
            self.kinds.push("aws eks describe-cluster");
            let origin = self.origin_of(&cluster.name);
            let issuer = cluster.identity.and_then(|i| i.oidc).and_then(|o| o.issuer).map(|i| Issuer::parse(&i));
            self.inventory.aws.clusters.push(EksCluster { name: cluster.name, arn: cluster.arn, issuer, origin });
        }
        if let Some(names) = page.clusters {
            self.kinds.push("aws eks list-clusters");
            self.inventory.aws.listed_cluster_names.extend(names);
        }
        if page.association.is_some() || page.associations.is_some() {
            self.kinds.push("aws eks pod-identity-associations");
        }
        let associations = page.association.into_iter().chain(page.associations.into_iter().flatten());
        for a in associations {
            let origin = self.origin_of(&a.association_arn);
            self.inventory.aws.pod_identity_associations.push(PodIdentityAssociation {
                cluster_name: a.cluster_name,
                namespace: a.namespace,
                service_account: a.service_account,
                role_arn: a.role_arn,
                association_arn: a.association_arn,
                origin,
            });
        }
        if let Some(reservations) = page.Reservations {
            self.kinds.push("aws ec2 describe-instances");
            for reservation in reservations {
                for instance in reservation.Instances {
                    self.instance(instance, reservation.OwnerId.as_deref());
                }
            }
        }
        if let Some(versions) = page.LaunchTemplateVersions {
            self.kinds.push("aws ec2 describe-launch-template-versions");
            for version in versions {
                self.launch_template_version(version);
            }
        }
        if let Some(anchors) = page.trustAnchors {
            self.kinds.push("aws rolesanywhere list-trust-anchors");
            for a in anchors {
                let origin = self.origin_of(&a.trust_anchor_arn);
                self.inventory.aws.trust_anchors.push(TrustAnchor { arn: a.trust_anchor_arn, name: a.name, is_enabled: a.enabled, origin });
            }
        }
        if let (Some(_), Some(statement)) = (page.Version, page.Statement) {
            self.kinds.push("IAM policy document");
            self.bare_policy(statement)?;
        }
        Ok(())
    }

    fn role(&mut self, raw: RawRole) -> Result<(), SourceError> {
        let line = self.lines.find_string(raw.RoleId.as_deref().unwrap_or(&raw.Arn));
        let Some(document) = raw.AssumeRolePolicyDocument else {
            return Err(SourceError {
                line: line.map(|l| l as usize),
                column: None,
                message: format!("role {} has no AssumeRolePolicyDocument", raw.Arn),
            });
        };
        let trust = TrustPolicy::from_value(document).map_err(|e| SourceError {
            line: line.map(|l| l as usize),
            column: None,
            message: crate::redact::redact_text(&format!("trust policy of role {}: {e}", raw.RoleName)),
        })?;
        for profile in &raw.InstanceProfileList {
            self.inventory.aws.instance_profiles.push(InstanceProfile { arn: profile.Arn.clone(), role_arn: raw.Arn.clone() });
        }
        self.inventory.aws.roles.push(Role {
            arn: raw.Arn,
            name: raw.RoleName,
            path: raw.Path.unwrap_or_default(),
            trust,
            origin: Origin::file(&self.path, line),
        });
        Ok(())
    }

    fn user(&mut self, raw: RawUser) {
        let origin = self.origin_of(raw.UserId.as_deref().unwrap_or(&raw.Arn));
        self.inventory.aws.users.push(IamUser {
            arn: raw.Arn,
            name: raw.UserName,
            is_root: false,
            keys: Vec::new(),
            has_report: false,
            origin,
        });
    }

    /// A key from `list-access-keys`. A status or date that cannot be read refuses the file: read
    /// as "inactive" or "new", it would lower the finding and pass the gate.
    fn access_key(&mut self, raw: RawAccessKey) -> Result<(), SourceError> {
        let origin = self.origin_of(&raw.AccessKeyId);
        let at = |message: String| SourceError { line: line_of(&origin), column: None, message };
        let key_id = redact_key_id(&raw.AccessKeyId);
        let is_active = match raw.Status.to_ascii_lowercase().as_str() {
            "active" => true,
            "inactive" => false,
            _ => return Err(at(format!("access key {key_id}: Status `{}` is neither Active nor Inactive", raw.Status))),
        };
        let created =
            raw.CreateDate.as_deref().map(parse_time).transpose().map_err(|e| at(format!("access key {key_id}: CreateDate: {e}")))?;
        let name = raw.UserName.unwrap_or_else(|| "unknown".into());
        let key =
            AccessKey { id: Some(key_id), slot: None, is_active, created: created.flatten(), last_used: None, origin: origin.clone() };
        self.inventory.aws.users.push(IamUser {
            arn: format!("iam-user/{name}"),
            name,
            is_root: false,
            keys: vec![key],
            has_report: false,
            origin,
        });
        Ok(())
    }

    fn instance(&mut self, raw: RawInstance, owner: Option<&str>) {
        if raw.State.as_ref().and_then(|s| s.Name.as_deref()).is_some_and(|s| s == "terminated" || s == "shutting-down") {
            return;
        }
        let Some(cluster_name) = eks_cluster_tag(&raw.Tags) else { return };
        let origin = self.origin_of(&raw.InstanceId);
        let region =
            raw.Placement.and_then(|p| p.AvailabilityZone).map(|az| az.trim_end_matches(|c: char| c.is_ascii_lowercase()).to_string());
        let name = raw.Tags.iter().find(|t| t.Key == "Name").map(|t| t.Value.clone()).unwrap_or_else(|| raw.InstanceId.clone());
        self.inventory.aws.node_capacity.push(NodeCapacity {
            kind: CapacityKind::Instance,
            instance_profile: raw.IamInstanceProfile.map(|p| p.Arn),
            id: raw.InstanceId,
            name,
            cluster_name,
            account_id: owner.map(str::to_string),
            region,
            metadata: metadata_options(raw.MetadataOptions),
            origin,
        });
    }

    fn launch_template_version(&mut self, raw: RawLaunchTemplateVersion) {
        let Some(data) = raw.LaunchTemplateData else { return };
        let tags: Vec<RawTag> = data.TagSpecifications.into_iter().flat_map(|s| s.Tags).collect();
        let Some(cluster_name) = eks_cluster_tag(&tags) else { return };
        let origin = self.origin_of(&raw.LaunchTemplateId);
        let account_id = raw.CreatedBy.as_deref().and_then(account_of_arn).map(str::to_string);
        self.inventory.aws.node_capacity.push(NodeCapacity {
            kind: CapacityKind::LaunchTemplate,
            instance_profile: None,
            id: format!("{}:{}", raw.LaunchTemplateId, raw.VersionNumber),
            name: format!("{} v{}", raw.LaunchTemplateName.unwrap_or_else(|| raw.LaunchTemplateId.clone()), raw.VersionNumber),
            cluster_name,
            account_id,
            region: None,
            metadata: metadata_options(data.MetadataOptions),
            origin,
        });
    }

    /// A trust policy saved on its own: the role is named after the file.
    fn bare_policy(&mut self, statement: Value) -> Result<(), SourceError> {
        let document = serde_json::json!({"Version": "2012-10-17", "Statement": statement});
        let trust = TrustPolicy::from_value(document).map_err(|e| SourceError::new(format!("policy document: {e}")))?;
        let file_name = self.path.rsplit('/').next().unwrap_or(&self.path).to_string();
        let name = file_name.strip_suffix(".json").unwrap_or(&file_name).to_string();
        let line = self.lines.find_string("Statement");
        self.inventory.aws.roles.push(Role {
            arn: format!("trust-policy/{}", self.path),
            name,
            path: String::new(),
            trust,
            origin: Origin::file(&self.path, line),
        });
        Ok(())
    }
}

/// The EKS cluster an instance or template belongs to, from the tags EKS and its tooling set.
fn eks_cluster_tag(tags: &[RawTag]) -> Option<String> {
    eks_cluster_of_tags(tags.iter().map(|t| (t.Key.as_str(), t.Value.as_str())))
}

/// The EKS cluster named by `(key, value)` tags, shared with live collection.
pub(crate) fn eks_cluster_of_tags<'a>(mut tags: impl Iterator<Item = (&'a str, &'a str)>) -> Option<String> {
    tags.find_map(|(key, value)| match key {
        "eks:cluster-name" | "aws:eks:cluster-name" | "alpha.eksctl.io/cluster-name" => Some(value.to_string()),
        key => key.strip_prefix("kubernetes.io/cluster/").filter(|_| value == "owned" || value == "shared").map(str::to_string),
    })
}

fn metadata_options(raw: Option<RawMetadataOptions>) -> MetadataOptions {
    let raw = raw.unwrap_or_default();
    MetadataOptions { http_tokens: raw.HttpTokens, hop_limit: raw.HttpPutResponseHopLimit, http_endpoint: raw.HttpEndpoint }
}

/// AWS timestamps (`2024-03-05T10:22:31+00:00`, `...Z`); the credential report's `N/A`,
/// `no_information` and `not_supported` (and an empty field) mean none. Anything else is an error:
/// a date read as absent would make an old key look new.
pub fn parse_time(text: &str) -> Result<Option<Timestamp>, String> {
    let text = text.trim();
    if text.is_empty() || ["N/A", "no_information", "not_supported"].iter().any(|n| text.eq_ignore_ascii_case(n)) {
        return Ok(None);
    }
    text.parse::<Timestamp>().map(Some).map_err(|_| format!("`{text}` is not a date"))
}

fn line_of(origin: &Origin) -> Option<usize> {
    match origin {
        Origin::File { line, .. } => line.map(|l| l as usize),
        Origin::Live { .. } => None,
    }
}

const CREDENTIAL_REPORT_HEADER: &str = "user,arn,user_creation_time";

/// The report's header, as AWS writes it or with every field quoted (as spreadsheets save it).
pub fn looks_like_credential_report_csv(text: &str) -> bool {
    let first_line = text.trim_start().lines().next().unwrap_or_default();
    first_line.replace('"', "").starts_with(CREDENTIAL_REPORT_HEADER)
}

pub fn recognise_credential_report_csv(path: &Arc<str>, text: &str) -> Result<Recognised, SourceError> {
    let mut inventory = Inventory::default();
    inventory.aws.users = read_credential_report(path, text, None)?;
    Ok(Recognised::Inventory { inventory, kind: "aws iam credential report (CSV)".into(), provider: Provider::Aws })
}

/// Decodes the credential report CSV. `wrapper_line`: the JSON line of `Content` when the CSV was
/// embedded (every row then points there); otherwise rows point at their own CSV line.
fn read_credential_report(path: &Arc<str>, csv_text: &str, wrapper_line: Option<u32>) -> Result<Vec<IamUser>, SourceError> {
    read_credential_report_rows(csv_text, |csv_line| Origin::file(path, wrapper_line.or(u32::try_from(csv_line).ok())))
}

/// The credential report's rows as users and keys; `origin_of(csv_line)` says where each row came from.
pub(crate) fn read_credential_report_rows(csv_text: &str, origin_of: impl Fn(usize) -> Origin) -> Result<Vec<IamUser>, SourceError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| SourceError::new(format!("credential report: {e}")))?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(user_col), Some(arn_col)) = (column("user"), column("arn")) else {
        return Err(SourceError::new("credential report has no user/arn columns"));
    };
    // The report's two key slots: their number and the columns of each.
    struct Slot {
        number: u8,
        active: Option<usize>,
        rotated: Option<usize>,
        used: Option<usize>,
    }
    let slots: Vec<Slot> = (1..=2u8)
        .map(|n| Slot {
            number: n,
            active: column(&format!("access_key_{n}_active")),
            rotated: column(&format!("access_key_{n}_last_rotated")),
            used: column(&format!("access_key_{n}_last_used_date")),
        })
        .collect();
    let mut users = Vec::new();
    for (row_index, record) in reader.records().enumerate() {
        let csv_line = row_index + 2;
        let record = record.map_err(|e| SourceError::at_line(csv_line, format!("credential report: {e}")))?;
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        let origin = origin_of(csv_line);
        let name = field(Some(user_col)).to_string();
        let arn = field(Some(arn_col)).to_string();
        if arn.is_empty() {
            return Err(SourceError::at_line(csv_line, "credential report row has no arn"));
        }
        let mut keys = Vec::new();
        for Slot { number: slot, active, rotated, used } in &slots {
            let date = |column: Option<usize>, what: &str| {
                parse_time(field(column))
                    .map_err(|e| SourceError::at_line(csv_line, format!("credential report: access_key_{slot}_{what}: {e}")))
            };
            let created = date(*rotated, "last_rotated")?;
            let is_active = match field(*active).to_ascii_lowercase().as_str() {
                "true" => true,
                "false" | "" => false,
                other => {
                    return Err(SourceError::at_line(
                        csv_line,
                        format!("credential report: access_key_{slot}_active is `{other}`, not true or false"),
                    ));
                }
            };
            if is_active || created.is_some() {
                keys.push(AccessKey {
                    id: None,
                    slot: Some(*slot),
                    is_active,
                    created,
                    last_used: date(*used, "last_used_date")?,
                    origin: origin.clone(),
                });
            }
        }
        users.push(IamUser { is_root: name == "<root_account>", arn, name, keys, has_report: true, origin });
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Inventory {
        match recognise_json(&Arc::from("t.json"), text).expect("reads") {
            Recognised::Inventory { inventory, .. } => inventory,
            _ => panic!("not recognised"),
        }
    }

    #[test]
    fn get_role_with_url_encoded_trust() {
        let inv = read(
            r#"{"Role": {"RoleName": "r", "RoleId": "AROAEXAMPLE", "Arn": "arn:aws:iam::111122223333:role/r",
            "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D"}}"#,
        );
        assert_eq!(inv.aws.roles.len(), 1);
        assert_eq!(inv.aws.roles[0].origin, Origin::file(&Arc::from("t.json"), Some(1)));
    }

    #[test]
    fn concatenated_pages_and_arrays_of_pages() {
        let page = |n: u32| {
            format!(
                r#"{{"Roles": [{{"RoleName": "r{n}", "Arn": "arn:aws:iam::1:role/r{n}", "AssumeRolePolicyDocument": {{"Statement": []}}}}], "IsTruncated": true}}"#
            )
        };
        assert_eq!(read(&format!("{}\n{}", page(1), page(2))).aws.roles.len(), 2);
        assert_eq!(read(&format!("[{}, {}]", page(1), page(2))).aws.roles.len(), 2);
    }

    #[test]
    fn unknown_shapes_are_unrecognised() {
        assert!(matches!(recognise_json(&Arc::from("t"), r#"{"name": "pkg", "version": "1.0.0"}"#), Ok(Recognised::Unrecognised)));
        assert!(matches!(recognise_json(&Arc::from("t"), "[1, 2]"), Ok(Recognised::Unrecognised)));
    }

    #[test]
    fn wrong_types_are_errors_with_position() {
        let e = recognise_json(&Arc::from("t"), "{\n\"Roles\": 42}").err().expect("error");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn credential_report_rows() {
        let csv = "user,arn,user_creation_time,password_enabled,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n\
                   <root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,true,2020-01-01T00:00:00+00:00,N/A,false,N/A,N/A\n";
        let users = read_credential_report(&Arc::from("r.csv"), csv, None).expect("reads");
        assert!(users[0].is_root);
        assert_eq!(users[0].keys.len(), 1);
        assert!(users[0].keys[0].last_used.is_none());
        assert_eq!(users[0].origin, Origin::file(&Arc::from("r.csv"), Some(2)));
    }
}
