//! Integration tests: the `wiscan` binary run on fixtures, as users and CI run it.

mod bad_input;
mod catalogue;
mod cli;
mod cloud_inputs;
mod common;
mod fail_closed;
mod fail_closed_live;
#[cfg(feature = "azure")]
mod fake_azure;
#[cfg(feature = "gcp")]
mod fake_gcp;
#[cfg(feature = "k8s")]
mod fake_k8s;
mod fingerprints;
mod formats;
mod generated;
#[cfg(feature = "aws")]
mod live_aws;
#[cfg(feature = "azure")]
mod live_azure;
#[cfg(feature = "gcp")]
mod live_gcp;
#[cfg(feature = "k8s")]
mod live_k8s;
#[cfg(any(feature = "azure", feature = "gcp", feature = "k8s"))]
mod loopback;
mod map;
mod recognition;
mod rules;
mod secrets;
mod snapshot;
