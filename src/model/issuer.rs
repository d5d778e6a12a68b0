//! OIDC issuers as IAM names them: in provider ARNs, in condition keys and in cluster descriptions.

/// An OIDC issuer without scheme or trailing slash, e.g. `oidc.eks.us-east-1.amazonaws.com/id/ABC`.
/// Equality and hashing use the lower-cased form: IAM condition keys are case-insensitive.
#[derive(Clone, Debug)]
pub struct Issuer(String);

impl Issuer {
    /// From a URL (`https://...`), a bare host/path, or an `oidc-provider/...` ARN.
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        let raw = match raw.find(":oidc-provider/") {
            Some(i) if raw.starts_with("arn:") => &raw[i + ":oidc-provider/".len()..],
            _ => raw,
        };
        let raw = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://")).unwrap_or(raw);
        Issuer(raw.trim_end_matches('/').to_string())
    }

    /// The OIDC issuer a `Federated` principal names; `None` for SAML providers.
    pub fn from_federated_principal(federated: &str) -> Option<Issuer> {
        if federated.starts_with("arn:") {
            return federated.contains(":oidc-provider/").then(|| Issuer::parse(federated));
        }
        // Well-known web identity providers are named without an ARN.
        Some(Issuer::parse(federated))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used as an index key and to build condition keys.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// The condition key for one claim of this issuer, lower-cased (`ISSUER:sub`).
    pub fn claim_key(&self, claim: &str) -> String {
        format!("{}:{}", self.key(), claim.to_ascii_lowercase())
    }

    pub fn kind(&self) -> IssuerKind {
        let lower = self.key();
        if let Some(rest) = lower.strip_prefix("oidc.eks.") {
            // oidc.eks.REGION.amazonaws.com/id/ID (also .amazonaws.com.cn in China regions)
            if let Some((host, id)) = rest.split_once("/id/")
                && let Some(region) = host.split('.').next()
            {
                return IssuerKind::Eks { region: region.to_string(), id: self.0[self.0.len() - id.len()..].to_string() };
            }
        }
        if lower == "token.actions.githubusercontent.com" || lower.starts_with("token.actions.githubusercontent.com/") {
            return IssuerKind::GitHubActions;
        }
        if lower == "cognito-identity.amazonaws.com" {
            return IssuerKind::Cognito;
        }
        IssuerKind::Other
    }

    /// The audience an issuer's tokens must carry for STS, where the issuer fixes one.
    pub fn expected_audience(&self) -> Option<&'static str> {
        match self.kind() {
            IssuerKind::Eks { .. } | IssuerKind::GitHubActions => Some("sts.amazonaws.com"),
            _ => None,
        }
    }

    /// A short form for messages: the EKS cluster ID shortened, other issuers as they are.
    pub fn short(&self) -> String {
        match self.kind() {
            IssuerKind::Eks { id, .. } if id.len() > 10 => format!("EKS issuer {}…", &id[..10]),
            IssuerKind::Eks { id, .. } => format!("EKS issuer {id}"),
            _ => self.0.clone(),
        }
    }
}

impl PartialEq for Issuer {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}
impl Eq for Issuer {}
impl std::hash::Hash for Issuer {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state)
    }
}
impl std::fmt::Display for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssuerKind {
    Eks { region: String, id: String },
    GitHubActions,
    Cognito,
    Other,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_agree() {
        let a = Issuer::parse("https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE");
        let b =
            Issuer::parse("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/exampled539d4633e53de1b71example");
        assert_eq!(a, b);
        assert_eq!(a.kind(), IssuerKind::Eks { region: "us-east-1".into(), id: "EXAMPLED539D4633E53DE1B71EXAMPLE".into() });
        assert_eq!(Issuer::parse("token.actions.githubusercontent.com/acme-ent").kind(), IssuerKind::GitHubActions);
        assert_eq!(a.claim_key("SUB"), "oidc.eks.us-east-1.amazonaws.com/id/exampled539d4633e53de1b71example:sub");
    }
}
