//! The one place secret-looking values are shortened before they reach a finding, a log or a snapshot.
//!
//! Key IDs keep their first and last four characters (`AKIA…WXYZ`): enough to find the key in a
//! console, not enough to use it. Values that look like secret keys, private keys, bearer tokens or
//! encoded key material are replaced. [`redact_text`] is for evidence and messages built from
//! inputs; [`redact_error`] is stricter and is for everything a client, a parser or a credential
//! chain says about a failure (it also drops the value after `token:`, `password=` and the like).

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
    word.len() == 20 && PREFIXES.iter().any(|p| word.starts_with(p)) && word.bytes().skip(4).all(is_key_id_byte)
}

fn is_key_id_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)
}

/// True for something shaped like an AWS secret access key: 40 characters of base64 with both cases and a digit or `/`/`+`.
pub fn looks_like_aws_secret(word: &str) -> bool {
    word.len() == 40
        && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+')
        && word.bytes().any(|b| b.is_ascii_lowercase())
        && word.bytes().any(|b| b.is_ascii_uppercase())
        && word.bytes().any(|b| b.is_ascii_digit() || b == b'/' || b == b'+')
}

/// Redacts every secret-looking token in free text: access key IDs are shortened wherever they
/// stand (next to `/`, inside a name), secret-key-shaped words, encoded key material, JWTs, Azure
/// client secrets and PEM private keys are replaced. Role and user IDs (`AROA`, `AIDA`) are not secrets.
pub fn redact_text(text: &str) -> String {
    let text = redact_private_keys(text);
    let text = shorten_key_ids(&text);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find(is_token_char) {
        out.push_str(&rest[..start]);
        let run = &rest[start..];
        let end = run.find(|c: char| !is_token_char(c)).unwrap_or(run.len());
        // A sentence's closing dot is not part of a token.
        let token = run[..end].trim_end_matches('.');
        out.push_str(&redact_run(token));
        out.push_str(&run[token.len()..end]);
        rest = &run[end..];
    }
    out.push_str(rest);
    out
}

/// [`redact_text`], and the value after any key that names a credential (`token: …`,
/// `password=…`, `client-key-data: …`, `Authorization: Bearer …`) is dropped whatever it looks like.
pub fn redact_error(text: &str) -> String {
    const SECRET_KEYS: [&str; 14] = [
        "token",
        "password",
        "secret",
        "client-key-data",
        "client-key",
        "client_secret",
        "clientsecret",
        "secrettext",
        "privatekeydata",
        "private_key",
        "privatekey",
        "authorization",
        "bearer",
        "credential",
    ];
    let text = redact_text(text);
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((at, key)) = SECRET_KEYS.iter().filter_map(|k| lower[search..].find(k).map(|i| (search + i, *k))).min_by_key(|(i, _)| *i)
    {
        let after_key = at + key.len();
        // The key must end a word (`token`, `id_token`, `client-key-data`), not start one (`tokens`).
        let ends_word = lower[after_key..].chars().next().is_none_or(|c| !c.is_ascii_alphanumeric());
        let value = ends_word.then(|| value_after(&text, after_key, key == "bearer")).flatten();
        match value {
            Some((start, end)) => {
                out.push_str(&text[copied..start]);
                out.push_str("[redacted]");
                copied = end;
                search = end;
            }
            None => search = after_key,
        }
        if search >= text.len() {
            break;
        }
    }
    out.push_str(&text[copied.min(text.len())..]);
    out
}

/// The byte range of the value that follows a key at `at`: after optional quotes, then `:` or `=`
/// (or only a space, for `Bearer`), optional quotes and spaces; the value runs to the next space,
/// quote, comma or bracket.
fn value_after(text: &str, at: usize, space_separates: bool) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = at;
    let skip = |i: &mut usize, set: &[u8]| {
        while *i < bytes.len() && set.contains(&bytes[*i]) {
            *i += 1;
        }
    };
    skip(&mut i, b"\"'\\");
    let before_separator = i;
    skip(&mut i, b" \t");
    let has_separator = i < bytes.len() && (bytes[i] == b':' || bytes[i] == b'=');
    if has_separator {
        i += 1;
    } else if !space_separates || i == before_separator {
        return None;
    }
    skip(&mut i, b" \t\"'\\");
    // `Authorization: Bearer xyz`: the scheme is not the secret, the word after it is.
    if text[i..].to_ascii_lowercase().starts_with("bearer ") {
        i += "bearer ".len();
    }
    let start = i;
    while i < bytes.len() && !b" \t\r\n\"',;)]}\\".contains(&bytes[i]) {
        i += 1;
    }
    (i > start).then_some((start, i))
}

/// Characters of tokens: base64 (without its `=` padding, which also separates `key=value`),
/// base64url, JWT dots and Azure secrets' `~`.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '+' | '_' | '-' | '.' | '~')
}

/// One run of token characters: replaced when it is a secret, else kept.
fn redact_run(run: &str) -> String {
    if looks_like_jwt(run) {
        return "[redacted token]".into();
    }
    if looks_like_azure_secret(run) {
        return "[redacted secret]".into();
    }
    // Within a run, base64 words are split at the characters base64 does not use.
    let mut out = String::with_capacity(run.len());
    let mut word_start = 0;
    for (i, c) in run.char_indices().chain(std::iter::once((run.len(), ' '))) {
        if c.is_ascii_alphanumeric() || c == '/' || c == '+' {
            continue;
        }
        let word = &run[word_start..i];
        if looks_like_aws_secret(word) {
            out.push_str("[redacted secret]");
        } else if looks_like_key_material(word) {
            out.push_str("[redacted key material]");
        } else {
            out.push_str(word);
        }
        if i < run.len() {
            out.push(c);
        }
        word_start = i + c.len_utf8();
    }
    out
}

/// A JSON Web Token: `eyJ` (a base64url JSON header), two dots.
fn looks_like_jwt(run: &str) -> bool {
    run.starts_with("eyJ") && run.len() >= 24 && run.matches('.').count() >= 2
}

/// An Azure AD client secret: three characters, a digit, `Q~`, then 31–37 more.
fn looks_like_azure_secret(run: &str) -> bool {
    let bytes = run.as_bytes();
    (34..=44).contains(&bytes.len()) && bytes.get(3).is_some_and(u8::is_ascii_digit) && bytes.get(4..6) == Some(b"Q~".as_slice())
}

/// Base64 key material (a client key, a certificate, a token): 40+ characters whose longest
/// `/`-free stretch is long and mixes both cases and digits. URL paths have short stretches; IDs
/// such as EKS's lack lower case.
fn looks_like_key_material(word: &str) -> bool {
    if word.len() < 40 {
        return false;
    }
    let longest = word.split('/').max_by_key(|s| s.len()).unwrap_or(word);
    longest.len() >= 24
        && longest.bytes().any(|b| b.is_ascii_lowercase())
        && longest.bytes().any(|b| b.is_ascii_uppercase())
        && longest.bytes().any(|b| b.is_ascii_digit())
}

/// PEM private key blocks, from `-----BEGIN … PRIVATE KEY-----` to the matching end line (or the
/// end of the text when it was cut).
fn redact_private_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(begin) = rest.find("-----BEGIN") {
        let header_end = rest[begin + 10..].find("-----").map(|i| begin + 10 + i + 5);
        let is_private = header_end.is_some_and(|h| rest[begin..h].contains("PRIVATE KEY"));
        let Some(header_end) = header_end.filter(|_| is_private) else {
            out.push_str(&rest[..begin + 10]);
            rest = &rest[begin + 10..];
            continue;
        };
        out.push_str(&rest[..begin]);
        out.push_str("[redacted private key]");
        rest = match rest[header_end..].find("-----END") {
            Some(end) => {
                let after_end = header_end + end + 8;
                match rest[after_end..].find("-----") {
                    Some(close) => &rest[after_end + close + 5..],
                    None => "",
                }
            }
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Every `AKIA`/`ASIA` key ID, wherever it stands, becomes `AKIA…WXYZ`.
fn shorten_key_ids(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i + 20 <= bytes.len() {
        let is_key =
            (bytes[i..].starts_with(b"AKIA") || bytes[i..].starts_with(b"ASIA")) && bytes[i + 4..i + 20].iter().all(|&b| is_key_id_byte(b));
        if is_key {
            out.push_str(&text[copied..i]);
            out.push_str(&redact_key_id(&text[i..i + 20]));
            i += 20;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
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
    fn key_ids_are_shortened_wherever_they_stand() {
        assert_eq!(redact_text("user/AKIAIOSFODNN7EXAMPLE"), "user/AKIA…MPLE");
        assert_eq!(redact_text("AKIAIOSFODNN7EXAMPLE/x"), "AKIA…MPLE/x");
        assert_eq!(redact_text("secret-AKIAIOSFODNN7EXAMPLE-old"), "secret-AKIA…MPLE-old");
        assert_eq!(redact_text("keyASIAIOSFODNN7EXAMPLE"), "keyASIA…MPLE");
    }

    #[test]
    fn secrets_and_private_keys_are_replaced() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert_eq!(redact_text(&format!("aws_secret_access_key={secret}")), "aws_secret_access_key=[redacted secret]");
        let pem = "x -----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----";
        assert_eq!(redact_text(pem), "x [redacted private key]");
        let rsa = "a -----BEGIN RSA PRIVATE KEY-----\\nMIIEv\\n-----END RSA PRIVATE KEY----- b";
        assert_eq!(redact_text(rsa), "a [redacted private key] b");
        assert_eq!(redact_text("-----BEGIN CERTIFICATE----- ok"), "-----BEGIN CERTIFICATE----- ok");
        assert_eq!(redact_text("cut -----BEGIN EC PRIVATE KEY-----\nMHc"), "cut [redacted private key]");
    }

    #[test]
    fn tokens_and_key_material_are_replaced() {
        let jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
        assert_eq!(redact_text(&format!("bearer {jwt}.")), "bearer [redacted token].");
        let blob = "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB";
        assert_eq!(redact_text(&format!("client-key-data: {blob}")), "client-key-data: [redacted key material]");
        assert_eq!(redact_text("AZURE_CLIENT_SECRET=abc8Q~Zx9yW_vU7tS.rQ6pO-nM5lK4jI3hG2fE1dC"), "AZURE_CLIENT_SECRET=[redacted secret]");
    }

    #[test]
    fn errors_lose_the_values_of_credential_keys() {
        assert_eq!(redact_error("line 4: token: \"fake-token-value\", next"), "line 4: token: \"[redacted]\", next");
        assert_eq!(redact_error("password=hunter2 and more"), "password=[redacted] and more");
        assert_eq!(redact_error("Authorization: Bearer abc.def"), "Authorization: Bearer [redacted]");
        assert_eq!(redact_error("env SECRET_TOKEN=s3cr3t"), "env SECRET_TOKEN=[redacted]");
        assert_eq!(redact_error("no tokens here"), "no tokens here");
        assert_eq!(redact_error("listing secrets: access denied (403 Forbidden)"), "listing secrets: access denied (403 Forbidden)");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let arn = "arn:aws:iam::123456789012:role/ci-deployer system:serviceaccount:*:* AROA1234567890EXAMPLE";
        assert_eq!(redact_text(arn), arn);
        let issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub";
        assert_eq!(redact_text(issuer), issuer);
        let path = "/apis/networking.k8s.io/v1/namespaces/payments-Prod2/networkpolicies?limit=500";
        assert_eq!(redact_text(path), path);
        let subject = "repo:octo-org/octo-repo:ref:refs/heads/main";
        assert_eq!(redact_text(subject), subject);
    }
}
