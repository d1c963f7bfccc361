//! 限流 (rate limits): how many sends a channel takes per robot, per
//! recipient or per number in a sliding window, held by the store so that
//! every dispatcher of a deployment counts against the same limit
//! (`docs/RULES.md` NOTE-10).
//!
//! Some channels enforce a limit by dropping what is over it and still
//! answering success (WeCom app messages past 30 a minute to one member,
//! DingTalk work notices past the per-user limits). Retrying after an
//! error cannot help there: the library must never send the message that
//! is over. An adapter names the limits a message counts against
//! ([`crate::notify::Notifier::limits`]); before each send the dispatcher
//! asks the store ([`crate::store::OutboxStore::take_rate`]) to record one
//! send under each of them, all or none, and holds the message back,
//! without counting a try, when any is full.
//!
//! The windows slide: a limit of 20 a minute allows at most 20 sends in
//! any 60 seconds, which also keeps within a limit the provider counts in
//! fixed minutes or calendar days.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The longest key name, in bytes.
pub const MAX_RATE_KEY: usize = 200;
/// The longest window a limit may have: one day.
pub const MAX_WINDOW_SECONDS: u32 = 86_400;

/// 窗口: at most `max` sends in any `seconds` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    /// Sends allowed in the window (at least 1).
    pub max: u32,
    /// The window's length in seconds (1 to [`MAX_WINDOW_SECONDS`]).
    pub seconds: u32,
}

impl Window {
    /// `max` sends in any `seconds` seconds, clamped to at least one send
    /// and to a window of 1 second to a day.
    ///
    /// ```
    /// use dangjian::notify::Window;
    /// let w = Window::per_minute(20);
    /// assert_eq!((w.max, w.seconds), (20, 60));
    /// assert_eq!(Window::new(0, 0), Window::new(1, 1));
    /// ```
    pub const fn new(max: u32, seconds: u32) -> Self {
        let max = if max == 0 { 1 } else { max };
        let seconds = if seconds == 0 {
            1
        } else if seconds > MAX_WINDOW_SECONDS {
            MAX_WINDOW_SECONDS
        } else {
            seconds
        };
        Self { max, seconds }
    }

    /// `max` a second.
    pub const fn per_second(max: u32) -> Self {
        Self::new(max, 1)
    }

    /// `max` a minute.
    pub const fn per_minute(max: u32) -> Self {
        Self::new(max, 60)
    }

    /// `max` an hour.
    pub const fn per_hour(max: u32) -> Self {
        Self::new(max, 3_600)
    }

    /// `max` a day (24 hours, sliding).
    pub const fn per_day(max: u32) -> Self {
        Self::new(max, MAX_WINDOW_SECONDS)
    }

    /// The window's length.
    pub fn length(self) -> Duration {
        Duration::seconds(i64::from(self.seconds))
    }
}

/// 限流键: one limit a send counts against, by name (`wecom.app:1000002:
/// zhangsan`, `dingtalk.robot:<hash>`), with its windows.
///
/// Names carry no secret: a robot is named by a hash of its webhook key,
/// never by the key. Two adapters that name the same key share its count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateKey {
    /// The key's name (1 to [`MAX_RATE_KEY`] bytes).
    pub name: String,
    /// Its windows (an empty list limits nothing).
    pub windows: Vec<Window>,
}

impl RateKey {
    /// A key named `name` with `windows`.
    ///
    /// ```
    /// use dangjian::notify::{RateKey, Window};
    /// let k = RateKey::new("feishu.bot:ab12", [Window::per_second(5), Window::per_minute(100)]);
    /// assert_eq!(k.longest(), Window::per_minute(100).length());
    /// ```
    pub fn new(name: impl Into<String>, windows: impl IntoIterator<Item = Window>) -> Self {
        Self {
            name: name.into(),
            windows: windows.into_iter().collect(),
        }
    }

    /// The longest of its windows (zero when it has none): how long a
    /// store must remember a send under this key.
    pub fn longest(&self) -> Duration {
        self.windows
            .iter()
            .map(|w| w.length())
            .max()
            .unwrap_or_else(Duration::zero)
    }

    /// Whether the name is well-formed: 1 to [`MAX_RATE_KEY`] bytes of
    /// printable ASCII.
    pub fn name_ok(&self) -> bool {
        !self.name.is_empty()
            && self.name.len() <= MAX_RATE_KEY
            && self.name.bytes().all(|b| b.is_ascii_graphic())
    }
}

/// A part of a rate-key name made from an outside value (a user id, a
/// template code): the value itself when it is 1 to 64 bytes of printable
/// ASCII without `:`, else `#` and the first 16 hex digits of its SHA-256,
/// so every key name stays well-formed ([`RateKey::name_ok`]).
///
/// ```
/// use dangjian::notify::key_part;
/// assert_eq!(key_part("zhangsan"), "zhangsan");
/// assert!(key_part("李明").starts_with('#'));
/// assert_eq!(key_part("李明"), key_part("李明"));
/// assert_eq!(key_part("a:b").len(), 17);
/// ```
pub fn key_part(value: &str) -> String {
    let plain = !value.is_empty()
        && value.len() <= 64
        && value.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    if plain {
        return value.to_owned();
    }
    use sha2::Digest;
    let hash = sha2::Sha256::digest(value.as_bytes());
    hash.iter().take(8).fold(String::from("#"), |mut s, b| {
        use std::fmt::Write;
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// 最早可发时间: when one more send under `windows` may go, given the
/// earlier sends `sent` (any order; those outside every window are
/// ignored). `None`: it may go at `now`.
///
/// A window of `max` in `seconds` is full at `now` when `max` sends fall
/// after `now − seconds` (a send recorded ahead of `now` by a node whose
/// clock runs ahead counts too); the next may then go once the oldest of
/// those leaves it, at that send's time plus the window.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use dangjian::notify::{wait_until, Window};
/// let t0 = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
/// let w = [Window::per_minute(2)];
/// let sent = [t0, t0 + Duration::seconds(10)];
/// assert_eq!(wait_until(&sent[..1], &w, t0 + Duration::seconds(10)), None);
/// assert_eq!(wait_until(&sent, &w, t0 + Duration::seconds(20)), Some(t0 + Duration::seconds(60)));
/// assert_eq!(wait_until(&sent, &w, t0 + Duration::seconds(60)), None);
/// ```
pub fn wait_until(
    sent: &[DateTime<Utc>],
    windows: &[Window],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let mut latest: Option<DateTime<Utc>> = None;
    for w in windows {
        let start = now - w.length();
        // A send recorded later than `now` (another node's clock runs
        // ahead) counts too: the limit is kept whoever's clock is right.
        let mut inside: Vec<DateTime<Utc>> = sent.iter().copied().filter(|t| *t > start).collect();
        let max = usize::try_from(w.max).unwrap_or(usize::MAX);
        if inside.len() < max {
            continue;
        }
        inside.sort_unstable();
        // The send whose leaving makes room: the (len − max + 1)-th oldest.
        let Some(oldest) = inside.get(inside.len() - max) else {
            continue;
        };
        let free_at = *oldest + w.length();
        latest = Some(latest.map_or(free_at, |l| l.max(free_at)));
    }
    latest
}

/// 限流结果: the earliest time every key allows one more send, or `None`
/// when all allow it at `now` (`sent` gives each key's earlier sends).
pub fn wait_for_all<'a>(
    keys: impl IntoIterator<Item = (&'a RateKey, &'a [DateTime<Utc>])>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    keys.into_iter()
        .filter_map(|(k, sent)| wait_until(sent, &k.windows, now))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap() + Duration::seconds(s)
    }

    #[test]
    fn window_boundaries() {
        let w = [Window::per_minute(20)];
        let sent: Vec<_> = (0..20).map(t).collect();
        // 20 in (−40 s … 19 s]: full until the first leaves at 60 s.
        assert_eq!(wait_until(&sent, &w, t(19)), Some(t(60)));
        assert_eq!(wait_until(&sent, &w, t(59)), Some(t(60)));
        // At 60 s the send at 0 s is out ((0, 60] excludes 0).
        assert_eq!(wait_until(&sent, &w, t(60)), None);
        assert_eq!(wait_until(&sent[..19], &w, t(19)), None);
        // A send recorded ahead of `now` (another node's clock runs ahead)
        // counts: room once it leaves the window.
        assert_eq!(
            wait_until(&[t(5)], &[Window::per_minute(1)], t(4)),
            Some(t(65))
        );
    }

    #[test]
    fn the_longest_wait_of_several_windows() {
        let w = [Window::per_second(5), Window::per_minute(6)];
        let sent: Vec<_> = [0, 0, 0, 0, 0, 2].into_iter().map(t).collect();
        // The second is free at 3 s, but the minute is full (6) until 60 s.
        assert_eq!(wait_until(&sent, &w, t(2)), Some(t(60)));
        let k1 = RateKey::new("a", [Window::per_minute(1)]);
        let k2 = RateKey::new("b", [Window::per_hour(1)]);
        let s1 = [t(0)];
        let s2 = [t(1)];
        assert_eq!(
            wait_for_all([(&k1, &s1[..]), (&k2, &s2[..])], t(2)),
            Some(t(3_601))
        );
        assert_eq!(wait_for_all([(&k1, &s1[..])], t(60)), None);
        assert_eq!(wait_until(&[t(0)], &[], t(0)), None);
    }

    #[test]
    fn names() {
        assert!(RateKey::new("wecom.app:1:zs", []).name_ok());
        assert!(!RateKey::new("", []).name_ok());
        assert!(!RateKey::new("a b", []).name_ok());
        assert!(!RateKey::new("x".repeat(MAX_RATE_KEY + 1), []).name_ok());
        assert_eq!(Window::new(3, 1_000_000).seconds, MAX_WINDOW_SECONDS);
    }

    proptest! {
        /// Sending whenever `wait_until` allows it, and waiting otherwise,
        /// never puts more than `max` sends in any window.
        #[test]
        fn granted_sends_never_exceed_a_window(
            arrivals in proptest::collection::vec(0i64..400, 1..120),
            max in 1u32..8,
            seconds in 1u32..90,
            max2 in 1u32..20,
        ) {
            let windows = [Window::new(max, seconds), Window::new(max2, 300)];
            let mut arrivals = arrivals;
            arrivals.sort_unstable();
            let mut sent: Vec<DateTime<Utc>> = Vec::new();
            for a in arrivals {
                let now = t(a);
                match wait_until(&sent, &windows, now) {
                    None => sent.push(now),
                    Some(at) => {
                        prop_assert!(at > now);
                        // At the time it names, it may go.
                        prop_assert_eq!(wait_until(&sent, &windows, at), None);
                    }
                }
            }
            for w in windows {
                for (i, s) in sent.iter().enumerate() {
                    let n = sent[i..].iter().filter(|x| **x < *s + w.length()).count();
                    prop_assert!(n <= w.max as usize, "{} sends within {} s of {}", n, w.seconds, s);
                }
            }
        }
    }
}
