//! 民主评议 (democratic appraisal) of members, and 匿名测评 (anonymous
//! evaluation) of an organisation or a cadre. [Branch 2018; `docs/RULES.md`
//! VOTE-15 … VOTE-17]

use super::{ElectionError, NotEntitledReason, Roll};
use crate::{MemberId, OrgId};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 评议等次 (grade). [Branch 2018; common practice]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// 优秀.
    Excellent,
    /// 合格.
    Qualified,
    /// 基本合格.
    BasicallyQualified,
    /// 不合格.
    Unqualified,
}

impl Grade {
    /// 中文.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Excellent => "优秀",
            Self::Qualified => "合格",
            Self::BasicallyQualified => "基本合格",
            Self::Unqualified => "不合格",
        }
    }
}

/// 评议规则 (appraisal rules), configurable: the 优秀 share (default 1/3)
/// and the smallest group of anonymous respondents shown (default 5).
/// [`docs/RULES.md` VOTE-16, VOTE-17; **configurable**]
///
/// ```
/// use dangjian::election::AppraisalRules;
/// let r = AppraisalRules::default();
/// assert_eq!(r.excellent_cap(10), 3);
/// assert_eq!(r.excellent_cap(3), 1);
/// assert_eq!(r.min_group_size, 5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalRules {
    /// 优秀比例 as (numerator, denominator): at most `base × num / den`,
    /// rounded down.
    pub excellent_share: (u32, u32),
    /// 最小分组人数: no breakdown for a group with fewer respondents.
    pub min_group_size: u32,
    /// 优秀比例的基数: whom the share is taken of (an open reading,
    /// `docs/RULES.md` VOTE-16). Default: all appraised.
    #[serde(default)]
    pub excellent_of: ExcellentBase,
}

/// 优秀比例的基数: whether the 1/3 优秀 cap is taken of all members
/// appraised (probationary members included, who are appraised but not
/// graded) or of those graded only. [`docs/RULES.md` VOTE-16, "Open
/// readings"]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// use std::collections::BTreeMap;
/// let on = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap();
/// // 8 full members and 1 probationary: 9 appraised, 8 graded.
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=8).map(MemberId::new),
///     [(MemberId::new(9), NotEntitledReason::Probationary)]);
/// let grades: BTreeMap<_, _> = (1..=8)
///     .map(|i| (MemberId::new(i), if i <= 3 { Grade::Excellent } else { Grade::Qualified }))
///     .collect();
/// let of_all = AppraisalRules::default(); // 9 / 3 = 3
/// assert_eq!(Appraisal::grade(&roll, 2024, &grades, &of_all)?.cap, 3);
/// let of_graded = AppraisalRules { excellent_of: ExcellentBase::Graded, ..of_all }; // 8 / 3 = 2
/// assert!(Appraisal::grade(&roll, 2024, &grades, &of_graded).is_err());
/// # Ok::<(), ElectionError>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExcellentBase {
    /// 参加评议的党员: everyone appraised (the default: the practice reads
    /// "优秀 at most 1/3 of those appraised", and probationary members are
    /// appraised).
    #[default]
    Appraised,
    /// 评定等次的党员: only those given a grade.
    Graded,
}

impl Default for AppraisalRules {
    fn default() -> Self {
        Self {
            excellent_share: (1, 3),
            min_group_size: 5,
            excellent_of: ExcellentBase::Appraised,
        }
    }
}

impl AppraisalRules {
    /// 优秀名额: the most 优秀 grades for a base of `graded` members (the
    /// base [`AppraisalRules::excellent_of`] names).
    pub fn excellent_cap(&self, graded: u32) -> u32 {
        let (num, den) = self.excellent_share;
        if den == 0 {
            return 0;
        }
        u32::try_from(u64::from(graded) * u64::from(num) / u64::from(den)).unwrap_or(u32::MAX)
    }
}

/// 评议结果 of one member: a grade, or appraised but not graded
/// (probationary members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "grade", rename_all = "snake_case")]
pub enum AppraisalEntry {
    /// 定等次.
    Graded(Grade),
    /// 预备党员: appraised, not graded.
    NotGraded,
}

/// 民主评议结果 (appraisal result) of an organisation for a year.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// use std::collections::BTreeMap;
/// let on = NaiveDate::from_ymd_opt(2024, 12, 20).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=3).map(MemberId::new),
///     [(MemberId::new(4), NotEntitledReason::Probationary)]);
/// let mut grades = BTreeMap::new();
/// grades.insert(MemberId::new(1), Grade::Excellent);
/// grades.insert(MemberId::new(2), Grade::Qualified);
/// grades.insert(MemberId::new(3), Grade::Qualified);
/// let r = Appraisal::grade(&roll, 2024, &grades, &AppraisalRules::default())?;
/// assert_eq!(r.entries[&MemberId::new(4)], AppraisalEntry::NotGraded);
/// grades.insert(MemberId::new(2), Grade::Excellent); // 2 of 3: over the cap of 1
/// assert!(Appraisal::grade(&roll, 2024, &grades, &AppraisalRules::default()).is_err());
/// # Ok::<(), ElectionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Appraisal {
    /// The organisation.
    pub org: OrgId,
    /// The year appraised.
    pub year: i32,
    /// Every member appraised.
    pub entries: BTreeMap<MemberId, AppraisalEntry>,
    /// 优秀 given.
    pub excellent: u32,
    /// 优秀名额.
    pub cap: u32,
}

checked_serde!(Appraisal, |a| a.check());

impl Appraisal {
    /// 自检: what [`Appraisal::grade`] ensures without the roll: the 优秀
    /// count is that of the entries, and within the cap.
    ///
    /// # Errors
    /// [`ElectionError::Appraisal`]; [`ElectionError::ExcellentOverCap`].
    pub fn check(&self) -> Result<(), ElectionError> {
        let count = self
            .entries
            .values()
            .filter(|e| **e == AppraisalEntry::Graded(Grade::Excellent))
            .count();
        if u32::try_from(count).ok() != Some(self.excellent) {
            return Err(ElectionError::Appraisal(format!(
                "{} 优秀 recorded but {count} graded so",
                self.excellent
            )));
        }
        if self.excellent > self.cap {
            let graded = self
                .entries
                .values()
                .filter(|e| matches!(e, AppraisalEntry::Graded(_)))
                .count();
            return Err(ElectionError::ExcellentOverCap {
                cap: self.cap,
                given: self.excellent,
                graded: u32::try_from(graded).unwrap_or(u32::MAX),
            });
        }
        Ok(())
    }

    /// 评定: checks `grades` for the members of `roll`: every full member
    /// graded, no probationary member graded, 优秀 within the cap (of the
    /// base [`AppraisalRules::excellent_of`] names).
    ///
    /// # Errors
    /// [`ElectionError::Appraisal`] for a grade of someone not on the roll,
    /// of a probationary member, or a missing grade;
    /// [`ElectionError::ExcellentOverCap`].
    pub fn grade(
        roll: &Roll,
        year: i32,
        grades: &BTreeMap<MemberId, Grade>,
        rules: &AppraisalRules,
    ) -> Result<Self, ElectionError> {
        let mut entries = BTreeMap::new();
        let probationary =
            |m: &MemberId| roll.not_entitled.get(m) == Some(&NotEntitledReason::Probationary);
        for m in grades.keys() {
            if !roll.lists(*m) {
                return Err(ElectionError::Appraisal(format!("{m} is not on the roll")));
            }
            if probationary(m) {
                return Err(ElectionError::Appraisal(format!(
                    "{m} is a probationary member: appraised but not graded"
                )));
            }
        }
        let listed = roll.entitled.iter().chain(roll.not_entitled.keys());
        for m in listed {
            if probationary(m) {
                entries.insert(*m, AppraisalEntry::NotGraded);
                continue;
            }
            let g = grades
                .get(m)
                .ok_or_else(|| ElectionError::Appraisal(format!("no grade for {m}")))?;
            entries.insert(*m, AppraisalEntry::Graded(*g));
        }
        let base = match rules.excellent_of {
            ExcellentBase::Appraised => entries.len(),
            ExcellentBase::Graded => grades.len(),
        };
        let graded = u32::try_from(base).unwrap_or(u32::MAX);
        let excellent = u32::try_from(grades.values().filter(|g| **g == Grade::Excellent).count())
            .unwrap_or(u32::MAX);
        let cap = rules.excellent_cap(graded);
        if excellent > cap {
            return Err(ElectionError::ExcellentOverCap {
                cap,
                given: excellent,
                graded,
            });
        }
        Ok(Self {
            org: roll.org,
            year,
            entries,
            excellent,
            cap,
        })
    }
}

/// 测评表 (evaluation form): items scored 0..=`max_score`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationForm {
    /// 测评对象 (an organisation or a cadre, as text).
    pub title: String,
    /// 测评项目.
    pub items: Vec<String>,
    /// The highest score of an item.
    pub max_score: u8,
}

/// 测评答卷 (one anonymous response): a group label (e.g. the branch) and
/// a score per item. It has no respondent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationResponse {
    /// The group the respondent belongs to (for the breakdown).
    pub group: String,
    /// One score per item.
    pub scores: Vec<u8>,
}

/// 分组汇总: respondents and per-item means (2 decimals, half away from
/// zero), or `None` when the group is too small to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    /// 答卷数 (shown even when the means are not).
    pub respondents: u32,
    /// 各项平均分, or `None`: suppressed.
    pub means: Option<Vec<Decimal>>,
}

/// 测评汇总 (evaluation summary): aggregated only; no group with fewer
/// than the minimum respondents is broken down, and where exactly one group
/// is hidden a second is hidden too, so it cannot be worked out from the
/// total. [`docs/RULES.md` VOTE-17]
///
/// ```
/// use dangjian::election::*;
/// let form = EvaluationForm { title: "党委班子".into(), items: vec!["作风".into()], max_score: 10 };
/// let r = |g: &str, s| EvaluationResponse { group: g.into(), scores: vec![s] };
/// let mut rs: Vec<_> = (0..6).map(|_| r("一支部", 9)).collect();
/// rs.extend((0..2).map(|_| r("二支部", 3)));
/// let s = EvaluationSummary::aggregate(&form, &rs, 5)?;
/// assert_eq!(s.groups["二支部"].means, None);
/// assert_eq!(s.groups["一支部"].means, None); // hidden too: total − 一支部 = 二支部
/// assert!(s.overall.means.is_some());
/// # Ok::<(), ElectionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationSummary {
    /// The form's items.
    pub items: Vec<String>,
    /// All respondents together.
    pub overall: GroupSummary,
    /// By group.
    pub groups: BTreeMap<String, GroupSummary>,
}

impl EvaluationSummary {
    /// 汇总: aggregates `responses`, hiding groups under `min_group`.
    ///
    /// # Errors
    /// [`ElectionError::Evaluation`] for a response with the wrong number
    /// of scores or a score above the maximum (nothing is aggregated).
    pub fn aggregate(
        form: &EvaluationForm,
        responses: &[EvaluationResponse],
        min_group: u32,
    ) -> Result<Self, ElectionError> {
        for r in responses {
            if r.scores.len() != form.items.len() {
                return Err(ElectionError::Evaluation(format!(
                    "{} scores for {} items",
                    r.scores.len(),
                    form.items.len()
                )));
            }
            if r.scores.iter().any(|s| *s > form.max_score) {
                return Err(ElectionError::Evaluation(format!(
                    "a score above the maximum {}",
                    form.max_score
                )));
            }
        }
        let mut by_group: BTreeMap<String, Vec<&EvaluationResponse>> = BTreeMap::new();
        for r in responses {
            by_group.entry(r.group.clone()).or_default().push(r);
        }
        let all: Vec<&EvaluationResponse> = responses.iter().collect();
        let overall = summarise(&all, form.items.len(), min_group);
        let mut groups: BTreeMap<String, GroupSummary> = by_group
            .iter()
            .map(|(g, rs)| (g.clone(), summarise(rs, form.items.len(), min_group)))
            .collect();
        let hidden = groups.values().filter(|g| g.means.is_none()).count();
        if hidden == 1 && overall.means.is_some() {
            // 互补隐藏: hide the smallest shown group as well.
            let smallest = groups
                .iter()
                .filter(|(_, g)| g.means.is_some())
                .min_by_key(|(_, g)| g.respondents)
                .map(|(k, _)| k.clone());
            if let Some(g) = smallest.and_then(|k| groups.get_mut(&k)) {
                g.means = None;
            }
        }
        Ok(Self {
            items: form.items.clone(),
            overall,
            groups,
        })
    }
}

fn summarise(rs: &[&EvaluationResponse], items: usize, min_group: u32) -> GroupSummary {
    let respondents = u32::try_from(rs.len()).unwrap_or(u32::MAX);
    if respondents < min_group.max(1) {
        return GroupSummary {
            respondents,
            means: None,
        };
    }
    let means = (0..items)
        .map(|i| {
            let sum: u64 = rs
                .iter()
                .map(|r| u64::from(r.scores.get(i).copied().unwrap_or(0)))
                .sum();
            (Decimal::from(sum) / Decimal::from(respondents))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
        .collect();
    GroupSummary {
        respondents,
        means: Some(means),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn roll(full: u64, probationary: u64) -> Roll {
        let on = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap_or_default();
        Roll::from_parts(
            OrgId::new(1),
            on,
            (1..=full).map(MemberId::new),
            (full + 1..=full + probationary)
                .map(|i| (MemberId::new(i), NotEntitledReason::Probationary)),
        )
    }

    fn grades(full: u64, excellent: u64) -> BTreeMap<MemberId, Grade> {
        (1..=full)
            .map(|i| {
                let g = if i <= excellent {
                    Grade::Excellent
                } else {
                    Grade::Qualified
                };
                (MemberId::new(i), g)
            })
            .collect()
    }

    #[test]
    fn one_third_cap_ten_allow_three_three_allow_one() {
        let rules = AppraisalRules::default();
        assert!(Appraisal::grade(&roll(10, 0), 2024, &grades(10, 3), &rules).is_ok());
        assert!(matches!(
            Appraisal::grade(&roll(10, 0), 2024, &grades(10, 4), &rules),
            Err(ElectionError::ExcellentOverCap {
                cap: 3,
                given: 4,
                graded: 10
            })
        ));
        assert!(Appraisal::grade(&roll(3, 0), 2024, &grades(3, 1), &rules).is_ok());
        assert!(matches!(
            Appraisal::grade(&roll(3, 0), 2024, &grades(3, 2), &rules),
            Err(ElectionError::ExcellentOverCap { cap: 1, .. })
        ));
    }

    #[test]
    fn cap_is_configurable() {
        let rules = AppraisalRules {
            excellent_share: (1, 2),
            ..AppraisalRules::default()
        };
        assert_eq!(rules.excellent_cap(10), 5);
        assert!(Appraisal::grade(&roll(10, 0), 2024, &grades(10, 5), &rules).is_ok());
    }

    #[test]
    fn the_cap_base_is_a_rule_book_choice() {
        // 5 full members and 1 probationary member: 6 appraised, 5 graded.
        let of_all = AppraisalRules::default();
        let of_graded = AppraisalRules {
            excellent_of: ExcellentBase::Graded,
            ..of_all
        };
        let a = Appraisal::grade(&roll(5, 1), 2024, &grades(5, 2), &of_all);
        assert_eq!(a.map(|a| a.cap).ok(), Some(2)); // 6 / 3
        assert!(matches!(
            Appraisal::grade(&roll(5, 1), 2024, &grades(5, 2), &of_graded),
            Err(ElectionError::ExcellentOverCap {
                cap: 1,
                given: 2,
                graded: 5
            })
        ));
        // Without probationary members both readings agree.
        for r in [of_all, of_graded] {
            assert!(Appraisal::grade(&roll(6, 0), 2024, &grades(6, 2), &r).is_ok());
        }
    }

    #[test]
    fn probationary_appraised_not_graded() {
        let rules = AppraisalRules::default();
        let r = Appraisal::grade(&roll(3, 2), 2024, &grades(3, 1), &rules);
        let r = r.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(r.entries.len(), 5);
        assert_eq!(
            r.entries.get(&MemberId::new(5)),
            Some(&AppraisalEntry::NotGraded)
        );
        let mut g = grades(3, 1);
        g.insert(MemberId::new(4), Grade::Qualified);
        assert!(matches!(
            Appraisal::grade(&roll(3, 2), 2024, &g, &rules),
            Err(ElectionError::Appraisal(_))
        ));
        // a full member left without a grade
        assert!(Appraisal::grade(&roll(3, 0), 2024, &grades(2, 0), &rules).is_err());
    }

    #[test]
    fn small_groups_are_not_broken_down() {
        let form = EvaluationForm {
            title: "班子".into(),
            items: vec!["a".into(), "b".into()],
            max_score: 5,
        };
        let r = |g: &str, s: u8| EvaluationResponse {
            group: g.into(),
            scores: vec![s, 5],
        };
        let mut rs: Vec<_> = (0..5).map(|_| r("x", 4)).collect();
        rs.extend((0..5).map(|_| r("y", 3)));
        rs.extend((0..4).map(|_| r("z", 1)));
        let s = EvaluationSummary::aggregate(&form, &rs, 5);
        let s = s.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(s.groups.get("z").map(|g| g.respondents), Some(4));
        assert_eq!(s.groups.get("z").and_then(|g| g.means.clone()), None);
        let hidden = s.groups.values().filter(|g| g.means.is_none()).count();
        assert_eq!(hidden, 2);
        assert_eq!(s.overall.respondents, 14);
        // default minimum
        assert_eq!(AppraisalRules::default().min_group_size, 5);
        // a bad response is refused
        let bad = vec![EvaluationResponse {
            group: "x".into(),
            scores: vec![9, 9],
        }];
        assert!(EvaluationSummary::aggregate(&form, &bad, 5).is_err());
    }

    #[test]
    fn serde_round_trip() {
        let rules = AppraisalRules::default();
        let r = Appraisal::grade(&roll(3, 1), 2024, &grades(3, 1), &rules);
        let r = r.unwrap_or_else(|e| unreachable!("{e}"));
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Appraisal>(&json).ok(), Some(r));
        let form = EvaluationForm {
            title: "书记".into(),
            items: vec!["a".into()],
            max_score: 5,
        };
        let rs: Vec<_> = (0..6)
            .map(|i| EvaluationResponse {
                group: "x".into(),
                scores: vec![i % 5],
            })
            .collect();
        let s = EvaluationSummary::aggregate(&form, &rs, 5);
        let s = s.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(
            s.overall.means.as_deref(),
            Some(&[Decimal::new(167, 2)][..])
        );
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<EvaluationSummary>(&json).ok(),
            Some(s)
        );
        let json = serde_json::to_string(&form).unwrap_or_default();
        assert_eq!(
            serde_json::from_str::<EvaluationForm>(&json).ok(),
            Some(form)
        );
    }
}
