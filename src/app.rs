//! One run of a command: config → sources → inventory → engine → report → exit status.
//! The exit status is decided here and only here.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use clap::CommandFactory;
use tracing::{error, info, warn};

use crate::cli::{Cli, CollectArgs, ColorChoice, Command, InputArgs, MapArgs, RulesArgs, RulesFormat, ScanArgs};
use crate::config::{Config, DEFAULT_FILE, FailOn};
use crate::engine::{self, Triage};
use crate::finding::Severity;
use crate::model::Inventory;
use crate::report::{self, RenderOptions, Report};
use crate::rules::{self, Rule};
use crate::sources::{self, LoadOptions, SourceReport};

/// Process exit status: the contract CI gates script against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Clean = 0,
    Findings = 1,
    Failure = 2,
}

/// How the terminal looks, decided in `main`.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    pub no_color: bool,
    /// `CI` is set: no progress spinners in build logs.
    pub is_ci: bool,
}

pub fn run(cli: Cli, terminal: Terminal) -> Result<Status> {
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal.stdout_is_terminal && !terminal.no_color,
    };
    let show_progress =
        terminal.stderr_is_terminal && !terminal.is_ci && cli.verbosity.tracing_level_filter() >= tracing::level_filters::LevelFilter::WARN;
    match cli.command {
        Command::Scan(args) => scan(args, color, show_progress),
        Command::Collect(args) => collect(args, show_progress),
        Command::Map(args) => map(args, show_progress),
        Command::Rules(args) => explain_rules(args),
        Command::Completions { shell } => {
            // Rendered in memory first: clap_complete panics on a write error (`> /dev/full`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "wiscan", &mut script);
            write_output(None, |out| out.write_all(&script))?;
            Ok(Status::Clean)
        }
    }
}

fn load(input: &InputArgs, show_progress: bool) -> Result<(Inventory, Vec<SourceReport>)> {
    let mut live = input.live_options();
    live.show_progress = show_progress;
    if let (Some(shard), true) = (input.shard, live.is_empty() && input.from.is_empty()) {
        bail!("--shard {}/{}: no live source falls in this shard (give at least COUNT sources)", shard.index, shard.count);
    }
    if input.from.is_empty() && live.is_empty() {
        bail!(
            "nothing to read: give --from PATH and/or a live source (--aws, --aws-profile, --aws-role-arn, --aws-region, --k8s, --kube-context)"
        );
    }
    if let Some((feature, options)) = sources::live::missing_features(&live).first() {
        bail!(
            "live collection with {options} needs the `{feature}` feature, and this wiscan was built without it \
             (cargo install wiscan, or cargo build --features {feature})"
        );
    }
    let options = LoadOptions { max_input_bytes: input.max_input_size.saturating_mul(1024 * 1024) };
    let (mut inventory, mut reports) =
        if input.from.is_empty() { Default::default() } else { sources::load_offline(&input.from, &options) };
    if !live.is_empty() {
        let (live_inventory, live_reports) = sources::live::collect(&live);
        inventory.merge(live_inventory);
        reports.extend(live_reports);
    }
    inventory.incomplete_inputs = incomplete_inputs(&inventory, &reports);
    for link in crate::policy::prepare(&mut inventory, &input.clusters) {
        warn!("--cluster {}={}: no Kubernetes input was read from that path", link.name, link.path);
    }
    for r in &reports {
        match r.status {
            sources::SourceStatus::Error | sources::SourceStatus::Partial => error!("{}: {}", r.origin, r.errors.join("; ")),
            sources::SourceStatus::Skipped => warn!("{}: skipped: {}", r.origin, r.errors.join("; ")),
            sources::SourceStatus::Ok => info!("{}: {} ({} objects)", r.origin, r.kind.as_deref().unwrap_or("?"), r.objects),
        }
    }
    Ok((inventory, reports))
}

/// Cluster inputs read in part: a live context that failed a list, or a directory holding a file
/// that could not be read.
fn incomplete_inputs(inventory: &Inventory, reports: &[SourceReport]) -> HashSet<String> {
    let failed: Vec<&str> = reports.iter().filter(|r| r.is_failure()).map(|r| r.origin.as_str()).collect();
    inventory
        .k8s
        .clusters()
        .into_iter()
        .map(|c| c.input.as_str())
        .filter(|input| failed.iter().any(|origin| origin == input || origin.strip_prefix(input).is_some_and(|rest| rest.starts_with('/'))))
        .map(str::to_string)
        .collect()
}

fn scan(args: ScanArgs, color: bool, show_progress: bool) -> Result<Status> {
    let config = match &args.config {
        Some(path) => Config::load(path, true)?.unwrap_or_default(),
        None => Config::load(Path::new(DEFAULT_FILE), false)?.unwrap_or_default(),
    };
    let selected = select_rules(&args, &config)?;
    let baseline = match &args.baseline {
        Some(path) => read_baseline(path)?,
        None => HashSet::new(),
    };

    let (inventory, sources) = load(&args.input, show_progress)?;
    let now = args.now.unwrap_or_else(jiff::Timestamp::now);
    let triage = Triage {
        severity_overrides: config.severity_overrides.clone(),
        ignores: config.ignores.clone(),
        baseline,
        min_severity: args.min_severity.or(config.min_severity),
    };
    let outcome = engine::run(&inventory, &selected, now, &triage);
    for w in &outcome.warnings {
        warn!("{w}");
    }
    for f in &outcome.rule_failures {
        error!("{f}");
    }
    let sources_failed = sources.iter().any(SourceReport::is_failure);
    let report = Report {
        findings: outcome.findings,
        rules: selected.iter().map(|r| r.meta()).collect(),
        sources,
        warnings: outcome.rule_failures.iter().chain(outcome.warnings.iter()).cloned().collect(),
        scope: scope_of(&inventory, &args.input.from),
        is_complete: !sources_failed && outcome.rule_failures.is_empty(),
    };

    if let Some(path) = &args.write_baseline {
        write_baseline(path, &report).with_context(|| format!("writing baseline {}", path.display()))?;
    }
    let options =
        RenderOptions { color: color && args.output.is_none(), width: table_width(), include_suppressed: args.sarif_include_suppressed };
    write_output(args.output.as_deref(), |out| report::render(&report, args.format, &options, out))?;

    // The process ends after this: freeing a large inventory object by object would only add
    // exit latency (a third of the scan time at 100k roles), so it is left to the OS.
    std::mem::forget(inventory);
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::AtOrAbove(Severity::High));
    let gate_hit = match fail_on {
        FailOn::Never => false,
        FailOn::AtOrAbove(threshold) => report.findings.iter().any(|f| !f.is_suppressed() && f.severity >= threshold),
    };
    Ok(if (sources_failed && !args.input.allow_partial) || !outcome.rule_failures.is_empty() {
        Status::Failure
    } else if gate_hit {
        Status::Findings
    } else {
        Status::Clean
    })
}

fn collect(args: CollectArgs, show_progress: bool) -> Result<Status> {
    let (inventory, sources) = load(&args.input, show_progress)?;
    let out_path = (args.out.as_os_str() != "-").then_some(args.out.as_path());
    write_output(out_path, |out| sources::snapshot::write(&inventory, &sources, out))?;
    let failed = sources.iter().any(SourceReport::is_failure);
    Ok(if failed && !args.input.allow_partial { Status::Failure } else { Status::Clean })
}

fn map(args: MapArgs, show_progress: bool) -> Result<Status> {
    let (inventory, sources) = load(&args.input, show_progress)?;
    let failed = sources.iter().any(SourceReport::is_failure);
    let filters = crate::map::Filters {
        namespace: args.namespace.clone(),
        cluster: args.in_cluster.clone(),
        identity: args.identity.clone(),
        path_to: args.path_to.clone(),
    };
    let view = crate::map::select(&inventory.graph, &filters, &sources, !failed).map_err(anyhow::Error::msg)?;
    let width = table_width();
    write_output(args.output.as_deref(), |out| crate::map::render(&view, args.format, out, width))?;
    Ok(if failed && !args.input.allow_partial { Status::Failure } else { Status::Clean })
}

/// The rules to run: `--select`/`[rules] select` if given (else all), minus the ignored ones.
fn select_rules(args: &ScanArgs, config: &Config) -> Result<Vec<&'static dyn Rule>> {
    let resolve = |names: &[String]| -> Result<Vec<String>> {
        names
            .iter()
            .map(|n| rules::find(n).map(|r| r.id().to_string()).with_context(|| format!("unknown rule `{n}` (see `wiscan rules`)")))
            .collect()
    };
    let mut select = resolve(&args.select)?;
    select.extend(config.select_rules.iter().cloned());
    let mut ignore = resolve(&args.ignore)?;
    ignore.extend(config.ignore_rules.iter().cloned());
    let chosen: Vec<&'static dyn Rule> = rules::ALL
        .iter()
        .copied()
        .filter(|r| select.is_empty() || select.iter().any(|s| s == r.id()))
        .filter(|r| !ignore.iter().any(|s| s == r.id()))
        .collect();
    if chosen.is_empty() {
        bail!("no rule left to run after --select/--ignore");
    }
    Ok(chosen)
}

/// The baseline format this version writes and reads; a JSON report of `schema_version` 1 is read too.
const BASELINE_VERSION: u64 = 1;

/// Fingerprints from a baseline file (ours) or from a JSON report.
fn read_baseline(path: &Path) -> Result<HashSet<String>> {
    let text = crate::config::read_small_file(path).with_context(|| format!("reading baseline {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("baseline {} is not JSON: {}", path.display(), sources::SourceError::from_json(&e)))?;
    let version = match (value.get("wiscan_baseline"), value.get("schema_version")) {
        (Some(v), _) | (None, Some(v)) => v.as_u64(),
        (None, None) => bail!("baseline {} is neither a wiscan baseline nor a wiscan JSON report", path.display()),
    };
    if version != Some(BASELINE_VERSION) {
        bail!(
            "baseline {} has version {}, and this wiscan reads version {BASELINE_VERSION}: write it again with --write-baseline",
            path.display(),
            version.map_or_else(|| "(not a number)".to_string(), |v| v.to_string())
        );
    }
    let findings =
        value.get("findings").and_then(|f| f.as_array()).with_context(|| format!("baseline {} has no `findings` list", path.display()))?;
    findings
        .iter()
        .map(|f| {
            f.get("fingerprint")
                .and_then(|v| v.as_str())
                .map(str::to_string)
                .with_context(|| format!("baseline {}: a finding has no fingerprint", path.display()))
        })
        .collect()
}

fn write_baseline(path: &Path, report: &Report) -> Result<()> {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .map(|f| serde_json::json!({"fingerprint": f.fingerprint, "rule_id": f.rule_id, "resource": f.resource.id}))
        .collect();
    let doc = serde_json::json!({"wiscan_baseline": BASELINE_VERSION, "findings": findings});
    std::fs::write(path, format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
    Ok(())
}

/// What was scanned, as SARIF's category: the accounts seen, else the inputs.
fn scope_of(inventory: &Inventory, from: &[String]) -> String {
    let mut accounts: Vec<&str> = inventory.aws.roles.iter().filter_map(|r| r.account_id()).collect();
    accounts.sort();
    accounts.dedup();
    if !accounts.is_empty() {
        return format!("aws/{}", accounts.join("+"));
    }
    let mut inputs: Vec<String> = from.iter().map(|p| p.trim_end_matches('/').replace(['/', '\\'], "_")).collect();
    inputs.sort();
    format!("offline/{}", inputs.join("+"))
}

fn table_width() -> u16 {
    if let Some(cols) = std::env::var("COLUMNS").ok().and_then(|c| c.parse::<u16>().ok()) {
        return cols.max(40);
    }
    terminal_size::terminal_size().map(|(w, _)| w.0).unwrap_or(100).max(40)
}

/// Writes to a file or standard output; a closed pipe ends output quietly.
fn write_output(path: Option<&Path>, render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<()> {
    let result = match path {
        Some(path) => {
            let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
            let mut out = std::io::BufWriter::new(file);
            render(&mut out).and_then(|()| out.flush())
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            render(&mut out).and_then(|()| out.flush())
        }
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing the report"),
    }
}

fn explain_rules(args: RulesArgs) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    let text = match &args.rule {
        Some(name) => {
            let rule = rules::find(name).with_context(|| format!("unknown rule `{name}` (see `wiscan rules`)"))?;
            let m = rule.meta();
            format!("{} {} ({}, {})\n{}\n\n{}\n", m.id, m.name, m.default_severity, m.provider.as_str(), m.title, m.body)
        }
        None => match args.format {
            RulesFormat::Table => rules_table(),
            RulesFormat::Markdown => rules_markdown(),
            RulesFormat::Json => rules_json()?,
        },
    };
    match out.write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(Status::Clean)
}

fn rules_table() -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::NOTHING).set_header(vec!["ID", "NAME", "SEVERITY", "TITLE"]);
    for r in rules::ALL {
        let m = r.meta();
        table.add_row(vec![m.id.as_str(), m.name.as_str(), m.default_severity.as_str(), m.title.as_str()]);
    }
    format!("{table}\n")
}

/// The README's rules table (between `<!-- rules:start -->` and `<!-- rules:end -->`).
pub fn rules_markdown() -> String {
    let mut text = String::from("| ID | name | severity | what it flags |\n|---|---|---|---|\n");
    for r in rules::ALL {
        let m = r.meta();
        text.push_str(&format!("| [{id}](rules/{id}.md) | `{}` | {} | {} |\n", m.name, m.default_severity, m.title, id = m.id));
    }
    text
}

fn rules_json() -> Result<String> {
    let list: Vec<serde_json::Value> = rules::ALL
        .iter()
        .map(|r| {
            let m = r.meta();
            serde_json::json!({"id": m.id, "name": m.name, "severity": m.default_severity, "provider": m.provider, "title": m.title, "tags": m.tags})
        })
        .collect();
    Ok(format!("{}\n", serde_json::to_string_pretty(&list)?))
}
