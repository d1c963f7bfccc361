//! 身份证号 (identity numbers): the 公民身份号码 of GB 11643-1999.
//!
//! [`IdNumber`] is a validated, normalised 18-character resident identity
//! number. It is personal data: its `Debug` and `Display` output is masked
//! (see [`IdNumber::masked`]), and its errors never echo the whole number.
//! Only [`IdNumber::as_str`] and serialization (for storage) give the full
//! number.
//!
//! The check character uses ISO 7064 MOD 11-2; [`check_character`] is public
//! so other numbering schemes (e.g. member card ids) can reuse it.
//!
//! # Strict and lenient parsing
//!
//! The **strict** parse, [`FromStr`] (`s.parse::<IdNumber>()`, also used by
//! `TryFrom` and deserialization), is the default: it accepts only the
//! 18-character number of GB 11643-1999 and refuses anything else, including
//! the 15-digit first-generation number.
//!
//! Legacy rosters may still hold 15-digit first-generation numbers (GB
//! 11643-1989: a 6-digit region code, a 6-digit birth date `YYMMDD`, a 3-digit
//! sequence code, no check character). The **lenient** parse,
//! [`IdNumber::parse_lenient`], accepts both forms: an 18-character number
//! exactly as the strict parse does, and a 15-digit number converted to the
//! 18-character form ([`IdNumber::from_legacy15`]: the century `19` is
//! inserted before `YYMMDD` and the check character computed with
//! [`check_character`]). The converted number must then pass every check of
//! the strict parse (province-level region code, real birth date not before
//! 1900-01-01). Only the 18-character form is ever stored.
//!
//! Nothing in this crate picks the lenient parse on its own: a roster import
//! uses it only when the integrator asks for it explicitly, by calling
//! [`IdNumber::parse_lenient`] (or [`IdNumber::from_legacy15`]) instead of
//! the strict parse.
//!
//! ```
//! use dangjian::member::{IdNumber, IdNumberError};
//!
//! // The default, strict parse refuses the 15-digit form...
//! assert_eq!(
//!     "110105491231002".parse::<IdNumber>(),
//!     Err(IdNumberError::WrongLength { found: 15 })
//! );
//! // ...which the lenient parse, asked for explicitly, converts.
//! let legacy = IdNumber::parse_lenient("110105491231002")?;
//! assert_eq!(legacy.as_str(), "11010519491231002X");
//! assert_eq!(legacy, "11010519491231002X".parse::<IdNumber>()?);
//! // 18-character numbers are parsed by both alike.
//! assert_eq!(
//!     IdNumber::parse_lenient("11010519491231002X")?,
//!     "11010519491231002X".parse::<IdNumber>()?
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Number of characters in a (second-generation) identity number.
const ID_LEN: usize = 18;

/// Number of digits in a first-generation (GB 11643-1989) identity number.
const LEGACY_LEN: usize = 15;

/// Number of leading region-code digits, after which a first-generation
/// number's `YYMMDD` birth date starts.
const REGION_LEN: usize = 6;

/// The century inserted before a first-generation number's `YYMMDD`.
const LEGACY_CENTURY: &str = "19";

/// ISO 7064 MOD 11-2 weights for the first 17 digits (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters indexed by the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// 校验码 (check character): computes the ISO 7064 MOD 11-2 check character
/// of GB 11643-1999 for the first 17 digits of an identity number.
///
/// Each digit is multiplied by its weight (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7,
/// 9, 10, 5, 8, 4, 2), the products are summed, and the sum modulo 11 picks
/// the character from `"10X98765432"`. The result is a digit or `'X'`.
///
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
///
/// ```
/// use dangjian::member::check_character;
/// assert_eq!(check_character("11010519491231002"), Some('X'));
/// assert_eq!(check_character("11010119900307447"), Some('7'));
/// assert_eq!(check_character("1101051949123100"), None); // 16 digits
/// assert_eq!(check_character("1101051949123100a"), None);
/// ```
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum: u32 = 0;
    let mut count: usize = 0;
    for c in first17.chars() {
        let weight = WEIGHTS.get(count)?;
        let digit = c.to_digit(10)?;
        sum += digit * weight;
        count += 1;
    }
    if count != WEIGHTS.len() {
        return None;
    }
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

/// 省级行政区划代码 (province-level code): whether the first two digits of a
/// region code name a province, autonomous region, municipality, Taiwan, Hong
/// Kong or Macao (GB/T 2260).
fn is_province_code(code: u32) -> bool {
    matches!(
        code,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82
    )
}

/// Parses a run of ASCII digits as a number; `None` if empty or not digits.
fn digits_value(s: &str) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    s.chars().try_fold(0u32, |acc, c| {
        acc.checked_mul(10)?.checked_add(c.to_digit(10)?)
    })
}

/// Parses the 8-digit `YYYYMMDD` birth date, requiring a real calendar date
/// not before 1900-01-01.
fn parse_birth_date(digits: &str) -> Option<NaiveDate> {
    let year = digits_value(digits.get(0..4)?)?;
    let month = digits_value(digits.get(4..6)?)?;
    let day = digits_value(digits.get(6..8)?)?;
    if digits.len() != 8 || year < 1900 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// 性别 (sex), as encoded by the parity of the sequence code of an identity
/// number: odd is male, even is female.
///
/// ```
/// use dangjian::member::{IdNumber, Sex};
/// let id: IdNumber = "11010519491231002X".parse()?;
/// assert_eq!(id.sex(), Sex::Female);
/// assert_eq!(serde_json::to_string(&Sex::Male)?, "\"male\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 男: odd sequence code.
    Male,
    /// 女: even sequence code.
    Female,
}

/// 身份证号错误 (identity number error): why a string is not a valid
/// 公民身份号码.
///
/// Messages never contain the whole number; at most the province-level code, the
/// birth-date digits or a single character are shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdNumberError {
    /// 长度错误: not 18 characters after trimming (the strict parse; 15-digit
    /// first-generation numbers are rejected here, see
    /// [`IdNumber::parse_lenient`]).
    #[error("identity number must have 18 characters, found {found}")]
    WrongLength {
        /// 实际长度 (length found): the number of characters, counted as Unicode
        /// scalar values.
        found: usize,
    },
    /// 长度错误 (宽松): neither 15 nor 18 characters after trimming (the
    /// lenient parse, [`IdNumber::parse_lenient`]).
    #[error("identity number must have 15 or 18 characters, found {found}")]
    WrongLengthLenient {
        /// 实际长度 (length found): the number of characters, counted as Unicode
        /// scalar values.
        found: usize,
    },
    /// 一代证长度错误: not 15 characters after trimming (the first-generation
    /// conversion, [`IdNumber::from_legacy15`]).
    #[error("first-generation identity number must have 15 digits, found {found}")]
    WrongLegacyLength {
        /// 实际长度 (length found): the number of characters, counted as Unicode
        /// scalar values.
        found: usize,
    },
    /// 非法字符: a character that is not a digit (or, in the last position
    /// of an 18-character number, not a digit or `X`; a 15-digit
    /// first-generation number has digits only).
    #[error("identity number has an invalid character at position {position}")]
    InvalidCharacter {
        /// 位置 (position): 1-based position of the first offending character.
        position: usize,
    },
    /// 地址码错误: the first two digits are not a province-level code.
    #[error("identity number has an unknown province-level region code {code}")]
    UnknownRegion {
        /// 省级代码 (province-level code): the two digits found.
        code: String,
    },
    /// 出生日期错误: the 8 birth-date digits are not a real calendar date on
    /// or after 1900-01-01.
    #[error("identity number has an invalid birth date {digits}")]
    InvalidBirthDate {
        /// 出生日期码 (birth-date digits): the eight `YYYYMMDD` digits found
        /// (for a 15-digit first-generation number, the century `19` followed
        /// by its six `YYMMDD` digits).
        digits: String,
    },
    /// 校验码错误: the 18th character does not match the MOD 11-2 check.
    #[error("identity number check character is {found}, expected {expected}")]
    WrongCheckCharacter {
        /// 应为 (expected): the check character computed from the first 17
        /// digits.
        expected: char,
        /// 实为 (found): the check character found (upper-cased).
        found: char,
    },
}

/// 公民身份号码 (resident identity number), GB 11643-1999.
///
/// Eighteen characters: a 6-digit region code (the first two digits a
/// province-level code), an 8-digit birth date `YYYYMMDD` (a real date, not
/// before 1900-01-01), a 3-digit sequence code whose parity gives the sex,
/// and an ISO 7064 MOD 11-2 check character (a digit or `X`).
///
/// Parsing trims surrounding whitespace and upper-cases a trailing `x`.
/// Whether the birth date lies in the future is left to services with a
/// clock.
///
/// The strict parse ([`FromStr`]) is the default and accepts only the
/// 18-character form. [`IdNumber::parse_lenient`] also accepts a 15-digit
/// first-generation number (GB 11643-1989) and converts it to the
/// 18-character form; use it only where the integrator explicitly asks for
/// legacy numbers (e.g. a roster import from old records).
///
/// `Debug` and `Display` are masked so the number never reaches logs; use
/// [`as_str`](Self::as_str) for the full number. Serde writes the full
/// number, for storage.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::member::{IdNumber, IdNumberError, Sex};
///
/// let id: IdNumber = " 11010519491231002x ".parse()?;
/// assert_eq!(id.as_str(), "11010519491231002X");
/// assert_eq!(id.region_code(), "110105");
/// assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
/// assert_eq!(id.sex(), Sex::Female);
/// assert_eq!(id.to_string(), "110*************2X");
/// assert_eq!(id.masked(), "110*************2X");
///
/// assert_eq!(
///     "110105194912310021".parse::<IdNumber>(),
///     Err(IdNumberError::WrongCheckCharacter { expected: 'X', found: '1' })
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

impl IdNumber {
    /// 宽松解析 (lenient parse): an 18-character number exactly as the strict
    /// parse ([`FromStr`]) takes it, or a 15-digit first-generation number
    /// (GB 11643-1989) converted to the 18-character form with
    /// [`IdNumber::from_legacy15`].
    ///
    /// The strict parse stays the default everywhere (including `TryFrom`
    /// and deserialization); call this only when the integrator explicitly
    /// asks for legacy numbers, e.g. for a roster import from old records.
    /// Surrounding whitespace is trimmed; the result is always the
    /// normalised 18-character number.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::member::{IdNumber, IdNumberError};
    ///
    /// // 15 digits: century 19 inserted, check character computed.
    /// let id = IdNumber::parse_lenient(" 110105491231002 ")?;
    /// assert_eq!(id.as_str(), "11010519491231002X");
    /// assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
    ///
    /// // 18 characters: exactly the strict parse, errors included.
    /// assert_eq!(IdNumber::parse_lenient("11010519491231002x")?, id);
    /// assert_eq!(
    ///     IdNumber::parse_lenient("110105194912310021"),
    ///     "110105194912310021".parse::<IdNumber>()
    /// );
    ///
    /// // Any other length is refused.
    /// assert_eq!(
    ///     IdNumber::parse_lenient("1101054912310021"),
    ///     Err(IdNumberError::WrongLengthLenient { found: 16 })
    /// );
    /// // The converted number must be valid: 1900 is not a leap year.
    /// assert_eq!(
    ///     IdNumber::parse_lenient("110105000229002"),
    ///     Err(IdNumberError::InvalidBirthDate { digits: "19000229".into() })
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`IdNumberError::WrongLengthLenient`] unless the trimmed input has 15
    /// or 18 characters; for 18 characters, whatever the strict parse
    /// returns; for 15, whatever [`IdNumber::from_legacy15`] returns.
    pub fn parse_lenient(s: &str) -> Result<IdNumber, IdNumberError> {
        let s = s.trim();
        match s.chars().count() {
            ID_LEN => s.parse(),
            LEGACY_LEN => Self::from_legacy15(s),
            found => Err(IdNumberError::WrongLengthLenient { found }),
        }
    }

    /// 一代证升位 (first-generation conversion): converts a 15-digit
    /// first-generation number (GB 11643-1989: 6-digit region code, 6-digit
    /// birth date `YYMMDD`, 3-digit sequence code, no check character) to
    /// the 18-character form of GB 11643-1999.
    ///
    /// The century `19` is inserted before `YYMMDD` and the check character
    /// is computed with [`check_character`] (ISO 7064 MOD 11-2). The
    /// converted number then passes through the strict parse, so it meets
    /// the same checks as any 18-character number (province-level region
    /// code, real birth date not before 1900-01-01). Surrounding whitespace
    /// is trimmed. Most callers want [`IdNumber::parse_lenient`], which
    /// takes either form.
    ///
    /// ```
    /// use dangjian::member::{check_character, IdNumber, IdNumberError, Sex};
    ///
    /// let id = IdNumber::from_legacy15("110105491231002")?;
    /// assert_eq!(check_character("11010519491231002"), Some('X'));
    /// assert_eq!(id.as_str(), "11010519491231002X");
    /// assert_eq!(id.region_code(), "110105");
    /// assert_eq!(id.sex(), Sex::Female);
    ///
    /// assert_eq!(
    ///     IdNumber::from_legacy15("11010519491231002X"),
    ///     Err(IdNumberError::WrongLegacyLength { found: 18 })
    /// );
    /// assert_eq!(
    ///     IdNumber::from_legacy15("11010549123100X"),
    ///     Err(IdNumberError::InvalidCharacter { position: 15 })
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`IdNumberError::WrongLegacyLength`] unless the trimmed input has 15
    /// characters; [`IdNumberError::InvalidCharacter`] (1-based position in
    /// the 15-digit input) for a character that is not an ASCII digit;
    /// [`IdNumberError::UnknownRegion`] and
    /// [`IdNumberError::InvalidBirthDate`] (with the converted `19YYMMDD`
    /// digits) as for the strict parse.
    pub fn from_legacy15(s: &str) -> Result<IdNumber, IdNumberError> {
        let s = s.trim();
        let found = s.chars().count();
        if found != LEGACY_LEN {
            return Err(IdNumberError::WrongLegacyLength { found });
        }
        if let Some(i) = s.chars().position(|c| !c.is_ascii_digit()) {
            return Err(IdNumberError::InvalidCharacter { position: i + 1 });
        }
        // From here on `s` is 15 ASCII digits, so byte offsets are
        // character offsets.
        let (region, rest) = s
            .split_at_checked(REGION_LEN)
            .ok_or(IdNumberError::WrongLegacyLength { found })?;
        let mut converted = String::with_capacity(ID_LEN);
        converted.push_str(region);
        converted.push_str(LEGACY_CENTURY);
        converted.push_str(rest);
        let check =
            check_character(&converted).ok_or(IdNumberError::InvalidCharacter { position: 1 })?;
        converted.push(check);
        converted.parse()
    }

    /// 号码 (number): the full, normalised 18-character number. Personal
    /// data: do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 出生日期 (birth date) encoded in characters 7–14.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::member::IdNumber;
    /// let id: IdNumber = "110101199003074477".parse()?;
    /// assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1990, 3, 7).unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn birth_date(&self) -> NaiveDate {
        // Validated at construction; the fallback is unreachable.
        self.0
            .get(6..14)
            .and_then(parse_birth_date)
            .unwrap_or(NaiveDate::MIN)
    }

    /// 性别 (sex): the parity of the 17th digit (odd male, even female).
    pub fn sex(&self) -> Sex {
        match self.0.chars().nth(16).and_then(|c| c.to_digit(10)) {
            Some(d) if d % 2 == 1 => Sex::Male,
            _ => Sex::Female,
        }
    }

    /// 地址码 (region code): the first six digits, the administrative
    /// division where the number was first issued.
    pub fn region_code(&self) -> &str {
        self.0.get(0..6).unwrap_or("")
    }

    /// 脱敏号码 (masked number): the first 3 and last 2 characters kept, the
    /// other 13 replaced by `*`, e.g. `110*************2X`. Safe to log and
    /// display.
    pub fn masked(&self) -> String {
        mask(&self.0, 3, 2)
    }
}

/// Keeps the first `head` and last `tail` characters, replacing the rest
/// with `*`.
pub(crate) fn mask(s: &str, head: usize, tail: usize) -> String {
    let len = s.chars().count();
    s.chars()
        .enumerate()
        .map(|(i, c)| if i < head || i + tail >= len { c } else { '*' })
        .collect()
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    /// 严格解析 (strict parse), the default: only the 18-character number of
    /// GB 11643-1999. A 15-digit first-generation number is refused with
    /// [`IdNumberError::WrongLength`]; see [`IdNumber::parse_lenient`] for
    /// the explicit, lenient parse.
    ///
    /// ```
    /// use dangjian::member::{IdNumber, IdNumberError};
    /// let id: IdNumber = "11010519491231002X".parse()?;
    /// assert_eq!(id.as_str(), "11010519491231002X");
    /// assert_eq!(
    ///     "110105491231002".parse::<IdNumber>(),
    ///     Err(IdNumberError::WrongLength { found: 15 })
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let found = s.chars().count();
        if found != ID_LEN {
            return Err(IdNumberError::WrongLength { found });
        }
        let mut normalised = String::with_capacity(ID_LEN);
        for (i, c) in s.chars().enumerate() {
            let c = match c {
                '0'..='9' => c,
                'X' | 'x' if i + 1 == ID_LEN => 'X',
                _ => return Err(IdNumberError::InvalidCharacter { position: i + 1 }),
            };
            normalised.push(c);
        }
        // From here on `normalised` is 18 ASCII characters, so byte ranges
        // are character ranges.
        let province = normalised.get(0..2).unwrap_or("");
        if !digits_value(province).is_some_and(is_province_code) {
            return Err(IdNumberError::UnknownRegion {
                code: province.to_owned(),
            });
        }
        let birth = normalised.get(6..14).unwrap_or("");
        if parse_birth_date(birth).is_none() {
            return Err(IdNumberError::InvalidBirthDate {
                digits: birth.to_owned(),
            });
        }
        let expected = normalised
            .get(0..17)
            .and_then(check_character)
            .ok_or(IdNumberError::InvalidCharacter { position: 1 })?;
        let found = normalised.chars().last().unwrap_or(' ');
        if expected != found {
            return Err(IdNumberError::WrongCheckCharacter { expected, found });
        }
        Ok(Self(normalised))
    }
}

impl TryFrom<&str> for IdNumber {
    type Error = IdNumberError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for IdNumber {
    type Error = IdNumberError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<IdNumber> for String {
    fn from(id: IdNumber) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Builds a valid number from its first 17 digits.
    fn with_check(first17: &str) -> String {
        let c = check_character(first17).expect("17 digits");
        format!("{first17}{c}")
    }

    fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        s.parse()
    }

    #[test]
    fn fixed_real_format_examples() {
        for s in [
            "11010519491231002X",
            "110101199003074477",
            "440308199901011234",
            "310115200002290611",
            "650102198506153211",
        ] {
            let id = parse(s).expect(s);
            assert_eq!(id.as_str(), s);
        }
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.region_code(), "110105");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        let id = parse("110101199003074477").unwrap();
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1990, 3, 7).unwrap()
        );
    }

    #[test]
    fn every_check_character_accepted() {
        let mut seen = std::collections::BTreeSet::new();
        for seq in 0..1000u32 {
            let first17 = format!("11010519900101{seq:03}");
            let s = with_check(&first17);
            let c = s.chars().last().unwrap();
            if seen.insert(c) {
                let id = parse(&s).expect(&s);
                assert_eq!(id.as_str(), s);
            }
            if seen.len() == 11 {
                break;
            }
        }
        let expected: std::collections::BTreeSet<char> = "0123456789X".chars().collect();
        assert_eq!(seen, expected);
    }

    #[test]
    fn check_character_rejects_bad_input() {
        assert_eq!(check_character(""), None);
        assert_eq!(check_character("1101051949123100"), None);
        assert_eq!(check_character("110105194912310021"), None);
        assert_eq!(check_character("11010519491231002X"), None);
        assert_eq!(check_character("1101051949123100X"), None);
        assert_eq!(check_character("１１０１０５１９４９１２３１００２"), None);
    }

    #[test]
    fn lowercase_x_and_whitespace_normalised() {
        let id = parse("\t11010519491231002x\n").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id, parse("11010519491231002X").unwrap());
    }

    #[test]
    fn wrong_check_character() {
        assert_eq!(
            parse("110105194912310021"),
            Err(IdNumberError::WrongCheckCharacter {
                expected: 'X',
                found: '1'
            })
        );
        assert_eq!(
            parse("11010119900307447X"),
            Err(IdNumberError::WrongCheckCharacter {
                expected: '7',
                found: 'X'
            })
        );
    }

    #[test]
    fn bad_dates() {
        // February 30th.
        let s = with_check("11010520000230001");
        assert_eq!(
            parse(&s),
            Err(IdNumberError::InvalidBirthDate {
                digits: "20000230".into()
            })
        );
        // 2023 is not a leap year.
        let s = with_check("11010520230229001");
        assert_eq!(
            parse(&s),
            Err(IdNumberError::InvalidBirthDate {
                digits: "20230229".into()
            })
        );
        // 2000 is.
        assert!(parse(&with_check("11010520000229001")).is_ok());
        // Month 13, day 0, before 1900.
        for first17 in [
            "11010519901301001",
            "11010519900100001",
            "11010518991231001",
            "11010500000101001",
        ] {
            assert!(
                matches!(
                    parse(&with_check(first17)),
                    Err(IdNumberError::InvalidBirthDate { .. })
                ),
                "{first17}"
            );
        }
        assert!(parse(&with_check("11010519000101001")).is_ok());
    }

    #[test]
    fn wrong_lengths() {
        for (s, n) in [
            ("11010519491231002", 17),
            ("11010519491231002X1", 19),
            ("110105491231002", 15),
            ("", 0),
            ("   ", 0),
            ("一二三", 3),
        ] {
            assert_eq!(
                parse(s),
                Err(IdNumberError::WrongLength { found: n }),
                "{s}"
            );
        }
    }

    #[test]
    fn unknown_regions() {
        for (first17, code) in [
            ("00010519491231002", "00"),
            ("16010519491231002", "16"),
            ("99010519491231002", "99"),
            ("72010519491231002", "72"),
            ("83010519491231002", "83"),
        ] {
            assert_eq!(
                parse(&with_check(first17)),
                Err(IdNumberError::UnknownRegion { code: code.into() })
            );
        }
        for p in [
            "11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81",
            "82",
        ] {
            assert!(
                parse(&with_check(&format!("{p}010519491231002"))).is_ok(),
                "{p}"
            );
        }
    }

    #[test]
    fn invalid_characters() {
        assert_eq!(
            parse("1101051949A231002X"),
            Err(IdNumberError::InvalidCharacter { position: 11 })
        );
        assert_eq!(
            parse("X10105194912310021"),
            Err(IdNumberError::InvalidCharacter { position: 1 })
        );
        assert_eq!(
            parse("1101051949123100xX"),
            Err(IdNumberError::InvalidCharacter { position: 17 })
        );
        assert_eq!(
            parse("11010519491231002Y"),
            Err(IdNumberError::InvalidCharacter { position: 18 })
        );
        // A trailing space is trimmed, leaving 17 characters.
        assert_eq!(
            parse("11010519491231002 "),
            Err(IdNumberError::WrongLength { found: 17 })
        );
        assert_eq!(
            parse("110105 9491231002X"),
            Err(IdNumberError::InvalidCharacter { position: 7 })
        );
        // Multi-byte characters count as one position each.
        assert_eq!(
            parse("11010519491231002号"),
            Err(IdNumberError::InvalidCharacter { position: 18 })
        );
        assert_eq!(
            parse("１1010519491231002X"),
            Err(IdNumberError::InvalidCharacter { position: 1 })
        );
    }

    #[test]
    fn error_messages_do_not_echo_number() {
        let cases = [
            "110105194912310021",
            "1101051949A231002X",
            "99010519491231002X",
            "11010519491231002",
        ];
        for s in cases {
            let msg = parse(s).unwrap_err().to_string();
            assert!(!msg.contains("1101051949"), "{msg}");
            assert!(!msg.contains("0105194912"), "{msg}");
        }
        let msg = parse(&with_check("11010520230229001"))
            .unwrap_err()
            .to_string();
        assert_eq!(msg, "identity number has an invalid birth date 20230229");
    }

    #[test]
    fn serde_round_trip() {
        let id = parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        let back: IdNumber = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        let lower: IdNumber = serde_json::from_str("\"11010519491231002x\"").unwrap();
        assert_eq!(lower, id);
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
        assert!(serde_json::from_str::<IdNumber>("11010519491231002").is_err());
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"female\"");
        assert_eq!(serde_json::from_str::<Sex>("\"male\"").unwrap(), Sex::Male);
    }

    #[test]
    fn debug_and_display_masked() {
        let id = parse("11010519491231002X").unwrap();
        let debug = format!("{id:?}");
        let display = format!("{id}");
        assert_eq!(display, "110*************2X");
        assert_eq!(debug, "IdNumber(\"110*************2X\")");
        for out in [&debug, &display, &format!("{id:#?}")] {
            assert!(!out.contains("19491231"), "{out}");
            assert!(!out.contains("1949"), "{out}");
            assert!(!out.contains("1231"), "{out}");
            assert!(!out.contains(id.as_str()), "{out}");
        }
        assert_eq!(display.chars().count(), 18);
    }

    fn lenient(s: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse_lenient(s)
    }

    #[test]
    fn legacy15_known_number_converted() {
        // 110105 491231 002 -> 110105 19491231 002 + check character.
        // Weighted sum of 11010519491231002 is 167; 167 mod 11 = 2 -> 'X'.
        assert_eq!(check_character("11010519491231002"), Some('X'));
        let id = lenient("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id, parse("11010519491231002X").unwrap());
        assert_eq!(id, IdNumber::from_legacy15("110105491231002").unwrap());
        assert_eq!(id.region_code(), "110105");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110*************2X");

        // A male one, with a digit check character, and whitespace trimmed.
        let first17 = "44030819850615123";
        let check = check_character(first17).unwrap();
        let id = lenient("\t440308850615123 ").unwrap();
        assert_eq!(id.as_str(), format!("{first17}{check}"));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1985, 6, 15).unwrap()
        );
    }

    #[test]
    fn legacy15_date_boundaries() {
        // First and last day of the century inserted.
        let id = lenient("110105000101001").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()
        );
        let id = lenient("110105991231001").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()
        );
        // 1996 is a leap year, 1900 is not.
        assert!(lenient("110105960229001").is_ok());
        for (s, digits) in [
            ("110105990230001", "19990230"),
            ("110105000229001", "19000229"),
            ("110105970229001", "19970229"),
            ("110105991301001", "19991301"),
            ("110105990001001", "19990001"),
            ("110105990100001", "19990100"),
            ("110105990431001", "19990431"),
        ] {
            assert_eq!(
                lenient(s),
                Err(IdNumberError::InvalidBirthDate {
                    digits: digits.into()
                }),
                "{s}"
            );
            assert_eq!(
                IdNumber::from_legacy15(s),
                Err(IdNumberError::InvalidBirthDate {
                    digits: digits.into()
                }),
                "{s}"
            );
        }
    }

    #[test]
    fn legacy15_unknown_regions_refused() {
        for (s, code) in [
            ("000105491231002", "00"),
            ("160105491231002", "16"),
            ("720105491231002", "72"),
            ("830105491231002", "83"),
            ("990105491231002", "99"),
        ] {
            assert_eq!(
                lenient(s),
                Err(IdNumberError::UnknownRegion { code: code.into() }),
                "{s}"
            );
        }
        for p in [
            "11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81",
            "82",
        ] {
            assert!(lenient(&format!("{p}0105491231002")).is_ok(), "{p}");
        }
    }

    #[test]
    fn lenient_wrong_lengths_refused() {
        for (s, n) in [
            ("11010549123100", 14),
            ("1101054912310021", 16),
            ("11010519491231002", 17),
            ("11010519491231002X1", 19),
            ("", 0),
            ("   ", 0),
            ("一二三", 3),
        ] {
            assert_eq!(
                lenient(s),
                Err(IdNumberError::WrongLengthLenient { found: n }),
                "{s}"
            );
        }
        for (s, n) in [
            ("11010549123100", 14),
            ("1101054912310021", 16),
            ("11010519491231002X", 18),
            ("", 0),
        ] {
            assert_eq!(
                IdNumber::from_legacy15(s),
                Err(IdNumberError::WrongLegacyLength { found: n }),
                "{s}"
            );
        }
    }

    #[test]
    fn legacy15_non_digits_refused() {
        for (s, position) in [
            // No check character in a first-generation number, X included.
            ("11010549123100X", 15),
            ("11010549123100x", 15),
            ("A10105491231002", 1),
            ("1101054912310O2", 14),
            ("110105 91231002", 7),
            ("110105-91231002", 7),
            ("１10105491231002", 1),
            ("11010549123100号", 15),
        ] {
            assert_eq!(
                lenient(s),
                Err(IdNumberError::InvalidCharacter { position }),
                "{s}"
            );
            assert_eq!(
                IdNumber::from_legacy15(s),
                Err(IdNumberError::InvalidCharacter { position }),
                "{s}"
            );
        }
    }

    #[test]
    fn strict_parse_refuses_legacy15() {
        assert_eq!(
            parse("110105491231002"),
            Err(IdNumberError::WrongLength { found: 15 })
        );
        assert_eq!(
            IdNumber::try_from("110105491231002"),
            Err(IdNumberError::WrongLength { found: 15 })
        );
        assert!(serde_json::from_str::<IdNumber>("\"110105491231002\"").is_err());
    }

    #[test]
    fn lenient_18_identical_to_strict() {
        for s in [
            "11010519491231002X",
            "11010519491231002x",
            " 110101199003074477\n",
            "440308199901011234",
            "310115200002290611",
            // Errors too: check character, region, date, characters.
            "110105194912310021",
            "99010519491231002X",
            "110105202302290011",
            "1101051949A231002X",
            "11010519491231002Y",
            "11010519491231002号",
        ] {
            assert_eq!(lenient(s), parse(s), "{s}");
        }
    }

    #[test]
    fn lenient_error_messages_do_not_echo_number() {
        for s in [
            "110105491231002X",
            "11010549123100X",
            "990105491231002",
            "110105990230001",
            "11010549123100",
        ] {
            let msg = lenient(s).unwrap_err().to_string();
            assert!(!msg.contains("110105"), "{msg}");
            assert!(!msg.contains("0105491231"), "{msg}");
            assert!(!msg.contains("49123100"), "{msg}");
        }
        assert_eq!(
            lenient("110105990230001").unwrap_err().to_string(),
            "identity number has an invalid birth date 19990230"
        );
        assert_eq!(
            lenient("11010549123100").unwrap_err().to_string(),
            "identity number must have 15 or 18 characters, found 14"
        );
        assert_eq!(
            IdNumber::from_legacy15("11010549123100")
                .unwrap_err()
                .to_string(),
            "first-generation identity number must have 15 digits, found 14"
        );
    }

    /// A valid first-generation number: (15 digits, the converted 18, the
    /// birth date).
    fn valid_legacy_parts() -> impl Strategy<Value = (String, String, NaiveDate)> {
        let provinces: Vec<u32> = (10..=99).filter(|&p| is_province_code(p)).collect();
        let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
        let days = (end - start).num_days();
        (
            proptest::sample::select(provinces),
            0u32..10_000,
            0..=days,
            0u32..1000,
        )
            .prop_map(move |(p, rest, offset, seq)| {
                let date = start + chrono::Duration::days(offset);
                let legacy = format!("{p:02}{rest:04}{}{seq:03}", date.format("%y%m%d"));
                let first17 = format!("{p:02}{rest:04}{}{seq:03}", date.format("%Y%m%d"));
                (legacy, with_check(&first17), date)
            })
    }

    fn valid_parts() -> impl Strategy<Value = (String, NaiveDate, u32)> {
        let provinces: Vec<u32> = (10..=99).filter(|&p| is_province_code(p)).collect();
        let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(2020, 12, 31).unwrap();
        let days = (end - start).num_days();
        (
            proptest::sample::select(provinces),
            0u32..10_000,
            0..=days,
            0u32..1000,
        )
            .prop_map(move |(p, rest, offset, seq)| {
                let date = start + chrono::Duration::days(offset);
                let first17 = format!("{p:02}{rest:04}{}{seq:03}", date.format("%Y%m%d"));
                (with_check(&first17), date, seq)
            })
    }

    proptest! {
        #[test]
        fn generated_valid_numbers_parse((s, date, seq) in valid_parts()) {
            let id = parse(&s).unwrap();
            prop_assert_eq!(id.as_str(), s.as_str());
            prop_assert_eq!(id.birth_date(), date);
            let sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
            prop_assert_eq!(id.sex(), sex);
            prop_assert_eq!(id.region_code(), s.get(0..6).unwrap());
            let shown = format!("{id} {id:?}");
            let birth = date.format("%Y%m%d").to_string();
            prop_assert!(!shown.contains(&birth));
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        }

        #[test]
        fn any_single_character_change_rejected(
            (s, _, _) in valid_parts(),
            pos in 0usize..18,
            replacement in proptest::sample::select("0123456789X".chars().collect::<Vec<_>>()),
        ) {
            let mut chars: Vec<char> = s.chars().collect();
            prop_assume!(chars[pos] != replacement);
            chars[pos] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn never_panics_on_any_string(s in ".*") {
            let _ = parse(&s);
            let _ = check_character(&s);
        }

        #[test]
        fn lenient_legacy15_equals_strict_converted((legacy, converted, date) in valid_legacy_parts()) {
            prop_assert_eq!(legacy.len(), 15);
            let id = IdNumber::parse_lenient(&legacy).unwrap();
            prop_assert_eq!(&id, &parse(&converted).unwrap());
            prop_assert_eq!(&id, &IdNumber::from_legacy15(&legacy).unwrap());
            prop_assert_eq!(id.as_str(), converted.as_str());
            prop_assert_eq!(id.birth_date(), date);
            // The birth date is 19YY-MM-DD, YYMMDD taken from the legacy number.
            let birth = id.birth_date().format("%Y%m%d").to_string();
            prop_assert_eq!(birth.get(0..2), Some("19"));
            prop_assert_eq!(birth.get(2..8), legacy.get(6..12));
            prop_assert_eq!(id.region_code(), legacy.get(0..6).unwrap());
            // The strict parse still refuses the 15-digit form.
            prop_assert_eq!(parse(&legacy), Err(IdNumberError::WrongLength { found: 15 }));
        }

        #[test]
        fn lenient_agrees_with_strict_unless_15(s in ".{0,20}") {
            let found = s.trim().chars().count();
            prop_assume!(found != 15);
            match (lenient(&s), parse(&s)) {
                (Err(IdNumberError::WrongLengthLenient { found: a }),
                 Err(IdNumberError::WrongLength { found: b })) => {
                    prop_assert_eq!(a, b);
                    prop_assert_ne!(a, 18);
                }
                (l, p) => prop_assert_eq!(l, p),
            }
        }

        #[test]
        fn lenient_never_panics_on_any_string(s in ".*") {
            let _ = lenient(&s);
            let _ = IdNumber::from_legacy15(&s);
        }

        #[test]
        fn lenient_never_panics_on_digit_strings(s in "[0-9Xx ]{0,20}") {
            for id in [lenient(&s), IdNumber::from_legacy15(&s)].into_iter().flatten() {
                prop_assert_eq!(id.as_str().len(), 18);
                prop_assert_eq!(&parse(id.as_str()), &Ok(id.clone()));
                let _ = (id.birth_date(), id.sex(), id.region_code(), id.masked());
            }
        }

        #[test]
        fn never_panics_on_digit_strings(s in "[0-9Xx]{0,20}") {
            if let Ok(id) = parse(&s) {
                let _ = (id.birth_date(), id.sex(), id.region_code(), id.masked());
            }
            let _ = check_character(&s);
        }
    }
}
