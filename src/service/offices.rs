//! 班子成员 (the office-holders handle): confirm an election's result into
//! office holders, appoint, read the holders of an organisation on a date,
//! the secretaries of a subtree, and review terms and committee sizes.
//! [Branch 2018 Art. 20; Election 2020 Art. 4; `docs/RULES.md` OFF-1 …
//! OFF-6]
//!
//! An officer who runs an election's votes confirms its result; an
//! appointment is made by the higher committee (an actor whose scope covers
//! the organisation's parent). Reads need read access to the organisation.

use super::Session;
use super::authorize::{Located, Target};
use super::page::{Page, PageRequest};
use crate::access;
use crate::election::{Body, CountReport, Round, VoteKind, VoteStatus};
use crate::error::Entity;
use crate::office::{
    Appoint, ConfirmElection, InstallOffices, NewOfficeHolder, OfficeError, OfficeHolder,
    OfficeReport, Post, Source, check_committee_size, review, term_end,
};
use crate::store::Effects;
use crate::{Error, MemberId, OrgId};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// 班子成员: office holders ([`Session::offices`]).
#[derive(Debug, Clone, Copy)]
pub struct OfficesHandle<'s> {
    pub(super) s: &'s Session,
}

impl OfficesHandle<'_> {
    /// 确认选举结果: the elected candidates of a closed election take
    /// office in the organisation that held it, from the election day (or
    /// [`ConfirmElection::from`]) for the term of its kind (OFF-3). Only
    /// elected candidates, only after closing (OFF-2); a main round's body
    /// ends the holdings of the outgoing one on the same day (换届), a
    /// run-off or further round adds to it. Each election is confirmed
    /// once.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::election::VoteId;
    /// use dangjian::office::ConfirmElection;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let err = s.offices().confirm_election(ConfirmElection::new(VoteId::new(7))).await.unwrap_err();
    /// assert!(err.is_not_found()); // no such vote
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope); `PermissionDenied`
    /// unless an officer who runs the vote; `Office` for a motion, an open
    /// vote, delegates, nobody elected, a post for someone not elected, two
    /// secretaries, a committee too large or where a secretary alone is the
    /// rule, or a second confirmation.
    pub async fn confirm_election(&self, req: ConfirmElection) -> Result<Vec<OfficeHolder>, Error> {
        let l = self
            .s
            .authorize(Target::Vote(req.vote), |l| {
                access::check_run_vote(&self.s.actor, l.org, &l.tree)
            })
            .await?;
        let vote = req.vote;
        let store = self.s.store();
        let v = store
            .get_vote(vote)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Vote, vote))?;
        let VoteKind::Election(setup) = &v.kind else {
            return Err(OfficeError::NotAnElection(vote).into());
        };
        if v.status == VoteStatus::Open {
            return Err(OfficeError::StillOpen(vote).into());
        }
        if setup.body == Body::Delegates {
            return Err(OfficeError::DelegatesHoldNoPost(vote).into());
        }
        let ballots: Vec<_> = store
            .sealed_ballots(vote)
            .await?
            .into_iter()
            .map(|s| s.ballot)
            .collect();
        let voted = u32::try_from(store.voters(vote).await?.len()).unwrap_or(u32::MAX);
        let elected = CountReport::count(setup, v.turnout(voted), &ballots).elected();
        if elected.is_empty() {
            return Err(OfficeError::NoneElected(vote).into());
        }
        let elected_set: BTreeSet<MemberId> = elected.iter().copied().collect();
        if let Some(m) = req.posts.keys().find(|m| !elected_set.contains(m)) {
            return Err(OfficeError::NotElected { vote, member: *m }.into());
        }
        let org = v.org;
        let kind = l
            .tree
            .get(org)
            .map(|o| o.kind.clone())
            .ok_or_else(|| Error::not_found(Entity::Vote, vote))?;
        let from = req.from.unwrap_or(setup.held_on);
        let ends = term_end(&kind, from, &setup.rules)?;
        let default_post = if setup.body == Body::Secretary {
            Post::Secretary
        } else {
            Post::Member
        };
        let current = self.current(org, from).await?;
        let main = setup.round == Round::Main;
        let ending: Vec<_> = if main {
            current.iter().map(OfficeHolder::id).collect()
        } else {
            Vec::new()
        };
        let holders: Vec<NewOfficeHolder> = elected
            .iter()
            .map(|m| {
                let (post, portfolio) = req.posts.get(m).cloned().unwrap_or((default_post, None));
                let h = NewOfficeHolder::new(org, *m, post, Source::Elected { vote }, from, ends);
                match portfolio {
                    Some(p) => h.portfolio(p),
                    None => h,
                }
            })
            .collect();
        let staying: &[OfficeHolder] = if main { &[] } else { &current };
        let secretaries = holders
            .iter()
            .map(|h| h.post)
            .chain(staying.iter().map(OfficeHolder::post))
            .filter(|p| *p == Post::Secretary)
            .count();
        if secretaries > 1 {
            return Err(OfficeError::TwoSecretaries(secretaries).into());
        }
        let size = u32::try_from(holders.len() + staying.len()).unwrap_or(u32::MAX);
        check_committee_size(&kind, size, v.roll.entitled_count(), &self.structure(from)?)?;
        let install = InstallOffices::new(org, from, holders, ending);
        match store.install_offices(install, Effects::none()).await {
            Err(e) if *e.kind() == crate::store::StoreErrorKind::Rejected => {
                Err(OfficeError::AlreadyConfirmed(vote).into())
            }
            other => Ok(other?),
        }
    }

    /// 任命: the higher committee appoints `member` to a post in `org`,
    /// from today (or [`Appoint::from`]) for the term of `org`'s kind
    /// (OFF-3). A new secretary ends the current secretary's holding, and a
    /// member already in office there changes post (OFF-1).
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// use dangjian::office::{Appoint, Post};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::committee_officer(MemberId::new(1), OrgId::new(1)));
    /// let req = Appoint::new(OrgId::new(2), MemberId::new(5), Post::Secretary);
    /// assert!(s.offices().appoint(req).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an organisation or member missing or outside the
    /// scope; `PermissionDenied` unless the actor's scope covers `org`'s
    /// parent (a committee officer above it, or the platform
    /// administrator); `Office` for a party group, an organisation at the
    /// top, an appointee who is not a full member on the day, or a branch
    /// committee too large or where a secretary alone is the rule.
    pub async fn appoint(&self, req: Appoint) -> Result<OfficeHolder, Error> {
        let l = self
            .s
            .authorize(Target::Org(req.org), |l| match l.tree.get(req.org) {
                Some(o) => access::check_manage_org(&self.s.actor, o.parent, &o.kind, &l.tree),
                None => Ok(()),
            })
            .await?;
        self.s
            .authorize(Target::Member(req.member), |l| {
                let p = l.placement.as_ref();
                p.map_or(Ok(()), |p| {
                    access::check_read_member(&self.s.actor, req.member, p, &l.tree)
                })
            })
            .await?;
        let o = l
            .tree
            .get(req.org)
            .cloned()
            .ok_or_else(|| Error::not_found(Entity::Org, req.org))?;
        if o.kind == crate::org::OrgKind::PartyGroup {
            return Err(OfficeError::NoCommittee.into());
        }
        let by = o.parent.ok_or(OfficeError::NoHigherCommittee)?;
        let from = req.from.unwrap_or_else(|| self.s.clock().today());
        let store = self.s.store();
        let person = store
            .get_member(req.member)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Member, req.member))?;
        if !person.lifecycle.stage_on(from).is_some_and(|s| s.is_full()) {
            return Err(OfficeError::NotFullMember(req.member).into());
        }
        // 任前公示: a stored pre-appointment notice about the appointee must
        // have ended, with no objection open or upheld (DISC-13).
        self.s
            .notice_allows(
                req.member,
                req.org,
                crate::disclosure::Purpose::PreAppointment,
                from,
                &l.tree,
                super::disclosure::IfNone::Allow,
            )
            .await?;
        let rules = self
            .s
            .rules()
            .election
            .at(from)
            .ok_or_else(|| Error::not_found(Entity::RuleVersion, from))?;
        let ends = term_end(&o.kind, from, &rules.rules)?;
        let current = self.current(req.org, from).await?;
        let ending: Vec<_> = current
            .iter()
            .filter(|h| {
                h.member() == req.member
                    || (req.post == Post::Secretary && h.post() == Post::Secretary)
            })
            .map(OfficeHolder::id)
            .collect();
        if o.kind.is_branch() {
            let size = u32::try_from(current.len() - ending.len() + 1).unwrap_or(u32::MAX);
            let counts = self.s.orgs().headcounts(&l.tree, req.org, from).await?;
            let full = counts.get(&req.org).map_or(0, |c| c.full);
            check_committee_size(&o.kind, size, full, &self.structure(from)?)?;
        }
        let h = NewOfficeHolder::new(
            req.org,
            req.member,
            req.post,
            Source::Appointed { by },
            from,
            ends,
        );
        let h = match req.portfolio {
            Some(p) => h.portfolio(p),
            None => h,
        };
        let install = InstallOffices::new(req.org, from, vec![h], ending);
        store
            .install_offices(install, Effects::none())
            .await?
            .pop()
            .ok_or_else(|| Error::Internal("an install of one stored none".into()))
    }

    /// 班子成员名单: who holds a post in `org` on `date`, by holding id.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// # use dangjian::service::PageRequest;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(2)));
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// assert!(s.offices().holders(OrgId::new(2), on, PageRequest::default()).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope).
    pub async fn holders(
        &self,
        org: OrgId,
        date: NaiveDate,
        page: PageRequest,
    ) -> Result<Page<OfficeHolder>, Error> {
        self.readable(org).await?;
        Ok(page.cut(self.current(org, date).await?, |h| h.id().get()))
    }

    /// 是否委员会成员: whether `member` holds any post (书记, 副书记, 委员)
    /// in `org` on `date`, e.g. for a notice to committee members or the
    /// reviewer of a disclosure.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::platform_admin());
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// assert!(s.offices().is_committee_member(OrgId::new(2), MemberId::new(5), on).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope).
    pub async fn is_committee_member(
        &self,
        org: OrgId,
        member: MemberId,
        date: NaiveDate,
    ) -> Result<bool, Error> {
        self.readable(org).await?;
        Ok(self
            .current(org, date)
            .await?
            .iter()
            .any(|h| h.member() == member))
    }

    /// 书记名单: the secretaries of every organisation in `root`'s subtree
    /// on `date` (e.g. for the secretaries' yearly training hours), by
    /// holding id.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, OrgId, access::Actor};
    /// # use dangjian::service::PageRequest;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::platform_admin());
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// assert!(s.offices().secretaries(OrgId::new(1), on, PageRequest::default()).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope).
    pub async fn secretaries(
        &self,
        root: OrgId,
        date: NaiveDate,
        page: PageRequest,
    ) -> Result<Page<OfficeHolder>, Error> {
        let l = self.readable(root).await?;
        let all = self.s.store().offices_of(&l.tree.subtree(root)).await?;
        let list = all
            .into_iter()
            .filter(|h| h.post() == Post::Secretary && h.holds_on(date))
            .collect();
        Ok(page.cut(list, |h| h.id().get()))
    }

    /// 换届与班子审查: the review of `root`'s subtree as of today (by the
    /// injected clock): organisations without office holders or without a
    /// secretary, overdue elections (换届; OFF-5), branch committees
    /// outside 3–7 members or where a secretary alone is the rule (OFF-4).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor};
    /// use dangjian::office::OfficeFinding;
    /// use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical))).await?;
    /// let report = admin.offices().review(b.id).await?;
    /// assert_eq!(report.findings, vec![OfficeFinding::NoOfficeHolders { org: b.id }]);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` (missing or outside the scope; or no structure rules in
    /// force today).
    pub async fn review(&self, root: OrgId) -> Result<OfficeReport, Error> {
        let l = self.readable(root).await?;
        let today = self.s.clock().today();
        let holders = self.s.store().offices_of(&l.tree.subtree(root)).await?;
        let full: BTreeMap<OrgId, u32> = self
            .s
            .orgs()
            .headcounts(&l.tree, root, today)
            .await?
            .into_iter()
            .map(|(org, c)| (org, c.full))
            .collect();
        Ok(review(
            &l.tree,
            root,
            &holders,
            &full,
            today,
            &self.s.rules().election,
            &self.structure(today)?,
        ))
    }

    async fn readable(&self, org: OrgId) -> Result<Located, Error> {
        self.s
            .authorize(Target::Org(org), |l| {
                access::check_read_org(&self.s.actor, org, &l.tree)
            })
            .await
    }

    /// The holdings of `org` held on `date`, by id.
    async fn current(&self, org: OrgId, date: NaiveDate) -> Result<Vec<OfficeHolder>, Error> {
        Ok(self
            .s
            .store()
            .offices_of(&[org])
            .await?
            .into_iter()
            .filter(|h| h.holds_on(date))
            .collect())
    }

    fn structure(&self, on: NaiveDate) -> Result<crate::org::StructureRules, Error> {
        self.s
            .rules()
            .structure
            .at(on)
            .map(|v| v.rules)
            .ok_or_else(|| Error::not_found(Entity::RuleVersion, on))
    }
}
