//! A small HTTP proxy on loopback between gwaudit and the moto server. It injects faults
//! (throttling, access denied, 5xx, garbage answers, rewritten or canned answers) into chosen
//! requests and can enforce API Gateway's quota (10 requests per second, burst 40;
//! GetResources 5 per 2 seconds), or a fraction of it, per account and region as AWS does,
//! with added latency, so collection is tested and benchmarked under real-world conditions.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 429 TooManyRequestsException.
    Throttle,
    /// 403 AccessDeniedException.
    Deny,
    /// 403 AccessDenied in the XML of the query protocol (STS), as STS refuses an AssumeRole
    /// the role's trust policy or an SCP does not allow.
    DenyQuery,
    /// 500 with a JSON error.
    ServerError,
    /// 200 with a body that is not JSON.
    Garbage,
    /// The upstream answer with every `from` in its body replaced by `to`: how a test makes
    /// moto's answer carry a value AWS may send and moto does not (a new enum value).
    Rewrite {
        from: &'static str,
        to: &'static str,
    },
    /// 200 with this JSON body, shaped as the AWS API reference documents the answer: how a
    /// test exercises an operation moto does not implement (routing rules, ...).
    Respond(&'static str),
    /// 400 with this error type (`x-amzn-errortype`) and JSON body: a service-specific refusal
    /// such as WAF's `WAFExpiredManagedRuleGroupVersionException`.
    Refuse {
        error_type: &'static str,
        body: &'static str,
    },
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub method: &'static str,
    /// The request path must contain this and end with `path_suffix`.
    pub path_contains: &'static str,
    pub path_suffix: &'static str,
    /// Every one of these must occur in the raw request (head and body): how requests of
    /// protocols that all `POST /` (STS, Organizations) are told apart.
    pub request_contains: &'static [&'static str],
    pub action: Action,
    /// Of every `of` matching requests, the first `hit` are faulted (`1 of 1`: all).
    pub hit: u64,
    pub of: u64,
    /// Count each distinct request (method, path and query) separately: "every request is
    /// throttled `hit` times, then answered", deterministic whatever the concurrency.
    pub per_request: bool,
}

impl Fault {
    pub fn always(
        method: &'static str,
        path_contains: &'static str,
        path_suffix: &'static str,
        action: Action,
    ) -> Self {
        Fault {
            method,
            path_contains,
            path_suffix,
            request_contains: &[],
            action,
            hit: 1,
            of: 1,
            per_request: false,
        }
    }
}

/// A proxy that answers GET requests as `(path contains, path ends with, JSON body)` says, as
/// the AWS API reference documents operations moto does not implement; the rest goes to moto.
pub fn answering(routes: &[(&'static str, &'static str, &'static str)]) -> Config {
    Config {
        faults: routes
            .iter()
            .map(|&(contains, suffix, body)| {
                Fault::always("GET", contains, suffix, Action::Respond(body))
            })
            .collect(),
        ..Default::default()
    }
}

/// A canned answer to GET requests whose path contains `contains` and ends with `suffix`, and
/// whose request line or headers hold every one of `request_contains` (a query parameter such
/// as `resourceOwner=OTHER_ACCOUNTS`, or a page's `position=`). Put it before a route of the
/// same path without the condition: the first fault that matches answers.
pub fn answering_when(
    contains: &'static str,
    suffix: &'static str,
    request_contains: &'static [&'static str],
    body: &'static str,
) -> Fault {
    Fault {
        request_contains,
        ..Fault::always("GET", contains, suffix, Action::Respond(body))
    }
}

/// A fault on an operation of a JSON-protocol service (`POST /` with the header
/// `X-Amz-Target: {target}`, e.g. `AWSWAF_20190729.GetWebACL`) whose request also holds every
/// one of `body_contains` (a group's name in its body): how a test answers WAF calls as the
/// API reference documents them, or refuses one.
pub fn json_target(target: &str, body_contains: &[&str], action: Action) -> Fault {
    // The header line ends the value, so `GetWebACL` does not also match
    // `GetWebACLForResource`.
    let mut needles = vec![format!("{target}\r\n")];
    needles.extend(body_contains.iter().map(|s| s.to_string()));
    let needles: Vec<&'static str> = needles
        .into_iter()
        .map(|n| &*Box::leak(n.into_boxed_str()))
        .collect();
    Fault {
        request_contains: Box::leak(needles.into_boxed_slice()),
        ..Fault::always("POST", "/", "/", action)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Config {
    pub faults: Vec<Fault>,
    /// Enforce API Gateway's control-plane quota on API Gateway paths, for each account and
    /// region (told apart by the access key and region of the request's signature).
    pub enforce_quota: bool,
    /// The fraction of AWS's quota enforced (0 means 1: the real quota).
    pub quota_scale: f64,
    /// Added to every request.
    pub latency: Duration,
}

#[derive(Debug, Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub apigateway_requests: AtomicU64,
    pub injected: AtomicU64,
    pub quota_throttled: AtomicU64,
}

pub struct Proxy {
    pub url: String,
    pub stats: Arc<Stats>,
}

struct Bucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: f64, burst: f64) -> Self {
        Bucket {
            rate,
            burst,
            tokens: burst,
            last: Instant::now(),
        }
    }
    fn take(&mut self) -> bool {
        let now = Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.last).as_secs_f64() * self.rate).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// One account-region's quota: all calls, and GetResources.
struct Quota {
    all: Bucket,
    get_resources: Bucket,
}

impl Quota {
    fn new(scale: f64) -> Self {
        let scale = if scale > 0.0 { scale } else { 1.0 };
        Quota {
            all: Bucket::new(10.0 * scale, (40.0 * scale).max(1.0)),
            get_resources: Bucket::new(2.5 * scale, (5.0 * scale).max(1.0)),
        }
    }
}

struct State {
    config: Config,
    upstream: String,
    stats: Arc<Stats>,
    counters: Mutex<std::collections::HashMap<(usize, String), u64>>,
    /// By `access key/region` of the request's signature: an assumed role's keys are its
    /// account's, so each account-region gets a quota of its own, as in AWS.
    quotas: Mutex<std::collections::HashMap<String, Quota>>,
}

/// `AKID/region` from `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/...`.
fn quota_key(request: &[u8]) -> String {
    let head = String::from_utf8_lossy(request);
    head.lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .and_then(|l| l.split("Credential=").nth(1))
        .map(|c| {
            let parts: Vec<&str> = c.split('/').collect();
            format!(
                "{}/{}",
                parts.first().unwrap_or(&""),
                parts.get(2).unwrap_or(&"")
            )
        })
        .unwrap_or_default()
}

fn is_apigateway(path: &str) -> bool {
    [
        "/restapis",
        "/apis",
        "/v2/",
        "/domainnames",
        "/domainnameaccessassociations",
        "/usageplans",
        "/apikeys",
        "/clientcertificates",
        "/account",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

fn response(status: u16, reason: &str, error_type: Option<&str>, body: &str) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    if let Some(t) = error_type {
        head.push_str(&format!("x-amzn-errortype: {t}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn injected(action: Action, path: &str) -> Vec<u8> {
    match action {
        Action::Throttle => response(
            429,
            "Too Many Requests",
            Some("TooManyRequestsException"),
            r#"{"message":"Too Many Requests"}"#,
        ),
        Action::Deny => response(
            403,
            "Forbidden",
            Some("AccessDeniedException"),
            &format!(
                r#"{{"message":"User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: apigateway:GET on resource: {path}"}}"#
            ),
        ),
        Action::DenyQuery => {
            let body = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: \
                arn:aws:iam::123456789012:user/scanner is not authorized to perform: \
                sts:AssumeRole on the requested role</Message></Error>\
                <RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>";
            let mut r = response(403, "Forbidden", None, body);
            // The query protocol's errors are XML.
            let head_end = r.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(0);
            let head = String::from_utf8_lossy(&r[..head_end])
                .replace("application/json", "text/xml")
                .into_bytes();
            r.splice(..head_end, head);
            r
        }
        Action::ServerError => response(
            500,
            "Internal Server Error",
            Some("InternalFailure"),
            r#"{"message":"internal error"}"#,
        ),
        Action::Garbage => response(200, "OK", None, "\u{1}\u{2}<html>not json at all{{{"),
        Action::Respond(body) => response(200, "OK", None, body),
        Action::Refuse { error_type, body } => response(400, "Bad Request", Some(error_type), body),
        Action::Rewrite { .. } => unreachable!("rewrites change the upstream answer"),
    }
}

async fn read_request(sock: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = sock.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf)
}

/// A raw HTTP answer (with a `content-length` body, as moto sends) with `from` replaced by `to`
/// in its body and the length fixed.
fn rewritten(msg: &[u8], from: &str, to: &str) -> Vec<u8> {
    let Some(head_end) = msg.windows(4).position(|w| w == b"\r\n\r\n") else {
        return msg.to_vec();
    };
    let head = String::from_utf8_lossy(&msg[..head_end]);
    let body = String::from_utf8_lossy(&msg[head_end + 4..]).replace(from, to);
    let mut lines: Vec<String> = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("content-length:"))
        .map(str::to_string)
        .collect();
    lines.push(format!("content-length: {}", body.len()));
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body.as_bytes());
    out
}

/// Forces `connection: close` on a raw HTTP message head.
fn close_connection(msg: &[u8]) -> Vec<u8> {
    let Some(head_end) = msg.windows(4).position(|w| w == b"\r\n\r\n") else {
        return msg.to_vec();
    };
    let head = String::from_utf8_lossy(&msg[..head_end]);
    let mut lines: Vec<&str> = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect();
    lines.push("connection: close");
    let mut out = lines.join("\r\n").into_bytes();
    out.extend_from_slice(&msg[head_end..]);
    out
}

async fn handle(mut sock: TcpStream, state: Arc<State>) {
    let Some(request) = read_request(&mut sock).await else {
        return;
    };
    state.stats.requests.fetch_add(1, Ordering::Relaxed);
    let first_line =
        String::from_utf8_lossy(&request[..request.iter().position(|b| *b == b'\r').unwrap_or(0)])
            .to_string();
    let mut parts = first_line.split(' ');
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let path = target.split('?').next().unwrap_or("").to_string();
    if path == "/__proxy_stats" {
        let st = &state.stats;
        let body = format!(
            r#"{{"requests":{},"apigateway_requests":{},"injected":{},"quota_throttled":{}}}"#,
            st.requests.load(Ordering::Relaxed),
            st.apigateway_requests.load(Ordering::Relaxed),
            st.injected.load(Ordering::Relaxed),
            st.quota_throttled.load(Ordering::Relaxed)
        );
        let _ = sock.write_all(&response(200, "OK", None, &body)).await;
        return;
    }
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    let apigw = is_apigateway(&path);
    if apigw {
        state
            .stats
            .apigateway_requests
            .fetch_add(1, Ordering::Relaxed);
    }
    let mut reply: Option<Vec<u8>> = None;
    let mut rewrite: Option<(&str, &str)> = None;
    {
        let mut counters = state.counters.lock().unwrap();
        for (i, f) in state.config.faults.iter().enumerate() {
            let raw = String::from_utf8_lossy(&request);
            if method == f.method
                && path.contains(f.path_contains)
                && path.ends_with(f.path_suffix)
                && f.request_contains.iter().all(|needle| raw.contains(needle))
            {
                let key = (
                    i,
                    if f.per_request {
                        format!("{method} {target}")
                    } else {
                        String::new()
                    },
                );
                let counter = counters.entry(key).or_insert(0);
                let n = *counter;
                *counter += 1;
                if n % f.of < f.hit {
                    state.stats.injected.fetch_add(1, Ordering::Relaxed);
                    match f.action {
                        Action::Rewrite { from, to } => rewrite = Some((from, to)),
                        action => reply = Some(injected(action, &path)),
                    }
                }
                break;
            }
        }
    }
    if reply.is_none() && apigw && state.config.enforce_quota {
        let get_resources =
            method == "GET" && path.starts_with("/restapis/") && path.ends_with("/resources");
        let mut quotas = state.quotas.lock().unwrap();
        let quota = quotas
            .entry(quota_key(&request))
            .or_insert_with(|| Quota::new(state.config.quota_scale));
        let allowed = (!get_resources || quota.get_resources.take()) && quota.all.take();
        drop(quotas);
        if !allowed {
            state.stats.quota_throttled.fetch_add(1, Ordering::Relaxed);
            reply = Some(injected(Action::Throttle, &path));
        }
    }
    let reply = match reply {
        Some(r) => r,
        None => {
            let Ok(mut up) = TcpStream::connect(&state.upstream).await else {
                let _ = sock
                    .write_all(&response(502, "Bad Gateway", None, "{}"))
                    .await;
                return;
            };
            if up.write_all(&close_connection(&request)).await.is_err() {
                return;
            }
            let mut answer = Vec::new();
            let _ = up.read_to_end(&mut answer).await;
            if let Some((from, to)) = rewrite {
                answer = rewritten(&answer, from, to);
            }
            close_connection(&answer)
        }
    };
    let _ = sock.write_all(&reply).await;
    let _ = sock.shutdown().await;
}

/// Starts the proxy on 127.0.0.1 (a random port) in front of `upstream` (`http://host:port`).
/// It runs on its own thread for the life of the test process.
pub fn start(upstream: &str, config: Config) -> Proxy {
    let upstream = upstream
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let stats = Arc::new(Stats::default());
    let state = Arc::new(State {
        counters: Mutex::new(std::collections::HashMap::new()),
        config,
        upstream,
        stats: stats.clone(),
        quotas: Mutex::new(std::collections::HashMap::new()),
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap().port()).unwrap();
            loop {
                if let Ok((sock, _)) = listener.accept().await {
                    tokio::spawn(handle(sock, state.clone()));
                }
            }
        });
    });
    let port = rx.recv().unwrap();
    Proxy {
        url: format!("http://127.0.0.1:{port}"),
        stats,
    }
}
