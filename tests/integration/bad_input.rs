//! Bad input fails closed: one clear line naming the file, the other inputs still scanned, exit 2
//! (or not, with --allow-partial). Never a panic, never a silent pass.

use crate::common::run;

/// Each kind of bad input, with words its error must contain.
const BAD: [(&str, &str); 11] = [
    ("malformed.json", "line 7, column 9"),
    ("truncated.json", "unexpected end of file"),
    ("wrong-kind.json", "not a recognised input"),
    ("binary.bin", "not a recognised input"),
    ("empty.json", "file is empty"),
    ("invalid-utf8.json", "invalid UTF-8"),
    ("policy-bad-types.json", "Statement: expected an object or array, found a number"),
    ("policy-bad-condition.json", "Condition.StringLike: expected an object of keys"),
    ("not-json.txt", "not a recognised input"),
    ("malformed.yaml", "line 33, column 8"),
    ("yaml-wrong-kind.yaml", "not a recognised input"),
];

#[test]
fn each_bad_input_is_one_line_naming_the_file() {
    for (name, words) in BAD {
        let path = format!("fixtures/bad/{name}");
        let r = run(&["scan", "--from", &path]);
        assert_eq!(r.code, 2, "{name}: exit {}", r.code);
        let errors: Vec<&str> = r.stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(errors.len(), 1, "{name}: {}", r.stderr);
        assert!(errors[0].starts_with(&format!("error: {path}: ")), "{name}: {}", errors[0]);
        assert!(errors[0].contains(words), "{name}: {} lacks {words:?}", errors[0]);
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
    }
}

#[test]
fn other_inputs_are_still_scanned() {
    let mut args = vec!["scan", "--format", "json", "--from", "fixtures/demo"];
    let paths: Vec<String> = BAD.iter().map(|(n, _)| format!("fixtures/bad/{n}")).collect();
    for p in &paths {
        args.extend(["--from", p.as_str()]);
    }
    let r = run(&args);
    assert_eq!(r.code, 2);
    let report = r.json();
    assert_eq!(report["complete"], false);
    assert!(report["summary"]["total"].as_u64().expect("total") > 20, "the demo was still scanned");
    let failed: Vec<&str> = report["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter(|s| s["status"] == "error")
        .map(|s| s["origin"].as_str().expect("origin"))
        .collect();
    assert_eq!(failed.len(), BAD.len(), "{failed:?}");

    // --allow-partial: the failure is still reported, but the gate decides on findings alone.
    args.extend(["--allow-partial", "--fail-on", "none"]);
    let r = run(&args);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["complete"], false);
}

#[test]
fn oversized_files_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("huge.json");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(1 << 30).expect("sparse 1 GiB file");
    let r = run(&["scan", "--from", &big.to_string_lossy()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("over the 512 MiB limit"), "{}", r.stderr);
}

#[test]
fn unrecognised_files_in_a_directory_are_skipped_but_an_empty_result_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("notes.txt"), "hello").expect("write");
    std::fs::copy("fixtures/rules/AWS005/fires-principal-star.json", dir.path().join("role.json")).expect("copy");
    let d = dir.path().to_string_lossy().to_string();
    let r = run(&["scan", "--from", &d, "--format", "json"]);
    assert_eq!(r.code, 1, "skipped is a warning, the role's finding gates: {}", r.stderr);
    assert!(r.stderr.contains("warning:") && r.stderr.contains("notes.txt: skipped"), "{}", r.stderr);
    assert!(r.json()["sources"].as_array().expect("sources").iter().any(|s| s["status"] == "skipped"));

    std::fs::remove_file(dir.path().join("role.json")).expect("remove");
    assert_eq!(run(&["scan", "--from", &d]).code, 2, "nothing recognisable is an error");
    let empty = tempfile::tempdir().expect("tempdir");
    assert_eq!(run(&["scan", "--from", &empty.path().to_string_lossy()]).code, 2);

    // Each `--from` path counts on its own: a good file beside a directory of nothing fails too.
    let r = run(&["scan", "--from", "fixtures/rules/AWS005/silent-specific-account.json", "--from", &d, "--format", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let notes = r.json()["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .find(|s| s["origin"].as_str().is_some_and(|o| o.ends_with("notes.txt")))
        .cloned();
    let notes = notes.expect("notes.txt is a source");
    assert_eq!(notes["status"], "error");
    assert!(notes["errors"].to_string().contains("nothing else under"), "{notes}");
}

#[test]
fn standard_input_is_read() {
    let input = std::fs::read("fixtures/rules/AWS005/fires-principal-star.json").expect("fixture");
    let out = crate::common::wiscan().args(["scan", "--from", "-", "--format", "json"]).write_stdin(input).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["findings"][0]["rule_id"], "AWS005");
    assert_eq!(report["findings"][0]["location"]["path"], "-");
}

#[test]
fn manifests_kubectl_accepts_are_read() {
    let dir = crate::common::repo().join("fixtures/inputs/k8s/lenient");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let report = crate::common::scan_json(&path);
        assert_eq!(report["sources"][0]["status"], "ok", "{}: {report}", path.display());
        assert!(crate::common::findings(&report).iter().any(|f| f["rule_id"] == "K8S001"), "{}: the pod was read", path.display());
        checked += 1;
    }
    assert!(checked >= 2);
}
