//! The normalized inventory every source produces and every rule reads: plain data plus indexes.
//!
//! Each object carries its [`Origin`] (file and line, or live scope). Indexes are built once,
//! after all sources are merged, so correlation is lookups, never nested loops.

/// Declares one provider's part of the inventory: a struct of lists, with `merge` and
/// `object_count` written by the macro, so a list added to the struct cannot be forgotten when
/// shards and files merge (a hand-written merge that missed a field lost its objects). Lists
/// marked `objects` count as objects read; `facts` (names, side answers) do not.
macro_rules! inventory_part {
    ($(#[$meta:meta])* pub struct $name:ident { $( $(#[$field_meta:meta])* $count:ident $field:ident: Vec<$ty:ty>, )* }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default)]
        pub struct $name {
            $( $(#[$field_meta])* pub $field: Vec<$ty>, )*
        }

        impl $name {
            /// Appends every list of `other` (an empty list takes the other's as it is: merging
            /// one large file must not copy it).
            pub fn merge(&mut self, other: $name) {
                $(
                    if self.$field.is_empty() {
                        self.$field = other.$field;
                    } else {
                        self.$field.extend(other.$field);
                    }
                )*
            }

            /// The objects read (lists marked `objects`).
            pub fn object_count(&self) -> usize {
                0 $( + inventory_part!(@count $count self.$field) )*
            }
        }
    };
    (@count objects $list:expr) => { $list.len() };
    (@count facts $list:expr) => { 0 };
}

/// Keeps the first record of each key (records read twice, from several inputs), in input order
/// (inputs are merged in path order, so it is stable). The key borrows its fields and is hashed:
/// 100k bindings are checked in one pass, without cloning or sorting their strings (sorting them
/// with cloned keys was most of the time of a large Cloud Asset scan).
macro_rules! dedup_by_key {
    ($items:expr, |$item:ident| $key:expr) => {{
        let keep: Vec<bool> = {
            let mut seen = std::collections::HashSet::with_capacity($items.len());
            $items.iter().map(|$item| seen.insert($key)).collect()
        };
        let mut keep = keep.into_iter();
        $items.retain(|_| keep.next().unwrap_or(true));
    }};
}

pub mod aws;
mod aws_join;
pub mod azure;
pub mod exposure;
pub mod federation;
pub mod gcp;
pub mod graph;
pub mod iam_policy;
pub mod index;
pub mod issuer;
pub mod k8s;

pub use crate::provenance::Origin;
pub use aws::AwsInventory;
pub use index::Index;
pub use k8s::ClusterLink;
pub use k8s::K8sInventory;

/// Everything collected in one scan, all providers.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub aws: AwsInventory,
    pub k8s: K8sInventory,
    pub gcp: gcp::GcpInventory,
    pub azure: azure::AzureInventory,
    pub index: Index,
    /// Every federation trust of the scan, derived after the last merge (`policy::prepare`).
    pub federation: federation::Federation,
    /// Who can become whom, derived after the federation model (`policy::prepare`).
    pub graph: graph::IdentityGraph,
    /// Kubernetes inputs (cluster inputs) read only in part: a failed file under them, or a
    /// partial live source. What they lack cannot be told from what was not read.
    pub incomplete_inputs: std::collections::HashSet<String>,
}

impl Inventory {
    /// Adds another inventory's objects (another file, account or snapshot).
    pub fn merge(&mut self, other: Inventory) {
        self.aws.merge(other.aws);
        self.k8s.merge(other.k8s);
        self.gcp.merge(other.gcp);
        self.azure.merge(other.azure);
    }

    /// Joins records that describe the same object from several inputs, sorts, and builds the indexes.
    /// Call once, after the last merge and before the rules run.
    /// `links`: clusters the user named (`--cluster NAME=PATH`); others are learned where possible.
    /// Consolidates and indexes. Linking clusters, which asks questions of trust policies, is
    /// `policy::link`'s, after this.
    pub fn finish(&mut self) {
        self.aws.consolidate();
        self.k8s.consolidate();
        self.gcp.consolidate();
        self.azure.consolidate();
        self.index = Index::build(self);
    }

    pub fn object_count(&self) -> usize {
        self.aws.object_count() + self.k8s.object_count() + self.gcp.object_count() + self.azure.object_count()
    }
}

impl Inventory {
    /// Workloads to report on: a Pod or ReplicaSet whose controlling owner is also in the inventory
    /// is reported through that owner, once.
    pub fn workloads_by_controller(&self) -> impl Iterator<Item = &k8s::Workload> {
        self.k8s.workloads.iter().filter(|w| match &w.owner {
            None => true,
            Some(owner) => {
                let present = |key: String| self.index.workload_keys.contains(&(w.cluster.input.clone(), w.namespace.clone(), key));
                // A Deployment's ReplicaSet is `NAME-HASH`: its Pods belong to the Deployment even when
                // the ReplicaSet itself was not collected.
                let deployment =
                    owner.strip_prefix("ReplicaSet/").and_then(|rs| rs.rsplit_once('-')).map(|(d, _)| format!("Deployment/{d}"));
                !(present(owner.clone()) || deployment.is_some_and(present))
            }
        })
    }
}
