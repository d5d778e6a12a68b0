//! Integration tests: the `wiscan` binary run on fixtures, as users and CI run it.

mod bad_input;
mod catalogue;
mod cli;
mod common;
mod fail_closed;
mod fake_k8s;
mod fingerprints;
mod formats;
mod generated;
mod live_aws;
mod live_k8s;
mod recognition;
mod rules;
mod secrets;
mod snapshot;
