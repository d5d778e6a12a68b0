//! Joining AWS records that describe one object from several inputs (a role in both
//! `get-account-authorization-details` and `get-role`; a user's keys in the credential report
//! and in `list-access-keys`), then sorting so results never depend on input order.

use std::collections::HashMap;

use super::aws::{AccessKey, AwsInventory, IamUser};

pub(super) fn consolidate(inv: &mut AwsInventory) {
    inv.roles.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.roles.dedup_by(|later, first| later.arn == first.arn);

    merge_users(&mut inv.users);
    for hint in std::mem::take(&mut inv.key_last_used) {
        let mut users = inv.users.iter_mut().filter(|u| u.name == hint.user_name);
        if let (Some(user), None) = (users.next(), users.next())
            && let [key] = user.keys.as_mut_slice()
            && key.last_used.is_none()
        {
            key.last_used = Some(hint.last_used);
        }
    }

    inv.oidc_providers.sort_by(|a, b| a.issuer.key().cmp(&b.issuer.key()).then(b.client_ids.is_some().cmp(&a.client_ids.is_some())));
    let mut providers: Vec<super::aws::OidcProvider> = Vec::with_capacity(inv.oidc_providers.len());
    for p in inv.oidc_providers.drain(..) {
        match providers.last_mut() {
            Some(last) if last.issuer == p.issuer => {
                last.arn = last.arn.take().or(p.arn);
                last.client_ids = last.client_ids.take().or(p.client_ids);
            }
            _ => providers.push(p),
        }
    }
    inv.oidc_providers = providers;

    inv.clusters.sort_by(|a, b| a.name.cmp(&b.name).then(a.arn.cmp(&b.arn)));
    inv.clusters.dedup_by(|later, first| {
        let same = later.name == first.name && (later.arn == first.arn || later.arn.is_none() || first.arn.is_none());
        if same {
            first.arn = first.arn.take().or(later.arn.take());
            first.issuer = first.issuer.take().or(later.issuer.take());
        }
        same
    });
    inv.listed_cluster_names.sort();
    inv.listed_cluster_names.dedup();

    inv.pod_identity_associations
        .sort_by(|a, b| a.association_arn.cmp(&b.association_arn).then(b.role_arn.is_some().cmp(&a.role_arn.is_some())));
    inv.pod_identity_associations.dedup_by(|later, first| later.association_arn == first.association_arn);

    inv.node_capacity.sort_by(|a, b| a.id.cmp(&b.id));
    inv.node_capacity.dedup_by(|later, first| later.id == first.id);
    inv.trust_anchors.sort_by(|a, b| a.arn.cmp(&b.arn));
    inv.trust_anchors.dedup_by(|later, first| later.arn == first.arn);
}

/// One user per name and account. The credential report is authoritative for which keys are
/// active and when they were used; `list-access-keys` adds the key IDs, matched by creation time.
fn merge_users(users: &mut Vec<IamUser>) {
    let mut merged: Vec<IamUser> = Vec::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    // Users with ARNs first, so name-only records (from list-access-keys) join them.
    users.sort_by(|a, b| a.arn.starts_with("iam-user/").cmp(&b.arn.starts_with("iam-user/")).then(a.arn.cmp(&b.arn)));
    for user in users.drain(..) {
        let candidates = by_name.get(&user.name).cloned().unwrap_or_default();
        let target = candidates.iter().copied().find(|&i| merged[i].arn == user.arn).or_else(|| {
            // A name-only record joins the one user of that name.
            (user.arn.starts_with("iam-user/") && candidates.len() == 1).then(|| candidates[0])
        });
        match target {
            Some(i) => join_user(&mut merged[i], user),
            None => {
                by_name.entry(user.name.clone()).or_default().push(merged.len());
                merged.push(user);
            }
        }
    }
    for user in &mut merged {
        user.keys.sort_by(|a, b| a.slot.cmp(&b.slot).then(a.created.cmp(&b.created)).then(a.id.cmp(&b.id)));
    }
    merged.sort_by(|a, b| a.arn.cmp(&b.arn));
    *users = merged;
}

fn join_user(into: &mut IamUser, from: IamUser) {
    into.is_root |= from.is_root;
    if from.has_report && !into.has_report {
        // The report replaces key records that only came from list-access-keys, keeping their IDs.
        let listed = std::mem::take(&mut into.keys);
        into.keys = from.keys;
        into.has_report = true;
        attach_ids(&mut into.keys, listed);
    } else if into.has_report && !from.has_report {
        attach_ids(&mut into.keys, from.keys);
    } else {
        for key in from.keys {
            let duplicate = into.keys.iter().any(|k| (k.id.is_some() && k.id == key.id) || (k.slot.is_some() && k.slot == key.slot));
            if !duplicate {
                into.keys.push(key);
            }
        }
    }
}

/// Gives report keys the IDs of listed keys created at the same second.
fn attach_ids(report_keys: &mut [AccessKey], listed: Vec<AccessKey>) {
    for listed_key in listed {
        if let Some(k) = report_keys.iter_mut().find(|k| k.id.is_none() && k.created.is_some() && k.created == listed_key.created) {
            k.id = listed_key.id;
        }
    }
}
