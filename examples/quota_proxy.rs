//! The benchmark's stand-in for AWS limits: a loopback proxy in front of moto that enforces
//! API Gateway's quota (10 requests per second, burst 40; GetResources 5 per 2 seconds) and
//! adds 40 ms per call. Prints its URL, then serves until killed; `GET /__proxy_stats` returns
//! its counters.
//!
//!     cargo run --release --example quota_proxy -- http://127.0.0.1:MOTO_PORT

// The example uses only the quota part of the test proxy.
#[allow(dead_code)]
#[path = "../tests/support/proxy.rs"]
mod proxy;

fn main() {
    let upstream = std::env::args()
        .nth(1)
        .expect("usage: quota_proxy UPSTREAM_URL");
    let p = proxy::start(
        &upstream,
        proxy::Config {
            faults: vec![],
            enforce_quota: true,
            latency: std::time::Duration::from_millis(40),
        },
    );
    println!("{}", p.url);
    loop {
        std::thread::park();
    }
}
