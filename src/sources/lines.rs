//! Line numbers for objects found in a file's text, so findings can point at file and line.

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

    /// Line of the next occurrence of `"needle"` (as a JSON string) from the cursor, wrapping once.
    /// Objects are usually met in file order, so a whole file is searched in one pass.
    pub fn find_string(&mut self, needle: &str) -> Option<u32> {
        let quoted = format!("\"{needle}\"");
        let finder = memchr::memmem::Finder::new(quoted.as_bytes());
        let hit =
            finder.find(&self.text.as_bytes()[self.cursor..]).map(|i| i + self.cursor).or_else(|| finder.find(self.text.as_bytes()))?;
        self.cursor = hit + quoted.len();
        Some(self.line_of(hit))
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
