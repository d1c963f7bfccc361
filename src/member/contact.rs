//! 联系方式 (contact details): validated mobile numbers, e-mail addresses,
//! employee numbers, person names and instant-messaging user ids.
//!
//! Each validated type normalises its input on parsing (trimming and the
//! like), serializes as a plain string and deserializes through the same
//! validation. [`Mobile`] is masked in `Debug` and `Display` so the number
//! never reaches logs; errors never echo a mobile number.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use super::identity::mask;

/// Maximum length, in characters, of an [`EmployeeNo`] and a [`PersonName`].
const MAX_LEN: usize = 64;

/// 联系方式错误 (contact error): why a string is not a valid contact detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContactError {
    /// 手机号错误: not a mainland-China mobile number. The message never
    /// contains the number.
    #[error("invalid mobile number: {reason}")]
    InvalidMobile {
        /// 原因 (reason): what is wrong.
        reason: &'static str,
    },
    /// 邮箱错误: not a valid e-mail address.
    #[error("invalid e-mail address: {reason}")]
    InvalidEmail {
        /// 原因 (reason): what is wrong, as reported by the `email_address`
        /// crate.
        reason: String,
    },
    /// 工号错误: not a valid employee number.
    #[error("invalid employee number: {reason}")]
    InvalidEmployeeNo {
        /// 原因 (reason): what is wrong.
        reason: &'static str,
    },
    /// 姓名错误: not a valid person name.
    #[error("invalid name: {reason}")]
    InvalidName {
        /// 原因 (reason): what is wrong.
        reason: &'static str,
    },
}

/// Implements `TryFrom<&str>`, `TryFrom<String>` (both via `FromStr`) and
/// `From<T> for String` for a string newtype.
macro_rules! string_conversions {
    ($name:ident) => {
        impl TryFrom<&str> for $name {
            type Error = ContactError;

            fn try_from(s: &str) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = ContactError;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

/// 手机号码 (mobile number): a mainland-China mobile number, 11 digits
/// starting `13`–`19`.
///
/// Parsing trims surrounding whitespace, removes spaces and hyphens, and
/// strips a `+86` or `86` country prefix. `Debug` and `Display` are masked
/// (`138****1234`); [`as_str`](Self::as_str) and serde give the full number.
///
/// ```
/// use dangjian::member::{ContactError, Mobile};
///
/// let m: Mobile = "+86 138-0013-1234".parse()?;
/// assert_eq!(m.as_str(), "13800131234");
/// assert_eq!(m.to_string(), "138****1234");
/// assert_eq!(format!("{m:?}"), "Mobile(\"138****1234\")");
/// assert!(matches!(
///     "12800131234".parse::<Mobile>(),
///     Err(ContactError::InvalidMobile { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mobile(String);

impl Mobile {
    /// 号码 (number): the full 11-digit number. Personal data: do not log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 脱敏号码 (masked number): the first 3 and last 4 digits kept, the
    /// middle 4 replaced by `*`, e.g. `138****1234`.
    pub fn masked(&self) -> String {
        mask(&self.0, 3, 4)
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Mobile").field(&self.masked()).finish()
    }
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl FromStr for Mobile {
    type Err = ContactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ContactError::InvalidMobile { reason };
        let compact: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-'))
            .collect();
        let digits = match compact.strip_prefix("+86") {
            Some(rest) => rest,
            None if compact.len() == 13 => compact.strip_prefix("86").unwrap_or(&compact),
            None => &compact,
        };
        if digits.is_empty() {
            return Err(err("is empty"));
        }
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(err(
                "may contain only digits, spaces, hyphens and a +86 prefix",
            ));
        }
        if digits.len() != 11 {
            return Err(err("must have 11 digits"));
        }
        let mut chars = digits.chars();
        let first = chars.next();
        let second = chars.next();
        if first != Some('1') || !matches!(second, Some('3'..='9')) {
            return Err(err("must start with 13 to 19"));
        }
        Ok(Self(digits.to_owned()))
    }
}

string_conversions!(Mobile);

/// 电子邮箱 (e-mail address), validated with the `email_address` crate.
///
/// Parsing trims surrounding whitespace and lower-cases the (ASCII) domain;
/// the local part is kept as given. Display names (`Name <a@b.cn>`), domain
/// literals (`a@[127.0.0.1]`) and single-label domains (`a@localhost`) are
/// rejected. Not masked: `Display` and `Debug` show the address.
///
/// ```
/// use dangjian::member::{ContactError, EmailAddress};
///
/// let e: EmailAddress = " zhang.san@Example.COM ".parse()?;
/// assert_eq!(e.as_str(), "zhang.san@example.com");
/// assert_eq!(e.to_string(), "zhang.san@example.com");
/// assert!(matches!(
///     "zhang.san".parse::<EmailAddress>(),
///     Err(ContactError::InvalidEmail { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// 地址 (address): the normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmailAddress {
    type Err = ContactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ContactError::InvalidEmail {
                reason: "is empty".to_owned(),
            });
        }
        // C1 controls (U+0085 …) and invisible characters pass the address
        // syntax in a UTF-8 local part; refused (`docs/RULES.md` DUES-24).
        if crate::text::has_hidden(s) {
            return Err(ContactError::InvalidEmail {
                reason: "contains a control or invisible character".to_owned(),
            });
        }
        let options = email_address::Options::default()
            .without_display_text()
            .without_domain_literal()
            .with_required_tld();
        email_address::EmailAddress::parse_with_options(s, options).map_err(|e| {
            ContactError::InvalidEmail {
                reason: e.to_string(),
            }
        })?;
        // Validation succeeded, so there is an `@`; the domain is the part
        // after the last one.
        let normalised = match s.rsplit_once('@') {
            Some((local, domain)) => format!("{local}@{}", domain.to_ascii_lowercase()),
            None => s.to_owned(),
        };
        Ok(Self(normalised))
    }
}

string_conversions!(EmailAddress);

/// 工号 (employee number): the key a member logs in to the OA system with.
///
/// Surrounding whitespace is trimmed; the rest must be 1–64 ASCII letters,
/// digits or `-`, `_`, `.`, `@`. Case is kept as given.
///
/// ```
/// use dangjian::member::{ContactError, EmployeeNo};
///
/// let no: EmployeeNo = " E-2024_001 ".parse()?;
/// assert_eq!(no.as_str(), "E-2024_001");
/// assert!(matches!(
///     "工号 1".parse::<EmployeeNo>(),
///     Err(ContactError::InvalidEmployeeNo { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmployeeNo(String);

impl EmployeeNo {
    /// 工号 (number): the trimmed employee number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmployeeNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EmployeeNo {
    type Err = ContactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ContactError::InvalidEmployeeNo { reason };
        let s = s.trim();
        if s.is_empty() {
            return Err(err("is empty"));
        }
        if s.chars().count() > MAX_LEN {
            return Err(err("is longer than 64 characters"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
        {
            return Err(err(
                "may contain only ASCII letters, digits and the characters - _ . @",
            ));
        }
        Ok(Self(s.to_owned()))
    }
}

string_conversions!(EmployeeNo);

/// 姓名 (person name): a real name as written on the identity card.
///
/// Surrounding whitespace is trimmed; the rest must be 1–64 characters with
/// no control characters. Letters of any script (Chinese, Latin, Tibetan,
/// Uyghur, Mongolian, …) are allowed, as are spaces, the name separator `·`
/// (U+00B7, as in 买买提·艾力) and, for Latin names, `'`, `-` and `.`.
/// Look-alike separators commonly typed instead of U+00B7 (`•` U+2022,
/// `・` U+30FB, `‧` U+2027, `･` U+FF65, `·` U+0387) are normalised to it.
/// At least one letter is required; digits, other punctuation and symbols
/// are rejected.
///
/// ```
/// use dangjian::member::{ContactError, PersonName};
///
/// let name: PersonName = "买买提•艾力".parse()?;
/// assert_eq!(name.as_str(), "买买提·艾力");
/// assert_eq!(" 张三 ".parse::<PersonName>()?.as_str(), "张三");
/// assert_eq!(
///     "张三\n".parse::<PersonName>()?.as_str(),
///     "张三",
/// );
/// assert!(matches!(
///     "张\u{7}三".parse::<PersonName>(),
///     Err(ContactError::InvalidName { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    /// 姓名 (name): the normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PersonName {
    type Err = ContactError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ContactError::InvalidName { reason };
        let s = s.trim();
        if s.is_empty() {
            return Err(err("is empty"));
        }
        if s.chars().count() > MAX_LEN {
            return Err(err("is longer than 64 characters"));
        }
        let mut name = String::with_capacity(s.len());
        for c in s.chars() {
            let c = match c {
                '\u{2022}' | '\u{30FB}' | '\u{2027}' | '\u{FF65}' | '\u{0387}' => '\u{00B7}',
                c => c,
            };
            if c.is_control() {
                return Err(err("contains a control character"));
            }
            if !(c.is_alphabetic() || matches!(c, ' ' | '\u{00B7}' | '\'' | '-' | '.')) {
                return Err(err(
                    "may contain only letters, spaces, the separator \u{00B7} and ' - .",
                ));
            }
            name.push(c);
        }
        if !name.chars().any(char::is_alphabetic) {
            return Err(err("must contain a letter"));
        }
        Ok(Self(name))
    }
}

string_conversions!(PersonName);

/// 即时通讯账号 (instant-messaging user ids): a member's user id in 企业微信
/// (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu/Lark), used to send notices.
///
/// Missing fields deserialize as `None`; `None` fields are not serialized.
///
/// ```
/// use dangjian::member::ImIds;
///
/// let ids = ImIds { wecom: Some("ZhangSan".into()), ..ImIds::default() };
/// assert_eq!(serde_json::to_string(&ids)?, r#"{"wecom":"ZhangSan"}"#);
/// assert!(ImIds::default().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ImIds {
    /// 企业微信 (WeCom) user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wecom: Option<String>,
    /// 钉钉 (DingTalk) user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dingtalk: Option<String>,
    /// 飞书 (Feishu/Lark) user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feishu: Option<String>,
}

impl ImIds {
    /// 无账号 (no ids): whether no platform id is set.
    pub fn is_empty(&self) -> bool {
        self.wecom.is_none() && self.dingtalk.is_none() && self.feishu.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mobile_accepts_and_normalises() {
        for (input, expected) in [
            ("13800131234", "13800131234"),
            ("  13800131234\t", "13800131234"),
            ("+8613800131234", "13800131234"),
            ("8613800131234", "13800131234"),
            ("+86 138 0013 1234", "13800131234"),
            ("138-0013-1234", "13800131234"),
            ("19912345678", "19912345678"),
            ("18612345678", "18612345678"),
        ] {
            let m: Mobile = input.parse().expect(input);
            assert_eq!(m.as_str(), expected);
        }
    }

    #[test]
    fn mobile_rejects() {
        for (input, reason) in [
            ("", "is empty"),
            ("+86", "is empty"),
            (
                "1380013123a",
                "may contain only digits, spaces, hyphens and a +86 prefix",
            ),
            (
                "+1 13800131234",
                "may contain only digits, spaces, hyphens and a +86 prefix",
            ),
            (
                "１３８００１３１２３４",
                "may contain only digits, spaces, hyphens and a +86 prefix",
            ),
            ("1380013123", "must have 11 digits"),
            ("138001312345", "must have 11 digits"),
            ("0086138001312", "must have 11 digits"),
            ("12800131234", "must start with 13 to 19"),
            ("10800131234", "must start with 13 to 19"),
            ("23800131234", "must start with 13 to 19"),
            ("+8612800131234", "must start with 13 to 19"),
        ] {
            assert_eq!(
                input.parse::<Mobile>(),
                Err(ContactError::InvalidMobile { reason }),
                "{input}"
            );
        }
    }

    #[test]
    fn mobile_masked_and_messages_clean() {
        let m: Mobile = "13800131234".parse().unwrap();
        assert_eq!(m.to_string(), "138****1234");
        assert_eq!(m.masked(), "138****1234");
        assert_eq!(format!("{m:?}"), "Mobile(\"138****1234\")");
        assert!(!format!("{m:#?}").contains("13800131234"));
        for bad in ["1380013123", "12800131234", "1380013123a"] {
            let msg = bad.parse::<Mobile>().unwrap_err().to_string();
            assert!(!msg.contains("138001"), "{msg}");
        }
    }

    #[test]
    fn email_validation() {
        let e: EmailAddress = "Zhang.San@Example.COM".parse().unwrap();
        assert_eq!(e.as_str(), "Zhang.San@example.com");
        assert_eq!(e.to_string(), "Zhang.San@example.com");
        assert!(
            "li_si+party@mail.example.org.cn"
                .parse::<EmailAddress>()
                .is_ok()
        );
        for bad in [
            "",
            "   ",
            "zhangsan",
            "zhangsan@",
            "@example.com",
            "zhang san@example.com",
            "zhangsan@localhost",
            "Zhang San <zhangsan@example.com>",
            "zhangsan@[127.0.0.1]",
            "a@b@c",
        ] {
            assert!(
                matches!(
                    bad.parse::<EmailAddress>(),
                    Err(ContactError::InvalidEmail { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn employee_no_validation() {
        let n: EmployeeNo = "  zhang.san@hq_01-A ".parse().unwrap();
        assert_eq!(n.as_str(), "zhang.san@hq_01-A");
        assert!("a".repeat(64).parse::<EmployeeNo>().is_ok());
        for (input, reason) in [
            ("", "is empty"),
            ("  ", "is empty"),
            ("a".repeat(65).as_str(), "is longer than 64 characters"),
            (
                "E 001",
                "may contain only ASCII letters, digits and the characters - _ . @",
            ),
            (
                "工号1",
                "may contain only ASCII letters, digits and the characters - _ . @",
            ),
            (
                "E001/2",
                "may contain only ASCII letters, digits and the characters - _ . @",
            ),
        ] {
            assert_eq!(
                input.parse::<EmployeeNo>(),
                Err(ContactError::InvalidEmployeeNo { reason }),
                "{input}"
            );
        }
    }

    #[test]
    fn person_name_validation() {
        for (input, expected) in [
            ("张三", "张三"),
            ("  欧阳娜娜 ", "欧阳娜娜"),
            ("买买提·艾力", "买买提·艾力"),
            ("买买提•艾力", "买买提·艾力"),
            ("阿沛・阿旺晋美", "阿沛·阿旺晋美"),
            ("John Smith", "John Smith"),
            ("Mary-Jane O'Neil Jr.", "Mary-Jane O'Neil Jr."),
            ("Zoë Müller", "Zoë Müller"),
            ("扎西顿珠", "扎西顿珠"),
        ] {
            let n: PersonName = input.parse().expect(input);
            assert_eq!(n.as_str(), expected);
            assert_eq!(n.to_string(), expected);
        }
        assert!("张".repeat(64).parse::<PersonName>().is_ok());
        for (input, reason) in [
            ("", "is empty"),
            (" \t ", "is empty"),
            ("张".repeat(65).as_str(), "is longer than 64 characters"),
            ("·", "must contain a letter"),
            ("- .", "must contain a letter"),
            ("张\u{0}三", "contains a control character"),
            ("张\n三", "contains a control character"),
            ("张\u{7f}三", "contains a control character"),
            (
                "张三1",
                "may contain only letters, spaces, the separator \u{00B7} and ' - .",
            ),
            (
                "张三<script>",
                "may contain only letters, spaces, the separator \u{00B7} and ' - .",
            ),
            (
                "张\u{200B}三",
                "may contain only letters, spaces, the separator \u{00B7} and ' - .",
            ),
        ] {
            assert_eq!(
                input.parse::<PersonName>(),
                Err(ContactError::InvalidName { reason }),
                "{input:?}"
            );
        }
    }

    #[test]
    fn serde_round_trips() {
        let m: Mobile = "+86 138 0013 1234".parse().unwrap();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, "\"13800131234\"");
        assert_eq!(serde_json::from_str::<Mobile>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Mobile>("\"12800131234\"").is_err());

        let e: EmailAddress = "a@Example.com".parse().unwrap();
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, "\"a@example.com\"");
        assert_eq!(serde_json::from_str::<EmailAddress>(&json).unwrap(), e);
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());

        let n: EmployeeNo = "E001".parse().unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"E001\"");
        assert_eq!(serde_json::from_str::<EmployeeNo>(&json).unwrap(), n);
        assert!(serde_json::from_str::<EmployeeNo>("\"\"").is_err());

        let p: PersonName = "买买提·艾力".parse().unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<PersonName>(&json).unwrap(), p);
        assert!(serde_json::from_str::<PersonName>("\"张三3\"").is_err());

        let ids = ImIds {
            wecom: Some("zhangsan".into()),
            dingtalk: None,
            feishu: Some("ou_123".into()),
        };
        let json = serde_json::to_string(&ids).unwrap();
        assert_eq!(json, r#"{"wecom":"zhangsan","feishu":"ou_123"}"#);
        assert_eq!(serde_json::from_str::<ImIds>(&json).unwrap(), ids);
        assert_eq!(
            serde_json::from_str::<ImIds>("{}").unwrap(),
            ImIds::default()
        );
        assert!(!ids.is_empty());
    }

    #[test]
    fn try_from_conversions() {
        assert!(Mobile::try_from("13800131234").is_ok());
        assert!(Mobile::try_from(String::from("13800131234")).is_ok());
        assert!(EmailAddress::try_from("a@example.com").is_ok());
        assert!(EmailAddress::try_from(String::from("a@example.com")).is_ok());
        assert!(EmployeeNo::try_from("E1").is_ok());
        assert!(EmployeeNo::try_from(String::from("E1")).is_ok());
        assert!(PersonName::try_from("张三").is_ok());
        assert!(PersonName::try_from(String::from("张三")).is_ok());
        let s: String = PersonName::try_from("张三").unwrap().into();
        assert_eq!(s, "张三");
    }

    proptest! {
        #[test]
        fn valid_mobiles_parse(second in 3u32..=9, rest in "[0-9]{9}", plus in any::<bool>()) {
            let number = format!("1{second}{rest}");
            let input = if plus { format!("+86 {number}") } else { number.clone() };
            let m: Mobile = input.parse().unwrap();
            prop_assert_eq!(m.as_str(), number.as_str());
            let shown = format!("{m} {m:?}");
            prop_assert!(!shown.contains(&number));
            prop_assert_eq!(m.masked().chars().count(), 11);
        }

        #[test]
        fn mobile_never_panics(s in ".*") {
            let _ = s.parse::<Mobile>();
        }

        #[test]
        fn mobile_never_panics_on_digits(s in "[+0-9 -]{0,20}") {
            if let Ok(m) = s.parse::<Mobile>() {
                prop_assert_eq!(m.as_str().len(), 11);
                let _ = m.masked();
            }
        }

        #[test]
        fn employee_no_never_panics(s in ".*") {
            if let Ok(n) = s.parse::<EmployeeNo>() {
                prop_assert_eq!(n.as_str().parse::<EmployeeNo>().unwrap(), n);
            }
        }

        #[test]
        fn person_name_never_panics(s in ".*") {
            if let Ok(n) = s.parse::<PersonName>() {
                prop_assert_eq!(n.as_str().parse::<PersonName>().unwrap(), n);
            }
        }

        #[test]
        fn email_never_panics(s in ".*") {
            if let Ok(e) = s.parse::<EmailAddress>() {
                prop_assert_eq!(e.as_str().parse::<EmailAddress>().unwrap(), e);
            }
        }

        #[test]
        fn email_valid_round_trip(local in "[a-z0-9._+-]{1,20}", domain in "[a-zA-Z]{1,10}\\.[a-zA-Z]{2,6}") {
            let input = format!("{local}@{domain}");
            if let Ok(e) = input.parse::<EmailAddress>() {
                prop_assert_eq!(e.as_str().parse::<EmailAddress>().unwrap(), e.clone());
                let json = serde_json::to_string(&e).unwrap();
                prop_assert_eq!(serde_json::from_str::<EmailAddress>(&json).unwrap(), e);
            }
        }
    }
}
