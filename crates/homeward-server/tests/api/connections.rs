//! Issue 16, points 2 and 10: slow clients cannot hold the server, and every response carries
//! the security headers, errors made by layers and the metrics listener's included. Raw TCP,
//! so the client can misbehave as a hostile one would.

use std::time::{Duration, Instant};

use homeward_server::serve::ConnectionLimits;
use homeward_server::ServerConfig;
use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{on_both, test_config, TestServer};

fn with_limits(limits: ConnectionLimits) -> impl Fn() -> ServerConfig {
    move || ServerConfig {
        connections: limits.clone(),
        ..test_config()
    }
}

fn addr(s: &TestServer) -> String {
    s.base.trim_start_matches("http://").to_string()
}

/// Reads until the server closes the connection; what it sent, and when it closed.
async fn read_to_close(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
    give_up: Duration,
) -> (String, Option<Duration>) {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(
            give_up.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (
                    String::from_utf8_lossy(&got).into_owned(),
                    Some(started.elapsed()),
                )
            }
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), None),
        }
    }
}

/// Reads one whole response (head and `Content-Length` body), or what came before a close.
async fn read_response(
    stream: &mut (impl tokio::io::AsyncRead + Unpin),
    give_up: Duration,
) -> String {
    let started = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if body.len() >= len {
                return text;
            }
        }
        match tokio::time::timeout(
            give_up.saturating_sub(started.elapsed()),
            stream.read(&mut buf),
        )
        .await
        {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => return String::from_utf8_lossy(&got).into_owned(),
        }
    }
}

const SECURITY_HEADERS: &[&str] = &[
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cache-control",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
];

fn assert_security_headers(raw_head: &str) {
    let head = raw_head.to_ascii_lowercase();
    for h in SECURITY_HEADERS {
        assert!(
            head.contains(&format!("{h}:")),
            "{h} missing from:\n{raw_head}"
        );
    }
}

#[tokio::test]
async fn a_connection_that_stops_sending_headers_is_closed_within_10_s() {
    // The default limits, as a server runs them.
    on_both(
        "stalled_headers",
        with_limits(ConnectionLimits::default()),
        |s| async move {
            let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .unwrap();
            let (_, closed) = read_to_close(&mut stream, Duration::from_secs(15)).await;
            let closed = closed.expect("the server kept a stalled connection open for 15 s");
            eprintln!("stalled headers closed after {closed:?}");
            assert!(closed < Duration::from_secs(10), "{closed:?}");
            // The server still answers others.
            let res = reqwest::get(format!("{}/healthz", s.base)).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
        },
    )
    .await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_and_a_request_that_drags_on_are_cut_short() {
    let limits = ConnectionLimits {
        body_read: Duration::from_millis(700),
        request: Duration::from_millis(2_000),
        ..ConnectionLimits::default()
    };
    on_both("slow_bodies", with_limits(limits), |s| async move {
        let api = s.login("cw_a").await;
        let head = format!(
            "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
            api.token
        );
        // A body that stops after a few bytes: cut at the body deadline.
        let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(b"{\"name_first\":").await.unwrap();
        let started = Instant::now();
        let answer = read_response(&mut stream, Duration::from_secs(5)).await;
        let took = started.elapsed();
        assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
        assert!(took < Duration::from_secs(2), "{took:?}");

        // A body that trickles in a byte at a time, each within the body deadline: cut at the
        // whole-request deadline, with a JSON error and the security headers.
        let stream = TcpStream::connect(addr(&s)).await.unwrap();
        let (mut reader, mut writer) = stream.into_split();
        writer.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let trickle = tokio::spawn(async move {
            for _ in 0..100 {
                if writer.write_all(b" ").await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        });
        let answer = read_response(&mut reader, Duration::from_secs(10)).await;
        let took = started.elapsed();
        trickle.abort();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert_security_headers(&answer);
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
        let json: Value = serde_json::from_str(body.trim()).unwrap_or(Value::Null);
        assert!(json["message"].as_str().is_some(), "{answer}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    })
    .await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    let limits = ConnectionLimits {
        max_connections: 2,
        header_read: Duration::from_millis(1_500),
        ..ConnectionLimits::default()
    };
    on_both("connection_cap", with_limits(limits), |s| async move {
        let _idle: Vec<TcpStream> = vec![
            TcpStream::connect(addr(&s)).await.unwrap(),
            TcpStream::connect(addr(&s)).await.unwrap(),
        ];
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = Instant::now();
        let res = reqwest::Client::new()
            .get(format!("{}/healthz", s.base))
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .unwrap();
        let waited = started.elapsed();
        assert_eq!(res.status(), StatusCode::OK);
        // Served only once the header deadline freed a place.
        assert!(waited > Duration::from_millis(1_000), "{waited:?}");
    })
    .await;
}

#[tokio::test]
async fn errors_and_the_metrics_listener_carry_the_security_headers() {
    on_both(
        "security_headers",
        with_limits(ConnectionLimits::default()),
        |s| async move {
            let res = reqwest::get(format!("{}/healthz", s.base)).await.unwrap();
            for h in SECURITY_HEADERS {
                assert!(res.headers().contains_key(*h), "{h}");
            }
            let res = reqwest::get(format!("{}/nowhere", s.base)).await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND);
            for h in SECURITY_HEADERS {
                assert!(res.headers().contains_key(*h), "{h}");
            }
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let metrics = format!("http://{}/metrics", listener.local_addr().unwrap());
            tokio::spawn(homeward_server::metrics::serve(listener));
            let res = reqwest::get(&metrics).await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            for h in SECURITY_HEADERS {
                assert!(res.headers().contains_key(*h), "metrics: {h}");
            }
        },
    )
    .await;
}

#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics() {
    on_both(
        "made_up_methods",
        with_limits(ConnectionLimits::default()),
        |s| async move {
            // Installed on first use; requests before it would be recorded nowhere.
            let _ = homeward_server::metrics::recorder();
            let client = reqwest::Client::new();
            for i in 0..20 {
                let method = reqwest::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
                let res = client
                    .request(method, format!("{}/healthz", s.base))
                    .send()
                    .await
                    .unwrap();
                assert!(res.status().is_client_error());
            }
            let text = homeward_server::metrics::recorder().render();
            assert!(!text.contains("MADEUP"), "one series per made-up method");
            assert!(text.contains("method=\"other\""), "{text}");
        },
    )
    .await;
}

#[tokio::test]
async fn requests_hyper_cannot_parse_get_the_security_headers_too() {
    on_both(
        "unparseable",
        with_limits(ConnectionLimits::default()),
        |s| async move {
            let mut too_many = String::from("GET /healthz HTTP/1.1\r\nHost: x\r\n");
            for i in 0..150 {
                too_many.push_str(&format!("X-H{i}: y\r\n"));
            }
            too_many.push_str("\r\n");
            for (request, status) in [
                (
                    "GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n".to_string(),
                    "400",
                ),
                (too_many, "431"),
            ] {
                let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
                stream.write_all(request.as_bytes()).await.unwrap();
                let answer = read_response(&mut stream, Duration::from_secs(5)).await;
                assert!(
                    answer.starts_with(&format!("HTTP/1.1 {status} ")),
                    "{answer}"
                );
                assert_security_headers(&answer);
            }
            // Homeward's own answers are left as they were: the headers once each.
            let mut stream = TcpStream::connect(addr(&s)).await.unwrap();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .unwrap();
            let answer = read_response(&mut stream, Duration::from_secs(5)).await;
            assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
            assert_eq!(
                answer
                    .to_ascii_lowercase()
                    .matches("x-frame-options:")
                    .count(),
                1
            );
        },
    )
    .await;
}
