//! Trust-policy semantics, mostly from the shapes AWS documents for IRSA, GitHub OIDC and services.

use super::*;
use crate::model::iam_policy::PolicyDocument;
use serde_json::{Value, json};

const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

fn policy(value: Value) -> TrustPolicy {
    TrustPolicy::new(PolicyDocument::from_value(&value).expect("valid policy"))
}

fn irsa(condition: Value) -> TrustPolicy {
    policy(json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{EKS}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }]
    }))
}

fn sub_key() -> String {
    Issuer::parse(EKS).claim_key("sub")
}

fn sa(ns: &str, name: &str) -> String {
    format!("system:serviceaccount:{ns}:{name}")
}

fn admits_sa(p: &TrustPolicy, ns: &str, name: &str) -> bool {
    let sub = sa(ns, name);
    let key = sub_key();
    let aud_key = Issuer::parse(EKS).claim_key("aud");
    p.web_identity_grants().iter().any(|g| g.admits(&[(key.as_str(), sub.as_str()), (aud_key.as_str(), "sts.amazonaws.com")]))
}

#[test]
fn documented_irsa_policy_admits_only_its_service_account() {
    // The trust policy from the EKS user guide ("Assign IAM roles to Kubernetes service accounts").
    let p = irsa(json!({"StringEquals": {
        format!("{EKS}:sub"): "system:serviceaccount:default:my-service-account",
        format!("{EKS}:aud"): "sts.amazonaws.com"
    }}));
    assert!(admits_sa(&p, "default", "my-service-account"));
    assert!(!admits_sa(&p, "default", "other"));
    let grants = p.web_identity_grants();
    let allowed = grants[0].allowed_values(&sub_key(), true).expect("sub constrained");
    assert_eq!(allowed.patterns.len(), 1);
    assert!(!allowed.patterns[0].has_wildcard());
}

#[test]
fn operator_and_key_names_are_case_insensitive() {
    let p = irsa(json!({"stringlike": {format!("{}:SUB", EKS.to_lowercase()): "system:serviceaccount:payments:*"}}));
    assert!(admits_sa(&p, "payments", "api"));
    assert!(!admits_sa(&p, "web", "api"));
    let grants = p.web_identity_grants();
    let allowed = grants[0].allowed_values(&sub_key(), true).expect("sub constrained");
    assert!(allowed.patterns[0].has_wildcard());
}

#[test]
fn values_are_ored_and_keys_anded() {
    let p = irsa(json!({
        "StringEquals": {format!("{EKS}:sub"): [sa("a", "x"), sa("b", "y")]},
        "StringLike": {format!("{EKS}:aud"): "sts.amazonaws.com"}
    }));
    assert!(admits_sa(&p, "a", "x"));
    assert!(admits_sa(&p, "b", "y"));
    assert!(!admits_sa(&p, "a", "y"));
    // The aud key is ANDed: a wrong audience is refused even for an admitted subject.
    let aud_key = Issuer::parse(EKS).claim_key("aud");
    let grants = p.web_identity_grants();
    assert!(!grants[0].admits(&[(sub_key().as_str(), sa("a", "x").as_str()), (aud_key.as_str(), "other")]));
}

#[test]
fn exact_condition_narrows_a_glob_on_the_same_key() {
    let p = irsa(json!({
        "StringLike": {format!("{EKS}:sub"): "system:serviceaccount:*"},
        "StringEquals": {format!("{EKS}:sub"): sa("ops", "deployer")}
    }));
    let grants = p.web_identity_grants();
    let allowed = grants[0].allowed_values(&sub_key(), true).expect("constrained");
    assert_eq!(allowed.patterns.iter().map(|p| p.as_str().to_string()).collect::<Vec<_>>(), vec![sa("ops", "deployer")]);
}

#[test]
fn negated_operators_alone_do_not_constrain() {
    let p = irsa(json!({"StringNotEquals": {format!("{EKS}:sub"): sa("kube-system", "x")}}));
    let grants = p.web_identity_grants();
    assert!(grants[0].allowed_values(&sub_key(), true).is_none());
    assert!(admits_sa(&p, "anything", "at-all"));
    assert!(!admits_sa(&p, "kube-system", "x"));
}

#[test]
fn deny_without_condition_removes_the_grant() {
    let p = policy(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")}, "Action": "sts:AssumeRoleWithWebIdentity"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}
    ]}));
    assert!(p.web_identity_grants().is_empty());
}

#[test]
fn deny_with_one_condition_narrows_the_grant() {
    // Allow any subject, deny every subject outside namespace "ci": only "ci" remains.
    let p = policy(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {format!("{EKS}:sub"): "*"}}},
        {"Effect": "Deny", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringNotLike": {format!("{EKS}:sub"): "system:serviceaccount:ci:*"}}}
    ]}));
    assert!(admits_sa(&p, "ci", "runner"));
    assert!(!admits_sa(&p, "prod", "runner"));
    let grants = p.web_identity_grants();
    let allowed = grants[0].allowed_values(&sub_key(), true).expect("constrained");
    assert_eq!(allowed.patterns[0].as_str(), "system:serviceaccount:ci:*");
}

#[test]
fn deny_for_another_principal_or_action_does_not_apply() {
    let p = policy(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")}, "Action": "sts:AssumeRoleWithWebIdentity"},
        {"Effect": "Deny", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
    ]}));
    assert_eq!(p.web_identity_grants().len(), 1);
}

#[test]
fn actions_wildcards_and_not_action() {
    for action in [json!("sts:*"), json!("*"), json!(["s3:GetObject", "STS:AssumeRoleWith*"])] {
        let p = policy(
            json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")}, "Action": action}]}),
        );
        assert_eq!(p.web_identity_grants().len(), 1, "action form should cover web identity");
    }
    let p = policy(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")}, "NotAction": "sts:AssumeRole"}]}),
    );
    assert_eq!(p.web_identity_grants().len(), 1);
    let p = policy(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": format!("arn:aws:iam::1:oidc-provider/{EKS}")}, "NotAction": "sts:AssumeRoleWithWebIdentity"}]}),
    );
    assert!(p.web_identity_grants().is_empty());
}

#[test]
fn saml_providers_are_not_oidc_grants() {
    let p = policy(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:saml-provider/Okta"}, "Action": ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]}]}),
    );
    assert!(p.web_identity_grants().is_empty());
}

#[test]
fn federated_array_gives_one_grant_per_issuer() {
    let p = policy(json!({"Statement": [{"Effect": "Allow", "Principal": {"Federated": [
        format!("arn:aws:iam::1:oidc-provider/{EKS}"), "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"
    ]}, "Action": "sts:AssumeRoleWithWebIdentity"}]}));
    assert_eq!(p.web_identity_grants().len(), 2);
}

#[test]
fn anyone_forms_and_caller_pins() {
    let keys = ["aws:principalorgid", "sts:externalid"];
    for principal in [json!("*"), json!({"AWS": "*"}), json!({"AWS": ["arn:aws:iam::1:root", "*"]})] {
        let p = policy(json!({"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}));
        let grants = p.anyone_grants();
        assert_eq!(grants.len(), 1);
        assert!(grants[0].pinning_condition(&keys).is_none());
    }
    let pinned = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]}));
    assert!(pinned.anyone_grants()[0].pinning_condition(&keys).is_some());
    // IfExists lets a caller without the key through, so it pins nothing.
    let if_exists = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}}]}));
    assert!(if_exists.anyone_grants()[0].pinning_condition(&keys).is_none());
    // A wildcard that matches everything pins nothing either.
    let star = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole",
        "Condition": {"StringLike": {"aws:PrincipalOrgID": "*"}}}]}));
    assert!(star.anyone_grants()[0].pinning_condition(&keys).is_none());
}

#[test]
fn not_principal_allow_is_anyone() {
    let p = policy(json!({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"}, "Action": "sts:AssumeRole"}]}));
    assert_eq!(p.anyone_grants().len(), 1);
}

#[test]
fn service_grants_and_prefix_pins() {
    let p = policy(json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "RolesAnywhere.amazonaws.com"},
        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "build-agent"}}}]}));
    let grants = p.service_grants("rolesanywhere.amazonaws.com");
    assert_eq!(grants.len(), 1);
    assert!(grants[0].pinning_condition(&["aws:principaltag/x509subject/"]).is_some());
    assert!(grants[0].pinning_condition(&["aws:sourcearn"]).is_none());
}

#[test]
fn for_any_value_list_with_one_broad_value() {
    let p = irsa(json!({"ForAnyValue:StringLike": {format!("{EKS}:sub"): [sa("a", "x"), "system:serviceaccount:*:*"]}}));
    let grants = p.web_identity_grants();
    let allowed = grants[0].allowed_values(&sub_key(), true).expect("constrained");
    assert!(allowed.patterns.iter().any(|p| p.has_wildcard()));
    assert!(admits_sa(&p, "anything", "goes"));
}

#[test]
fn if_exists_on_an_optional_key_does_not_restrict() {
    let p = irsa(json!({"StringEqualsIfExists": {format!("{EKS}:amr"): "x"}}));
    let grants = p.web_identity_grants();
    assert!(grants[0].allowed_values(&Issuer::parse(EKS).claim_key("amr"), false).is_none());
    assert!(grants[0].allowed_values(&Issuer::parse(EKS).claim_key("amr"), true).is_some());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(|n| json!(n)),
            "[A-Za-z:*/?._-]{0,12}".prop_map(Value::String),
            prop_oneof![
                Just("Statement"),
                Just("Effect"),
                Just("Allow"),
                Just("Deny"),
                Just("Principal"),
                Just("Condition"),
                Just("StringLike"),
                Just("Action")
            ]
            .prop_map(|s| Value::String(s.to_string())),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("Statement".to_string()),
                        Just("Effect".to_string()),
                        Just("Principal".to_string()),
                        Just("Action".to_string()),
                        Just("NotAction".to_string()),
                        Just("Condition".to_string()),
                        Just("StringLike".to_string()),
                        Just("Federated".to_string()),
                        Just("AWS".to_string()),
                        "[a-z:]{1,6}"
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        // Arbitrary JSON never panics the parser, and whatever parses can be asked every question.
        #[test]
        fn parser_and_questions_never_panic(value in arb_json()) {
            if let Ok(doc) = PolicyDocument::from_value(&value) {
                let p = TrustPolicy::new(doc);
                for g in p.web_identity_grants().iter().chain(p.anyone_grants().iter()) {
                    let _ = g.allowed_values("x:sub", true);
                    let _ = g.pinning_condition(&["aws:sourcearn"]);
                    let _ = g.admits(&[("x:sub", "y")]);
                }
            }
        }

        // A StringLike on a literal subject and StringEquals on the same literal admit the same requests.
        #[test]
        fn like_without_wildcards_agrees_with_equals(ns in "[a-z]{1,8}", name in "[a-z]{1,8}", other in "[a-z]{1,8}") {
            let value = sa(&ns, &name);
            let like = irsa(json!({"StringLike": {format!("{EKS}:sub"): value}}));
            let equals = irsa(json!({"StringEquals": {format!("{EKS}:sub"): value}}));
            for (n, s) in [(ns.as_str(), name.as_str()), (ns.as_str(), other.as_str()), (other.as_str(), name.as_str())] {
                prop_assert_eq!(admits_sa(&like, n, s), admits_sa(&equals, n, s));
            }
        }

        // A namespace wildcard admits every service account of that namespace and none of another.
        #[test]
        fn namespace_wildcard_admits_its_namespace(ns in "[a-z]{1,8}", name in "[a-z0-9-]{1,12}", other in "[a-z]{1,8}") {
            prop_assume!(ns != other && !other.starts_with(&ns));
            let p = irsa(json!({"StringLike": {format!("{EKS}:sub"): format!("system:serviceaccount:{ns}:*")}}));
            prop_assert!(admits_sa(&p, &ns, &name));
            prop_assert!(!admits_sa(&p, &other, &name));
        }
    }
}
