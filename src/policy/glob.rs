//! IAM string patterns: `StringLike`/`ArnLike` globs (`*`, `?`) and exact matches, with optional case folding.

use serde::{Deserialize, Serialize};

/// One value of a condition, as the operator reads it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Pattern {
    value: String,
    /// `true` for `StringLike`/`ArnLike`: `*` and `?` are wildcards.
    is_glob: bool,
    ignore_case: bool,
}

impl Pattern {
    pub fn exact(value: impl Into<String>, ignore_case: bool) -> Self {
        Self { value: value.into(), is_glob: false, ignore_case }
    }

    pub fn glob(value: impl Into<String>) -> Self {
        Self { value: value.into(), is_glob: true, ignore_case: false }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// True when the pattern can match more than one string.
    pub fn has_wildcard(&self) -> bool {
        self.is_glob && self.wildcard_index().is_some()
    }

    /// Byte index of the first wildcard character, if the pattern is a glob.
    pub fn wildcard_index(&self) -> Option<usize> {
        if !self.is_glob {
            return None;
        }
        self.value.find(['*', '?'])
    }

    /// The literal text before the first wildcard (the whole value when there is none).
    pub fn literal_prefix(&self) -> &str {
        match self.wildcard_index() {
            Some(i) => &self.value[..i],
            None => &self.value,
        }
    }

    /// True when the pattern matches every string (`*`, `**`, ...).
    pub fn matches_everything(&self) -> bool {
        self.is_glob && !self.value.is_empty() && self.value.bytes().all(|b| b == b'*')
    }

    pub fn matches(&self, candidate: &str) -> bool {
        match (self.is_glob, self.ignore_case) {
            (false, false) => self.value == candidate,
            (false, true) => self.value.eq_ignore_ascii_case(candidate) || self.value.to_lowercase() == candidate.to_lowercase(),
            (true, _) => glob_match(&self.value, candidate),
        }
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

/// Glob matching as IAM does it: `*` any run of characters (including none), `?` exactly one.
/// Iterative with one backtrack point, so it is linear in practice and never recurses.
pub fn glob_match(pattern: &str, candidate: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let candidate: Vec<char> = candidate.chars().collect();
    let (mut p, mut c) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while c < candidate.len() {
        // `*` is checked first: a literal `*` in the candidate must not be taken as matching it.
        if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, c));
            p += 1;
        } else if p < pattern.len() && (pattern[p] == '?' || pattern[p] == candidate[c]) {
            p += 1;
            c += 1;
        } else if let Some((star_p, star_c)) = star {
            p = star_p + 1;
            c = star_c + 1;
            star = Some((star_p, star_c + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&ch| ch == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn star_and_question_mark() {
        assert!(glob_match("system:serviceaccount:*:*", "system:serviceaccount:a:b"));
        assert!(glob_match("repo:acme/*", "repo:acme/api:ref:refs/heads/main"));
        assert!(!glob_match("repo:acme/*", "repo:acme2/api"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "ac"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "a-b-b-c"));
        assert!(!glob_match("a*b*c", "a-b-b-d"));
    }

    #[test]
    fn exact_ignore_case() {
        assert!(Pattern::exact("Sts.AmazonAWS.com", true).matches("sts.amazonaws.com"));
        assert!(!Pattern::exact("Sts.AmazonAWS.com", false).matches("sts.amazonaws.com"));
    }

    proptest! {
        // A glob without wildcard characters is a literal: it matches exactly itself.
        #[test]
        fn literal_glob_agrees_with_equality(p in "[a-z:/._-]{0,12}", s in "[a-z:/._-]{0,12}") {
            prop_assert_eq!(glob_match(&p, &s), p == s);
        }

        // Replacing any run of a string by `*` yields a pattern that still matches it.
        #[test]
        fn star_covers_any_infix(a in "[a-z:]{0,6}", b in "[a-z:*?]{0,6}", c in "[a-z:]{0,6}") {
            let s = format!("{a}{b}{c}");
            let pattern = format!("{a}*{c}");
            prop_assert!(glob_match(&pattern, &s));
            prop_assert!(Pattern::glob(pattern).matches(&s));
        }

        // `?` consumes exactly one character.
        #[test]
        fn question_mark_is_one_char(a in "[a-z]{0,5}", x in "[a-z]", c in "[a-z]{0,5}") {
            let pattern = format!("{a}?{c}");
            let hit = format!("{a}{x}{c}");
            let miss = format!("{a}{c}");
            prop_assert!(glob_match(&pattern, &hit));
            prop_assert!(!glob_match(&pattern, &miss));
        }

        #[test]
        fn never_panics(p in ".{0,20}", s in ".{0,20}") {
            let _ = glob_match(&p, &s);
        }
    }
}
