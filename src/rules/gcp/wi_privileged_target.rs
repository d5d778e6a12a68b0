//! GCP006 wi-privileged-target: a workload identity can act as a service account that holds an
//! owner, editor or administrator role at project level or above.

use std::collections::BTreeMap;

use crate::model::gcp::{IamBinding, ResourceScope, project_of_email, service_account_resource};
use crate::policy::gcp::{GcpQuestions, WorkloadGrant, is_privileged_role};
use crate::policy::members::Member;
use crate::rules::prelude::*;

declare_rule!(WiPrivilegedTarget, "GCP006");

impl Rule for WiPrivilegedTarget {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        // Every service account some workload identity can act as: the accounts bindings are
        // attached to, and the collected accounts of projects with project-level grants.
        let mut targets: BTreeMap<String, Option<String>> = BTreeMap::new();
        for key in inventory.index.gcp.bindings_on_service_account.keys() {
            targets.insert(
                key.clone(),
                inventory.gcp_service_account(key).map(|a| a.project_id.clone()).or_else(|| project_of_email(key).map(str::to_string)),
            );
        }
        for account in &inventory.gcp.service_accounts {
            targets.insert(account.email.to_ascii_lowercase(), Some(account.project_id.clone()));
        }
        // Accounts known only as members of project-level bindings: their email names the project.
        for binding in inventory.gcp.bindings.iter().filter(|b| b.scope().is_hierarchy()) {
            if let Some(Member::ServiceAccount(email)) = Some(Member::parse(&binding.member)) {
                let email = email.to_ascii_lowercase();
                let project = project_of_email(&email).map(str::to_string);
                targets.entry(email).or_insert(project);
            }
        }
        for (account, project) in targets {
            let grants: Vec<WorkloadGrant<'_>> = inventory.workload_grants_on(&account, project.as_deref());
            if grants.is_empty() {
                continue;
            }
            let privileged: Vec<&IamBinding> =
                inventory.hierarchy_roles_of(&account).into_iter().filter(|b| is_privileged_role(&b.role)).collect();
            if privileged.is_empty() {
                continue;
            }
            let roles: Vec<String> = privileged.iter().map(|b| format!("{} on {}", b.role, scope_name(b))).collect();
            let members: Vec<&str> = grants.iter().map(|g| g.binding.member.as_str()).collect();
            out.push(
                self.finding(service_account_resource(&account))
                    .message(format!(
                        "{} workload identit{} can act as {account}, which holds {}",
                        members.len(),
                        if members.len() == 1 { "y" } else { "ies" },
                        roles.join(", ")
                    ))
                    .evidence("members", members.join(", "))
                    .evidence("privileged_roles", roles.join(", "))
                    .at(&grants[0].binding.origin),
            );
        }
    }
}

fn scope_name(binding: &IamBinding) -> String {
    match binding.scope() {
        ResourceScope::Organization(id) => format!("organization {id}"),
        ResourceScope::Folder(id) => format!("folder {id}"),
        ResourceScope::Project(id) => format!("project {id}"),
        _ => binding.resource.clone(),
    }
}
