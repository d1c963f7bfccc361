//! 选举与表决 (the votes handle): open an election or a motion, check in,
//! record written opinions, cast secret ballots, close, count, and check a
//! receipt. [Election 2020; Development 2014 Art. 27; `docs/RULES.md`]
//!
//! A secretary (branch officer) runs the votes of their branch, committee
//! officers those of their subtree; a member casts their own ballot, keeps
//! the receipt, and reads the published results of votes they are on the
//! roll of. A vote outside all of that is `NotFound`, like a vote that does
//! not exist; the prologue reads only the vote's organisation and whether
//! the actor is on its roll before the check.

use super::Session;
use super::authorize::{Located, Target};
use crate::access;
use crate::election::{
    Appraisal, Appraise, Cast, CheckIn, CountReport, ElectionError, Motion, MotionKind,
    MotionReport, NewVote, NextRound, OpenElection, OpenMotion, Receipt, RecordOpinion, Roll,
    Round, TrackingCode, VoteId, VoteKind, VoteRecord, VoteStatus, seal,
};
use crate::error::Entity;
use crate::lifecycle::Stage;
use crate::store::Effects;
use crate::store::StoreErrorKind;
use crate::{Error, MemberId, OrgId};

/// 选举与表决: votes ([`Session::votes`]).
#[derive(Debug, Clone, Copy)]
pub struct VotesHandle<'s> {
    pub(super) s: &'s Session,
}

impl VotesHandle<'_> {
    /// 发起选举: draws the roll of `org` today (from memberships, the
    /// lifecycle and the stored sanctions and detentions, MEM-8, MEM-12),
    /// checks the set-up and opens the vote.
    /// The election date is today, by the injected clock.
    ///
    /// ```
    /// # use dangjian::{Dangjian, OrgId, MemberId, access::Actor};
    /// use dangjian::election::{Body, ElectionBuilder, OpenElection};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let secretary = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let setup = ElectionBuilder::new().body(Body::BranchCommittee).seats(3);
    /// let err = secretary.votes().open_election(OpenElection::new(OrgId::new(2), setup)).await.unwrap_err();
    /// assert!(err.is_not_found()); // no such branch
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless a branch officer of `org` or a committee officer above it;
    /// `Election` for any set-up rule
    /// ([`crate::election::ElectionBuilder::build`]).
    pub async fn open_election(&self, req: OpenElection) -> Result<VoteRecord, Error> {
        let l = self.runs_org(req.org).await?;
        let roll = self.draw_roll(&l, req.org, true).await?;
        let today = self.s.clock().today();
        let setup = req
            .setup
            .org(req.org)
            .held_on(today)
            .build(&roll, &self.s.rules().election)?;
        let new = NewVote {
            org: req.org,
            kind: VoteKind::Election(setup),
            roll,
            session: today,
        };
        let new_org = new.org;
        Ok(self
            .s
            .store()
            .create_vote(new, opened(new_org, self.s.clock().now()))
            .await?)
    }

    /// 重新投票 / 另行选举: opens the next round of a closed election (a
    /// run-off among the tied, or a further round among the unelected), on
    /// the same roll and rules.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::election::{NextRound, Round, VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let req = NextRound::new(VoteId::new(7), Round::RunOff, vec![MemberId::new(3), MemberId::new(4)], 1);
    /// assert!(s.votes().open_next_round(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Election` for an open or
    /// non-election vote, a main round asked for, or a bad list.
    pub async fn open_next_round(&self, req: NextRound) -> Result<VoteRecord, Error> {
        self.runs_vote(req.previous).await?;
        let v = self.record(req.previous).await?;
        let VoteKind::Election(setup) = &v.kind else {
            return Err(ElectionError::WrongKind("a motion has no rounds").into());
        };
        if v.status == VoteStatus::Open {
            return Err(ElectionError::StillOpen.into());
        }
        let next = match req.round {
            Round::RunOff => setup.run_off(&req.candidates, req.seats, &v.roll)?,
            Round::Further => setup.further_round(&req.candidates, req.seats, &v.roll)?,
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
            session: self.s.clock().today(),
        };
        let new_org = new.org;
        Ok(self
            .s
            .store()
            .create_vote(new, opened(new_org, self.s.clock().now()))
            .await?)
    }

    /// 发起表决: opens a branch assembly vote on one person (an admission,
    /// a conversion, an extension of probation, a discipline decision).
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::election::{MotionKind, OpenMotion};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let req = OpenMotion::new(OrgId::new(2), MotionKind::Admission, MemberId::new(5));
    /// assert!(s.votes().open_motion(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an organisation or subject missing or outside the
    /// scope, and for a subject whose home branch is not `org` and lies
    /// outside the scope; `PermissionDenied`; `Election` for a subject
    /// whose home branch (组织关系所在支部) is not `org` (an online branch
    /// the subject joined does not vote on them; `docs/RULES.md` VOTE-3),
    /// or who does not fit the kind (an admission needs a development
    /// target).
    pub async fn open_motion(&self, req: OpenMotion) -> Result<VoteRecord, Error> {
        let l = self.runs_org(req.org).await?;
        let person = self
            .s
            .store()
            .get_member(req.subject)
            .await?
            .filter(|p| {
                let placement = p.memberships.placement();
                let subject = access::Subject::Member {
                    id: p.id,
                    placement: &placement,
                };
                access::visible(&self.s.actor, &subject, &l.tree)
            })
            .ok_or_else(|| Error::not_found(Entity::Member, req.subject))?;
        // The assembly of the subject's home branch votes: the branch
        // holding the organisational relationship (MEM-1). An online branch
        // the subject joined holds votes, not the relationship (ORG-7).
        // Outside the actor's reach the refusal is the missing id's.
        if person.home() != req.org {
            if !self.s.actor.covers_org(person.home(), &l.tree) {
                return Err(Error::not_found(Entity::Member, req.subject));
            }
            return Err(ElectionError::WrongKind(
                "the subject is not a member of this organisation",
            )
            .into());
        }
        if req.kind == MotionKind::Admission && person.lifecycle.stage() != Stage::DevelopmentTarget
        {
            return Err(
                ElectionError::WrongKind("an admission is about a development target").into(),
            );
        }
        // 公示: the admission vote waits for the day after a published
        // pre-admission notice ends, with no objection open or upheld
        // (DISC-13).
        if req.kind == MotionKind::Admission {
            self.s
                .notice_allows(
                    req.subject,
                    person.home(),
                    crate::disclosure::Purpose::PreAdmission,
                    self.s.clock().today(),
                    &l.tree,
                    super::disclosure::IfNone::Refuse,
                )
                .await?;
        }
        let roll = self.draw_roll(&l, req.org, true).await?;
        let motion = Motion::about_member(req.kind, req.subject, person.home(), &roll)?;
        let new = NewVote {
            org: req.org,
            kind: VoteKind::Motion(motion),
            roll,
            session: self.s.clock().today(),
        };
        let new_org = new.org;
        Ok(self
            .s
            .store()
            .create_vote(new, opened(new_org, self.s.clock().now()))
            .await?)
    }

    /// 签到: checks a member in. Officers running the vote check anyone
    /// in; a member may check themselves in online.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// use dangjian::election::{AttendanceMode, CheckIn, VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// let req = CheckIn::new(VoteId::new(1), MemberId::new(3), AttendanceMode::Online);
    /// assert!(me.votes().check_in(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Election` for a closed vote or a
    /// member not entitled.
    pub async fn check_in(&self, req: CheckIn) -> Result<VoteRecord, Error> {
        let actor = &self.s.actor;
        let own_online = req.mode == crate::election::AttendanceMode::Online
            && actor.role() == access::Role::Member
            && actor.member_id() == Some(req.member);
        self.s
            .authorize(Target::Vote(req.vote), |l| {
                if own_online && l.vote.is_some_and(|v| v.on_roll) {
                    Ok(())
                } else {
                    access::check_run_vote(actor, l.org, &l.tree)
                }
            })
            .await?;
        let v = self.record(req.vote).await?;
        if v.status == VoteStatus::Closed {
            return Err(ElectionError::Closed.into());
        }
        v.roll.check_entitled(req.member)?;
        Ok(self
            .s
            .store()
            .check_in(req.vote, req.member, req.mode, Effects::none())
            .await?)
    }

    /// 书面意见: records an absent member's written opinion on a motion.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::election::{RecordOpinion, VoteId, WrittenOpinion};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let req = RecordOpinion::new(VoteId::new(1), MemberId::new(4), WrittenOpinion::Yes);
    /// assert!(s.votes().record_written_opinion(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied` unless an officer running the vote;
    /// `Election` for an election, a closed vote, a member present or not
    /// entitled.
    pub async fn record_written_opinion(&self, req: RecordOpinion) -> Result<VoteRecord, Error> {
        self.runs_vote(req.vote).await?;
        let v = self.record(req.vote).await?;
        if !matches!(v.kind, VoteKind::Motion(_)) {
            return Err(ElectionError::WrittenOpinion(
                "written opinions count in motion votes, not elections".into(),
            )
            .into());
        }
        if v.status == VoteStatus::Closed {
            return Err(ElectionError::Closed.into());
        }
        v.roll.check_entitled(req.member)?;
        let mut check = v.attendance.clone();
        check.written_opinion(&v.roll, req.member, req.opinion)?;
        Ok(self
            .s
            .store()
            .record_written_opinion(req.vote, req.member, req.opinion, Effects::none())
            .await?)
    }

    /// 投票: the member behind the session casts a paper in secret. The
    /// ballot is sealed with a nonce from the operating system's random
    /// source; the store marks the member as having voted and keeps the
    /// ballot apart, in one step. Returns the receipt (keep it: it is not
    /// stored).
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// use dangjian::election::{BallotPaper, Cast, VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// let err = me.votes().cast(Cast::new(VoteId::new(1), BallotPaper::new())).await.unwrap_err();
    /// assert!(err.is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a vote missing or not the voter's; `PermissionDenied`
    /// unless a member acting for themselves; `Election`:
    /// [`ElectionError::Closed`], [`ElectionError::NotOnRoll`],
    /// [`ElectionError::AlreadyVoted`] (also for concurrent attempts),
    /// [`ElectionError::UnknownCandidate`] and the other ballot errors.
    /// Nothing is stored on any error.
    pub async fn cast(&self, req: Cast) -> Result<Receipt, Error> {
        let actor = &self.s.actor;
        let mut voter = None;
        self.s
            .authorize(Target::Vote(req.vote), |l| {
                voter = Some(access::check_cast(actor, l.org)?);
                if l.vote.is_some_and(|v| v.on_roll) {
                    Ok(())
                } else {
                    // Not on the roll: the vote is none of the caller's
                    // business, and the answer says nothing of it.
                    access::check_read_vote_results(actor, l.org, |_| false, &l.tree)
                }
            })
            .await?;
        let voter = voter.ok_or_else(|| Error::Internal("a cast without its voter".into()))?;
        let v = self.record(req.vote).await?;
        if v.status == VoteStatus::Closed {
            return Err(ElectionError::Closed.into());
        }
        v.roll.check_entitled(voter)?;
        let ballot = v.kind.ballot(&v.roll, &req.paper)?;
        let store = self.s.store();
        if store.has_voted(req.vote, voter).await? {
            return Err(ElectionError::AlreadyVoted(voter).into());
        }
        let (sealed, receipt) = {
            let mut rng = rand::rng();
            seal(req.vote, v.session, ballot, &mut rng)
        };
        match store.cast_ballot(voter, sealed, Effects::none()).await {
            Ok(()) => Ok(receipt),
            Err(e) => match e.kind() {
                StoreErrorKind::Conflict if store.has_voted(req.vote, voter).await? => {
                    Err(ElectionError::AlreadyVoted(voter).into())
                }
                StoreErrorKind::Rejected
                    if store
                        .get_vote(req.vote)
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
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor, election::VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// assert!(s.votes().close(VoteId::new(1)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied` unless an officer running the vote.
    pub async fn close(&self, vote: VoteId) -> Result<VoteRecord, Error> {
        let l = self.runs_vote(vote).await?;
        // 投票结束 reaches the organisation's officers (NOTE-7); closing a
        // closed vote stores no effect, so it is raised once.
        let closed = crate::notify::Event::VoteClosed { vote, org: l.org };
        let fx = Effects::none().with_journal(closed.to_journal(self.s.clock().now()));
        Ok(self.s.store().close_vote(vote, fx).await?)
    }

    /// 计票报告: the count report of a closed election.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, election::VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.votes().count_report(VoteId::new(1)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` unless an officer who may run it or a member on its
    /// roll; `Election` for an open vote ([`ElectionError::StillOpen`]) or
    /// a motion.
    pub async fn count_report(&self, vote: VoteId) -> Result<CountReport, Error> {
        self.results(vote).await?;
        let v = self.record(vote).await?;
        let VoteKind::Election(setup) = &v.kind else {
            return Err(ElectionError::WrongKind("a motion has a motion report").into());
        };
        let store = self.s.store();
        let ballots: Vec<_> = store
            .sealed_ballots(vote)
            .await?
            .into_iter()
            .map(|s| s.ballot)
            .collect();
        let voted = u32::try_from(store.voters(vote).await?.len()).unwrap_or(u32::MAX);
        Ok(CountReport::count(setup, v.turnout(voted), &ballots))
    }

    /// 表决结果: the report of a closed motion vote.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, election::VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.votes().motion_report(VoteId::new(1)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// As [`VotesHandle::count_report`], for a motion.
    pub async fn motion_report(&self, vote: VoteId) -> Result<MotionReport, Error> {
        self.results(vote).await?;
        let v = self.record(vote).await?;
        let VoteKind::Motion(motion) = &v.kind else {
            return Err(ElectionError::WrongKind("an election has a count report").into());
        };
        let ballots: Vec<_> = self
            .s
            .store()
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
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, election::VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.votes().ballot_codes(VoteId::new(1)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// As [`VotesHandle::count_report`].
    pub async fn ballot_codes(&self, vote: VoteId) -> Result<Vec<TrackingCode>, Error> {
        self.results(vote).await?;
        Ok(self
            .s
            .store()
            .sealed_ballots(vote)
            .await?
            .into_iter()
            .map(|s| s.code)
            .collect())
    }

    /// 回执查验: whether the receipt's ballot is in the published list,
    /// with the choices the voter remembers (`None` to check the code
    /// only).
    ///
    /// The receipt names its vote, so checking a receipt is answered like
    /// any other read of that vote's results.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, election::Receipt};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// // A receipt as the voter kept it (here for a vote that does not exist).
    /// let kept = r#"{"vote":1,"code":"00000000000000000000000000000000000000000000000000000000000000aa","nonce":"00000000000000000000000000000001"}"#;
    /// let receipt: Receipt = serde_json::from_str(kept)?;
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.votes().verify_receipt(&receipt, None).await.unwrap_err().is_not_found());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`VotesHandle::count_report`].
    pub async fn verify_receipt(
        &self,
        receipt: &Receipt,
        choices: Option<&crate::election::Ballot>,
    ) -> Result<bool, Error> {
        self.results(receipt.vote).await?;
        let found = self
            .s
            .store()
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

    /// 投票: one vote's record (roll, attendance, status); officers
    /// running it and members on its roll.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor, election::VoteId};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let me = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(me.votes().get(VoteId::new(1)).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope).
    pub async fn get(&self, vote: VoteId) -> Result<VoteRecord, Error> {
        self.readable(vote).await?;
        self.record(vote).await
    }

    /// 民主评议: grades the members of `org` for `year` (full members
    /// graded, probationary members appraised but not graded, 优秀 within
    /// the rule book's cap). The result is returned for the integrator to
    /// publish or file; nothing is stored.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::election::Appraise;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let req = Appraise::new(OrgId::new(2), 2024, Default::default());
    /// assert!(s.votes().appraise(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied` unless an officer who runs the votes
    /// of `org`; `Election` for a grade refused
    /// ([`crate::election::Appraisal::grade`]).
    pub async fn appraise(&self, req: Appraise) -> Result<Appraisal, Error> {
        let l = self.runs_org(req.org).await?;
        let roll = self.draw_roll(&l, req.org, false).await?;
        Ok(Appraisal::grade(
            &roll,
            req.year,
            &req.grades,
            &self.s.rules().appraisal,
        )?)
    }

    async fn draw_roll(
        &self,
        l: &Located,
        org: OrgId,
        with_decisions: bool,
    ) -> Result<Roll, Error> {
        let node = l
            .tree
            .get(org)
            .ok_or_else(|| Error::not_found(Entity::Org, org))?;
        let members = if node.kind.is_online_branch() {
            self.s.store().members_by_online(org).await?
        } else {
            self.s.store().members_by_home(&[org]).await?
        };
        let ids: Vec<MemberId> = members.iter().map(|m| m.id).collect();
        // An appraisal grades every full member, sanctioned or not.
        let decisions = if with_decisions {
            self.s.store().decisions_of(&ids).await?
        } else {
            Vec::new()
        };
        Ok(Roll::draw(
            org,
            self.s.clock().today(),
            &members,
            &decisions,
        ))
    }

    async fn record(&self, id: VoteId) -> Result<VoteRecord, Error> {
        self.s
            .store()
            .get_vote(id)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Vote, id))
    }

    async fn runs_org(&self, org: OrgId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Org(org), |l| {
                access::check_run_vote(&self.s.actor, org, &l.tree)
            })
            .await
    }

    async fn runs_vote(&self, vote: VoteId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Vote(vote), |l| {
                access::check_run_vote(&self.s.actor, l.org, &l.tree)
            })
            .await
    }

    async fn readable(&self, vote: VoteId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Vote(vote), |l| {
                let on_roll = l.vote.is_some_and(|v| v.on_roll);
                access::check_read_vote_results(&self.s.actor, l.org, |_| on_roll, &l.tree)
            })
            .await
    }

    /// The vote's results, once readable and closed.
    async fn results(&self, vote: VoteId) -> Result<Located, Error> {
        let l = self.readable(vote).await?;
        if l.vote.is_some_and(|v| v.open) {
            return Err(ElectionError::StillOpen.into());
        }
        Ok(l)
    }
}

/// 投票开始 for the organisation's members (NOTE-7), its vote id filled
/// in by the store from the vote it creates, in the same unit.
fn opened(org: OrgId, now: chrono::DateTime<chrono::Utc>) -> Effects {
    let event = crate::notify::Event::VoteOpened {
        vote: VoteId::new(0),
        org,
    };
    Effects::none().with_journal(event.to_journal_new(now, 0))
}
