//! Google Cloud IAM questions about the bindings `model::gcp` holds: which workload identities can
//! act as which service account, and what that account may do. Members are read by
//! [`super::members`], provider conditions by [`super::provider_condition`]; rules ask here.

use super::members::{Coverage, Member, Pool};
use crate::finding::Resource;
use crate::model::Inventory;
use crate::model::gcp::{GcpServiceAccount, IamBinding, ResourceScope, WorkloadIdentityProvider, service_account_resource};

pub const WORKLOAD_IDENTITY_USER: &str = "roles/iam.workloadIdentityUser";
pub const TOKEN_CREATOR: &str = "roles/iam.serviceAccountTokenCreator";

/// Roles that let their holder obtain a service account's tokens.
pub fn lets_act_as(role: &str) -> bool {
    role == WORKLOAD_IDENTITY_USER || role == TOKEN_CREATOR
}

/// `roles/owner`, `roles/editor`, or an administrator role (its ID ends in `.admin` or `Admin`,
/// predefined or custom).
pub fn is_privileged_role(role: &str) -> bool {
    let id = role.rsplit('/').next().unwrap_or(role);
    role == "roles/owner" || role == "roles/editor" || id.ends_with(".admin") || id.ends_with("Admin")
}

/// A Kubernetes ServiceAccount or set of them, or an identity or set of a federation pool.
pub fn is_workload_member(member: &Member) -> bool {
    matches!(member.coverage(), Coverage::ServiceAccounts { .. } | Coverage::PoolIdentities { .. })
}

/// Claims whose value names one workload (a repository, a project, a workspace, a role): a
/// `principalSet` on one of them is as narrow as one identity.
pub const IDENTITY_SPECIFIC_CLAIMS: &[&str] = &[
    "sub",
    "repository",
    "repository_id",
    "job_workflow_ref",
    "project_path",
    "project_id",
    "terraform_workspace_id",
    "terraform_full_workspace",
    "aws_role",
    "arn",
];

/// A binding whose member is a workload identity, with the member read.
pub struct WorkloadGrant<'a> {
    pub binding: &'a IamBinding,
    pub member: Member,
}

/// The resource a binding's policy is attached to, for findings.
pub fn binding_resource(inventory: &Inventory, binding: &IamBinding) -> Resource {
    let last = binding.resource.rsplit('/').next().unwrap_or(&binding.resource).to_string();
    let kind = match binding.scope() {
        ResourceScope::ServiceAccount { account, .. } => {
            let key = inventory.gcp.account_key(&inventory.index.gcp, account);
            return service_account_resource(&key);
        }
        ResourceScope::Organization(_) => "gcp:resourcemanager:organization",
        ResourceScope::Folder(_) => "gcp:resourcemanager:folder",
        ResourceScope::Project(_) => "gcp:resourcemanager:project",
        ResourceScope::Other => "gcp:resource",
    };
    Resource { kind: kind.into(), id: binding.resource.clone(), name: last }
}

/// Questions about Google Cloud IAM, asked of the whole inventory.
pub trait GcpQuestions {
    /// A service account by email (any case) or unique ID, when the scan holds it.
    fn gcp_service_account(&self, account: &str) -> Option<&GcpServiceAccount>;

    /// The index key of a service account named by email or unique ID.
    fn gcp_account_key(&self, account: &str) -> String;

    /// Bindings that let workload identities act as the service account: on the account itself,
    /// or (`project_id` known) on its project.
    fn workload_grants_on(&self, account_key: &str, project_id: Option<&str>) -> Vec<WorkloadGrant<'_>>;

    /// Roles the service account holds at project, folder or organization level.
    fn hierarchy_roles_of(&self, account_key: &str) -> Vec<&IamBinding>;

    /// The providers of a federation pool.
    fn providers_of_pool(&self, pool: &Pool) -> Vec<&WorkloadIdentityProvider>;
}

impl GcpQuestions for Inventory {
    fn gcp_service_account(&self, account: &str) -> Option<&GcpServiceAccount> {
        let index = &self.index.gcp.service_accounts;
        let i = index.get(account).or_else(|| index.get(&account.to_ascii_lowercase()))?;
        self.gcp.service_accounts.get(*i)
    }

    fn gcp_account_key(&self, account: &str) -> String {
        self.gcp.account_key(&self.index.gcp, account)
    }

    fn workload_grants_on(&self, account_key: &str, project_id: Option<&str>) -> Vec<WorkloadGrant<'_>> {
        let index = &self.index.gcp;
        let on_account = index.bindings_on_service_account.get(account_key).into_iter().flatten();
        let on_project = project_id
            .and_then(|p| index.bindings_by_resource.get(&format!("//cloudresourcemanager.googleapis.com/projects/{p}")))
            .into_iter()
            .flatten();
        on_account
            .chain(on_project)
            .map(|&i| &self.gcp.bindings[i])
            .filter(|b| lets_act_as(&b.role))
            .filter_map(|binding| {
                let member = Member::parse(&binding.member);
                is_workload_member(&member).then_some(WorkloadGrant { binding, member })
            })
            .collect()
    }

    fn hierarchy_roles_of(&self, account_key: &str) -> Vec<&IamBinding> {
        let member = format!("serviceAccount:{account_key}");
        self.index
            .gcp
            .bindings_by_member
            .get(&member)
            .into_iter()
            .flatten()
            .map(|&i| &self.gcp.bindings[i])
            .filter(|b| b.scope().is_hierarchy())
            .collect()
    }

    fn providers_of_pool(&self, pool: &Pool) -> Vec<&WorkloadIdentityProvider> {
        self.index.gcp.providers_by_pool.get(&pool.name()).into_iter().flatten().map(|&i| &self.gcp.providers[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileged_roles() {
        for role in [
            "roles/owner",
            "roles/editor",
            "roles/storage.admin",
            "roles/iam.securityAdmin",
            "roles/resourcemanager.projectIamAdmin",
            "organizations/1/roles/deployAdmin",
        ] {
            assert!(is_privileged_role(role), "{role}");
        }
        for role in ["roles/viewer", "roles/storage.objectAdminViewer", "roles/bigquery.dataViewer", "roles/iam.workloadIdentityUser"] {
            assert!(!is_privileged_role(role), "{role}");
        }
    }
}
