//! Hybrid logical clock: wall-clock milliseconds plus a counter plus the node that ticked.
//!
//! Field laptops have wrong clocks and edit offline; a plain timestamp would let a laptop set a
//! year ahead win every conflict forever. An HLC never runs backwards, stays close to real time,
//! and orders any two changes the same way on every node. The text form sorts like the clock,
//! so the store can compare clocks as strings on both SQLite and PostgreSQL.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// One instant of a hybrid logical clock.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hlc {
    /// Milliseconds since the Unix epoch, as seen by the clock (never behind any clock it saw).
    pub wall_ms: u64,
    /// Ticks within one millisecond.
    pub counter: u32,
    /// The node that produced the tick: breaks ties so that order is total.
    pub node: String,
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:015}.{:06}.{}", self.wall_ms, self.counter, self.node)
    }
}

/// A clock text that is not of the form `WALL.COUNTER.NODE`.
#[derive(Debug, thiserror::Error)]
#[error("`{0}` is not a clock value of the form 000001732871234567.000000.node")]
pub struct HlcParseError(String);

impl FromStr for Hlc {
    type Err = HlcParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || HlcParseError(s.to_string());
        let mut parts = s.splitn(3, '.');
        let wall_ms = parts.next().and_then(|p| p.parse().ok()).ok_or_else(err)?;
        let counter = parts.next().and_then(|p| p.parse().ok()).ok_or_else(err)?;
        let node = parts
            .next()
            .filter(|n| !n.is_empty())
            .ok_or_else(err)?
            .to_string();
        Ok(Self {
            wall_ms,
            counter,
            node,
        })
    }
}

impl TryFrom<String> for Hlc {
    type Error = HlcParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Hlc> for String {
    fn from(h: Hlc) -> Self {
        h.to_string()
    }
}

/// The clock of one node. Cheap to share; ticks are serialised by a mutex.
#[derive(Debug)]
pub struct HlcClock {
    node: String,
    last: Mutex<(u64, u32)>,
}

impl HlcClock {
    /// A clock for the named node (a device id or server name without dots).
    pub fn new(node: impl Into<String>) -> Self {
        Self {
            node: node.into().replace('.', "_"),
            last: Mutex::new((0, 0)),
        }
    }

    fn wall_now() -> u64 {
        u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0)
    }

    /// The next instant for a local event.
    pub fn now(&self) -> Hlc {
        self.tick(Self::wall_now(), None)
    }

    /// The next instant after seeing a remote clock, so causality survives skewed wall clocks.
    pub fn observe(&self, remote: &Hlc) -> Hlc {
        self.tick(Self::wall_now(), Some((remote.wall_ms, remote.counter)))
    }

    fn tick(&self, wall: u64, remote: Option<(u64, u32)>) -> Hlc {
        // A poisoned lock only means another thread panicked mid-tick; the pair is still valid.
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        let (l_wall, l_counter) = *last;
        let (r_wall, r_counter) = remote.unwrap_or((0, 0));
        let new_wall = wall.max(l_wall).max(r_wall);
        let counter = if new_wall == l_wall && new_wall == r_wall {
            l_counter.max(r_counter) + 1
        } else if new_wall == l_wall {
            l_counter + 1
        } else if new_wall == r_wall {
            r_counter + 1
        } else {
            0
        };
        *last = (new_wall, counter);
        Hlc {
            wall_ms: new_wall,
            counter,
            node: self.node.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ticks_strictly_increase_and_text_sorts_the_same() {
        let clock = HlcClock::new("laptop-1");
        let ticks: Vec<Hlc> = (0..1000).map(|_| clock.now()).collect();
        for w in ticks.windows(2) {
            assert!(w[0] < w[1]);
            assert!(w[0].to_string() < w[1].to_string());
        }
    }

    #[test]
    fn a_remote_clock_from_the_future_is_never_overtaken_backwards() {
        let clock = HlcClock::new("a");
        let remote = Hlc {
            wall_ms: HlcClock::wall_now() + 3_600_000,
            counter: 7,
            node: "b".into(),
        };
        let after = clock.observe(&remote);
        assert!(after.wall_ms >= remote.wall_ms);
        assert!(after > remote || after.node != remote.node);
        assert!(clock.now() > after);
    }

    proptest! {
        #[test]
        fn text_round_trips(wall in 0u64..10_000_000_000_000, counter in 0u32..1_000_000, node in "[a-z0-9-]{1,12}") {
            let h = Hlc { wall_ms: wall, counter, node };
            prop_assert_eq!(h.to_string().parse::<Hlc>().unwrap(), h);
        }
    }
}
