//! 党费计算 (the calculator): the amount for one member and month, the
//! explanation a treasurer shows the member, and a compact assessor for
//! whole organisations.
//!
//! In-service members (and members with other income) pay a rate on the
//! **whole** base, not in bands; retirees a rate on the basic pension;
//! farmers, students, the unemployed and minimum-allowance recipients a flat
//! amount [Dues 2008 §1]. From 2017 the monthly amount is capped (generally
//! no more than 1000 yuan) [Dues 2017 s.1(1)]. The amount is rounded as the
//! version says, then capped.
//!
//! The hot path ([`Assessor::assess_all`]) runs over [`CompactMember`]s
//! (precomputed base, category code, rule index): no allocation, no
//! explanation. [`explain`] builds the explanation on request.

use super::ledger::{Relief, ReliefKind};
use super::profile::{BaseStep, DuesProfile};
use super::rules::{AmountFixing, DuesRules, RateBand};
use super::{DuesError, Money, Month, Rounding};
use crate::MemberId;
use crate::member::OccupationCategory;
use crate::rules::RuleVersion;
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 计算过程 (one computation, step by step; no relief applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Computation {
    /// The band, for rate-based categories.
    pub band: Option<RateBand>,
    /// The flat amount, for flat categories.
    pub flat: Option<Money>,
    /// Base × rate, before rounding (the flat amount for flat categories).
    pub unrounded: Decimal,
    /// After rounding.
    pub rounded: Money,
    /// Whether the cap cut the amount.
    pub capped: bool,
    /// The monthly amount.
    pub amount: Money,
}

/// 应缴党费 (the monthly amount) for `category` with `base` under `rules`,
/// with its steps. `base` is ignored for flat categories.
///
/// ```
/// use dangjian::dues::{compute, DuesRules, Money};
/// use dangjian::member::OccupationCategory::InService;
/// let m = |s: &str| s.parse::<Money>().unwrap();
/// assert_eq!(compute(&DuesRules::dues_2017(), InService, m("60000"))?.amount, m("1000"));
/// assert_eq!(compute(&DuesRules::dues_2008(), InService, m("60000"))?.amount, m("1200"));
/// assert_eq!(compute(&DuesRules::dues_2008(), InService, m("3000.01"))?.amount, m("30.00"));
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
///
/// # Errors
/// [`DuesError::OutOfRange`] when the rounded amount passes
/// [`Money::MAX`] (only with rates above 100%, which
/// [`DuesRules::validate`] refuses, or at the very top of the range).
pub fn compute(
    rules: &DuesRules,
    category: OccupationCategory,
    base: Money,
) -> Result<Computation, DuesError> {
    use OccupationCategory as C;
    let flat = match category {
        C::Farmer => Some(rules.farmer_flat),
        C::Student | C::Unemployed | C::MinimumAllowance | C::SurvivorRelief => {
            Some(rules.low_income_flat)
        }
        _ => None,
    };
    if let Some(f) = flat {
        return Ok(Computation {
            band: None,
            flat: Some(f),
            unrounded: f.amount(),
            rounded: f,
            capped: false,
            amount: f,
        });
    }
    let band = rules.band_for(category, base).copied();
    let rate = band.map_or(Decimal::ZERO, |b| b.rate);
    let unrounded = base
        .amount()
        .checked_mul(rate)
        .ok_or_else(|| DuesError::OutOfRange {
            input: format!("{base} × {rate}"),
        })?;
    let rounded = Money::rounded(unrounded, rules.rounding)?;
    let amount = rules.monthly_cap.map_or(rounded, |c| rounded.min(c));
    Ok(Computation {
        band,
        flat: None,
        unrounded,
        rounded,
        capped: amount != rounded,
        amount,
    })
}

/// The monthly amount alone (see [`compute`]).
///
/// # Errors
/// As [`compute`].
pub fn amount_for(
    rules: &DuesRules,
    category: OccupationCategory,
    base: Money,
) -> Result<Money, DuesError> {
    Ok(compute(rules, category, base)?.amount)
}

/// 党费计算说明 (the explanation of one month's amount): rule version, base
/// and how it was derived, band and rate, unrounded and rounded amount,
/// cap, relief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The member.
    pub member: MemberId,
    /// The month.
    pub month: Month,
    /// The rule version's name (`dues-2017`, or a local variant).
    pub rule_version: String,
    /// The day that version took effect.
    pub effective_from: NaiveDate,
    /// How the amount is fixed under that version.
    pub fixing: AmountFixing,
    /// The category.
    pub category: OccupationCategory,
    /// The month of the declaration used.
    pub declaration_from: Month,
    /// The base (none for flat categories).
    pub base: Option<Money>,
    /// How the base was derived.
    pub base_steps: Vec<BaseStep>,
    /// The band (rate-based categories).
    pub band: Option<RateBand>,
    /// The flat amount (flat categories).
    pub flat: Option<Money>,
    /// Before rounding.
    pub unrounded: Decimal,
    /// The rounding applied.
    pub rounding: Rounding,
    /// After rounding.
    pub rounded: Money,
    /// The cap in force, if any.
    pub cap: Option<Money>,
    /// Whether the cap cut the amount.
    pub capped: bool,
    /// A reduction or exemption covering the month.
    pub relief: Option<ReliefKind>,
    /// The amount due for the month.
    pub amount: Money,
}

/// 党费计算说明: explains `month`'s amount for `profile` under `version`,
/// with `relief` if one covers the month.
///
/// ```
/// use dangjian::dues::{explain, DuesProfile, DuesRuleBook, Income, IncomeDeclaration, Money};
/// use dangjian::member::OccupationCategory;
/// use dangjian::MemberId;
/// let m = |s: &str| s.parse::<Money>().unwrap();
/// let mut p = DuesProfile::new(MemberId::new(1), "2020-07".parse()?);
/// p.declare(IncomeDeclaration {
///     from: "2024-01".parse()?,
///     category: OccupationCategory::Retiree,
///     income: Income::Pension { basic_pension: m("5000.01") },
/// })?;
/// let book = DuesRuleBook::national();
/// let month = "2024-06".parse()?;
/// let e = explain(book.rules_for(&[], month)?, &p, month, None)?;
/// assert_eq!(e.amount, m("50.00")); // above 5000: 1% on the whole pension
/// assert_eq!(e.rule_version, "dues-2017");
/// assert!(e.to_string().contains("1%"));
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
///
/// # Errors
/// [`DuesError::MonthBeforeJoining`] and [`DuesError::NoDeclaration`] (see
/// [`DuesProfile::declaration_for`]).
pub fn explain(
    version: &RuleVersion<DuesRules>,
    profile: &DuesProfile,
    month: Month,
    relief: Option<&Relief>,
) -> Result<Explanation, DuesError> {
    let rules = &version.rules;
    let decl = profile.declaration_for(month, rules.fixing)?;
    let (base, steps) = match decl.income.base(rules.base) {
        Some((b, s)) => (Some(b), s),
        None => (None, Vec::new()),
    };
    let c = compute(rules, decl.category, base.unwrap_or(Money::ZERO))?;
    let relief = relief.filter(|r| r.months.contains(month));
    let amount = relief.map_or(c.amount, |r| c.amount.minus_or_zero(r.exempted(c.amount)));
    Ok(Explanation {
        member: profile.member,
        month,
        rule_version: version.name.clone(),
        effective_from: version.effective_from,
        fixing: rules.fixing,
        category: decl.category,
        declaration_from: decl.from,
        base,
        base_steps: steps,
        band: c.band,
        flat: c.flat,
        unrounded: c.unrounded,
        rounding: rules.rounding,
        rounded: c.rounded,
        cap: rules.monthly_cap,
        capped: c.capped,
        relief: relief.map(|r| r.kind),
        amount,
    })
}

/// The amount due for `month` (see [`explain`], without building the text).
///
/// # Errors
/// As [`explain`].
pub fn monthly_amount(
    rules: &DuesRules,
    profile: &DuesProfile,
    month: Month,
) -> Result<(OccupationCategory, Money), DuesError> {
    let decl = profile.declaration_for(month, rules.fixing)?;
    let base = decl.income.base(rules.base).map_or(Money::ZERO, |b| b.0);
    Ok((decl.category, amount_for(rules, decl.category, base)?))
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} {}: rule {} (from {}), {:?}, declaration of {}",
            self.member,
            self.month,
            self.rule_version,
            self.effective_from,
            self.category,
            self.declaration_from
        )?;
        for s in &self.base_steps {
            writeln!(f, "  {:<52} {:>10}", s.label, s.amount)?;
        }
        if let Some(flat) = self.flat {
            writeln!(f, "  flat amount 定额 (Dues 2008): {flat}")?;
        }
        if let (Some(b), Some(base)) = (self.band, self.base) {
            let edge = b
                .up_to
                .map_or("top band".to_owned(), |u| format!("band ≤ {u}"));
            writeln!(
                f,
                "  {edge}: {} × {}% = {} (unrounded)",
                base,
                (b.rate * Decimal::ONE_HUNDRED).normalize(),
                self.unrounded.normalize()
            )?;
            writeln!(f, "  rounded {}: {}", self.rounding, self.rounded)?;
        }
        if self.capped {
            if let Some(cap) = self.cap {
                writeln!(f, "  capped at {cap} a month (Dues 2017 s.1(1))")?;
            }
        }
        if let Some(r) = self.relief {
            writeln!(f, "  relief: {r:?}")?;
        }
        write!(
            f,
            "  amount due 应缴: {} yuan ({})",
            self.amount, self.rounding
        )
    }
}

/// 计算类别码: how a compact member is assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum CategoryCode {
    /// Rate table for wages (in service, other income).
    WageRate = 0,
    /// Rate table for pensions.
    PensionRate = 1,
    /// The farmers' flat amount.
    FarmerFlat = 2,
    /// The low-income flat amount.
    LowIncomeFlat = 3,
}

impl From<OccupationCategory> for CategoryCode {
    fn from(c: OccupationCategory) -> Self {
        use OccupationCategory as C;
        match c {
            C::InService | C::OtherIncome | C::AnnualSalary | C::SelfEmployed => Self::WageRate,
            C::Retiree => Self::PensionRate,
            C::Farmer => Self::FarmerFlat,
            C::Student | C::Unemployed | C::MinimumAllowance | C::SurvivorRelief => {
                Self::LowIncomeFlat
            }
        }
    }
}

/// 批量核定的党员 (a compact member): what the hot path needs — the base in
/// force for the month, the category code and the index of the rule
/// version in the [`Assessor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompactMember {
    /// The base (yuan), precomputed from the declaration in force.
    pub base: Decimal,
    /// Index into the assessor's rule versions.
    pub rules: u16,
    /// How to assess.
    pub category: CategoryCode,
}

#[derive(Debug, Clone)]
struct CompiledTable {
    bands: Vec<(Decimal, Decimal)>,
    top: Decimal,
}

impl CompiledTable {
    fn new(table: &[RateBand]) -> Self {
        Self {
            bands: table
                .iter()
                .filter_map(|b| b.up_to.map(|u| (u.amount(), b.rate)))
                .collect(),
            top: table.last().map_or(Decimal::ZERO, |b| b.rate),
        }
    }

    #[inline]
    fn rate(&self, base: Decimal) -> Decimal {
        for (edge, rate) in &self.bands {
            if base <= *edge {
                return *rate;
            }
        }
        self.top
    }
}

#[derive(Debug, Clone)]
struct Compiled {
    wage: CompiledTable,
    pension: CompiledTable,
    farmer: Money,
    low: Money,
    cap: Decimal,
    dp: u32,
    strategy: RoundingStrategy,
}

/// 批量核定器 (the assessor): rule versions compiled for the hot path.
///
/// ```
/// use dangjian::dues::{Assessor, CompactMember, DuesRules, Money};
/// use dangjian::dues::CategoryCode;
/// use rust_decimal::Decimal;
/// let a = Assessor::new(&[DuesRules::dues_2017()])?;
/// let ms = [
///     CompactMember { base: Decimal::new(6_000_000, 2), rules: 0, category: CategoryCode::WageRate },
///     CompactMember { base: Decimal::ZERO, rules: 0, category: CategoryCode::LowIncomeFlat },
/// ];
/// let mut out = Vec::new();
/// a.assess_all(&ms, &mut out);
/// assert_eq!(out, vec![Money::from_fen(100_000), Money::from_fen(20)]);
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Assessor {
    rules: Vec<Compiled>,
}

impl Assessor {
    /// Compiles `rules`; a [`CompactMember::rules`] indexes this slice.
    /// Each version is checked first ([`DuesRules::validate`]): a rate
    /// outside 0–1 could overflow the product in the hot path.
    ///
    /// ```
    /// use dangjian::dues::{Assessor, DuesRules};
    /// use rust_decimal::Decimal;
    /// let mut bad = DuesRules::dues_2017();
    /// if let Some(top) = bad.in_service.last_mut() { top.rate = Decimal::MAX; }
    /// assert!(Assessor::new(&[bad]).is_err());
    /// ```
    ///
    /// # Errors
    /// [`DuesError::InvalidRules`] for a version `validate` refuses.
    pub fn new(rules: &[DuesRules]) -> Result<Self, DuesError> {
        for r in rules {
            r.validate()?;
        }
        Ok(Self {
            rules: rules
                .iter()
                .map(|r| Compiled {
                    wage: CompiledTable::new(&r.in_service),
                    pension: CompiledTable::new(&r.retiree),
                    farmer: r.farmer_flat,
                    low: r.low_income_flat,
                    cap: r.monthly_cap.map_or(Decimal::MAX, Money::amount),
                    dp: match r.rounding.unit {
                        super::RoundingUnit::Fen => 2,
                        super::RoundingUnit::Jiao => 1,
                    },
                    strategy: r.rounding.mode.strategy(),
                })
                .collect(),
        })
    }

    /// The amount for one compact member; zero for an unknown rule index
    /// or a base whose amount would pass [`Money::MAX`] (a base beyond the
    /// range of an amount; [`Assessor::try_assess`] says so).
    #[inline]
    pub fn assess(&self, m: &CompactMember) -> Money {
        self.try_assess(m).unwrap_or(Money::ZERO)
    }

    /// The amount for one compact member.
    ///
    /// # Errors
    /// [`DuesError::InvalidRules`] for an unknown rule index;
    /// [`DuesError::OutOfRange`] when the amount passes [`Money::MAX`].
    #[inline]
    pub fn try_assess(&self, m: &CompactMember) -> Result<Money, DuesError> {
        let Some(r) = self.rules.get(usize::from(m.rules)) else {
            return Err(DuesError::InvalidRules(format!(
                "no rule version {}",
                m.rules
            )));
        };
        let table = match m.category {
            CategoryCode::WageRate => &r.wage,
            CategoryCode::PensionRate => &r.pension,
            CategoryCode::FarmerFlat => return Ok(r.farmer),
            CategoryCode::LowIncomeFlat => return Ok(r.low),
        };
        // Rates are 0–1 (checked in `new`), so the product cannot exceed the
        // base; `checked_mul` keeps even a hand-built member panic-free.
        let product =
            m.base
                .checked_mul(table.rate(m.base))
                .ok_or_else(|| DuesError::OutOfRange {
                    input: m.base.to_string(),
                })?;
        let mut v = product.round_dp_with_strategy(r.dp, r.strategy);
        if v > r.cap {
            v = r.cap;
        }
        if v.scale() != 2 {
            v.rescale(2);
        }
        Money::from_rounded(v)
    }

    /// Assesses every member into `out` (cleared first), in order.
    pub fn assess_all(&self, members: &[CompactMember], out: &mut Vec<Money>) {
        out.clear();
        out.reserve(members.len());
        out.extend(members.iter().map(|m| self.assess(m)));
    }
}

#[cfg(test)]
mod tests;
