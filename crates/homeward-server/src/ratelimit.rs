//! Login throttling that slows password guessing without letting a stranger lock an account.
//!
//! Limiting attempts per account alone let anyone lock anyone out: five wrong passwords a
//! minute, from anywhere, and the owner's right password was refused too. So attempts are
//! limited:
//! - per account *and* address together: guessing one account from one machine is slow, and
//!   says nothing about the owner's own machine;
//! - per address: one machine guessing many accounts is slow;
//! - per account, for *failures* from all addresses together (guessing spread over many
//!   machines): when they run out the account is guarded for a while, and during that time
//!   only the addresses it logged in from before may try; any address may again once the
//!   guard lapses. The first failure that sets the guard is reported so the owner is told.
//!
//! Everything here is in memory and per process, pruned as it goes so a flood of made-up
//! usernames or addresses cannot grow it without bound.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::LoginLimits;

/// How many addresses an account remembers as its own.
const KNOWN_ADDRESSES: usize = 8;
/// Prune the limiters' memory after this many checks (a power of two).
const PRUNE_EVERY: u64 = 1024;

/// Why an attempt was refused before the password was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Too many attempts at this account from this address.
    #[error("too many attempts at this account from this address")]
    AccountFromAddress(Duration),
    /// Too many attempts from this address, at any account.
    #[error("too many attempts from this address")]
    Address(Duration),
    /// The account is guarded after failures from many addresses, and this address has never
    /// logged in to it.
    #[error("the account is guarded after many failed attempts, and this address is new to it")]
    AccountGuarded(Duration),
}

impl Refusal {
    /// How long to wait before trying again.
    pub fn wait(self) -> Duration {
        match self {
            Self::AccountFromAddress(w) | Self::Address(w) | Self::AccountGuarded(w) => w,
        }
    }

    /// A stable name for the audit trail.
    pub fn reason(self) -> &'static str {
        match self {
            Self::AccountFromAddress(_) => "account_from_address",
            Self::Address(_) => "address",
            Self::AccountGuarded(_) => "account_guarded",
        }
    }
}

#[derive(Default)]
struct Accounts {
    /// Addresses each account logged in from, newest last.
    known: HashMap<String, Vec<IpAddr>>,
    /// Accounts guarded after failures from everywhere, and until when.
    guarded_until: HashMap<String, Instant>,
}

/// The login limiters of one server process.
pub struct LoginLimiter {
    pairs: DefaultKeyedRateLimiter<(String, IpAddr)>,
    addresses: DefaultKeyedRateLimiter<IpAddr>,
    failures: DefaultKeyedRateLimiter<String>,
    guard_for: Duration,
    accounts: Mutex<Accounts>,
    checks: AtomicU64,
}

fn quota(burst: u32, period: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(period.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

impl LoginLimiter {
    /// Limiters with the given limits.
    pub fn new(limits: &LoginLimits) -> Self {
        Self {
            pairs: RateLimiter::keyed(quota(limits.per_account_burst, limits.per_account_period)),
            addresses: RateLimiter::keyed(quota(
                limits.per_address_burst,
                limits.per_address_period,
            )),
            failures: RateLimiter::keyed(quota(
                limits.account_failures_burst,
                limits.account_failures_period,
            )),
            guard_for: limits.account_guard,
            accounts: Mutex::new(Accounts::default()),
            checks: AtomicU64::new(0),
        }
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, Accounts> {
        // The maps stay consistent whatever a panicking holder did: every update is one insert.
        self.accounts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `Ok` to go on and check the password, or why not and for how long.
    pub fn check(&self, username: &str, address: IpAddr) -> Result<(), Refusal> {
        self.prune_now_and_then();
        let account = account_key(username);
        let clock = DefaultClock::default();
        {
            let accounts = self.accounts();
            if let Some(until) = accounts.guarded_until.get(&account) {
                let now = Instant::now();
                let known = accounts
                    .known
                    .get(&account)
                    .is_some_and(|k| k.contains(&address));
                if *until > now && !known {
                    return Err(Refusal::AccountGuarded(*until - now));
                }
            }
        }
        let pair = self.pairs.check_key(&(account, address));
        let addr = self.addresses.check_key(&address);
        let now = clock.now();
        match (pair, addr) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(a), _) => Err(Refusal::AccountFromAddress(a.wait_time_from(now))),
            (Ok(()), Err(b)) => Err(Refusal::Address(b.wait_time_from(now))),
        }
    }

    /// A wrong password for an account that exists. `true` when this failure put the account
    /// under guard, so its owner should be told.
    pub fn failed(&self, username: &str) -> bool {
        let account = account_key(username);
        if self.failures.check_key(&account).is_ok() {
            return false;
        }
        let now = Instant::now();
        let mut accounts = self.accounts();
        let already = accounts
            .guarded_until
            .get(&account)
            .is_some_and(|until| *until > now);
        accounts.guarded_until.insert(account, now + self.guard_for);
        !already
    }

    /// A successful login: the address becomes one of the account's own.
    pub fn succeeded(&self, username: &str, address: IpAddr) {
        let mut accounts = self.accounts();
        let known = accounts.known.entry(account_key(username)).or_default();
        known.retain(|a| *a != address);
        known.push(address);
        if known.len() > KNOWN_ADDRESSES {
            known.remove(0);
        }
    }

    fn prune_now_and_then(&self) {
        // PRUNE_EVERY is a power of two (and `is_multiple_of` is newer than our MSRV).
        if self.checks.fetch_add(1, Ordering::Relaxed) & (PRUNE_EVERY - 1) != 0 {
            return;
        }
        self.pairs.retain_recent();
        self.pairs.shrink_to_fit();
        self.addresses.retain_recent();
        self.addresses.shrink_to_fit();
        self.failures.retain_recent();
        self.failures.shrink_to_fit();
        let now = Instant::now();
        self.accounts()
            .guarded_until
            .retain(|_, until| *until > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> LoginLimits {
        LoginLimits {
            per_account_burst: 2,
            per_account_period: Duration::from_secs(60),
            per_address_burst: 3,
            per_address_period: Duration::from_secs(60),
            account_failures_burst: 3,
            account_failures_period: Duration::from_secs(60),
            account_guard: Duration::from_secs(60),
            audit_fold_window: Duration::from_secs(60),
        }
    }

    #[test]
    fn attempts_are_limited_per_account_and_address_together_and_per_address() {
        let l = LoginLimiter::new(&limits());
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(l.check("amina", a).is_ok());
        assert!(l.check("Amina", a).is_ok());
        assert!(matches!(
            l.check("amina", a),
            Err(Refusal::AccountFromAddress(_))
        ));
        // The owner, elsewhere, is not held up by another machine's attempts...
        assert!(l.check("amina", b).is_ok());
        // ...but one machine trying many accounts is.
        assert!(l.check("bina", a).is_err());
    }

    #[test]
    fn failures_from_everywhere_guard_the_account_except_from_its_own_addresses() {
        let l = LoginLimiter::new(&limits());
        let home: IpAddr = "10.0.0.9".parse().unwrap();
        l.succeeded("amina", home);
        assert!(!l.failed("amina"));
        assert!(!l.failed("amina"));
        assert!(!l.failed("amina"));
        assert!(
            l.failed("amina"),
            "the failure that sets the guard is reported"
        );
        assert!(!l.failed("amina"), "and only that one");
        let stranger: IpAddr = "10.0.0.77".parse().unwrap();
        assert!(matches!(
            l.check("amina", stranger),
            Err(Refusal::AccountGuarded(_))
        ));
        assert!(l.check("amina", home).is_ok());
        assert!(l.check("bina", stranger).is_ok());
    }
}
