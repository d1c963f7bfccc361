//! 选举人名单 (electorate): the roll for a vote on a date, from memberships
//! and the lifecycle; attendance and absent members' written opinions.
//! [Election 2020; Charter Art. 7; Development 2014 Art. 27;
//! `docs/RULES.md` VOTE-2, VOTE-4, VOTE-14, DEV-13]

use super::ElectionError;
use crate::discipline::{Decision, Measure};
use crate::lifecycle::Stage;
use crate::member::Member;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// 无选举权原因 (why not entitled): listed on the roll but with no vote and
/// no right to stand. [Charter Art. 7; Election 2020]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotEntitledReason {
    /// 预备党员: probationary members neither vote nor stand.
    Probationary,
    /// 受留党察看处分: a sanction that removes voting rights.
    SanctionRemovesRights,
    /// 被羁押: in detention (rights suspended).
    Detained,
    /// 停止党籍: membership suspended (out of contact).
    MembershipSuspended,
    /// Not a member of the organisation, or not a member at all.
    NotAMember,
}

impl NotEntitledReason {
    /// 中文: the reason as printed on the roll.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Probationary => "预备党员",
            Self::SanctionRemovesRights => "受留党察看处分",
            Self::Detained => "被羁押",
            Self::MembershipSuspended => "停止党籍",
            Self::NotAMember => "非本组织党员",
        }
    }
}

impl fmt::Display for NotEntitledReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// 选举人名单 (roll): who may vote and stand on `on`, and who is listed but
/// not entitled, with the reason. [Election 2020]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::{NotEntitledReason, Roll};
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, [MemberId::new(1), MemberId::new(2)],
///     [(MemberId::new(3), NotEntitledReason::Probationary)]);
/// assert_eq!(roll.entitled_count(), 2);
/// assert!(roll.check_entitled(MemberId::new(3)).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roll {
    /// The organisation voting.
    pub org: OrgId,
    /// The date the roll was drawn (the day of the vote).
    pub on: NaiveDate,
    /// 有选举权: full members entitled to vote and stand.
    pub entitled: BTreeSet<MemberId>,
    /// 无选举权: listed, with the reason.
    pub not_entitled: BTreeMap<MemberId, NotEntitledReason>,
}

impl Roll {
    /// 生成名单: the roll of `org` on `on` from `members` (those whose home
    /// branch is `org`, or who joined it as an online branch) and the
    /// stored `decisions` about them (any others are ignored). Full members
    /// on `on` are entitled unless a decision restricts them (留党察看,
    /// detention: MEM-8, MEM-12); probationary members are listed as not
    /// entitled; others (applicants, exited, expelled) and records not yet
    /// approved (登记待审核) are left off. [Charter Art. 7; Election 2020]
    pub fn draw(org: OrgId, on: NaiveDate, members: &[Member], decisions: &[Decision]) -> Self {
        let people = members
            .iter()
            .filter(|m| m.home() == org || m.memberships.online().contains_key(&org))
            .filter(|m| m.card().is_some())
            .map(|m| (m.id, m.lifecycle.stage_on(on)));
        let facts = decisions
            .iter()
            .map(|d| (d.member, d.measure, d.decided_on));
        Self::classify(org, on, people, facts)
    }

    /// 按事实生成名单: the roll of `org` on `on` from plain facts, without
    /// member records or a store: each person's stage on `on` (`None`:
    /// not yet a member) and the decisions about them (member, measure,
    /// date). Full members are entitled unless a decision restricts them
    /// on `on`; probationary members are listed as not entitled; anyone
    /// else, and anyone expelled, is left off (`docs/RULES.md` VOTE-4a).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::discipline::{Measure, ProbationTerm};
    /// use dangjian::election::{NotEntitledReason, Roll};
    /// use dangjian::lifecycle::Stage;
    /// use dangjian::{MemberId, OrgId};
    /// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// let m = MemberId::new;
    /// let probation = Measure::Probation { term: ProbationTerm::OneYear, rights_restored: true };
    /// let people = [(m(1), Some(Stage::Full)), (m(2), Some(Stage::Full)), (m(3), Some(Stage::Probationary)),
    ///     (m(4), Some(Stage::Full)), (m(5), Some(Stage::Applicant))];
    /// let facts = [(m(2), probation, d(2024, 3, 1)), (m(4), Measure::Detention { released_on: None }, d(2024, 5, 2))];
    /// let roll = Roll::classify(OrgId::new(7), d(2024, 6, 1), people, facts);
    /// assert_eq!(roll.entitled.iter().copied().collect::<Vec<_>>(), [m(1)]);
    /// assert_eq!(roll.not_entitled.get(&m(2)), Some(&NotEntitledReason::SanctionRemovesRights));
    /// assert_eq!(roll.not_entitled.get(&m(3)), Some(&NotEntitledReason::Probationary));
    /// assert_eq!(roll.not_entitled.get(&m(4)), Some(&NotEntitledReason::Detained));
    /// assert!(!roll.lists(m(5)));
    /// // A year later the probation is over and the rights were restored.
    /// let later = Roll::classify(OrgId::new(7), d(2025, 3, 1), [(m(2), Some(Stage::Full))], facts);
    /// assert!(later.check_entitled(m(2)).is_ok());
    /// ```
    pub fn classify(
        org: OrgId,
        on: NaiveDate,
        people: impl IntoIterator<Item = (MemberId, Option<Stage>)>,
        decisions: impl IntoIterator<Item = (MemberId, Measure, NaiveDate)>,
    ) -> Self {
        let mut by_member: BTreeMap<MemberId, Vec<(Measure, NaiveDate)>> = BTreeMap::new();
        for (member, measure, date) in decisions {
            by_member.entry(member).or_default().push((measure, date));
        }
        let mut roll = Self::from_parts(org, on, [], []);
        for (member, stage) in people {
            let facts = by_member.get(&member).map(Vec::as_slice).unwrap_or(&[]);
            let restriction = crate::discipline::restriction_on(facts.iter().copied(), on);
            match (stage, restriction) {
                (_, Some(NotEntitledReason::NotAMember)) => {}
                (Some(Stage::Full), Some(reason)) => {
                    roll.not_entitled.insert(member, reason);
                }
                (Some(Stage::Full), None) => {
                    roll.entitled.insert(member);
                }
                (Some(Stage::Probationary), _) => {
                    roll.not_entitled
                        .insert(member, NotEntitledReason::Probationary);
                }
                _ => {}
            }
        }
        roll
    }

    /// A roll from explicit lists (imports, tests).
    pub fn from_parts(
        org: OrgId,
        on: NaiveDate,
        entitled: impl IntoIterator<Item = MemberId>,
        not_entitled: impl IntoIterator<Item = (MemberId, NotEntitledReason)>,
    ) -> Self {
        Self {
            org,
            on,
            entitled: entitled.into_iter().collect(),
            not_entitled: not_entitled.into_iter().collect(),
        }
    }

    /// 应到人数: the number entitled.
    pub fn entitled_count(&self) -> u32 {
        u32::try_from(self.entitled.len()).unwrap_or(u32::MAX)
    }

    /// Whether `member` is on the roll at all (entitled or not).
    pub fn lists(&self, member: MemberId) -> bool {
        self.entitled.contains(&member) || self.not_entitled.contains_key(&member)
    }

    /// 资格审查: `Ok` if `member` may vote and stand.
    ///
    /// # Errors
    /// [`ElectionError::NotOnRoll`] naming the reason.
    pub fn check_entitled(&self, member: MemberId) -> Result<(), ElectionError> {
        if self.entitled.contains(&member) {
            return Ok(());
        }
        let why = self
            .not_entitled
            .get(&member)
            .map_or_else(|| "not on the roll".to_owned(), |r| r.label_zh().to_owned());
        Err(ElectionError::NotOnRoll { member, why })
    }

    /// 被选举权: `Ok` if `member` may stand.
    ///
    /// # Errors
    /// [`ElectionError::NotEntitledToStand`] with the reason.
    pub fn check_may_stand(&self, member: MemberId) -> Result<(), ElectionError> {
        if self.entitled.contains(&member) {
            return Ok(());
        }
        let reason = self
            .not_entitled
            .get(&member)
            .copied()
            .unwrap_or(NotEntitledReason::NotAMember);
        Err(ElectionError::NotEntitledToStand { member, reason })
    }
}

/// 签到方式 (attendance mode): in person or by online check-in, as
/// company and county platforms do (`docs/RULES.md` VOTE-14).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceMode {
    /// 现场签到.
    InPerson,
    /// 线上签到.
    Online,
}

/// 书面意见 (written opinion) of an absent member on a motion: counted with
/// the votes. [Development 2014 Art. 27]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WrittenOpinion {
    /// 同意.
    Yes,
    /// 不同意.
    No,
    /// 弃权.
    Abstain,
}

/// 到会情况 (attendance): who checked in and how; absent members' written
/// opinions. Only entitled members count as present.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::{Attendance, AttendanceMode, Roll, WrittenOpinion};
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=3).map(MemberId::new), []);
/// let mut a = Attendance::default();
/// a.check_in(&roll, MemberId::new(1), AttendanceMode::Online)?;
/// a.written_opinion(&roll, MemberId::new(2), WrittenOpinion::Yes)?;
/// assert!(a.check_in(&roll, MemberId::new(9), AttendanceMode::InPerson).is_err());
/// assert_eq!(a.present_count(), 1);
/// # Ok::<(), dangjian::election::ElectionError>(())
/// ```
///
/// Deserializing refuses a member both present and giving a written
/// opinion, as [`Attendance::check_in`] and
/// [`Attendance::written_opinion`] never make one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self")]
pub struct Attendance {
    /// 实到: entitled members present, and how they checked in.
    pub present: BTreeMap<MemberId, AttendanceMode>,
    /// 书面意见: absent entitled members' written opinions.
    pub written: BTreeMap<MemberId, WrittenOpinion>,
}

checked_serde!(Attendance, |a| a.check_disjoint());

impl Attendance {
    fn check_disjoint(&self) -> Result<(), ElectionError> {
        match self.written.keys().find(|m| self.present.contains_key(m)) {
            Some(m) => Err(ElectionError::WrittenOpinion(format!(
                "{m} is present and votes in person"
            ))),
            None => Ok(()),
        }
    }

    /// 签到: checks in an entitled member (a written opinion they sent is
    /// withdrawn: they vote in person). Checking in twice keeps the first.
    ///
    /// # Errors
    /// [`ElectionError::NotOnRoll`] for someone not entitled.
    pub fn check_in(
        &mut self,
        roll: &Roll,
        member: MemberId,
        mode: AttendanceMode,
    ) -> Result<(), ElectionError> {
        roll.check_entitled(member)?;
        self.written.remove(&member);
        self.present.entry(member).or_insert(mode);
        Ok(())
    }

    /// 书面意见: records an absent entitled member's written opinion.
    ///
    /// # Errors
    /// [`ElectionError::NotOnRoll`] for someone not entitled;
    /// [`ElectionError::WrittenOpinion`] for someone present.
    pub fn written_opinion(
        &mut self,
        roll: &Roll,
        member: MemberId,
        opinion: WrittenOpinion,
    ) -> Result<(), ElectionError> {
        roll.check_entitled(member)?;
        if self.present.contains_key(&member) {
            return Err(ElectionError::WrittenOpinion(format!(
                "{member} is present and votes in person"
            )));
        }
        self.written.insert(member, opinion);
        Ok(())
    }

    /// 实到人数: entitled members present.
    pub fn present_count(&self) -> u32 {
        u32::try_from(self.present.len()).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roll() -> Roll {
        let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        Roll::from_parts(
            OrgId::new(1),
            on,
            (1..=3).map(MemberId::new),
            [(MemberId::new(4), NotEntitledReason::Probationary)],
        )
    }

    #[test]
    fn probationary_neither_votes_nor_stands() {
        let r = roll();
        assert!(matches!(
            r.check_may_stand(MemberId::new(4)),
            Err(ElectionError::NotEntitledToStand {
                reason: NotEntitledReason::Probationary,
                ..
            })
        ));
        let mut a = Attendance::default();
        assert!(
            a.check_in(&r, MemberId::new(4), AttendanceMode::InPerson)
                .is_err()
        );
        assert_eq!(a.present_count(), 0);
    }

    #[test]
    fn present_members_give_no_written_opinion() {
        let r = roll();
        let mut a = Attendance::default();
        assert!(
            a.check_in(&r, MemberId::new(1), AttendanceMode::InPerson)
                .is_ok()
        );
        assert!(
            a.written_opinion(&r, MemberId::new(1), WrittenOpinion::Yes)
                .is_err()
        );
        assert!(
            a.written_opinion(&r, MemberId::new(2), WrittenOpinion::No)
                .is_ok()
        );
        assert!(
            a.check_in(&r, MemberId::new(2), AttendanceMode::Online)
                .is_ok()
        );
        assert!(a.written.is_empty());
    }

    proptest::proptest! {
        /// 按事实生成名单: nobody is both entitled and not; the entitled
        /// are exactly the full members with no restriction on the date;
        /// nobody expelled or not a member is listed.
        #[test]
        fn classify_partitions_the_people(
            people in proptest::collection::vec((0u64..20, 0u8..4), 0..20),
            facts in proptest::collection::vec((0u64..20, 0u8..5, 0i64..900), 0..20),
            day in 0i64..1200,
        ) {
            use crate::discipline::{Measure, ProbationTerm};
            let start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default();
            let stage = |k: u8| match k {
                0 => None,
                1 => Some(Stage::Applicant),
                2 => Some(Stage::Probationary),
                _ => Some(Stage::Full),
            };
            let measure = |k: u8| match k {
                0 => Measure::Warning,
                1 => Measure::Probation { term: ProbationTerm::OneYear, rights_restored: true },
                2 => Measure::Probation { term: ProbationTerm::TwoYears, rights_restored: false },
                3 => Measure::Detention { released_on: Some(start + chrono::Duration::days(1000)) },
                _ => Measure::Expulsion,
            };
            let people: BTreeMap<MemberId, Option<Stage>> =
                people.into_iter().map(|(m, k)| (MemberId::new(m), stage(k))).collect();
            let facts: Vec<(MemberId, Measure, NaiveDate)> = facts
                .into_iter()
                .map(|(m, k, off)| (MemberId::new(m), measure(k), start + chrono::Duration::days(off)))
                .collect();
            let on = start + chrono::Duration::days(day);
            let roll = Roll::classify(OrgId::new(1), on, people.clone(), facts.clone());
            for (m, stage) in &people {
                let mine = facts.iter().filter(|f| f.0 == *m).map(|f| (f.1, f.2));
                let restriction = crate::discipline::restriction_on(mine, on);
                let entitled = *stage == Some(Stage::Full) && restriction.is_none();
                proptest::prop_assert_eq!(roll.entitled.contains(m), entitled);
                proptest::prop_assert!(!(roll.entitled.contains(m) && roll.not_entitled.contains_key(m)));
                if restriction == Some(NotEntitledReason::NotAMember)
                    || !matches!(stage, Some(Stage::Full | Stage::Probationary))
                {
                    proptest::prop_assert!(!roll.lists(*m));
                }
            }
        }
    }

    #[test]
    fn serde_round_trip() {
        let r = roll();
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Roll>(&json).ok(), Some(r));
    }
}
