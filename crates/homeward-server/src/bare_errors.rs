//! Security headers on the responses hyper writes by itself.
//!
//! A request hyper cannot parse (a malformed request line or header, a head with too many
//! headers, a URI too long) is answered by hyper with a bare `400`, `431` or `414` before any
//! Homeward code sees it, so the headers of [`crate::security_headers`] were missing from
//! exactly the answers a scanner provokes. hyper offers no hook for them, so the connection's
//! writer recognises them: a whole response written at once, of one of those statuses, with
//! `content-length: 0` and none of our headers, which only hyper's automatic answer is (every
//! response Homeward makes carries the headers). The headers are added to its head; every other
//! write passes through untouched.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::security_headers::HEADERS;

/// hyper's automatic answers are a status line, `content-length` and `date`: well under this.
const MAX_AUTOMATIC_RESPONSE: usize = 512;

/// The head of an automatic answer with the security headers added, or `None` for any other
/// write.
fn with_headers(written: &[u8]) -> Option<Vec<u8>> {
    if written.len() > MAX_AUTOMATIC_RESPONSE {
        return None;
    }
    let text = std::str::from_utf8(written).ok()?;
    let automatic = ["HTTP/1.1 400 ", "HTTP/1.1 414 ", "HTTP/1.1 431 "]
        .iter()
        .any(|s| text.starts_with(s));
    let lower = text.to_ascii_lowercase();
    if !automatic
        || !text.ends_with("\r\n\r\n")
        || !lower.contains("\r\ncontent-length: 0\r\n")
        || lower.contains("content-security-policy")
    {
        return None;
    }
    let mut out = text[..text.len() - 2].to_string();
    for (name, value) in HEADERS {
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    Some(out.into_bytes())
}

/// A connection whose automatic error answers get the security headers.
pub struct WithSecurityHeaders<T> {
    inner: T,
    /// A rewritten answer not yet fully written, and how much of it is.
    pending: Vec<u8>,
    written: usize,
}

impl<T> WithSecurityHeaders<T> {
    /// Wraps a connection.
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            written: 0,
        }
    }
}

impl<T: AsyncWrite + Unpin> WithSecurityHeaders<T> {
    fn drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n =
                ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.pending.clear();
        self.written = 0;
        Poll::Ready(Ok(()))
    }

    /// Takes over a write that is an automatic answer; the caller is told it was all written,
    /// and the rewritten bytes go out now or on the next write or flush.
    fn take_over(
        &mut self,
        cx: &mut Context<'_>,
        rewritten: Vec<u8>,
        len: usize,
    ) -> Poll<io::Result<usize>> {
        self.pending = rewritten;
        self.written = 0;
        match self.drain(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            _ => Poll::Ready(Ok(len)),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WithSecurityHeaders<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WithSecurityHeaders<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        match with_headers(buf) {
            Some(rewritten) => this.take_over(cx, rewritten, buf.len()),
            None => Pin::new(&mut this.inner).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        let len: usize = bufs.iter().map(|b| b.len()).sum();
        if len <= MAX_AUTOMATIC_RESPONSE {
            let joined: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
            if let Some(rewritten) = with_headers(&joined) {
                return this.take_over(cx, rewritten, len);
            }
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_automatic_answers_are_rewritten() {
        let auto = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Mon, 07 Dec 2026 09:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(with_headers(auto).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 431 "));
        assert!(
            out.contains("\r\nx-content-type-options: nosniff\r\n"),
            "{out}"
        );
        assert!(out.ends_with("\r\n\r\n"));
        assert_eq!(out.matches("\r\n\r\n").count(), 1);
        // Homeward's own answers already carry the headers, and bodies are never touched.
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ncontent-security-policy: default-src 'self'\r\n\r\n";
        assert!(with_headers(ours).is_none());
        assert!(with_headers(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(with_headers(b"{\"code\":\"bad_request\"}").is_none());
        let with_body = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}";
        assert!(with_headers(with_body).is_none());
    }
}
