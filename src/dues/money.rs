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

/// [`Money::MAX`] in fen: 10¹⁴ − 1.
const MAX_FEN: u64 = 99_999_999_999_999;

/// 金额 (an amount of money), in yuan, scale 2 (fen), serialized as a JSON
/// string (`"12.50"`).
///
/// Built only through validation: more than two decimals is refused, never
/// rounded silently. The default is [`Money::ZERO`], at scale 2 (`"0.00"`).
///
/// **One range everywhere**: an amount lies within ±[`Money::MAX`]
/// (999,999,999,999.99 yuan), the range of the ledger's SQL column
/// (PostgreSQL `NUMERIC(14,2)`), so every store gives the same answer: a
/// value past it is refused here ([`DuesError::OutOfRange`]), before any
/// store sees it. Sums are checked against the same bound
/// ([`Money::checked_add`]); nothing on money saturates.
///
/// Parsing and deserializing agree: both take a plain decimal string only
/// (`"12.5"`, `"-0.50"`), never a JSON number, scientific notation
/// (`"1e3"`) or more digits than are kept (`docs/RULES.md` DUES-21).
///
/// ```
/// use dangjian::dues::Money;
/// assert_eq!(Money::default().to_string(), "0.00");
/// let a: Money = "12.5".parse()?;
/// assert_eq!(a.to_string(), "12.50");
/// assert!("0.001".parse::<Money>().is_err());
/// assert!("abc".parse::<Money>().is_err());
/// assert!("1e3".parse::<Money>().is_err());
/// assert!("1000000000000".parse::<Money>().is_err()); // past Money::MAX
/// assert_eq!(serde_json::to_string(&a)?, "\"12.50\"");
/// assert!(serde_json::from_str::<Money>("12.5").is_err()); // a JSON number
/// assert!(serde_json::from_str::<Money>("\"1e3\"").is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
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

    /// The largest amount: 999,999,999,999.99 yuan, the range of the
    /// ledger's SQL column (PostgreSQL `NUMERIC(14,2)`: 12 digits before
    /// the point). [`Money::MIN`] is its negative.
    pub const MAX: Money = Money(Decimal::from_parts(
        (MAX_FEN & 0xFFFF_FFFF) as u32,
        (MAX_FEN >> 32) as u32,
        0,
        false,
        2,
    ));

    /// The smallest amount, −[`Money::MAX`].
    pub const MIN: Money = Money(Decimal::from_parts(
        (MAX_FEN & 0xFFFF_FFFF) as u32,
        (MAX_FEN >> 32) as u32,
        0,
        true,
        2,
    ));

    /// An amount in fen (分): `Money::from_fen(1250)` is 12.50 yuan. Any
    /// `i32` of fen (about ±21 million yuan) is within the range; larger
    /// amounts go through [`Money::try_from_fen`].
    pub const fn from_fen(fen: i32) -> Self {
        Self(Decimal::from_parts(fen.unsigned_abs(), 0, 0, fen < 0, 2))
    }

    /// An amount in fen, checked against the range.
    ///
    /// ```
    /// use dangjian::dues::Money;
    /// assert_eq!(Money::try_from_fen(99_999_999_999_999)?, Money::MAX);
    /// assert!(Money::try_from_fen(100_000_000_000_000).is_err());
    /// # Ok::<(), dangjian::dues::DuesError>(())
    /// ```
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] past ±[`Money::MAX`].
    pub fn try_from_fen(fen: i64) -> Result<Self, DuesError> {
        Self::try_new(Decimal::new(fen, 2))
    }

    /// Validates a decimal amount of yuan.
    ///
    /// # Errors
    /// [`DuesError::TooManyDecimals`] for more than two decimals (after
    /// trailing zeros are dropped); [`DuesError::OutOfRange`] past
    /// ±[`Money::MAX`].
    pub fn try_new(amount: Decimal) -> Result<Self, DuesError> {
        let n = amount.normalize();
        if n.scale() > 2 {
            return Err(DuesError::TooManyDecimals {
                input: amount.to_string(),
            });
        }
        Self::in_range(n)
    }

    /// `v` (at most two decimals) at scale 2, if within the range.
    fn in_range(mut v: Decimal) -> Result<Self, DuesError> {
        if v.abs() > Self::MAX.0 {
            return Err(DuesError::OutOfRange {
                input: v.normalize().to_string(),
            });
        }
        v.rescale(2);
        Ok(Self(v))
    }

    /// Rounds an unrounded amount with `rounding` and keeps it at scale 2.
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] when the rounded amount is past
    /// ±[`Money::MAX`].
    pub fn rounded(amount: Decimal, rounding: Rounding) -> Result<Self, DuesError> {
        Self::in_range(amount.round_dp_with_strategy(rounding.unit.dp(), rounding.mode.strategy()))
    }

    /// A decimal already rounded to at most two decimals (the assessor's
    /// output), checked against the range.
    #[inline]
    pub(crate) fn from_rounded(amount: Decimal) -> Result<Self, DuesError> {
        if amount.scale() == 2 && amount.abs() <= Self::MAX.0 {
            Ok(Self(amount))
        } else {
            Self::in_range(amount)
        }
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

    /// The sum, or `None` past ±[`Money::MAX`].
    pub fn checked_add(self, other: Money) -> Option<Money> {
        // Both within ±MAX: the decimal sum cannot overflow.
        Self::in_range(self.0 + other.0).ok()
    }

    /// The difference, or `None` past ±[`Money::MAX`].
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        Self::in_range(self.0 - other.0).ok()
    }

    /// The sum as a typed error past the range: [`DuesError::OutOfRange`]
    /// naming `what` (a total of the ledger, a report's column).
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] past ±[`Money::MAX`].
    pub fn try_add(self, other: Money, what: &'static str) -> Result<Money, DuesError> {
        self.checked_add(other).ok_or(DuesError::OutOfRange {
            input: format!("{what}: {} + {}", self.0, other.0),
        })
    }

    /// What is left of `self` once `taken` is taken, never below zero
    /// (both counted as at least zero): `max(self − taken, 0)`. Always
    /// within the range (between zero and `self`), so it needs no check:
    /// what is still owed of a month, what a reduction waives.
    ///
    /// ```
    /// use dangjian::dues::Money;
    /// assert_eq!(Money::from_fen(3000).minus_or_zero(Money::from_fen(1000)), Money::from_fen(2000));
    /// assert_eq!(Money::from_fen(1000).minus_or_zero(Money::from_fen(3000)), Money::ZERO);
    /// assert_eq!(Money::MAX.minus_or_zero(Money::MIN), Money::MAX);
    /// ```
    pub fn minus_or_zero(self, taken: Money) -> Money {
        let a = self.non_negative();
        let b = taken.non_negative();
        if b.0 >= a.0 {
            Money::ZERO
        } else {
            // 0 ≤ a − b ≤ a ≤ MAX.
            Money(a.0 - b.0)
        }
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

/// Parses a plain decimal (an optional sign, digits, at most one point and
/// digits after it; surrounding spaces allowed): no exponent, no thousands
/// separator, nothing a `Decimal` would round.
impl FromStr for Money {
    type Err = DuesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let not_a_number = || DuesError::NotANumber {
            input: s.to_owned(),
        };
        let t = s.trim();
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let plain = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !plain(int) || !plain(frac) {
            return Err(not_a_number());
        }
        let int = int.trim_start_matches('0');
        let frac_sig = frac.trim_end_matches('0');
        if frac_sig.len() > 2 {
            return Err(DuesError::TooManyDecimals {
                input: s.to_owned(),
            });
        }
        // 12 digits before the point at most (Money::MAX); anything longer
        // is out of range before a Decimal could round it.
        if int.len() > 12 {
            return Err(DuesError::OutOfRange {
                input: s.to_owned(),
            });
        }
        let exact = format!(
            "{}{}.{frac_sig}",
            if t.starts_with('-') { "-" } else { "" },
            if int.is_empty() { "0" } else { int }
        );
        let exact = exact.trim_end_matches('.');
        let d = Decimal::from_str_exact(exact).map_err(|_| not_a_number())?;
        Self::try_new(d)
    }
}

impl TryFrom<String> for Money {
    type Error = DuesError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Money> for String {
    fn from(m: Money) -> Self {
        m.0.to_string()
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
/// assert_eq!(Money::rounded(x, Rounding::FEN_HALF_UP)?.to_string(), "15.01");
/// assert_eq!(Money::rounded(x, Rounding::JIAO_HALF_UP)?.to_string(), "15.00");
/// assert_eq!(Rounding::FEN_HALF_UP.to_string(), "half-up (四舍五入) to 0.01 yuan");
/// # Ok::<(), dangjian::dues::DuesError>(())
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
                .checked_add(Money::from_fen(1250))
                .map(|m| m.to_string())
                .as_deref(),
            Some("12.50")
        );
    }

    #[test]
    fn roundings() {
        let x = Decimal::new(4_45, 2); // 4.45
        assert_eq!(
            Money::rounded(x, Rounding::JIAO_HALF_UP),
            Ok(Money::from_fen(450))
        );
        let down = Rounding {
            unit: RoundingUnit::Jiao,
            mode: RoundingMode::Down,
        };
        assert_eq!(Money::rounded(x, down), Ok(Money::from_fen(440)));
    }
}
