//! 规则版本 (rule versions): rules as data with the date they take effect.
//!
//! Many party rules changed over the years (the 2008 and 2017 dues bases,
//! the 1990 and 2020 election counts) or vary by place (notice periods,
//! farmers' dues). A [`Versioned`] holds every version of one rule set with
//! its effective date, so that a calculation for a past date uses the
//! version that applied then. See `docs/RULES.md`, "How to read the tables".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One version of a rule set and the first day it applies (生效日期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleVersion<T> {
    /// A short, stable name for the version (e.g. `"dues-2017"`), printed on
    /// every report that used it.
    pub name: String,
    /// The first day the version applies (inclusive).
    pub effective_from: NaiveDate,
    /// The rules themselves.
    pub rules: T,
}

/// Why a set of rule versions was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleVersionError {
    /// No version was given.
    #[error("a rule set needs at least one version")]
    Empty,
    /// Two versions take effect on the same day, so neither can be chosen.
    #[error("rule versions `{first}` and `{second}` both take effect on {date}")]
    SameEffectiveDate {
        /// The first version's name.
        first: String,
        /// The second version's name.
        second: String,
        /// Their shared effective date.
        date: NaiveDate,
    },
}

/// All versions of one rule set, ordered by effective date.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::rules::{RuleVersion, Versioned};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let cap = Versioned::new(vec![
///     RuleVersion { name: "old".into(), effective_from: d(2008, 1, 1), rules: None },
///     RuleVersion { name: "new".into(), effective_from: d(2017, 1, 1), rules: Some(1000) },
/// ])?;
/// assert_eq!(cap.at(d(2016, 12, 31)).map(|v| v.name.as_str()), Some("old"));
/// assert_eq!(cap.at(d(2017, 1, 1)).map(|v| v.rules), Some(Some(1000)));
/// assert!(cap.at(d(2007, 12, 31)).is_none());
/// # Ok::<(), dangjian::rules::RuleVersionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RuleVersion<T>>", into = "Vec<RuleVersion<T>>")]
#[serde(bound(
    serialize = "T: Serialize + Clone",
    deserialize = "T: Deserialize<'de>"
))]
pub struct Versioned<T> {
    versions: Vec<RuleVersion<T>>,
}

impl<T> Versioned<T> {
    /// Builds the set; versions may come in any order.
    ///
    /// # Errors
    /// [`RuleVersionError::Empty`] for no versions, and
    /// [`RuleVersionError::SameEffectiveDate`] when two take effect on the
    /// same day.
    pub fn new(mut versions: Vec<RuleVersion<T>>) -> Result<Self, RuleVersionError> {
        if versions.is_empty() {
            return Err(RuleVersionError::Empty);
        }
        versions.sort_by_key(|v| v.effective_from);
        for pair in versions.windows(2) {
            if let [a, b] = pair {
                if a.effective_from == b.effective_from {
                    return Err(RuleVersionError::SameEffectiveDate {
                        first: a.name.clone(),
                        second: b.name.clone(),
                        date: a.effective_from,
                    });
                }
            }
        }
        Ok(Self { versions })
    }

    /// A set with a single version.
    pub fn single(name: impl Into<String>, effective_from: NaiveDate, rules: T) -> Self {
        Self {
            versions: vec![RuleVersion {
                name: name.into(),
                effective_from,
                rules,
            }],
        }
    }

    /// The version in force on `date`: the latest that took effect on or
    /// before it; `None` before the first.
    pub fn at(&self, date: NaiveDate) -> Option<&RuleVersion<T>> {
        let idx = self.versions.partition_point(|v| v.effective_from <= date);
        idx.checked_sub(1).and_then(|i| self.versions.get(i))
    }

    /// Every version, oldest first.
    pub fn versions(&self) -> &[RuleVersion<T>] {
        &self.versions
    }
}

impl<T> TryFrom<Vec<RuleVersion<T>>> for Versioned<T> {
    type Error = RuleVersionError;
    fn try_from(v: Vec<RuleVersion<T>>) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}

impl<T> From<Versioned<T>> for Vec<RuleVersion<T>> {
    fn from(v: Versioned<T>) -> Self {
        v.versions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn picks_the_version_in_force_on_each_side_of_the_boundary() {
        let v = Versioned::new(vec![
            RuleVersion {
                name: "b".into(),
                effective_from: d(2020, 7, 13),
                rules: 2,
            },
            RuleVersion {
                name: "a".into(),
                effective_from: d(1990, 6, 27),
                rules: 1,
            },
        ]);
        let v = v.unwrap_or_else(|_| Versioned::single("x", d(1, 1, 1), 0));
        assert_eq!(v.at(d(2020, 7, 12)).map(|r| r.rules), Some(1));
        assert_eq!(v.at(d(2020, 7, 13)).map(|r| r.rules), Some(2));
        assert_eq!(v.at(d(1990, 6, 26)).map(|r| r.rules), None);
    }

    #[test]
    fn refuses_empty_and_duplicate_dates() {
        assert_eq!(Versioned::<u8>::new(vec![]), Err(RuleVersionError::Empty));
        let dup = Versioned::new(vec![
            RuleVersion {
                name: "a".into(),
                effective_from: d(2020, 1, 1),
                rules: 1,
            },
            RuleVersion {
                name: "b".into(),
                effective_from: d(2020, 1, 1),
                rules: 2,
            },
        ]);
        assert!(matches!(
            dup,
            Err(RuleVersionError::SameEffectiveDate { .. })
        ));
    }

    #[test]
    fn serde_round_trip_validates() {
        let v = Versioned::single("only", d(2017, 1, 1), 5u32);
        let json = serde_json::to_string(&v).unwrap_or_default();
        let back: Result<Versioned<u32>, _> = serde_json::from_str(&json);
        assert_eq!(back.ok(), Some(v));
        let bad: Result<Versioned<u32>, _> = serde_json::from_str("[]");
        assert!(bad.is_err());
    }
}
