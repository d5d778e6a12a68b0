//! No output, log or snapshot ever carries a secret: access key IDs only redacted, secret keys
//! and private keys never. Secrets are planted in every AWS input kind that can hold text.

use std::path::Path;

use crate::common::run;

const KEY_ID: &str = "AKIAZ7Q3WISCANLEAKQ4";
const SECRET: &str = "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";
const PEM: &str = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCwiscanleak\\n-----END PRIVATE KEY-----";

fn plant(dir: &Path) {
    std::fs::write(
        dir.join("keys.json"),
        format!(r#"{{"AccessKeyMetadata": [{{"UserName": "ci-bot", "AccessKeyId": "{KEY_ID}", "Status": "Active", "CreateDate": "2024-01-01T00:00:00+00:00"}}]}}"#),
    )
    .expect("write");
    // A role whose description, tags and trust values carry secrets: none of it may be echoed.
    std::fs::write(
        dir.join("role.json"),
        format!(
            r#"{{"Role": {{"RoleName": "leaky", "RoleId": "AROAEXAMPLELEAKY0001", "Arn": "arn:aws:iam::111122223333:role/leaky",
            "Description": "aws_secret_access_key={SECRET}", "Tags": [{{"Key": "pem", "Value": "{PEM}"}}],
            "AssumeRolePolicyDocument": {{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Principal": {{"AWS": "*"}}, "Action": "sts:AssumeRole",
              "Condition": {{"StringEquals": {{"aws:username": "{SECRET}"}}, "StringLike": {{"aws:userid": "{KEY_ID}"}}}}}}]}}}}}}"#
        ),
    )
    .expect("write");
    // The same key pair in a cluster's Secret (base64, as kubectl prints it).
    let encode = |v: &str| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, v);
    std::fs::write(
        dir.join("secret.json"),
        format!(
            r#"{{"apiVersion": "v1", "kind": "Secret", "metadata": {{"name": "ci-bot-keys", "namespace": "ci"}}, "type": "Opaque",
            "data": {{"AWS_ACCESS_KEY_ID": "{}", "AWS_SECRET_ACCESS_KEY": "{}"}}}}"#,
            encode(KEY_ID),
            encode(SECRET)
        ),
    )
    .expect("write");
}

#[test]
fn no_output_format_log_or_snapshot_leaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    plant(dir.path());
    let d = dir.path().to_string_lossy().to_string();
    let snap = dir.path().join("out.snapshot");
    let mut outputs = Vec::new();
    for format in ["table", "json", "sarif"] {
        let r = run(&["-vv", "scan", "--from", &d, "--format", format, "--sarif-include-suppressed"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        outputs.push((format!("{format} stdout"), r.stdout));
        outputs.push((format!("{format} stderr"), r.stderr));
    }
    // The identity graph ties the Secret's key to user ci-bot: every map format names it redacted only.
    for format in ["table", "json", "dot", "mermaid"] {
        let r = run(&["-vv", "map", "--from", &d, "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("ci-bot"), "map {format} ties the key to its user:\n{}", r.stdout);
        outputs.push((format!("map {format} stdout"), r.stdout));
        outputs.push((format!("map {format} stderr"), r.stderr));
    }
    let r = run(&["-vv", "collect", "--from", &d, "--out", &snap.to_string_lossy()]);
    outputs.push(("collect stderr".into(), r.stderr));
    outputs.push(("snapshot".into(), std::fs::read_to_string(&snap).expect("snapshot written")));
    let baseline = dir.path().join("baseline.json");
    run(&["scan", "--from", &d, "--write-baseline", &baseline.to_string_lossy()]);
    outputs.push(("baseline".into(), std::fs::read_to_string(&baseline).expect("baseline written")));
    // A broken input whose error message could quote the secret.
    std::fs::write(dir.path().join("broken.json"), format!("{{\"Roles\": [\"{SECRET}\" {KEY_ID}]}}")).expect("write");
    let r = run(&["scan", "--from", &d]);
    outputs.push(("error".into(), r.stderr));
    // The map's JSON carries the sources' errors too.
    let r = run(&["map", "--from", &d, "--format", "json", "--allow-partial"]);
    assert!(r.stdout.contains("\"status\": \"error\""), "{}", r.stdout);
    outputs.push(("map error stdout".into(), r.stdout));
    outputs.push(("map error stderr".into(), r.stderr));

    for (name, text) in &outputs {
        for secret in [KEY_ID, SECRET, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCwiscanleak", "wiscanleak"] {
            assert!(!text.contains(secret), "{name} leaks {secret}:\n{text}");
        }
    }
    // The key is still identifiable, redacted.
    assert!(outputs[2].1.contains("AKIA…LKQ4") || outputs[2].1.contains("AKIA…AKQ4"), "{}", outputs[2].1);
}

/// Planted in every Kubernetes input kind: Secret `data` and `stringData`, ConfigMap, env literal.
const K8S_KEY_ID: &str = "AKIAQ2WISCANLEAKZ7Q3";
const K8S_SECRET: &str = "Zx9/Qp3LmN7vB2cRt8Wy4Hk6Jd1Fg5Sa0UeWISC";
const GCP_PRIVATE: &str = "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCwiscanGCPleak";
const GCP_KEY_ID: &str = "c0ffee00d00d1e5510ad5eedfeedfacecafebabe";
const AZURE_SECRET: &str = "Q~wiscanAzureLeak.7s8d9f0g1h2j3k4l5m6n7o8";

fn k8s_manifest() -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let gcp_key = format!(
        r#"{{"type": "service_account", "project_id": "acme", "private_key_id": "{GCP_KEY_ID}", "private_key": "-----BEGIN PRIVATE KEY-----\n{GCP_PRIVATE}\n-----END PRIVATE KEY-----\n", "client_email": "leaky@acme.iam.gserviceaccount.com"}}"#
    );
    let credentials = format!("[default]\naws_access_key_id = {K8S_KEY_ID}\naws_secret_access_key = {K8S_SECRET}\n");
    format!(
        r#"apiVersion: v1
kind: Secret
metadata: {{name: aws, namespace: leak}}
type: Opaque
data:
  credentials: {}
  key.json: {}
  AZURE_CLIENT_SECRET: {}
---
apiVersion: v1
kind: Secret
metadata: {{name: plain, namespace: leak}}
stringData:
  AWS_ACCESS_KEY_ID: {K8S_KEY_ID}
  AWS_SECRET_ACCESS_KEY: {K8S_SECRET}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: leak}}
data:
  app.env: "AZURE_CLIENT_SECRET={AZURE_SECRET}\nAWS_ACCESS_KEY_ID={K8S_KEY_ID}\n"
  key.json: '{}'
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: app
  namespace: leak
  annotations: {{eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/app"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app, namespace: leak}}
spec:
  template:
    metadata: {{labels: {{app: app}}}}
    spec:
      serviceAccountName: app
      containers:
      - name: app
        image: app:1
        env:
        - {{name: AWS_ACCESS_KEY_ID, value: {K8S_KEY_ID}}}
        - {{name: AWS_SECRET_ACCESS_KEY, value: "{K8S_SECRET}"}}
        - {{name: AZURE_CLIENT_SECRET, value: "{AZURE_SECRET}"}}
        - {{name: GCP_KEY, value: '{}'}}
"#,
        b64(&credentials),
        b64(&gcp_key),
        b64(AZURE_SECRET),
        gcp_key.replace('\n', "\\n"),
        gcp_key.replace('\n', "\\n"),
    )
}

#[test]
fn kubernetes_secrets_never_leak_offline_or_live() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("leak.yaml");
    std::fs::write(&manifest, k8s_manifest()).expect("write");
    let m = manifest.to_string_lossy().to_string();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for format in ["table", "json", "sarif"] {
        let r = run(&["-vv", "scan", "--from", &m, "--format", format]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        outputs.push((format!("offline {format}"), r.stdout));
        outputs.push((format!("offline {format} stderr"), r.stderr));
    }
    let snap = dir.path().join("k8s.snapshot");
    let r = run(&["-vv", "collect", "--from", &m, "--out", &snap.to_string_lossy()]);
    outputs.push(("collect stderr".into(), r.stderr));
    outputs.push(("snapshot".into(), std::fs::read_to_string(&snap).expect("snapshot")));
    // A broken manifest whose error could quote a value.
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: x}}\ndata:\n  k: [{AZURE_SECRET}\n")).expect("write");
    outputs.push(("yaml error".into(), run(&["scan", "--from", &broken.to_string_lossy()]).stderr));

    // The same objects, live.
    #[cfg(feature = "k8s")]
    {
        let objects: Vec<serde_json::Value> =
            wiscan::sources::yaml::read_objects(&k8s_manifest()).expect("yaml").into_iter().map(|o| o.value).collect();
        let fake = crate::fake_k8s::FakeK8s::start(objects);
        let kubeconfig = fake.kubeconfig(dir.path());
        for format in ["table", "json", "sarif"] {
            let out = crate::common::wiscan()
                .env("KUBECONFIG", &kubeconfig)
                .env("HOME", dir.path())
                .args(["-vv", "scan", "--kube-context", "fake", "--format", format])
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(1));
            outputs.push((format!("live {format}"), String::from_utf8_lossy(&out.stdout).into_owned()));
            outputs.push((format!("live {format} stderr"), String::from_utf8_lossy(&out.stderr).into_owned()));
        }
    }

    let findings = &outputs[2].1;
    for rule in ["K8S003", "K8S004", "K8S005", "K8S008"] {
        assert!(findings.contains(rule), "{rule} should fire on the planted secrets:\n{findings}");
    }
    for (name, text) in &outputs {
        for secret in [K8S_KEY_ID, K8S_SECRET, GCP_PRIVATE, GCP_KEY_ID, AZURE_SECRET, "wiscanAzureLeak", "WISCANLEAK"] {
            assert!(!text.contains(secret), "{name} leaks {secret}:\n{text}");
        }
    }
}

/// Google private key material planted in every Google Cloud input kind: the `keys create` output
/// (`privateKeyData`, base64 of a key file), a key file itself, and free-text fields of service
/// accounts, providers, pools, conditions and clusters.
const GCP_PEM_BODY: &str = "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDwiscanGCPplant";
const GCP_PLANT: &str = "WISCANGCPPLANT";

fn gcp_inputs(dir: &Path) {
    use base64::Engine as _;
    let key_file = format!(
        r#"{{"type": "service_account", "project_id": "leaky", "private_key_id": "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b", "private_key": "-----BEGIN PRIVATE KEY-----\n{GCP_PEM_BODY}\n-----END PRIVATE KEY-----\n", "client_email": "uploader@leaky.iam.gserviceaccount.com", "client_id": "112233445566778899001"}}"#
    );
    let private_key_data = base64::engine::general_purpose::STANDARD.encode(&key_file);
    std::fs::write(dir.join("key-file.json"), &key_file).expect("write");
    let key_name = "projects/leaky/serviceAccounts/uploader@leaky.iam.gserviceaccount.com/keys/9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";
    std::fs::write(
        dir.join("keys-create.json"),
        format!(
            r#"{{"keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED", "keyType": "USER_MANAGED", "name": "{key_name}", "privateKeyData": "{private_key_data}", "privateKeyType": "TYPE_GOOGLE_CREDENTIALS_FILE", "validAfterTime": "2026-11-20T10:00:00Z", "validBeforeTime": "9999-12-31T23:59:59Z"}}"#
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("service-accounts.json"),
        format!(
            r#"[{{"description": "{GCP_PLANT} {GCP_PEM_BODY}", "displayName": "{GCP_PLANT}", "email": "uploader@leaky.iam.gserviceaccount.com", "etag": "MDEwMjE5MjA=", "name": "projects/leaky/serviceAccounts/uploader@leaky.iam.gserviceaccount.com", "oauth2ClientId": "112233445566778899001", "projectId": "leaky", "uniqueId": "112233445566778899001"}}]"#
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("providers.json"),
        format!(
            r#"[{{"attributeMapping": {{"google.subject": "assertion.sub"}}, "description": "{GCP_PLANT} {GCP_PEM_BODY}", "name": "projects/1/locations/global/workloadIdentityPools/gh/providers/github", "oidc": {{"issuerUri": "https://token.actions.githubusercontent.com", "jwksJson": "{GCP_PLANT}"}}, "state": "ACTIVE"}}]"#
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("policy.json"),
        format!(
            r#"{{"resource": "//cloudresourcemanager.googleapis.com/projects/leaky", "policy": {{"bindings": [{{"condition": {{"description": "{GCP_PLANT} {GCP_PEM_BODY}", "expression": "request.time < timestamp('2027-01-01T00:00:00Z')", "title": "temporary"}}, "members": ["principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/leaky.svc.id.goog/namespace/uploads"], "role": "roles/iam.workloadIdentityUser"}}], "etag": "BwYkXk3nK0o=", "version": 3}}}}"#
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("asset.ndjson"),
        format!(
            "{{\"name\":\"//container.googleapis.com/projects/leaky/locations/europe-west1/clusters/c\",\"asset_type\":\"container.googleapis.com/Cluster\",\"resource\":{{\"version\":\"v1\",\"data\":{{\"name\":\"c\",\"location\":\"europe-west1\",\"masterAuth\":{{\"clientKey\":\"{GCP_PEM_BODY}\",\"password\":\"{GCP_PLANT}\"}},\"nodePools\":[{{\"name\":\"p\",\"config\":{{\"metadata\":{{\"startup-script\":\"{GCP_PLANT}\"}},\"workloadMetadataConfig\":{{\"mode\":\"GCE_METADATA\"}}}}}}],\"workloadIdentityConfig\":{{\"workloadPool\":\"leaky.svc.id.goog\"}}}}}}}}\n"
        ),
    )
    .expect("write");
}

#[test]
fn google_cloud_key_material_never_leaks() {
    let dir = tempfile::tempdir().expect("tempdir");
    gcp_inputs(dir.path());
    let d = dir.path().to_string_lossy().to_string();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for format in ["table", "json", "sarif"] {
        let r = run(&["-vv", "scan", "--from", &d, "--format", format, "--fail-on", "none"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        outputs.push((format!("{format} stdout"), r.stdout));
        outputs.push((format!("{format} stderr"), r.stderr));
    }
    let json = &outputs[2].1;
    for rule in ["GCP001", "GCP003", "GCP004", "GCP005", "GCP007"] {
        assert!(json.contains(rule), "{rule} should fire on the planted inputs:\n{json}");
    }
    let snap = dir.path().join("gcp.snapshot");
    // Every map format, too.
    for format in ["table", "json", "dot", "mermaid"] {
        let r = run(&["-vv", "map", "--from", &d, "--format", format]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        outputs.push((format!("map {format} stdout"), r.stdout));
        outputs.push((format!("map {format} stderr"), r.stderr));
    }
    let r = run(&["-vv", "collect", "--from", &d, "--out", &snap.to_string_lossy()]);
    outputs.push(("collect stderr".into(), r.stderr));
    outputs.push(("snapshot".into(), std::fs::read_to_string(&snap).expect("snapshot")));
    // Broken inputs whose errors could quote a value.
    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).expect("dir");
    std::fs::write(
        broken.join("types.json"),
        format!(r#"[{{"keyType": "USER_MANAGED", "name": "projects/p/serviceAccounts/a/keys/k", "disabled": "{GCP_PEM_BODY}"}}]"#),
    )
    .expect("write");
    std::fs::write(
        broken.join("time.json"),
        format!(r#"{{"keyType": "USER_MANAGED", "name": "projects/p/serviceAccounts/a/keys/k", "validAfterTime": "{GCP_PLANT}"}}"#),
    )
    .expect("write");
    std::fs::write(broken.join("truncated.json"), format!(r#"{{"privateKeyData": "{GCP_PEM_BODY}", "keyType": "#)).expect("write");
    let r = run(&["-vv", "scan", "--from", &broken.to_string_lossy()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    outputs.push(("errors".into(), r.stderr));

    let snapshot = outputs.iter().find(|(n, _)| n == "snapshot").map(|(_, t)| t.clone()).unwrap_or_default();
    for (name, text) in &outputs {
        for secret in [GCP_PEM_BODY, GCP_PLANT, "wiscanGCPplant", "BEGIN PRIVATE KEY"] {
            assert!(!text.contains(secret), "{name} leaks {secret}:\n{text}");
        }
        assert!(!text.contains("eyJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIs"), "{name} leaks privateKeyData");
    }
    assert!(snapshot.contains("uploader@leaky.iam.gserviceaccount.com"), "the key's metadata is kept");
}

/// Azure client secrets planted in every Azure input kind: `az ad app credential reset` output, a
/// Graph page whose `secretText` is set (as `addPassword` returns it), hints, and free-text fields
/// of identities, credentials, clusters and role assignments.
const AZURE_PLANT: &str = "Zt38Q~wiscanAZUREplantXk9bLq_PzD7sNcY4hJ";

#[test]
fn azure_client_secrets_never_leak() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let write = |name: &str, text: String| std::fs::write(d.join(name), text).expect("write");
    write(
        "reset.json",
        format!(
            r#"{{"appId": "b7fb00df-a126-4288-9891-dd2fc94e7668", "password": "{AZURE_PLANT}", "tenant": "8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19"}}"#
        ),
    );
    write(
        "graph.json",
        format!(
            r#"{{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications", "value": [{{"appId": "b7fb00df-a126-4288-9891-dd2fc94e7668", "displayName": "leaky", "id": "5f0c2a9e-1b7d-4c3e-8a6f-2d9b4e7c1a30", "notes": "{AZURE_PLANT}",
              "passwordCredentials": [{{"customKeyIdentifier": null, "displayName": "{AZURE_PLANT}", "endDateTime": "2027-06-01T00:00:00Z", "hint": "Zt3", "keyId": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "secretText": "{AZURE_PLANT}", "startDateTime": "2026-06-01T00:00:00Z"}}],
              "federatedIdentityCredentials": [{{"audiences": ["api://AzureADTokenExchange"], "description": "{AZURE_PLANT}", "id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "issuer": "https://token.actions.githubusercontent.com", "name": "gh", "subject": "repo:acme/api:environment:prod"}}]}}]}}"#
        ),
    );
    write(
        "identities.json",
        format!(
            r#"[{{"clientId": "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f", "id": "/subscriptions/5e2c9a14-3b7d-4f80-a6c1-9d2e7b4f8a63/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-leaky", "location": "westeurope", "name": "id-leaky", "principalId": "7d6c5b4a-3e2f-4a1b-9c8d-7e6f5a4b3c2d", "resourceGroup": "rg", "tags": {{"secret": "{AZURE_PLANT}"}}, "tenantId": "8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19", "type": "Microsoft.ManagedIdentity/userAssignedIdentities"}}]"#
        ),
    );
    write(
        "aks.json",
        format!(
            r#"{{"id": "/subscriptions/5e2c9a14-3b7d-4f80-a6c1-9d2e7b4f8a63/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-leaky", "name": "aks-leaky", "location": "westeurope", "servicePrincipalProfile": {{"clientId": "msi", "secret": "{AZURE_PLANT}"}}, "oidcIssuerProfile": {{"enabled": true, "issuerUrl": "https://westeurope.oic.prod-aks.azure.com/8d3c1a52-7f4e-4b9a-9c61-2e5f0a7b3d19/1f7b2c9e-4a6d-4e8b-b3f5-7c0d2a9e6b41/"}}, "networkProfile": {{"podLinkLocalAccess": "IMDS"}}}}"#
        ),
    );
    let path = d.to_string_lossy().to_string();
    let mut outputs: Vec<(String, String)> = Vec::new();
    for format in ["table", "json", "sarif"] {
        let r = run(&["-vv", "scan", "--from", &path, "--format", format, "--fail-on", "none"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        outputs.push((format!("{format} stdout"), r.stdout));
        outputs.push((format!("{format} stderr"), r.stderr));
    }
    let json = &outputs[2].1;
    for rule in ["AZ004", "AZ006"] {
        assert!(json.contains(rule), "{rule} should fire on the planted inputs:\n{json}");
    }
    let snap = d.join("azure.snapshot");
    let r = run(&["-vv", "collect", "--from", &path, "--out", &snap.to_string_lossy()]);
    outputs.push(("collect stderr".into(), r.stderr));
    outputs.push(("snapshot".into(), std::fs::read_to_string(&snap).expect("snapshot")));
    // Broken inputs whose errors could quote the secret.
    let broken = d.join("broken");
    std::fs::create_dir(&broken).expect("dir");
    std::fs::write(
        broken.join("dates.json"),
        format!(r#"[{{"appId": "a", "id": "b", "passwordCredentials": [{{"keyId": "k", "endDateTime": "{AZURE_PLANT}"}}]}}]"#),
    )
    .expect("write");
    std::fs::write(
        broken.join("types.json"),
        format!(r#"[{{"clientId": "c", "principalId": ["{AZURE_PLANT}"], "id": "/x/userAssignedIdentities/y"}}]"#),
    )
    .expect("write");
    let r = run(&["-vv", "scan", "--from", &broken.to_string_lossy()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    outputs.push(("errors".into(), r.stderr));
    for (name, text) in &outputs {
        for secret in [AZURE_PLANT, "wiscanAZUREplant", "\"Zt3\""] {
            assert!(!text.contains(secret), "{name} leaks {secret}:\n{text}");
        }
    }
}
