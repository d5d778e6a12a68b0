//! Google Cloud rules: workload identity grants, federation providers, service account keys, GKE
//! node metadata. They read `model::gcp` and ask `policy::members`, `policy::gcp` and
//! `policy::provider_condition`.

pub mod gke_metadata_exposed;
pub mod gke_namespace_wide_grant;
pub mod sa_user_managed_key;
pub mod wi_privileged_target;
pub mod wi_user_at_project;
pub mod wif_pool_wide_grant;
pub mod wif_provider_no_condition;

use crate::finding::FindingBuilder;
use crate::model::gcp::IamBinding;

/// The evidence every binding finding carries: the member, the role, the condition's title.
fn binding_evidence(builder: FindingBuilder, binding: &IamBinding) -> FindingBuilder {
    let builder = builder.evidence("member", &binding.member).evidence("role", &binding.role).evidence("resource", &binding.resource);
    match &binding.condition {
        Some(condition) => builder.evidence("condition", condition.title.as_deref().unwrap_or(&condition.expression)),
        None => builder,
    }
}
