//! AWS007 pod-identity-trust-unscoped: EKS Pod Identity trust open to every association, and
//! associations whose role does not trust Pod Identity at all.

use crate::policy::trust::{ASSUME_ROLE, TAG_SESSION, Trustee};
use crate::rules::prelude::*;

declare_rule!(PodIdentityTrustUnscoped, "AWS007");

const POD_IDENTITY: &str = "pods.eks.amazonaws.com";

const ASSOCIATION_PINS: [&str; 6] = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:requesttag/eks-cluster-arn",
    "aws:requesttag/kubernetes-namespace",
    "aws:requesttag/kubernetes-service-account",
    "aws:principaltag/",
];

impl Rule for PodIdentityTrustUnscoped {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let aws = &cx.inventory.aws;
        for role in &aws.roles {
            for grant in role.trust.service_grants(POD_IDENTITY) {
                if grant.pinning_condition(&ASSOCIATION_PINS).is_some() {
                    continue;
                }
                out.push(
                    self.finding(role.resource())
                        .message(format!("role {}: any Pod Identity association in any cluster of any account can use it", role.name))
                        .evidence("principal", POD_IDENTITY)
                        .evidence("missing", "aws:SourceAccount, aws:SourceArn, aws:RequestTag/eks-cluster-arn")
                        .at(&role.origin),
                );
            }
        }
        for association in &aws.pod_identity_associations {
            let Some(role_arn) = &association.role_arn else { continue };
            let Some(&i) = cx.inventory.index.roles_by_arn.get(role_arn) else { continue };
            let role = &aws.roles[i];
            let admits = |action: &str| {
                role.trust.grants(action).iter().any(|g| matches!(&g.trustee, Trustee::Service(s) if s.eq_ignore_ascii_case(POD_IDENTITY)))
            };
            if admits(ASSUME_ROLE) && admits(TAG_SESSION) {
                continue;
            }
            out.push(
                self.finding(association.resource())
                    .message(format!(
                        "ServiceAccount {}/{} of cluster {} is associated with role {}, whose trust does not admit {POD_IDENTITY} (sts:AssumeRole and sts:TagSession): the association cannot work",
                        association.namespace, association.service_account, association.cluster_name, role.name
                    ))
                    .evidence("role", role_arn)
                    .evidence("service_account", format!("{}/{}", association.namespace, association.service_account))
                    .at(&association.origin),
            );
        }
    }
}
