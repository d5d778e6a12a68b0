//! An IAM policy document (object or URL-encoded string) as typed statements: plain data. What the
//! statements mean together (who may assume a role) is `policy`'s business.
//!
//! Every shape the IAM grammar allows is accepted (`Statement` object or array; `Principal`,
//! `Action` and condition values as string or array; numbers and booleans as condition values);
//! anything else is a [`PolicyError`] naming the JSON path, never a panic.

use serde_json::Value;

/// A parsed policy document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: PrincipalSpec,
    pub action: ActionSpec,
    pub conditions: Vec<Condition>,
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub enum PrincipalSpec {
    /// No principal element (identity policies); a trust statement without one grants nobody.
    Absent,
    Principal(Principals),
    NotPrincipal(Principals),
}

/// The principals of one element: `"*"` or a map of type to values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Principals {
    /// `"Principal": "*"`.
    pub is_anyone: bool,
    pub aws: Vec<String>,
    pub federated: Vec<String>,
    pub service: Vec<String>,
    pub canonical_user: Vec<String>,
}

/// `Action` or `NotAction`, each a list of case-insensitive globs.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionSpec {
    Absent,
    Action(Vec<String>),
    NotAction(Vec<String>),
}

/// The base operator, without set qualifier or `IfExists`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorKind {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Bool,
    Null,
    /// Numeric, Date, IP address and Binary operators: kept, but they never constrain identity keys.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operator {
    /// As written, for evidence.
    pub name: String,
    pub kind: OperatorKind,
    pub set: Option<SetQualifier>,
    pub if_exists: bool,
}

impl Operator {
    pub fn parse(raw: &str) -> Self {
        let lower = raw.to_ascii_lowercase();
        let (set, rest) = if let Some(rest) = lower.strip_prefix("foranyvalue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = lower.strip_prefix("forallvalues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, lower.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("ifexists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let kind = match base {
            "stringequals" => OperatorKind::StringEquals,
            "stringnotequals" => OperatorKind::StringNotEquals,
            "stringequalsignorecase" => OperatorKind::StringEqualsIgnoreCase,
            "stringnotequalsignorecase" => OperatorKind::StringNotEqualsIgnoreCase,
            "stringlike" => OperatorKind::StringLike,
            "stringnotlike" => OperatorKind::StringNotLike,
            "arnequals" => OperatorKind::ArnEquals,
            "arnlike" => OperatorKind::ArnLike,
            "arnnotequals" => OperatorKind::ArnNotEquals,
            "arnnotlike" => OperatorKind::ArnNotLike,
            "bool" => OperatorKind::Bool,
            "null" => OperatorKind::Null,
            _ => OperatorKind::Other,
        };
        Operator { name: raw.to_string(), kind, set, if_exists }
    }
}

/// One `operator: { key: values }` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub operator: Operator,
    /// As written, for evidence.
    pub key: String,
    /// Lower-cased: condition keys are case-insensitive.
    pub key_lower: String,
    pub values: Vec<String>,
}

/// A parsed trust policy and the grants it makes. Keeps the document as read, for snapshots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustPolicy {
    pub document: PolicyDocument,
    raw: serde_json::Value,
}

impl TrustPolicy {
    pub fn new(document: PolicyDocument) -> Self {
        Self { document, raw: serde_json::Value::Null }
    }

    /// Parses a trust policy given as an object or (URL-encoded) string.
    pub fn from_value(value: serde_json::Value) -> Result<Self, PolicyError> {
        let document = PolicyDocument::from_value(&value)?;
        let raw = match &value {
            serde_json::Value::String(text) => decode_text(text).unwrap_or(value),
            _ => value,
        };
        Ok(Self { document, raw })
    }

    /// The document as a JSON object (decoded when it was URL-encoded).
    pub fn raw(&self) -> &serde_json::Value {
        &self.raw
    }
}

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PolicyError {
    /// JSON path inside the document, e.g. `Statement[1].Condition.StringLike`.
    pub path: String,
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError { path: path.into(), message: message.into() }
}

impl PolicyDocument {
    /// Parses a policy given as a JSON object or as a (URL-encoded) JSON string, as IAM APIs return it.
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        match value {
            Value::Object(_) => Self::from_object(value),
            Value::String(text) => Self::from_text(text),
            other => Err(err("", format!("expected a policy object or string, found {}", type_name(other)))),
        }
    }

    /// Parses policy text, percent-decoding it first when it is URL-encoded.
    pub fn from_text(text: &str) -> Result<Self, PolicyError> {
        let trimmed = text.trim_start();
        let decoded;
        let json = if trimmed.starts_with('%') {
            decoded = percent_encoding::percent_decode_str(trimmed)
                .decode_utf8()
                .map_err(|_| err("", "URL-encoded policy is not valid UTF-8"))?
                .replace('+', " ");
            decoded.as_str()
        } else {
            trimmed
        };
        let value: Value = serde_json::from_str(json).map_err(|e| err("", format!("policy text is not JSON: {e}")))?;
        Self::from_object(&value)
    }

    fn from_object(value: &Value) -> Result<Self, PolicyError> {
        let Value::Object(map) = value else {
            return Err(err("", format!("expected a policy object, found {}", type_name(value))));
        };
        let statement = get_ci(map, "Statement").ok_or_else(|| err("", "policy has no Statement"))?;
        let raw_statements: Vec<&Value> = match statement {
            Value::Array(items) => items.iter().collect(),
            Value::Object(_) => vec![statement],
            other => return Err(err("Statement", format!("expected an object or array, found {}", type_name(other)))),
        };
        let statements =
            raw_statements.into_iter().enumerate().map(|(index, raw)| parse_statement(index, raw)).collect::<Result<_, _>>()?;
        Ok(PolicyDocument { statements })
    }
}

/// Decodes URL-encoded policy text into a JSON value, if it is both.
pub(crate) fn decode_text(text: &str) -> Option<Value> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('%') {
        let decoded = percent_encoding::percent_decode_str(trimmed).decode_utf8().ok()?.replace('+', " ");
        serde_json::from_str(&decoded).ok()
    } else {
        serde_json::from_str(trimmed).ok()
    }
}

fn parse_statement(index: usize, raw: &Value) -> Result<Statement, PolicyError> {
    let path = format!("Statement[{index}]");
    let Value::Object(map) = raw else {
        return Err(err(path, format!("expected an object, found {}", type_name(raw))));
    };
    let effect = match get_ci(map, "Effect") {
        Some(Value::String(e)) if e.eq_ignore_ascii_case("allow") => Effect::Allow,
        Some(Value::String(e)) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
        Some(other) => {
            return Err(err(format!("{path}.Effect"), format!("expected \"Allow\" or \"Deny\", found {}", type_name_or_text(other))));
        }
        None => return Err(err(format!("{path}.Effect"), "missing")),
    };
    let principal = match (get_ci(map, "Principal"), get_ci(map, "NotPrincipal")) {
        (Some(p), None) => PrincipalSpec::Principal(parse_principals(&format!("{path}.Principal"), p)?),
        (None, Some(p)) => PrincipalSpec::NotPrincipal(parse_principals(&format!("{path}.NotPrincipal"), p)?),
        (None, None) => PrincipalSpec::Absent,
        (Some(_), Some(_)) => return Err(err(path, "both Principal and NotPrincipal")),
    };
    let action = match (get_ci(map, "Action"), get_ci(map, "NotAction")) {
        (Some(a), None) => ActionSpec::Action(string_list(&format!("{path}.Action"), a)?),
        (None, Some(a)) => ActionSpec::NotAction(string_list(&format!("{path}.NotAction"), a)?),
        (None, None) => ActionSpec::Absent,
        (Some(_), Some(_)) => return Err(err(path, "both Action and NotAction")),
    };
    let sid = match get_ci(map, "Sid") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let conditions = match get_ci(map, "Condition") {
        None | Some(Value::Null) => Vec::new(),
        Some(c) => parse_conditions(&format!("{path}.Condition"), c)?,
    };
    Ok(Statement { index, sid, effect, principal, action, conditions })
}

fn parse_principals(path: &str, value: &Value) -> Result<Principals, PolicyError> {
    let mut principals = Principals::default();
    match value {
        Value::String(s) if s == "*" => principals.is_anyone = true,
        Value::Object(map) => {
            for (kind, values) in map {
                let list = string_list(&format!("{path}.{kind}"), values)?;
                match kind.to_ascii_lowercase().as_str() {
                    "aws" => principals.aws.extend(list),
                    "federated" => principals.federated.extend(list),
                    "service" => principals.service.extend(list),
                    "canonicaluser" => principals.canonical_user.extend(list),
                    _ => return Err(err(format!("{path}.{kind}"), "unknown principal type")),
                }
            }
        }
        other => return Err(err(path, format!("expected \"*\" or an object, found {}", type_name(other)))),
    }
    Ok(principals)
}

fn parse_conditions(path: &str, value: &Value) -> Result<Vec<Condition>, PolicyError> {
    let Value::Object(operators) = value else {
        return Err(err(path, format!("expected an object, found {}", type_name(value))));
    };
    let mut conditions = Vec::new();
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else {
            return Err(err(format!("{path}.{operator}"), format!("expected an object of keys, found {}", type_name(keys))));
        };
        for (key, values) in keys {
            conditions.push(Condition {
                operator: Operator::parse(operator),
                key: key.clone(),
                key_lower: key.to_ascii_lowercase(),
                values: scalar_list(&format!("{path}.{operator}.{key}"), values)?,
            });
        }
    }
    Ok(conditions)
}

fn string_list(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s.clone()),
                other => Err(err(format!("{path}[{i}]"), format!("expected a string, found {}", type_name(other)))),
            })
            .collect(),
        other => Err(err(path, format!("expected a string or array, found {}", type_name(other)))),
    }
}

/// Condition values: strings, numbers and booleans (IAM accepts all three), singly or in an array.
fn scalar_list(path: &str, value: &Value) -> Result<Vec<String>, PolicyError> {
    let scalar = |p: String, v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(err(p, format!("expected a string, number or boolean, found {}", type_name(other)))),
    };
    match value {
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| scalar(format!("{path}[{i}]"), v)).collect(),
        other => Ok(vec![scalar(path.to_string(), other)?]),
    }
}

/// Element names are case-sensitive in the grammar, but the CLI and consoles accept any case; so do we.
fn get_ci<'a>(map: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    map.get(name).or_else(|| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// For a string, says that it is an unknown string without echoing it (it could be anything).
fn type_name_or_text(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "another string",
        other => type_name(other),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn statement_object_and_scalar_forms() {
        let doc = PolicyDocument::from_value(&json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"},
                          "Action": "sts:AssumeRoleWithWebIdentity",
                          "Condition": {"stringequals": {"x:SUB": "a", "x:aud": ["b", "c"]}, "NumericLessThan": {"k": 5}}}
        }))
        .expect("parses");
        let st = &doc.statements[0];
        assert_eq!(st.effect, Effect::Allow);
        assert_eq!(st.conditions.len(), 3);
        assert_eq!(st.conditions[0].operator.kind, OperatorKind::StringEquals);
        assert_eq!(st.conditions[0].key_lower, "x:sub");
        assert_eq!(st.conditions[2].values, vec!["5"]);
    }

    #[test]
    fn url_encoded_text() {
        let text = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        let doc = PolicyDocument::from_text(text).expect("parses");
        let PrincipalSpec::Principal(p) = &doc.statements[0].principal else { panic!("principal") };
        assert_eq!(p.service, vec!["ec2.amazonaws.com"]);
    }

    #[test]
    fn operator_variants() {
        let op = Operator::parse("ForAnyValue:StringLikeIfExists");
        assert_eq!((op.kind, op.set, op.if_exists), (OperatorKind::StringLike, Some(SetQualifier::ForAnyValue), true));
        assert_eq!(Operator::parse("NumericLessThan").kind, OperatorKind::Other);
    }

    #[test]
    fn bad_types_are_errors_with_paths() {
        let e = PolicyDocument::from_value(&json!({"Statement": 42})).expect_err("rejects");
        assert_eq!(e.path, "Statement");
        let e = PolicyDocument::from_value(&json!({"Statement": [{"Effect": "Allow", "Condition": {"StringLike": "oops"}}]}))
            .expect_err("rejects");
        assert_eq!(e.path, "Statement[0].Condition.StringLike");
        let e = PolicyDocument::from_value(&json!({"Statement": [{"Effect": "Maybe"}]})).expect_err("rejects");
        assert!(e.path.ends_with("Effect"));
        let e = PolicyDocument::from_value(&json!({"Statement": [{"Effect": "Allow", "Action": [1]}]})).expect_err("rejects");
        assert_eq!(e.path, "Statement[0].Action[0]");
    }
}
