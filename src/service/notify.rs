//! 通知 (the notifications handle): the dispatcher, the deadline scan,
//! broadcasts, and the messages an officer may see and retry.
//! [`docs/RULES.md` NOTE-6 … NOTE-9]
//!
//! The dispatcher and the scan run as a scheduled job
//! ([`Actor::system`](crate::access::Actor::system)) or the platform
//! administrator; broadcasts and the message list belong to the officers
//! of the sending organisation's subtree.

use super::Session;
use super::authorize::Target;
use super::page::{Page, PageRequest};
use crate::access;
use crate::error::Entity;
use crate::member::Member;
use crate::notify::{
    Broadcast, BroadcastPlan, Deadline, DeliverOptions, DeliveryReport, Enqueue, Event,
    MessageFilter, Notifiers, NotifyError, Resolution, SetChannels, StoredMessage, TagMembers,
};
use crate::{Error, MessageId};
use chrono::{Duration, NaiveDate};

/// 通知: notifications ([`Session::notify`]).
#[derive(Debug, Clone, Copy)]
pub struct NotifyHandle<'s> {
    pub(super) s: &'s Session,
}

/// What a deadline scan found and enqueued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ScanReport {
    /// Events found due.
    pub events: usize,
    /// Messages enqueued (a second scan of the same day enqueues none).
    pub enqueued: usize,
}

impl NotifyHandle<'_> {
    fn dispatcher(&self) -> Result<(), Error> {
        access::check_dispatch(&self.s.actor).map_err(Error::PermissionDenied)
    }

    /// 投递: one dispatcher run. Fans the events that writes committed
    /// into messages, claims due messages under a lease named
    /// `opts.owner`, sends each through its channel's adapter with its
    /// idempotency key, and settles it: delivered; tried again later with
    /// backoff when the channel says retryable (honouring its delay);
    /// dead-lettered after the last try or a permanent refusal; unknown
    /// when a channel that cannot deduplicate timed out, to be reconciled
    /// from the channel's status and never re-sent on its own. Run it in
    /// a loop on each OA node; two nodes never send one message twice.
    /// No transaction is open while a channel is called. (NOTE-6)
    ///
    /// ```
    /// use dangjian::{Dangjian, access::Actor};
    /// use dangjian::notify::{DeliverOptions, Notifiers};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let job = dj.act_as(&Actor::system("notify dispatcher"));
    /// let report = job.notify().deliver_due(&Notifiers::new(), &DeliverOptions::new("node-1")).await?;
    /// assert_eq!(report.claimed, 0);
    /// # Ok::<(), dangjian::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `PermissionDenied` unless a scheduled job or the platform
    /// administrator over the whole platform; `Notify` for a bad owner
    /// name; `Store` when the store fails (what was settled stays
    /// settled).
    pub async fn deliver_due(
        &self,
        notifiers: &Notifiers,
        opts: &DeliverOptions,
    ) -> Result<DeliveryReport, Error> {
        self.dispatcher()?;
        if !opts.owner_ok() {
            return Err(NotifyError::BadOwner {
                max: crate::notify::MAX_OWNER_LEN,
            }
            .into());
        }
        self.s.run_dispatcher(notifiers, opts).await
    }

    /// 到期扫描: raises the reminders that time has made due on `as_of`:
    /// an applicant's talk (DEV-3), the end of an activist's year
    /// (DEV-4), the end of a probation (DEV-10), each when its last day
    /// is within the look-ahead; a committee's term ending within the
    /// look-ahead (OFF-3). Each is enqueued once per (kind, subject, due
    /// date) and recipient, so running the scan twice enqueues nothing
    /// new. (NOTE-7)
    ///
    /// ```
    /// use dangjian::{Dangjian, access::Actor};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let job = dj.act_as(&Actor::system("nightly scan"));
    /// let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// assert_eq!(job.notify().scan_due(day).await?.events, 0);
    /// # Ok::<(), dangjian::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `PermissionDenied` unless a scheduled job or the platform
    /// administrator; `Store` when the store fails.
    pub async fn scan_due(&self, as_of: NaiveDate) -> Result<ScanReport, Error> {
        self.dispatcher()?;
        let store = self.s.store();
        let tree = store.org_tree().await?;
        let ahead = self.s.notifications().lookahead;
        let last = as_of + ahead;
        let near = |d: NaiveDate| as_of <= d && d <= last;
        let branches = tree.branches();
        let mut events = Vec::new();
        let mut member_ids = Vec::new();
        for m in store.members_by_home(&branches).await? {
            member_ids.push(m.id());
            let l = m.lifecycle();
            let due = [
                (Deadline::ApplicantTalk, l.talk_due()),
                (Deadline::ActivistYear, l.activist_qualifies_on()),
                (
                    Deadline::Conversion,
                    l.probation_end()
                        .filter(|_| l.stage() == crate::lifecycle::Stage::Probationary),
                ),
            ];
            for (deadline, day) in due {
                if let Some(day) = day.filter(|d| near(*d)) {
                    events.push(Event::DeadlineNear {
                        member: m.id(),
                        deadline,
                        due: day,
                    });
                }
            }
        }
        let orgs: Vec<_> = tree.iter().map(|o| o.id).collect();
        let mut term_ends: Vec<(crate::OrgId, NaiveDate)> = store
            .offices_of(&orgs)
            .await?
            .into_iter()
            .filter(|h| h.holds_on(as_of) && near(h.term_ends()))
            .map(|h| (h.org(), h.term_ends()))
            .collect();
        term_ends.sort_unstable();
        term_ends.dedup();
        events.extend(
            term_ends
                .into_iter()
                .map(|(org, term_ends)| Event::OfficeTermEnding { org, term_ends }),
        );
        events.extend(self.arrears_events(&branches, &member_ids, as_of).await?);
        events.extend(self.structure_events(&tree, as_of).await?);
        let now = self.s.clock().now();
        let mut messages = Vec::new();
        for e in &events {
            match self.s.plan_event(e, &tree, now).await {
                Ok(p) => messages.extend(p.messages),
                Err(Error::Notify(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let done = store.enqueue(Enqueue::new(messages)).await?;
        Ok(ScanReport {
            events: events.len(),
            enqueued: done.stored,
        })
    }

    /// 欠缴提醒: members owing dues for months up to the one before
    /// `as_of`, once per run of unpaid months (DUES-17).
    async fn arrears_events(
        &self,
        branches: &[crate::OrgId],
        ids: &[crate::MemberId],
        as_of: NaiveDate,
    ) -> Result<Vec<Event>, Error> {
        let last = crate::dues::Month::of(as_of).prev();
        let store = self.s.store();
        let entries = store.dues_entries_of_branches(branches).await?;
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let balances = crate::dues::Balances::rebuild(&entries)?;
        Ok(crate::dues::unpaid_list(&balances, ids, last)?
            .into_iter()
            .filter_map(|line| {
                line.months.first().map(|since| Event::DuesInArrears {
                    member: line.member,
                    since: *since,
                    owed: line.amount,
                })
            })
            .collect())
    }

    /// 组织设置提示: branches with too few full members or too many
    /// members (ORG-2, ORG-5), once a month while the finding stands.
    async fn structure_events(
        &self,
        tree: &crate::org::OrgTree,
        as_of: NaiveDate,
    ) -> Result<Vec<Event>, Error> {
        use crate::org::Finding;
        let month = crate::dues::Month::of(as_of);
        let mut out = Vec::new();
        for root in tree.iter().filter(|o| o.parent.is_none()) {
            for f in self.s.orgs().structure_report(root.id).await? {
                let finding = match &f {
                    Finding::BelowMinimumFullMembers { full, minimum, .. } => {
                        format!("正式党员{full}名，少于成立党支部所需的{minimum}名。")
                    }
                    Finding::TooLargeForBranch {
                        members, suggested, ..
                    } => format!(
                        "党员{members}名，超过党支部规模，建议{}。",
                        match suggested {
                            crate::org::SuggestedKind::GeneralBranch => "设立党总支",
                            crate::org::SuggestedKind::GrassrootsCommittee => "设立基层党委",
                            _ => "拆分党支部",
                        }
                    ),
                    _ => continue,
                };
                out.push(Event::StructureFinding {
                    org: f.org(),
                    finding,
                    month,
                });
            }
        }
        Ok(out)
    }

    /// 预览群发: what [`NotifyHandle::broadcast`] would do: how many it
    /// selects, the messages per channel, the members with no usable
    /// channel, and the cost against the year's budget. Nothing is
    /// enqueued. (NOTE-9)
    ///
    /// # Errors
    /// As [`NotifyHandle::broadcast`], except that an over-budget plan is
    /// returned, not refused.
    pub async fn dry_run(&self, req: &Broadcast) -> Result<BroadcastPlan, Error> {
        Ok(self.s.plan_broadcast(req).await?.plan)
    }

    /// 群发: enqueues a broadcast in one transaction with its charge
    /// against the sending organisation's budget for the year. An officer
    /// broadcasts only within their subtree (a dual-managing organisation
    /// reaches the dual-managed members it manages); members with no
    /// usable channel are skipped and listed in the plan; quiet hours hold
    /// a non-urgent broadcast. The same key enqueues nothing new.
    /// (NOTE-9)
    ///
    /// # Errors
    /// `NotFound` for an organisation or member outside the actor's reach
    /// (or missing); `PermissionDenied` for a member actor;
    /// `Notify` for a bad key, an empty selection, a text too large for a
    /// channel or over the SMS length, or a cost past what is left of the
    /// budget (nothing is enqueued or charged).
    pub async fn broadcast(&self, req: Broadcast) -> Result<BroadcastPlan, Error> {
        let planned = self.s.plan_broadcast(&req).await?;
        let plan = planned.plan;
        if plan.cost > plan.budget_left {
            return Err(NotifyError::OverBudget {
                org: req.org,
                year: plan.year,
                budget: planned.budget,
                left: plan.budget_left,
                cost: plan.cost,
            }
            .into());
        }
        let mut batch = Enqueue::new(planned.messages);
        if plan.cost > crate::dues::Money::ZERO {
            batch = batch.spend(crate::notify::Spend {
                org: req.org,
                year: plan.year,
                amount: plan.cost,
                budget: planned.budget,
            });
        }
        match self.s.store().enqueue(batch).await {
            Ok(_) => Ok(plan),
            Err(e) if *e.kind() == crate::store::StoreErrorKind::Rejected => {
                // Another broadcast spent the budget in the meantime.
                let spent = self.s.store().spent(req.org, plan.year).await?;
                Err(NotifyError::OverBudget {
                    org: req.org,
                    year: plan.year,
                    budget: planned.budget,
                    left: planned.budget.checked_sub(spent).unwrap_or_default(),
                    cost: plan.cost,
                }
                .into())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// 消息列表: the messages of the organisations in the actor's subtree
    /// that pass `filter`, by id, a page at a time (dead letters:
    /// `MessageFilter::status(Status::DeadLetter)`).
    ///
    /// # Errors
    /// `PermissionDenied` for a member actor; `Store` when the store fails.
    pub async fn messages(
        &self,
        filter: MessageFilter,
        page: PageRequest,
    ) -> Result<Page<StoredMessage>, Error> {
        let tree = self.s.store().org_tree().await?;
        let mine: Vec<_> = tree
            .iter()
            .map(|o| o.id)
            .filter(|o| access::check_notify(&self.s.actor, *o, &tree).is_ok())
            .collect();
        if mine.is_empty() {
            let denied = access::check_notify(&self.s.actor, crate::OrgId::new(0), &tree);
            return Err(denied.map_or_else(Error::PermissionDenied, |()| {
                Error::Internal("no organisation in scope".into())
            }));
        }
        let filter = match filter.orgs.clone() {
            Some(o) => filter.from_orgs(o.into_iter().filter(|x| mine.contains(x)).collect()),
            None => filter.from_orgs(mine),
        };
        let after = page.after_key().map(MessageId::new);
        let items = self
            .s
            .store()
            .messages(&filter, after, page.limit().saturating_add(1))
            .await?;
        Ok(page.keyset(items, |m| m.id.get()))
    }

    /// 重发或处理: a person's decision about a message of their subtree:
    /// retry a dead letter (or an unknown message they know did not go),
    /// or record what the channel said (delivered, not delivered, read).
    ///
    /// # Errors
    /// `NotFound` for a message outside the actor's subtree (or missing);
    /// `Notify` when the resolution does not apply to its state (a
    /// delivered message is never sent again).
    pub async fn resolve(
        &self,
        id: MessageId,
        resolution: Resolution,
    ) -> Result<StoredMessage, Error> {
        let store = self.s.store();
        let tree = store.org_tree().await?;
        let m = store
            .message(id)
            .await?
            .filter(|m| access::check_notify(&self.s.actor, m.org, &tree).is_ok())
            .ok_or_else(|| Error::not_found(Entity::Message, id))?;
        store
            .resolve(m.id, resolution)
            .await?
            .ok_or_else(|| NotifyError::NotResolvable(id).into())
    }

    /// 重发: a dead-lettered message is due again now, its tries counted
    /// afresh (`resolve` with [`Resolution::Retry`]).
    ///
    /// # Errors
    /// As [`NotifyHandle::resolve`].
    pub async fn retry(&self, id: MessageId) -> Result<StoredMessage, Error> {
        let at = self.s.clock().now();
        self.resolve(id, Resolution::Retry { at }).await
    }

    /// 清理: deletes the messages delivered longer ago than the retention
    /// (default 180 days); returns how many.
    ///
    /// # Errors
    /// `PermissionDenied` unless a scheduled job or the platform
    /// administrator; `Notify` when the retention is shorter than the
    /// look-ahead plus a day.
    pub async fn prune(&self) -> Result<u64, Error> {
        self.dispatcher()?;
        let n = self.s.notifications();
        if n.retention < n.lookahead + Duration::days(1) {
            return Err(NotifyError::RetentionTooShort {
                retention_days: n.retention.num_days(),
                lookahead_days: n.lookahead.num_days(),
            }
            .into());
        }
        Ok(self
            .s
            .store()
            .prune(self.s.clock().now() - n.retention)
            .await?)
    }

    /// 接收偏好: sets the channels a member prefers, in order; the
    /// dispatcher then tries them before the organisation's order
    /// (NOTE-7). The member themselves, or an officer over their home.
    ///
    /// # Errors
    /// `NotFound` for a member outside the actor's scope (or missing);
    /// `PermissionDenied` for another member's account on a member in
    /// scope; `Conflict` when the record changed meanwhile.
    pub async fn set_channels(&self, req: SetChannels) -> Result<Member, Error> {
        let member = req.member;
        let myself = self.s.actor.member_id() == Some(member)
            && self.s.actor.scope() == crate::access::Scope::Member(member);
        self.s
            .authorize(Target::Member(member), |l| {
                if myself {
                    return Ok(());
                }
                let p = l
                    .placement
                    .clone()
                    .unwrap_or_else(|| crate::access::Placement {
                        home: l.org,
                        mobile_location: None,
                        dual: None,
                        online: Vec::new(),
                    });
                access::check_manage_member(&self.s.actor, member, &p, &l.tree)
            })
            .await?;
        let store = self.s.store();
        let mut m = store
            .get_member(member)
            .await?
            .ok_or_else(|| Error::not_found(Entity::Member, member))?;
        if m.contact().channels == req.channels {
            return Ok(m);
        }
        m.contact_mut().channels = req.channels;
        Ok(store
            .update_member(m, crate::store::Effects::none())
            .await?
            .0)
    }

    /// 打标签: gives members a tag of an organisation (or takes it away),
    /// for broadcasts by tag (NOTE-1). An officer covering the
    /// organisation; every member must be in its subtree (home or dual
    /// management), or nothing is changed. Members who already have (or
    /// lack) the tag are left alone, so a repeated call changes nothing;
    /// returns how many records changed.
    ///
    /// # Errors
    /// `NotFound` for the organisation or a member outside the actor's
    /// reach (or missing); `PermissionDenied` for a member actor;
    /// `Conflict` when a record changed meanwhile (the records before it
    /// keep their change: call again to finish).
    pub async fn tag(&self, req: TagMembers) -> Result<usize, Error> {
        let org = req.tag.org();
        let l = self
            .s
            .authorize(Target::Org(org), |l| {
                access::check_notify(&self.s.actor, org, &l.tree)
            })
            .await?;
        let store = self.s.store();
        let mut ids = req.members.clone();
        ids.sort_unstable();
        ids.dedup();
        let found = store.get_members(&ids).await?;
        for id in &ids {
            let inside = found
                .iter()
                .find(|m| m.id() == *id)
                .is_some_and(|m| super::broadcast::managed_within(m, org, &l.tree));
            if !inside {
                return Err(Error::not_found(Entity::Member, id));
            }
        }
        let mut changed = 0;
        for mut m in found {
            let has = m.contact().tags.contains(&req.tag);
            if has != req.remove {
                continue;
            }
            let tags = &mut m.contact_mut().tags;
            if req.remove {
                tags.retain(|t| t != &req.tag);
            } else {
                tags.push(req.tag.clone());
                tags.sort();
            }
            store
                .update_member(m, crate::store::Effects::none())
                .await?;
            changed += 1;
        }
        Ok(changed)
    }
}
