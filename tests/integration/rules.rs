//! Walks `fixtures/rules/<ID>/`: `fires-*` gives a finding of the rule at its default severity,
//! `escalates-*` one above it (up to the metadata's `escalates_to`), `lowers-*` only below it,
//! `silent-*` none; every entry must load an object; the findings are snapshotted per rule.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use wiscan::finding::Severity;
use wiscan::rules::ALL;

use crate::common::{findings, repo, scan_json};

#[test]
fn every_rule_fixture_behaves_as_named() {
    let mut failures = Vec::new();
    for rule in ALL {
        let id = rule.id();
        let dir = repo().join("fixtures/rules").join(id);
        let mut entries: Vec<_> =
            std::fs::read_dir(&dir).unwrap_or_else(|_| panic!("{id}: no fixtures dir")).map(|e| e.expect("entry").path()).collect();
        entries.sort();
        let mut snapshot = BTreeMap::new();
        for path in entries {
            let name = path.file_name().expect("name").to_string_lossy().to_string();
            if name.ends_with(".md") {
                continue;
            }
            let report = scan_json(&path);
            let sources_ok = report["sources"].as_array().expect("sources").iter().all(|s| s["status"] == "ok");
            if !sources_ok {
                failures.push(format!("{id}/{name}: an input failed to load: {}", report["sources"]));
                continue;
            }
            let mine: Vec<&Value> = findings(&report).iter().filter(|f| f["rule_id"] == id).collect();
            let severities: Vec<Severity> =
                mine.iter().map(|f| Severity::parse(f["severity"].as_str().expect("severity")).expect("known")).collect();
            let default = rule.default_severity();
            // A fixture that loads nothing proves nothing, silent ones least of all.
            let objects: u64 = report["sources"].as_array().expect("sources").iter().filter_map(|s| s["objects"].as_u64()).sum();
            if objects == 0 {
                failures.push(format!("{id}/{name}: no object was read from it"));
                continue;
            }
            let ceiling = rule.meta().escalates_to.unwrap_or(default);
            let ok = if name.starts_with("silent-") {
                mine.is_empty()
            } else if name.starts_with("escalates-") {
                severities.iter().any(|s| *s > default && *s <= ceiling)
            } else if name.starts_with("fires-") {
                // The rule's default severity, as its metadata and the README table state it.
                severities.contains(&default)
            } else if name.starts_with("lowers-") {
                !severities.is_empty() && severities.iter().all(|s| *s < default)
            } else {
                failures.push(format!("{id}/{name}: fixture names start with fires-, escalates-, lowers- or silent-"));
                continue;
            };
            if !ok {
                failures.push(format!("{id}/{name}: got {severities:?} (default {default})"));
            }
            let summary: Vec<Value> = mine
                .iter()
                .map(|f| json!({"severity": f["severity"], "resource": f["resource"]["id"], "message": f["message"], "evidence": f["evidence"], "location": f["location"]}))
                .collect();
            snapshot.insert(name, summary);
        }
        insta::assert_json_snapshot!(format!("rule_{id}"), snapshot);
    }
    assert!(failures.is_empty(), "fixtures that do not behave as named:\n{}", failures.join("\n"));
}
