//! The scanner's own snapshot: the normalized inventory as one versioned JSON document.
//!
//! `wiscan collect --out` writes it; `wiscan scan --from` reads it back (several snapshots merge),
//! and the findings are exactly those of the scan that collected it. It holds metadata only:
//! key IDs are already redacted in the inventory, and secret values are never stored there.

use serde::{Deserialize, Serialize};

use super::{Recognised, SourceError};
use crate::finding::Provider;
use crate::model::Inventory;

pub const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    wiscan_snapshot: u32,
    tool: Tool,
    inventory: Inventory,
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
    let provider =
        if snapshot.inventory.aws.object_count() == 0 && snapshot.inventory.k8s.object_count() > 0 { Provider::K8s } else { Provider::Aws };
    Ok(Recognised::Inventory { inventory: snapshot.inventory, kind: "wiscan snapshot".into(), provider })
}

pub fn write(inventory: &Inventory, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let snapshot = Snapshot {
        wiscan_snapshot: SNAPSHOT_VERSION,
        tool: Tool { name: "wiscan".into(), version: env!("CARGO_PKG_VERSION").into() },
        inventory: inventory.clone(),
    };
    serde_json::to_writer_pretty(&mut *out, &snapshot)?;
    out.write_all(b"\n")
}
