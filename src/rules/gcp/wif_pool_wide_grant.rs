//! GCP002 wif-pool-wide-grant: a binding to every identity of a federation pool, or to an
//! attribute set that does not name one workload.

use super::binding_evidence;
use crate::policy::gcp::{GcpQuestions, IDENTITY_SPECIFIC_CLAIMS, binding_resource};
use crate::policy::members::{Member, PrincipalSet};
use crate::policy::provider_condition::mapped_claim;
use crate::rules::prelude::*;

declare_rule!(WifPoolWideGrant, "GCP002");

impl Rule for WifPoolWideGrant {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        for binding in &inventory.gcp.bindings {
            let member = match Member::parse(&binding.member) {
                Member::Deleted(inner) => *inner,
                member => member,
            };
            // GKE pools are GCP001's.
            let Member::PrincipalSet { pool, set } = member else { continue };
            if pool.is_gke() {
                continue;
            }
            let resource = binding_resource(inventory, binding);
            let finding = match &set {
                PrincipalSet::All => self
                    .finding(resource.clone())
                    .message(format!("{} on {} is granted to every identity of pool {}", binding.role, resource.name, pool.id)),
                PrincipalSet::Attribute { name, value } => {
                    // The claim the attribute carries, from the pool's providers' mappings.
                    let attribute = format!("attribute.{name}");
                    let claim =
                        inventory.providers_of_pool(&pool).iter().find_map(|p| mapped_claim(p, &attribute)).unwrap_or_else(|| name.clone());
                    if IDENTITY_SPECIFIC_CLAIMS.contains(&claim.as_str()) {
                        continue;
                    }
                    self.finding(resource.clone())
                        .severity(Severity::High)
                        .message(format!(
                            "{} on {} is granted to every identity of pool {} whose {attribute} is `{value}` (claim `{claim}` names no single workload)",
                            binding.role, resource.name, pool.id
                        ))
                        .evidence("claim", &claim)
                }
                PrincipalSet::Group(_) | PrincipalSet::Namespace(_) | PrincipalSet::Cluster(_) | PrincipalSet::Other(_) => continue,
            };
            out.push(binding_evidence(finding.at(&binding.origin), binding));
        }
    }
}
