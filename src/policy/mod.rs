//! AWS policy semantics: answering "who may assume this role?" about the documents `model` holds.
//!
//! This is the one place that knows IAM's evaluation rules; rules ask it questions through
//! [`TrustQuestions`] and [`TrustGrant`] and never look at raw JSON.

pub mod document;
pub mod federation;
pub mod gcp;
pub mod github;
pub mod glob;
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
/// and indexed (`model`), its federation trusts derived, and Kubernetes inputs linked to clusters.
/// Returns the `--cluster` links that matched no input.
pub fn prepare(inventory: &mut Inventory, links: &[ClusterLink]) -> Vec<ClusterLink> {
    inventory.finish();
    inventory.federation = crate::model::federation::Federation::new(federation::aws_trusts(inventory));
    link::link_clusters(inventory, links)
}
