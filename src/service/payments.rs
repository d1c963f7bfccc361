//! 缴纳党费 (recording payments): one at a time or in batches. Both paths
//! share one planning function (`plan_payment`), which reads
//! nothing from the store: the batch path loads the tree, the members,
//! their profiles and their ledgers once, plans every item, and writes them
//! with one [`DuesStore::record_payments`](crate::store::DuesStore::record_payments).

use super::dues::{DuesHandle, RETRIES, chain, pays_from, same_payment};
use crate::access;
use crate::dues::PaymentRequest;
use crate::dues::calc;
use crate::dues::ledger::{
    self, Balances, LedgerEntry, LedgerEntryKind, NewLedgerEntry, NewPayment, PaymentOutcome,
};
use crate::dues::{DuesError, DuesProfile, Money, Month};
use crate::error::Entity;
use crate::member::Member;
use crate::org::OrgTree;
use crate::record::{Activity, NewRecordEntry};
use crate::store::Effects;
use crate::store::{StoreError, StoreErrorKind};
use crate::{Error, MemberId};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeSet, HashMap};

/// What planning one payment decided.
enum PaymentPlan {
    /// The external id is already in the member's ledger.
    Done(PaymentOutcome),
    /// Write this payment and record entry, based on the ledger version read.
    Write(NewPayment, NewRecordEntry, u64),
}

/// The clock, read once for a whole batch.
#[derive(Clone, Copy)]
struct Now {
    today: NaiveDate,
    at: DateTime<Utc>,
}

type Outcome = Result<PaymentOutcome, Error>;

impl DuesHandle<'_> {
    /// 缴纳党费: records a payment with its allocations (oldest unpaid
    /// month first) and the activity-record entry, atomically. The same
    /// external payment id recorded again returns the first payment
    /// ([`PaymentOutcome::AlreadyRecorded`]) and changes nothing.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// use dangjian::dues::PaymentRequest;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
    /// let req = PaymentRequest::new(MemberId::new(1), "WX-1".parse()?, "30.00".parse()?, on);
    /// let err = dj.act_as(&Actor::platform_admin()).dues().record_payment(req).await.unwrap_err();
    /// assert!(err.is_not_found());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a member missing or outside the scope;
    /// `PermissionDenied` unless a dues officer covers the home branch;
    /// `Dues` for a payment of zero or less, a voluntary part above the
    /// amount, a month before the member joined, paying further ahead than
    /// the consent allows (or past the year without leave), the same id
    /// with other content; `Conflict` if the ledger kept changing.
    pub async fn record_payment(&self, req: PaymentRequest) -> Result<PaymentOutcome, Error> {
        // Refuse before reading anything else for the caller.
        self.managed_member(req.member).await?;
        self.record_payments(vec![req])
            .await?
            .pop()
            .unwrap_or_else(|| Err(Error::Internal("the payment went missing".into())))
    }

    /// 批量缴费 (batch payments): records many payments, each with the same
    /// rules and result as [`DuesHandle::record_payment`] one after the
    /// other, in one write. The tree, the members, their profiles and
    /// ledgers are read once for the batch; an item the caller may not
    /// record (`PermissionDenied`), or that fails its checks, gets its error
    /// and nothing is written for it. Several items of one member (or of
    /// one external id) are written in successive rounds, in the order
    /// given; items refused for a concurrent change are planned again.
    ///
    /// ```
    /// # use dangjian::{Dangjian, MemberId, access::Actor};
    /// use dangjian::dues::PaymentRequest;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = Dangjian::in_memory();
    /// let on = chrono::NaiveDate::from_ymd_opt(2024, 6, 3).unwrap();
    /// let batch = vec![PaymentRequest::new(MemberId::new(1), "WX-1".parse()?, "30.00".parse()?, on)];
    /// let results = dj.act_as(&Actor::platform_admin()).dues().record_payments(batch).await?;
    /// assert!(results[0].as_ref().unwrap_err().is_not_found());
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The outer error: the store failed (nothing of the round was stored).
    pub async fn record_payments(
        &self,
        reqs: Vec<PaymentRequest>,
    ) -> Result<Vec<Result<PaymentOutcome, Error>>, Error> {
        let actor = &self.s.actor;
        let store = self.s.store();
        let tree = store.org_tree().await?;
        let now = Now {
            today: self.s.clock().today(),
            at: self.s.clock().now(),
        };
        let ids: Vec<MemberId> = reqs
            .iter()
            .map(|r| r.member)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let members: HashMap<MemberId, Member> = self
            .s
            .store()
            .get_members(&ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect();
        let mut results: Vec<Option<Outcome>> = reqs.iter().map(|_| None).collect();
        let mut pending = Vec::new();
        for (i, req) in reqs.iter().enumerate() {
            let checked = match members.get(&req.member) {
                None => Err(Error::not_found(Entity::Member, req.member)),
                Some(m) => access::check_manage_dues(actor, m.home(), &tree).map_err(|d| {
                    let placement = m.memberships.placement();
                    let subject = access::Subject::Member {
                        id: m.id,
                        placement: &placement,
                    };
                    if access::visible(actor, &subject, &tree) {
                        Error::PermissionDenied(d)
                    } else {
                        Error::not_found(Entity::Member, req.member)
                    }
                }),
            };
            match checked {
                Ok(()) => pending.push(i),
                Err(e) => set(&mut results, i, Err(e)),
            }
        }
        let allowed: Vec<MemberId> = pending
            .iter()
            .filter_map(|i| reqs.get(*i).map(|r| r.member))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let profiles: HashMap<MemberId, DuesProfile> = self
            .s
            .store()
            .dues_profiles(&allowed)
            .await?
            .into_iter()
            .map(|p| (p.member, p))
            .collect();
        let mut attempts = vec![0_usize; reqs.len()];
        while !pending.is_empty() {
            let (round, mut rest) = split_round(&reqs, pending);
            let round_members: Vec<MemberId> = round
                .iter()
                .filter_map(|i| reqs.get(*i).map(|r| r.member))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut ledgers: HashMap<MemberId, Vec<LedgerEntry>> = HashMap::new();
            for e in store.dues_entries_of_members(&round_members).await? {
                ledgers.entry(e.kind.member()).or_default().push(e);
            }
            let mut writes = Vec::new();
            let mut written = Vec::new();
            for i in round {
                let (Some(req), Some(m)) = (
                    reqs.get(i),
                    reqs.get(i).and_then(|r| members.get(&r.member)),
                ) else {
                    continue;
                };
                let entries = ledgers.get(&req.member).map_or(&[][..], Vec::as_slice);
                match self.plan_payment(&tree, now, m, profiles.get(&req.member), entries, req) {
                    Ok(PaymentPlan::Done(done)) => set(&mut results, i, Ok(done)),
                    Ok(PaymentPlan::Write(payment, record, version)) => {
                        writes.push((payment, Effects::record(record), version));
                        written.push(i);
                    }
                    Err(e) => set(&mut results, i, Err(e)),
                }
            }
            if !writes.is_empty() {
                let mut retry = |i: usize, e: StoreError, results: &mut Vec<Option<Outcome>>| {
                    let n = attempts.get_mut(i).map_or(RETRIES, |a| {
                        *a += 1;
                        *a
                    });
                    if n >= RETRIES {
                        set(results, i, Err(e.into()));
                    } else {
                        rest.push(i);
                    }
                };
                match store.record_payments(writes).await {
                    Ok(outs) => {
                        for (i, out) in written.into_iter().zip(outs) {
                            match out {
                                Err(e) if *e.kind() == StoreErrorKind::Conflict => {
                                    retry(i, e, &mut results);
                                }
                                out => {
                                    if let Some(req) = reqs.get(i) {
                                        set(&mut results, i, checked_outcome(out, req));
                                    }
                                }
                            }
                        }
                    }
                    Err(e) if *e.kind() == StoreErrorKind::Conflict => {
                        for i in written {
                            retry(
                                i,
                                StoreError::new(StoreErrorKind::Conflict, e.message().to_owned()),
                                &mut results,
                            );
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            rest.sort_unstable();
            pending = rest;
        }
        Ok(results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| Err(Error::Conflict("the dues ledger kept changing".into())))
            })
            .collect())
    }

    /// Plans one payment from what was read, without touching the store:
    /// the request's checks, an already-recorded external id, the
    /// oldest-first allocation and the activity-record entry. `entries` are
    /// the member's ledger; its length is the version the write is based on.
    fn plan_payment(
        &self,
        tree: &OrgTree,
        now: Now,
        m: &Member,
        profile: Option<&DuesProfile>,
        entries: &[LedgerEntry],
        req: &PaymentRequest,
    ) -> Result<PaymentPlan, Error> {
        let today = now.today;
        if req.amount.is_negative() || req.amount.is_zero() {
            return Err(DuesError::NonPositivePayment(req.amount).into());
        }
        if req.voluntary.is_negative() {
            return Err(DuesError::Negative {
                field: "voluntary",
                amount: req.voluntary,
            }
            .into());
        }
        if req.voluntary > req.amount {
            return Err(DuesError::VoluntaryExceedsPayment {
                amount: req.amount,
                voluntary: req.voluntary,
            }
            .into());
        }
        if req.received_on > today {
            return Err(DuesError::InTheFuture(req.received_on).into());
        }
        // Plausible dates (DUES-22): not before the member's record starts
        // nor before the ledger's start (the first rule version).
        let record_start = m.lifecycle.history().first().map(|r| r.on);
        let ledger_start = self.s.rules().dues.ledger_start();
        for (earliest_what, earliest) in [
            ("the start of the member's record", record_start),
            ("the start of the dues ledger", ledger_start),
        ] {
            if let Some(earliest) = earliest.filter(|e| req.received_on < *e) {
                return Err(DuesError::DatedTooEarly {
                    what: "the payment's date",
                    date: req.received_on,
                    earliest_what,
                    earliest,
                }
                .into());
            }
        }
        let from = pays_from(m)?;
        if let Some(f) = req.for_month.filter(|f| *f < from) {
            return Err(DuesError::MonthBeforeJoining {
                member: req.member,
                month: f,
                pays_from: from,
            }
            .into());
        }
        let home = m.home();
        let current = Month::of(today);
        let limit = req.pay_ahead.limit(current)?;
        let chain = chain(tree, home);
        let rules_now = self.s.rules().dues.rules_for(&chain, current)?;
        let version = u64::try_from(entries.len()).unwrap_or(u64::MAX);
        if let Some(first) = entries.iter().find(|e| {
            matches!(&e.kind, LedgerEntryKind::Payment { payment_id, .. } if *payment_id == req.payment_id)
        }) {
            if !same_payment(first, req) {
                return Err(DuesError::PaymentIdConflict(req.payment_id.to_string()).into());
            }
            let allocations = entries
                .iter()
                .filter(|e| {
                    matches!(e.kind, LedgerEntryKind::Allocation { payment, .. } if payment == first.id)
                })
                .cloned()
                .collect();
            return Ok(PaymentPlan::Done(PaymentOutcome::AlreadyRecorded {
                payment: first.clone(),
                allocations,
            }));
        }
        let balances = Balances::rebuild(entries)?;
        let mb = balances.member(req.member).cloned().unwrap_or_default();
        let mut owed: Vec<(Month, Money)> = mb
            .months
            .iter()
            .filter(|(mo, c)| **mo >= from && !c.assessed.is_zero())
            .map(|(mo, c)| (*mo, c.outstanding()))
            .collect();
        // Months not yet assessed, from after the last assessed one (or
        // the current month) up to the limit, at the computed amount.
        let last_assessed = mb
            .months
            .iter()
            .filter(|(_, c)| !c.assessed.is_zero())
            .map(|(mo, _)| *mo)
            .next_back();
        let mut mo = last_assessed
            .map_or(current.max(from), |l| l.next())
            .max(from);
        while mo <= limit {
            if let Some(p) = profile {
                let v = self.s.rules().dues.rules_for(&chain, mo)?;
                let (_, due) = calc::monthly_amount(&v.rules, p, mo)?;
                let due = mb
                    .relief_for(mo)
                    .map_or(due, |r| due.minus_or_zero(r.exempted(due)));
                let paid = mb.months.get(&mo).map_or(Money::ZERO, |c| c.allocated);
                owed.push((mo, due.minus_or_zero(paid)));
            }
            mo = mo.next();
        }
        // 0 ≤ voluntary ≤ amount (checked above): the difference is bounded.
        let dues_part = req.amount.minus_or_zero(req.voluntary);
        // The member's totals stay within the range (DUES-21), so the
        // ledger can always be rebuilt.
        mb.paid.try_add(dues_part, "the member's dues paid")?;
        mb.voluntary
            .try_add(req.voluntary, "the member's voluntary payments")?;
        let allocations = if dues_part.is_zero() {
            Vec::new()
        } else {
            ledger::allocate(dues_part, &owed, limit)?
        };
        let first_month = allocations.first().map_or(current, |a| a.0);
        let record = NewRecordEntry {
            member: req.member,
            occurred_on: req.received_on,
            activity: Activity::DuesPaid {
                amount: req.amount.amount(),
                month: first_month.first_day(),
            },
            recorded_by: Some(home),
            acted_by: self.s.actor.acted_by(),
            recorded_at: now.at,
        };
        record.validate(today)?;
        let payment = NewPayment {
            payment: NewLedgerEntry {
                branch: home,
                recorded_on: today,
                kind: LedgerEntryKind::Payment {
                    member: req.member,
                    payment_id: req.payment_id.clone(),
                    amount: req.amount,
                    voluntary: req.voluntary,
                    forward_to_central: rules_now.rules.is_large_voluntary(req.voluntary),
                    received_on: req.received_on,
                },
            },
            allocations,
        };
        Ok(PaymentPlan::Write(payment, record, version))
    }
}

fn set(results: &mut [Option<Outcome>], i: usize, outcome: Outcome) {
    if let Some(slot) = results.get_mut(i) {
        *slot = Some(outcome);
    }
}

/// A store's answer for one item: an already-recorded id must be the same
/// payment.
fn checked_outcome(out: Result<PaymentOutcome, StoreError>, req: &PaymentRequest) -> Outcome {
    match out? {
        PaymentOutcome::AlreadyRecorded {
            payment,
            allocations,
        } => {
            if !same_payment(&payment, req) {
                return Err(DuesError::PaymentIdConflict(req.payment_id.to_string()).into());
            }
            Ok(PaymentOutcome::AlreadyRecorded {
                payment,
                allocations,
            })
        }
        done => Ok(done),
    }
}

/// The items of this round: the first pending item of each member and of
/// each external id (the others wait for the next round, in order).
fn split_round(reqs: &[PaymentRequest], pending: Vec<usize>) -> (Vec<usize>, Vec<usize>) {
    let mut members = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let (mut round, mut rest) = (Vec::new(), Vec::new());
    for i in pending {
        let Some(r) = reqs.get(i) else { continue };
        if members.contains(&r.member) || ids.contains(r.payment_id.as_str()) {
            rest.push(i);
        } else {
            members.insert(r.member);
            ids.insert(r.payment_id.as_str());
            round.push(i);
        }
    }
    (round, rest)
}
