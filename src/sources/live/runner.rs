//! Running live sources: every requested source as a task under one deadline, bounded retries,
//! progress spinners, and one-line error texts. Used by every cloud's collector.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::task::JoinSet;

use super::LiveOptions;
use crate::finding::Provider;
use crate::model::Inventory;
use crate::sources::{SourceReport, SourceStatus};

/// Collects every requested live source concurrently; failures are in the reports, never panics.
pub(super) fn collect(options: &LiveOptions) -> (Inventory, Vec<SourceReport>) {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let report = SourceReport {
                provider: None,
                origin: "live".into(),
                kind: None,
                status: SourceStatus::Error,
                objects: 0,
                calls: None,
                errors: vec![format!("cannot start the async runtime: {e}")],
            };
            return (Inventory::default(), vec![report]);
        }
    };
    let progress = Progress::new(options.show_progress);
    runtime.block_on(async {
        // Clouds and clusters at once; each keeps its own failures.
        let deadline = Deadline::after(options.source_timeout);
        let aws_results = async {
            match &options.aws {
                #[cfg(feature = "aws")]
                Some(o) => run_sources(super::aws::sources(o, &progress), deadline).await,
                _ => Vec::new(),
            }
        };
        let gcp_results = async {
            match &options.gcp {
                #[cfg(feature = "gcp")]
                Some(o) => run_sources(super::gcp::sources(o, &progress, deadline), deadline).await,
                _ => Vec::new(),
            }
        };
        let azure_results = async {
            match &options.azure {
                #[cfg(feature = "azure")]
                Some(o) => run_sources(super::azure::sources(o, &progress, deadline), deadline).await,
                _ => Vec::new(),
            }
        };
        let k8s_results = async {
            match &options.k8s {
                #[cfg(feature = "k8s")]
                Some(o) => run_sources(super::k8s::sources(o, &progress, deadline), deadline).await,
                _ => Vec::new(),
            }
        };
        let (aws_results, gcp_results, azure_results, k8s_results) = tokio::join!(aws_results, gcp_results, azure_results, k8s_results);
        let mut inventory = Inventory::default();
        let mut reports = Vec::new();
        for (inv, report) in aws_results.into_iter().chain(gcp_results).chain(azure_results).chain(k8s_results) {
            inventory.merge(inv);
            reports.push(report);
        }
        (inventory, reports)
    })
}

/// One requested source (an account, a profile, a role, a context) and the task that collects it.
pub(crate) struct SourceTask {
    pub provider: Provider,
    /// What the user asked for, as `sources[].origin` names it when the task cannot say more.
    pub origin: String,
    pub task: Pin<Box<dyn Future<Output = (Inventory, SourceReport)> + Send>>,
}

/// Runs every requested source at once, each under the deadline. Every source appears in the
/// result, in the order asked: one whose task panicked or ran out of time is a failed source with
/// a one-line reason, never a missing one (a missing one would make a partial scan look complete).
pub(crate) async fn run_sources(sources: Vec<SourceTask>, deadline: Deadline) -> Vec<(Inventory, SourceReport)> {
    let mut tasks = JoinSet::new();
    let mut asked = Vec::new();
    let mut index_of_task = std::collections::HashMap::new();
    for (i, source) in sources.into_iter().enumerate() {
        asked.push((source.provider, source.origin));
        let task = source.task;
        let handle = tasks.spawn(async move { tokio::time::timeout(deadline.remaining(), task).await });
        index_of_task.insert(handle.id(), i);
    }
    let mut results: Vec<Option<(Inventory, SourceReport)>> = asked.iter().map(|_| None).collect();
    while let Some(joined) = tasks.join_next_with_id().await {
        let (id, outcome) = match joined {
            Ok((id, Ok(result))) => (id, Ok(result)),
            Ok((id, Err(_elapsed))) => {
                (id, Err(format!("timed out after {} s (raise the limit with --timeout)", deadline.total().as_secs())))
            }
            Err(e) => (e.id(), Err(panic_reason(e))),
        };
        let Some(&i) = index_of_task.get(&id) else { continue };
        results[i] = Some(outcome.unwrap_or_else(|reason| (Inventory::default(), failed(asked[i].0, &asked[i].1, reason))));
    }
    results
        .into_iter()
        .zip(&asked)
        .map(|(result, (provider, origin))| {
            result.unwrap_or_else(|| (Inventory::default(), failed(*provider, origin, "the collection task ended without a result".into())))
        })
        .collect()
}

/// A source that yielded nothing, with why.
pub(crate) fn failed(provider: Provider, origin: &str, reason: String) -> SourceReport {
    SourceReport {
        provider: Some(provider),
        origin: origin.to_string(),
        kind: None,
        status: SourceStatus::Error,
        objects: 0,
        calls: None,
        errors: vec![crate::redact::redact_error(&reason)],
    }
}

/// "internal error: MESSAGE" for a task that panicked (a client's bug or an invalid setting it
/// did not report as an error).
pub(crate) fn panic_reason(e: tokio::task::JoinError) -> String {
    if !e.is_panic() {
        return "the collection task was cancelled".into();
    }
    let panic = e.into_panic();
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown cause".into());
    format!("internal error while collecting: {}", message.lines().next().unwrap_or_default())
}

/// The end of the time every live source has, shared by all of them (they run at once).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    end: tokio::time::Instant,
    total: Duration,
}

impl Deadline {
    pub(crate) fn after(total: Duration) -> Self {
        Self { end: tokio::time::Instant::now() + total, total }
    }

    pub(crate) fn remaining(&self) -> Duration {
        self.end.saturating_duration_since(tokio::time::Instant::now())
    }

    pub(crate) fn total(&self) -> Duration {
        self.total
    }
}

/// How calls are retried: at most this many attempts, waits doubling from 200 ms, never longer
/// than 30 s each, and never past the source's deadline.
pub(crate) const MAX_ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What a failed attempt says about retrying it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Retry {
    /// Not retryable (denied, not found, a bad request).
    No,
    /// Retryable after the usual backoff (5xx, a dropped connection).
    Backoff,
    /// Retryable after what the server asked for (`Retry-After`, in seconds).
    After(Duration),
}

/// Runs `call` until it succeeds, fails for good, or the attempts or the deadline run out. A
/// `Retry-After` is honoured up to [`MAX_BACKOFF`]; one that reaches past the deadline fails at once,
/// since waiting for it could only end in a timeout.
pub(crate) async fn with_retries<T, E, F, Fut>(
    mut call: F,
    classify: impl Fn(&E) -> Retry,
    deadline: Deadline,
    give_up: impl Fn(E, String) -> E,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        let error = match call().await {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        let wait = match classify(&error) {
            Retry::No => return Err(error),
            Retry::Backoff => backoff,
            Retry::After(asked) if asked > deadline.remaining() => {
                let note = format!("the server asked to retry after {} s, past this source's deadline", asked.as_secs());
                return Err(give_up(error, note));
            }
            Retry::After(asked) => asked.min(MAX_BACKOFF),
        };
        if attempt >= MAX_ATTEMPTS {
            return Err(give_up(error, format!("gave up after {attempt} attempts")));
        }
        if wait >= deadline.remaining() {
            return Err(give_up(error, "no time left before this source's deadline to retry".into()));
        }
        tokio::time::sleep(wait).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
        attempt += 1;
    }
}

/// An error and its sources, each by its `Display`, joined with `: ` (repeats dropped): one line,
/// never the `Debug` dump of a client's error types.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(e);
    while let Some(err) = current {
        let text = err.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

/// ` (line N, column M)` when a parser's message names a position, else nothing: for errors whose
/// text must not be shown (it may quote a kubeconfig or a credentials file).
pub(crate) fn position_in(text: &str) -> String {
    let number_after = |word: &str| {
        let rest = text.split(word).nth(1)?;
        let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
        (!digits.is_empty()).then_some(digits)
    };
    match (number_after("line"), number_after("column")) {
        (Some(l), Some(c)) => format!(" (line {l}, column {c})"),
        (Some(l), None) => format!(" (line {l})"),
        _ => String::new(),
    }
}

/// The calls a source made, shown on its spinner and in its report (the Google and Azure
/// collectors count with it).
#[derive(Clone)]
#[cfg_attr(not(any(feature = "gcp", feature = "azure")), allow(dead_code))]
pub(crate) struct Calls {
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub(crate) bar: indicatif::ProgressBar,
}

#[cfg_attr(not(any(feature = "gcp", feature = "azure")), allow(dead_code))]
impl Calls {
    pub(crate) fn new(progress: &Progress, label: &str) -> Self {
        Calls { count: Default::default(), bar: progress.source(label) }
    }

    pub(crate) fn one(&self) {
        self.count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.bar.inc(1);
    }

    pub(crate) fn total(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Live progress: a spinner per source counting its calls, drawn on stderr only when asked.
#[derive(Clone)]
pub(crate) struct Progress(Option<indicatif::MultiProgress>);

impl Progress {
    fn new(show: bool) -> Self {
        Progress(show.then(|| indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::stderr())))
    }

    /// A spinner for one source; a hidden one when progress is off.
    pub(crate) fn source(&self, name: &str) -> indicatif::ProgressBar {
        let Some(multi) = &self.0 else { return indicatif::ProgressBar::hidden() };
        let bar = multi.add(indicatif::ProgressBar::new_spinner());
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {prefix}: {pos} calls {msg}") {
            bar.set_style(style);
        }
        bar.set_prefix(name.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(origin: &str) -> (Inventory, SourceReport) {
        let report = SourceReport {
            provider: Some(Provider::Aws),
            origin: origin.into(),
            kind: None,
            status: SourceStatus::Ok,
            objects: 0,
            calls: None,
            errors: vec![],
        };
        (Inventory::default(), report)
    }

    fn explode() -> (Inventory, SourceReport) {
        panic!("max attempts must not be zero")
    }

    fn task(origin: &str, task: impl Future<Output = (Inventory, SourceReport)> + Send + 'static) -> SourceTask {
        SourceTask { provider: Provider::Aws, origin: origin.into(), task: Box::pin(task) }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_source_is_reported_whether_it_ends_panics_or_stalls() {
        let sources = vec![
            task("aws/first", async { ok("aws/first") }),
            task("aws/panics", async { explode() }),
            task("aws/stalls", async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                ok("aws/stalls")
            }),
            task("aws/last", async { ok("aws/last") }),
        ];
        let results = run_sources(sources, Deadline::after(Duration::from_millis(200))).await;
        let summary: Vec<(&str, SourceStatus, String)> =
            results.iter().map(|(_, r)| (r.origin.as_str(), r.status, r.errors.join("; "))).collect();
        assert_eq!(
            summary,
            vec![
                ("aws/first", SourceStatus::Ok, String::new()),
                ("aws/panics", SourceStatus::Error, "internal error while collecting: max attempts must not be zero".into()),
                ("aws/stalls", SourceStatus::Error, "timed out after 0 s (raise the limit with --timeout)".into()),
                ("aws/last", SourceStatus::Ok, String::new()),
            ]
        );
    }

    #[tokio::test]
    async fn retries_are_bounded_by_attempts_and_by_the_deadline() {
        let deadline = Deadline::after(Duration::from_secs(60));
        let calls = std::sync::atomic::AtomicU32::new(0);
        let give_up = |e: String, note: String| format!("{e}; {note}");
        let result: Result<(), String> = with_retries(
            || async {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Err("server error".to_string())
            },
            |_| Retry::After(Duration::from_millis(1)),
            deadline,
            give_up,
        )
        .await;
        assert_eq!(result, Err(format!("server error; gave up after {MAX_ATTEMPTS} attempts")));
        assert_eq!(calls.load(std::sync::atomic::Ordering::Relaxed), MAX_ATTEMPTS);

        let result: Result<(), String> =
            with_retries(|| async { Err("throttled".to_string()) }, |_| Retry::After(Duration::from_secs(3600)), deadline, give_up).await;
        assert_eq!(result, Err("throttled; the server asked to retry after 3600 s, past this source's deadline".to_string()));
    }
}
