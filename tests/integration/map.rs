//! `wiscan map`: the demo estate's identity graph in every format, its filters and paths, the JSON
//! against its published schema, DOT through Graphviz, and failing closed like `scan`.

use serde_json::Value;

use crate::common::{repo, run};

fn map(args: &[&str]) -> crate::common::Run {
    let mut all = vec!["map", "--from", "fixtures/demo"];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn the_json_map_follows_its_schema_and_holds_every_cloud() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("schemas/map-v1.schema.json")).expect("schema")).expect("schema is JSON");
    let validator = jsonschema::options().build(&schema).expect("schema compiles");
    for args in [vec![], vec!["--path-to", "prod-payments-shared"], vec!["--namespace", "payments"], vec!["--identity", "etl-runner"]] {
        let mut all = args.clone();
        all.extend(["--format", "json"]);
        let r = map(&all);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        let doc = r.json();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        let ids: std::collections::HashSet<&str> =
            doc["nodes"].as_array().expect("nodes").iter().map(|n| n["id"].as_str().expect("id")).collect();
        for edge in doc["edges"].as_array().expect("edges") {
            assert!(ids.contains(edge["from"].as_str().expect("from")) && ids.contains(edge["to"].as_str().expect("to")), "{edge}");
        }
    }
    let doc = map(&["--format", "json"]).json();
    let kinds: std::collections::BTreeSet<&str> =
        doc["edges"].as_array().expect("edges").iter().map(|e| e["kind"].as_str().expect("kind")).collect();
    for kind in [
        "runs_as",
        "irsa",
        "pod_identity",
        "gke_workload_identity",
        "azure_workload_identity",
        "federation",
        "node_metadata",
        "untrusted_annotation",
    ] {
        assert!(kinds.contains(kind), "the demo map has no {kind} edge: {kinds:?}");
    }
}

#[test]
fn path_to_lists_every_way_into_one_identity() {
    let r = map(&["--path-to", "prod-payments-shared"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("map_path_to_prod_payments_shared", r.stdout);
    let doc = map(&["--path-to", "prod-payments-shared", "--format", "json"]).json();
    let edges = doc["edges"].as_array().expect("edges");
    for path in doc["paths"].as_array().expect("paths") {
        let last = path.as_array().expect("path").last().and_then(Value::as_u64).expect("an edge") as usize;
        assert_eq!(edges[last]["to"], "aws:arn:aws:iam::123456789012:role/prod-payments-shared");
    }
}

#[test]
fn the_table_answers_per_identity_and_per_service_account() {
    let r = map(&["--in-cluster", "analytics"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    insta::assert_snapshot!("map_table_analytics", r.stdout);
}

#[test]
fn mermaid_declares_every_node_it_links() {
    let r = map(&["--format", "mermaid"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("flowchart LR\n"));
    let declared: std::collections::HashSet<&str> =
        r.stdout.lines().skip(1).filter(|l| !l.contains("--")).filter_map(|l| l.trim().split(['[', '(', '>', '{']).next()).collect();
    for line in r.stdout.lines().filter(|l| l.contains("-->") || l.contains("-.->")) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (from, to) = (parts[0], parts[parts.len() - 1]);
        assert!(declared.contains(from) && declared.contains(to), "undeclared node in {line}");
    }
    let small = map(&["--format", "mermaid", "--in-cluster", "aks-payments"]);
    assert_eq!(small.code, 0, "{}", small.stderr);
    insta::assert_snapshot!("map_mermaid_aks_payments", small.stdout);
}

/// DOT must be what Graphviz reads. CI installs Debian's graphviz (`WISCAN_REQUIRE_DOT=1`); a
/// developer machine without it skips, saying so.
#[test]
fn dot_renders_with_graphviz() {
    let r = map(&["--format", "dot"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("digraph wiscan {"));
    let dot = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut dot) = dot else {
        assert!(std::env::var_os("WISCAN_REQUIRE_DOT").is_none(), "graphviz's `dot` is required here and missing");
        #[allow(clippy::print_stderr)]
        {
            eprintln!("skipped: graphviz's `dot` is not installed");
        }
        return;
    };
    use std::io::Write;
    dot.stdin.take().expect("stdin").write_all(r.stdout.as_bytes()).expect("write");
    let out = dot.wait_with_output().expect("dot runs");
    assert!(out.status.success(), "dot rejected the map: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"), "no SVG");
}

#[test]
fn filters_that_match_nothing_and_failed_sources_exit_2() {
    for args in
        [["--identity", "no-such-role"], ["--namespace", "no-such-namespace"], ["--path-to", "no-such-role"], ["--in-cluster", "nowhere"]]
    {
        let r = map(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(args[0]), "{args:?}: {}", r.stderr);
    }
    let r = run(&["map", "--from", "fixtures/demo/k8s", "--from", "fixtures/bad/malformed.json", "--format", "json"]);
    assert_eq!(r.code, 2, "a failed source fails the map: {}", r.stderr);
    assert_eq!(r.json()["complete"], false);
    let r = run(&["map", "--from", "fixtures/demo/k8s", "--from", "fixtures/bad/malformed.json", "--allow-partial"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("the map is partial"), "{}", r.stdout);
    assert!(r.stdout.contains("fixtures/bad/malformed.json"), "the table names the source that failed: {}", r.stdout);
    let doc =
        run(&["map", "--from", "fixtures/demo/k8s", "--from", "fixtures/bad/malformed.json", "--format", "json", "--allow-partial"]).json();
    let failed: Vec<&Value> = doc["sources"].as_array().expect("sources").iter().filter(|s| s["status"] == "error").collect();
    assert_eq!(failed.len(), 1, "{}", doc["sources"]);
    assert_eq!(failed[0]["origin"], "fixtures/bad/malformed.json");
}

#[test]
fn cross_findings_carry_their_path_and_broad_trusts_a_narrow_fix() {
    let r = run(&["scan", "--from", "fixtures/demo", "--format", "json", "--fail-on", "none"]);
    let doc = r.json();
    let findings = doc["findings"].as_array().expect("findings");
    let x = findings.iter().filter(|f| f["rule_id"].as_str().is_some_and(|id| id.starts_with('X'))).collect::<Vec<_>>();
    assert!(!x.is_empty());
    for f in &x {
        assert!(f["path"].as_array().is_some_and(|p| !p.is_empty()), "no path: {f}");
    }
    for cloud in ["aws", "gcp", "azure"] {
        let kinds = x.iter().filter(|f| f["path"].to_string().contains(&format!("\"{cloud} "))).count();
        assert!(kinds > 0, "no X finding on {cloud}");
    }
    let aws001 = findings
        .iter()
        .find(|f| f["rule_id"] == "AWS001" && f["resource"]["name"] == "prod-payments-shared")
        .expect("AWS001 on prod-payments-shared");
    assert_eq!(aws001["fix"]["replacement"], serde_json::json!(["system:serviceaccount:payments:payments-worker"]), "{aws001}");
    let sarif: Value =
        serde_json::from_str(&run(&["scan", "--from", "fixtures/demo", "--format", "sarif", "--fail-on", "none"]).stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["properties"]["identityPath"].as_array().is_some_and(|p| !p.is_empty())));
    assert!(results.iter().any(|r| r["properties"]["fix"]["replacement"].is_array()));
}

/// X004 asks only about clusters read in full: a cluster with an unreadable file is reported at
/// info, saying it was read in part.
#[test]
fn a_partly_read_cluster_lowers_dangling_subjects_to_info() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = repo().join("fixtures/rules/X004/fires-aws-sa-missing");
    for entry in std::fs::read_dir(&fixture).expect("fixture") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    std::fs::write(dir.path().join("kubectl-get-more.json"), "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [").expect("write");
    let d = dir.path().to_string_lossy().to_string();
    let r = run(&["scan", "--from", &d, "--select", "X004", "--format", "json", "--allow-partial", "--fail-on", "none"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let findings = doc["findings"].as_array().expect("findings");
    assert!(!findings.is_empty() && findings.iter().all(|f| f["severity"] == "info"), "{findings:#?}");
    assert!(findings[0]["message"].as_str().expect("message").contains("read only in part"));
}

/// A GKE member granted `workloadIdentityUser` on a whole project reaches every service account of
/// it: drawn once, as the project's set, from each ServiceAccount the member covers.
#[test]
fn project_wide_grants_reach_the_project_set_from_covered_service_accounts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixture = repo().join("fixtures/rules/X002/silent-exact-binding");
    for entry in std::fs::read_dir(&fixture).expect("fixture") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name"))).expect("copy");
    }
    let project_policy = serde_json::json!({
        "resource": "//cloudresourcemanager.googleapis.com/projects/wiscan-fixtures",
        "policy": {"bindings": [{"members": [
            "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/wiscan-fixtures.svc.id.goog/namespace/etl"
        ], "role": "roles/iam.workloadIdentityUser"}], "etag": "BwYkQ3r9xW1=", "version": 1}
    });
    std::fs::write(dir.path().join("gcp-policy-project.json"), serde_json::to_string_pretty(&project_policy).expect("json"))
        .expect("write");
    let d = dir.path().to_string_lossy().to_string();
    let r = run(&["map", "--from", &d, "--path-to", "projects/wiscan-fixtures/serviceAccounts/*"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("ServiceAccount demo/etl/loader --gke_workload_identity--> gcp project wiscan-fixtures (every service account)"),
        "{}",
        r.stdout
    );
    let scan = run(&["scan", "--from", &d, "--select", "X005", "--format", "json", "--fail-on", "none"]).json();
    assert_eq!(scan["findings"].as_array().map(Vec::len), Some(0), "a project-wide grant is GCP006's, not X005's");
}
