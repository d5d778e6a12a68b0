//! The rule catalogue. A rule is `rules/ID.md` (its words) plus one file of logic under
//! `src/rules/<provider>/` registered in [`ALL`]; rules read the inventory and ask the policy
//! module questions, never files, APIs or config.

pub mod aws;
pub mod azure;
pub mod cross;
pub mod gcp;
pub mod k8s;
pub mod meta;

use jiff::Timestamp;

use crate::finding::{Finding, FindingBuilder, Resource, Severity};
use crate::model::Inventory;
pub use meta::RuleMeta;

/// What a rule sees.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    /// The scan's notion of "now", for key ages (fixed in tests with `WISCAN_NOW`).
    pub now: Timestamp,
}

/// Where a rule puts its findings.
#[derive(Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    /// Adds a finding. A finding without resource or message is a bug in the rule.
    pub fn push(&mut self, builder: FindingBuilder) {
        match builder.build() {
            Some(f) => self.0.push(f),
            None => panic!("a rule built a finding without a resource or message"),
        }
    }
}

/// Metadata access, implemented by [`declare_rule!`].
pub trait RuleMetaSource {
    fn meta(&self) -> &'static RuleMeta;

    fn id(&self) -> &'static str {
        &self.meta().id
    }

    fn default_severity(&self) -> Severity {
        self.meta().default_severity
    }

    /// A finding of this rule about `resource`, at the default severity.
    fn finding(&self, resource: Resource) -> FindingBuilder {
        let meta = self.meta();
        FindingBuilder::new(&meta.id, &meta.name, meta.provider, meta.default_severity).resource(resource)
    }
}

/// A stateless check over the whole inventory; rules run in parallel.
pub trait Rule: RuleMetaSource + Send + Sync {
    fn check(&self, cx: &Context<'_>, out: &mut Findings);
}

/// Declares a rule's unit struct and embeds `rules/ID.md` at compile time.
macro_rules! declare_rule {
    ($name:ident, $id:literal) => {
        pub(crate) struct $name;
        impl $crate::rules::RuleMetaSource for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                static META: std::sync::LazyLock<$crate::rules::RuleMeta> = std::sync::LazyLock::new(|| {
                    $crate::rules::RuleMeta::parse(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $id, ".md")))
                        .unwrap_or_else(|e| panic!("rules/{}.md: {e}", $id))
                });
                &META
            }
        }
    };
}
pub(crate) use declare_rule;

/// Everything a rule file needs.
pub(crate) mod prelude {
    pub(crate) use super::{Context, Findings, Rule, RuleMetaSource, declare_rule};
    pub(crate) use crate::finding::Severity;
    pub(crate) use crate::policy::{Issuer, IssuerKind, TrustQuestions};
}

/// Every rule, sorted by ID.
pub static ALL: &[&dyn Rule] = &[
    &aws::oidc_sub_wildcard::OidcSubWildcard,
    &aws::oidc_sub_missing::OidcSubMissing,
    &aws::oidc_aud_missing::OidcAudMissing,
    &aws::github_oidc_unscoped::GithubOidcUnscoped,
    &aws::trust_principal_wildcard::TrustPrincipalWildcard,
    &aws::roles_anywhere_unconstrained::RolesAnywhereUnconstrained,
    &aws::pod_identity_trust_unscoped::PodIdentityTrustUnscoped,
    &aws::static_access_key::StaticAccessKey,
    &aws::node_imds_reachable::NodeImdsReachable,
    &aws::oidc_provider_stale::OidcProviderStale,
    &azure::fic_subject_wildcard::FicSubjectWildcard,
    &azure::fic_audience_unexpected::FicAudienceUnexpected,
    &azure::fic_issuer_unknown::FicIssuerUnknown,
    &azure::app_client_secret::AppClientSecret,
    &azure::mi_broad_role::MiBroadRole,
    &azure::aks_imds_reachable::AksImdsReachable,
    &gcp::gke_namespace_wide_grant::GkeNamespaceWideGrant,
    &gcp::wif_pool_wide_grant::WifPoolWideGrant,
    &gcp::wif_provider_no_condition::WifProviderNoCondition,
    &gcp::sa_user_managed_key::SaUserManagedKey,
    &gcp::gke_metadata_exposed::GkeMetadataExposed,
    &gcp::wi_privileged_target::WiPrivilegedTarget,
    &gcp::wi_user_at_project::WiUserAtProject,
    &k8s::pod_host_network::PodHostNetwork,
    &k8s::imds_egress_open::ImdsEgressOpen,
    &k8s::static_aws_key_in_cluster::StaticAwsKeyInCluster,
    &k8s::static_gcp_key_in_cluster::StaticGcpKeyInCluster,
    &k8s::static_azure_secret_in_cluster::StaticAzureSecretInCluster,
    &k8s::azure_wi_label_missing::AzureWiLabelMissing,
    &k8s::default_sa_cloud_identity::DefaultSaCloudIdentity,
    &k8s::static_creds_in_federated_workload::StaticCredsInFederatedWorkload,
    &cross::irsa_annotation_untrusted::IrsaAnnotationUntrusted,
    &cross::gke_annotation_one_sided::GkeAnnotationOneSided,
    &cross::azure_annotation_no_fic::AzureAnnotationNoFic,
    &cross::trust_dangling_subject::TrustDanglingSubject,
    &cross::identity_shared_across_workloads::IdentitySharedAcrossWorkloads,
];

/// Looks a rule up by ID (case-insensitive) or name.
pub fn find(id_or_name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.id().eq_ignore_ascii_case(id_or_name) || r.meta().name == id_or_name)
}
