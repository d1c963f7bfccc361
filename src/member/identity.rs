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

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Number of characters in a (second-generation) identity number.
const ID_LEN: usize = 18;

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
/// use dangjian::member::identity::check_character;
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
/// use dangjian::member::identity::{IdNumber, Sex};
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
    /// 长度错误: not 18 characters after trimming (15-digit first-generation
    /// numbers are rejected here).
    #[error("identity number must have 18 characters, found {found}")]
    WrongLength {
        /// 实际长度 (length found): the number of characters, counted as Unicode
        /// scalar values.
        found: usize,
    },
    /// 非法字符: a character that is not a digit (or, in the last position,
    /// not a digit or `X`).
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
        /// 出生日期码 (birth-date digits): the eight `YYYYMMDD` digits found.
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
/// `Debug` and `Display` are masked so the number never reaches logs; use
/// [`as_str`](Self::as_str) for the full number. Serde writes the full
/// number, for storage.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::member::identity::{IdNumber, IdNumberError, Sex};
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
    /// 号码 (number): the full, normalised 18-character number. Personal
    /// data: do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 出生日期 (birth date) encoded in characters 7–14.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::member::identity::IdNumber;
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
        fn never_panics_on_digit_strings(s in "[0-9Xx]{0,20}") {
            if let Ok(id) = parse(&s) {
                let _ = (id.birth_date(), id.sex(), id.region_code(), id.masked());
            }
            let _ = check_character(&s);
        }
    }
}
