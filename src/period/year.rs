//! 年度节假日安排 (a year's holiday table): the dates of one State Council
//! notice, or of a region's own holidays, as data read from TOML.

use super::CalendarError;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The years a table may be for (the first national holiday rules,
/// 全国年节及纪念日放假办法, date from December 1949).
const YEARS: std::ops::RangeInclusive<i32> = 1949..=2199;

/// The tables shipped in the crate (`calendars/cn/*.toml`), one per year,
/// each from that year's State Council notice (`docs/RULES.md` P-6).
pub(crate) const SHIPPED: [(i32, &str); 7] = [
    (2020, include_str!("../../calendars/cn/2020.toml")),
    (2021, include_str!("../../calendars/cn/2021.toml")),
    (2022, include_str!("../../calendars/cn/2022.toml")),
    (2023, include_str!("../../calendars/cn/2023.toml")),
    (2024, include_str!("../../calendars/cn/2024.toml")),
    (2025, include_str!("../../calendars/cn/2025.toml")),
    (2026, include_str!("../../calendars/cn/2026.toml")),
];

/// 年度节假日安排 (a year's holiday table): the holidays and adjusted
/// working days (调休上班) of one year, and the notices they come from.
///
/// A national table is the State Council's yearly notice
/// (国务院办公厅关于某年部分节假日安排的通知, issued each autumn for the
/// next year), and any later notice that changes it (for 2020 the Spring
/// Festival extension, 国办发明电〔2020〕1号). A regional table (with a
/// [`region`](Self::region)) adds a region's own holidays over the national
/// one, see [`WorkCalendar::with_regional`](super::WorkCalendar::with_regional).
///
/// The TOML format of `calendars/cn/*.toml`:
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::period::CalendarYear;
/// let table = CalendarYear::from_toml(r#"
///     year = 2026
///
///     [[notice]]
///     title = "国务院办公厅关于2026年部分节假日安排的通知"
///     issued = 2025-11-04
///     urls = ["https://www.gov.cn/zhengce/content/202511/content_7047090.htm"]
///
///     [[holiday]]
///     name = "元旦"
///     from = 2026-01-01
///     to = 2026-01-03
///     working_days = [2026-01-04]
/// "#)?;
/// assert_eq!(table.year, 2026);
/// assert_eq!(table.holidays[0].working_days, [NaiveDate::from_ymd_opt(2026, 1, 4).unwrap()]);
/// # Ok::<(), dangjian::period::CalendarError>(())
/// ```
///
/// Dates may lie up to a month into the neighbouring years (the 2023 table
/// starts 元旦 on 31 December 2022); which day is which is decided by every
/// loaded table together, while a date counts as *covered* only when its
/// own year has a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    /// The year the table is for.
    pub year: i32,
    /// 地区: `None` for a national table; for a regional one the region it
    /// applies in (e.g. `"广西壮族自治区"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The notices the dates come from, in the order issued.
    #[serde(default, rename = "notice")]
    pub notices: Vec<Notice>,
    /// The holidays, each a range of days off with its adjusted working
    /// days.
    #[serde(default, rename = "holiday")]
    pub holidays: Vec<Holiday>,
}

/// 通知 (a notice): where a table's dates come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// The title, e.g. `国务院办公厅关于2025年部分节假日安排的通知`.
    pub title: String,
    /// 文号, e.g. `国办发明电〔2024〕12号`, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The date of issue.
    #[serde(deserialize_with = "date::one")]
    pub issued: NaiveDate,
    /// Where it is published: the official page first, then a copy.
    #[serde(default)]
    pub urls: Vec<String>,
}

/// 节日 (a holiday): the days off `from` … `to`, inclusive, and the
/// weekend days worked in exchange (调休上班).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    /// The name, e.g. `春节`.
    pub name: String,
    /// The first day off.
    #[serde(deserialize_with = "date::one")]
    pub from: NaiveDate,
    /// The last day off.
    #[serde(deserialize_with = "date::one")]
    pub to: NaiveDate,
    /// The Saturdays and Sundays worked for this holiday.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "date::many"
    )]
    pub working_days: Vec<NaiveDate>,
    /// A remark (what a later notice changed, what is not a holiday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Holiday {
    /// The days off, `from` to `to` (empty when reversed).
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.from.iter_days().take_while(move |d| *d <= self.to)
    }
}

impl CalendarYear {
    /// Reads a table from TOML (the format above) and checks it.
    ///
    /// # Errors
    /// [`CalendarError::Toml`] for text that is not a table (unknown fields
    /// included); otherwise as [`CalendarYear::validate`].
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let table: Self = toml::from_str(text)?;
        table.validate()?;
        Ok(table)
    }

    /// Checks the table on its own: the year in 1949 … 2199, every range
    /// in order, every date within a month of the year, every adjusted
    /// working day a Saturday or Sunday, and no date both a holiday and a
    /// working day. [`WorkCalendar::add_year`](super::WorkCalendar::add_year)
    /// checks again, against the other tables.
    ///
    /// # Errors
    /// [`CalendarError::YearOutOfRange`], [`CalendarError::RangeReversed`],
    /// [`CalendarError::DateOutsideYear`],
    /// [`CalendarError::WorkingDayNotWeekend`],
    /// [`CalendarError::HolidayAndWorkingDay`].
    pub fn validate(&self) -> Result<(), CalendarError> {
        let year = self.year;
        if !YEARS.contains(&year) {
            return Err(CalendarError::YearOutOfRange { year });
        }
        let (first, last) = match (
            NaiveDate::from_ymd_opt(year - 1, 12, 1),
            NaiveDate::from_ymd_opt(year + 1, 1, 31),
        ) {
            (Some(first), Some(last)) => (first, last),
            _ => return Err(CalendarError::YearOutOfRange { year }),
        };
        let near = |date: NaiveDate| {
            if (first..=last).contains(&date) {
                Ok(())
            } else {
                Err(CalendarError::DateOutsideYear { year, date })
            }
        };
        for h in &self.holidays {
            near(h.from)?;
            near(h.to)?;
            if h.from > h.to {
                return Err(CalendarError::RangeReversed {
                    from: h.from,
                    to: h.to,
                });
            }
            for &date in &h.working_days {
                near(date)?;
                let weekday = date.weekday();
                if !matches!(weekday, Weekday::Sat | Weekday::Sun) {
                    return Err(CalendarError::WorkingDayNotWeekend { date, weekday });
                }
            }
        }
        let off: BTreeSet<NaiveDate> = self.holidays.iter().flat_map(Holiday::days).collect();
        match self.working_days().find(|d| off.contains(d)) {
            Some(date) => Err(CalendarError::HolidayAndWorkingDay { date }),
            None => Ok(()),
        }
    }

    /// Every day off of the table, holiday by holiday.
    pub fn days_off(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().flat_map(Holiday::days)
    }

    /// Every adjusted working day (调休上班) of the table.
    pub fn working_days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays
            .iter()
            .flat_map(|h| h.working_days.iter().copied())
    }
}

/// Dates read from a TOML date (`2026-01-01`, which the TOML reader hands
/// over as a one-entry map) or from a string (`"2026-01-01"`, as in JSON).
mod date {
    use chrono::NaiveDate;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, Visitor};
    use std::fmt;

    struct DateVisitor;

    impl<'de> Visitor<'de> for DateVisitor {
        type Value = NaiveDate;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date, YYYY-MM-DD")
        }

        fn visit_str<E: de::Error>(self, s: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|e| E::custom(format!("{s:?} is not a date YYYY-MM-DD: {e}")))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
            // The TOML reader's form of a date: one private key, the text.
            match map.next_entry::<String, String>()? {
                Some((key, text)) if key.starts_with("$__toml") => self.visit_str(&text),
                _ => Err(de::Error::custom("expected a date, YYYY-MM-DD")),
            }
        }
    }

    struct Date(NaiveDate);

    impl<'de> Deserialize<'de> for Date {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(DateVisitor).map(Date)
        }
    }

    pub(super) fn one<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_any(DateVisitor)
    }

    pub(super) fn many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<NaiveDate>, D::Error> {
        Vec::<Date>::deserialize(d).map(|v| v.into_iter().map(|Date(d)| d).collect())
    }
}
