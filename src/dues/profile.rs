//! 党费档案 (dues profile): a member's category and income declarations.
//!
//! Each declaration states the category (在职, 离退休, 农民 …) and the income
//! from a month on: the regular monthly wage with its deductions, or the
//! basic pension. Under Dues 2008 a declaration applies from its month (the
//! month a new wage is first received); under Dues 2017 s.1(1) the branch
//! fixes the year's amount from the declaration in force in January.
//! Probationary members pay from the month of acceptance
//! (`docs/RULES.md` DUES-12), which is [`DuesProfile::pays_from`].

use super::rules::{AmountFixing, BaseDefinition};
use super::{DuesError, Money, Month, Rounding};
use crate::MemberId;
use crate::member::OccupationCategory;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// 收入申报 (the income part of a declaration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Income {
    /// 工资收入: monthly wage and what comes off it (all in yuan a month).
    Wage {
        /// 月工资总额: the whole monthly pay, including the items below.
        monthly_wage: Money,
        /// 个人所得税.
        income_tax: Money,
        /// 个人缴纳的社会保险 (own contributions).
        social_insurance: Money,
        /// 住房公积金 (own contributions).
        housing_fund: Money,
        /// 职业年金、企业年金 (own contributions).
        annuity: Money,
        /// 不固定的津贴补贴、改革性补贴、奖励性绩效 (irregular items, never
        /// in the base).
        irregular: Money,
    },
    /// 基本养老金 (retirees).
    Pension {
        /// The basic pension a month.
        basic_pension: Money,
    },
    /// No income (flat-rate categories: farmers, students, the unemployed,
    /// minimum-allowance recipients, members living on a survivor pension
    /// or relief).
    None,
    /// 年薪制: the pay actually received in the month (declare it for each
    /// month paid) [Dues 2008 Art. 3; `docs/RULES.md` DUES-10].
    MonthPay {
        /// 当月实际领取 (the pay received that month, after tax).
        received: Money,
    },
    /// 无固定月收入: the previous quarter's net income; the base is its
    /// monthly average (a third, rounded half-up to the fen)
    /// [Dues 2008 Art. 4; `docs/RULES.md` DUES-11].
    PreviousQuarter {
        /// 上季度纯收入 (the previous quarter's net income, in total).
        net_income: Money,
    },
}

/// 基数推导 (one line of how a base was derived, for the explanation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseStep {
    /// What the line is (`月工资总额`, `− 个人所得税` …).
    pub label: String,
    /// The amount.
    pub amount: Money,
}

impl Income {
    /// A monthly wage with nothing taken off yet (add deductions with the
    /// struct form, [`Income::Wage`]).
    pub fn wage(monthly_wage: Money) -> Self {
        Self::Wage {
            monthly_wage,
            income_tax: Money::ZERO,
            social_insurance: Money::ZERO,
            housing_fund: Money::ZERO,
            annuity: Money::ZERO,
            irregular: Money::ZERO,
        }
    }

    fn amounts(&self) -> Vec<(&'static str, Money)> {
        match *self {
            Income::Wage {
                monthly_wage,
                income_tax,
                social_insurance,
                housing_fund,
                annuity,
                irregular,
            } => vec![
                ("monthly_wage", monthly_wage),
                ("income_tax", income_tax),
                ("social_insurance", social_insurance),
                ("housing_fund", housing_fund),
                ("annuity", annuity),
                ("irregular", irregular),
            ],
            Income::Pension { basic_pension } => vec![("basic_pension", basic_pension)],
            Income::MonthPay { received } => vec![("received", received)],
            Income::PreviousQuarter { net_income } => vec![("net_income", net_income)],
            Income::None => vec![],
        }
    }

    /// 计算基数: the base under `definition`, with the lines that derive
    /// it. `None` for [`Income::None`].
    pub fn base(&self, definition: BaseDefinition) -> Option<(Money, Vec<BaseStep>)> {
        let step = |label: &str, amount| BaseStep {
            label: label.to_owned(),
            amount,
        };
        match *self {
            Income::Wage {
                monthly_wage,
                income_tax,
                social_insurance,
                housing_fund,
                annuity,
                irregular,
            } => {
                let mut steps = vec![
                    step("月工资总额 monthly wage", monthly_wage),
                    step(
                        "− 不固定津贴补贴 irregular items (Dues 2008; Dues 2017 s.1(3))",
                        irregular,
                    ),
                    step("− 个人所得税 income tax (Dues 2008)", income_tax),
                ];
                // Each step stays between zero and the wage (a declaration
                // refuses negative deductions: `validate`).
                let mut base = monthly_wage
                    .minus_or_zero(irregular)
                    .minus_or_zero(income_tax);
                if definition == BaseDefinition::Dues2017 {
                    steps.push(step(
                        "− 社会保险 social insurance (Dues 2017 s.1(2))",
                        social_insurance,
                    ));
                    steps.push(step(
                        "− 住房公积金 housing fund (Dues 2017 s.1(2))",
                        housing_fund,
                    ));
                    steps.push(step("− 职业/企业年金 annuity (Dues 2017 s.1(2))", annuity));
                    base = base
                        .minus_or_zero(social_insurance)
                        .minus_or_zero(housing_fund)
                        .minus_or_zero(annuity);
                }
                let base = base.non_negative();
                steps.push(step("= 计算基数 base", base));
                Some((base, steps))
            }
            Income::Pension { basic_pension } => Some((
                basic_pension,
                vec![step(
                    "基本养老金 basic pension = base (Dues 2008)",
                    basic_pension,
                )],
            )),
            Income::MonthPay { received } => Some((
                received,
                vec![step(
                    "当月实际领取 pay received this month = base (Dues 2008 Art. 3)",
                    received,
                )],
            )),
            Income::PreviousQuarter { net_income } => {
                // net_income ≤ MAX, so a third of it is within the range.
                let avg = Money::rounded(
                    net_income.amount() / Decimal::from(3),
                    Rounding::FEN_HALF_UP,
                )
                .unwrap_or(Money::ZERO);
                Some((
                    avg,
                    vec![
                        step("上季度纯收入 previous quarter's net income", net_income),
                        step(
                            "÷ 3 = 月平均 monthly average, half-up to 0.01 (Dues 2008 Art. 4) = base",
                            avg,
                        ),
                    ],
                ))
            }
            Income::None => None,
        }
    }
}

/// 收入申报 (an income declaration): category and income from a month on.
///
/// ```
/// use dangjian::dues::{Income, IncomeDeclaration, Money};
/// use dangjian::member::OccupationCategory;
/// let m = |s: &str| s.parse::<Money>().unwrap();
/// let ok = IncomeDeclaration {
///     from: "2024-01".parse()?,
///     category: OccupationCategory::InService,
///     income: Income::Wage {
///         monthly_wage: m("8000"), income_tax: m("100"), social_insurance: m("800"),
///         housing_fund: m("600"), annuity: m("0"), irregular: m("500"),
///     },
/// };
/// assert!(ok.validate().is_ok());
/// let mut bad = ok.clone();
/// bad.income = Income::Pension { basic_pension: m("3000") };
/// assert!(bad.validate().is_err()); // a pension for an in-service member
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncomeDeclaration {
    /// The first month it applies (the month a new wage is first received).
    pub from: Month,
    /// 职业类别.
    pub category: OccupationCategory,
    /// The income.
    pub income: Income,
}

impl IncomeDeclaration {
    /// Checks the declaration.
    ///
    /// # Errors
    /// [`DuesError::Negative`] for a negative amount,
    /// [`DuesError::DeductionsExceedIncome`] when tax, contributions and
    /// irregular items together exceed the wage, and
    /// [`DuesError::IncomeDoesNotFitCategory`] for a wage-based category
    /// without a wage or a retiree without a pension.
    pub fn validate(&self) -> Result<(), DuesError> {
        for (field, amount) in self.income.amounts() {
            if amount.is_negative() {
                return Err(DuesError::Negative { field, amount });
            }
        }
        if let Income::Wage {
            monthly_wage,
            income_tax,
            social_insurance,
            housing_fund,
            annuity,
            irregular,
        } = self.income
        {
            let deductions = [
                income_tax,
                social_insurance,
                housing_fund,
                annuity,
                irregular,
            ]
            .into_iter()
            .try_fold(Money::ZERO, Money::checked_add)
            .ok_or(DuesError::Overflow)?;
            if deductions > monthly_wage {
                return Err(DuesError::DeductionsExceedIncome {
                    income: monthly_wage,
                    deductions,
                });
            }
        }
        use OccupationCategory as C;
        let fits = match (self.category, &self.income) {
            (C::InService | C::OtherIncome, Income::Wage { .. }) => Ok(()),
            (C::InService | C::OtherIncome, _) => Err("a wage (Income::Wage)"),
            (C::Retiree, Income::Pension { .. }) => Ok(()),
            (C::Retiree, _) => Err("a basic pension (Income::Pension)"),
            (C::AnnualSalary, Income::MonthPay { .. }) => Ok(()),
            (C::AnnualSalary, _) => Err("the pay received that month (Income::MonthPay)"),
            (C::SelfEmployed, Income::PreviousQuarter { .. }) => Ok(()),
            (C::SelfEmployed, _) => {
                Err("the previous quarter's net income (Income::PreviousQuarter)")
            }
            (_, Income::None) => Ok(()),
            (_, _) => Err("no income (a flat amount applies: Income::None)"),
        };
        fits.map_err(|needs| DuesError::IncomeDoesNotFitCategory {
            category: self.category,
            needs,
        })
    }
}

/// 党费档案 (a member's dues profile).
///
/// ```
/// use dangjian::dues::{AmountFixing, DuesProfile, Income, IncomeDeclaration};
/// use dangjian::member::OccupationCategory;
/// use dangjian::MemberId;
/// let mut p = DuesProfile::new(MemberId::new(1), "2023-07".parse()?);
/// p.declare(IncomeDeclaration {
///     from: "2023-07".parse()?, category: OccupationCategory::Student, income: Income::None,
/// })?;
/// assert!(p.declaration_for("2023-06".parse()?, AmountFixing::FromFirstWageMonth).is_err());
/// assert!(p.declaration_for("2024-03".parse()?, AmountFixing::FixedForYear).is_ok());
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawProfile")]
pub struct DuesProfile {
    /// The member.
    pub member: MemberId,
    /// 起缴月份: the first month the member pays (the month of acceptance
    /// as a probationary member).
    pub pays_from: Month,
    declarations: Vec<IncomeDeclaration>,
}

#[derive(Deserialize)]
struct RawProfile {
    member: MemberId,
    pays_from: Month,
    declarations: Vec<IncomeDeclaration>,
}

impl TryFrom<RawProfile> for DuesProfile {
    type Error = DuesError;
    fn try_from(r: RawProfile) -> Result<Self, Self::Error> {
        let mut p = DuesProfile::new(r.member, r.pays_from);
        for d in r.declarations {
            p.declare(d)?;
        }
        Ok(p)
    }
}

impl DuesProfile {
    /// A profile without declarations.
    pub fn new(member: MemberId, pays_from: Month) -> Self {
        Self {
            member,
            pays_from,
            declarations: Vec::new(),
        }
    }

    /// Adds a declaration (replacing one from the same month).
    ///
    /// # Errors
    /// As [`IncomeDeclaration::validate`]; the profile is unchanged.
    pub fn declare(&mut self, d: IncomeDeclaration) -> Result<(), DuesError> {
        d.validate()?;
        let at = self.declarations.partition_point(|x| x.from < d.from);
        match self.declarations.get_mut(at) {
            Some(x) if x.from == d.from => *x = d,
            _ => self.declarations.insert(at, d),
        }
        Ok(())
    }

    /// The declarations, oldest first.
    pub fn declarations(&self) -> &[IncomeDeclaration] {
        &self.declarations
    }

    /// The declaration that decides `month`'s amount: under
    /// [`AmountFixing::FromFirstWageMonth`] the latest from `month` or
    /// before; under [`AmountFixing::FixedForYear`] the one in force in
    /// January (or in the first month paid that year, or the year's first
    /// declaration).
    ///
    /// # Errors
    /// [`DuesError::MonthBeforeJoining`] before [`DuesProfile::pays_from`];
    /// [`DuesError::NoDeclaration`] when none applies.
    pub fn declaration_for(
        &self,
        month: Month,
        fixing: AmountFixing,
    ) -> Result<&IncomeDeclaration, DuesError> {
        if month < self.pays_from {
            return Err(DuesError::MonthBeforeJoining {
                member: self.member,
                month,
                pays_from: self.pays_from,
            });
        }
        let latest_by = |m: Month| {
            let i = self.declarations.partition_point(|d| d.from <= m);
            i.checked_sub(1).and_then(|i| self.declarations.get(i))
        };
        let found = match fixing {
            AmountFixing::FromFirstWageMonth => latest_by(month),
            AmountFixing::FixedForYear => {
                let start = month.january().max(self.pays_from);
                latest_by(start).or_else(|| {
                    self.declarations
                        .iter()
                        .find(|d| d.from.year() == month.year() && d.from <= month)
                })
            }
        };
        found.ok_or(DuesError::NoDeclaration {
            member: self.member,
            month,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        s.parse().unwrap_or(Money::ZERO)
    }
    fn month(s: &str) -> Month {
        s.parse()
            .unwrap_or_else(|_| Month::of(chrono::NaiveDate::MIN))
    }
    fn wage(w: &str, tax: &str) -> Income {
        Income::Wage {
            monthly_wage: m(w),
            income_tax: m(tax),
            social_insurance: m("0"),
            housing_fund: m("0"),
            annuity: m("0"),
            irregular: m("0"),
        }
    }

    #[test]
    fn bad_declarations() {
        let d = |income| IncomeDeclaration {
            from: month("2024-01"),
            category: OccupationCategory::InService,
            income,
        };
        assert!(matches!(
            d(wage("-1", "0")).validate(),
            Err(DuesError::Negative { .. })
        ));
        assert!(matches!(
            d(wage("100", "100.01")).validate(),
            Err(DuesError::DeductionsExceedIncome { .. })
        ));
        assert_eq!(d(wage("100", "100")).validate(), Ok(()));
        assert!(d(Income::None).validate().is_err());
    }

    #[test]
    fn fixing_picks_january_under_2017_and_the_month_under_2008() {
        let mut p = DuesProfile::new(MemberId::new(1), month("2020-01"));
        for (from, w) in [("2024-01", "4000"), ("2024-07", "6000")] {
            let r = p.declare(IncomeDeclaration {
                from: month(from),
                category: OccupationCategory::InService,
                income: wage(w, "0"),
            });
            assert_eq!(r, Ok(()));
        }
        let from = |mo, f| {
            p.declaration_for(month(mo), f)
                .map(|d| d.from.to_string())
                .ok()
        };
        assert_eq!(
            from("2024-08", AmountFixing::FixedForYear).as_deref(),
            Some("2024-01")
        );
        assert_eq!(
            from("2024-08", AmountFixing::FromFirstWageMonth).as_deref(),
            Some("2024-07")
        );
        assert_eq!(
            from("2024-06", AmountFixing::FromFirstWageMonth).as_deref(),
            Some("2024-01")
        );
        assert_eq!(from("2023-12", AmountFixing::FromFirstWageMonth), None);
        let json = serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(serde_json::from_str::<DuesProfile>(&json).ok(), Some(p));
    }

    #[test]
    fn joined_mid_year_under_2017_uses_the_first_declaration() {
        let mut p = DuesProfile::new(MemberId::new(1), month("2024-05"));
        let r = p.declare(IncomeDeclaration {
            from: month("2024-05"),
            category: OccupationCategory::InService,
            income: wage("5000", "0"),
        });
        assert_eq!(r, Ok(()));
        assert!(
            p.declaration_for(month("2024-06"), AmountFixing::FixedForYear)
                .is_ok()
        );
        assert!(matches!(
            p.declaration_for(month("2024-04"), AmountFixing::FixedForYear),
            Err(DuesError::MonthBeforeJoining { .. })
        ));
    }
}
