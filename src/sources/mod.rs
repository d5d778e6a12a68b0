//! Offline collection: reading `--from` paths, recognising each file by its content, and turning
//! the clouds' own CLI outputs into the normalized [`Inventory`].
//!
//! A bad file is recorded in its [`SourceReport`] while the other inputs are still read; the caller
//! decides the exit status. Files are parsed in parallel and merged in path order.

pub mod aws;
pub mod azure;
pub mod credentials;
pub mod gcp;
pub mod k8s;
pub(crate) mod lines;
pub mod live;
mod recognise;
pub mod snapshot;
pub mod yaml;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::finding::Provider;
use crate::model::Inventory;
pub use crate::provenance::{SourceReport, SourceStatus};
pub use lines::LineIndex;
pub use recognise::{READERS, Reader, Sniff, recognise};

/// The largest input file read, by default: well above a 100k-role account authorization dump.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// An input that could not be read, with the position where there is one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct SourceError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Parsers say line 0 / column 0 when an error has no position: print none then.
        match (self.line.filter(|&l| l > 0), self.column.filter(|&c| c > 0)) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl SourceError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { line: None, column: None, message: crate::redact::redact_text(&message.into()) }
    }

    pub fn at_line(line: usize, message: impl Into<String>) -> Self {
        Self { line: Some(line), column: None, message: crate::redact::redact_text(&message.into()) }
    }

    pub fn from_json(e: &serde_json::Error) -> Self {
        let message = match e.classify() {
            serde_json::error::Category::Eof => "unexpected end of file (truncated JSON?)".to_string(),
            _ => elide_quoted(&strip_position(&e.to_string())),
        };
        Self { line: Some(e.line()), column: Some(e.column()), message }
    }
}

/// serde quotes the offending value (`invalid type: string "..."`), which may be a secret:
/// the message keeps its shape and loses the value.
pub(crate) fn elide_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_quote = false;
    for ch in message.chars() {
        match (ch, in_quote) {
            ('"', false) => {
                in_quote = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                in_quote = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// What a recogniser made of one file.
pub enum Recognised {
    Inventory {
        inventory: Inventory,
        kind: String,
        provider: Provider,
    },
    /// A wiscan snapshot, with the sources its collection failed to read (each keeps the scan partial).
    Snapshot {
        inventory: Inventory,
        provider: Provider,
        failed_sources: Vec<String>,
    },
    Unrecognised,
}

#[derive(Clone, Debug)]
pub struct LoadOptions {
    pub max_input_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self { max_input_bytes: DEFAULT_MAX_INPUT_BYTES }
    }
}

/// One file to read: its display path and whether the user named it (vs. found it in a walk).
struct InputFile {
    display: Arc<str>,
    path: Option<PathBuf>,
    is_explicit: bool,
    /// Which `--from` path it came from.
    from: usize,
    /// Kubernetes objects of one input are one cluster: the file named, or the directory holding it.
    cluster_input: Arc<str>,
}

/// Reads every `--from` path (`-` is standard input) into one inventory.
pub fn load_offline(paths: &[String], options: &LoadOptions) -> (Inventory, Vec<SourceReport>) {
    let mut files = Vec::new();
    let mut reports = Vec::new();
    for (from, raw) in paths.iter().enumerate() {
        if raw == "-" {
            files.push(InputFile { display: Arc::from("-"), path: None, is_explicit: true, from, cluster_input: Arc::from("-") });
            continue;
        }
        let path = Path::new(raw);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                let walker = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name();
                for entry in walker {
                    match entry {
                        Ok(e) if e.file_type().is_file() && !is_hidden(e.path(), path) => files.push(InputFile {
                            display: display_path(e.path()),
                            path: Some(e.path().to_path_buf()),
                            is_explicit: false,
                            from,
                            cluster_input: display_path(e.path().parent().unwrap_or(path)),
                        }),
                        Ok(_) => {}
                        Err(e) => {
                            reports.push(error_report(display_path(e.path().unwrap_or(path)).to_string(), SourceError::new(e.to_string())))
                        }
                    }
                }
                if files.len() == before {
                    reports.push(error_report(display_path(path).to_string(), SourceError::new("directory holds no files")));
                }
            }
            Ok(_) => files.push(InputFile {
                display: display_path(path),
                path: Some(path.to_path_buf()),
                is_explicit: true,
                from,
                cluster_input: display_path(path),
            }),
            Err(e) => reports.push(error_report(raw.clone(), SourceError::new(io_message(&e)))),
        }
    }

    let outcomes: Vec<(Option<Inventory>, SourceReport)> = files.par_iter().map(|f| load_file(f, options)).collect();
    let mut inventory = Inventory::default();
    // Per `--from` path: did anything under it read, or fail loudly already?
    let mut yielded = vec![false; paths.len()];
    let mut walked: Vec<(usize, SourceReport)> = Vec::new();
    for (file, (inv, report)) in files.iter().zip(outcomes) {
        if let Some(inv) = inv {
            inventory.merge(inv);
            yielded[file.from] = true;
        }
        if report.status != SourceStatus::Skipped {
            yielded[file.from] = true;
        }
        walked.push((file.from, report));
    }
    // A `--from` path that yields nothing recognisable is an error, not an empty clean scan, even
    // when other paths were read.
    for (from, mut report) in walked {
        if !yielded[from] {
            report.status = SourceStatus::Error;
            report.errors.push(format!("not a recognised input, and nothing else under {} was read", paths[from]));
        }
        reports.push(report);
    }
    (inventory, reports)
}

fn load_file(file: &InputFile, options: &LoadOptions) -> (Option<Inventory>, SourceReport) {
    let origin = file.display.to_string();
    let bytes = match read_input(file, options.max_input_bytes) {
        Ok(b) => b,
        Err(e) => return (None, error_report(origin, e)),
    };
    match recognise(&file.display, &file.cluster_input, &bytes) {
        Ok(Recognised::Inventory { inventory, kind, provider }) => {
            let objects = inventory.object_count();
            (
                Some(inventory),
                SourceReport {
                    provider: Some(provider),
                    origin,
                    kind: Some(kind),
                    status: SourceStatus::Ok,
                    objects,
                    calls: None,
                    errors: vec![],
                },
            )
        }
        Ok(Recognised::Snapshot { inventory, provider, failed_sources }) => {
            let objects = inventory.object_count();
            let status = if failed_sources.is_empty() { SourceStatus::Ok } else { SourceStatus::Partial };
            let report = SourceReport {
                provider: Some(provider),
                origin,
                kind: Some("wiscan snapshot".into()),
                status,
                objects,
                calls: None,
                errors: failed_sources,
            };
            (Some(inventory), report)
        }
        Ok(Recognised::Unrecognised) => {
            let message = "not a recognised input (see `wiscan scan --help` for the formats read)".to_string();
            if file.is_explicit {
                (None, error_report(origin, SourceError::new(message)))
            } else {
                (
                    None,
                    SourceReport {
                        provider: None,
                        origin,
                        kind: None,
                        status: SourceStatus::Skipped,
                        objects: 0,
                        calls: None,
                        errors: vec![message],
                    },
                )
            }
        }
        Err(e) => (None, error_report(origin, e)),
    }
}

fn read_input(file: &InputFile, max: u64) -> Result<Vec<u8>, SourceError> {
    let mut bytes = Vec::new();
    match &file.path {
        Some(path) => {
            let f = std::fs::File::open(path).map_err(|e| SourceError::new(io_message(&e)))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            if len > max {
                return Err(SourceError::new(format!(
                    "file is {} MiB, over the {} MiB limit (raise it with --max-input-size)",
                    len >> 20,
                    max >> 20
                )));
            }
            f.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| SourceError::new(io_message(&e)))?;
        }
        None => {
            std::io::stdin().lock().take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| SourceError::new(io_message(&e)))?;
        }
    }
    if bytes.len() as u64 > max {
        return Err(SourceError::new(format!("input is over the {} MiB limit (raise it with --max-input-size)", max >> 20)));
    }
    Ok(bytes)
}

fn error_report(origin: String, error: SourceError) -> SourceReport {
    SourceReport {
        provider: None,
        origin,
        kind: None,
        status: SourceStatus::Error,
        objects: 0,
        calls: None,
        errors: vec![error.to_string()],
    }
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Dotfiles and dot-directories inside a walked directory are not inputs (`.git`, editor files).
fn is_hidden(path: &Path, root: &Path) -> bool {
    path.strip_prefix(root).map(|rel| rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'))).unwrap_or(false)
}

/// Paths as the user would type them: relative to the working directory when inside it, `/`-separated.
fn display_path(path: &Path) -> Arc<str> {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let text = relative.to_string_lossy().replace('\\', "/");
    Arc::from(text.strip_prefix("./").unwrap_or(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fragments() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("\n".to_string()),
            Just("- ".to_string()),
            Just("  ".to_string()),
            Just("---\n".to_string()),
            Just("&a ".to_string()),
            Just("*a".to_string()),
            Just("\"apiVersion\"".to_string()),
            Just("apiVersion: v1\n".to_string()),
            Just("kind: Secret\n".to_string()),
            Just("\"kind\": \"List\"".to_string()),
            Just("\"items\"".to_string()),
            Just("\"Roles\"".to_string()),
            Just("\"RoleDetailList\"".to_string()),
            Just("\"AssumeRolePolicyDocument\"".to_string()),
            Just("\"Statement\"".to_string()),
            Just("\"data\"".to_string()),
            Just("\"spec\"".to_string()),
            Just("user,arn,user_creation_time\n".to_string()),
            Just("\"assetType\"".to_string()),
            Just("\"asset_type\": \"iam.googleapis.com/ServiceAccountKey\"".to_string()),
            Just("\"resource\": {\"data\": ".to_string()),
            Just("\"name\": \"projects/p/serviceAccounts/a@p.iam.gserviceaccount.com/keys/k\"".to_string()),
            Just("\"name\": \"projects/1/locations/global/workloadIdentityPools/p/providers/x\"".to_string()),
            Just("\"keyType\": \"USER_MANAGED\"".to_string()),
            Just("\"validAfterTime\": \"9999-".to_string()),
            Just("\"attributeCondition\": \"assertion.a == 'b' ||".to_string()),
            Just("\"nodePools\": [".to_string()),
            Just("\"policy\": {\"bindings\": [{\"role\": \"r\", \"members\": [\"principalSet://iam.googleapis.com/".to_string()),
            "[a-zA-Z0-9 _./%=-]{0,12}",
            any::<u32>().prop_map(|n| n.to_string()),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        // Untrusted input of any shape never panics the readers: it is recognised, unrecognised or an error.
        #[test]
        fn any_input_is_read_without_panicking(text in fragments()) {
            let _ = recognise(&Arc::from("fuzz"), "fuzz", text.as_bytes());
        }

        #[test]
        fn any_bytes_are_read_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = recognise(&Arc::from("fuzz"), "fuzz", &bytes);
        }
    }
}
