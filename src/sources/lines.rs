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
