//! AWS004 github-oidc-unscoped: GitHub Actions OIDC trust that admits workflows beyond one repository.

use std::collections::BTreeSet;

use super::join_patterns;
use crate::policy::{Pattern, TrustGrant};
use crate::rules::prelude::*;

declare_rule!(GithubOidcUnscoped, "AWS004");

/// How far a grant reaches, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// One repository with a fixed ref, environment or workflow.
    Pinned,
    /// Any ref of one repository, pull requests included.
    AnyRef,
    /// Any repository of one owner.
    Owner,
    /// Repositories of several owners, or of anyone.
    AnyOwner,
}

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

/// The reach of one `sub` value, and the owner it names if it names one.
/// Subjects look like `repo:OWNER/REPO:ref:refs/heads/main`, `repo:OWNER/REPO:environment:prod`, `repo:OWNER/REPO:pull_request`.
fn classify_subject(pattern: &Pattern) -> (Reach, Option<String>) {
    let literal = pattern.literal_prefix();
    let has_wildcard = pattern.has_wildcard();
    let Some(rest) = literal.strip_prefix("repo:") else {
        // A wildcard before `repo:` is complete matches any owner; other (customised) subject
        // formats are judged pinned when literal and unknown otherwise.
        if !has_wildcard {
            return (Reach::Pinned, None);
        }
        return if "repo:".starts_with(literal) || !literal.contains(':') { (Reach::AnyOwner, None) } else { (Reach::Pinned, None) };
    };
    let Some((owner, after_owner)) = rest.split_once('/') else {
        // The wildcard is inside the owner name (`repo:acme*`): other owners match too.
        return (if has_wildcard { Reach::AnyOwner } else { Reach::Pinned }, None);
    };
    let owner = Some(owner.to_string());
    if !has_wildcard {
        return (Reach::Pinned, owner);
    }
    match after_owner.split_once(':') {
        // The wildcard is inside the repository name: any repository of this owner.
        None => (Reach::Owner, owner),
        // `repo:OWNER/REPO:*`: every ref, pull requests included.
        Some((_, "")) => (Reach::AnyRef, owner),
        // A wildcard within a ref or environment (`ref:refs/heads/release-*`) stays in one repository.
        Some(_) => (Reach::Pinned, owner),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_forms() {
        let c = |s: &str| classify_subject(&Pattern::glob(s)).0;
        assert_eq!(c("repo:acme/api:ref:refs/heads/main"), Reach::Pinned);
        assert_eq!(c("repo:acme/api:ref:refs/heads/release-*"), Reach::Pinned);
        assert_eq!(c("repo:acme/api:*"), Reach::AnyRef);
        assert_eq!(c("repo:acme/*"), Reach::Owner);
        assert_eq!(c("repo:acme/api-*"), Reach::Owner);
        assert_eq!(c("repo:acme*"), Reach::AnyOwner);
        assert_eq!(c("repo:*"), Reach::AnyOwner);
        assert_eq!(c("*"), Reach::AnyOwner);
        assert_eq!(classify_subject(&Pattern::exact("repo:acme/api:pull_request", false)), (Reach::Pinned, Some("acme".into())));
    }
}
