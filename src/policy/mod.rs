//! AWS policy semantics: answering "who may assume this role?" about the documents `model` holds.
//!
//! This is the one place that knows IAM's evaluation rules; rules ask it questions through
//! [`TrustQuestions`] and [`TrustGrant`] and never look at raw JSON.

pub mod document;
pub mod glob;
pub mod link;
pub mod trust;

pub use crate::model::iam_policy::{Condition, PolicyDocument, PolicyError, TrustPolicy};
pub use crate::model::issuer::{Issuer, IssuerKind};
pub use document::{ActionSemantics, ConditionSemantics, OperatorSemantics};
pub use glob::Pattern;
pub use trust::{TrustGrant, TrustQuestions, Trustee};
