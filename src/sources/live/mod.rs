//! Live collection: the clouds' and the cluster's own APIs, read-only, with their standard
//! credential chains. Async lives here and nowhere else; the caller gets an inventory and one
//! [`SourceReport`](super::SourceReport) per source (context, account, ...).

pub mod aws;
pub mod k8s;

use std::future::Future;
use std::time::Duration;

use crate::model::Inventory;
use crate::sources::SourceReport;

/// What to collect live.
#[derive(Clone, Debug, Default)]
pub struct LiveOptions {
    pub aws: Option<aws::AwsOptions>,
    pub k8s: Option<k8s::K8sOptions>,
    /// Spinners on stderr, one per account and context: only on a terminal, never with `-q` or in CI.
    pub show_progress: bool,
}

impl LiveOptions {
    pub fn is_empty(&self) -> bool {
        self.aws.is_none() && self.k8s.is_none()
    }
}

/// Collects every requested live source concurrently; failures are in the reports, never panics.
pub fn collect(options: &LiveOptions) -> (Inventory, Vec<SourceReport>) {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let report = SourceReport {
                provider: None,
                origin: "live".into(),
                kind: None,
                status: crate::sources::SourceStatus::Error,
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
        let aws_results = async {
            match &options.aws {
                Some(o) => aws::collect(o, &progress).await,
                None => Vec::new(),
            }
        };
        let k8s_results = async {
            match &options.k8s {
                Some(o) => k8s::collect(o, &progress).await,
                None => Vec::new(),
            }
        };
        let (aws_results, k8s_results) = tokio::join!(aws_results, k8s_results);
        let mut inventory = Inventory::default();
        let mut reports = Vec::new();
        for (inv, report) in aws_results.into_iter().chain(k8s_results) {
            inventory.merge(inv);
            reports.push(report);
        }
        (inventory, reports)
    })
}

/// Retries `call` on server errors the client does not retry itself, with exponential backoff.
pub(crate) async fn with_retries<T, E, F, Fut>(mut call: F, is_retryable: impl Fn(&E) -> bool) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut delay = Duration::from_millis(100);
    for _ in 0..3 {
        match call().await {
            Err(e) if is_retryable(&e) => {
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            other => return other,
        }
    }
    call().await
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
