//! Login rate limits, per account and per client address, so password guessing is slow both
//! against one caseworker's account and from one machine against many accounts.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::LoginLimits;

/// Two keyed limiters checked together.
pub struct LoginLimiter {
    accounts: DefaultKeyedRateLimiter<String>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl LoginLimiter {
    /// Limiters with the given limits.
    pub fn new(limits: &LoginLimits) -> Self {
        Self {
            accounts: RateLimiter::keyed(quota(
                limits.per_account_burst,
                limits.per_account_period,
            )),
            addresses: RateLimiter::keyed(quota(
                limits.per_address_burst,
                limits.per_address_period,
            )),
        }
    }

    /// `Ok` to go on, or how long the client must wait.
    pub fn check(&self, username: &str, address: IpAddr) -> Result<(), Duration> {
        let now = DefaultClock::default().now();
        let account = self.accounts.check_key(&username.to_lowercase());
        let addr = self.addresses.check_key(&address);
        match (account, addr) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), Ok(())) => Err(a.wait_time_from(now)),
            (Ok(()), Err(b)) => Err(b.wait_time_from(now)),
            (Err(a), Err(b)) => Err(a.wait_time_from(now).max(b.wait_time_from(now))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_limited_across_addresses_and_an_address_across_accounts() {
        let l = LoginLimiter::new(&LoginLimits {
            per_account_burst: 2,
            per_account_period: Duration::from_secs(60),
            per_address_burst: 2,
            per_address_period: Duration::from_secs(60),
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(l.check("amina", a).is_ok());
        assert!(l.check("amina", b).is_ok());
        assert!(l.check("Amina", a).is_err());
        assert!(l.check("bina", b).is_ok());
        assert!(l.check("chandan", b).is_err());
    }
}
