//! The catalogue's invariants: IDs and names unique and well-formed, metadata complete, every
//! `rules/*.md` registered, fixtures of each kind present.

use std::collections::HashSet;

use wiscan::rules::ALL;

use crate::common::repo;

#[test]
fn ids_and_names_are_unique_sorted_and_well_formed() {
    let mut ids = HashSet::new();
    let mut names = HashSet::new();
    let mut previous = String::new();
    for rule in ALL {
        let m = rule.meta();
        assert!(ids.insert(m.id.clone()), "duplicate id {}", m.id);
        assert!(names.insert(m.name.clone()), "duplicate name {}", m.name);
        assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{} is not kebab-case", m.name);
        assert!(previous < m.id, "ALL is not sorted by ID at {}", m.id);
        assert!(!m.title.ends_with('.'), "{}: title ends with a period", m.id);
        assert!(!m.full_description().is_empty(), "{}: empty first paragraph", m.id);
        assert!(!m.tags.iter().any(|t| t == "security"), "{}: `security` is added by the SARIF writer", m.id);
        previous = m.id.clone();
    }
}

#[test]
fn every_metadata_file_is_registered_and_matches_its_name() {
    for entry in std::fs::read_dir(repo().join("rules")).expect("rules dir") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().expect("stem").to_string_lossy().to_string();
        let rule = ALL.iter().find(|r| r.id() == stem).unwrap_or_else(|| panic!("rules/{stem}.md is not registered in ALL"));
        assert_eq!(rule.meta().id, stem);
    }
}

#[test]
fn every_rule_has_fixtures_of_each_kind() {
    for rule in ALL {
        let dir = repo().join("fixtures/rules").join(rule.id());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{} has no fixtures", rule.id()))
            .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
            .collect();
        assert!(names.iter().any(|n| n.starts_with("fires-")), "{}: no fires-* fixture", rule.id());
        assert!(names.iter().any(|n| n.starts_with("silent-")), "{}: no silent-* fixture", rule.id());
        if rule.meta().escalates_to.is_some() {
            assert!(names.iter().any(|n| n.starts_with("escalates-")), "{}: no escalates-* fixture", rule.id());
        }
    }
}
