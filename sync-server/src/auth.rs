//! Who may call the server: the token table (hashes only, replaceable while the server runs,
//! so a revoked tablet is cut off by a reload), and the limit on failed logins.
//!
//! Invariants:
//! - a presented token is hashed once and compared with *every* entry in time that does not
//!   depend on where the bytes differ; the table never holds a token itself;
//! - a revoked entry never authorises anything;
//! - every entry belongs to exactly one space, and a match says which: the HTTP layer serves
//!   the request in that space and no other;
//! - while a client address (or everyone, see [`Limits::overall`]) has failed too often, a
//!   presented token is not even checked: the answer is 429 whether it is right or wrong, so
//!   the limit cannot be used to test guesses.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::config::{sha256, Access, TokenConfig};

/// One entry of the table.
pub struct Token {
    pub name: Arc<str>,
    sha256: [u8; 32],
    pub access: Access,
    /// The one space this token reads and writes.
    pub space: Arc<str>,
    pub revoked: bool,
}

/// What the table says about a presented token that matches an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: Arc<str>,
    pub space: Arc<str>,
    pub access: Access,
    pub revoked: bool,
}

/// The tokens in use; [`Tokens::replace`] swaps them all at once (SIGHUP).
#[derive(Clone)]
pub struct Tokens(Arc<RwLock<Arc<[Token]>>>);

impl Tokens {
    pub fn new(config: &[TokenConfig]) -> Tokens {
        Tokens(Arc::new(RwLock::new(table(config))))
    }

    /// Puts a new table in place; requests already past the check keep the old one.
    pub fn replace(&self, config: &[TokenConfig]) {
        let new = table(config);
        *self.0.write().unwrap_or_else(|p| p.into_inner()) = new;
    }

    /// The entry whose hash matches `presented` (revoked or not), if any.
    pub fn find(&self, presented: &[u8]) -> Option<Found> {
        let table = Arc::clone(&self.0.read().unwrap_or_else(|p| p.into_inner()));
        let hash = sha256(presented);
        let mut found = None;
        for t in table.iter() {
            if constant_time_eq(&t.sha256, &hash) {
                found = Some(Found {
                    name: Arc::clone(&t.name),
                    space: Arc::clone(&t.space),
                    access: t.access,
                    revoked: t.revoked,
                });
            }
        }
        found
    }
}

fn table(config: &[TokenConfig]) -> Arc<[Token]> {
    config
        .iter()
        .map(|t| Token {
            name: t.name.as_str().into(),
            sha256: t.sha256,
            access: t.access,
            space: t.space.as_str().into(),
            revoked: t.revoked,
        })
        .collect()
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How many failed logins are allowed in a window before requests with a token are refused
/// (429) until the window ends.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From one client address (a school behind one router counts as one).
    pub per_address: u32,
    /// From all addresses together.
    pub overall: u32,
    pub window: Duration,
    /// Addresses remembered at most (the oldest windows are forgotten first).
    pub addresses: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_address: 10,
            overall: 300,
            window: Duration::from_secs(300),
            addresses: 10_000,
        }
    }
}

/// Failed logins counted per client address and overall, in fixed windows that start at the
/// first failure.
pub struct Throttle {
    limits: Limits,
    state: Mutex<ThrottleState>,
}

#[derive(Default)]
struct ThrottleState {
    overall: Option<Window>,
    by_address: HashMap<IpAddr, Window>,
}

#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    failures: u32,
}

impl Throttle {
    pub fn new(limits: Limits) -> Throttle {
        Throttle {
            limits,
            state: Mutex::new(ThrottleState::default()),
        }
    }

    /// Before a presented token is checked: `Err(wait)` while `address` or everyone has used up
    /// the window's failures.
    pub fn check(&self, address: IpAddr, now: Instant) -> Result<(), Duration> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let blocked = |w: Option<&Window>, max: u32| {
            w.filter(|w| w.failures >= max)
                .and_then(|w| (w.start + self.limits.window).checked_duration_since(now))
                .filter(|wait| !wait.is_zero())
        };
        let wait = [
            blocked(state.overall.as_ref(), self.limits.overall),
            blocked(state.by_address.get(&address), self.limits.per_address),
        ]
        .into_iter()
        .flatten()
        .max();
        wait.map_or(Ok(()), Err)
    }

    /// Counts a failed login from `address`.
    pub fn failed(&self, address: IpAddr, now: Instant) {
        let window = self.limits.window;
        let bump = |w: &mut Window| {
            if now.duration_since(w.start) >= window {
                *w = Window {
                    start: now,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        };
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        bump(state.overall.get_or_insert(Window {
            start: now,
            failures: 0,
        }));
        if !state.by_address.contains_key(&address)
            && state.by_address.len() >= self.limits.addresses
        {
            state
                .by_address
                .retain(|_, w| now.duration_since(w.start) < window);
            if state.by_address.len() >= self.limits.addresses {
                // Still full: this address is only counted overall.
                return;
            }
        }
        bump(state.by_address.entry(address).or_insert(Window {
            start: now,
            failures: 0,
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([192, 0, 2, last])
    }

    #[test]
    fn an_address_is_refused_after_its_failures_until_the_window_ends() {
        let t = Throttle::new(Limits {
            per_address: 3,
            overall: 100,
            window: Duration::from_secs(60),
            addresses: 10,
        });
        let t0 = Instant::now();
        for _ in 0..2 {
            t.failed(ip(1), t0);
        }
        assert_eq!(t.check(ip(1), t0), Ok(()));
        t.failed(ip(1), t0);
        let later = t0 + Duration::from_secs(20);
        assert_eq!(t.check(ip(1), later), Err(Duration::from_secs(40)));
        assert_eq!(
            t.check(ip(2), later),
            Ok(()),
            "another address is not held back"
        );
        assert_eq!(t.check(ip(1), t0 + Duration::from_secs(60)), Ok(()));
        // A new window starts with the next failure.
        t.failed(ip(1), t0 + Duration::from_secs(61));
        assert_eq!(t.check(ip(1), t0 + Duration::from_secs(61)), Ok(()));
    }

    #[test]
    fn everyone_is_refused_after_the_overall_failures() {
        let t = Throttle::new(Limits {
            per_address: 100,
            overall: 5,
            window: Duration::from_secs(60),
            addresses: 2,
        });
        let t0 = Instant::now();
        for i in 0..5 {
            t.failed(ip(i), t0);
        }
        assert!(t.check(ip(200), t0).is_err());
        assert!(t.check(ip(200), t0 + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn tokens_are_found_by_hash_and_replaced_at_once() {
        let tokens = Tokens::new(&[
            TokenConfig::from_secret("A", "token-a-0123456789", Access::Write),
            TokenConfig::from_secret("B", "token-b-0123456789", Access::Read).in_space("team-b"),
        ]);
        let b = tokens.find(b"token-b-0123456789").unwrap();
        assert_eq!(
            (&*b.name, &*b.space, b.access, b.revoked),
            ("B", "team-b", Access::Read, false)
        );
        assert_eq!(
            &*tokens.find(b"token-a-0123456789").unwrap().space,
            "default"
        );
        assert!(tokens.find(b"token-b-012345678").is_none());
        let mut b = TokenConfig::from_secret("B", "token-b-0123456789", Access::Read);
        b.revoked = true;
        tokens.replace(&[
            TokenConfig::from_secret("A", "token-a-0123456789", Access::Write),
            b,
        ]);
        assert!(tokens.find(b"token-b-0123456789").unwrap().revoked);
        assert!(!tokens.find(b"token-a-0123456789").unwrap().revoked);
    }
}
