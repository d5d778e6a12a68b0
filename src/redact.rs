//! The one place secret-looking values are shortened before they reach a finding, a log or a snapshot.
//!
//! Key IDs keep their first and last four characters (`AKIA…WXYZ`): enough to find the key in a
//! console, not enough to use it. Values that look like secret keys or private keys are replaced.

/// Shortens an access key ID (or any identifier) to `AKIA…WXYZ`.
pub fn redact_key_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "…".to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// True for an AWS access key ID: `AKIA`/`ASIA` (and the other documented prefixes) + 16 of `[A-Z2-7]`.
pub fn is_aws_key_id(word: &str) -> bool {
    const PREFIXES: [&str; 4] = ["AKIA", "ASIA", "AIDA", "AROA"];
    word.len() == 20
        && PREFIXES.iter().any(|p| word.starts_with(p))
        && word.bytes().skip(4).all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// True for something shaped like an AWS secret access key: 40 characters of base64 with both cases and a digit or `/`/`+`.
pub fn looks_like_aws_secret(word: &str) -> bool {
    word.len() == 40
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && word.bytes().any(|b| b.is_ascii_lowercase())
        && word.bytes().any(|b| b.is_ascii_uppercase())
        && word.bytes().any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
}

/// Redacts every secret-looking token in free text: access key IDs are shortened (`AKIA` keys only;
/// role and user IDs are not secrets), secret-key-shaped words and PEM private keys are replaced.
pub fn redact_text(text: &str) -> String {
    if let Some(start) = text.find("-----BEGIN") {
        if text[start..].contains("PRIVATE KEY") {
            return format!("{}[redacted private key]", redact_text(&text[..start]));
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if is_aws_key_id(word) && (word.starts_with("AKIA") || word.starts_with("ASIA")) {
            out.push_str(&redact_key_id(word));
        } else if looks_like_aws_secret(word) {
            out.push_str("[redacted secret]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || ch == '/' || ch == '+' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ids_are_shortened() {
        assert_eq!(redact_key_id("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(redact_text("key AKIAIOSFODNN7EXAMPLE of ci"), "key AKIA…MPLE of ci");
    }

    #[test]
    fn secrets_and_private_keys_are_replaced() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert_eq!(redact_text(&format!("aws_secret_access_key={secret}")), "aws_secret_access_key=[redacted secret]");
        let pem = "x -----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----";
        assert_eq!(redact_text(pem), "x [redacted private key]");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let arn = "arn:aws:iam::123456789012:role/ci-deployer system:serviceaccount:*:* AROA1234567890EXAMPLE";
        assert_eq!(redact_text(arn), arn);
    }
}
