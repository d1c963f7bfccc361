//! 党务公开 (the disclosure handle): proposals through review and
//! approval to publication, publicity notices and their objections,
//! members' applications, and what each reader sees
//! (`docs/RULES.md` DISC-1 … DISC-14).
//!
//! Every write is done by an officer whose scope covers the item's
//! organisation; the review and the approval also need the office: the
//! actor's member must hold a reviewer's (approver's) post in the
//! organisation on the day, as the office holders record it. An item
//! outside the scope answers `NotFound`, as a missing one does.

mod notices;
mod reads;

pub(crate) use notices::IfNone;

use super::Session;
use super::authorize::Target;
use crate::access;
use crate::disclosure::{
    Application, Apply, Approve, DecideApplication, DisclosureError, ExtendApplication, Item,
    NewApplication, NewItem, Official, Propose, Publish, RecordObjection, ResolveObjection,
    ReviewItem, Stamp, Withdraw,
};
use crate::error::Entity;
use crate::org::OrgTree;
use crate::period::WorkCalendar;
use crate::store::Effects;
use crate::{ApplicationId, Error, ItemId, OrgId};
use std::sync::Arc;

/// 党务公开 ([`Session::disclosure`]).
#[derive(Debug, Clone, Copy)]
pub struct DisclosureHandle<'s> {
    pub(super) s: &'s Session,
}

impl DisclosureHandle<'_> {
    fn stamp(&self) -> Stamp {
        Stamp::new(self.s.actor.acted_by(), self.s.clock().timestamp())
    }

    /// The working calendar of `org` (its subtree's, or the default).
    fn calendar(&self, org: OrgId, tree: &OrgTree) -> &WorkCalendar {
        self.s.rules().calendar.for_org(org, tree)
    }

    /// The tree, after the actor is checked as an officer covering `org`.
    async fn runs(&self, org: OrgId) -> Result<Arc<OrgTree>, Error> {
        let l = self
            .s
            .authorize(Target::Org(org), |l| {
                access::check_disclose(&self.s.actor, org, &l.tree)
            })
            .await?;
        Ok(l.tree)
    }

    /// An item and the tree, or `NotFound` for a missing item.
    pub(super) async fn fetch(&self, id: ItemId) -> Result<(Item, Arc<OrgTree>), Error> {
        let item = self
            .s
            .store()
            .item(id)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Item, id))?;
        Ok((item, self.s.store().org_tree().await?))
    }

    /// An item the actor runs, or `NotFound`.
    async fn item_run(&self, id: ItemId) -> Result<(Item, Arc<OrgTree>), Error> {
        let (item, tree) = self.fetch(id).await?;
        if let Err(denied) = access::check_disclose(&self.s.actor, item.org(), &tree) {
            return Err(if self.s.actor.covers_org(item.org(), &tree) {
                Error::PermissionDenied(denied)
            } else {
                Error::not_found(Entity::Item, id)
            });
        }
        Ok((item, tree))
    }

    /// The official the actor is in `org` with one of `posts` today.
    async fn official(&self, org: OrgId, posts: &[crate::office::Post]) -> Result<Official, Error> {
        let member = self
            .s
            .actor
            .member_id()
            .ok_or(DisclosureError::NoMemberBehindActor)?;
        let holdings = self.s.store().offices_of(&[org]).await?;
        Ok(Official::check(
            member,
            org,
            posts,
            &holdings,
            self.s.clock().today(),
        )?)
    }

    async fn save(&self, item: Item) -> Result<Item, Error> {
        Ok(self.s.store().update_item(item, Effects::none()).await?)
    }

    /// 提出: proposes an item (content, scope, time and form). A
    /// classified item is stored as a placeholder; a publicity notice's
    /// planned range must satisfy its rule on the organisation's working
    /// calendar, and its subjects must be members of the organisation's
    /// subtree.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// use dangjian::disclosure::{Content, ItemKind, Plan, Propose, Reach, Scope, Title, Class};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let dj = Dangjian::in_memory();
    /// # let admin = dj.act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// let officer = dj.act_as(&Actor::committee_officer(None, c.id));
    /// let secret = officer.disclosure().propose(Propose::classified(c.id, ItemKind::Other, Title::new("某事项")?)).await?;
    /// assert_eq!(secret.class(), Class::Classified);
    /// assert!(secret.content().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for an organisation outside the scope (or a subject not
    /// in its subtree); `PermissionDenied` for an actor who is not an
    /// officer; `Disclosure` for a notice of the wrong kind, without a
    /// last day, or shorter than its rule.
    pub async fn propose(&self, req: Propose) -> Result<Item, Error> {
        let tree = self.runs(req.org).await?;
        let stamp = self.stamp();
        let new = match req.publicity() {
            Some(p) => {
                let purpose = p.purpose();
                for subject in p.subjects() {
                    let placement = self.s.store().placement(*subject).await?;
                    if !placement.is_some_and(|pl| tree.is_within(pl.home, req.org)) {
                        return Err(Error::not_found(Entity::Member, subject));
                    }
                }
                let posted = req.plan().map_or(stamp.on(), |p| p.publish_on());
                let rules = &self.s.rules().disclosure.publicity;
                let rule = rules.rule(purpose, posted)?.rules;
                let cal = self.calendar(req.org, &tree);
                NewItem::propose(req, stamp, Some((&rule, cal)))?
            }
            None => NewItem::propose(req, stamp, None)?,
        };
        Ok(self.s.store().insert_item(new, Effects::none()).await?)
    }

    /// 审查: the review (保密审查, necessity, accuracy) by the actor, who
    /// must hold a reviewer's post (`DisclosureRules::reviewer_posts`) in
    /// the item's organisation today. A finding of 不宜公开 keeps the
    /// content for internal use and drops the plan; a finding of
    /// classified drops the content.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, member::{Entry, Registration}, lifecycle::ImportedStage};
    /// # use dangjian::{org::{BranchForm, NewOrganisation, OrgKind}, office::{Appoint, Post}};
    /// use dangjian::disclosure::{Approve, Checks, Content, ItemKind, Plan, Propose, Publish, Reach, ReviewItem, Scope, Title};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let dj = Dangjian::in_memory();
    /// # let admin = dj.act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # let b = admin.orgs().create(NewOrganisation::new("一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// # let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    /// # let m = admin.members().register_approved(Registration::new("张三".parse()?, "11010519491231002X".parse()?, b.id,
    /// #     Entry::Import(ImportedStage::Full { joined_on: d(2000, 7, 1), full_since: d(2001, 7, 1) }))).await?;
    /// let today = dangjian::clock::china_date(chrono::Utc::now());
    /// admin.offices().appoint(Appoint::new(b.id, m.id(), Post::Secretary).from(today)).await?;
    /// let secretary = dj.act_as(&Actor::branch_officer(m.id(), b.id));
    /// let plan = Plan::new(Scope::Society, [Reach::PublicBoard], today)?;
    /// let req = Propose::disclosable(b.id, ItemKind::Dues, Title::new("党费收缴情况")?, Content::new("应收12人，实收12人")?, plan);
    /// let h = secretary.disclosure();
    /// let item = h.propose(req).await?;
    /// h.review(ReviewItem::new(item.id(), Checks::passed())).await?;
    /// h.approve(Approve::new(item.id())).await?;
    /// let published = h.publish(Publish::new(item.id())).await?;
    /// assert!(published.publication().is_some());
    /// // Nobody reviews twice, and a member of the public sees it.
    /// assert!(h.review(ReviewItem::new(item.id(), Checks::passed())).await.is_err());
    /// assert!(dj.act_as(&Actor::public()).disclosure().get(item.id()).await.is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for an actor who holds
    /// no reviewer's post (`NotAnOfficial`), an item not at the proposed
    /// stage, or one not disclosable.
    pub async fn review(&self, req: ReviewItem) -> Result<Item, Error> {
        let (item, _) = self.item_run(req.item).await?;
        let posts = self.s.rules().disclosure.reviewer_posts.clone();
        let reviewer = self.official(item.org(), &posts).await?;
        self.save(item.review(reviewer, req.checks, req.note, self.stamp())?)
            .await
    }

    /// 审批: approves (or refuses) a reviewed item. The approver holds an
    /// approver's post (`DisclosureRules::approver_posts`) today in the
    /// item's organisation or, for an item beyond its authority, in the
    /// nearest organisation above it where they hold one (报上级审批).
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::Approve;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().approve(Approve::new(ItemId::new(9))).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` (`NotAnOfficial`, the
    /// wrong stage, an approval from the wrong level).
    pub async fn approve(&self, req: Approve) -> Result<Item, Error> {
        let (item, tree) = self.item_run(req.item).await?;
        let d = item.disclosable().ok_or(DisclosureError::NotDisclosable {
            class: item.class(),
        })?;
        let upward = d.beyond_authority();
        let posts = self.s.rules().disclosure.approver_posts.clone();
        let approver = if upward {
            let mut found = None;
            let mut last = None;
            for org in tree.ancestors(item.org()) {
                if org == item.org() || !self.s.actor.covers_org(org, &tree) {
                    continue;
                }
                match self.official(org, &posts).await {
                    Ok(o) => {
                        found = Some(o);
                        break;
                    }
                    Err(e) => last = Some(e),
                }
            }
            match (found, last) {
                (Some(o), _) => o,
                (None, Some(e)) => return Err(e),
                (None, None) => {
                    return Err(DisclosureError::ApprovalFromWrongLevel {
                        beyond_authority: true,
                    }
                    .into());
                }
            }
        } else {
            self.official(item.org(), &posts).await?
        };
        let stamp = self.stamp();
        let next = match req.refusal {
            None => item.approve(approver, upward, stamp)?,
            Some(reason) => item.refuse(approver, upward, reason, stamp)?,
        };
        self.save(next).await
    }

    /// 公开: publishes an approved item today. A publicity notice runs
    /// from today to its last day (or `req.until`), which must satisfy the
    /// rule in force today on the organisation's working calendar.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::Publish;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().publish(Publish::new(ItemId::new(9))).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for an item not
    /// approved (so never one without a review), or a notice whose period
    /// is now too short.
    pub async fn publish(&self, req: Publish) -> Result<Item, Error> {
        let (item, tree) = self.item_run(req.item).await?;
        let stamp = self.stamp();
        let purpose = item
            .disclosable()
            .and_then(|d| d.publicity())
            .map(|p| p.purpose());
        let next = match purpose {
            Some(purpose) => {
                let rule = self
                    .s
                    .rules()
                    .disclosure
                    .publicity
                    .rule(purpose, stamp.on())?
                    .rules;
                let cal = self.calendar(item.org(), &tree);
                item.publish(req.until, Some((&rule, cal)), stamp)?
            }
            None => item.publish(req.until, None, stamp)?,
        };
        self.save(next).await
    }

    /// 撤回: withdraws an item, with the reason.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::{Content, Withdraw};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().withdraw(Withdraw::new(ItemId::new(9), Content::new("撤回").unwrap())).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for an item refused or
    /// withdrawn already, or not disclosable.
    pub async fn withdraw(&self, req: Withdraw) -> Result<Item, Error> {
        let (item, _) = self.item_run(req.item).await?;
        self.save(item.withdraw(req.reason, self.stamp())?).await
    }

    /// 收到异议: records an objection to a publicity notice, received
    /// during its period. Who raised it is not recorded.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::{Content, RecordObjection};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().object(RecordObjection::new(ItemId::new(9), chrono::NaiveDate::MIN, Content::new("意见").unwrap())).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for an item that is not
    /// a published notice, or a day outside its period.
    pub async fn object(&self, req: RecordObjection) -> Result<Item, Error> {
        let (item, _) = self.item_run(req.item).await?;
        self.save(item.record_objection(req.received_on, req.summary, self.stamp())?)
            .await
    }

    /// 异议处理: resolves an objection; a dismissed one stops holding up
    /// the next step, an upheld one stops it for good on this notice.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::{Content, Finding, ResolveObjection};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().resolve_objection(ResolveObjection::new(ItemId::new(9), 1, Finding::Dismissed, Content::new("不属实").unwrap())).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for an unknown or
    /// resolved objection.
    pub async fn resolve_objection(&self, req: ResolveObjection) -> Result<Item, Error> {
        let (item, _) = self.item_run(req.item).await?;
        self.save(item.resolve_objection(req.number, req.finding, req.note, self.stamp())?)
            .await
    }

    /// 依申请公开: the actor, a member acting for themselves, asks their
    /// own organisation (the home branch or one above it) to disclose
    /// something. Received today.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::{Apply, Content};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::member(MemberId::new(3)));
    /// assert!(s.disclosure().apply(Apply::new(OrgId::new(2), Content::new("请公开").unwrap())).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `PermissionDenied` for an actor who is not a member acting for
    /// themselves; `NotFound` for an organisation not on the member's
    /// home line.
    pub async fn apply(&self, req: Apply) -> Result<Application, Error> {
        let member = match (self.s.actor.role(), self.s.actor.member_id()) {
            (access::Role::Member, Some(m)) => m,
            _ => {
                return Err(Error::PermissionDenied(access::Denied {
                    role: self.s.actor.role(),
                    scope: self.s.actor.scope(),
                    action: access::Action::Disclose,
                    // Never the organisation asked: a refusal names
                    // nothing the caller gave that may lie outside.
                    target: "an application for disclosure".into(),
                }));
            }
        };
        let placement = self
            .s
            .store()
            .placement(member)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Member, member))?;
        let tree = self.s.store().org_tree().await?;
        if !tree.is_within(placement.home, req.org) {
            return Err(Error::not_found(Entity::Org, req.org));
        }
        let new = NewApplication {
            org: req.org,
            applicant: member,
            about: req.about,
            received_on: self.s.clock().today(),
        };
        Ok(self
            .s
            .store()
            .insert_application(new, Effects::none())
            .await?)
    }

    async fn application_run(
        &self,
        id: ApplicationId,
    ) -> Result<(Application, Arc<OrgTree>), Error> {
        let a = self
            .s
            .store()
            .application(id)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Application, id))?;
        let tree = self.s.store().org_tree().await?;
        if let Err(denied) = access::check_disclose(&self.s.actor, a.org(), &tree) {
            let own = self.s.actor.member_id() == Some(a.applicant());
            return Err(if own || self.s.actor.covers_org(a.org(), &tree) {
                Error::PermissionDenied(denied)
            } else {
                Error::not_found(Entity::Application, id)
            });
        }
        Ok((a, tree))
    }

    fn application_rules(
        &self,
        a: &Application,
    ) -> Result<crate::disclosure::ApplicationRules, Error> {
        self.s
            .rules()
            .disclosure
            .applications
            .at(a.received_on())
            .map(|v| v.rules)
            .ok_or_else(|| Error::not_found(Entity::RuleVersion, a.received_on()))
    }

    /// 延期答复: extends an application's deadline, once, before the first
    /// deadline passes.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::{Content, ExtendApplication};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().extend(ExtendApplication::new(ApplicationId::new(9), Content::new("需核实").unwrap())).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for one decided or
    /// extended already, or past its first deadline.
    pub async fn extend(&self, req: ExtendApplication) -> Result<Application, Error> {
        let (a, tree) = self.application_run(req.application).await?;
        let rules = self.application_rules(&a)?;
        let cal = self.calendar(a.org(), &tree);
        let next = a.extend(req.reason, self.stamp(), &rules, cal)?;
        Ok(self
            .s
            .store()
            .update_application(next, Effects::none())
            .await?)
    }

    /// 答复: decides an application (a refusal in writing with its
    /// reason); one decided after its deadline is recorded as late.
    ///
    /// ```
    /// # use dangjian::{Dangjian, ItemId, ApplicationId, MemberId, OrgId, access::Actor};
    /// use dangjian::disclosure::{DecideApplication, Decision};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let s = dj.act_as(&Actor::branch_officer(None, OrgId::new(2)));
    /// assert!(s.disclosure().decide(DecideApplication::new(ApplicationId::new(9), Decision::Granted { item: None })).await.unwrap_err().is_not_found());
    /// # })
    /// ```
    ///
    /// # Errors
    /// `NotFound`; `PermissionDenied`; `Disclosure` for one decided
    /// already.
    pub async fn decide(&self, req: DecideApplication) -> Result<Application, Error> {
        let (a, tree) = self.application_run(req.application).await?;
        let rules = self.application_rules(&a)?;
        let cal = self.calendar(a.org(), &tree);
        let next = a.decide(req.decision, self.stamp(), &rules, cal)?;
        Ok(self
            .s
            .store()
            .update_application(next, Effects::none())
            .await?)
    }
}
