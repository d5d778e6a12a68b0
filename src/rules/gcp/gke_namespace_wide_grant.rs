//! GCP001 gke-namespace-wide-grant: a binding to every Kubernetes ServiceAccount of a namespace,
//! a cluster or a whole GKE workload pool.

use super::binding_evidence;
use crate::model::gcp::ResourceScope;
use crate::policy::gcp::{GcpQuestions, binding_resource, lets_act_as};
use crate::policy::least_privilege::gcp_member_fix;
use crate::policy::members::{Coverage, Member};
use crate::rules::prelude::*;

declare_rule!(GkeNamespaceWideGrant, "GCP001");

impl Rule for GkeNamespaceWideGrant {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let inventory = cx.inventory;
        for binding in &inventory.gcp.bindings {
            let member = Member::parse(&binding.member);
            let Coverage::ServiceAccounts { workload_pool, cluster, namespace, name: None } = member.coverage() else { continue };
            let span = match (&namespace, &cluster) {
                (Some(ns), _) => format!("every Kubernetes ServiceAccount of namespace {ns}"),
                (None, Some(url)) => format!("every Kubernetes ServiceAccount of cluster {}", url.rsplit('/').next().unwrap_or(url)),
                (None, None) => "every Kubernetes ServiceAccount of every cluster".to_string(),
            };
            // A grant at project level reaches every resource of the project; a service account
            // that itself holds project-level roles passes them on.
            let holder_roles = match binding.scope() {
                ResourceScope::ServiceAccount { account, .. } if lets_act_as(&binding.role) => {
                    inventory.hierarchy_roles_of(&inventory.gcp_account_key(account))
                }
                _ => Vec::new(),
            };
            let resource = binding_resource(inventory, binding);
            let mut finding = self
                .finding(resource.clone())
                .message(format!("{} on {} is granted to {span} in workload pool {workload_pool}", binding.role, resource.name))
                .at(&binding.origin);
            if binding.scope().is_hierarchy() {
                finding = finding.severity(Severity::Critical).evidence("escalation", "granted at project, folder or organization level");
            } else if let Some(role) = holder_roles.first() {
                finding = finding
                    .severity(Severity::Critical)
                    .evidence("escalation", format!("the service account holds {} on {}", role.role, role.resource));
            }
            if let ResourceScope::ServiceAccount { account, .. } = binding.scope() {
                let statement = format!("{} binding for {}", binding.role, binding.member);
                finding = finding.fix(gcp_member_fix(inventory, &inventory.gcp_account_key(account), &statement, &workload_pool));
            }
            out.push(binding_evidence(finding, binding));
        }
    }
}
