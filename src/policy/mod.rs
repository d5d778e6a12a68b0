//! AWS policy semantics: parsing documents and answering "who may assume this role?".
//!
//! This is the one place that knows IAM's evaluation rules; rules ask it questions through
//! [`TrustPolicy`] and [`TrustGrant`] and never look at raw JSON.

pub mod document;
pub mod glob;
pub mod issuer;
pub mod trust;

pub use document::{Condition, PolicyDocument, PolicyError};
pub use glob::Pattern;
pub use issuer::{Issuer, IssuerKind};
pub use trust::{TrustGrant, TrustPolicy, Trustee};
