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
    install_panic_hook();
    let terminal = Terminal {
        stdout_is_terminal: std::io::stdout().is_terminal(),
        stderr_is_terminal: std::io::stderr().is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        is_ci: std::env::var_os("CI").is_some(),
    };
    // A bug must still fail the gate with the documented code, not the runtime's 101.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app::run(cli, terminal))) {
        Ok(Ok(status)) => ExitCode::from(status as u8),
        Ok(Err(e)) => {
            tracing::error!("{e:#}");
            ExitCode::from(Status::Failure as u8)
        }
        Err(_) => ExitCode::from(Status::Failure as u8),
    }
}

/// A panic anywhere (a client's background task included) is one redacted line on stderr; the
/// code that caught it turns it into a failed source or rule and exit 2.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        // Other threads' panics are caught and reported by whoever ran them (a source, a rule).
        if std::thread::current().name() == Some("main") {
            tracing::error!("internal error{place}: {message}");
        } else {
            tracing::debug!("panic{place}: {message}");
        }
    }));
}

/// Logs go to standard error as `level: message`; `RUST_LOG` overrides `-q`/`-v`. The clients'
/// own logs (the AWS SDK, kube, hyper) are shown only from `-vv` on: at the default level they
/// would print lines that name no source, which wiscan reports itself, attributed.
fn init_logging(cli: &Cli) {
    let level = cli.verbosity.tracing_level_filter();
    let others = if level >= tracing::level_filters::LevelFilter::DEBUG { level.to_string() } else { "off".to_string() };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(format!("{others},wiscan={level}")));
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

/// `error: message`, like compilers and linters print. Every line passes through redaction: a
/// client's debug log may quote a response or a header.
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
        let mut line = String::new();
        ctx.field_format().format_fields(tracing_subscriber::fmt::format::Writer::new(&mut line), event)?;
        writeln!(writer, "{level}: {}", wiscan::redact::redact_error(&line))
    }
}
