//! Entry point: parse arguments, set up logging, run, map the outcome to an exit code.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use wiscan::app::{self, Status, Terminal};
use wiscan::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    let terminal = Terminal {
        stdout_is_terminal: std::io::stdout().is_terminal(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        is_ci: std::env::var_os("CI").is_some(),
    };
    match app::run(cli, terminal) {
        Ok(status) => ExitCode::from(status as u8),
        Err(e) => {
            tracing::error!("{e:#}");
            ExitCode::from(Status::Failure as u8)
        }
    }
}

/// Logs go to standard error as `level: message`; `RUST_LOG` overrides `-q`/`-v`.
fn init_logging(cli: &Cli) {
    let level = cli.verbosity.tracing_level_filter();
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("wiscan={level},warn").replace("warn", &level.to_string())));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .with_level(true)
        .event_format(PlainFormat)
        .with_env_filter(filter)
        .init();
}

/// `error: message`, like compilers and linters print.
struct PlainFormat;

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for PlainFormat
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let level = match *event.metadata().level() {
            tracing::Level::WARN => "warning".to_string(),
            other => other.as_str().to_ascii_lowercase(),
        };
        write!(writer, "{level}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}
