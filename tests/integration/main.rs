//! Integration tests: the `wiscan` binary run on fixtures, as users and CI run it.

mod bad_input;
mod catalogue;
mod cli;
mod common;
mod formats;
mod generated;
mod rules;
mod secrets;
mod snapshot;
