//! Azure outputs: `az identity list`, `az identity federated-credential list`, Microsoft Graph
//! `/applications?$expand=federatedIdentityCredentials` pages (as `az rest` prints them, one or
//! several), `az ad app list`, `az ad app federated-credential list`, `az ad sp list`,
//! `az aks show/list` and `az role assignment list`.
//!
//! Every object is parsed once into one typed envelope holding the fields of every shape (ARM and
//! Graph spell them in camelCase), then told apart by its fields. Secret values (`password`,
//! `secretText`) and hints are skipped unread.

use std::sync::Arc;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::lines::{Origins, json_objects};
use super::{Recognised, Sniff, SourceError};
use crate::finding::Provider;
use crate::model::azure::{
    AksCluster, AzureIdentity, AzureInventory, CredentialOwner, FederatedCredential, IdentityKind, PasswordCredential, RoleAssignment,
};
use crate::model::{Inventory, Origin};

/// Top-level fields that only Azure outputs have.
const TOP_LEVEL_KEYS: &[&str] = &[
    "@odata.context",
    "@odata.nextLink",
    "principalId",
    "clientId",
    "oidcIssuerProfile",
    "agentPoolProfiles",
    "roleDefinitionId",
    "roleDefinitionName",
    "servicePrincipalType",
    "passwordCredentials",
    "keyCredentials",
    "federatedIdentityCredentials",
    "claimsMatchingExpression",
    "audiences",
];

pub fn claims(sniff: &Sniff<'_>) -> bool {
    sniff.is_json() && !sniff.has_top_level_key(&["apiVersion", "wiscan_snapshot"]) && sniff.has_top_level_key(TOP_LEVEL_KEYS)
}

/// The union of the fields read from every shape. Unknown fields are ignored.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawObject {
    // a Graph page
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<IgnoredAny>,
    value: Option<Vec<RawObject>>,
    // common
    id: Option<String>,
    name: Option<String>,
    display_name: Option<String>,
    #[serde(rename = "type")]
    resource_type: Option<String>,
    // managed identities
    client_id: Option<String>,
    principal_id: Option<String>,
    // federated credentials
    issuer: Option<String>,
    subject: Option<String>,
    audiences: Option<Vec<String>>,
    claims_matching_expression: Option<RawExpression>,
    // applications and service principals
    app_id: Option<String>,
    service_principal_type: Option<String>,
    service_principal_names: Option<IgnoredAny>,
    password_credentials: Option<Vec<RawPasswordCredential>>,
    key_credentials: Option<IgnoredAny>,
    federated_identity_credentials: Option<Vec<RawObject>>,
    // AKS
    oidc_issuer_profile: Option<RawOidcIssuerProfile>,
    security_profile: Option<RawSecurityProfile>,
    network_profile: Option<RawNetworkProfile>,
    identity_profile: Option<RawIdentityProfile>,
    agent_pool_profiles: Option<IgnoredAny>,
    // role assignments
    role_definition_id: Option<String>,
    role_definition_name: Option<String>,
    principal_name: Option<String>,
    scope: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawExpression {
    value: Option<String>,
}

/// Skipped unread: `secretText` and `hint`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawPasswordCredential {
    key_id: Option<String>,
    display_name: Option<String>,
    start_date_time: Option<String>,
    end_date_time: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawOidcIssuerProfile {
    enabled: Option<bool>,
    issuer_url: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawSecurityProfile {
    workload_identity: Option<RawEnabled>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEnabled {
    enabled: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawIdentityProfile {
    kubeletidentity: Option<RawUserAssignedIdentity>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawUserAssignedIdentity {
    client_id: Option<String>,
    resource_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawNetworkProfile {
    pod_link_local_access: Option<String>,
}

/// Reads one Azure document: an array, one object, several objects one after another (Graph pages
/// appended), each object possibly a Graph page of `value`s.
pub fn read(path: &Arc<str>, text: &str) -> Result<Recognised, SourceError> {
    let objects: Vec<RawObject> = json_objects(text)?;
    let mut reader = Reader { origins: Origins::file(path, text), azure: AzureInventory::default(), kinds: Vec::new() };
    for object in objects {
        reader.object(object)?;
    }
    reader.kinds.sort_unstable();
    reader.kinds.dedup();
    let kind = if reader.kinds.is_empty() { "az JSON (nothing wiscan reads)".to_string() } else { reader.kinds.join(", ") };
    Ok(Recognised::Inventory { inventory: Inventory { azure: reader.azure, ..Inventory::default() }, kind, provider: Provider::Azure })
}

/// Reads ARM resources (flattened as `az` prints them) and Graph objects from live responses,
/// through the same path as files: live and offline collection cannot drift apart.
#[cfg(feature = "azure")]
pub(crate) fn read_live(scope: &Arc<str>, objects: Vec<serde_json::Value>) -> Result<AzureInventory, SourceError> {
    let mut reader = Reader { origins: Origins::Live(Arc::clone(scope)), azure: AzureInventory::default(), kinds: Vec::new() };
    for object in objects {
        let raw: RawObject = serde_json::from_value(object).map_err(|e| SourceError::new(super::elide_quoted(&e.to_string())))?;
        reader.object(raw)?;
    }
    Ok(reader.azure)
}

struct Reader<'a> {
    origins: Origins<'a>,
    azure: AzureInventory,
    kinds: Vec<&'static str>,
}

impl Reader<'_> {
    fn object(&mut self, raw: RawObject) -> Result<(), SourceError> {
        if let Some(values) = raw.value {
            self.kinds.push("Microsoft Graph page");
            let _ = raw.next_link;
            for value in values {
                self.object(value)?;
            }
            return Ok(());
        }
        let id = raw.id.clone().unwrap_or_default();
        let resource_type = raw.resource_type.clone().unwrap_or_default().to_ascii_lowercase();
        if resource_type == "microsoft.managedidentity/userassignedidentities"
            || (raw.client_id.is_some() && id.to_ascii_lowercase().contains("/userassignedidentities/") && raw.issuer.is_none())
        {
            self.kinds.push("az identity list");
            self.managed_identity(raw)
        } else if raw.issuer.is_some() && (raw.audiences.is_some() || raw.subject.is_some() || raw.claims_matching_expression.is_some()) {
            self.kinds.push("federated identity credentials");
            let owner = match id.to_ascii_lowercase().split_once("/federatedidentitycredentials/") {
                Some((identity, _)) => CredentialOwner::ManagedIdentity(identity.to_string()),
                None => CredentialOwner::Unknown,
            };
            self.federated_credential(raw, owner, None)
        } else if raw.oidc_issuer_profile.is_some()
            || raw.agent_pool_profiles.is_some()
            || resource_type == "microsoft.containerservice/managedclusters"
        {
            self.kinds.push("az aks show/list");
            self.cluster(raw)
        } else if raw.role_definition_id.is_some() || raw.role_definition_name.is_some() {
            self.kinds.push("az role assignment list");
            self.role_assignment(raw)
        } else if raw.app_id.is_some() {
            let is_service_principal = raw.service_principal_type.is_some() || raw.service_principal_names.is_some();
            self.kinds.push(if is_service_principal { "service principals" } else { "app registrations" });
            self.application(raw, if is_service_principal { IdentityKind::ServicePrincipal } else { IdentityKind::Application })
        } else {
            let position = self.origins.line_of(&id).map_or(String::new(), |line| format!(" (line {line})"));
            Err(SourceError::new(format!("an object of no Azure shape wiscan reads{position}: `{id}`")))
        }
    }

    fn managed_identity(&mut self, raw: RawObject) -> Result<(), SourceError> {
        let (Some(id), Some(client_id)) = (raw.id, raw.client_id) else {
            return Err(SourceError::new("a managed identity without `id` or `clientId`"));
        };
        let origin = self.origins.origin_of(&id);
        let name = raw.name.unwrap_or_else(|| id.rsplit('/').next().unwrap_or_default().to_string());
        self.azure.identities.push(AzureIdentity {
            kind: IdentityKind::ManagedIdentity,
            id,
            name,
            client_id,
            principal_id: raw.principal_id,
            origin,
        });
        Ok(())
    }

    /// `application`: the owning application's object ID, for a Graph path that names the credential.
    fn federated_credential(&mut self, raw: RawObject, owner: CredentialOwner, application: Option<&str>) -> Result<(), SourceError> {
        let credential_id = raw.id.clone().unwrap_or_default();
        let name = raw.name.clone().unwrap_or_else(|| credential_id.clone());
        let origin = self.origins.origin_of(if credential_id.is_empty() { &name } else { &credential_id });
        let id = match application {
            Some(object_id) => format!("/applications/{object_id}/federatedIdentityCredentials/{credential_id}"),
            None => credential_id,
        };
        let Some(issuer) = raw.issuer else { return Err(SourceError::new(format!("federated credential {name}: no `issuer`"))) };
        self.azure.federated_credentials.push(FederatedCredential {
            owner,
            id,
            name,
            issuer,
            subject: raw.subject.filter(|s| !s.is_empty()),
            claims_matching_expression: raw.claims_matching_expression.and_then(|e| e.value).filter(|v| !v.is_empty()),
            audiences: raw.audiences.unwrap_or_default(),
            origin,
        });
        Ok(())
    }

    fn application(&mut self, raw: RawObject, kind: IdentityKind) -> Result<(), SourceError> {
        let (Some(id), Some(app_id)) = (raw.id, raw.app_id) else {
            return Err(SourceError::new("an application or service principal without `id` or `appId`"));
        };
        let origin = self.origins.origin_of(&id);
        let name = raw.display_name.unwrap_or_else(|| app_id.clone());
        let principal_id = (kind == IdentityKind::ServicePrincipal).then(|| id.clone());
        for secret in raw.password_credentials.into_iter().flatten() {
            let Some(key_id) = secret.key_id else { continue };
            let line = self.origins.line_of(&key_id).map_or(0, |l| l as usize);
            let when = |field: &str, value: Option<String>| -> Result<Option<Timestamp>, SourceError> {
                value
                    .map(|v| {
                        v.parse::<Timestamp>()
                            .map_err(|_| SourceError::at_line(line, format!("secret {key_id} of {name}: `{field}` is not a timestamp")))
                    })
                    .transpose()
            };
            let start = when("startDateTime", secret.start_date_time)?;
            let end = when("endDateTime", secret.end_date_time)?;
            let origin = match &self.origins {
                Origins::File { path, .. } => Origin::file(path, u32::try_from(line).ok().filter(|&l| l > 0)),
                Origins::Live(scope) => Origin::Live { scope: Arc::clone(scope) },
            };
            self.azure.password_credentials.push(PasswordCredential {
                owner_kind: kind,
                app_id: app_id.clone(),
                owner_name: name.clone(),
                key_id,
                // A name people type: redacted like every such value (a secret pasted as its own name).
                display_name: secret.display_name.map(|n| crate::redact::redact_text(&n)),
                start,
                end,
                origin,
            });
        }
        let _ = raw.key_credentials;
        for credential in raw.federated_identity_credentials.into_iter().flatten() {
            self.federated_credential(credential, CredentialOwner::Application(app_id.clone()), Some(&id))?;
        }
        self.azure.identities.push(AzureIdentity { kind, id, name, client_id: app_id, principal_id, origin });
        Ok(())
    }

    fn cluster(&mut self, raw: RawObject) -> Result<(), SourceError> {
        let (Some(id), Some(name)) = (raw.id, raw.name) else { return Err(SourceError::new("an AKS cluster without `id` or `name`")) };
        let origin = self.origins.origin_of(&id);
        let issuer = raw.oidc_issuer_profile.filter(|p| p.enabled != Some(false)).and_then(|p| p.issuer_url).filter(|u| !u.is_empty());
        self.azure.clusters.push(AksCluster {
            id,
            name,
            oidc_issuer: issuer,
            is_workload_identity_enabled: raw.security_profile.and_then(|s| s.workload_identity).and_then(|w| w.enabled).unwrap_or(false),
            pod_link_local_access: raw.network_profile.and_then(|n| n.pod_link_local_access),
            kubelet_identity: raw.identity_profile.and_then(|p| p.kubeletidentity).and_then(|k| {
                let name = k.resource_id.as_deref().and_then(|r| r.rsplit('/').next()).unwrap_or("kubelet").to_string();
                Some((k.client_id?, name))
            }),
            origin,
        });
        Ok(())
    }

    fn role_assignment(&mut self, raw: RawObject) -> Result<(), SourceError> {
        let id = raw.id.unwrap_or_default();
        let (Some(principal_id), Some(scope)) = (raw.principal_id, raw.scope) else {
            return Err(SourceError::new(format!("role assignment `{id}` without `principalId` or `scope`")));
        };
        let origin = self.origins.origin_of(&id);
        let role_name = raw
            .role_definition_name
            .or_else(|| raw.role_definition_id.map(|d| d.rsplit('/').next().unwrap_or_default().to_string()))
            .unwrap_or_default();
        self.azure.role_assignments.push(RoleAssignment { principal_id, principal_name: raw.principal_name, role_name, scope, origin });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_azure(text: &str) -> Result<AzureInventory, SourceError> {
        match read(&Arc::from("test.json"), text)? {
            Recognised::Inventory { inventory, .. } => Ok(inventory.azure),
            _ => panic!("not read"),
        }
    }

    #[test]
    fn graph_pages_with_expanded_credentials_and_secrets_never_kept() {
        let page = r#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(federatedIdentityCredentials())",
          "value": [{"id": "a1", "appId": "app-1", "displayName": "deployer",
            "passwordCredentials": [{"keyId": "k1", "displayName": "ci", "hint": "Zx9", "secretText": "Zx9~SECRETVALUEwiscan", "startDateTime": "2026-01-01T00:00:00Z", "endDateTime": "2299-12-31T00:00:00Z"}],
            "federatedIdentityCredentials": [{"id": "f1", "name": "gh", "issuer": "https://token.actions.githubusercontent.com", "subject": null,
              "audiences": ["api://AzureADTokenExchange"], "claimsMatchingExpression": {"value": "claims['sub'] matches 'repo:acme/*'", "languageVersion": 1}}]}],
          "@odata.nextLink": "https://graph.microsoft.com/v1.0/applications?$skiptoken=x"}"#;
        let azure = read_azure(&format!("{page}\n{page}")).expect("read");
        assert_eq!(azure.identities.len(), 2, "two pages, one after another");
        assert_eq!(azure.federated_credentials[0].owner, CredentialOwner::Application("app-1".into()));
        assert_eq!(azure.federated_credentials[0].claims_matching_expression.as_deref(), Some("claims['sub'] matches 'repo:acme/*'"));
        let dump = format!("{azure:?}");
        assert!(!dump.contains("SECRETVALUE") && !dump.contains("Zx9"), "secrets and hints are not kept: {dump}");
    }

    #[test]
    fn managed_identity_credentials_name_their_identity() {
        let fic = r#"[{"audiences": ["api://AzureADTokenExchange"], "id": "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-api/federatedIdentityCredentials/aks",
          "issuer": "https://westeurope.oic.prod-aks.azure.com/t/c/", "name": "aks", "resourceGroup": "rg", "subject": "system:serviceaccount:payments:api",
          "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"}]"#;
        let azure = read_azure(fic).expect("read");
        assert_eq!(
            azure.federated_credentials[0].owner,
            CredentialOwner::ManagedIdentity(
                "/subscriptions/s/resourcegroups/rg/providers/microsoft.managedidentity/userassignedidentities/id-api".into()
            )
        );
    }
}
