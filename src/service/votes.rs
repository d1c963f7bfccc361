//! Vote services (选举与表决): open an election or a motion, check in,
//! record written opinions, cast secret ballots, close, count, and check a
//! receipt. [Election 2020; Development 2014 Art. 27; DOMAIN.md §4]
//!
//! A secretary (branch officer) runs the votes of their branch, committee
//! officers those of their subtree; a member casts their own ballot, keeps
//! the receipt, and reads the published results of votes they are on the
//! roll of. Everything else is `PermissionDenied`, before anything is read
//! for the caller or written.

use super::Dangjian;
use crate::access::{self, Actor};
use crate::election::{
    AttendanceMode, CountReport, ElectionBuilder, ElectionError, Motion, MotionKind, MotionReport,
    NewVote, NotEntitledReason, Receipt, Roll, Round, TrackingCode, VoteId, VoteKind, VoteRecord,
    VoteStatus, WrittenOpinion, seal,
};
use crate::lifecycle::Stage;
use crate::store::StoreErrorKind;
use crate::{Error, MemberId, OrgId};
use std::collections::BTreeMap;

impl Dangjian {
    async fn draw_roll(
        &self,
        org: OrgId,
        restricted: &BTreeMap<MemberId, NotEntitledReason>,
    ) -> Result<Roll, Error> {
        let tree = self.store.org_tree().await?;
        let node = tree
            .get(org)
            .ok_or_else(|| Error::NotFound(org.to_string()))?;
        let members = if node.kind.is_online_branch() {
            self.store.members_by_online(org).await?
        } else {
            self.store.members_by_home(&[org]).await?
        };
        Ok(Roll::draw(org, self.clock.today(), &members, restricted))
    }

    async fn vote_record(&self, id: VoteId) -> Result<VoteRecord, Error> {
        self.store
            .get_vote(id)
            .await?
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    async fn run_check(&self, actor: &Actor, org: OrgId) -> Result<(), Error> {
        let tree = self.store.org_tree().await?;
        Ok(access::check_run_vote(actor, org, &tree)?)
    }

    async fn results_check(&self, actor: &Actor, v: &VoteRecord) -> Result<(), Error> {
        let tree = self.store.org_tree().await?;
        access::check_read_vote_results(actor, v.org, |m| v.roll.lists(m), &tree)?;
        if v.status == VoteStatus::Open {
            return Err(ElectionError::StillOpen.into());
        }
        Ok(())
    }

    /// 发起选举: draws the roll of `org` today (from memberships and the
    /// lifecycle; `restricted` lists full members whose rights are
    /// suspended, with the reason), checks the set-up and opens the vote.
    /// The election date is today, by the injected clock.
    ///
    /// # Errors
    /// `PermissionDenied` unless a branch officer of `org` or a committee
    /// officer above it; `NotFound` for an unknown organisation;
    /// `Election` for any set-up rule ([`ElectionBuilder::build`]).
    pub async fn open_election(
        &self,
        actor: &Actor,
        org: OrgId,
        setup: ElectionBuilder,
        restricted: &BTreeMap<MemberId, NotEntitledReason>,
    ) -> Result<VoteRecord, Error> {
        self.run_check(actor, org).await?;
        let roll = self.draw_roll(org, restricted).await?;
        let today = self.clock.today();
        let setup = setup
            .org(org)
            .held_on(today)
            .build(&roll, &self.rules.election)?;
        let new = NewVote {
            org,
            kind: VoteKind::Election(setup),
            roll,
            session: today,
        };
        Ok(self.store.create_vote(new).await?)
    }

    /// 重新投票 / 另行选举: opens the next round of a closed election among
    /// `candidates` for `seats` (a run-off among the tied, or a further
    /// round among the unelected), on the same roll and rules.
    ///
    /// # Errors
    /// `PermissionDenied`; `NotFound`; `Election` for an open or non-election
    /// vote, a main round asked for, or a bad list.
    pub async fn open_next_round(
        &self,
        actor: &Actor,
        previous: VoteId,
        round: Round,
        candidates: &[MemberId],
        seats: u32,
    ) -> Result<VoteRecord, Error> {
        let v = self.vote_record(previous).await?;
        self.run_check(actor, v.org).await?;
        let VoteKind::Election(setup) = &v.kind else {
            return Err(ElectionError::WrongKind("a motion has no rounds").into());
        };
        if v.status == VoteStatus::Open {
            return Err(ElectionError::StillOpen.into());
        }
        let next = match round {
            Round::RunOff => setup.run_off(candidates, seats, &v.roll)?,
            Round::Further => setup.further_round(candidates, seats, &v.roll)?,
            Round::Main => {
                return Err(
                    ElectionError::WrongKind("open a main round with open_election").into(),
                );
            }
        };
        let new = NewVote {
            org: v.org,
            kind: VoteKind::Election(next),
            roll: v.roll.clone(),
            session: self.clock.today(),
        };
        Ok(self.store.create_vote(new).await?)
    }

    /// 发起表决: opens a branch assembly vote on one person (an admission, a
    /// conversion, an extension of probation, a discipline decision).
    ///
    /// # Errors
    /// `PermissionDenied`; `NotFound` for an unknown organisation or
    /// subject; `Election` when the subject does not fit the kind (an
    /// admission needs a development target).
    pub async fn open_motion(
        &self,
        actor: &Actor,
        org: OrgId,
        kind: MotionKind,
        subject: MemberId,
        restricted: &BTreeMap<MemberId, NotEntitledReason>,
    ) -> Result<VoteRecord, Error> {
        self.run_check(actor, org).await?;
        let person = self
            .store
            .get_member(subject)
            .await?
            .ok_or_else(|| Error::NotFound(subject.to_string()))?;
        if kind == MotionKind::Admission && person.lifecycle.stage() != Stage::DevelopmentTarget {
            return Err(
                ElectionError::WrongKind("an admission is about a development target").into(),
            );
        }
        let roll = self.draw_roll(org, restricted).await?;
        let motion = Motion::new(kind, subject, &roll)?;
        let new = NewVote {
            org,
            kind: VoteKind::Motion(motion),
            roll,
            session: self.clock.today(),
        };
        Ok(self.store.create_vote(new).await?)
    }

    /// 签到: checks `member` in. Officers running the vote check anyone in;
    /// a member may check themselves in online.
    ///
    /// # Errors
    /// `PermissionDenied`; `NotFound`; `Election` for a closed vote or a
    /// member not entitled.
    pub async fn check_in(
        &self,
        actor: &Actor,
        vote: VoteId,
        member: MemberId,
        mode: AttendanceMode,
    ) -> Result<VoteRecord, Error> {
        let v = self.vote_record(vote).await?;
        let own_online =
            mode == AttendanceMode::Online && access::check_cast(actor, v.org).ok() == Some(member);
        if !own_online {
            self.run_check(actor, v.org).await?;
        }
        if v.status == VoteStatus::Closed {
            return Err(ElectionError::Closed.into());
        }
        v.roll.check_entitled(member)?;
        Ok(self.store.check_in(vote, member, mode).await?)
    }

    /// 书面意见: records an absent member's written opinion on a motion.
    ///
    /// # Errors
    /// `PermissionDenied` unless an officer running the vote; `Election`
    /// for an election, a closed vote, a member present or not entitled.
    pub async fn record_written_opinion(
        &self,
        actor: &Actor,
        vote: VoteId,
        member: MemberId,
        opinion: WrittenOpinion,
    ) -> Result<VoteRecord, Error> {
        let v = self.vote_record(vote).await?;
        self.run_check(actor, v.org).await?;
        if !matches!(v.kind, VoteKind::Motion(_)) {
            return Err(ElectionError::WrittenOpinion(
                "written opinions count in motion votes, not elections".into(),
            )
            .into());
        }
        if v.status == VoteStatus::Closed {
            return Err(ElectionError::Closed.into());
        }
        v.roll.check_entitled(member)?;
        let mut check = v.attendance.clone();
        check.written_opinion(&v.roll, member, opinion)?;
        Ok(self
            .store
            .record_written_opinion(vote, member, opinion)
            .await?)
    }

    /// 投票: the member behind `actor` casts `paper` in secret. The ballot
    /// is sealed with a nonce from `rng`; the store marks the member as
    /// having voted and keeps the ballot apart, in one step. Returns the
    /// receipt (keep it: it is not stored).
    ///
    /// # Errors
    /// `PermissionDenied` unless a member acting for themselves; `NotFound`;
    /// `Election`: [`ElectionError::Closed`], [`ElectionError::NotOnRoll`],
    /// [`ElectionError::AlreadyVoted`] (also for concurrent attempts),
    /// [`ElectionError::UnknownCandidate`] and the other ballot errors.
    /// Nothing is stored on any error.
    pub async fn cast<R: rand::Rng + Send + ?Sized>(
        &self,
        actor: &Actor,
        vote: VoteId,
        paper: &crate::election::BallotPaper,
        rng: &mut R,
    ) -> Result<Receipt, Error> {
        let v = self.vote_record(vote).await?;
        let voter = access::check_cast(actor, v.org)?;
        if v.status == VoteStatus::Closed {
            return Err(ElectionError::Closed.into());
        }
        v.roll.check_entitled(voter)?;
        let ballot = v.kind.ballot(&v.roll, paper)?;
        if self.store.has_voted(vote, voter).await? {
            return Err(ElectionError::AlreadyVoted(voter).into());
        }
        let (sealed, receipt) = seal(vote, v.session, ballot, rng);
        match self.store.cast_ballot(voter, sealed).await {
            Ok(()) => Ok(receipt),
            Err(e) => match e.kind() {
                StoreErrorKind::Conflict if self.store.has_voted(vote, voter).await? => {
                    Err(ElectionError::AlreadyVoted(voter).into())
                }
                StoreErrorKind::Rejected
                    if self
                        .store
                        .get_vote(vote)
                        .await?
                        .is_some_and(|v| v.status == VoteStatus::Closed) =>
                {
                    Err(ElectionError::Closed.into())
                }
                _ => Err(e.into()),
            },
        }
    }

    /// 结束投票: closes the vote; results become readable.
    ///
    /// # Errors
    /// `PermissionDenied` unless an officer running the vote; `NotFound`.
    pub async fn close_vote(&self, actor: &Actor, vote: VoteId) -> Result<VoteRecord, Error> {
        let v = self.vote_record(vote).await?;
        self.run_check(actor, v.org).await?;
        Ok(self.store.close_vote(vote).await?)
    }

    /// 计票报告: the count report of a closed election.
    ///
    /// # Errors
    /// `PermissionDenied` unless an officer who may run it or a member on
    /// its roll; `Election` for an open vote ([`ElectionError::StillOpen`])
    /// or a motion.
    pub async fn count_report(&self, actor: &Actor, vote: VoteId) -> Result<CountReport, Error> {
        let v = self.vote_record(vote).await?;
        self.results_check(actor, &v).await?;
        let VoteKind::Election(setup) = &v.kind else {
            return Err(ElectionError::WrongKind("a motion has a motion report").into());
        };
        let ballots: Vec<_> = self
            .store
            .sealed_ballots(vote)
            .await?
            .into_iter()
            .map(|s| s.ballot)
            .collect();
        let voted = u32::try_from(self.store.voters(vote).await?.len()).unwrap_or(u32::MAX);
        Ok(CountReport::count(setup, v.turnout(voted), &ballots))
    }

    /// 表决结果: the report of a closed motion vote.
    ///
    /// # Errors
    /// As [`Dangjian::count_report`], for a motion.
    pub async fn motion_report(&self, actor: &Actor, vote: VoteId) -> Result<MotionReport, Error> {
        let v = self.vote_record(vote).await?;
        self.results_check(actor, &v).await?;
        let VoteKind::Motion(motion) = &v.kind else {
            return Err(ElectionError::WrongKind("an election has a count report").into());
        };
        let ballots: Vec<_> = self
            .store
            .sealed_ballots(vote)
            .await?
            .into_iter()
            .map(|s| s.ballot)
            .collect();
        Ok(MotionReport::count(
            motion,
            v.roll.entitled_count(),
            &v.attendance,
            &ballots,
        ))
    }

    /// 选票查验码公示: the published list of tracking codes of a closed
    /// vote, sorted.
    ///
    /// # Errors
    /// As [`Dangjian::count_report`].
    pub async fn ballot_codes(
        &self,
        actor: &Actor,
        vote: VoteId,
    ) -> Result<Vec<TrackingCode>, Error> {
        let v = self.vote_record(vote).await?;
        self.results_check(actor, &v).await?;
        Ok(self
            .store
            .sealed_ballots(vote)
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect())
    }

    /// 回执查验: whether the receipt's ballot is in the published list, with
    /// the choices the voter remembers (`None` to check the code only).
    ///
    /// # Errors
    /// As [`Dangjian::count_report`].
    pub async fn verify_receipt(
        &self,
        actor: &Actor,
        receipt: &Receipt,
        choices: Option<&crate::election::Ballot>,
    ) -> Result<bool, Error> {
        let v = self.vote_record(receipt.vote).await?;
        self.results_check(actor, &v).await?;
        let found = self
            .store
            .sealed_ballots(receipt.vote)
            .await?
            .into_iter()
            .find(|s| s.code == receipt.code);
        Ok(match (found, choices) {
            (Some(s), Some(b)) => s.ballot == *b && receipt.matches(b),
            (Some(_), None) => true,
            (None, _) => false,
        })
    }

    /// 投票: one vote's record (roll, attendance, status); officers running
    /// it and members on its roll.
    ///
    /// # Errors
    /// `PermissionDenied`; `NotFound`.
    pub async fn vote(&self, actor: &Actor, vote: VoteId) -> Result<VoteRecord, Error> {
        let v = self.vote_record(vote).await?;
        let tree = self.store.org_tree().await?;
        access::check_read_vote_results(actor, v.org, |m| v.roll.lists(m), &tree)?;
        Ok(v)
    }

    /// 民主评议: grades the members of `org` for `year` (full members
    /// graded, probationary members appraised but not graded, 优秀 within
    /// the rule book's cap). The result is returned for the integrator to
    /// publish or file; nothing is stored.
    ///
    /// # Errors
    /// `PermissionDenied` unless an officer who runs the votes of `org`;
    /// `Election` for a grade refused ([`crate::election::Appraisal::grade`]).
    pub async fn appraise(
        &self,
        actor: &Actor,
        org: OrgId,
        year: i32,
        grades: &BTreeMap<MemberId, crate::election::Grade>,
    ) -> Result<crate::election::Appraisal, Error> {
        self.run_check(actor, org).await?;
        let roll = self.draw_roll(org, &BTreeMap::new()).await?;
        Ok(crate::election::Appraisal::grade(
            &roll,
            year,
            grades,
            &self.rules.appraisal,
        )?)
    }
}
