//! Where things came from: the provider, where each object was read ([`Origin`]), and what each
//! source of a run (a file, an account, a context) yielded ([`SourceReport`]). It depends on
//! nothing else in the crate, so the inventory, findings and reports can all name it without
//! depending on one another or on the collectors.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Gcp,
    Azure,
    K8s,
    Cross,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Gcp => "gcp",
            Provider::Azure => "azure",
            Provider::K8s => "k8s",
            Provider::Cross => "cross",
        }
    }
}

/// Where an object was read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File { path: Arc<str>, line: Option<u32> },
    Live { scope: Arc<str> },
}

impl Origin {
    pub fn file(path: &Arc<str>, line: Option<u32>) -> Self {
        Origin::File { path: Arc::clone(path), line }
    }
}

/// A source's outcome. Its lower-case spelling (`ok`, `skipped`, `partial`, `error`) is part of the
/// JSON report's and the snapshot's contracts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    Ok,
    /// Not recognised as any supported input (inside a directory walk: a warning, not an error).
    Skipped,
    /// Read in part: some objects or calls failed.
    Partial,
    Error,
}

/// What one source (a file, an account, a context) yielded. Reports render it through their own
/// types (`report::json` has the contract).
#[derive(Clone, Debug)]
pub struct SourceReport {
    pub provider: Option<Provider>,
    pub origin: String,
    /// The recognised input kind, e.g. `aws iam get-account-authorization-details`.
    pub kind: Option<String>,
    pub status: SourceStatus,
    pub objects: usize,
    /// API calls made (live sources).
    pub calls: Option<usize>,
    pub errors: Vec<String>,
}

impl SourceReport {
    pub fn is_failure(&self) -> bool {
        matches!(self.status, SourceStatus::Error | SourceStatus::Partial)
    }
}
