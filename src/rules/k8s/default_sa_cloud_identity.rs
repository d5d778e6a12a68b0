//! K8S007 default-sa-cloud-identity: the `default` ServiceAccount carries a cloud identity, so every
//! pod of the namespace that names no ServiceAccount inherits it.

use super::cluster_evidence;
use crate::rules::prelude::*;

declare_rule!(DefaultSaCloudIdentity, "K8S007");

impl Rule for DefaultSaCloudIdentity {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        for sa in cx.inventory.k8s.service_accounts.iter().filter(|s| s.name == "default") {
            for (annotation, value) in sa.identity.annotations() {
                out.push(
                    self.finding(sa.resource())
                        .message(format!("the default ServiceAccount of namespace {} is annotated {annotation}={value}: every pod there that names no ServiceAccount becomes that identity", sa.namespace))
                        .volatile_evidence("cluster", cluster_evidence(&sa.cluster))
                        .evidence("annotation", annotation)
                        .evidence("value", value)
                        .at(&sa.origin),
                );
            }
        }
    }
}
