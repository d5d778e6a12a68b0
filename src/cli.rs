//! The command line (clap derive): `scan`, `collect`, `map`, `rules`, `completions`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_verbosity_flag::{Verbosity, WarnLevel};

use crate::config::FailOn;
use crate::finding::Severity;
use crate::report::Format;

#[derive(Debug, Parser)]
#[command(
    name = "wiscan",
    version,
    about = "Audit workload identity: who can become which cloud identity, across AWS, Google Cloud, Azure and Kubernetes",
    long_about = "Audit workload identity: who can become which cloud identity, across AWS, Google Cloud, Azure and Kubernetes.\n\n\
                  wiscan reads trust policies, federation settings and static credentials (offline from the clouds' own CLI outputs, \
                  or from its own snapshots), and reports trusts that admit more than they should.\n\n\
                  Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage error, unreadable input or failed source.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub verbosity: Verbosity<WarnLevel>,

    /// When to colour output: auto = on a terminal and without NO_COLOR
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect, run the rules and report
    Scan(ScanArgs),
    /// Collect only, and write the normalized inventory as a snapshot
    Collect(CollectArgs),
    /// Draw who can become whom: the identity graph across clusters and clouds
    Map(MapArgs),
    /// List the rules, or explain one
    Rules(RulesArgs),
    /// Print shell completions
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Inputs")]
pub struct InputArgs {
    /// Read a file, a directory (walked recursively) or `-` (standard input); repeatable.
    /// Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details,
    /// list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster,
    /// list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions;
    /// rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes
    /// objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots
    #[arg(long = "from", value_name = "PATH")]
    pub from: Vec<String>,

    /// Largest input file to read, in MiB (1 to 1048576)
    #[arg(long, value_name = "MIB", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub max_input_size: u64,

    /// Report unreadable inputs and failed sources but do not exit 2 for them
    #[arg(long)]
    pub allow_partial: bool,

    /// Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to
    /// the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or
    /// from the only cluster described in the scan
    #[arg(long = "cluster", value_name = "NAME=PATH")]
    pub clusters: Vec<crate::model::ClusterLink>,

    /// Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)
    #[arg(long, help_heading = "Live sources")]
    pub aws: bool,

    /// AWS profile to collect from, one account each; repeatable (implies --aws)
    #[arg(long = "aws-profile", value_name = "PROFILE", help_heading = "Live sources")]
    pub aws_profiles: Vec<String>,

    /// Role to assume into a member account (from the default credentials); repeatable (implies --aws)
    #[arg(long = "aws-role-arn", value_name = "ARN", help_heading = "Live sources")]
    pub aws_role_arns: Vec<String>,

    /// AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account's enabled regions]
    #[arg(long = "aws-region", value_name = "REGION", help_heading = "Live sources")]
    pub aws_regions: Vec<String>,

    /// Google Cloud organization (numeric ID) to collect from with Application Default Credentials,
    /// through Cloud Asset Inventory; repeatable
    #[arg(long = "gcp-org", value_name = "ID", help_heading = "Live sources")]
    pub gcp_orgs: Vec<String>,

    /// Google Cloud folder (numeric ID) to collect from; repeatable
    #[arg(long = "gcp-folder", value_name = "ID", help_heading = "Live sources")]
    pub gcp_folders: Vec<String>,

    /// Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset
    /// API, the project is read through the IAM, Resource Manager and GKE APIs
    #[arg(long = "gcp-project", value_name = "PROJECT", help_heading = "Live sources")]
    pub gcp_projects: Vec<String>,

    /// Collect live from Azure with the standard credential chain (environment, workload identity,
    /// managed identity, Azure CLI): every visible subscription, and the tenant's Microsoft Graph
    #[arg(long, help_heading = "Live sources")]
    pub azure: bool,

    /// Azure subscription to collect from; repeatable (implies --azure)
    #[arg(long = "azure-subscription", value_name = "ID", help_heading = "Live sources")]
    pub azure_subscriptions: Vec<String>,

    /// Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the
    /// credential's home tenant]
    #[arg(long = "azure-tenant", value_name = "ID", help_heading = "Live sources")]
    pub azure_tenant: Option<String>,

    /// Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration
    #[arg(long, help_heading = "Live sources")]
    pub k8s: bool,

    /// Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)
    #[arg(long = "kube-context", value_name = "CONTEXT", help_heading = "Live sources")]
    pub kube_contexts: Vec<String>,

    /// Do not list Secrets, and do not read ConfigMaps' contents
    #[arg(long, help_heading = "Live sources")]
    pub no_secrets: bool,

    /// Seconds each live source (account, context) may take, retries and waits included; past
    /// it the source fails (exit 2)
    #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400), help_heading = "Live sources")]
    pub timeout: u64,

    /// Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the
    /// order given): one process per shard, e.g. an indexed Job's `$(JOB_COMPLETION_INDEX)/COUNT`.
    /// `--from` inputs are always read
    #[arg(long, value_name = "INDEX/COUNT", help_heading = "Live sources")]
    pub shard: Option<Shard>,
}

/// `--shard INDEX/COUNT`, with `INDEX < COUNT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parsed = s.split_once('/').and_then(|(i, n)| Some((i.trim().parse::<usize>().ok()?, n.trim().parse::<usize>().ok()?)));
        match parsed {
            Some((index, count)) if index < count => Ok(Shard { index, count }),
            _ => Err(format!("`{s}` is not INDEX/COUNT with INDEX below COUNT (e.g. 0/4)")),
        }
    }
}

/// One live source as `--shard` counts them.
enum LiveScope {
    AwsDefault,
    AwsProfile(String),
    AwsRole(String),
    Gcp(crate::sources::live::GcpScope),
    AzureAll,
    AzureSubscription(String),
    K8sCurrent,
    K8sContext(String),
}

impl InputArgs {
    /// The live sources asked for; a source named twice is read once, and `--shard` keeps its part.
    pub fn live_options(&self) -> crate::sources::live::LiveOptions {
        let mut scopes = Vec::new();
        let wants_aws = self.aws || !self.aws_profiles.is_empty() || !self.aws_role_arns.is_empty() || !self.aws_regions.is_empty();
        if wants_aws {
            scopes.extend(unique(&self.aws_profiles).into_iter().map(LiveScope::AwsProfile));
            scopes.extend(unique(&self.aws_role_arns).into_iter().map(LiveScope::AwsRole));
            if self.aws_profiles.is_empty() && self.aws_role_arns.is_empty() {
                scopes.push(LiveScope::AwsDefault);
            }
        }
        {
            use crate::sources::live::GcpScope;
            scopes.extend(unique(&self.gcp_orgs).into_iter().map(|id| LiveScope::Gcp(GcpScope::Organization(id))));
            scopes.extend(unique(&self.gcp_folders).into_iter().map(|id| LiveScope::Gcp(GcpScope::Folder(id))));
            scopes.extend(unique(&self.gcp_projects).into_iter().map(|id| LiveScope::Gcp(GcpScope::Project(id))));
        }
        if self.azure || !self.azure_subscriptions.is_empty() || self.azure_tenant.is_some() {
            scopes.extend(unique(&self.azure_subscriptions).into_iter().map(LiveScope::AzureSubscription));
            if self.azure_subscriptions.is_empty() {
                scopes.push(LiveScope::AzureAll);
            }
        }
        if self.k8s || !self.kube_contexts.is_empty() {
            scopes.extend(unique(&self.kube_contexts).into_iter().map(LiveScope::K8sContext));
            if self.kube_contexts.is_empty() {
                scopes.push(LiveScope::K8sCurrent);
            }
        }
        if let Some(shard) = self.shard {
            scopes = scopes.into_iter().enumerate().filter(|(i, _)| i % shard.count == shard.index).map(|(_, s)| s).collect();
        }
        let (mut aws, mut k8s) = (None::<crate::sources::live::AwsOptions>, None::<crate::sources::live::K8sOptions>);
        let mut gcp = None::<crate::sources::live::GcpOptions>;
        let mut azure = None::<crate::sources::live::AzureOptions>;
        for scope in scopes {
            match scope {
                LiveScope::AwsDefault => {
                    aws.get_or_insert_with(Default::default);
                }
                LiveScope::AwsProfile(p) => aws.get_or_insert_with(Default::default).profiles.push(p),
                LiveScope::AwsRole(r) => aws.get_or_insert_with(Default::default).role_arns.push(r),
                LiveScope::Gcp(scope) => gcp.get_or_insert_with(Default::default).scopes.push(scope),
                LiveScope::AzureAll => {
                    azure.get_or_insert_with(Default::default);
                }
                LiveScope::AzureSubscription(s) => azure.get_or_insert_with(Default::default).subscriptions.push(s),
                LiveScope::K8sCurrent => {
                    k8s.get_or_insert_with(Default::default);
                }
                LiveScope::K8sContext(c) => k8s.get_or_insert_with(Default::default).contexts.push(c),
            }
        }
        if let Some(aws) = &mut aws {
            aws.regions = unique(&self.aws_regions);
        }
        if let Some(k8s) = &mut k8s {
            k8s.skip_secrets = self.no_secrets;
        }
        if let Some(gcp) = &mut gcp {
            gcp.endpoint = std::env::var("WISCAN_GCP_ENDPOINT").ok().filter(|e| !e.is_empty());
        }
        if let Some(azure) = &mut azure {
            let endpoint = |var: &str| std::env::var(var).ok().filter(|e| !e.is_empty());
            azure.tenant = self.azure_tenant.clone();
            azure.arm_endpoint = endpoint("WISCAN_AZURE_ARM_ENDPOINT");
            azure.graph_endpoint = endpoint("WISCAN_AZURE_GRAPH_ENDPOINT");
        }
        crate::sources::live::LiveOptions {
            aws,
            gcp,
            azure,
            k8s,
            show_progress: false,
            source_timeout: std::time::Duration::from_secs(self.timeout),
        }
    }
}

/// The values in the order first given, without repeats.
fn unique(values: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    values.iter().filter(|v| seen.insert(v.as_str())).cloned().collect()
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Report format
    #[arg(long, value_enum, default_value_t = Format::Table, help_heading = "Output")]
    pub format: Format,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Hide findings below this severity
    #[arg(long, value_enum, value_name = "SEVERITY", help_heading = "Output")]
    pub min_severity: Option<Severity>,

    /// SARIF: include suppressed and baselined findings, marked with `suppressions`
    #[arg(long, help_heading = "Output")]
    pub sarif_include_suppressed: bool,

    /// Exit 1 when an unsuppressed finding is at or above SEVERITY [default: high; `none` never fails]
    #[arg(long, value_name = "SEVERITY", value_parser = parse_fail_on, help_heading = "Gate")]
    pub fail_on: Option<FailOn>,

    /// Findings whose fingerprints are in FILE are suppressed and never fail the gate
    #[arg(long, value_name = "FILE", help_heading = "Gate")]
    pub baseline: Option<PathBuf>,

    /// Write the fingerprints of this scan's findings to FILE, for --baseline
    #[arg(long, value_name = "FILE", help_heading = "Gate")]
    pub write_baseline: Option<PathBuf>,

    /// Run only these rules (ID or name); repeatable
    #[arg(long, value_name = "RULE", help_heading = "Rules")]
    pub select: Vec<String>,

    /// Do not run these rules (ID or name); repeatable
    #[arg(long, value_name = "RULE", help_heading = "Rules")]
    pub ignore: Vec<String>,

    /// Configuration file [default: wiscan.toml in the working directory, if present]
    #[arg(long, value_name = "FILE", help_heading = "Rules")]
    pub config: Option<PathBuf>,

    /// The time key ages are measured against (RFC 3339); for reproducible reports
    #[arg(long, env = "WISCAN_NOW", hide = true)]
    pub now: Option<jiff::Timestamp>,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Where to write the snapshot (`-` for standard output)
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct MapArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Map format: a table per identity and per ServiceAccount, JSON (schemas/map-v1.schema.json),
    /// Graphviz DOT, or a Mermaid flowchart (GitHub renders it in Markdown)
    #[arg(long, value_enum, default_value_t = crate::map::MapFormat::Table, help_heading = "Output")]
    pub format: crate::map::MapFormat,

    /// Write the map to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,

    /// Keep what the ServiceAccounts and workloads of this namespace can become
    #[arg(long, value_name = "NAMESPACE", help_heading = "Filters")]
    pub namespace: Option<String>,

    /// Keep what the objects of this cluster (its name, or the input it was read from) can become
    /// (`--cluster NAME=PATH` links inputs to clusters, as in `scan`)
    #[arg(long, value_name = "CLUSTER", help_heading = "Filters")]
    pub in_cluster: Option<String>,

    /// Keep who can become this identity (role ARN, service account email, client ID, or name)
    #[arg(long, value_name = "IDENTITY", help_heading = "Filters")]
    pub identity: Option<String>,

    /// List every path that ends at this identity
    #[arg(long, value_name = "IDENTITY", help_heading = "Filters")]
    pub path_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule ID or name to explain
    pub rule: Option<String>,

    /// Output format for the list
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
    Markdown,
}

fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    s.parse()
}
