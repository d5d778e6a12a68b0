//! Google Cloud IAM members and principal identifiers: the one place that reads member strings.
//!
//! A binding names who may use a role with strings such as `serviceAccount:ci@p.iam.gserviceaccount.com`,
//! `serviceAccount:p.svc.id.goog[ns/ksa]` (GKE Workload Identity, legacy form),
//! `principal://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/POOL/subject/S`
//! and `principalSet://…/POOL/namespace/NS` (Workload Identity Federation, GKE's included). This
//! module parses them into [`Member`] and answers what a member covers: which Kubernetes
//! ServiceAccounts of which workload pool (and cluster), or which identities of which pool.

/// A workload identity pool: `projects/NUMBER/locations/LOCATION/workloadIdentityPools/ID`. GKE's
/// pool is `PROJECT_ID.svc.id.goog`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pool {
    pub project_number: String,
    pub location: String,
    pub id: String,
}

impl Pool {
    /// `projects/NUMBER/locations/LOCATION/workloadIdentityPools/ID`, as pool records are named.
    pub fn name(&self) -> String {
        format!("projects/{}/locations/{}/workloadIdentityPools/{}", self.project_number, self.location, self.id)
    }

    /// True for a GKE project's pool (`PROJECT_ID.svc.id.goog`), whose subjects are ServiceAccounts.
    pub fn is_gke(&self) -> bool {
        self.id.ends_with(".svc.id.goog")
    }
}

/// A part of a GKE member that may be a wildcard (`[ns/*]` in the legacy form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Exact(String),
    Any,
}

impl Part {
    fn parse(text: &str) -> Part {
        if text == "*" { Part::Any } else { Part::Exact(text.to_string()) }
    }
}

/// Which identities of a pool a `principalSet://` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalSet {
    /// `/*`: every identity of the pool.
    All,
    /// `/group/GROUP`.
    Group(String),
    /// `/attribute.NAME/VALUE`.
    Attribute { name: String, value: String },
    /// `/namespace/NS` (GKE): every ServiceAccount of a namespace.
    Namespace(String),
    /// `/kubernetes.cluster/URL` (GKE): every ServiceAccount of one cluster.
    Cluster(String),
    /// Any other documented or future form, kept as written.
    Other(String),
}

/// One member of a binding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Member {
    User(String),
    Group(String),
    Domain(String),
    /// A Google service account, by email.
    ServiceAccount(String),
    /// `serviceAccount:POOL[NS/KSA]`: GKE Workload Identity's legacy member.
    GkeServiceAccount {
        workload_pool: String,
        namespace: Part,
        name: Part,
    },
    /// `principal://…/POOL/subject/SUBJECT`; for GKE pools the subject is `ns/NS/sa/KSA`.
    Principal {
        pool: Pool,
        subject: String,
    },
    PrincipalSet {
        pool: Pool,
        set: PrincipalSet,
    },
    AllUsers,
    AllAuthenticatedUsers,
    /// `deleted:KIND:ID?uid=…`: a member whose identity was deleted (the binding is left over).
    Deleted(Box<Member>),
    /// Anything else, as written.
    Other(String),
}

/// What a member covers, as the questions of GKE and federation rules need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Kubernetes ServiceAccounts of a GKE workload pool: `None` namespace or name means any.
    ServiceAccounts { workload_pool: String, cluster: Option<String>, namespace: Option<String>, name: Option<String> },
    /// Identities of a (non-GKE) pool: one subject, or a set.
    PoolIdentities { pool: Pool, subject: Option<String>, set: Option<PrincipalSet> },
    /// Every identity with a Google account, or everyone.
    Everyone,
    /// A person, a group, a domain or a Google service account: not a workload identity.
    NotWorkloadIdentity,
}

impl Member {
    pub fn parse(text: &str) -> Member {
        let text = text.trim();
        match text {
            "allUsers" => return Member::AllUsers,
            "allAuthenticatedUsers" => return Member::AllAuthenticatedUsers,
            _ => {}
        }
        if let Some(rest) = text.strip_prefix("deleted:") {
            let without_uid = rest.split_once("?uid=").map_or(rest, |(m, _)| m);
            return Member::Deleted(Box::new(Member::parse(without_uid)));
        }
        if let Some(rest) = text.strip_prefix("principal://iam.googleapis.com/") {
            if let Some((pool, subject)) = rest.split_once("/subject/")
                && let Some(pool) = parse_pool(pool)
            {
                return Member::Principal { pool, subject: subject.to_string() };
            }
            return Member::Other(text.to_string());
        }
        if let Some(rest) = text.strip_prefix("principalSet://iam.googleapis.com/") {
            return parse_principal_set(rest).unwrap_or_else(|| Member::Other(text.to_string()));
        }
        let Some((kind, value)) = text.split_once(':') else { return Member::Other(text.to_string()) };
        match kind {
            "user" => Member::User(value.to_string()),
            "group" => Member::Group(value.to_string()),
            "domain" => Member::Domain(value.to_string()),
            "serviceAccount" => match value.split_once('[') {
                Some((pool, rest)) if pool.ends_with(".svc.id.goog") && rest.ends_with(']') => {
                    let inside = &rest[..rest.len() - 1];
                    let (namespace, name) = inside.split_once('/').unwrap_or((inside, "*"));
                    Member::GkeServiceAccount {
                        workload_pool: pool.to_string(),
                        namespace: Part::parse(namespace),
                        name: Part::parse(name),
                    }
                }
                _ => Member::ServiceAccount(value.to_string()),
            },
            _ => Member::Other(text.to_string()),
        }
    }

    /// What this member lets become the role's holder. A deleted member covers what it did: its
    /// binding still names the identity, and a new identity of the same name may take it.
    pub fn coverage(&self) -> Coverage {
        match self {
            Member::AllUsers | Member::AllAuthenticatedUsers => Coverage::Everyone,
            Member::GkeServiceAccount { workload_pool, namespace, name } => Coverage::ServiceAccounts {
                workload_pool: workload_pool.clone(),
                cluster: None,
                namespace: exact(namespace),
                name: exact(name),
            },
            Member::Principal { pool, subject } if pool.is_gke() => {
                // GKE subjects are `ns/NAMESPACE/sa/KSA`.
                let parts: Vec<&str> = subject.split('/').collect();
                match parts.as_slice() {
                    ["ns", namespace, "sa", name] => Coverage::ServiceAccounts {
                        workload_pool: pool.id.clone(),
                        cluster: None,
                        namespace: Some(namespace.to_string()),
                        name: Some(name.to_string()),
                    },
                    _ => Coverage::PoolIdentities { pool: pool.clone(), subject: Some(subject.clone()), set: None },
                }
            }
            Member::Principal { pool, subject } => {
                Coverage::PoolIdentities { pool: pool.clone(), subject: Some(subject.clone()), set: None }
            }
            Member::PrincipalSet { pool, set: PrincipalSet::Namespace(ns) } if pool.is_gke() => {
                Coverage::ServiceAccounts { workload_pool: pool.id.clone(), cluster: None, namespace: Some(ns.clone()), name: None }
            }
            Member::PrincipalSet { pool, set: PrincipalSet::Cluster(url) } if pool.is_gke() => {
                Coverage::ServiceAccounts { workload_pool: pool.id.clone(), cluster: Some(url.clone()), namespace: None, name: None }
            }
            Member::PrincipalSet { pool, set: PrincipalSet::All } if pool.is_gke() => {
                Coverage::ServiceAccounts { workload_pool: pool.id.clone(), cluster: None, namespace: None, name: None }
            }
            Member::PrincipalSet { pool, set } => Coverage::PoolIdentities { pool: pool.clone(), subject: None, set: Some(set.clone()) },
            Member::Deleted(inner) => inner.coverage(),
            Member::User(_) | Member::Group(_) | Member::Domain(_) | Member::ServiceAccount(_) | Member::Other(_) => {
                Coverage::NotWorkloadIdentity
            }
        }
    }

    /// Whether the member covers the Kubernetes ServiceAccount `namespace/name` of a cluster whose
    /// workload pool is `workload_pool` (`cluster_url`: its `kubernetes.cluster` URL, when known).
    pub fn covers_service_account(&self, workload_pool: &str, cluster_url: Option<&str>, namespace: &str, name: &str) -> bool {
        match self.coverage() {
            Coverage::ServiceAccounts { workload_pool: pool, cluster, namespace: ns, name: sa } => {
                pool == workload_pool
                    && cluster.is_none_or(|c| cluster_url.is_none_or(|u| u == c))
                    && ns.is_none_or(|n| n == namespace)
                    && sa.is_none_or(|s| s == name)
            }
            Coverage::Everyone => true,
            Coverage::PoolIdentities { .. } | Coverage::NotWorkloadIdentity => false,
        }
    }

    /// True when the member spans more than one ServiceAccount (a namespace, a cluster, a pool, a
    /// wildcard): what GCP001 flags.
    pub fn spans_service_accounts(&self) -> bool {
        matches!(self.coverage(), Coverage::ServiceAccounts { name: None, .. })
    }
}

fn exact(part: &Part) -> Option<String> {
    match part {
        Part::Any => None,
        Part::Exact(v) => Some(v.clone()),
    }
}

/// `projects/N/locations/L/workloadIdentityPools/ID`.
fn parse_pool(text: &str) -> Option<Pool> {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        ["projects", number, "locations", location, "workloadIdentityPools", id] => {
            Some(Pool { project_number: number.to_string(), location: location.to_string(), id: id.to_string() })
        }
        _ => None,
    }
}

/// `projects/N/locations/L/workloadIdentityPools/ID/REST`, REST being `*`, `group/G`,
/// `attribute.NAME/VALUE`, `namespace/NS` or `kubernetes.cluster/URL`.
fn parse_principal_set(text: &str) -> Option<Member> {
    let mut parts = text.splitn(7, '/');
    let pool_text: Vec<&str> = parts.by_ref().take(6).collect();
    let pool = parse_pool(&pool_text.join("/"))?;
    let rest = parts.next()?;
    let set = if rest == "*" {
        PrincipalSet::All
    } else if let Some(group) = rest.strip_prefix("group/") {
        PrincipalSet::Group(group.to_string())
    } else if let Some(ns) = rest.strip_prefix("namespace/") {
        PrincipalSet::Namespace(ns.to_string())
    } else if let Some(url) = rest.strip_prefix("kubernetes.cluster/") {
        PrincipalSet::Cluster(url.to_string())
    } else if let Some(attribute) = rest.strip_prefix("attribute.") {
        let (name, value) = attribute.split_once('/')?;
        PrincipalSet::Attribute { name: name.to_string(), value: value.to_string() }
    } else {
        PrincipalSet::Other(rest.to_string())
    };
    Some(Member::PrincipalSet { pool, set })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GKE_POOL: &str = "projects/123456789012/locations/global/workloadIdentityPools/acme-prod.svc.id.goog";
    const GITHUB_POOL: &str = "projects/123456789012/locations/global/workloadIdentityPools/github";

    #[test]
    fn gke_members_in_every_form() {
        let legacy = Member::parse("serviceAccount:acme-prod.svc.id.goog[payments/api]");
        assert!(legacy.covers_service_account("acme-prod.svc.id.goog", None, "payments", "api"));
        assert!(!legacy.covers_service_account("acme-prod.svc.id.goog", None, "payments", "worker"));
        assert!(!legacy.spans_service_accounts());

        let wildcard = Member::parse("serviceAccount:acme-prod.svc.id.goog[payments/*]");
        assert!(wildcard.covers_service_account("acme-prod.svc.id.goog", None, "payments", "worker"));
        assert!(wildcard.spans_service_accounts());

        let principal = Member::parse(&format!("principal://iam.googleapis.com/{GKE_POOL}/subject/ns/payments/sa/api"));
        assert!(principal.covers_service_account("acme-prod.svc.id.goog", None, "payments", "api"));
        assert!(!principal.covers_service_account("other.svc.id.goog", None, "payments", "api"), "another project's pool");

        let namespace = Member::parse(&format!("principalSet://iam.googleapis.com/{GKE_POOL}/namespace/payments"));
        assert!(namespace.covers_service_account("acme-prod.svc.id.goog", None, "payments", "anything"));
        assert!(!namespace.covers_service_account("acme-prod.svc.id.goog", None, "billing", "anything"));
        assert!(namespace.spans_service_accounts());

        let url = "https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/prod";
        let cluster = Member::parse(&format!("principalSet://iam.googleapis.com/{GKE_POOL}/kubernetes.cluster/{url}"));
        assert!(cluster.covers_service_account("acme-prod.svc.id.goog", Some(url), "any", "sa"));
        assert!(!cluster.covers_service_account(
            "acme-prod.svc.id.goog",
            Some("https://container.googleapis.com/v1/projects/acme-prod/locations/europe-west1/clusters/dev"),
            "any",
            "sa"
        ));
    }

    #[test]
    fn federation_members_and_sets() {
        let subject = Member::parse(&format!("principal://iam.googleapis.com/{GITHUB_POOL}/subject/repo:acme/api:ref:refs/heads/main"));
        assert!(
            matches!(subject.coverage(), Coverage::PoolIdentities { subject: Some(s), .. } if s == "repo:acme/api:ref:refs/heads/main")
        );
        let all = Member::parse(&format!("principalSet://iam.googleapis.com/{GITHUB_POOL}/*"));
        assert_eq!(all, Member::PrincipalSet { pool: parse_pool(GITHUB_POOL).expect("pool"), set: PrincipalSet::All });
        let owner = Member::parse(&format!("principalSet://iam.googleapis.com/{GITHUB_POOL}/attribute.repository_owner/acme"));
        assert!(
            matches!(owner, Member::PrincipalSet { set: PrincipalSet::Attribute { ref name, ref value }, .. } if name == "repository_owner" && value == "acme")
        );
        let group = Member::parse(&format!("principalSet://iam.googleapis.com/{GITHUB_POOL}/group/deployers"));
        assert!(matches!(group, Member::PrincipalSet { set: PrincipalSet::Group(ref g), .. } if g == "deployers"));
        assert!(!all.covers_service_account("acme-prod.svc.id.goog", None, "ns", "sa"), "a federation pool is not GKE");
    }

    #[test]
    fn people_public_and_deleted_members() {
        assert_eq!(Member::parse("user:alice@example.com").coverage(), Coverage::NotWorkloadIdentity);
        assert_eq!(
            Member::parse("serviceAccount:ci@acme-prod.iam.gserviceaccount.com"),
            Member::ServiceAccount("ci@acme-prod.iam.gserviceaccount.com".into())
        );
        assert_eq!(Member::parse("allUsers").coverage(), Coverage::Everyone);
        let deleted = Member::parse("deleted:serviceAccount:acme-prod.svc.id.goog[payments/api]?uid=123456789");
        assert!(matches!(deleted, Member::Deleted(_)));
        assert!(deleted.covers_service_account("acme-prod.svc.id.goog", None, "payments", "api"));
        assert!(matches!(Member::parse("principalSet://iam.googleapis.com/nonsense"), Member::Other(_)));
    }
}
