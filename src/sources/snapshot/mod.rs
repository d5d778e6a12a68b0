//! The scanner's own snapshot: the normalized inventory as one versioned JSON document.
//!
//! `wiscan collect --out` writes it; `wiscan scan --from` reads it back (several snapshots merge),
//! and the findings are exactly those of the scan that collected it. It holds metadata only:
//! key IDs are already redacted in the inventory, and secret values are never stored there.
//!
//! The format is `v1.rs`'s own structs, converted to and from the model, never the model's types.
//!
//! It also records which sources the collection read and which failed: a scan of a snapshot whose
//! collection was partial is partial too (exit 2), however many steps later it is read.

mod v1;

use serde::{Deserialize, Serialize};

use super::{Recognised, SourceError, SourceReport, SourceStatus};
use crate::finding::Provider;
use crate::model::Inventory;
use v1::InventoryV1;

pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    wiscan_snapshot: u32,
    tool: Tool,
    /// The sources the collection read, with their outcome (absent in snapshots of wiscan 0.1.0).
    #[serde(default)]
    sources: Vec<CollectedSource>,
    inventory: InventoryV1,
}

/// One source of the collection, as the snapshot records it.
#[derive(Serialize, Deserialize)]
struct CollectedSource {
    origin: String,
    status: SourceStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    errors: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct Tool {
    name: String,
    version: String,
}

/// The version key is written first, so a look at the start of the text tells.
pub fn looks_like_snapshot(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(256)];
    memchr::memmem::find(head, b"\"wiscan_snapshot\"").is_some()
}

pub fn read(text: &str) -> Result<Recognised, SourceError> {
    #[derive(Deserialize)]
    struct VersionOnly {
        wiscan_snapshot: u32,
    }
    let version: VersionOnly = serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))?;
    if version.wiscan_snapshot != SNAPSHOT_VERSION {
        return Err(SourceError::new(format!(
            "snapshot format {} is not the one this wiscan reads ({SNAPSHOT_VERSION})",
            version.wiscan_snapshot
        )));
    }
    let snapshot: Snapshot = serde_json::from_str(text).map_err(|e| SourceError::from_json(&e))?;
    let inventory = snapshot.inventory.into_inventory().map_err(SourceError::new)?;
    let provider = if inventory.aws.object_count() == 0 && inventory.k8s.object_count() > 0 { Provider::K8s } else { Provider::Aws };
    let failed_sources = snapshot
        .sources
        .iter()
        .filter(|s| matches!(s.status, SourceStatus::Error | SourceStatus::Partial))
        .map(|s| crate::redact::redact_error(&format!("collected partially: {}: {}", s.origin, s.errors.join("; "))))
        .collect();
    Ok(Recognised::Snapshot { inventory, provider, failed_sources })
}

pub fn write(inventory: &Inventory, sources: &[SourceReport], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let snapshot = Snapshot {
        wiscan_snapshot: SNAPSHOT_VERSION,
        tool: Tool { name: "wiscan".into(), version: env!("CARGO_PKG_VERSION").into() },
        sources: sources.iter().map(|s| CollectedSource { origin: s.origin.clone(), status: s.status, errors: s.errors.clone() }).collect(),
        inventory: InventoryV1::from(inventory),
    };
    serde_json::to_writer_pretty(&mut *out, &snapshot)?;
    out.write_all(b"\n")
}
