//! The connection loop: accepts TCP connections under a cap and serves each with hyper, with a
//! deadline for the request headers.
//!
//! `axum::serve` sets no timer on hyper, so a client that opens a connection and sends half a
//! request line holds it for ever; a few hundred of those exhaust a camp laptop. Here:
//! - at most [`ConnectionLimits::max_connections`] connections are open at once; beyond that
//!   new ones wait in the kernel's queue until one closes (back-pressure, not an error);
//! - a connection that has not sent a whole request head within
//!   [`ConnectionLimits::header_read`] is closed by hyper (this also ends idle keep-alive
//!   connections);
//! - the body-read and whole-request deadlines are tower-http layers in [`crate::app_with`];
//! - the answers hyper writes itself for requests it cannot parse get the security headers
//!   ([`crate::bare_errors`]).
//!
//! Shutdown stops accepting, asks every connection to finish its request and close, and gives
//! them [`ConnectionLimits::shutdown_grace`] to do so.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::bare_errors::WithSecurityHeaders;

/// glibc allocator tunables for a long-running server: large buffers (a 2 MB request body)
/// always come from and go back to the kernel, instead of staying in the heaps once the first
/// one is freed. The `homeward` binary starts its server with them; see its `malloc_tuning`.
pub const GLIBC_MALLOC_TUNABLES: &str =
    "glibc.malloc.mmap_threshold=131072:glibc.malloc.trim_threshold=131072";

/// Deadlines and the connection cap.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Connections open at once.
    pub max_connections: usize,
    /// Time to send a whole request head (and the longest a kept-alive connection idles).
    pub header_read: Duration,
    /// Longest wait for the next piece of a request body.
    pub body_read: Duration,
    /// Longest time from the request head to the end of the response head.
    pub request: Duration,
    /// Time given to open connections to finish when the server stops.
    pub shutdown_grace: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            header_read: Duration::from_secs(5),
            body_read: Duration::from_secs(10),
            request: Duration::from_secs(30),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` under `limits` until `shutdown` resolves.
pub async fn serve(
    router: Router,
    listener: TcpListener,
    limits: &ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // HTTP/1.1 only: hyper-util's automatic HTTP/2 detection reads the first bytes before
    // hyper's header timer starts, so a connection that sent nothing was held for ever. The
    // TLS proxy in front speaks HTTP/2 to browsers and HTTP/1.1 to Homeward.
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // moment rather than spin, as axum::serve does.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                req.map(axum::body::Body::new)
            });
        let conn = builder.serve_connection(
            TokioIo::new(WithSecurityHeaders::new(stream)),
            TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period were cut");
    }
    Ok(())
}
