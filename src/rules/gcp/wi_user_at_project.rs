//! GCP007 wi-user-at-project: a workload identity may act as every service account of a project,
//! folder or organization.

use super::binding_evidence;
use crate::policy::gcp::{binding_resource, is_workload_member, lets_act_as};
use crate::policy::members::Member;
use crate::rules::prelude::*;

declare_rule!(WiUserAtProject, "GCP007");

impl Rule for WiUserAtProject {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        for binding in inventory.gcp.bindings.iter().filter(|b| lets_act_as(&b.role) && b.scope().is_hierarchy()) {
            if !is_workload_member(&Member::parse(&binding.member)) {
                continue;
            }
            let resource = binding_resource(inventory, binding);
            let finding = self
                .finding(resource.clone())
                .message(format!(
                    "{} is granted on {} to a workload identity: it can act as every service account there",
                    binding.role, resource.name
                ))
                .at(&binding.origin);
            out.push(binding_evidence(finding, binding));
        }
    }
}
