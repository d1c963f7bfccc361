//! 表决 (motion votes) of the branch assembly: admission, conversion,
//! extension of probation and discipline. Quorate when more than half of
//! the full members entitled are present; passed when yes votes, written
//! opinions included, exceed half of those entitled. One person per
//! admission vote. [Development 2014 Art. 27; Branch 2018; `docs/RULES.md`
//! VOTE-1 … VOTE-3]

use super::electorate::WrittenOpinion;
use super::{Attendance, Ballot, BallotPaper, ElectionError, Mark, NotEntitledReason, Roll};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 表决事项 (what the motion decides). [Development 2014 Art. 27, 32]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MotionKind {
    /// 接收预备党员: admit a development target.
    Admission,
    /// 预备党员转正: convert a probationary member.
    Conversion,
    /// 延长预备期: extend a probation.
    ExtendProbation,
    /// 党纪处分: a disciplinary decision about a member.
    Discipline,
}

impl MotionKind {
    /// 中文.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Admission => "接收预备党员",
            Self::Conversion => "预备党员转正",
            Self::ExtendProbation => "延长预备期",
            Self::Discipline => "党纪处分",
        }
    }
}

/// 表决 (a motion) about exactly one person: a motion cannot name two, so
/// each admission is voted on by itself. [Development 2014 Art. 27]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::{Motion, MotionKind, NotEntitledReason, Roll};
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=9).map(MemberId::new),
///     [(MemberId::new(10), NotEntitledReason::Probationary)]);
/// assert!(Motion::new(MotionKind::Conversion, MemberId::new(10), &roll).is_ok());
/// assert!(Motion::new(MotionKind::Conversion, MemberId::new(3), &roll).is_err());
/// assert!(Motion::new(MotionKind::Admission, MemberId::new(3), &roll).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Motion {
    /// The branch voting.
    pub org: OrgId,
    /// What is decided.
    pub kind: MotionKind,
    /// About whom.
    pub subject: MemberId,
    /// The day of the assembly.
    pub held_on: NaiveDate,
}

impl Motion {
    /// A motion about `subject`, checked against the roll: an admission is
    /// about someone not yet a member; a conversion or extension about a
    /// probationary member; discipline about a member on the roll.
    ///
    /// # Errors
    /// [`ElectionError::WrongKind`] when the subject does not fit the kind.
    pub fn new(kind: MotionKind, subject: MemberId, roll: &Roll) -> Result<Self, ElectionError> {
        fits(kind, subject, roll)?;
        Ok(Self {
            org: roll.org,
            kind,
            subject,
            held_on: roll.on,
        })
    }

    /// A motion about `subject`, whose home branch (组织关系所在支部) is
    /// `home`: only the assembly of that branch votes on them (an online
    /// branch they joined does not), then as [`Motion::new`].
    /// [Development 2014 Art. 27; `docs/RULES.md` VOTE-3]
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::election::{Motion, MotionKind, Roll};
    /// use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// let roll = Roll::from_parts(OrgId::new(2), on, (1..=9).map(MemberId::new), []);
    /// let target = MemberId::new(20);
    /// assert!(Motion::about_member(MotionKind::Admission, target, OrgId::new(2), &roll).is_ok());
    /// // Branch B's development target is not branch 2's to admit.
    /// assert!(Motion::about_member(MotionKind::Admission, target, OrgId::new(3), &roll).is_err());
    /// ```
    ///
    /// # Errors
    /// [`ElectionError::WrongKind`] for a subject of another home branch,
    /// or one who does not fit the kind.
    pub fn about_member(
        kind: MotionKind,
        subject: MemberId,
        home: OrgId,
        roll: &Roll,
    ) -> Result<Self, ElectionError> {
        if home != roll.org {
            return Err(ElectionError::WrongKind(
                "the subject is not a member of this organisation",
            ));
        }
        Self::new(kind, subject, roll)
    }

    /// 自检: what [`Motion::new`] checked, against the roll it was opened
    /// with (the same organisation and day; the subject fits the kind).
    ///
    /// # Errors
    /// [`ElectionError::WrongKind`].
    pub fn check(&self, roll: &Roll) -> Result<(), ElectionError> {
        if self.org != roll.org || self.held_on != roll.on {
            return Err(ElectionError::WrongKind(
                "a motion is voted on by the roll of its own assembly",
            ));
        }
        fits(self.kind, self.subject, roll)
    }

    /// 表决票: the ballot for a paper that marks the subject (unmarked:
    /// abstain).
    ///
    /// # Errors
    /// [`ElectionError::UnknownCandidate`] for a mark on anyone else;
    /// [`ElectionError::WriteInNotAllowed`] for a write-in.
    pub fn ballot(&self, paper: &BallotPaper) -> Result<Ballot, ElectionError> {
        if !paper.write_ins.is_empty() {
            return Err(ElectionError::WriteInNotAllowed);
        }
        let mut mark = Mark::Abstain;
        for (who, m) in &paper.marks {
            if *who != self.subject {
                return Err(ElectionError::UnknownCandidate(*who));
            }
            mark = *m;
        }
        Ok(match mark {
            Mark::Yes => Ballot::from_masks(1, 0, Vec::new()),
            Mark::No => Ballot::from_masks(0, 1, Vec::new()),
            Mark::Abstain => Ballot::from_masks(0, 0, Vec::new()),
        })
    }
}

/// Whether `subject` fits `kind` on `roll` (VOTE-3, DEV-7, DEV-12).
fn fits(kind: MotionKind, subject: MemberId, roll: &Roll) -> Result<(), ElectionError> {
    let probationary = roll.not_entitled.get(&subject) == Some(&NotEntitledReason::Probationary);
    let ok = match kind {
        MotionKind::Admission => !roll.lists(subject),
        MotionKind::Conversion | MotionKind::ExtendProbation => probationary,
        MotionKind::Discipline => roll.lists(subject),
    };
    if !ok {
        return Err(ElectionError::WrongKind(match kind {
            MotionKind::Admission => "an admission is about someone not yet a member",
            MotionKind::Conversion | MotionKind::ExtendProbation => {
                "a conversion or extension is about a probationary member of this branch"
            }
            MotionKind::Discipline => "discipline is about a member of this branch",
        }));
    }
    Ok(())
}

/// 支部党员大会法定人数: more than half of the full members entitled are
/// present. [Development 2014 Art. 27; Branch 2018]
pub fn assembly_quorate(entitled: u32, present: u32) -> bool {
    u64::from(present) * 2 > u64::from(entitled)
}

/// 表决结果 (motion report): every figure, and whether it passed.
/// [Development 2014 Art. 27]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=10).map(MemberId::new), []);
/// let m = Motion::new(MotionKind::Admission, MemberId::new(99), &roll)?;
/// let mut a = Attendance::default();
/// for i in 1..=6 { a.check_in(&roll, MemberId::new(i), AttendanceMode::InPerson)?; }
/// a.written_opinion(&roll, MemberId::new(7), WrittenOpinion::Yes)?;
/// let yes = vec![Ballot::from_masks(1, 0, vec![]); 5];
/// let r = MotionReport::count(&m, 10, &a, &yes);
/// assert!(r.passed); // 5 + 1 written = 6 > 10 / 2
/// # Ok::<(), ElectionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MotionReport {
    /// The motion.
    pub motion: Motion,
    /// 应到.
    pub entitled: u32,
    /// 实到.
    pub present: u32,
    /// 超过半数到会.
    pub quorate: bool,
    /// 到会赞成.
    pub yes: u32,
    /// 到会不赞成.
    pub no: u32,
    /// 到会弃权 (and blank or malformed ballots).
    pub abstain: u32,
    /// 书面意见赞成.
    pub written_yes: u32,
    /// 书面意见不赞成.
    pub written_no: u32,
    /// 书面意见弃权.
    pub written_abstain: u32,
    /// 赞成合计 (votes and written opinions).
    pub yes_total: u32,
    /// 通过所需最低票数: more than half of those entitled.
    pub votes_needed: u32,
    /// 通过.
    pub passed: bool,
}

impl MotionReport {
    /// 表决计票: counts `ballots` and the written opinions of `attendance`
    /// against `entitled`.
    pub fn count(
        motion: &Motion,
        entitled: u32,
        attendance: &Attendance,
        ballots: &[Ballot],
    ) -> Self {
        let (mut yes, mut no, mut abstain) = (0u32, 0u32, 0u32);
        for b in ballots {
            match (b.yes, b.no, b.write_ins.is_empty()) {
                (1, 0, true) => yes += 1,
                (0, 1, true) => no += 1,
                _ => abstain += 1,
            }
        }
        let (mut wy, mut wn, mut wa) = (0u32, 0u32, 0u32);
        for o in attendance.written.values() {
            match o {
                WrittenOpinion::Yes => wy += 1,
                WrittenOpinion::No => wn += 1,
                WrittenOpinion::Abstain => wa += 1,
            }
        }
        let present = attendance.present_count();
        let quorate = assembly_quorate(entitled, present);
        let yes_total = yes + wy;
        let votes_needed = entitled / 2 + 1;
        Self {
            motion: motion.clone(),
            entitled,
            present,
            quorate,
            yes,
            no,
            abstain,
            written_yes: wy,
            written_no: wn,
            written_abstain: wa,
            yes_total,
            votes_needed,
            passed: quorate && u64::from(yes_total) * 2 > u64::from(entitled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::AttendanceMode;
    use super::*;

    fn setup(n: u64) -> (Roll, Motion) {
        let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let roll = Roll::from_parts(OrgId::new(1), on, (1..=n).map(MemberId::new), []);
        let m = Motion::new(MotionKind::Admission, MemberId::new(500), &roll);
        (roll, m.unwrap_or_else(|e| unreachable!("{e}")))
    }

    fn attend(roll: &Roll, present: u64) -> Attendance {
        let mut a = Attendance::default();
        for i in 1..=present {
            let _ = a.check_in(roll, MemberId::new(i), AttendanceMode::InPerson);
        }
        a
    }

    #[test]
    fn quorum_is_more_than_half() {
        assert!(!assembly_quorate(10, 5));
        assert!(assembly_quorate(10, 6));
        assert!(!assembly_quorate(9, 4));
        assert!(assembly_quorate(9, 5));
    }

    #[test]
    fn exactly_half_of_entitled_does_not_pass() {
        let (roll, m) = setup(10);
        let a = attend(&roll, 10);
        let yes = Ballot::from_masks(1, 0, vec![]);
        let no = Ballot::from_masks(0, 1, vec![]);
        let mut ballots = vec![yes.clone(); 5];
        ballots.extend(vec![no; 5]);
        let r = MotionReport::count(&m, 10, &a, &ballots);
        assert!(r.quorate);
        assert_eq!((r.yes_total, r.votes_needed), (5, 6));
        assert!(!r.passed);
        ballots[5] = yes;
        assert!(MotionReport::count(&m, 10, &a, &ballots).passed);
    }

    #[test]
    fn written_opinions_count_toward_the_majority() {
        let (roll, m) = setup(10);
        let mut a = attend(&roll, 6);
        let ballots = vec![Ballot::from_masks(1, 0, vec![]); 5];
        assert!(!MotionReport::count(&m, 10, &a, &ballots).passed);
        let _ = a.written_opinion(&roll, MemberId::new(7), WrittenOpinion::Yes);
        let r = MotionReport::count(&m, 10, &a, &ballots);
        assert_eq!((r.yes, r.written_yes, r.yes_total), (5, 1, 6));
        assert!(r.passed);
    }

    #[test]
    fn not_quorate_does_not_pass_even_with_written_majority() {
        let (roll, m) = setup(10);
        let mut a = attend(&roll, 5);
        for i in 6..=10 {
            let _ = a.written_opinion(&roll, MemberId::new(i), WrittenOpinion::Yes);
        }
        let ballots = vec![Ballot::from_masks(1, 0, vec![]); 5];
        let r = MotionReport::count(&m, 10, &a, &ballots);
        assert!(!r.quorate);
        assert!(!r.passed);
    }

    #[test]
    fn a_motion_ballot_marks_only_the_subject() {
        let (_, m) = setup(3);
        let p = BallotPaper::new().mark(MemberId::new(2), Mark::Yes);
        assert_eq!(
            m.ballot(&p),
            Err(ElectionError::UnknownCandidate(MemberId::new(2)))
        );
        let p = BallotPaper::new().mark(MemberId::new(500), Mark::No);
        assert_eq!(m.ballot(&p).map(|b| b.no), Ok(1));
    }

    #[test]
    fn serde_round_trip() {
        let (roll, m) = setup(3);
        let r = MotionReport::count(&m, 3, &attend(&roll, 2), &[]);
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(serde_json::from_str::<MotionReport>(&json).ok(), Some(r));
    }
}
