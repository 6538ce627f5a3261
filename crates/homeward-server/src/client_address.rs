//! The address a request comes from, for login throttling and the audit trail: the peer's, or,
//! when the peer is a proxy the operator trusts (`trusted_proxies`: the TLS proxy in front of
//! Homeward), the nearest address in `X-Forwarded-For` that is not one of those proxies.
//! Without trusted proxies the header is ignored: anyone can write it, and believing it would
//! let an attacker show a new address for every password they guess.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::error::ApiError;
use crate::AppState;

/// The client's address as [`resolve`] finds it.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub IpAddr);

/// The client behind `peer`: walking `X-Forwarded-For` from the right (each proxy appends the
/// address it received from), past every trusted proxy, to the first address that is not one.
/// An entry that is not an address stops the walk at the last hop known.
pub fn resolve(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |a: &IpAddr| trusted.iter().any(|n| n.contains(a));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(address) = parse_hop(hop) else {
            return client;
        };
        client = address;
        if !is_trusted(&address) {
            return address;
        }
    }
    client
}

/// `203.0.113.5`, `203.0.113.5:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// Parses the `trusted_proxies` setting: addresses or networks, separated by commas
/// (`127.0.0.1, 10.0.0.0/8, ::1`).
pub fn parse_trusted(setting: &str) -> Result<Vec<IpNet>, String> {
    setting
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "trusted_proxies: `{s}` is not an address or a network such as 10.0.0.0/8"
                    )
                })
        })
        .collect()
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| ApiError::bad_request("the connection's address is unknown"))?;
        Ok(ClientAddress(resolve(
            peer,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted = parse_trusted("127.0.0.1, 10.0.0.0/8").unwrap();
        let h = forwarded(&["203.0.113.5"]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted), ip("203.0.113.5"));
        assert_eq!(
            resolve(ip("198.51.100.9"), &h, &trusted),
            ip("198.51.100.9")
        );
        assert_eq!(resolve(ip("127.0.0.1"), &h, &[]), ip("127.0.0.1"));
    }

    #[test]
    fn the_walk_stops_at_the_first_untrusted_hop_from_the_right() {
        let trusted = parse_trusted("127.0.0.1, 10.0.0.0/8").unwrap();
        // The client wrote a made-up address first; the proxies appended the real ones.
        let h = forwarded(&["1.2.3.4, 203.0.113.5", "10.1.2.3"]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted), ip("203.0.113.5"));
        let h = forwarded(&["[2001:db8::7]:4711, 10.0.0.9:80"]);
        assert_eq!(resolve(ip("10.0.0.1"), &h, &trusted), ip("2001:db8::7"));
        // Garbage stops the walk at the last hop known.
        let h = forwarded(&["203.0.113.5, not-an-address, 10.0.0.2"]);
        assert_eq!(resolve(ip("127.0.0.1"), &h, &trusted), ip("10.0.0.2"));
        // No header: the proxy itself.
        assert_eq!(
            resolve(ip("127.0.0.1"), &HeaderMap::new(), &trusted),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn a_bad_setting_says_what_is_wrong() {
        assert!(parse_trusted("").unwrap().is_empty());
        assert_eq!(parse_trusted("::1").unwrap().len(), 1);
        let e = parse_trusted("127.0.0.1, proxy.local").unwrap_err();
        assert!(e.contains("proxy.local"), "{e}");
    }
}
