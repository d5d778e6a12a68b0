//! wiscan: a workload identity scanner. The binary is a thin shell over this library so that
//! tests and benchmarks run the same code.

pub mod app;
pub mod cli;
pub mod config;
pub mod engine;
pub mod finding;
pub mod map;
pub mod model;
pub mod policy;
pub mod provenance;
pub mod redact;
pub mod report;
pub mod rules;
pub mod sources;
