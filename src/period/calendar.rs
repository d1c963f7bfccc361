//! 工作日历 (the working calendar): the loaded holiday tables, and the
//! answers drawn from them in constant time.

use super::year::SHIPPED;
use super::{CalendarError, CalendarYear};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// 工作日历: which days are working days.
///
/// A day is a working day when it is Monday to Friday and not a holiday,
/// or when it is an adjusted working Saturday or Sunday (调休上班), as the
/// loaded yearly tables ([`CalendarYear`]) say (`docs/RULES.md` P-6). There
/// is no default: an integrator chooses
///
/// - [`WorkCalendar::china`], the State Council's tables for 2020 … 2026
///   shipped in the crate; a date in any other year is an error
///   ([`CalendarError::NotCovered`], `docs/RULES.md` P-7), never a guess;
/// - [`WorkCalendar::weekdays_only`], plain Monday–Friday everywhere;
/// - a table calendar that falls back to Monday–Friday outside its years,
///   on request ([`WorkCalendar::with_weekdays_beyond_tables`]), with
///   [`WorkCalendar::covers`] to flag the answers no table backs.
///
/// Each November's new notice is added with [`WorkCalendar::add_year`],
/// which also replaces a year (a correction); a region's own holidays are
/// layered with [`WorkCalendar::with_regional`].
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::period::WorkCalendar;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let cal = WorkCalendar::china();
/// assert!(!cal.is_working_day(d(2024, 10, 1))?); // a Tuesday, but 国庆
/// assert!(cal.is_working_day(d(2024, 10, 12))?); // a Saturday, but 调休
/// assert!(!cal.is_working_day(d(2024, 10, 13))?); // an ordinary Sunday
/// assert!(cal.is_working_day(d(2027, 1, 4)).is_err()); // no table for 2027
/// // Falling back is the integrator's explicit choice.
/// let lenient = WorkCalendar::china().with_weekdays_beyond_tables();
/// assert!(lenient.is_working_day(d(2027, 1, 4))? && !lenient.covers(d(2027, 1, 4)));
/// # Ok::<(), dangjian::period::CalendarError>(())
/// ```
///
/// Answers take constant time: each table is folded, when added, into a
/// running count of the working days it adds or removes against plain
/// Monday–Friday, which is counted by arithmetic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "Repr", into = "Repr")]
pub struct WorkCalendar {
    /// The national tables by year.
    tables: BTreeMap<i32, CalendarYear>,
    /// The regional layers by year (all of [`Self::region`]).
    regional: BTreeMap<i32, CalendarYear>,
    /// The region layered, if any.
    region: Option<String>,
    /// Whether a year without a table is plain Monday–Friday.
    weekdays_beyond_tables: bool,
    /// The tables folded into running counts.
    index: Index,
}

impl PartialEq for WorkCalendar {
    fn eq(&self, other: &Self) -> bool {
        // The index is derived from the tables.
        self.tables == other.tables
            && self.regional == other.regional
            && self.region == other.region
            && self.weekdays_beyond_tables == other.weekdays_beyond_tables
    }
}

impl Eq for WorkCalendar {}

/// The serialized form: the tables and the fallback; the index is rebuilt
/// (and the tables checked again) on load.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    years: Vec<CalendarYear>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    regional: Vec<CalendarYear>,
    #[serde(default)]
    weekdays_beyond_tables: bool,
}

impl From<WorkCalendar> for Repr {
    fn from(cal: WorkCalendar) -> Self {
        Self {
            years: cal.tables.into_values().collect(),
            regional: cal.regional.into_values().collect(),
            weekdays_beyond_tables: cal.weekdays_beyond_tables,
        }
    }
}

impl TryFrom<Repr> for WorkCalendar {
    type Error = CalendarError;

    fn try_from(repr: Repr) -> Result<Self, CalendarError> {
        let mut cal = Self::empty(repr.weekdays_beyond_tables);
        for year in repr.years {
            cal.add_year(year)?;
        }
        for layer in repr.regional {
            cal.add_regional(layer)?;
        }
        Ok(cal)
    }
}

/// Running counts over the days the tables list: `adjust[i]` is the number
/// of working days the tables add (less those they remove) against
/// Monday–Friday before the day `start + i`.
#[derive(Debug, Clone, Default)]
struct Index {
    /// The first listed day, as days from the common era
    /// ([`Datelike::num_days_from_ce`]).
    start: i64,
    /// `adjust.len()` is one more than the days from the first listed day
    /// to the last; empty when nothing is listed.
    adjust: Vec<i32>,
}

impl Index {
    /// The tables' adjustment before the day numbered `day`.
    fn before(&self, day: i64) -> i64 {
        let Some(last) = self.adjust.last() else {
            return 0;
        };
        if day <= self.start {
            return 0;
        }
        let at = usize::try_from(day - self.start).unwrap_or(usize::MAX);
        i64::from(*self.adjust.get(at).unwrap_or(last))
    }

    /// Folds `days` (each day and whether it is worked) into an index.
    fn build(days: &BTreeMap<NaiveDate, bool>) -> Self {
        let (Some((first, _)), Some((last, _))) = (days.first_key_value(), days.last_key_value())
        else {
            return Self::default();
        };
        let start = day_number(*first);
        let span = usize::try_from(day_number(*last) - start).unwrap_or(0);
        let mut adjust = Vec::with_capacity(span + 2);
        let mut running = 0_i32;
        adjust.push(running);
        for date in first.iter_days().take(span + 1) {
            if let Some(&worked) = days.get(&date) {
                running += i32::from(worked) - i32::from(is_weekday(date));
            }
            adjust.push(running);
        }
        Self { start, adjust }
    }
}

/// Days from the common era (0001-01-01, a Monday, is day 1).
fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

/// The date of a day number, `None` beyond chrono's range.
fn date_of(day: i64) -> Option<NaiveDate> {
    i32::try_from(day)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Mondays to Fridays before the day numbered `day`, counted from day 1
/// (negative before it), so that the difference of two counts is the
/// number of weekdays between them.
fn weekdays_before(day: i64) -> i64 {
    let k = day - 1;
    5 * k.div_euclid(7) + k.rem_euclid(7).min(5)
}

impl WorkCalendar {
    fn empty(weekdays_beyond_tables: bool) -> Self {
        Self {
            tables: BTreeMap::new(),
            regional: BTreeMap::new(),
            region: None,
            weekdays_beyond_tables,
            index: Index::default(),
        }
    }

    /// 全国节假日安排 2020–2026: the State Council's tables shipped in the
    /// crate (`calendars/cn/*.toml`), one per year, each citing its notice
    /// (see [`WorkCalendar::years`]): 国办发明电〔2019〕16号 and the Spring
    /// Festival extension 国办发明电〔2020〕1号 for 2020, 〔2020〕27号 for
    /// 2021, 〔2021〕11号 for 2022, 〔2022〕16号 for 2023, 〔2023〕7号 for 2024,
    /// 〔2024〕12号 for 2025, and the notice of 4 November 2025 for 2026.
    ///
    /// Strict: a date before 2020 or after 2026 is
    /// [`CalendarError::NotCovered`]. Add later years with
    /// [`WorkCalendar::add_year`], or fall back on request with
    /// [`WorkCalendar::with_weekdays_beyond_tables`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::{CalendarError, WorkCalendar};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let cal = WorkCalendar::china();
    /// assert_eq!(cal.years().map(|t| t.year).collect::<Vec<_>>(), (2020..=2026).collect::<Vec<_>>());
    /// // 2020: the extended Spring Festival swallowed Saturday 1 February.
    /// assert!(!cal.is_working_day(d(2020, 2, 1))?);
    /// assert!(cal.is_working_day(d(2020, 1, 19))?);
    /// assert_eq!(
    ///     cal.is_working_day(d(2027, 1, 1)),
    ///     Err(CalendarError::NotCovered { date: d(2027, 1, 1), year: 2027 })
    /// );
    /// # Ok::<(), CalendarError>(())
    /// ```
    pub fn china() -> Self {
        static CHINA: OnceLock<WorkCalendar> = OnceLock::new();
        CHINA
            .get_or_init(|| {
                // The shipped tables are checked by this crate's tests; were
                // one refused, the calendar would cover nothing and answer
                // every date with `NotCovered`, never with a guess.
                Self::shipped().unwrap_or_else(|_| Self::empty(false))
            })
            .clone()
    }

    /// The shipped tables, read and checked.
    pub(crate) fn shipped() -> Result<Self, CalendarError> {
        let years = SHIPPED
            .iter()
            .map(|(_, text)| CalendarYear::from_toml(text))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_years(years)
    }

    /// A strict calendar of the given national tables only (no shipped
    /// year): a date in any other year is [`CalendarError::NotCovered`].
    ///
    /// # Errors
    /// As [`WorkCalendar::add_year`], for the first table refused.
    pub fn from_years(
        years: impl IntoIterator<Item = CalendarYear>,
    ) -> Result<Self, CalendarError> {
        let mut cal = Self::empty(false);
        for table in years {
            Self::check_national(&table)?;
            cal.tables.insert(table.year, table);
        }
        cal.index = Self::fold(&cal.tables, &cal.regional)?;
        Ok(cal)
    }

    /// The checks of a national table on its own.
    fn check_national(table: &CalendarYear) -> Result<(), CalendarError> {
        table.validate()?;
        match &table.region {
            Some(region) => Err(CalendarError::RegionalTable {
                year: table.year,
                region: region.clone(),
            }),
            None => Ok(()),
        }
    }

    /// 仅周一至周五: Monday to Friday are working days, every year; no
    /// holiday is known. Tables may still be added with
    /// [`WorkCalendar::add_year`]; [`WorkCalendar::covers`] is true only
    /// for their years.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::WorkCalendar;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let cal = WorkCalendar::weekdays_only();
    /// assert!(cal.is_working_day(d(2024, 10, 1))?); // 国庆 is not known
    /// assert_eq!(cal.working_days_between(d(2018, 10, 1), d(2018, 10, 14))?, 10);
    /// assert!(!cal.covers(d(2024, 10, 1)));
    /// # Ok::<(), dangjian::period::CalendarError>(())
    /// ```
    pub fn weekdays_only() -> Self {
        Self::empty(true)
    }

    /// 表外按周一至周五: answers for years without a table as plain
    /// Monday–Friday instead of [`CalendarError::NotCovered`]. Such answers
    /// are guesses: [`WorkCalendar::covers`] tells them apart.
    pub fn with_weekdays_beyond_tables(mut self) -> Self {
        self.weekdays_beyond_tables = true;
        self
    }

    /// Whether years without a table fall back to Monday–Friday.
    pub fn weekdays_beyond_tables(&self) -> bool {
        self.weekdays_beyond_tables
    }

    /// Whether a table covers `date` (its year has a national table): an
    /// answer for a date not covered is either an error or, when asked
    /// for, the Monday–Friday fallback.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.tables.contains_key(&date.year())
    }

    /// The national tables loaded, by year, each with its notices.
    pub fn years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.tables.values()
    }

    /// The regional tables layered, by year.
    pub fn regional_years(&self) -> impl Iterator<Item = &CalendarYear> {
        self.regional.values()
    }

    /// The region whose holidays are layered, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// 新增或更正年度安排: adds the national table for its year, or
    /// replaces the one loaded (a correction, or the year's table read
    /// again).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::{CalendarError, CalendarYear, WorkCalendar};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let mut cal = WorkCalendar::china();
    /// // An illustrative table for 2027 (not the real notice).
    /// let year = CalendarYear::from_toml(
    ///     "year = 2027\n[[holiday]]\nname = \"元旦\"\nfrom = 2027-01-01\nto = 2027-01-03\n",
    /// )?;
    /// cal.add_year(year.clone())?;
    /// assert!(!cal.is_working_day(d(2027, 1, 1))?);
    /// // Adding it again replaces it and changes nothing.
    /// let before = cal.clone();
    /// cal.add_year(year)?;
    /// assert_eq!(cal, before);
    /// // A 2027 table listing a day of October 2026 is refused, and nothing changes.
    /// let stray = CalendarYear {
    ///     holidays: vec![dangjian::period::Holiday {
    ///         name: "国庆节".into(), from: d(2026, 10, 10), to: d(2026, 10, 10),
    ///         working_days: vec![], note: None,
    ///     }],
    ///     ..before.years().last().unwrap().clone()
    /// };
    /// assert_eq!(cal.add_year(stray), Err(CalendarError::DateOutsideYear { year: 2027, date: d(2026, 10, 10) }));
    /// assert_eq!(cal, before);
    /// # Ok::<(), CalendarError>(())
    /// ```
    ///
    /// # Errors
    /// Those of [`CalendarYear::validate`];
    /// [`CalendarError::RegionalTable`] for a table with a region;
    /// [`CalendarError::HolidayAndWorkingDay`] when a date is a holiday in
    /// one loaded table (or regional layer) and a working day in another.
    /// The calendar is unchanged on an error.
    pub fn add_year(&mut self, table: CalendarYear) -> Result<(), CalendarError> {
        Self::check_national(&table)?;
        let mut tables = self.tables.clone();
        tables.insert(table.year, table);
        let index = Self::fold(&tables, &self.regional)?;
        self.tables = tables;
        self.index = index;
        Ok(())
    }

    /// 叠加地方节假日: this calendar with a region's own holidays (and any
    /// working days they bring) layered over the national table of the same
    /// year; a layer for a year already layered replaces it. One region per
    /// calendar; give each region's organisations their own calendar with
    /// [`Calendars::with_subtree`](super::Calendars::with_subtree).
    ///
    /// Guangxi (壮族三月三), Xinjiang (古尔邦节, 肉孜节) and Tibet (藏历新年,
    /// 雪顿节) have regional holidays; the crate ships none of their dates.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::{CalendarYear, WorkCalendar};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// // Illustrative dates only, not a region's real table.
    /// let layer = CalendarYear::from_toml(r#"
    ///     year = 2026
    ///     region = "示例自治区"
    ///     [[holiday]]
    ///     name = "示例节"
    ///     from = 2026-04-20
    ///     to = 2026-04-21
    /// "#)?;
    /// let regional = WorkCalendar::china().with_regional(layer)?;
    /// assert!(!regional.is_working_day(d(2026, 4, 20))?);
    /// assert!(WorkCalendar::china().is_working_day(d(2026, 4, 20))?);
    /// # Ok::<(), dangjian::period::CalendarError>(())
    /// ```
    ///
    /// # Errors
    /// As [`WorkCalendar::add_regional`].
    pub fn with_regional(&self, table: CalendarYear) -> Result<WorkCalendar, CalendarError> {
        let mut cal = self.clone();
        cal.add_regional(table)?;
        Ok(cal)
    }

    /// Layers a regional table in place (see
    /// [`WorkCalendar::with_regional`]).
    ///
    /// # Errors
    /// Those of [`CalendarYear::validate`]; [`CalendarError::NotRegional`]
    /// for a table without a region; [`CalendarError::RegionMismatch`] for
    /// a second region; [`CalendarError::NoNationalTable`] when the year
    /// has no national table; [`CalendarError::HolidayAndWorkingDay`] when
    /// a regional holiday is a national working day or the reverse. The
    /// calendar is unchanged on an error.
    pub fn add_regional(&mut self, table: CalendarYear) -> Result<(), CalendarError> {
        table.validate()?;
        let region = match table.region.as_deref().map(str::trim) {
            Some(region) if !region.is_empty() => region.to_owned(),
            _ => return Err(CalendarError::NotRegional { year: table.year }),
        };
        if let Some(layered) = &self.region {
            if *layered != region {
                return Err(CalendarError::RegionMismatch {
                    layered: layered.clone(),
                    given: region,
                });
            }
        }
        if !self.tables.contains_key(&table.year) {
            return Err(CalendarError::NoNationalTable {
                year: table.year,
                region,
            });
        }
        let mut regional = self.regional.clone();
        regional.insert(table.year, table);
        let index = Self::fold(&self.tables, &regional)?;
        self.regional = regional;
        self.region = Some(region);
        self.index = index;
        Ok(())
    }

    /// Every listed day with whether it is worked, refusing a day listed
    /// both ways, folded into an index.
    fn fold(
        tables: &BTreeMap<i32, CalendarYear>,
        regional: &BTreeMap<i32, CalendarYear>,
    ) -> Result<Index, CalendarError> {
        let mut days: BTreeMap<NaiveDate, bool> = BTreeMap::new();
        for table in tables.values().chain(regional.values()) {
            let listed = table
                .days_off()
                .map(|d| (d, false))
                .chain(table.working_days().map(|d| (d, true)));
            for (date, worked) in listed {
                if *days.entry(date).or_insert(worked) != worked {
                    return Err(CalendarError::HolidayAndWorkingDay { date });
                }
            }
        }
        Ok(Index::build(&days))
    }

    /// Working days before the day numbered `day`, counted from day 1
    /// (see [`weekdays_before`]), tables included.
    pub(super) fn count_before(&self, day: i64) -> i64 {
        weekdays_before(day) + self.index.before(day)
    }

    /// Whether the day numbered `day` is worked (no coverage check).
    fn worked(&self, day: i64) -> bool {
        self.count_before(day + 1) > self.count_before(day)
    }

    /// `Ok` when every date from `from` to `to` is covered or falls back.
    pub(super) fn check(&self, from: NaiveDate, to: NaiveDate) -> Result<(), CalendarError> {
        if self.weekdays_beyond_tables {
            return Ok(());
        }
        // Stops at the first year without a table: at most one more step
        // than there are tables.
        for year in from.year()..=to.year() {
            if !self.tables.contains_key(&year) {
                let date = NaiveDate::from_ymd_opt(year, 1, 1).map_or(from, |d| d.max(from));
                return Err(CalendarError::NotCovered { date, year });
            }
        }
        Ok(())
    }

    /// 是否工作日: whether people work on `date`.
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] for a year without a table, unless the
    /// calendar falls back to Monday–Friday.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        self.check(date, date)?;
        Ok(self.worked(day_number(date)))
    }

    /// 工作日天数: the working days from `from` to `to`, both included.
    /// Constant time (two lookups in the running counts).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::WorkCalendar;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let cal = WorkCalendar::china();
    /// // 国庆 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
    /// // 28, 29, 30 September, 9, 10, 11 October.
    /// assert_eq!(cal.working_days_between(d(2025, 9, 27), d(2025, 10, 12))?, 6);
    /// assert_eq!(cal.working_days_between(d(2026, 1, 1), d(2026, 12, 31))?, 248);
    /// # Ok::<(), dangjian::period::CalendarError>(())
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::RangeReversed`] when `from` is after `to`;
    /// [`CalendarError::NotCovered`] for the first date in a year without a
    /// table, unless the calendar falls back to Monday–Friday.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<u32, CalendarError> {
        if from > to {
            return Err(CalendarError::RangeReversed { from, to });
        }
        self.check(from, to)?;
        let n = self.count_before(day_number(to) + 1) - self.count_before(day_number(from));
        // At most the days chrono represents, which fit in a u32.
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// 顺延 (Civil Code Art. 203): the first working day on or after
    /// `date`, where a deadline that falls on a rest day ends.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::period::WorkCalendar;
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let cal = WorkCalendar::china();
    /// // Saturday 2024-10-05, in 国庆 (1–7 October): the next working day is Tuesday 10-08.
    /// assert_eq!(cal.next_working_day(d(2024, 10, 5))?, d(2024, 10, 8));
    /// assert_eq!(cal.next_working_day(d(2024, 10, 8))?, d(2024, 10, 8));
    /// # Ok::<(), dangjian::period::CalendarError>(())
    /// ```
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] when a date up to the answer lies in a
    /// year without a table (and the calendar does not fall back).
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.check(date, date)?;
        let end = self
            .nth_working_day_from(date, 1)
            .ok_or(CalendarError::DateOverflow {
                start: date,
                length: super::Length::WorkingDays(1),
            })?;
        self.check(date, end)?;
        Ok(end)
    }

    /// The `n`-th working day (`n` ≥ 1) counting from `from` inclusive,
    /// with no coverage check; `None` past chrono's last date. A binary
    /// search over the running counts: constant work per step.
    pub(super) fn nth_working_day_from(&self, from: NaiveDate, n: u32) -> Option<NaiveDate> {
        let lo = day_number(from);
        let target = self.count_before(lo) + i64::from(n);
        // Most periods end within twice their length plus the longest
        // break; search there first, else up to chrono's last date.
        let near = lo + 2 * i64::from(n) + 40;
        let last = day_number(NaiveDate::MAX);
        let mut hi = if near < last && self.count_before(near + 1) >= target {
            near
        } else {
            last
        };
        let mut lo = lo;
        if self.count_before(hi + 1) < target {
            return None;
        }
        // The smallest day d with count_before(d + 1) >= target.
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.count_before(mid + 1) >= target {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        date_of(lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_arithmetic_matches_chrono() {
        let start = NaiveDate::from_ymd_opt(-3, 12, 25).unwrap_or_default();
        let mut count = 0_i64;
        let base = weekdays_before(day_number(start));
        for date in start.iter_days().take(800) {
            assert_eq!(weekdays_before(day_number(date)) - base, count, "{date}");
            count += i64::from(is_weekday(date));
        }
    }
}
