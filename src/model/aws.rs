//! AWS objects: roles with their trust, users and access keys, OIDC providers, EKS clusters,
//! Pod Identity associations, worker capacity's metadata options, Roles Anywhere anchors.

use jiff::Timestamp;

use super::Origin;
use super::iam_policy::TrustPolicy;
use super::issuer::Issuer;
use crate::finding::Resource;

inventory_part! {
    pub struct AwsInventory {
        objects roles: Vec<Role>,
        objects users: Vec<IamUser>,
        objects oidc_providers: Vec<OidcProvider>,
        objects clusters: Vec<EksCluster>,
        /// Names from `eks list-clusters`: proof that clusters were collected even if not described.
        facts listed_cluster_names: Vec<String>,
        objects pod_identity_associations: Vec<PodIdentityAssociation>,
        objects node_capacity: Vec<NodeCapacity>,
        objects trust_anchors: Vec<TrustAnchor>,
        /// Instance profiles and the role each holds (from authorization details), to name the
        /// role EKS workers run as.
        facts instance_profiles: Vec<InstanceProfile>,
        /// `get-access-key-last-used` answers: they name the user, not the key, so they are joined
        /// to a user's only key when consolidating.
        facts key_last_used: Vec<KeyLastUsed>,
    }
}

#[derive(Clone, Debug)]
pub struct KeyLastUsed {
    pub user_name: String,
    pub last_used: Timestamp,
}

/// An IAM role and the trust policy that says who may assume it.
#[derive(Clone, Debug)]
pub struct Role {
    pub arn: String,
    pub name: String,
    pub path: String,
    pub trust: TrustPolicy,
    pub origin: Origin,
}

impl Role {
    pub fn resource(&self) -> Resource {
        Resource { kind: "aws:iam:role".into(), id: self.arn.clone(), name: self.name.clone() }
    }

    pub fn account_id(&self) -> Option<&str> {
        account_of_arn(&self.arn)
    }
}

/// An IAM user (or the root account) with its access keys' metadata. Never a secret.
#[derive(Clone, Debug)]
pub struct IamUser {
    /// The ARN when known; `iam-user/NAME` when only a name was read.
    pub arn: String,
    pub name: String,
    pub is_root: bool,
    pub keys: Vec<AccessKey>,
    /// Keys came from a credential report, which is authoritative for status and use.
    pub has_report: bool,
    pub origin: Origin,
}

impl IamUser {
    pub fn resource(&self) -> Resource {
        let kind = if self.is_root { "aws:iam:root" } else { "aws:iam:user" };
        Resource { kind: kind.into(), id: self.arn.clone(), name: self.name.clone() }
    }
}

#[derive(Clone, Debug)]
pub struct AccessKey {
    /// Redacted at parse time (`AKIA…WXYZ`): the full ID never enters the inventory.
    pub id: Option<String>,
    /// 1 or 2 in the credential report.
    pub slot: Option<u8>,
    pub is_active: bool,
    /// Created or last rotated.
    pub created: Option<Timestamp>,
    pub last_used: Option<Timestamp>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct OidcProvider {
    pub arn: Option<String>,
    pub issuer: Issuer,
    /// `None` when only the ARN was listed (`list-open-id-connect-providers`).
    pub client_ids: Option<Vec<String>>,
    pub origin: Origin,
}

impl OidcProvider {
    pub fn resource(&self) -> Resource {
        let id = self.arn.clone().unwrap_or_else(|| format!("oidc-provider/{}", self.issuer));
        Resource { kind: "aws:iam:oidc-provider".into(), id, name: self.issuer.to_string() }
    }
}

#[derive(Clone, Debug)]
pub struct EksCluster {
    pub name: String,
    pub arn: Option<String>,
    pub issuer: Option<Issuer>,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct PodIdentityAssociation {
    pub cluster_name: String,
    pub namespace: String,
    pub service_account: String,
    /// Absent in `list-pod-identity-associations` output; present in `describe-...`.
    pub role_arn: Option<String>,
    pub association_arn: String,
    pub origin: Origin,
}

impl PodIdentityAssociation {
    pub fn resource(&self) -> Resource {
        Resource {
            kind: "aws:eks:pod-identity-association".into(),
            id: self.association_arn.clone(),
            name: format!("{}/{}/{}", self.cluster_name, self.namespace, self.service_account),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CapacityKind {
    Instance,
    LaunchTemplate,
}

/// An instance profile (ARN) and the role in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    pub arn: String,
    pub role_arn: String,
}

/// EKS worker capacity (an instance or a launch template version) and its IMDS settings.
#[derive(Clone, Debug)]
pub struct NodeCapacity {
    pub kind: CapacityKind,
    /// Instance ID, or `lt-...:VERSION`.
    pub id: String,
    pub name: String,
    pub cluster_name: String,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub metadata: MetadataOptions,
    /// The instance profile ARN an instance runs with (`IamInstanceProfile.Arn`).
    pub instance_profile: Option<String>,
    pub origin: Origin,
}

impl NodeCapacity {
    pub fn resource(&self) -> Resource {
        let (kind, resource_type) = match self.kind {
            CapacityKind::Instance => ("aws:ec2:instance", "instance"),
            CapacityKind::LaunchTemplate => ("aws:ec2:launch-template", "launch-template"),
        };
        let id = match (&self.region, &self.account_id) {
            (Some(region), Some(account)) => format!("arn:aws:ec2:{region}:{account}:{resource_type}/{}", self.id),
            _ => format!("{resource_type}/{}", self.id),
        };
        Resource { kind: kind.into(), id, name: self.name.clone() }
    }
}

/// `MetadataOptions` as EC2 reports them; absent fields stay `None` (the defaults depend on the AMI).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetadataOptions {
    pub http_tokens: Option<String>,
    pub hop_limit: Option<i64>,
    pub http_endpoint: Option<String>,
}

#[derive(Clone, Debug)]
pub struct TrustAnchor {
    pub arn: String,
    pub name: String,
    pub is_enabled: bool,
    pub origin: Origin,
}

/// The account ID of an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:...`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

impl AwsInventory {
    /// Whether any EKS cluster was collected (described or listed), so absence means something.
    pub fn has_cluster_inventory(&self) -> bool {
        !self.clusters.is_empty() || !self.listed_cluster_names.is_empty()
    }

    /// Joins records of one object read from several inputs and sorts everything, so the result
    /// does not depend on the order inputs were given in.
    pub fn consolidate(&mut self) {
        super::aws_join::consolidate(self);
    }
}
