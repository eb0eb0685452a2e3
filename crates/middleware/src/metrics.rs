//! Prometheus metrics: every request by route, method and status with its duration, sign-ins by
//! method and meeting tokens handed out. Served at `/metrics` in Prometheus' text format, to
//! whoever shows the operator's metrics token.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    method: &'static str,
}

type Durations = Family<RouteLabels, Histogram, fn() -> Histogram>;

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Durations,
    sign_ins: Family<MethodLabels, Counter>,
    meeting_tokens: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

fn histogram() -> Histogram {
    // 0.5 ms to about 8 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("sparks_middleware");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations: Durations = Family::new_with_constructor(histogram);
        let sign_ins = Family::<MethodLabels, Counter>::default();
        let meeting_tokens = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route, method and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by route",
            durations.clone(),
        );
        registry.register(
            "sign_ins",
            "Sessions started, by how the user proved who they are",
            sign_ins.clone(),
        );
        registry.register(
            "meeting_tokens",
            "LiveKit join tokens handed out",
            meeting_tokens.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            sign_ins,
            meeting_tokens,
        }
    }

    /// A session was started; `method` is `openid` or `oidc`.
    pub fn signed_in(&self, method: &'static str) {
        self.sign_ins.get_or_create(&MethodLabels { method }).inc();
    }

    pub fn meeting_token(&self) {
        self.meeting_tokens.inc();
    }

    /// Everything in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Counts and times every request. Unknown paths are counted as one route, so probing
/// clients cannot grow the metrics without bound.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = match request.method().as_str() {
        known @ ("GET" | "POST" | "OPTIONS" | "HEAD" | "PUT" | "DELETE") => known,
        _ => "other",
    }
    .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics
        .durations
        .get_or_create(&RouteLabels {
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            method,
            status: response.status().as_str().to_owned(),
        })
        .inc();
    response
}
