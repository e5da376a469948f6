//! Client-side pacing below API Gateway's control-plane quota (about 10 requests per second per
//! account and region, burst 40; GetResources 5 per 2 seconds). It wraps the HTTP client, so
//! every attempt, retries included, waits for a token: throttling is avoided rather than
//! retried.

use std::sync::Arc;
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket: `rate` tokens per second up to `burst`.
#[derive(Debug)]
pub struct Bucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    pub fn new(rate: f64, burst: f64) -> Self {
        Bucket {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Waits until a token is available and takes it. Waiters queue on the lock, so tokens
    /// go out in arrival order.
    pub async fn acquire(&self) {
        let mut state = self.state.lock().await;
        loop {
            match self.take(&mut state, Instant::now()) {
                None => return,
                Some(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Refills the bucket up to `now` and takes a token if there is one; otherwise returns how
    /// long until there will be. Kept apart from the waiting so the arithmetic is testable
    /// without a paused clock (tokio's `test-util` would rebuild every SDK crate for tests).
    fn take(&self, state: &mut (f64, Instant), now: Instant) -> Option<Duration> {
        let (tokens, last) = *state;
        let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
        if tokens >= 1.0 {
            *state = (tokens - 1.0, now);
            return None;
        }
        *state = (tokens, now);
        Some(Duration::from_secs_f64((1.0 - tokens) / self.rate))
    }
}

/// The buckets of one account and region.
#[derive(Debug)]
pub struct Pacer {
    all: Bucket,
    get_resources: Bucket,
}

impl Pacer {
    /// `max_rps` caps the general rate (default 9, under the quota of 10); GetResources keeps
    /// its own stricter quota, rate and burst scaled down with it (a fixed burst of 4 let a
    /// lowered `--max-rps` start with more GetResources calls than its share, which were
    /// throttled: scripts/bench-org.sh).
    pub fn new(max_rps: f64) -> Self {
        let rps = max_rps.clamp(0.1, 10.0);
        let share = rps / 9.0_f64.max(rps);
        Pacer {
            all: Bucket::new(rps, (rps * 4.0).clamp(1.0, 40.0)),
            get_resources: Bucket::new(2.3 * share, (4.0 * share).clamp(1.0, 4.0)),
        }
    }
    /// The stricter GetResources bucket is waited for last, so nothing delays a GetResources
    /// request between its token and its sending (which would bunch them up at the server).
    async fn acquire(&self, request: &HttpRequest) {
        self.all.acquire().await;
        let path = request.uri().split('?').next().unwrap_or("");
        if request.method() == "GET" && path.contains("/restapis/") && path.ends_with("/resources")
        {
            self.get_resources.acquire().await;
        }
    }
}

#[derive(Debug, Clone)]
pub struct PacedHttpClient {
    pub inner: SharedHttpClient,
    pub pacer: Arc<Pacer>,
}

impl HttpClient for PacedHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            pacer: self.pacer.clone(),
        })
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    pacer: Arc<Pacer>,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let pacer = self.pacer.clone();
        HttpConnectorFuture::new(async move {
            pacer.acquire(&request).await;
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_burst_then_rate() {
        let b = Bucket::new(10.0, 40.0);
        let start = Instant::now();
        let mut state = (40.0, start);
        for _ in 0..40 {
            assert_eq!(b.take(&mut state, start), None);
        }
        // Empty: the next token is a tenth of a second away, and arrives then.
        let wait = b.take(&mut state, start).expect("bucket is empty");
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        let mut now = start;
        for _ in 0..10 {
            now += Duration::from_millis(100);
            assert_eq!(b.take(&mut state, now), None);
        }
        assert!(b.take(&mut state, now).is_some());
        // A long pause refills only up to the burst.
        now += Duration::from_secs(3600);
        for _ in 0..40 {
            assert_eq!(b.take(&mut state, now), None);
        }
        assert!(b.take(&mut state, now).is_some());
    }

    #[test]
    fn get_resources_burst_scales_with_max_rps() {
        assert_eq!(Pacer::new(9.0).get_resources.burst, 4.0);
        assert_eq!(Pacer::new(10.0).get_resources.burst, 4.0);
        assert!((Pacer::new(4.5).get_resources.burst - 2.0).abs() < 1e-9);
        // Never below one call, or nothing would ever be sent.
        assert_eq!(Pacer::new(1.0).get_resources.burst, 1.0);
    }
}
