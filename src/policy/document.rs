//! What the parts of an IAM policy document mean: which actions a statement covers, how an
//! operator matches, whether a condition admits a value. The documents themselves are plain data
//! in [`crate::model::iam_policy`]; these traits are how `policy` (and the rules) ask about them.

use super::glob::Pattern;
use crate::model::iam_policy::{ActionSpec, Condition, Operator, OperatorKind, SetQualifier};

pub trait ActionSemantics {
    /// Whether the statement applies to `action` (e.g. `sts:AssumeRoleWithWebIdentity`).
    fn covers(&self, action: &str) -> bool;
}

impl ActionSemantics for ActionSpec {
    fn covers(&self, action: &str) -> bool {
        let matches = |list: &[String]| list.iter().any(|a| super::glob::glob_match(&a.to_ascii_lowercase(), &action.to_ascii_lowercase()));
        match self {
            ActionSpec::Absent => false,
            ActionSpec::Action(list) => matches(list),
            ActionSpec::NotAction(list) => !matches(list),
        }
    }
}

pub trait OperatorSemantics {
    /// True for operators that admit values *unlike* the listed ones (`StringNotEquals`, ...).
    fn is_negated(&self) -> bool;
    /// True for string/ARN operators that admit only the listed values.
    fn is_positive_match(&self) -> bool;
    /// `ArnEquals` takes wildcards like `ArnLike`: IAM documents the two as behaving the same.
    fn is_glob(&self) -> bool;
}

impl OperatorSemantics for Operator {
    /// True for operators that admit values *unlike* the listed ones (`StringNotEquals`, ...).
    fn is_negated(&self) -> bool {
        matches!(
            self.kind,
            OperatorKind::StringNotEquals
                | OperatorKind::StringNotEqualsIgnoreCase
                | OperatorKind::StringNotLike
                | OperatorKind::ArnNotEquals
                | OperatorKind::ArnNotLike
        )
    }

    /// True for string/ARN operators that admit only the listed values.
    fn is_positive_match(&self) -> bool {
        matches!(
            self.kind,
            OperatorKind::StringEquals
                | OperatorKind::StringEqualsIgnoreCase
                | OperatorKind::StringLike
                | OperatorKind::ArnEquals
                | OperatorKind::ArnLike
        )
    }

    /// `ArnEquals` takes wildcards like `ArnLike`: IAM documents the two as behaving the same.
    fn is_glob(&self) -> bool {
        matches!(
            self.kind,
            OperatorKind::StringLike
                | OperatorKind::StringNotLike
                | OperatorKind::ArnLike
                | OperatorKind::ArnNotLike
                | OperatorKind::ArnEquals
                | OperatorKind::ArnNotEquals
        )
    }
}

pub trait ConditionSemantics {
    /// The values as patterns under this operator.
    fn patterns(&self) -> Vec<Pattern>;
    /// Evaluates this condition for a request in which the key has `value` (`None`: absent).
    /// Single-valued keys only, which is what identity claims are.
    fn admits(&self, value: Option<&str>) -> bool;
}

impl ConditionSemantics for Condition {
    /// The values as patterns under this operator.
    fn patterns(&self) -> Vec<Pattern> {
        let ignore_case = matches!(self.operator.kind, OperatorKind::StringEqualsIgnoreCase | OperatorKind::StringNotEqualsIgnoreCase);
        self.values
            .iter()
            .map(|v| if self.operator.is_glob() { Pattern::glob(v.clone()) } else { Pattern::exact(v.clone(), ignore_case) })
            .collect()
    }

    /// Evaluates this condition for a request in which the key has `value` (`None`: absent).
    /// Single-valued keys only, which is what identity claims are.
    fn admits(&self, value: Option<&str>) -> bool {
        let op = &self.operator;
        let Some(value) = value else {
            // AWS: a missing key makes `...IfExists`, `ForAllValues` (an empty set), `Null: true`
            // and the negated operators (`StringNotLike`, ...) true; every other operator false.
            return match op.kind {
                OperatorKind::Null => self.values.iter().any(|v| v.eq_ignore_ascii_case("true")),
                _ => op.if_exists || op.set == Some(SetQualifier::ForAllValues) || op.is_negated(),
            };
        };
        match op.kind {
            OperatorKind::Null => self.values.iter().any(|v| v.eq_ignore_ascii_case("false")),
            OperatorKind::Bool => self.values.iter().any(|v| v.eq_ignore_ascii_case(value)),
            OperatorKind::Other => true,
            _ => {
                let hit = self.patterns().iter().any(|p| p.matches(value));
                if op.is_negated() { !hit } else { hit }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_key_semantics() {
        let c = |op: &str| Condition { operator: Operator::parse(op), key: "k".into(), key_lower: "k".into(), values: vec!["v".into()] };
        assert!(!c("StringEquals").admits(None));
        assert!(c("StringEqualsIfExists").admits(None));
        assert!(c("ForAllValues:StringEquals").admits(None));
        assert!(!c("ForAnyValue:StringEquals").admits(None));
        assert!(c("StringNotEquals").admits(None));
        assert!(c("StringNotEquals").admits(Some("w")));
        assert!(!c("StringNotLike").admits(Some("v")));
    }

    #[test]
    fn operator_classes() {
        assert!(Operator::parse("StringNotEqualsIgnoreCase").is_negated());
        assert!(Operator::parse("ArnEquals").is_glob(), "ArnEquals matches wildcards like ArnLike");
        assert!(Operator::parse("StringLikeIfExists").is_positive_match());
    }
}
