//! X001 irsa-annotation-untrusted: an IRSA annotation whose role is missing or does not trust the
//! ServiceAccount from its cluster's issuer.

use crate::model::k8s::IRSA_ANNOTATION;
use crate::rules::prelude::*;

declare_rule!(IrsaAnnotationUntrusted, "X001");

impl Rule for IrsaAnnotationUntrusted {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        super::untrusted_annotations(
            self,
            cx,
            out,
            IRSA_ANNOTATION,
            "role",
            "the SDKs' web identity exchange fails, and they fall back to a static key or the node role",
        );
    }
}
