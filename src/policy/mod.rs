//! Policy semantics: answering "who may become this identity?" about the documents `model` holds.
//!
//! This is the one place that knows what policies mean: AWS IAM's evaluation rules (rules ask
//! through [`TrustQuestions`] and [`TrustGrant`]), Google Cloud members, bindings and provider
//! conditions (`members`, `gcp`, `provider_condition`), Azure federated credentials (`azure`), and the provider-neutral federation model
//! both fill (`federation`). Rules never look at raw JSON or member strings.

pub mod azure;
pub mod document;
pub mod federation;
pub mod gcp;
pub mod github;
pub mod glob;
pub mod graph;
pub mod least_privilege;
pub mod link;
pub mod members;
pub mod provider_condition;
pub mod trust;

pub use crate::model::iam_policy::{Condition, PolicyDocument, PolicyError, TrustPolicy};
pub use crate::model::issuer::{Issuer, IssuerKind};
pub use document::{ActionSemantics, ConditionSemantics, OperatorSemantics};
pub use glob::Pattern;
pub use trust::{TrustGrant, TrustQuestions, Trustee};

use crate::model::{ClusterLink, Inventory};

/// Everything the inventory needs before rules run, after the last input is merged: consolidated
/// and indexed (`model`), its federation trusts derived, Kubernetes inputs linked to clusters, and
/// the identity graph built.
/// Returns the `--cluster` links that matched no input.
pub fn prepare(inventory: &mut Inventory, links: &[ClusterLink]) -> Vec<ClusterLink> {
    inventory.finish();
    let mut trusts = federation::aws_trusts(inventory);
    trusts.extend(federation::gcp_trusts(inventory));
    trusts.extend(federation::azure_trusts(inventory));
    inventory.federation = crate::model::federation::Federation::new(trusts);
    let unmatched = link::link_clusters(inventory, links);
    inventory.graph = graph::build(inventory);
    unmatched
}
