//! 发展党员规则 (development rules): the numbers the lifecycle guards use,
//! as data with an effective date (`docs/RULES.md` DEV-2 … DEV-11).

use crate::period::{CalendarError, Counting, Length, WorkCalendar};
use crate::rules::Versioned;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 公示期 (public notice before admission), counted from the day the notice
/// is posted, inclusive ([`Counting::Inclusive`]). **Configurable**: most
/// provinces use 5 working days or 7 days. [`docs/RULES.md` P-5, DEV-8;
/// Development 2014]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::NoticePeriod;
/// use dangjian::period::{CalendarError, WorkCalendar};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let cal = WorkCalendar::china();
/// // Posted Tuesday 2024-10-08, after 国庆: seven days end Monday 10-14 …
/// assert_eq!(NoticePeriod::Days(7).last_day(d(2024, 10, 8), &cal)?, d(2024, 10, 14));
/// // … five working days end Saturday 10-12, an adjusted working day …
/// assert_eq!(NoticePeriod::WorkingDays(5).last_day(d(2024, 10, 8), &cal)?, d(2024, 10, 12));
/// // … and posted the Monday before, they run past the holiday to Friday 10-11.
/// assert_eq!(NoticePeriod::WorkingDays(5).last_day(d(2024, 9, 30), &cal)?, d(2024, 10, 11));
/// // The shipped calendar has no table for 2019.
/// assert!(matches!(
///     NoticePeriod::WorkingDays(5).last_day(d(2019, 10, 8), &cal),
///     Err(CalendarError::NotCovered { year: 2019, .. })
/// ));
/// # Ok::<(), CalendarError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticePeriod {
    /// 公示 n 天: `n` calendar days, the posting day included.
    Days(u32),
    /// 公示 n 个工作日: `n` working days of the [`WorkCalendar`], the posting
    /// day included when it is a working day.
    WorkingDays(u32),
}

impl NoticePeriod {
    /// 公示期满日: the last day of a notice posted on `posted_on`, the
    /// posting day included ([`WorkCalendar::last_day`] with
    /// [`Counting::Inclusive`]).
    ///
    /// # Errors
    /// [`CalendarError::ZeroLength`] for a period of zero;
    /// [`CalendarError::NotCovered`] for working days in a year the calendar
    /// has no table for; [`CalendarError::DateOverflow`] past the end of
    /// the calendar.
    pub fn last_day(
        self,
        posted_on: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Result<NaiveDate, CalendarError> {
        calendar.last_day(posted_on, self.into(), Counting::Inclusive)
    }
}

impl From<NoticePeriod> for Length {
    fn from(period: NoticePeriod) -> Self {
        match period {
            NoticePeriod::Days(n) => Length::Days(n),
            NoticePeriod::WorkingDays(n) => Length::WorkingDays(n),
        }
    }
}

/// 发展党员工作规则 (development rules): the periods and thresholds of the
/// member lifecycle. Wrap them in a [`Versioned`] so that every transition
/// is checked against the version in force on its date; see
/// [`national_rules`] for the national default.
///
/// ```
/// use dangjian::lifecycle::{DevelopmentRules, NoticePeriod};
/// let mut zhejiang = DevelopmentRules::national_2014();
/// zhejiang.notice = NoticePeriod::Days(7);
/// assert_eq!(zhejiang.probation_months, 12);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevelopmentRules {
    /// 申请年龄: minimum age in full years (周岁) on the application date.
    /// [Charter Art. 1]
    pub min_application_age: u32,
    /// 积极分子培养期: minimum months as an activist before becoming a
    /// development target, met on the anniversary. [Development 2014 Art. 13]
    pub min_activist_months: u32,
    /// 集中培训: minimum days of concentrated training (either this or
    /// [`Self::min_training_hours`] suffices). [Development 2014 Art. 17]
    pub min_training_days: u32,
    /// 集中培训: minimum class hours of concentrated training.
    /// [Development 2014 Art. 17]
    pub min_training_hours: u32,
    /// 公示期: the public notice before admission. **Configurable**.
    /// [`docs/RULES.md` DEV-8]
    pub notice: NoticePeriod,
    /// 审批期限: months within which the higher committee approves an
    /// admission. [Development 2014 Art. 20–21]
    pub approval_months: u32,
    /// 特殊情况审批期限: the approval limit in special cases.
    /// [Development 2014 Art. 20–21]
    pub approval_months_special: u32,
    /// 预备期: months of probation from the admission resolution.
    /// [Charter Art. 7]
    pub probation_months: u32,
    /// 延长预备期 (shortest): an extension's minimum months.
    /// [Development 2014 Art. 32]
    pub extension_min_months: u32,
    /// 延长预备期 (longest): an extension's maximum months.
    /// [Development 2014 Art. 32]
    pub extension_max_months: u32,
    /// 满一年: whether a year (the activist year, the probation) is met on
    /// its anniversary or on the day after (an open reading,
    /// `docs/RULES.md` "Open readings"). Default: on the anniversary.
    #[serde(default)]
    pub full_year: FullYear,
}

/// 满一年 (when a period of whole months is met): on the same-numbered day
/// (the anniversary; DOMAIN's worked example: an activist from 2017-08-09
/// qualifies on 2018-08-09), or only on the day after it, once the
/// anniversary day itself has passed. Applies to the activist year
/// (DEV-4) and to the probation before conversion (DEV-10, DEV-12).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::FullYear;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// assert_eq!(FullYear::OnAnniversary.met_on(d(2017, 8, 9), 12), Some(d(2018, 8, 9)));
/// assert_eq!(FullYear::DayAfter.met_on(d(2017, 8, 9), 12), Some(d(2018, 8, 10)));
/// // 29 February falls to the month's last day first.
/// assert_eq!(FullYear::DayAfter.met_on(d(2024, 2, 29), 12), Some(d(2025, 3, 1)));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FullYear {
    /// 周年当日: met on the anniversary (the default).
    #[default]
    OnAnniversary,
    /// 次日: met on the day after the anniversary.
    DayAfter,
}

impl FullYear {
    /// The first day `months` from `start` count as met (`None` past the
    /// calendar's range).
    pub fn met_on(self, start: NaiveDate, months: u32) -> Option<NaiveDate> {
        let anniversary = crate::period::add_months(start, months)?;
        match self {
            Self::OnAnniversary => Some(anniversary),
            Self::DayAfter => anniversary.succ_opt(),
        }
    }
}

impl DevelopmentRules {
    /// 全国规定 (2014): the national defaults — age 18, one year as an
    /// activist, 3 days or 24 class hours of training, a notice of 5 working
    /// days, approval within 3 months (6 in special cases), probation of 12
    /// months, extendable once by 6–12 months. [Charter Art. 1, 7;
    /// Development 2014 Art. 13, 17, 20–21, 32; `docs/RULES.md` DEV-2 …
    /// DEV-11]
    pub fn national_2014() -> Self {
        Self {
            min_application_age: 18,
            min_activist_months: 12,
            min_training_days: 3,
            min_training_hours: 24,
            notice: NoticePeriod::WorkingDays(5),
            approval_months: 3,
            approval_months_special: 6,
            probation_months: 12,
            extension_min_months: 6,
            extension_max_months: 12,
            full_year: FullYear::OnAnniversary,
        }
    }
}

/// 细则施行日: 中国共产党发展党员工作细则 was issued and took effect on
/// 2014-06-10.
const DEVELOPMENT_2014_EFFECTIVE: NaiveDate = match NaiveDate::from_ymd_opt(2014, 6, 10) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// 全国规则版本 (national rule versions): one version, `"development-2014"`,
/// effective 2014-06-10 with [`DevelopmentRules::national_2014`].
/// [Development 2014]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::lifecycle::national_rules;
/// let rules = national_rules();
/// let v = rules.at(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).unwrap();
/// assert_eq!(v.name, "development-2014");
/// assert!(rules.at(NaiveDate::from_ymd_opt(2014, 6, 9).unwrap()).is_none());
/// ```
pub fn national_rules() -> Versioned<DevelopmentRules> {
    Versioned::single(
        "development-2014",
        DEVELOPMENT_2014_EFFECTIVE,
        DevelopmentRules::national_2014(),
    )
}
