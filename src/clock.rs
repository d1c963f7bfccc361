//! 时钟 (clock): where "now" comes from.
//!
//! Every rule about deadlines takes its date from a [`Clock`] that the
//! integrator injects, so tests can set the date. Calendar rules (ages,
//! probation periods, notice periods) work on dates in China Standard Time
//! (UTC+8): [`Clock::today`] converts for you.

use chrono::{DateTime, DurationRound, FixedOffset, NaiveDate, Offset, Utc};
use std::sync::Mutex;

/// The offset of China Standard Time (UTC+8), in which calendar rules count
/// days.
pub fn china_offset() -> FixedOffset {
    // 8 h is always within ±24 h, so `east_opt` returns `Some`; the fallback
    // keeps the function total without a panic path.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// The calendar date in China Standard Time of an instant.
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use dangjian::clock::china_date;
/// // 17:00 UTC is already the next day in Beijing.
/// let t = Utc.with_ymd_and_hms(2024, 6, 30, 17, 0, 0).unwrap();
/// assert_eq!(china_date(t), NaiveDate::from_ymd_opt(2024, 7, 1).unwrap());
/// ```
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&china_offset()).date_naive()
}

/// 时钟: the source of the current instant.
///
/// Implement it to take time from elsewhere (an OA server's clock, a test).
pub trait Clock: Send + Sync {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// The current instant to the microsecond, the precision every store
    /// keeps (PostgreSQL's `TIMESTAMPTZ`): stored times round-trip exactly.
    fn timestamp(&self) -> DateTime<Utc> {
        let now = self.now();
        now.duration_trunc(chrono::TimeDelta::microseconds(1))
            .unwrap_or(now)
    }

    /// Today's date in China Standard Time (UTC+8), the date calendar rules
    /// count in.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The operating system's clock.
///
/// ```
/// use dangjian::clock::{Clock, SystemClock};
/// let now = SystemClock.now();
/// assert!(now.timestamp() > 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told: for tests and for replaying events.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::clock::{Clock, FixedClock};
/// let clock = FixedClock::on_date(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
/// assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
/// clock.advance_days(30);
/// assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2024, 3, 31).unwrap());
/// ```
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    /// A clock fixed at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(now),
        }
    }

    /// A clock fixed at noon, Beijing time, on `date` (04:00 UTC), so that
    /// [`Clock::today`] is `date`.
    pub fn on_date(date: NaiveDate) -> Self {
        let noon = date
            .and_hms_opt(12, 0, 0)
            .and_then(|t| t.and_local_timezone(china_offset()).single())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| date.and_time(chrono::NaiveTime::MIN).and_utc());
        Self::new(noon)
    }

    /// Sets the clock to `now`.
    pub fn set(&self, now: DateTime<Utc>) {
        match self.now.lock() {
            Ok(mut guard) => *guard = now,
            Err(poisoned) => *poisoned.into_inner() = now,
        }
    }

    /// Sets the clock to noon, Beijing time, on `date`.
    pub fn set_date(&self, date: NaiveDate) {
        self.set(Self::on_date(date).now());
    }

    /// Moves the clock forward by `days` days (backward when negative).
    pub fn advance_days(&self, days: i64) {
        let next = self.now() + chrono::Duration::days(days);
        self.set(next);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.now.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}
