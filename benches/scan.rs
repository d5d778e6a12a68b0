//! Scan throughput at several scales of a generated account, against bare `serde_json` parsing.
//!
//! `cargo bench --bench scan` generates `get-account-authorization-details` files with 1k, 10k and
//! 100k roles (a realistic mix of good and bad trusts), then measures, each in a fresh process so
//! peak memory is per measurement: parsing the file into `serde_json::Value`, and a full scan
//! (read, recognise, parse trust policies, index, run every rule, render JSON). Prints a table.
//! The same for Kubernetes: a `kubectl get -A -o json` List of 2k, 20k and 200k objects
//! (ServiceAccounts, Deployments, Pods, ConfigMaps, NetworkPolicies, and Secrets with large values).
//! The same for Google Cloud: an organization's Cloud Asset output (`search-all-iam-policies`
//! results and `assets.list` resources in one array) with 1k, 10k and 100k bindings, and the
//! service accounts, keys, pools and providers of its projects.
//! The same for Azure: a tenant's `az` and Graph output in one array with 1k, 10k and 100k federated
//! credentials (managed identities and app registrations, secrets, role assignments, AKS clusters).
//! `WISCAN_BENCH_SCALES=1000,5000`, `WISCAN_BENCH_K8S_SCALES=2000`, `WISCAN_BENCH_GCP_SCALES` and
//! `WISCAN_BENCH_AZURE_SCALES`, `WISCAN_BENCH_GRAPH_SCALES` override the scales.

// The benchmark's report is its output.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() >= 4 && args[1] == "--measure" {
        measure(&args[2], Path::new(&args[3]));
        return;
    }
    let scales = |var: &str, default: &[usize]| -> Vec<usize> {
        std::env::var(var).ok().map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect()).unwrap_or_else(|| default.to_vec())
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).expect("bench dir");
    print!("{}", table("roles", &dir, "gaad", &scales("WISCAN_BENCH_SCALES", &[1_000, 10_000, 100_000]), generate));
    println!();
    print!("{}", table("k8s objects", &dir, "kubectl", &scales("WISCAN_BENCH_K8S_SCALES", &[2_000, 20_000, 200_000]), generate_k8s));
    println!();
    print!("{}", table("gcp bindings", &dir, "gcp-asset", &scales("WISCAN_BENCH_GCP_SCALES", &[1_000, 10_000, 100_000]), generate_gcp));
    println!();
    print!(
        "{}",
        table("azure credentials", &dir, "azure", &scales("WISCAN_BENCH_AZURE_SCALES", &[1_000, 10_000, 100_000]), generate_azure)
    );
    println!();
    print!("{}", shards_table(&dir, &scales("WISCAN_BENCH_SHARDS", &[10, 100])));
    println!();
    print!("{}", graph_table(&dir, &scales("WISCAN_BENCH_GRAPH_SCALES", &[1_000, 10_000, 50_000])));
}

/// The identity graph: N annotated ServiceAccounts (50 per namespace) of one EKS cluster against N
/// roles trusting them (exact subjects, one in 20 a namespace wildcard, one in 50 naming a
/// ServiceAccount that does not exist), plus the cluster's description. Times building the graph
/// and answering X001–X005 on their own, and the whole scan.
fn graph_table(dir: &Path, scales: &[usize]) -> String {
    let exe = std::env::current_exe().expect("exe");
    let mut table = String::from(
        "| ServiceAccounts = roles | input MB | scan (full) | graph build | X001–X005 | nodes | edges | X findings | scan peak RSS |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    let issuer = "oidc.eks.us-east-1.amazonaws.com/id/BENCHD539D4633E53DE1B71EXAMPLE";
    for &n in scales {
        let estate = dir.join(format!("graph-{n}"));
        if !estate.exists() {
            std::fs::create_dir_all(&estate).expect("estate dir");
            let cluster = format!(
                r#"{{"cluster": {{"name": "bench", "arn": "arn:aws:eks:us-east-1:123456789012:cluster/bench", "version": "1.31", "identity": {{"oidc": {{"issuer": "https://{issuer}"}}}}, "status": "ACTIVE"}}}}"#
            );
            std::fs::write(estate.join("describe-cluster.json"), cluster).expect("write");
            let mut roles = String::from("{\"UserDetailList\": [], \"GroupDetailList\": [], \"Policies\": [], \"RoleDetailList\": [\n");
            let mut k8s = String::from("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n");
            for i in 0..n {
                let ns = i / 50;
                let sub = match i % 50 {
                    0 => format!("system:serviceaccount:ns-{ns}:*"),
                    1 => format!("system:serviceaccount:ns-{ns}:gone-{i}"),
                    _ => format!("system:serviceaccount:ns-{ns}:sa-{i}"),
                };
                let op = if i % 50 == 0 { "StringLike" } else { "StringEquals" };
                let _ = writeln!(
                    roles,
                    r#"{}{{"Path": "/", "RoleName": "role-{i}", "RoleId": "AROA{i:017}", "Arn": "arn:aws:iam::123456789012:role/role-{i}", "CreateDate": "2024-05-01T12:00:00+00:00", "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{issuer}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"{op}": {{"{issuer}:sub": "{sub}", "{issuer}:aud": "sts.amazonaws.com"}}}}}}]}}, "RolePolicyList": [], "AttachedManagedPolicies": []}}"#,
                    if i == 0 { "" } else { "," }
                );
                let sep = if i == 0 { "" } else { "," };
                if i % 50 == 0 {
                    let _ = writeln!(k8s, r#"{sep}{{"apiVersion": "v1", "kind": "Namespace", "metadata": {{"name": "ns-{ns}"}}}}"#);
                }
                let sep = if i == 0 && i % 50 != 0 { "" } else { "," };
                // One in 25 names the role of another namespace's ServiceAccount (X001, X005).
                let role = if i % 25 == 3 { (i + 50) % n } else { i };
                let _ = writeln!(
                    k8s,
                    r#"{sep}{{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {{"name": "sa-{i}", "namespace": "ns-{ns}", "annotations": {{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/role-{role}"}}}}}}"#
                );
                let _ = writeln!(
                    k8s,
                    r#",{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "app-{i}", "namespace": "ns-{ns}"}}, "spec": {{"template": {{"metadata": {{"labels": {{"app": "app-{i}"}}}}, "spec": {{"serviceAccountName": "sa-{i}", "containers": [{{"name": "app", "image": "app"}}]}}}}}}}}"#
                );
            }
            roles.push_str("]}\n");
            k8s.push_str("]}\n");
            std::fs::write(estate.join("gaad.json"), roles).expect("write");
            std::fs::create_dir_all(estate.join("k8s")).expect("k8s dir");
            std::fs::write(estate.join("k8s").join("kubectl.json"), k8s).expect("write");
        }
        let mb: f64 = ["describe-cluster.json", "gaad.json", "k8s/kubectl.json"]
            .iter()
            .filter_map(|f| std::fs::metadata(estate.join(f)).ok())
            .map(|m| m.len())
            .sum::<u64>() as f64
            / 1e6;
        let mut best: Vec<String> = Vec::new();
        for _ in 0..3 {
            let out = Command::new(&exe).args(["--measure", "graph"]).arg(&estate).output().expect("child");
            let parts: Vec<String> = String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_string).collect();
            assert!(parts.len() == 7, "graph measure: {parts:?} {}", String::from_utf8_lossy(&out.stderr));
            if best.is_empty() || parts[0].parse::<f64>().expect("secs") < best[0].parse::<f64>().expect("secs") {
                best = parts;
            }
        }
        let ms = |s: &str| s.parse::<f64>().expect("secs") * 1e3;
        let _ = writeln!(
            table,
            "| {n} | {mb:.1} | {:.0} ms | {:.0} ms | {:.1} ms | {} | {} | {} | {} MiB |",
            ms(&best[0]),
            ms(&best[3]),
            ms(&best[4]),
            best[5],
            best[6],
            best[2],
            best[1].parse::<u64>().expect("rss") / 1024
        );
    }
    table
}

/// The scale-out path: N shards (one `collect` each, of an account of 1k roles and a cluster of
/// 2k objects), merged by one scan of the folder.
fn shards_table(dir: &Path, counts: &[usize]) -> String {
    let exe = std::env::current_exe().expect("exe");
    let mut table = String::from(
        "| shards | roles + objects | shards MB | scan (merge + every rule) | scan MB/s | findings | scan peak RSS |\n|---|---|---|---|---|---|---|\n",
    );
    for &n in counts {
        let shards = dir.join(format!("shards-{n}"));
        if !shards.exists() {
            write_shards(dir, &shards, n);
        }
        let mb =
            std::fs::read_dir(&shards).expect("shards").filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum::<u64>() as f64 / 1e6;
        let mut best = (f64::MAX, 0u64, 0u64);
        for _ in 0..3 {
            let out = Command::new(&exe).args(["--measure", "scan"]).arg(&shards).output().expect("child");
            let text = String::from_utf8_lossy(&out.stdout);
            let parts: Vec<&str> = text.split_whitespace().collect();
            let secs: f64 = parts[0].parse().expect("secs");
            if secs < best.0 {
                best = (secs, parts[1].parse().expect("rss"), parts[2].parse().expect("count"));
            }
        }
        let _ = writeln!(
            table,
            "| {n} | {} | {mb:.1} | {:.0} ms | {:.0} | {} | {} MiB |",
            n * 3_000,
            best.0 * 1e3,
            mb / best.0,
            best.2,
            best.1 / 1024
        );
    }
    table
}

/// One shard per account and cluster: the generated inputs with the account number and the
/// cluster's input path made distinct, collected into a snapshot each.
fn write_shards(dir: &Path, shards: &Path, n: usize) {
    std::fs::create_dir_all(shards).expect("shards dir");
    let roles = generate(1_000);
    let objects = generate_k8s(2_000);
    for i in 0..n {
        let account = format!("{:012}", 200_000_000_000u64 + i as u64);
        let inputs = dir.join(format!("shard-inputs-{n}/{i:03}"));
        std::fs::create_dir_all(inputs.join("k8s")).expect("inputs dir");
        std::fs::write(inputs.join("gaad.json"), roles.replace("123456789012", &account)).expect("write");
        std::fs::write(inputs.join("k8s/cluster.json"), objects.replace("123456789012", &account)).expect("write");
        let paths = [inputs.join("gaad.json").to_string_lossy().to_string(), inputs.join("k8s").to_string_lossy().to_string()];
        let (mut inventory, sources) = wiscan::sources::load_offline(&paths, &Default::default());
        let _ = wiscan::policy::prepare(&mut inventory, &[]);
        let mut out = std::io::BufWriter::new(std::fs::File::create(shards.join(format!("shard-{i:03}.json"))).expect("shard"));
        wiscan::sources::snapshot::write(&inventory, &sources, &mut out).expect("write shard");
    }
}

fn table(unit: &str, dir: &Path, prefix: &str, scales: &[usize], generator: fn(usize) -> String) -> String {
    let exe = std::env::current_exe().expect("exe");
    let mut table = format!(
        "| {unit} | file MB | parse (serde_json Value) | scan (full) | scan MB/s | scan / parse | findings | parse peak RSS | scan peak RSS |\n|---|---|---|---|---|---|---|---|---|\n"
    );
    for &n in scales {
        let path = dir.join(format!("{prefix}-{n}.json"));
        if !path.exists() {
            std::fs::write(&path, generator(n)).expect("write");
        }
        let mb = std::fs::metadata(&path).expect("meta").len() as f64 / 1e6;
        let run = |mode: &str| -> (f64, u64, u64) {
            // Best of three runs for time; memory from the same run.
            let mut best = (f64::MAX, 0, 0);
            for _ in 0..3 {
                let out = Command::new(&exe).args(["--measure", mode]).arg(&path).output().expect("child");
                let text = String::from_utf8_lossy(&out.stdout);
                let parts: Vec<&str> = text.split_whitespace().collect();
                let secs: f64 = parts[0].parse().expect("secs");
                if secs < best.0 {
                    best = (secs, parts[1].parse().expect("rss"), parts[2].parse().expect("count"));
                }
            }
            best
        };
        let (parse_s, parse_rss, _) = run("parse");
        let (scan_s, scan_rss, findings) = run("scan");
        let _ = writeln!(
            table,
            "| {n} | {mb:.1} | {:.0} ms | {:.0} ms | {:.0} | {:.2}x | {findings} | {} MiB | {} MiB |",
            parse_s * 1e3,
            scan_s * 1e3,
            mb / scan_s,
            scan_s / parse_s,
            parse_rss / 1024,
            scan_rss / 1024
        );
    }
    table
}

/// Runs one measurement in this (fresh) process: prints seconds, peak RSS in KiB, and a count.
fn measure(mode: &str, path: &Path) {
    let start = Instant::now();
    if mode == "graph" {
        // The estate's directory holds the cloud files and, below `k8s/`, the cluster's objects.
        let inputs = vec![path.to_string_lossy().to_string()];
        let (mut inventory, sources) = wiscan::sources::load_offline(&inputs, &Default::default());
        assert!(sources.iter().all(|s| !s.is_failure()), "{sources:?}");
        let _ = wiscan::policy::prepare(&mut inventory, &[]);
        let x_rules: Vec<&'static dyn wiscan::rules::Rule> =
            wiscan::rules::ALL.iter().copied().filter(|r| wiscan::rules::RuleMetaSource::id(*r).starts_with('X')).collect();
        let now = "2026-12-01T00:00:00Z".parse().expect("time");
        let outcome = wiscan::engine::run(&inventory, wiscan::rules::ALL, now, &Default::default());
        let secs = start.elapsed().as_secs_f64();
        // Then the graph and the X rules on their own, on the inventory already prepared.
        let t = Instant::now();
        let graph = wiscan::policy::graph::build(&inventory);
        let graph_secs = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let x = wiscan::engine::run(&inventory, &x_rules, now, &Default::default());
        let x_secs = t.elapsed().as_secs_f64();
        println!("{secs} {} {} {graph_secs} {x_secs} {} {}", peak_rss_kib(), x.findings.len(), graph.nodes.len(), graph.edges.len());
        std::mem::forget((inventory, outcome, graph, x));
        return;
    }
    let count = match mode {
        "parse" => {
            let bytes = std::fs::read(path).expect("read");
            let value: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
            let count = value.as_object().map_or(0, |o| o.len());
            // Neither side pays for freeing: the binary exits without dropping its inventory.
            std::mem::forget(value);
            count
        }
        _ => {
            let (mut inventory, sources) = wiscan::sources::load_offline(&[path.to_string_lossy().to_string()], &Default::default());
            assert!(sources.iter().all(|s| !s.is_failure()), "{sources:?}");
            let loaded = start.elapsed().as_secs_f64();
            let _ = wiscan::policy::prepare(&mut inventory, &[]);
            let indexed = start.elapsed().as_secs_f64();
            let now = "2026-12-01T00:00:00Z".parse().expect("time");
            let outcome = wiscan::engine::run(&inventory, wiscan::rules::ALL, now, &Default::default());
            let report = wiscan::report::Report {
                findings: outcome.findings,
                rules: wiscan::rules::ALL.iter().map(|r| wiscan::rules::RuleMetaSource::meta(*r)).collect(),
                sources,
                warnings: vec![],
                scope: "bench".into(),
                is_complete: true,
            };
            let ruled = start.elapsed().as_secs_f64();
            let mut sink = std::io::sink();
            wiscan::report::json::render(&report, &mut sink).expect("render");
            if std::env::var_os("WISCAN_BENCH_PHASES").is_some() {
                eprintln!(
                    "load {loaded:.3}s, index {:.3}s, rules {:.3}s, render {:.3}s",
                    indexed - loaded,
                    ruled - indexed,
                    start.elapsed().as_secs_f64() - ruled
                );
            }
            let count = report.findings.len();
            std::mem::forget((inventory, report));
            count
        }
    };
    let secs = start.elapsed().as_secs_f64();
    println!("{secs} {} {count}", peak_rss_kib());
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

/// A `get-account-authorization-details` document with `roles` roles: mostly well-scoped IRSA,
/// plus wildcard, missing-sub, GitHub, service and cross-account trusts, as real accounts have.
fn generate(roles: usize) -> String {
    let issuer = |i: usize| format!("oidc.eks.us-east-1.amazonaws.com/id/{:032X}", i % 50);
    let mut out = String::with_capacity(roles * 1600);
    out.push_str("{\n    \"UserDetailList\": [],\n    \"GroupDetailList\": [],\n    \"RoleDetailList\": [\n");
    for i in 0..roles {
        let iss = issuer(i);
        let provider = format!("arn:aws:iam::123456789012:oidc-provider/{iss}");
        let statement = match i % 20 {
            0 => format!(r#"{{"Effect": "Allow", "Principal": {{"Federated": "{provider}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringLike": {{"{iss}:sub": "system:serviceaccount:ns{i}:*", "{iss}:aud": "sts.amazonaws.com"}}}}}}"#),
            1 => format!(r#"{{"Effect": "Allow", "Principal": {{"Federated": "{provider}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{"{iss}:aud": "sts.amazonaws.com"}}}}}}"#),
            2 => r#"{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/*"}}}"#.to_string(),
            3 => r#"{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}"#.to_string(),
            4 => r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "partner-7731"}}}"#.to_string(),
            _ => format!(r#"{{"Effect": "Allow", "Principal": {{"Federated": "{provider}"}}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {{"StringEquals": {{"{iss}:sub": "system:serviceaccount:ns{}:app-{i}", "{iss}:aud": "sts.amazonaws.com"}}}}}}"#, i % 300),
        };
        let _ = write!(
            out,
            r#"        {{
            "Path": "/",
            "RoleName": "role-{i}",
            "RoleId": "AROA{i:017}",
            "Arn": "arn:aws:iam::123456789012:role/role-{i}",
            "CreateDate": "2024-05-01T12:00:00+00:00",
            "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{statement}]}},
            "InstanceProfileList": [],
            "RolePolicyList": [{{"PolicyName": "inline", "PolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::bucket-{i}", "arn:aws:s3:::bucket-{i}/*"]}}]}}}}],
            "AttachedManagedPolicies": [{{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}],
            "Tags": [{{"Key": "team", "Value": "team-{}"}}],
            "RoleLastUsed": {{"LastUsedDate": "2026-11-20T08:00:00+00:00", "Region": "us-east-1"}}
        }}{}
"#,
            i % 40,
            if i + 1 < roles { "," } else { "" }
        );
    }
    out.push_str("    ],\n    \"Policies\": []\n}\n");
    out
}

/// A `kubectl get ... -A -o json` List with `objects` objects in namespaces of 50: per namespace a
/// few ServiceAccounts (some federated), Deployments and their Pods, ConfigMaps, a NetworkPolicy in
/// half of them, and Secrets with large values (TLS-sized blobs; a few hold AWS keys).
fn generate_k8s(objects: usize) -> String {
    use base64::Engine as _;
    let blob = base64::engine::general_purpose::STANDARD.encode("x".repeat(1500));
    let mut out = String::with_capacity(objects * 1500);
    out.push_str("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"List\",\n    \"items\": [\n");
    for i in 0..objects {
        let ns = format!("team-{}", i / 50);
        let meta = |kind: &str| {
            format!(
                r#""metadata": {{"name": "{kind}-{i}", "namespace": "{ns}", "uid": "00000000-0000-4000-8000-{i:012}", "labels": {{"app": "app-{}"}}}}"#,
                i % 7
            )
        };
        let object = match i % 10 {
            0 => format!(r#"{{"apiVersion": "v1", "kind": "ServiceAccount", {}, "metadata2": null}}"#, meta("sa"))
                .replace(r#", "metadata2": null"#, "")
                .replace(
                    r#""labels""#,
                    &format!(r#""annotations": {{"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/r-{i}"}}, "labels""#),
                ),
            1 | 2 => format!(
                r#"{{"apiVersion": "apps/v1", "kind": "Deployment", {}, "spec": {{"replicas": 2, "selector": {{"matchLabels": {{"app": "a"}}}}, "template": {{"metadata": {{"labels": {{"app": "app-{}"}}}}, "spec": {{"serviceAccountName": "sa-{}", "containers": [{{"name": "main", "image": "registry/app:{i}", "env": [{{"name": "LOG_LEVEL", "value": "info"}}, {{"name": "DB_PASSWORD", "valueFrom": {{"secretKeyRef": {{"name": "db", "key": "password"}}}}}}], "volumeMounts": [{{"name": "tls", "mountPath": "/tls"}}]}}], "volumes": [{{"name": "tls", "secret": {{"secretName": "tls-{i}"}}}}]}}}}}}}}"#,
                meta("deploy"),
                i % 7,
                i - i % 10
            ),
            3..=5 => format!(
                r#"{{"apiVersion": "v1", "kind": "Pod", {}, "spec": {{"serviceAccountName": "default", "hostNetwork": {}, "containers": [{{"name": "main", "image": "registry/app:{i}"}}]}}, "status": {{"phase": "Running"}}}}"#,
                meta("pod"),
                i % 1000 == 3
            ),
            6 => format!(
                r#"{{"apiVersion": "v1", "kind": "ConfigMap", {}, "data": {{"app.properties": "feature.flags=a,b,c\nendpoint=https://api.internal/{i}\n"}}}}"#,
                meta("cm")
            ),
            7 => format!(
                r#"{{"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", {}, "spec": {{"podSelector": {{}}, "policyTypes": ["Egress"], "egress": [{{"to": [{{"ipBlock": {{"cidr": "0.0.0.0/0", "except": ["169.254.169.254/32"]}}}}]}}]}}}}"#,
                meta("np")
            ),
            _ => {
                let data = if i % 1000 == 8 {
                    base64::engine::general_purpose::STANDARD.encode(format!("AKIAQ2BENCH{:09}", 0).replace('0', "A"))
                } else {
                    blob.clone()
                };
                format!(
                    r#"{{"apiVersion": "v1", "kind": "Secret", {}, "type": "kubernetes.io/tls", "data": {{"tls.crt": "{blob}", "tls.key": "{data}"}}}}"#,
                    meta("secret")
                )
            }
        };
        out.push_str("        ");
        out.push_str(&object);
        out.push_str(if i + 1 < objects { ",\n" } else { "\n" });
    }
    out.push_str("    ],\n    \"metadata\": {\"resourceVersion\": \"\"}\n}\n");
    out
}

/// An organization as Cloud Asset shows it, with about `bindings` binding members: per project
/// (100 members each) a project policy, 10 service accounts with their policies (exact KSA grants,
/// some namespace-wide, some GitHub principal sets), one key each (a fifth user-managed), and per
/// ten projects a federation pool with a GitHub provider (pinned or not) and a GKE cluster.
fn generate_gcp(bindings: usize) -> String {
    let projects = (bindings / 100).max(1);
    let mut items: Vec<String> = Vec::new();
    for p in 0..projects {
        let project = format!("acme-p{p:05}");
        let number = 100_000_000_000u64 + p as u64;
        let gke = format!("projects/{number}/locations/global/workloadIdentityPools/{project}.svc.id.goog");
        let mut project_members = Vec::new();
        for s in 0..10 {
            let email = format!("sa{s}@{project}.iam.gserviceaccount.com");
            let unique = format!("1{p:010}{s:010}");
            items.push(format!(
                r#"{{"name":"//iam.googleapis.com/projects/{project}/serviceAccounts/{unique}","assetType":"iam.googleapis.com/ServiceAccount","resource":{{"version":"v1","discoveryName":"ServiceAccount","data":{{"email":"{email}","name":"projects/{project}/serviceAccounts/{email}","oauth2ClientId":"{unique}","projectId":"{project}","uniqueId":"{unique}"}}}}}}"#
            ));
            let key_type = if s % 5 == 0 { "USER_MANAGED" } else { "SYSTEM_MANAGED" };
            items.push(format!(
                r#"{{"name":"//iam.googleapis.com/projects/{project}/serviceAccounts/{unique}/keys/{p:020}{s:020}","assetType":"iam.googleapis.com/ServiceAccountKey","resource":{{"version":"v1","discoveryName":"ServiceAccountKey","data":{{"keyAlgorithm":"KEY_ALG_RSA_2048","keyOrigin":"GOOGLE_PROVIDED","keyType":"{key_type}","name":"projects/{project}/serviceAccounts/{email}/keys/{p:020}{s:020}","validAfterTime":"2026-0{}-01T00:00:00Z","validBeforeTime":"9999-12-31T23:59:59Z"}}}}}}"#,
                1 + s % 9
            ));
            let member = match s {
                0 => format!("principalSet://iam.googleapis.com/{gke}/namespace/team{s}"),
                1 => format!(
                    "principalSet://iam.googleapis.com/projects/{number}/locations/global/workloadIdentityPools/github/attribute.repository/acme/app{s}"
                ),
                _ => format!("serviceAccount:{project}.svc.id.goog[team{s}/app{s}]"),
            };
            items.push(format!(
                r#"{{"assetType":"iam.googleapis.com/ServiceAccount","policy":{{"bindings":[{{"members":["{member}"],"role":"roles/iam.workloadIdentityUser"}},{{"members":["group:admins@acme.example"],"role":"roles/iam.serviceAccountUser"}}]}},"project":"projects/{number}","resource":"//iam.googleapis.com/projects/{project}/serviceAccounts/{unique}"}}"#
            ));
            project_members.push(format!(
                r#"{{"members":["serviceAccount:{email}"],"role":"roles/{}"}}"#,
                if s == 3 { "editor" } else { "storage.objectViewer" }
            ));
        }
        for u in 0..78 {
            project_members.push(format!(r#"{{"members":["user:user{u}@acme.example"],"role":"roles/viewer"}}"#));
        }
        items.push(format!(
            r#"{{"assetType":"cloudresourcemanager.googleapis.com/Project","policy":{{"bindings":[{}]}},"project":"projects/{number}","resource":"//cloudresourcemanager.googleapis.com/projects/{project}"}}"#,
            project_members.join(",")
        ));
        if p % 10 == 0 {
            let pool = format!("projects/{number}/locations/global/workloadIdentityPools/github");
            let condition = if p % 20 == 0 { r#","attributeCondition":"assertion.repository_owner == 'acme'""# } else { "" };
            items.push(format!(
                r#"{{"name":"//iam.googleapis.com/{pool}/providers/github","assetType":"iam.googleapis.com/WorkloadIdentityPoolProvider","resource":{{"version":"v1","discoveryName":"WorkloadIdentityPoolProvider","data":{{"attributeMapping":{{"google.subject":"assertion.sub","attribute.repository":"assertion.repository"}}{condition},"name":"{pool}/providers/github","oidc":{{"issuerUri":"https://token.actions.githubusercontent.com"}},"state":"ACTIVE"}}}}}}"#
            ));
            items.push(format!(
                r#"{{"name":"//container.googleapis.com/projects/{project}/locations/europe-west1/clusters/c{p}","assetType":"container.googleapis.com/Cluster","resource":{{"version":"v1","discoveryName":"Cluster","data":{{"location":"europe-west1","name":"c{p}","nodePools":[{{"config":{{"workloadMetadataConfig":{{"mode":"GKE_METADATA"}}}},"name":"default"}},{{"config":{{"workloadMetadataConfig":{{"mode":"{}"}}}},"name":"batch"}}],"selfLink":"https://container.googleapis.com/v1/projects/{project}/locations/europe-west1/clusters/c{p}","workloadIdentityConfig":{{"workloadPool":"{project}.svc.id.goog"}}}}}}}}"#,
                if p % 20 == 0 { "GKE_METADATA" } else { "GCE_METADATA" }
            ));
        }
    }
    format!("[\n{}\n]\n", items.join(",\n"))
}

/// A tenant with about `credentials` federated credentials: managed identities with two each (one
/// in five trusting an AKS issuer no cluster has), app registrations with a flexible GitHub
/// credential (one in ten a wildcard) and a client secret, their service principals, role
/// assignments (one in twenty Contributor on the subscription), and one AKS cluster per hundred.
fn generate_azure(credentials: usize) -> String {
    let subscription = "5e2c9a14-3b7d-4f80-a6c1-9d2e7b4f8a63";
    let identities = (credentials * 2 / 5).max(1);
    let apps = (credentials / 5).max(1);
    let clusters = (credentials / 100).max(1);
    let issuer = |c: usize| {
        format!("https://westeurope.oic.prod-aks.azure.com/8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19/{c:08}-4a6d-4e8b-b3f5-7c0d2a9e6b41/")
    };
    let mut items: Vec<String> = Vec::new();
    for c in 0..clusters {
        items.push(format!(
            r#"{{"id":"/subscriptions/{subscription}/resourcegroups/rg-{c}/providers/Microsoft.ContainerService/managedClusters/aks-{c}","location":"westeurope","name":"aks-{c}","networkProfile":{{"networkPlugin":"azure","podLinkLocalAccess":"{}"}},"oidcIssuerProfile":{{"enabled":true,"issuerUrl":"{}"}},"securityProfile":{{"workloadIdentity":{{"enabled":true}}}},"type":"Microsoft.ContainerService/ManagedClusters"}}"#,
            if c % 2 == 0 { "None" } else { "IMDS" },
            issuer(c)
        ));
    }
    for i in 0..identities {
        let id = format!(
            "/subscriptions/{subscription}/resourcegroups/rg-{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-{i}",
            i % clusters
        );
        let (client, principal) = (format!("{i:08}-1111-4111-8111-111111111111"), format!("{i:08}-2222-4222-8222-222222222222"));
        items.push(format!(
            r#"{{"clientId":"{client}","id":"{id}","location":"westeurope","name":"id-{i}","principalId":"{principal}","resourceGroup":"rg-{}","tags":{{}},"tenantId":"8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19","type":"Microsoft.ManagedIdentity/userAssignedIdentities"}}"#,
            i % clusters
        ));
        for f in 0..2 {
            let credential_issuer = if i % 5 == 0 && f == 1 { issuer(clusters + i) } else { issuer(i % clusters) };
            items.push(format!(
                r#"{{"audiences":["api://AzureADTokenExchange"],"id":"{id}/federatedIdentityCredentials/fic-{f}","issuer":"{credential_issuer}","name":"fic-{f}","resourceGroup":"rg-x","subject":"system:serviceaccount:ns-{i}:sa-{f}","type":"Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"}}"#
            ));
        }
        let role = if i % 20 == 0 { "Contributor" } else { "Reader" };
        items.push(format!(
            r#"{{"id":"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleAssignments/{i:08}-3333-4333-8333-333333333333","name":"{i:08}-3333-4333-8333-333333333333","principalId":"{principal}","principalType":"ServicePrincipal","roleDefinitionId":"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7","roleDefinitionName":"{role}","scope":"/subscriptions/{subscription}","type":"Microsoft.Authorization/roleAssignments"}}"#
        ));
    }
    for a in 0..apps {
        let app_id = format!("{a:08}-4444-4444-8444-444444444444");
        let expression = if a % 10 == 0 {
            "claims['sub'] matches 'repo:acme/*'".to_string()
        } else {
            format!("claims['sub'] eq 'repo:acme/app-{a}:ref:refs/heads/main'")
        };
        items.push(format!(
            r#"{{"appId":"{app_id}","displayName":"app-{a}","federatedIdentityCredentials":[{{"audiences":["api://AzureADTokenExchange"],"claimsMatchingExpression":{{"languageVersion":1,"value":"{expression}"}},"id":"{a:08}-5555-4555-8555-555555555555","issuer":"https://token.actions.githubusercontent.com","name":"gh","subject":null}}],"id":"{a:08}-6666-4666-8666-666666666666","keyCredentials":[],"passwordCredentials":[{{"customKeyIdentifier":null,"displayName":"ci","endDateTime":"2027-0{}-01T00:00:00Z","hint":"abc","keyId":"{a:08}-7777-4777-8777-777777777777","secretText":null,"startDateTime":"2026-06-01T00:00:00Z"}}]}}"#,
            1 + a % 9
        ));
        items.push(format!(
            r#"{{"appId":"{app_id}","displayName":"app-{a}","id":"{a:08}-8888-4888-8888-888888888888","keyCredentials":[],"passwordCredentials":[],"servicePrincipalType":"Application"}}"#
        ));
    }
    format!("[\n{}\n]\n", items.join(",\n"))
}
