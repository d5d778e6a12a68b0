//! X002 gke-annotation-one-sided: a GKE Workload Identity annotation whose Google service account is
//! missing or grants this ServiceAccount no `workloadIdentityUser`.

use crate::model::k8s::GKE_ANNOTATION;
use crate::rules::prelude::*;

declare_rule!(GkeAnnotationOneSided, "X002");

impl Rule for GkeAnnotationOneSided {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        super::untrusted_annotations(
            self,
            cx,
            out,
            GKE_ANNOTATION,
            "Google service account",
            "token requests through the GKE metadata server fail, so the workload has no Google identity (and is tempted into a key file)",
        );
    }
}
