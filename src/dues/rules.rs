//! 党费规则 (dues rules) as data, with effective dates and local variants.
//!
//! Two built-in versions (`docs/RULES.md` DUES-1 … DUES-18):
//! - `dues-2008` (Dues 2008 §1): the rate table on the whole base, base =
//!   regular monthly wage after personal income tax, a new wage changes the
//!   amount from the month it is first received, no cap;
//! - `dues-2017` (Dues 2017 s.1(1)–(3)): the base also excludes social
//!   insurance, housing fund and annuities; the branch fixes each member's
//!   monthly amount at the start of the year; generally no more than 1000
//!   yuan a month.
//!
//! Everything else (the farmers' flat amount in 0.2–1 yuan, the rounding)
//! is **configurable**: an organisation adopts a local [`Versioned`] set
//! for its subtree in a [`DuesRuleBook`].

use super::{DuesError, Money, Month, Rounding};
use crate::OrgId;
use crate::member::OccupationCategory;
use crate::rules::{RuleVersion, Versioned};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 费率档 (a rate band): bases up to `up_to` (inclusive, 以下 includes the
/// number) pay `rate` on the whole base; `None` is the top band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateBand {
    /// The inclusive upper edge, in yuan; `None` for the top band.
    pub up_to: Option<Money>,
    /// The rate, e.g. `0.005` for 0.5%.
    pub rate: Decimal,
}

/// 计算基数口径 (base definition).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaseDefinition {
    /// Dues 2008: regular monthly wage (irregular subsidies excluded) less
    /// personal income tax.
    Dues2008,
    /// Dues 2017 s.1(2)–(3): as 2008, and also less the member's own social
    /// insurance, housing fund and occupational/enterprise annuity
    /// contributions.
    Dues2017,
}

/// 党费额度何时变动 (when the amount changes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountFixing {
    /// Dues 2008: from the month a new wage is first received.
    FromFirstWageMonth,
    /// Dues 2017 s.1(1): fixed by the branch at the start of the year, from
    /// the declaration in force in January (or in the first month paid).
    FixedForYear,
}

/// 党费规则 (one version of the dues rules). Build a local variant from a
/// built-in one and change fields, then [`DuesRules::validate`].
///
/// ```
/// use dangjian::dues::{DuesRules, Money, Rounding};
/// let mut local = DuesRules::dues_2017();
/// local.farmer_flat = "0.50".parse()?;
/// local.rounding = Rounding::JIAO_HALF_UP;
/// local.validate()?;
/// local.farmer_flat = "1.50".parse()?;
/// assert!(local.validate().is_err()); // farmers pay 0.2–1 yuan
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
///
/// Deserializing checks the rules ([`DuesRules::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct DuesRules {
    /// How the base is derived.
    pub base: BaseDefinition,
    /// When the amount changes.
    pub fixing: AmountFixing,
    /// 在职党员 (and other income) rate table, ascending [Dues 2008 §1].
    pub in_service: Vec<RateBand>,
    /// 离退休党员 rate table on the basic pension [Dues 2008].
    pub retiree: Vec<RateBand>,
    /// 农民党员: flat monthly amount, 0.2–1 yuan by place [Dues 2008].
    pub farmer_flat: Money,
    /// 学生、下岗失业、低保党员: flat monthly amount (0.2 yuan) [Dues 2008].
    pub low_income_flat: Money,
    /// 每月党费上限: the monthly cap on rate-based amounts, if any
    /// [Dues 2017 s.1(1): generally no more than 1000 yuan].
    pub monthly_cap: Option<Money>,
    /// How amounts are rounded (**configurable**).
    pub rounding: Rounding,
    /// 大额党费: a one-off voluntary payment of this much or more
    /// (1000元以上 includes 1000) is forwarded to the Central Organisation
    /// Department [Dues 2008 Art. 11; Dues 2017 s.1(1)].
    pub large_voluntary: Money,
    /// Consecutive unpaid months that open a self-departure case
    /// [Charter Art. 9: six].
    pub self_departure_months: u32,
    /// Open reading (`docs/RULES.md` "Open readings", DUES-13): whether
    /// "1000元以上" includes 1000. Default: it does
    /// ([`ThresholdReading::Inclusive`]). Older stored rule sets without
    /// the field read the default.
    #[serde(default)]
    pub large_voluntary_reading: ThresholdReading,
    /// Open reading (`docs/RULES.md` "Open readings", DUES-17): whether
    /// the current, still-payable month counts toward the unpaid months
    /// that open a self-departure case. Default: only months that are over
    /// ([`CurrentMonth::NotCounted`]).
    #[serde(default)]
    pub current_month: CurrentMonth,
}

/// 以上 (a threshold's reading): whether "N以上" includes N.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdReading {
    /// N or more (the default: 以上 includes the number, as 以下 does).
    #[default]
    Inclusive,
    /// More than N.
    Exclusive,
}

impl ThresholdReading {
    /// Whether `amount` reaches `threshold` under this reading.
    ///
    /// ```
    /// use dangjian::dues::{Money, ThresholdReading};
    /// let t = Money::from_fen(100_000);
    /// assert!(ThresholdReading::Inclusive.reaches(t, t));
    /// assert!(!ThresholdReading::Exclusive.reaches(t, t));
    /// assert!(ThresholdReading::Exclusive.reaches(Money::from_fen(100_001), t));
    /// ```
    pub fn reaches(self, amount: Money, threshold: Money) -> bool {
        match self {
            Self::Inclusive => amount >= threshold,
            Self::Exclusive => amount > threshold,
        }
    }
}

/// 当月是否计入 (the current month and the six unpaid months): the month
/// being scanned may still be paid, so it may or may not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurrentMonth {
    /// Only months that are over count (the default): a scan in June counts
    /// up to May.
    #[default]
    NotCounted,
    /// The current month counts as soon as it is assessed and unpaid.
    Counted,
}

impl CurrentMonth {
    /// The last month counted toward the unpaid run when scanning `as_of`
    /// in `current` (the clock's month).
    ///
    /// ```
    /// use dangjian::dues::{CurrentMonth, Month};
    /// let june: Month = "2024-06".parse()?;
    /// assert_eq!(CurrentMonth::NotCounted.last_counted(june, june).to_string(), "2024-05");
    /// assert_eq!(CurrentMonth::Counted.last_counted(june, june), june);
    /// assert_eq!(CurrentMonth::NotCounted.last_counted(june.prev(), june), june.prev());
    /// # Ok::<(), dangjian::dues::DuesError>(())
    /// ```
    pub fn last_counted(self, as_of: Month, current: Month) -> Month {
        match self {
            Self::NotCounted if as_of >= current => current.prev(),
            _ => as_of,
        }
    }
}

checked_serde!(DuesRules, |rules| rules.validate());

fn rate(permille_tenths: i64) -> Decimal {
    Decimal::new(permille_tenths, 3)
}

fn band(up_to: Option<i64>, rate_tenths: i64) -> RateBand {
    RateBand {
        up_to: up_to.and_then(|y| Money::try_from_fen(y * 100).ok()),
        rate: rate(rate_tenths),
    }
}

impl DuesRules {
    /// `dues-2008`: Dues 2008 §1.
    pub fn dues_2008() -> Self {
        Self {
            base: BaseDefinition::Dues2008,
            fixing: AmountFixing::FromFirstWageMonth,
            in_service: vec![
                band(Some(3000), 5),
                band(Some(5000), 10),
                band(Some(10000), 15),
                band(None, 20),
            ],
            retiree: vec![band(Some(5000), 5), band(None, 10)],
            farmer_flat: Money::from_fen(20),
            low_income_flat: Money::from_fen(20),
            monthly_cap: None,
            rounding: Rounding::FEN_HALF_UP,
            large_voluntary: Money::from_fen(100_000),
            self_departure_months: 6,
            large_voluntary_reading: ThresholdReading::Inclusive,
            current_month: CurrentMonth::NotCounted,
        }
    }

    /// `dues-2017`: Dues 2017 s.1(1)–(3) on the 2008 rate table.
    pub fn dues_2017() -> Self {
        Self {
            base: BaseDefinition::Dues2017,
            fixing: AmountFixing::FixedForYear,
            monthly_cap: Some(Money::from_fen(100_000)),
            ..Self::dues_2008()
        }
    }

    /// Checks the version's own constraints.
    ///
    /// # Errors
    /// [`DuesError::InvalidRules`] naming the broken one: rate tables empty,
    /// not ascending or without a top band; a rate outside 0–1; the farmers'
    /// flat amount outside 0.2–1 yuan; a negative flat amount or cap; zero
    /// months for self-departure.
    pub fn validate(&self) -> Result<(), DuesError> {
        let bad = |s: &str| Err(DuesError::InvalidRules(s.to_owned()));
        for (name, table) in [("in-service", &self.in_service), ("retiree", &self.retiree)] {
            let Some(last) = table.last() else {
                return bad(&format!("the {name} rate table is empty"));
            };
            if last.up_to.is_some() {
                return bad(&format!(
                    "the {name} rate table needs a top band (up_to = none)"
                ));
            }
            let mut prev: Option<Money> = None;
            for b in table {
                if b.rate < Decimal::ZERO || b.rate > Decimal::ONE {
                    return bad(&format!("a {name} rate {} is outside 0–1", b.rate));
                }
                if let (Some(p), Some(u)) = (prev, b.up_to) {
                    if u <= p {
                        return bad(&format!("the {name} bands are not ascending"));
                    }
                }
                if b.up_to.is_none() && !std::ptr::eq(b, last) {
                    return bad(&format!("only the last {name} band may be open"));
                }
                prev = b.up_to;
            }
        }
        if self.farmer_flat < Money::from_fen(20) || self.farmer_flat > Money::from_fen(100) {
            return bad("the farmers' flat amount must be 0.2–1 yuan (Dues 2008)");
        }
        if self.low_income_flat.is_negative() {
            return bad("the flat amount must not be negative");
        }
        if self
            .monthly_cap
            .is_some_and(|c| c.is_negative() || c.is_zero())
        {
            return bad("the monthly cap must be more than zero");
        }
        if self.self_departure_months == 0 {
            return bad("self-departure needs at least one month");
        }
        Ok(())
    }

    /// 大额党费: whether a one-off voluntary part of `voluntary` is a
    /// large payment, forwarded in full to the Central Organisation
    /// Department [Dues 2008 Art. 11], under
    /// [`DuesRules::large_voluntary_reading`].
    ///
    /// ```
    /// use dangjian::dues::{DuesRules, Money, ThresholdReading};
    /// let mut r = DuesRules::dues_2017();
    /// assert!(r.is_large_voluntary(Money::from_fen(100_000)));
    /// r.large_voluntary_reading = ThresholdReading::Exclusive;
    /// assert!(!r.is_large_voluntary(Money::from_fen(100_000)));
    /// ```
    pub fn is_large_voluntary(&self, voluntary: Money) -> bool {
        self.large_voluntary_reading
            .reaches(voluntary, self.large_voluntary)
    }

    /// The band a base falls in for a rate-based category (`None` for flat
    /// categories).
    pub fn band_for(&self, category: OccupationCategory, base: Money) -> Option<&RateBand> {
        let table = match category {
            OccupationCategory::InService
            | OccupationCategory::OtherIncome
            | OccupationCategory::AnnualSalary
            | OccupationCategory::SelfEmployed => &self.in_service,
            OccupationCategory::Retiree => &self.retiree,
            _ => return None,
        };
        table
            .iter()
            .find(|b| b.up_to.is_none_or(|u| base <= u))
            .or(table.last())
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// 全国党费规则: the national versions — `dues-2008` from 2008-01-01 (the
/// regulation was issued early in 2008; an integrator whose records start
/// later replaces the date) and `dues-2017` from 2017-01-01.
pub fn national_dues_rules() -> Versioned<DuesRules> {
    let v = Versioned::new(vec![
        RuleVersion {
            name: "dues-2008".into(),
            effective_from: day(2008, 1, 1),
            rules: DuesRules::dues_2008(),
        },
        RuleVersion {
            name: "dues-2017".into(),
            effective_from: day(2017, 1, 1),
            rules: DuesRules::dues_2017(),
        },
    ]);
    v.unwrap_or_else(|_| Versioned::single("dues-2017", day(2017, 1, 1), DuesRules::dues_2017()))
}

/// 党费规则手册 (dues rule book): the national versions and the local
/// variants an organisation adopts for its subtree. The nearest organisation
/// with a variant in force wins; otherwise the national version applies.
///
/// ```
/// use dangjian::dues::{DuesRuleBook, DuesRules, Month};
/// use dangjian::rules::Versioned;
/// use dangjian::OrgId;
/// let mut book = DuesRuleBook::national();
/// let mut local = DuesRules::dues_2017();
/// local.farmer_flat = "1.00".parse()?;
/// let from = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
/// book.adopt(OrgId::new(1), Versioned::single("zj-2020", from, local))?;
/// let m: Month = "2024-06".parse()?;
/// // A branch under org 1 (chain: branch 7, then 1):
/// assert_eq!(book.rules_for(&[OrgId::new(7), OrgId::new(1)], m)?.name, "zj-2020");
/// assert_eq!(book.rules_for(&[OrgId::new(8)], m)?.name, "dues-2017");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuesRuleBook {
    /// The national versions.
    pub national: Versioned<DuesRules>,
    /// Local variants by the organisation whose subtree adopts them.
    pub local: BTreeMap<OrgId, Versioned<DuesRules>>,
}

impl Default for DuesRuleBook {
    fn default() -> Self {
        Self::national()
    }
}

impl DuesRuleBook {
    /// The national versions, no local variant.
    pub fn national() -> Self {
        Self {
            national: national_dues_rules(),
            local: BTreeMap::new(),
        }
    }

    /// Adopts `versions` for `org`'s subtree (replacing an earlier variant).
    ///
    /// # Errors
    /// [`DuesError::InvalidRules`] when a version breaks its constraints.
    pub fn adopt(&mut self, org: OrgId, versions: Versioned<DuesRules>) -> Result<(), DuesError> {
        for v in versions.versions() {
            v.rules
                .validate()
                .map_err(|e| DuesError::InvalidRules(format!("{}: {e}", v.name)))?;
        }
        self.local.insert(org, versions);
        Ok(())
    }

    /// 台账起点 (the ledger's start): the day the first national version
    /// takes effect (2008-01-01 for the built-in book); no payment is
    /// dated before it (`docs/RULES.md` DUES-22).
    ///
    /// ```
    /// use dangjian::dues::DuesRuleBook;
    /// assert_eq!(DuesRuleBook::national().ledger_start(), chrono::NaiveDate::from_ymd_opt(2008, 1, 1));
    /// ```
    pub fn ledger_start(&self) -> Option<NaiveDate> {
        self.national
            .versions()
            .iter()
            .map(|v| v.effective_from)
            .min()
    }

    /// The version in force in `month` for a branch whose chain (the branch
    /// first, then its ancestors, nearest first) is `chain`.
    ///
    /// # Errors
    /// [`DuesError::NoRuleVersion`] before the first national version.
    pub fn rules_for(
        &self,
        chain: &[OrgId],
        month: Month,
    ) -> Result<&RuleVersion<DuesRules>, DuesError> {
        let day = month.first_day();
        chain
            .iter()
            .filter_map(|o| self.local.get(o))
            .find_map(|v| v.at(day))
            .or_else(|| self.national.at(day))
            .ok_or(DuesError::NoRuleVersion(month))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_are_valid_and_round_trip() {
        for r in [DuesRules::dues_2008(), DuesRules::dues_2017()] {
            assert_eq!(r.validate(), Ok(()));
            let json = serde_json::to_string(&r).unwrap_or_default();
            assert_eq!(serde_json::from_str::<DuesRules>(&json).ok(), Some(r));
        }
        let mut book = DuesRuleBook::national();
        let adopted = book.adopt(OrgId::new(3), national_dues_rules());
        assert_eq!(adopted, Ok(()));
        let json = serde_json::to_string(&book).unwrap_or_default();
        assert_eq!(serde_json::from_str::<DuesRuleBook>(&json).ok(), Some(book));
    }

    #[test]
    fn farmer_flat_edges() {
        let mut r = DuesRules::dues_2017();
        for (fen, ok) in [(19, false), (20, true), (100, true), (101, false)] {
            r.farmer_flat = Money::from_fen(fen);
            assert_eq!(r.validate().is_ok(), ok, "{fen}");
        }
    }

    #[test]
    fn bad_tables_are_refused() {
        let mut r = DuesRules::dues_2008();
        r.in_service.reverse();
        assert!(r.validate().is_err());
        let mut r = DuesRules::dues_2008();
        r.retiree.clear();
        assert!(r.validate().is_err());
        let mut r = DuesRules::dues_2008();
        r.in_service.pop();
        assert!(r.validate().is_err());
    }

    #[test]
    fn versions_switch_at_2017() {
        let book = DuesRuleBook::national();
        let name = |y, m| {
            Month::new(y, m)
                .and_then(|m| book.rules_for(&[], m).ok())
                .map(|v| v.name.clone())
        };
        assert_eq!(name(2016, 12).as_deref(), Some("dues-2008"));
        assert_eq!(name(2017, 1).as_deref(), Some("dues-2017"));
        assert!(name(2007, 12).is_none());
    }
}
