//! 党费 (party dues): rules as data, the calculator, the append-only ledger,
//! arrears and reports.
//!
//! Sources (`docs/RULES.md` DUES-1 … DUES-20): **Dues 2008**
//! (关于中国共产党党费收缴、使用和管理的规定), **Dues 2017**
//! (组电明字〔2017〕5号) and **Charter Art. 9** (six months unpaid).
//! Company and county platforms (a dues calculator, online payment, the
//! dues e-ledger 党费电子台账) describe the practice.
//!
//! - rules: a [`DuesRules`] set per version (`dues-2008`, `dues-2017`),
//!   [`DuesRuleBook`] with local variants per organisation subtree;
//! - profiles: a member's category and yearly income declarations
//!   ([`DuesProfile`], [`IncomeDeclaration`]);
//! - the calculator: the amount for a month ([`compute`]), the
//!   [`Explanation`] on request, and a compact [`Assessor`] for assessing a
//!   million members at once;
//! - the ledger: append-only entries ([`LedgerEntry`]), oldest-first
//!   allocation ([`allocate`]), [`Balances`];
//! - arrears: consecutive unpaid months ([`scan_arrears`]) and
//!   [`SelfDepartureCase`]s;
//! - reports: per branch and month ([`BranchMonthReport`]), roll-ups,
//!   [`MemberStatement`]s and CSV ([`write_reports_csv`]).
//!
//! This module is the core: sync, no I/O, no store.

pub(crate) mod arrears;
pub(crate) mod calc;
pub(crate) mod ledger;
pub(crate) mod liability;
pub(crate) mod money;
pub(crate) mod profile;
pub(crate) mod report;
mod request;
pub(crate) mod rules;

pub use arrears::{
    ArrearsLine, CaseDecision, CaseStatus, SelfDepartureCase, cases_to_open, member_arrears,
    scan_arrears,
};
pub use calc::{
    Assessor, CategoryCode, CompactMember, Computation, Explanation, amount_for, compute, explain,
    monthly_amount,
};
pub use ledger::{
    Balances, EntryId, ExternalPaymentId, LedgerEntry, LedgerEntryKind, MemberBalance,
    MonthBalance, MonthBalances, NewLedgerEntry, NewPayment, PayAhead, PaymentOutcome, Relief,
    ReliefKind, allocate, check_relief, check_reversal,
};
pub use liability::{DuesLiability, dues_liability};
pub use money::{Money, Rounding, RoundingMode, RoundingUnit};
pub use profile::{BaseStep, DuesProfile, Income, IncomeDeclaration};
pub use report::{
    BranchMonthReport, MemberStatement, StatementLine, UnpaidLine, payers_in, report_day,
    unpaid_list, write_reports_csv, write_unpaid_csv,
};
pub use request::{
    ArrearsScan, AssessMonth, AssessmentRun, DecideCase, DeclareIncome, PaymentRequest,
    ReliefRequest, Reversal,
};
pub use rules::{
    AmountFixing, BaseDefinition, CurrentMonth, DuesRuleBook, DuesRules, RateBand,
    ThresholdReading, national_dues_rules,
};

use crate::MemberId;
use crate::member::OccupationCategory;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// 党费错误: why a dues operation was refused. Nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DuesError {
    /// An amount that is not a number.
    #[error("`{input}` is not an amount of yuan")]
    NotANumber {
        /// The text given.
        input: String,
    },
    /// An amount with more than two decimals (fen is the smallest unit).
    #[error("`{input}` has more than two decimals")]
    TooManyDecimals {
        /// The amount given.
        input: String,
    },
    /// A negative amount where only zero or more makes sense.
    #[error("{field} must not be negative (got {amount})")]
    Negative {
        /// Which field.
        field: &'static str,
        /// The amount given.
        amount: Money,
    },
    /// A payment of zero or less.
    #[error("a payment must be more than zero (got {0})")]
    NonPositivePayment(Money),
    /// The deductions are larger than the wage they are deducted from.
    #[error("deductions {deductions} are larger than the income {income}")]
    DeductionsExceedIncome {
        /// The monthly income.
        income: Money,
        /// The sum of deductions.
        deductions: Money,
    },
    /// A category name this library does not know.
    #[error("unknown dues category `{0}`")]
    UnknownCategory(String),
    /// The income given does not fit the category (a pension for an
    /// in-service member, no pension for a retiree).
    #[error("category {category:?} needs {needs}")]
    IncomeDoesNotFitCategory {
        /// The category.
        category: OccupationCategory,
        /// What it needs.
        needs: &'static str,
    },
    /// A month that does not exist, or text that is not `YYYY-MM`.
    #[error("`{0}` is not a month (YYYY-MM)")]
    InvalidMonth(String),
    /// A rule set that breaks its own constraints.
    #[error("invalid dues rules: {0}")]
    InvalidRules(String),
    /// No rule version applies to the month.
    #[error("no dues rule version applies in {0}")]
    NoRuleVersion(Month),
    /// The member has no income declaration covering the month.
    #[error("{member} has no income declaration for {month}")]
    NoDeclaration {
        /// The member.
        member: MemberId,
        /// The month.
        month: Month,
    },
    /// A month before the member started paying (probationary members pay
    /// from the month of acceptance).
    #[error("{month} is before {member} started paying dues in {pays_from}")]
    MonthBeforeJoining {
        /// The member.
        member: MemberId,
        /// The month asked for.
        month: Month,
        /// The first month the member pays.
        pays_from: Month,
    },
    /// A ledger entry that does not exist.
    #[error("ledger entry {0} does not exist")]
    UnknownEntry(EntryId),
    /// An entry that cannot be reversed (already reversed, a reversal, an
    /// allocation reversed with its payment).
    #[error("ledger entry {id} cannot be reversed: {reason}")]
    CannotReverse {
        /// The entry.
        id: EntryId,
        /// Why.
        reason: &'static str,
    },
    /// A reduction or exemption overlapping another one of the member.
    #[error("{member}: relief for {months} overlaps relief for {existing}")]
    ReliefOverlaps {
        /// The member.
        member: MemberId,
        /// The months asked for.
        months: MonthRange,
        /// The months of the existing relief.
        existing: MonthRange,
    },
    /// A payment larger than what it may cover (arrears, the current month
    /// and the months the branch allowed ahead), apart from a declared
    /// voluntary part.
    #[error(
        "payment exceeds what is due up to {limit} by {excess}; declare the excess as voluntary or get the branch's consent to pay further ahead"
    )]
    PaysTooFarAhead {
        /// The last month the payment may cover.
        limit: Month,
        /// The amount left over.
        excess: Money,
    },
    /// Paying ahead past the current year without the branch's leave.
    #[error("paying ahead to {0} goes past the current year; the branch must allow it")]
    AheadPastYear(Month),
    /// The same external payment id recorded with different content.
    #[error("external payment id `{0}` was already recorded with different content")]
    PaymentIdConflict(String),
    /// An empty or over-long external payment id.
    #[error("an external payment id has 1–128 printable characters")]
    InvalidPaymentId,
    /// A month already assessed for the member.
    #[error("{member} is already assessed for {month}")]
    AlreadyAssessed {
        /// The member.
        member: MemberId,
        /// The month.
        month: Month,
    },
    /// A self-departure case that is not open.
    #[error("self-departure case {0} is not open")]
    CaseNotOpen(crate::CaseId),
    /// A required reason is missing.
    #[error("a reason is required")]
    ReasonRequired,
    /// An amount out of range.
    #[error("amount out of range")]
    Overflow,
    /// The person is not (yet) a party member: no month of acceptance.
    #[error("{0} is not a party member (no month of acceptance), so pays no dues")]
    NotAMember(MemberId),
    /// The organisation a relief was reported to is not above the branch.
    #[error("{0} is not a higher committee of the member's branch")]
    NotHigherCommittee(crate::OrgId),
    /// A voluntary part larger than the payment.
    #[error("the voluntary part {voluntary} is larger than the payment {amount}")]
    VoluntaryExceedsPayment {
        /// The payment.
        amount: Money,
        /// The voluntary part.
        voluntary: Money,
    },
    /// A date after today.
    #[error("{0} is in the future")]
    InTheFuture(NaiveDate),
    /// An amount, or a total built from amounts, past ±[`Money::MAX`]
    /// (999,999,999,999.99 yuan, the SQL column's range; `docs/RULES.md`
    /// DUES-21).
    #[error("`{input}` is outside the range of an amount (±999999999999.99 yuan)")]
    OutOfRange {
        /// The amount or the sum given.
        input: String,
    },
    /// A date earlier than what it depends on: a payment received before
    /// the member's record or the ledger starts, a relief reported or
    /// approved before it was requested (`docs/RULES.md` DUES-22).
    #[error("{what} {date} is before {earliest_what} {earliest}")]
    DatedTooEarly {
        /// Which date (`the payment's date`, `the report date` …).
        what: &'static str,
        /// The date given.
        date: NaiveDate,
        /// What it may not precede.
        earliest_what: &'static str,
        /// The earliest date allowed.
        earliest: NaiveDate,
    },
}

/// 月份 (a calendar month), the unit dues are assessed in; serialized as
/// `"YYYY-MM"`.
///
/// ```
/// use dangjian::dues::Month;
/// let m: Month = "2024-06".parse()?;
/// assert_eq!(m.next().to_string(), "2024-07");
/// assert_eq!(Month::new(2024, 12).map(|m| m.next().to_string()), Some("2025-01".into()));
/// assert!("2024-13".parse::<Month>().is_err());
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month(i32);

impl Month {
    /// The month `month` (1–12) of `year`; `None` for a month out of range.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
            return None;
        }
        i32::try_from(month - 1).ok().map(|m| Self(year * 12 + m))
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self(date.year() * 12 + i32::try_from(date.month0()).unwrap_or(0))
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month number, 1–12.
    pub fn month(self) -> u32 {
        u32::try_from(self.0.rem_euclid(12)).unwrap_or(0) + 1
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or_default()
    }

    /// The next month.
    pub fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }

    /// The previous month.
    pub fn prev(self) -> Self {
        Self(self.0.saturating_sub(1))
    }

    /// January of the same year.
    pub fn january(self) -> Self {
        Self(self.year() * 12)
    }

    /// December of the same year.
    pub fn december(self) -> Self {
        Self(self.year() * 12 + 11)
    }

    /// The last month of the same quarter.
    pub fn quarter_end(self) -> Self {
        Self(self.0 - self.0.rem_euclid(3) + 2)
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_until(self, later: Month) -> i32 {
        later.0 - self.0
    }

    /// A dense index (year × 12 + month − 1), for compact storage.
    pub fn index(self) -> i32 {
        self.0
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl fmt::Debug for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for Month {
    type Err = DuesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || DuesError::InvalidMonth(s.to_owned());
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        let y: i32 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        Self::new(y, m).ok_or_else(bad)
    }
}

impl TryFrom<String> for Month {
    type Error = DuesError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Month> for String {
    fn from(m: Month) -> Self {
        m.to_string()
    }
}

/// 月份区间 (a range of months), both ends inclusive.
///
/// ```
/// use dangjian::dues::{Month, MonthRange};
/// let r = MonthRange::new("2024-03".parse()?, "2024-05".parse()?)?;
/// assert!(r.contains("2024-05".parse()?));
/// assert_eq!(r.len(), 3);
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRange")]
pub struct MonthRange {
    /// The first month.
    pub first: Month,
    /// The last month.
    pub last: Month,
}

#[derive(Deserialize)]
struct RawRange {
    first: Month,
    last: Month,
}

impl TryFrom<RawRange> for MonthRange {
    type Error = DuesError;
    fn try_from(r: RawRange) -> Result<Self, Self::Error> {
        Self::new(r.first, r.last)
    }
}

impl MonthRange {
    /// The months `first..=last`.
    ///
    /// # Errors
    /// [`DuesError::InvalidMonth`] when `last` is before `first`.
    pub fn new(first: Month, last: Month) -> Result<Self, DuesError> {
        if last < first {
            return Err(DuesError::InvalidMonth(format!("{first}..{last}")));
        }
        Ok(Self { first, last })
    }

    /// Whether `m` is in the range.
    pub fn contains(&self, m: Month) -> bool {
        self.first <= m && m <= self.last
    }

    /// Whether the two ranges share a month.
    pub fn overlaps(&self, other: &MonthRange) -> bool {
        self.first <= other.last && other.first <= self.last
    }

    /// The number of months.
    pub fn len(&self) -> usize {
        usize::try_from(self.first.months_until(self.last) + 1).unwrap_or(0)
    }

    /// Always false: a range has at least one month.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The months, in order.
    pub fn iter(&self) -> impl Iterator<Item = Month> {
        let last = self.last;
        std::iter::successors(Some(self.first), move |m| (*m < last).then(|| m.next()))
    }
}

impl fmt::Display for MonthRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.first, self.last)
    }
}

/// Parses a category name (snake_case, as serialized: `in_service`,
/// `retiree`, `farmer`, `student`, `unemployed`, `minimum_allowance`,
/// `other_income`).
///
/// ```
/// use dangjian::dues::parse_category;
/// use dangjian::member::OccupationCategory;
/// assert_eq!(parse_category("retiree"), Ok(OccupationCategory::Retiree));
/// assert!(parse_category("astronaut").is_err());
/// ```
///
/// # Errors
/// [`DuesError::UnknownCategory`].
pub fn parse_category(s: &str) -> Result<OccupationCategory, DuesError> {
    use OccupationCategory as C;
    Ok(match s.trim() {
        "in_service" => C::InService,
        "retiree" => C::Retiree,
        "farmer" => C::Farmer,
        "student" => C::Student,
        "unemployed" => C::Unemployed,
        "minimum_allowance" => C::MinimumAllowance,
        "other_income" => C::OtherIncome,
        "annual_salary" => C::AnnualSalary,
        "self_employed" => C::SelfEmployed,
        "survivor_relief" => C::SurvivorRelief,
        other => return Err(DuesError::UnknownCategory(other.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_and_serde() {
        let m = Month::new(2024, 11).unwrap_or(Month(0));
        assert_eq!(m.quarter_end().to_string(), "2024-12");
        assert_eq!(m.january().to_string(), "2024-01");
        assert_eq!(Month::of(m.first_day()), m);
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert_eq!(json, "\"2024-11\"");
        assert_eq!(serde_json::from_str::<Month>(&json).ok(), Some(m));
        assert!(serde_json::from_str::<Month>("\"2024-00\"").is_err());
        let r = MonthRange::new(m, m.next());
        let r = r.unwrap_or(MonthRange { first: m, last: m });
        let back: Option<MonthRange> =
            serde_json::from_str(&serde_json::to_string(&r).unwrap_or_default()).ok();
        assert_eq!(back, Some(r));
        assert!(
            serde_json::from_str::<MonthRange>(r#"{"first":"2024-05","last":"2024-04"}"#).is_err()
        );
        assert_eq!(r.iter().count(), 2);
    }
}
