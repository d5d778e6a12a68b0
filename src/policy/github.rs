//! GitHub Actions' OIDC subjects: `repo:OWNER/REPO:ref:refs/heads/main`, `…:environment:prod`,
//! `…:pull_request`. How far a subject pattern reaches (one ref, one repository, one owner, any
//! owner) is asked by AWS004 today, and by Azure's and Google's GitHub trusts alike.

use super::Pattern;

/// How far a grant reaches, narrowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// One repository with a fixed ref, environment or workflow.
    Pinned,
    /// Any ref of one repository, pull requests included.
    AnyRef,
    /// Any repository of one owner.
    Owner,
    /// Repositories of several owners, or of anyone.
    AnyOwner,
}

/// The reach of one `sub` value, and the owner it names if it names one.
/// Subjects look like `repo:OWNER/REPO:ref:refs/heads/main`, `repo:OWNER/REPO:environment:prod`, `repo:OWNER/REPO:pull_request`.
pub fn classify_subject(pattern: &Pattern) -> (Reach, Option<String>) {
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
