//! The benchmarks' stand-in for AWS limits: a loopback proxy in front of moto that enforces
//! API Gateway's quota (10 requests per second, burst 40; GetResources 5 per 2 seconds) for
//! each account and region, or a fraction of it, and adds latency to every call. Prints its
//! URL, then serves until killed; `GET /__proxy_stats` returns its counters.
//!
//!     cargo run --release --example quota_proxy -- http://127.0.0.1:MOTO_PORT [SCALE [LATENCY_MS]]
//!
//! SCALE is the fraction of the quota enforced (default 1; 0.2 is a fifth), LATENCY_MS the
//! delay added to each request (default 40). The proxy itself is test code
//! (tests/support/proxy.rs), shared here so the benchmarks and the tests use the same one.

// The example uses only the quota part of the test proxy.
#[allow(dead_code)]
#[path = "../tests/support/proxy.rs"]
mod proxy;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(upstream) = args.next() else {
        eprintln!("usage: quota_proxy UPSTREAM_URL [SCALE [LATENCY_MS]]");
        std::process::exit(2);
    };
    let number = |arg: Option<String>, default: f64| -> f64 {
        match arg.map(|a| a.parse::<f64>()) {
            None => default,
            Some(Ok(n)) if n >= 0.0 && n.is_finite() => n,
            Some(_) => {
                eprintln!("quota_proxy: SCALE and LATENCY_MS are non-negative numbers");
                std::process::exit(2);
            }
        }
    };
    let scale = number(args.next(), 1.0);
    let latency_ms = number(args.next(), 40.0);
    let p = proxy::start(
        &upstream,
        proxy::Config {
            faults: vec![],
            enforce_quota: true,
            quota_scale: scale,
            latency: std::time::Duration::from_secs_f64(latency_ms / 1000.0),
        },
    );
    println!("{}", p.url);
    loop {
        std::thread::park();
    }
}
