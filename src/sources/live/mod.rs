//! Live collection: the clouds' and the cluster's own APIs, read-only, with their standard
//! credential chains. Async lives here and nowhere else; the caller gets an inventory and one
//! [`SourceReport`](super::SourceReport) per source (context, account, ...).
//!
//! Each cloud's client is a cargo feature (`aws`, `azure`, `gcp`, `k8s`; all on by default). The options below
//! exist in every build, so the command line is the same; asking for a source whose feature was
//! left out is refused before anything runs ([`missing_features`]).

#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "azure")]
mod azure;
#[cfg(feature = "gcp")]
mod gcp;
#[cfg(feature = "k8s")]
pub mod k8s;
#[cfg(feature = "live")]
mod runner;

use std::time::Duration;

use crate::model::Inventory;
use crate::sources::SourceReport;

/// The default deadline of one live source (an account, a context): generous for a large
/// estate, short enough that a stalled endpoint fails a CI job instead of hanging it.
pub const DEFAULT_SOURCE_TIMEOUT: Duration = Duration::from_secs(300);

/// What to collect live.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    pub aws: Option<AwsOptions>,
    pub gcp: Option<GcpOptions>,
    pub azure: Option<AzureOptions>,
    pub k8s: Option<K8sOptions>,
    /// Spinners on stderr, one per account and context: only on a terminal, never with `-q` or in CI.
    pub show_progress: bool,
    /// How long one source may take, its retries and waits included; past it the source fails.
    pub source_timeout: Duration,
}

impl Default for LiveOptions {
    fn default() -> Self {
        Self { aws: None, gcp: None, azure: None, k8s: None, show_progress: false, source_timeout: DEFAULT_SOURCE_TIMEOUT }
    }
}

impl LiveOptions {
    pub fn is_empty(&self) -> bool {
        self.aws.is_none() && self.gcp.is_none() && self.azure.is_none() && self.k8s.is_none()
    }
}

#[derive(Clone, Debug, Default)]
pub struct AwsOptions {
    /// Named profiles, one account each; empty: the default credential chain.
    pub profiles: Vec<String>,
    /// Roles to assume (from the default chain) into member accounts.
    pub role_arns: Vec<String>,
    /// Regions to read; empty: the account's enabled regions.
    pub regions: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct GcpOptions {
    /// Organizations, folders and projects to read, one source each.
    pub scopes: Vec<GcpScope>,
    /// One base URL for every Google API (`WISCAN_GCP_ENDPOINT`: an emulator, a test fake or a
    /// proxy); `None`: each API's public endpoint.
    pub endpoint: Option<String>,
}

/// A Cloud Asset scope: what `--gcp-org`, `--gcp-folder` and `--gcp-project` name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GcpScope {
    Organization(String),
    Folder(String),
    Project(String),
}

impl GcpScope {
    /// `organizations/N`, `folders/N`, `projects/P`: the scope as the APIs name it.
    pub fn name(&self) -> String {
        match self {
            GcpScope::Organization(id) => format!("organizations/{id}"),
            GcpScope::Folder(id) => format!("folders/{id}"),
            GcpScope::Project(id) => format!("projects/{id}"),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct AzureOptions {
    /// Subscriptions to read, one source each; empty: every subscription the credential sees.
    pub subscriptions: Vec<String>,
    /// The tenant to sign in to (`--azure-tenant`); `None`: the credential's home tenant.
    pub tenant: Option<String>,
    /// ARM and Microsoft Graph base URLs (`WISCAN_AZURE_ARM_ENDPOINT`, `WISCAN_AZURE_GRAPH_ENDPOINT`);
    /// `None`: the public cloud's.
    pub arm_endpoint: Option<String>,
    pub graph_endpoint: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct K8sOptions {
    /// Kubeconfig contexts; empty means the current context (or in-cluster config).
    pub contexts: Vec<String>,
    /// `--no-secrets`: do not list Secrets, and do not read ConfigMaps' contents.
    pub skip_secrets: bool,
}

/// The cargo features the requested live sources need and this build lacks, with the options that
/// asked for them: `("aws", "--aws")`.
pub fn missing_features(options: &LiveOptions) -> Vec<(&'static str, &'static str)> {
    let mut missing = Vec::new();
    if options.aws.is_some() && !cfg!(feature = "aws") {
        missing.push(("aws", "--aws, --aws-profile, --aws-role-arn, --aws-region"));
    }
    if options.gcp.is_some() && !cfg!(feature = "gcp") {
        missing.push(("gcp", "--gcp-org, --gcp-folder, --gcp-project"));
    }
    if options.azure.is_some() && !cfg!(feature = "azure") {
        missing.push(("azure", "--azure, --azure-subscription"));
    }
    if options.k8s.is_some() && !cfg!(feature = "k8s") {
        missing.push(("k8s", "--k8s, --kube-context"));
    }
    missing
}

/// Collects every requested live source concurrently; failures are in the reports, never panics.
#[cfg(feature = "live")]
pub fn collect(options: &LiveOptions) -> (Inventory, Vec<SourceReport>) {
    runner::collect(options)
}

/// Without live clients there is nothing to collect; [`missing_features`] has refused the request
/// before this could be asked, and each source would be reported as failed if it were.
#[cfg(not(feature = "live"))]
pub fn collect(options: &LiveOptions) -> (Inventory, Vec<SourceReport>) {
    let reports = missing_features(options)
        .into_iter()
        .map(|(feature, _)| SourceReport {
            provider: None,
            origin: feature.to_string(),
            kind: None,
            status: crate::sources::SourceStatus::Error,
            objects: 0,
            calls: None,
            errors: vec![format!("this wiscan was built without the `{feature}` feature")],
        })
        .collect();
    (Inventory::default(), reports)
}
