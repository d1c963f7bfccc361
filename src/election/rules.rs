//! 计票规则版本 (counting-rule versions): the 1990 provisional regulation and
//! the 2020 regulation count differently; both are kept with their effective
//! dates, and every count report names the version that counted.
//! [Election 2020; Election 1990; `docs/RULES.md` ORG-6, VOTE-5, VOTE-6, VOTE-8,
//! VOTE-9]

use crate::rules::{RuleVersion, Versioned};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 当选基数 (majority base): whom "more than half" counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// 应到会有选举权的人数: those entitled to attend (Election 2020).
    Entitled,
    /// 实到会有选举权的人数: those present (the 1990 rule).
    Present,
}

/// 选票有效性比较 (returned-ballot check): what the number of returned
/// ballots is compared with; more returned than that voids the vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnedComparedWith {
    /// 投票人数: the number who voted (Election 2020).
    Voted,
    /// 发出选票数: the number of ballots issued (the 1990 rule).
    Issued,
}

/// 选举规则 (election rules) of one version: counting, quorum, competitive
/// ratio and terms. [Election 2020; Branch 2018 Art. 20]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::{national_election_rules, MajorityBase};
/// let rules = national_election_rules();
/// let v = rules.at(NaiveDate::from_ymd_opt(2020, 7, 12).unwrap()).unwrap();
/// assert_eq!(v.name, "election-1990");
/// assert_eq!(v.rules.majority_base, MajorityBase::Present);
/// let v = rules.at(NaiveDate::from_ymd_opt(2020, 7, 13).unwrap()).unwrap();
/// assert_eq!(v.name, "election-2020");
/// assert_eq!(v.rules.min_candidates(7), 9);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionRules {
    /// 当选基数: whom the majority counts.
    pub majority_base: MajorityBase,
    /// 选票有效性: what returned ballots are compared with.
    pub returned_compared_with: ReturnedComparedWith,
    /// 法定人数: an election is quorate when present × `den` > entitled ×
    /// `num` (4/5: exactly 4/5 is not enough).
    pub quorum: (u32, u32),
    /// 差额比例: competitive elections list at least this many percent more
    /// candidates than seats, rounded up (20).
    pub competitive_percent: u32,
    /// 支部、总支任期 (years): 3.
    pub branch_term_years: u32,
    /// 基层党委任期 (years): 5.
    pub committee_term_years: u32,
    /// 延期或提前 (months): at most 12.
    pub max_deviation_months: u32,
}

impl ElectionRules {
    /// 差额人数: the minimum number of candidates for `seats` in a
    /// competitive election: `ceil(seats × (100 + percent) / 100)` (5 → 6,
    /// 7 → 9). [Election 2020]
    pub fn min_candidates(&self, seats: u32) -> u32 {
        let scaled = u64::from(seats) * (100 + u64::from(self.competitive_percent));
        u32::try_from(scaled.div_ceil(100)).unwrap_or(u32::MAX)
    }

    /// 选举法定人数: whether `present` of `entitled` make the election
    /// quorate (strictly more than 4/5). [Election 2020]
    pub fn quorate(&self, entitled: u32, present: u32) -> bool {
        let (num, den) = self.quorum;
        u64::from(present) * u64::from(den) > u64::from(entitled) * u64::from(num)
    }
}

/// 1990 年暂行条例 (the 1990 provisional regulation's counting rules): a
/// majority of those present, returned ballots compared with those issued.
pub fn rules_1990() -> ElectionRules {
    ElectionRules {
        majority_base: MajorityBase::Present,
        returned_compared_with: ReturnedComparedWith::Issued,
        ..rules_2020()
    }
}

/// 2020 年条例 (Election 2020): a majority of those entitled, returned
/// ballots compared with the number who voted. [Election 2020;
/// `docs/RULES.md` VOTE-8, VOTE-9]
pub fn rules_2020() -> ElectionRules {
    ElectionRules {
        majority_base: MajorityBase::Entitled,
        returned_compared_with: ReturnedComparedWith::Voted,
        quorum: (4, 5),
        competitive_percent: 20,
        branch_term_years: 3,
        committee_term_years: 5,
        max_deviation_months: 12,
    }
}

/// 选举规则版本 (the national election rule versions): "election-1990"
/// from 1990-06-27 and "election-2020" from 2020-07-13. An election picks
/// the version in force on its date unless the integrator names one
/// ([`super::ElectionBuilder::rule_version`]). [Election 2020]
pub fn national_election_rules() -> Versioned<ElectionRules> {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    Versioned::new(vec![
        RuleVersion {
            name: "election-1990".into(),
            effective_from: date(1990, 6, 27),
            rules: rules_1990(),
        },
        RuleVersion {
            name: "election-2020".into(),
            effective_from: date(2020, 7, 13),
            rules: rules_2020(),
        },
    ])
    .unwrap_or_else(|_| Versioned::single("election-2020", date(2020, 7, 13), rules_2020()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn competitive_ratio_rounds_up() {
        let r = rules_2020();
        assert_eq!(r.min_candidates(5), 6);
        assert_eq!(r.min_candidates(7), 9);
        assert_eq!(r.min_candidates(1), 2);
        assert_eq!(r.min_candidates(10), 12);
    }

    #[test]
    fn quorum_is_strictly_more_than_four_fifths() {
        let r = rules_2020();
        assert!(!r.quorate(40, 32));
        assert!(r.quorate(40, 33));
        assert!(!r.quorate(5, 4));
        assert!(r.quorate(5, 5));
    }

    #[test]
    fn versions_switch_on_2020_07_13() {
        let v = national_election_rules();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(
            v.at(d(2020, 7, 12)).map(|x| x.name.as_str()),
            Some("election-1990")
        );
        assert_eq!(
            v.at(d(2020, 7, 13)).map(|x| x.name.as_str()),
            Some("election-2020")
        );
        assert!(v.at(d(1990, 6, 26)).is_none());
    }

    #[test]
    fn serde_round_trip() {
        let r = rules_1990();
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(serde_json::from_str::<ElectionRules>(&json).ok(), Some(r));
    }
}
