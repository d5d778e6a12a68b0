//! Input recognition as a table of readers. Each [`Reader`] says how it recognises a document
//! from a cheap look at it ([`Sniff`]: the first byte, the start of the text, the top-level keys of
//! the first JSON object) and how it reads it. A document is read by the one reader that claims it;
//! none is "not ours", several is an error. JSON arrays and newline-delimited JSON (what `gcloud`
//! and `az` print) are claimed by keys like any object, never assumed to be AWS pages.

use std::cell::OnceCell;
use std::sync::Arc;

use serde::de::IgnoredAny;

use super::{Recognised, SourceError, aws, azure, gcp, k8s, snapshot, yaml};

/// One input format: its name, whether it claims a document, and how it reads one.
pub struct Reader {
    pub name: &'static str,
    pub claims: fn(&Sniff<'_>) -> bool,
    read: fn(&Input<'_>) -> Result<Recognised, SourceError>,
}

/// What a reader reads: the text and where it came from.
struct Input<'a> {
    path: &'a Arc<str>,
    /// The input the Kubernetes objects in it belong to (one input, one cluster).
    cluster_input: &'a str,
    text: &'a str,
    head: &'a [u8],
}

/// Every format wiscan reads, each claiming documents by content.
pub static READERS: &[Reader] = &[
    Reader { name: "wiscan snapshot", claims: |s| s.is_json() && snapshot::looks_like_snapshot(s.text), read: |i| snapshot::read(i.text) },
    Reader {
        name: "AWS CLI JSON",
        claims: |s| s.is_json() && !snapshot::looks_like_snapshot(s.text) && s.has_top_level_key(aws::TOP_LEVEL_KEYS),
        read: |i| aws::recognise_json(i.path, i.text),
    },
    Reader {
        name: "Kubernetes JSON",
        claims: |s| s.is_json() && !snapshot::looks_like_snapshot(s.text) && s.has_top_level_key(&["apiVersion"]),
        read: |i| k8s::read_json(i.path, i.cluster_input, i.text),
    },
    Reader { name: "Google Cloud JSON", claims: gcp::claims, read: |i| gcp::read(i.path, i.text) },
    Reader { name: "Azure JSON", claims: azure::claims, read: |i| azure::read(i.path, i.text) },
    Reader {
        name: "AWS credential report CSV",
        claims: |s| !s.is_json() && aws::looks_like_credential_report_csv(s.text),
        read: |i| aws::recognise_credential_report_csv(i.path, i.text),
    },
    Reader { name: "Kubernetes YAML", claims: |s| !s.is_json() && !aws::looks_like_credential_report_csv(s.text), read: read_yaml },
];

/// A cheap look at a document, shared by every reader's claim.
pub struct Sniff<'a> {
    pub text: &'a str,
    /// The first 4 KiB.
    pub head: &'a [u8],
    first_byte: Option<u8>,
    keys: OnceCell<Vec<String>>,
}

impl<'a> Sniff<'a> {
    pub fn new(text: &'a str) -> Self {
        let head = &text.as_bytes()[..text.len().min(4096)];
        Self { text, head, first_byte: text.trim_start().as_bytes().first().copied(), keys: OnceCell::new() }
    }

    /// An object or an array (newline-delimited objects included).
    pub fn is_json(&self) -> bool {
        matches!(self.first_byte, Some(b'{' | b'['))
    }

    /// Whether the first top-level object (the first element of an array) has one of `keys`. Its
    /// first key decides at once for the CLIs' outputs; otherwise that object's keys are scanned.
    pub fn has_top_level_key(&self, keys: &[&str]) -> bool {
        if self.first_key().is_some_and(|k| keys.contains(&k.as_str())) {
            return true;
        }
        self.keys.get_or_init(|| first_object_keys(self.text)).iter().any(|k| keys.contains(&k.as_str()))
    }

    /// The `name` string of the first top-level object (its other values skipped unbuilt), when it
    /// has one: Google Cloud resources are told by their names.
    pub fn first_name(&self) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct NameOnly {
            name: Option<String>,
        }
        if !self.has_top_level_key(&["name"]) {
            return None;
        }
        let start = first_object_start(self.text)?;
        let mut objects = serde_json::Deserializer::from_str(&self.text[start..]).into_iter::<NameOnly>();
        objects.next()?.ok()?.name
    }

    fn first_key(&self) -> Option<String> {
        let start = first_object_start(self.text)?;
        let rest = self.text[start + 1..].trim_start();
        let mut keys = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        keys.next()?.ok()
    }
}

/// The byte offset of the first top-level object: the document, or an array's first element.
fn first_object_start(text: &str) -> Option<usize> {
    let trimmed = text.trim_start();
    let offset = text.len() - trimmed.len();
    match trimmed.as_bytes().first()? {
        b'{' => Some(offset),
        b'[' => {
            let inner = trimmed[1..].trim_start();
            inner.starts_with('{').then(|| text.len() - inner.len())
        }
        _ => None,
    }
}

/// The keys of the first top-level object, its values skipped unbuilt.
fn first_object_keys(text: &str) -> Vec<String> {
    let Some(start) = first_object_start(text) else { return Vec::new() };
    let mut objects = serde_json::Deserializer::from_str(&text[start..]).into_iter::<std::collections::BTreeMap<String, IgnoredAny>>();
    match objects.next() {
        Some(Ok(map)) => map.into_keys().collect(),
        _ => Vec::new(),
    }
}

fn read_yaml(input: &Input<'_>) -> Result<Recognised, SourceError> {
    let (path, cluster_input, text) = (input.path, input.cluster_input, input.text);
    // Each document is read into the inventory as it ends: memory stays near the input's size.
    let read = |text: &str| {
        let mut reader = k8s::ValueReader::new(cluster_input);
        yaml::for_each_object(text, k8s::is_read_kind, |o| reader.read(&o.value, crate::model::Origin::file(path, Some(o.line))))
            .map(|skipped| reader.finish(skipped))
    };
    // kubectl reads flow collections indented as a strict parser would not: a second try.
    let streamed = match read(text) {
        Err(e) if e.message.contains("invalid indentation") => match yaml::relax_flow_indentation(text) {
            Some(relaxed) => read(&relaxed).map_err(|_| e),
            None => Err(e),
        },
        other => other,
    };
    match streamed {
        Ok(recognised) => Ok(recognised),
        // Broken YAML that meant to be Kubernetes is an error; anything else is not ours.
        Err(e) if memchr::memmem::find(input.head, b"apiVersion:").is_some() || memchr::memmem::find(input.head, b"kind:").is_some() => {
            Err(e)
        }
        Err(_) => Ok(Recognised::Unrecognised),
    }
}

/// Recognises one input by its content and parses it. `cluster_input` names the cluster that
/// Kubernetes objects in it belong to.
pub fn recognise(path: &Arc<str>, cluster_input: &str, bytes: &[u8]) -> Result<Recognised, SourceError> {
    // Windows PowerShell's `>` writes UTF-16 with a byte-order mark: decoded, it reads as any other file.
    let decoded = decode_utf16(bytes)?;
    let bytes = decoded.as_deref().map_or(bytes, str::as_bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(SourceError::new("file is empty"));
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf".as_slice()).unwrap_or(bytes);
    let looks_structured = matches!(body.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'['));
    if let Some(nul) = memchr::memchr(0, bytes) {
        // Binary files in a walked directory are not inputs; a NUL inside what starts as JSON (or
        // after a text header) is a damaged input, and an error.
        if !looks_structured && nul < 8192 {
            return Ok(Recognised::Unrecognised);
        }
        let line = bytes[..nul].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(SourceError::at_line(line, format!("a NUL byte at byte {nul}: the file is damaged or not text")));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        SourceError::at_line(line, format!("invalid UTF-8 at byte {offset}"))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let sniff = Sniff::new(text);
    let claimants: Vec<&Reader> = READERS.iter().filter(|r| (r.claims)(&sniff)).collect();
    match claimants.as_slice() {
        // JSON that no reader claims is not ours, unless it is not JSON at all: then it is damaged.
        [] if sniff.is_json() => match serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>().find_map(Result::err) {
            Some(e) => Err(SourceError::from_json(&e)),
            None => Ok(Recognised::Unrecognised),
        },
        [] => Ok(Recognised::Unrecognised),
        [reader] => (reader.read)(&Input { path, cluster_input, text, head: sniff.head }),
        several => {
            let names: Vec<&str> = several.iter().map(|r| r.name).collect();
            Err(SourceError::new(format!("the input matches several formats ({}); split it into one file per format", names.join(", "))))
        }
    }
}

/// UTF-16 text with a byte-order mark, as UTF-8; `None` for anything else. UTF-16 without a mark
/// (a NUL beside every ASCII character) is refused, since it cannot be read reliably.
fn decode_utf16(bytes: &[u8]) -> Result<Option<String>, SourceError> {
    let units =
        |pair: &[u8], is_le: bool| if is_le { u16::from_le_bytes([pair[0], pair[1]]) } else { u16::from_be_bytes([pair[0], pair[1]]) };
    let is_le = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        [b, 0, c, 0, ..] | [0, b, 0, c, ..] if starts_text(*b) && (c.is_ascii_graphic() || c.is_ascii_whitespace()) => {
            return Err(SourceError::new("the file looks like UTF-16 without a byte-order mark: save it as UTF-8"));
        }
        _ => return Ok(None),
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Err(SourceError::new("UTF-16 text with an odd number of bytes (truncated?)"));
    }
    let decoded: Result<String, _> = char::decode_utf16(body.chunks_exact(2).map(|pair| units(pair, is_le))).collect();
    decoded.map(Some).map_err(|_| SourceError::new("invalid UTF-16 (an unpaired surrogate)"))
}

/// A byte that JSON, YAML or CSV text starts with.
fn starts_text(b: u8) -> bool {
    b.is_ascii_alphabetic() || b.is_ascii_whitespace() || b"{[#-\"".contains(&b)
}
