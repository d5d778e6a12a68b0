//! X003 azure-annotation-no-fic: an Azure Workload Identity annotation whose identity has no
//! federated credential for this ServiceAccount and cluster issuer.

use crate::model::k8s::AZURE_CLIENT_ID_ANNOTATION;
use crate::rules::prelude::*;

declare_rule!(AzureAnnotationNoFic, "X003");

impl Rule for AzureAnnotationNoFic {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        super::untrusted_annotations(
            self,
            cx,
            out,
            AZURE_CLIENT_ID_ANNOTATION,
            "identity",
            "the token exchange with Microsoft Entra ID fails, so the workload has no Azure identity (and is tempted into a client secret)",
        );
    }
}
