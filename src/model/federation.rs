//! Federation, provider-neutral: "this cloud identity accepts tokens from this issuer whose claims
//! match these patterns". AWS trust statements fill it today (through `policy::federation`, which
//! knows what the statements mean); GCP provider conditions and principal members and Azure
//! federated credentials fill the same records, so a question such as "which identities can a
//! ServiceAccount of this cluster become?" is asked once, whatever the cloud.
//!
//! Plain data: matching a pattern or a constraint is `policy`'s business.

use std::collections::{BTreeMap, HashMap};

use super::Origin;
use super::issuer::Issuer;
use crate::finding::Provider;

/// The cloud identity a trust lets a token become.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityRef {
    pub provider: Provider,
    /// The identity's ID: a role ARN, a service account email, a managed identity's resource ID.
    pub id: String,
    pub name: String,
}

/// One value a claim may take, as the cloud states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectPattern {
    Exact {
        value: String,
        ignore_case: bool,
    },
    /// Everything that starts with the text (GCP `principalSet` namespaces, `startsWith`).
    Prefix(String),
    /// `*` and `?` wildcards, as IAM's `StringLike` and Azure's flexible credentials read them.
    Glob(String),
}

/// What one claim must satisfy: every group of `any_of` (each one condition of the trust) must
/// match, and `none_of` must not. No groups: the claim is not restricted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimConstraint {
    pub any_of: Vec<Vec<SubjectPattern>>,
    pub none_of: Vec<SubjectPattern>,
}

impl ClaimConstraint {
    pub fn is_unrestricted(&self) -> bool {
        self.any_of.is_empty() && self.none_of.is_empty()
    }
}

/// One trust: tokens of `issuer` whose claims meet `claims` may become `identity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FederatedTrust {
    pub identity: IdentityRef,
    pub issuer: Issuer,
    /// Lower-case claim name (`sub`, `aud`, `repository_owner`) → what it must satisfy. A claim
    /// that is absent is not restricted.
    pub claims: BTreeMap<String, ClaimConstraint>,
    /// Where the trust is stated (a statement of a trust policy, a binding, a credential), for evidence.
    pub statement: String,
    pub origin: Origin,
}

impl FederatedTrust {
    /// The constraint on one claim (lower-case), if any.
    pub fn claim(&self, name: &str) -> Option<&ClaimConstraint> {
        self.claims.get(name).filter(|c| !c.is_unrestricted())
    }
}

/// Every trust of the scan, indexed once by issuer and by identity.
#[derive(Clone, Debug, Default)]
pub struct Federation {
    pub trusts: Vec<FederatedTrust>,
    /// Issuer key (lower-case) → positions in `trusts`.
    pub by_issuer: HashMap<String, Vec<usize>>,
    /// Identity ID → positions in `trusts`.
    pub by_identity: HashMap<String, Vec<usize>>,
}

impl Federation {
    pub fn new(trusts: Vec<FederatedTrust>) -> Self {
        let mut by_issuer: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_identity: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, trust) in trusts.iter().enumerate() {
            by_issuer.entry(trust.issuer.key()).or_default().push(i);
            by_identity.entry(trust.identity.id.clone()).or_default().push(i);
        }
        Self { trusts, by_issuer, by_identity }
    }

    /// The trusts that let tokens become `identity_id`.
    pub fn of_identity<'a>(&'a self, identity_id: &str) -> impl Iterator<Item = &'a FederatedTrust> + 'a {
        self.by_identity.get(identity_id).into_iter().flatten().map(|&i| &self.trusts[i])
    }

    /// The trusts in tokens of one issuer.
    pub fn of_issuer<'a>(&'a self, issuer: &Issuer) -> impl Iterator<Item = &'a FederatedTrust> + 'a {
        self.by_issuer.get(&issuer.key()).into_iter().flatten().map(|&i| &self.trusts[i])
    }
}
