//! The normalized inventory every source produces and every rule reads: plain data plus indexes.
//!
//! Each object carries its [`Origin`] (file and line, or live scope). Indexes are built once,
//! after all sources are merged, so correlation is lookups, never nested loops.

pub mod aws;
mod aws_join;
pub mod index;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use aws::AwsInventory;
pub use index::Index;

/// Where an object was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Origin {
    File {
        path: Arc<str>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        line: Option<u32>,
    },
    Live {
        scope: Arc<str>,
    },
}

impl Origin {
    pub fn file(path: &Arc<str>, line: Option<u32>) -> Self {
        Origin::File { path: Arc::clone(path), line }
    }
}

/// Everything collected in one scan, all providers.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub aws: AwsInventory,
    #[serde(skip)]
    pub index: Index,
}

impl Inventory {
    /// Adds another inventory's objects (another file, account or snapshot).
    pub fn merge(&mut self, other: Inventory) {
        self.aws.merge(other.aws);
    }

    /// Joins records that describe the same object from several inputs, sorts, and builds the indexes.
    /// Call once, after the last merge and before the rules run.
    pub fn finish(&mut self) {
        self.aws.consolidate();
        self.index = Index::build(self);
    }

    pub fn object_count(&self) -> usize {
        self.aws.object_count()
    }
}
