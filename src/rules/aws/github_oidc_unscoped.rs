//! AWS004 github-oidc-unscoped: GitHub Actions OIDC trust that admits workflows beyond one repository.

use std::collections::BTreeSet;

use super::join_patterns;
use crate::policy::TrustGrant;
use crate::policy::github::{Reach, classify_subject};
use crate::rules::prelude::*;

declare_rule!(GithubOidcUnscoped, "AWS004");

impl Rule for GithubOidcUnscoped {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for role in &cx.inventory.aws.roles {
            for grant in role.trust.web_identity_grants() {
                let Some(issuer) = grant.issuer() else { continue };
                if issuer.kind() != IssuerKind::GitHubActions {
                    continue;
                }
                let Some((reach, detail, value)) = grade(&grant, issuer) else { continue };
                let severity = match reach {
                    Reach::Pinned => continue,
                    Reach::AnyRef => Severity::Medium,
                    Reach::Owner => Severity::High,
                    Reach::AnyOwner => Severity::Critical,
                };
                out.push(
                    self.finding(role.resource())
                        .severity(severity)
                        .message(format!("role {}: {detail} can assume it", role.name))
                        .evidence("issuer", issuer.as_str())
                        .evidence("sub", value)
                        .at(&role.origin),
                );
            }
        }
    }
}

/// The grant's reach, a description of who that is, and the `sub` values as evidence.
fn grade(grant: &TrustGrant<'_>, issuer: &Issuer) -> Option<(Reach, String, String)> {
    let sub = grant.allowed_values(&issuer.claim_key("sub"), true);
    let (mut reach, mut owners, value) = match &sub {
        None => (Reach::AnyOwner, BTreeSet::new(), "(no condition)".to_string()),
        Some(allowed) => {
            let mut owners = BTreeSet::new();
            let mut reach = Reach::Pinned;
            for pattern in &allowed.patterns {
                let (r, owner) = classify_subject(pattern);
                reach = reach.max(r);
                owners.extend(owner);
            }
            (reach, owners, join_patterns(&allowed.patterns))
        }
    };
    if owners.len() > 1 {
        reach = Reach::AnyOwner;
    }
    // Other claims STS evaluates can pin the owner or the repository on their own.
    let (pinned_owner, pinned_repo) = claim_pins(grant, issuer);
    if let Some(repo) = &pinned_repo {
        reach = reach.min(Reach::AnyRef);
        owners = repo.split('/').next().map(str::to_string).into_iter().collect();
    } else if let Some(owner) = &pinned_owner {
        reach = reach.min(Reach::Owner);
        owners = [owner.clone()].into();
    }
    // A fixed `ref` or `environment` claim narrows "any ref" to one branch or one protected environment,
    // as `repo:OWNER/REPO:ref:refs/heads/main` or `...:environment:prod` in `sub` would.
    if reach == Reach::AnyRef && pins_ref(grant, issuer) {
        reach = Reach::Pinned;
    }
    let owner_list = owners.iter().cloned().collect::<Vec<_>>().join("`, `");
    let detail = match reach {
        Reach::Pinned => String::new(),
        Reach::AnyRef => match &pinned_repo {
            Some(repo) => format!("any workflow run of `{repo}`, on any branch, tag or pull request,"),
            None => format!("any workflow run in repositories matching `{value}`, on any branch, tag or pull request,"),
        },
        Reach::Owner => format!("any workflow in any repository of `{owner_list}`"),
        Reach::AnyOwner if sub.is_none() => "any GitHub Actions workflow of any repository (nothing pins `sub`)".to_string(),
        Reach::AnyOwner if owners.len() > 1 => format!("workflows of several owners (`{owner_list}`)"),
        Reach::AnyOwner => "any GitHub Actions workflow of any owner".to_string(),
    };
    Some((reach, detail, value))
}

fn pins_ref(grant: &TrustGrant<'_>, issuer: &Issuer) -> bool {
    ["ref", "environment"].iter().any(|claim| {
        grant
            .allowed_values(&issuer.claim_key(claim), true)
            .is_some_and(|a| !a.patterns.is_empty() && a.patterns.iter().all(|p| !p.has_wildcard()))
    })
}

/// An owner or repository pinned by `repository_owner(_id)` or `repository(_id)`.
fn claim_pins(grant: &TrustGrant<'_>, issuer: &Issuer) -> (Option<String>, Option<String>) {
    let single_exact = |claim: &str| -> Option<String> {
        let allowed = grant.allowed_values(&issuer.claim_key(claim), true)?;
        match allowed.patterns.as_slice() {
            [only] if !only.has_wildcard() => Some(only.as_str().to_string()),
            _ => None,
        }
    };
    // `job_workflow_ref` names the (possibly reusable) workflow that runs, not the repository that
    // calls it, so it pins neither owner nor repository.
    let repo = single_exact("repository").or_else(|| single_exact("repository_id").map(|id| format!("repository {id}")));
    let owner = single_exact("repository_owner").or_else(|| single_exact("repository_owner_id").map(|id| format!("owner {id}")));
    (owner, repo)
}
