//! 金额 (money): yuan with at most two decimals, and the named roundings.
//!
//! No floats anywhere: every amount is a [`rust_decimal::Decimal`] kept at
//! scale 2 (fen). Every computed amount says how it was rounded
//! ([`Rounding`]): there is no national rounding rule, so it is
//! **configurable** (to 0.01 or 0.1 yuan, half-up 四舍五入 by default;
//! `docs/RULES.md` DUES-18).

use super::DuesError;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// 金额 (an amount of money), in yuan, scale 2 (fen), serialized as a JSON
/// string (`"12.50"`).
///
/// Built only through validation: more than two decimals is refused, never
/// rounded silently. The default is [`Money::ZERO`], at scale 2 (`"0.00"`).
///
/// ```
/// use dangjian::dues::Money;
/// assert_eq!(Money::default().to_string(), "0.00");
/// let a: Money = "12.5".parse()?;
/// assert_eq!(a.to_string(), "12.50");
/// assert!("0.001".parse::<Money>().is_err());
/// assert!("abc".parse::<Money>().is_err());
/// assert_eq!(serde_json::to_string(&a)?, "\"12.50\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Money(Decimal);

/// Zero yuan at scale 2 ([`Money::ZERO`], `"0.00"`), not the scale-0
/// `Decimal` default, so defaulted amounts print and serialize like every
/// other amount.
impl Default for Money {
    fn default() -> Self {
        Self::ZERO
    }
}

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// An amount in fen (分): `Money::from_fen(1250)` is 12.50 yuan.
    pub fn from_fen(fen: i64) -> Self {
        Self(Decimal::new(fen, 2))
    }

    /// Validates a decimal amount of yuan.
    ///
    /// # Errors
    /// [`DuesError::TooManyDecimals`] for more than two decimals (after
    /// trailing zeros are dropped).
    pub fn try_new(amount: Decimal) -> Result<Self, DuesError> {
        let n = amount.normalize();
        if n.scale() > 2 {
            return Err(DuesError::TooManyDecimals {
                input: amount.to_string(),
            });
        }
        let mut v = n;
        v.rescale(2);
        Ok(Self(v))
    }

    /// Rounds an unrounded amount with `rounding` and keeps it at scale 2.
    pub fn rounded(amount: Decimal, rounding: Rounding) -> Self {
        let mut v = amount.round_dp_with_strategy(rounding.unit.dp(), rounding.mode.strategy());
        v.rescale(2);
        Self(v)
    }

    /// A decimal already at scale 2 (the assessor's rounded output).
    #[inline]
    pub(crate) fn from_scale2(amount: Decimal) -> Self {
        Self(amount)
    }

    /// The amount as a decimal.
    pub fn amount(self) -> Decimal {
        self.0
    }

    /// Whether the amount is zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The difference, or `None` on overflow.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// The sum, saturating at the decimal range (amounts in yuan never come
    /// near it; used where a total of validated amounts is built).
    pub fn saturating_add(self, other: Money) -> Money {
        Money(self.0.saturating_add(other.0))
    }

    /// The difference, saturating (see [`Money::saturating_add`]).
    pub fn saturating_sub(self, other: Money) -> Money {
        Money(self.0.saturating_sub(other.0))
    }

    /// The smaller of two amounts.
    pub fn min(self, other: Money) -> Money {
        if other.0 < self.0 { other } else { self }
    }

    /// Zero for a negative amount, the amount otherwise.
    pub fn non_negative(self) -> Money {
        if self.is_negative() {
            Money::ZERO
        } else {
            self
        }
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "¥{}", self.0)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Money {
    type Err = DuesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = Decimal::from_str_exact(s.trim()).map_err(|_| DuesError::NotANumber {
            input: s.to_owned(),
        })?;
        Self::try_new(d)
    }
}

impl TryFrom<Decimal> for Money {
    type Error = DuesError;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Self::try_new(d)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Self {
        m.0
    }
}

/// 舍入单位 (rounding unit): to the fen (0.01 yuan) or the jiao (0.1 yuan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingUnit {
    /// 分: 0.01 yuan.
    Fen,
    /// 角: 0.1 yuan.
    Jiao,
}

impl RoundingUnit {
    fn dp(self) -> u32 {
        match self {
            Self::Fen => 2,
            Self::Jiao => 1,
        }
    }
}

/// 舍入方式 (rounding mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 四舍五入: half away from zero (`MidpointAwayFromZero`), the default.
    HalfUp,
    /// 舍去: toward zero (`ToZero`).
    Down,
    /// 进一: away from zero (`AwayFromZero`).
    Up,
}

impl RoundingMode {
    /// The `rust_decimal` strategy this mode names.
    pub fn strategy(self) -> RoundingStrategy {
        match self {
            Self::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Self::Down => RoundingStrategy::ToZero,
            Self::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// 舍入规则 (rounding rule): no national rule exists, so it is data
/// (**configurable**, `docs/RULES.md` DUES-18); stated on every computed
/// amount.
///
/// ```
/// use dangjian::dues::{Money, Rounding};
/// use rust_decimal::Decimal;
/// let x = Decimal::new(15_005, 3); // 15.005
/// assert_eq!(Money::rounded(x, Rounding::FEN_HALF_UP).to_string(), "15.01");
/// assert_eq!(Money::rounded(x, Rounding::JIAO_HALF_UP).to_string(), "15.00");
/// assert_eq!(Rounding::FEN_HALF_UP.to_string(), "half-up (四舍五入) to 0.01 yuan");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rounding {
    /// To what.
    pub unit: RoundingUnit,
    /// How.
    pub mode: RoundingMode,
}

impl Rounding {
    /// Half-up to the fen: the national default.
    pub const FEN_HALF_UP: Rounding = Rounding {
        unit: RoundingUnit::Fen,
        mode: RoundingMode::HalfUp,
    };
    /// Half-up to the jiao.
    pub const JIAO_HALF_UP: Rounding = Rounding {
        unit: RoundingUnit::Jiao,
        mode: RoundingMode::HalfUp,
    };
    /// The built-in roundings (for tests and documentation).
    pub const BUILT_IN: [Rounding; 2] = [Self::FEN_HALF_UP, Self::JIAO_HALF_UP];
}

impl Default for Rounding {
    fn default() -> Self {
        Self::FEN_HALF_UP
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = match self.mode {
            RoundingMode::HalfUp => "half-up (四舍五入)",
            RoundingMode::Down => "down (舍去)",
            RoundingMode::Up => "up (进一)",
        };
        let unit = match self.unit {
            RoundingUnit::Fen => "0.01",
            RoundingUnit::Jiao => "0.1",
        };
        write!(f, "{mode} to {unit} yuan")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_refuses_bad_amounts() {
        assert!(matches!(
            "1.234".parse::<Money>(),
            Err(DuesError::TooManyDecimals { .. })
        ));
        assert!(matches!(
            "1,0".parse::<Money>(),
            Err(DuesError::NotANumber { .. })
        ));
        assert_eq!("1.230".parse::<Money>().ok(), Some(Money::from_fen(123)));
        assert_eq!("-0.5".parse::<Money>().ok(), Some(Money::from_fen(-50)));
    }

    #[test]
    fn serde_round_trip_is_a_string_and_validated() {
        let m = Money::from_fen(100_000);
        let json = serde_json::to_string(&m).unwrap_or_default();
        assert_eq!(json, "\"1000.00\"");
        assert_eq!(serde_json::from_str::<Money>(&json).ok(), Some(m));
        assert!(serde_json::from_str::<Money>("\"0.005\"").is_err());
        let r = Rounding::JIAO_HALF_UP;
        let back: Option<Rounding> =
            serde_json::from_str(&serde_json::to_string(&r).unwrap_or_default()).ok();
        assert_eq!(back, Some(r));
    }

    #[test]
    fn default_is_zero_at_scale_2() {
        let d = Money::default();
        assert_eq!(d, Money::ZERO);
        assert_eq!(d, Money::from_fen(0));
        assert!(d.is_zero());
        assert!(!d.is_negative());
        assert_eq!(d.amount().scale(), 2);
        assert_eq!(d.to_string(), "0.00");
        assert_eq!(format!("{d:?}"), "¥0.00");
        assert_eq!(serde_json::to_string(&d).unwrap_or_default(), "\"0.00\"");
        assert_eq!(
            Money::default()
                .saturating_add(Money::from_fen(1250))
                .to_string(),
            "12.50"
        );
    }

    #[test]
    fn roundings() {
        let x = Decimal::new(4_45, 2); // 4.45
        assert_eq!(
            Money::rounded(x, Rounding::JIAO_HALF_UP),
            Money::from_fen(450)
        );
        let down = Rounding {
            unit: RoundingUnit::Jiao,
            mode: RoundingMode::Down,
        };
        assert_eq!(Money::rounded(x, down), Money::from_fen(440));
    }
}
