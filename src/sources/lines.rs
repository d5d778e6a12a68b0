//! Line numbers for objects found in a file's text, so findings can point at file and line; and
//! the origins of the records of one read, from a file or a live scope.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::SourceError;
use crate::provenance::Origin;

/// Byte offsets of line starts, and a forward-moving search cursor.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    cursor: usize,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { text, line_starts, cursor: 0 }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        u32::try_from(line).unwrap_or(u32::MAX)
    }

    /// Line of the occurrence of `"needle"` (as a JSON string) nearest the cursor: just ahead,
    /// then just behind (fields of one object are met out of text order), then anywhere. Objects
    /// are usually met in file order, so a whole file is searched in about one pass; the near
    /// windows keep a reader that jumps back and forth within an object from rescanning the file
    /// (which made a 100 MB tenant quadratic).
    pub fn find_string(&mut self, needle: &str) -> Option<u32> {
        const NEAR: usize = 64 * 1024;
        let quoted = format!("\"{needle}\"");
        let bytes = self.text.as_bytes();
        let finder = memchr::memmem::Finder::new(quoted.as_bytes());
        let ahead_end = (self.cursor + NEAR).min(bytes.len());
        let behind_start = self.cursor.saturating_sub(NEAR);
        let hit = finder
            .find(&bytes[self.cursor..ahead_end])
            .map(|i| i + self.cursor)
            .or_else(|| memchr::memmem::rfind(&bytes[behind_start..self.cursor], quoted.as_bytes()).map(|i| i + behind_start))
            .or_else(|| finder.find(&bytes[self.cursor..]).map(|i| i + self.cursor))
            .or_else(|| finder.find(bytes))?;
        self.cursor = hit + quoted.len();
        Some(self.line_of(hit))
    }
}

/// Where the records of one read come from: a file (lines found by searching its text) or a live
/// scope (the same readers serve both, so live and offline collection cannot drift apart).
pub enum Origins<'a> {
    File {
        path: Arc<str>,
        lines: LineIndex<'a>,
    },
    #[cfg_attr(not(any(feature = "gcp", feature = "azure")), allow(dead_code))]
    Live(Arc<str>),
}

impl<'a> Origins<'a> {
    pub fn file(path: &Arc<str>, text: &'a str) -> Self {
        Origins::File { path: Arc::clone(path), lines: LineIndex::new(text) }
    }

    /// The origin of the record whose text holds `"needle"`.
    pub fn origin_of(&mut self, needle: &str) -> Origin {
        match self {
            Origins::File { path, lines } => Origin::file(path, lines.find_string(needle)),
            Origins::Live(scope) => Origin::Live { scope: Arc::clone(scope) },
        }
    }

    pub fn line_of(&mut self, needle: &str) -> Option<u32> {
        match self {
            Origins::File { lines, .. } => lines.find_string(needle),
            Origins::Live(_) => None,
        }
    }
}

/// The objects of a JSON document as `gcloud` and `az` print them: an array's elements, or one
/// object, or several one after another (newline-delimited exports, appended pages).
pub fn json_objects<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, SourceError> {
    if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))
    } else {
        serde_json::Deserializer::from_str(text).into_iter::<T>().collect::<Result<_, _>>().map_err(|e| SourceError::from_json(&e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_in_order_and_wraps() {
        let text = "{\n \"a\": \"x\",\n \"b\": \"y\",\n \"c\": \"x\"\n}";
        let mut idx = LineIndex::new(text);
        assert_eq!(idx.find_string("y"), Some(3));
        assert_eq!(idx.find_string("x"), Some(4));
        assert_eq!(idx.find_string("a"), Some(2));
        assert_eq!(idx.find_string("zzz"), None);
    }
}
