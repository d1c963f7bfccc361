//! 短信计费 (SMS parts and cost): how many messages a text is billed as.
//!
//! The length is the signature, its 【】 included, plus the text, one per
//! character (a Chinese character counts as one). Up to 70 characters go
//! as one message; a longer text goes in parts of 67; a text past 500
//! characters cannot be sent (`docs/RULES.md` NOTE-4; the providers'
//! billing pages).

use crate::dues::Money;
use rust_decimal::Decimal;

/// The most characters one message carries alone.
pub const SMS_SINGLE_CHARS: usize = 70;
/// The characters each part of a longer message carries.
pub const SMS_PART_CHARS: usize = 67;
/// The longest text a provider accepts, signature included.
pub const SMS_MAX_CHARS: usize = 500;

/// Why a text cannot be sent or priced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmsError {
    /// Longer than [`SMS_MAX_CHARS`], signature included.
    #[error("the message is {chars} characters with its signature; an SMS takes at most {max}")]
    TooLong {
        /// Its length.
        chars: usize,
        /// The maximum.
        max: usize,
    },
    /// An empty text.
    #[error("the message is empty")]
    Empty,
    /// A negative price, or a cost past the range of an amount.
    #[error("the cost is out of range: {0}")]
    Cost(String),
}

/// 计费条数: the parts `text` is billed as under `signature` (e.g.
/// `【某某党委】`).
///
/// # Errors
/// [`SmsError::Empty`] for an empty text; [`SmsError::TooLong`] past
/// [`SMS_MAX_CHARS`].
///
/// ```
/// use dangjian::notify::sms_parts;
/// let sig = "【党委】"; // 4 characters
/// assert_eq!(sms_parts(sig, &"字".repeat(66)), Ok(1)); // 70
/// assert_eq!(sms_parts(sig, &"字".repeat(67)), Ok(2)); // 71: two parts of 67
/// assert_eq!(sms_parts(sig, &"字".repeat(130)), Ok(2)); // 134 = 2 × 67
/// assert_eq!(sms_parts(sig, &"字".repeat(131)), Ok(3));
/// assert!(sms_parts(sig, &"字".repeat(497)).is_err()); // 501
/// ```
pub fn sms_parts(signature: &str, text: &str) -> Result<u32, SmsError> {
    if text.trim().is_empty() {
        return Err(SmsError::Empty);
    }
    let chars = signature.chars().count() + text.chars().count();
    if chars > SMS_MAX_CHARS {
        return Err(SmsError::TooLong {
            chars,
            max: SMS_MAX_CHARS,
        });
    }
    let parts = if chars <= SMS_SINGLE_CHARS {
        1
    } else {
        chars.div_ceil(SMS_PART_CHARS)
    };
    // At most 500 / 67 + 1 parts: always fits.
    u32::try_from(parts).map_err(|_| SmsError::TooLong {
        chars,
        max: SMS_MAX_CHARS,
    })
}

/// 费用: `recipients` messages of `parts` parts each, at `price` a part.
///
/// # Errors
/// [`SmsError::Cost`] for a negative price or a total past [`Money::MAX`].
///
/// ```
/// use dangjian::notify::sms_cost;
/// let price = "0.045".parse().map(|p: rust_decimal::Decimal| p).unwrap();
/// assert_eq!(sms_cost(2, 10_000, price).unwrap().to_string(), "900.00");
/// ```
pub fn sms_cost(parts: u32, recipients: u64, price_per_part: Decimal) -> Result<Money, SmsError> {
    if price_per_part.is_sign_negative() {
        return Err(SmsError::Cost(format!("negative price {price_per_part}")));
    }
    let total = Decimal::from(parts)
        .checked_mul(Decimal::from(recipients))
        .and_then(|n| n.checked_mul(price_per_part))
        .ok_or_else(|| SmsError::Cost("overflow".into()))?;
    // Prices run to a tenth of a fen (0.045元); the total is rounded half-up
    // to the fen.
    let rounded =
        total.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    Money::try_new(rounded).map_err(|e| SmsError::Cost(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn boundaries() {
        assert_eq!(sms_parts("", &"a".repeat(70)), Ok(1));
        assert_eq!(sms_parts("", &"a".repeat(71)), Ok(2));
        assert_eq!(sms_parts("", &"a".repeat(134)), Ok(2));
        assert_eq!(sms_parts("", &"a".repeat(135)), Ok(3));
        assert_eq!(sms_parts("", &"a".repeat(500)), Ok(8));
        assert_eq!(
            sms_parts("", &"a".repeat(501)),
            Err(SmsError::TooLong {
                chars: 501,
                max: 500
            })
        );
        assert_eq!(sms_parts("【x】", " "), Err(SmsError::Empty));
    }

    #[test]
    fn cost_is_rounded_and_checked() {
        let p = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(sms_cost(1, 1, p("0.045")).unwrap().to_string(), "0.05");
        assert_eq!(sms_cost(3, 0, p("0.05")).unwrap().to_string(), "0.00");
        assert!(sms_cost(1, 1, p("-0.01")).is_err());
        assert!(sms_cost(u32::MAX, u64::MAX, p("1000")).is_err());
    }

    proptest! {
        #[test]
        fn parts_carry_the_text(sig in "【[一-龥]{0,8}】", text in "[一-龥a-z0-9 ]{1,520}") {
            let chars = sig.chars().count() + text.chars().count();
            match sms_parts(&sig, &text) {
                Ok(parts) => {
                    let parts = parts as usize;
                    prop_assert!(chars <= SMS_MAX_CHARS);
                    if parts == 1 {
                        prop_assert!(chars <= SMS_SINGLE_CHARS);
                    } else {
                        prop_assert!(chars > SMS_SINGLE_CHARS);
                        prop_assert!(parts * SMS_PART_CHARS >= chars);
                        prop_assert!((parts - 1) * SMS_PART_CHARS < chars);
                    }
                }
                Err(SmsError::Empty) => prop_assert!(text.trim().is_empty()),
                Err(e) => prop_assert!(chars > SMS_MAX_CHARS, "{e}"),
            }
        }
    }
}
