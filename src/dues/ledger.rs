//! 党费台账 (the dues ledger): append-only entries, allocation oldest-first,
//! balances rebuilt from the entries.
//!
//! Entries are never edited or deleted: a correction is a [`Reversal`]
//! entry naming the entry it cancels (党费电子台账, `docs/RULES.md`
//! DUES-20). Each entry belongs to the branch that recorded it ("dues
//! belong to the branch that collected them", `docs/RULES.md` DUES-19), so
//! after a transfer the old branch keeps its history. A payment carries the external payment id of
//! the gateway or OA system: the same id recorded twice is one payment.
//! Payments go to the oldest unpaid month first; paying ahead is limited to
//! the current year unless the branch allows more, and paying quarterly
//! needs the branch's consent [Charter Art. 9; Dues 2008].
//!
//! [`Reversal`]: LedgerEntryKind::Reversal

use super::{DuesError, Money, Month, MonthRange};
use crate::record::RecordEntry;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// 台账条目标识 (a ledger entry id), assigned by the store, increasing.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EntryId(u64);

impl EntryId {
    /// Wraps a raw id.
    pub const fn new(raw: u64) -> Self {
        Self(raw)
    }
    /// The raw id.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "dues#{}", self.0)
    }
}

impl fmt::Debug for EntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// 外部支付流水号 (external payment id): from the payment gateway or the
/// OA expense system; 1–128 printable characters, no control characters
/// and no invisible ones (zero-width, bidi, byte-order mark): those are
/// refused, not stripped, so two ids that print alike are never two
/// payments (`docs/RULES.md` DUES-24).
///
/// ```
/// use dangjian::dues::ExternalPaymentId;
/// assert!("WX2024060100001".parse::<ExternalPaymentId>().is_ok());
/// assert!("".parse::<ExternalPaymentId>().is_err());
/// assert!("WX2024\u{200B}060100001".parse::<ExternalPaymentId>().is_err());
/// assert!("\u{FEFF}WX2024060100001".parse::<ExternalPaymentId>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ExternalPaymentId(String);

impl ExternalPaymentId {
    /// The id as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ExternalPaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for ExternalPaymentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ExternalPaymentId {
    type Err = DuesError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = s.chars().count();
        if n == 0 || n > 128 || crate::text::has_hidden(s) || s.trim() != s {
            return Err(DuesError::InvalidPaymentId);
        }
        Ok(Self(s.to_owned()))
    }
}

impl TryFrom<String> for ExternalPaymentId {
    type Error = DuesError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ExternalPaymentId> for String {
    fn from(p: ExternalPaymentId) -> Self {
        p.0
    }
}

/// 减免类别: a reduction or an exemption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReliefKind {
    /// 免交: nothing is due for the months.
    Exemption,
    /// 减交: the member pays `pays` a month instead (less if assessed
    /// lower).
    Reduction {
        /// The reduced monthly amount.
        pays: Money,
    },
}

/// 党费减免 (a reduction or exemption): requested by the member, approved
/// by the branch and reported to the next-higher committee, for a stated
/// range of months [Dues 2008; `docs/RULES.md` DUES-16].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relief {
    /// The member.
    pub member: MemberId,
    /// Reduction or exemption.
    pub kind: ReliefKind,
    /// The months it covers.
    pub months: MonthRange,
    /// Why (hardship, illness …).
    pub reason: String,
    /// When the member asked.
    pub requested_on: NaiveDate,
    /// When the branch approved.
    pub approved_on: NaiveDate,
    /// The approving branch.
    pub approved_by: OrgId,
    /// The next-higher committee it was reported to.
    pub reported_to: OrgId,
    /// When it was reported.
    pub reported_on: NaiveDate,
}

impl Relief {
    /// The part of `assessed` the relief waives.
    pub fn exempted(&self, assessed: Money) -> Money {
        match self.kind {
            ReliefKind::Exemption => assessed,
            ReliefKind::Reduction { pays } => assessed.minus_or_zero(pays),
        }
    }
}

/// 台账条目内容: what an entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LedgerEntryKind {
    /// 核定: the amount due for a month.
    Assessment {
        /// The member.
        member: MemberId,
        /// The month.
        month: Month,
        /// The amount (rounded as the rule version says).
        amount: Money,
        /// The rule version used.
        rule_version: String,
    },
    /// 缴纳: money received.
    Payment {
        /// The member.
        member: MemberId,
        /// The gateway's or OA system's id.
        payment_id: ExternalPaymentId,
        /// The whole amount received.
        amount: Money,
        /// The part paid voluntarily on top of dues (自愿多交).
        voluntary: Money,
        /// 大额党费: a voluntary part of 1000 yuan or more is forwarded in
        /// full to the Central Organisation Department [Dues 2008 Art. 11].
        forward_to_central: bool,
        /// When the money was received.
        received_on: NaiveDate,
    },
    /// 分配: part of a payment applied to a month.
    Allocation {
        /// The member.
        member: MemberId,
        /// The payment.
        payment: EntryId,
        /// The month paid.
        month: Month,
        /// The amount applied.
        amount: Money,
    },
    /// 冲正: cancels an earlier entry (a payment's allocations go with it).
    Reversal {
        /// The member of the cancelled entry.
        member: MemberId,
        /// The cancelled entry.
        reverses: EntryId,
        /// Why.
        reason: String,
    },
    /// 减免: an approved reduction or exemption.
    Exemption {
        /// The relief.
        relief: Relief,
    },
}

impl LedgerEntryKind {
    /// The member the entry is about.
    pub fn member(&self) -> MemberId {
        match self {
            Self::Assessment { member, .. }
            | Self::Payment { member, .. }
            | Self::Allocation { member, .. }
            | Self::Reversal { member, .. } => *member,
            Self::Exemption { relief } => relief.member,
        }
    }
}

/// 新台账条目: an entry before the store assigns its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLedgerEntry {
    /// The branch that records (collects) it.
    pub branch: OrgId,
    /// The day it was recorded (from the clock).
    pub recorded_on: NaiveDate,
    /// What it records.
    pub kind: LedgerEntryKind,
}

impl NewLedgerEntry {
    /// The stored entry with `id`.
    pub fn into_entry(self, id: EntryId) -> LedgerEntry {
        LedgerEntry {
            id,
            branch: self.branch,
            recorded_on: self.recorded_on,
            kind: self.kind,
        }
    }
}

/// 台账条目 (a stored ledger entry).
///
/// ```
/// use dangjian::dues::{EntryId, LedgerEntry, LedgerEntryKind, Money};
/// use dangjian::{MemberId, OrgId};
/// let e = LedgerEntry {
///     id: EntryId::new(1), branch: OrgId::new(2),
///     recorded_on: chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
///     kind: LedgerEntryKind::Assessment {
///         member: MemberId::new(3), month: "2024-06".parse()?,
///         amount: Money::from_fen(3000), rule_version: "dues-2017".into(),
///     },
/// };
/// let json = serde_json::to_string(&e)?;
/// assert!(json.contains(r#""type":"assessment""#));
/// assert_eq!(serde_json::from_str::<LedgerEntry>(&json)?, e);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Assigned by the store.
    pub id: EntryId,
    /// The branch that recorded (collected) it.
    pub branch: OrgId,
    /// The day it was recorded.
    pub recorded_on: NaiveDate,
    /// What it records.
    pub kind: LedgerEntryKind,
}

/// 缴费: a payment to record, with its allocations, as one atomic write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPayment {
    /// The payment entry ([`LedgerEntryKind::Payment`]).
    pub payment: NewLedgerEntry,
    /// Months and amounts it pays, oldest first.
    pub allocations: Vec<(Month, Money)>,
}

/// 缴费结果 (what recording a payment did).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PaymentOutcome {
    /// Newly recorded, with its allocations and activity-record entry.
    Recorded {
        /// The payment.
        payment: LedgerEntry,
        /// Its allocations.
        allocations: Vec<LedgerEntry>,
        /// The activity-record entries written with it (its effects).
        records: Vec<RecordEntry>,
    },
    /// The external id was already recorded: nothing changed.
    AlreadyRecorded {
        /// The payment stored first.
        payment: LedgerEntry,
        /// Its allocations.
        allocations: Vec<LedgerEntry>,
    },
}

/// 预缴许可 (consent to pay ahead): monthly by default; quarterly, yearly or
/// further only with the branch's consent; past the current year only when
/// the branch allows it [Charter Art. 9; `docs/RULES.md` DUES-14].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PayAhead {
    /// Up to the current month (arrears and this month).
    #[default]
    Monthly,
    /// Up to the end of the current quarter (按季缴纳, branch consent).
    Quarterly,
    /// Up to December of the current year (branch consent).
    Yearly,
    /// Up to `until`; past the current year only with `beyond_year`.
    Until {
        /// The last month.
        until: Month,
        /// The branch allows going past the current year.
        beyond_year: bool,
    },
}

impl PayAhead {
    /// The last month a payment made in `current` may cover.
    ///
    /// # Errors
    /// [`DuesError::AheadPastYear`] for `Until` past December without
    /// `beyond_year`.
    pub fn limit(self, current: Month) -> Result<Month, DuesError> {
        Ok(match self {
            Self::Monthly => current,
            Self::Quarterly => current.quarter_end(),
            Self::Yearly => current.december(),
            Self::Until { until, beyond_year } => {
                if until > current.december() && !beyond_year {
                    return Err(DuesError::AheadPastYear(until));
                }
                until.max(current)
            }
        })
    }
}

/// 分配 (allocation): applies `amount` to `owed` (months and what is still
/// owed for each, any order) oldest month first, partly paying the last
/// month reached. Returns the allocations, oldest first.
///
/// ```
/// use dangjian::dues::{allocate, Money, Month};
/// let m = |s: &str| s.parse::<Month>().unwrap();
/// let owed = [(m("2024-02"), Money::from_fen(3000)), (m("2024-01"), Money::from_fen(3000))];
/// let a = allocate(Money::from_fen(4500), &owed, m("2024-02"))?;
/// assert_eq!(a, vec![(m("2024-01"), Money::from_fen(3000)), (m("2024-02"), Money::from_fen(1500))]);
/// assert!(allocate(Money::from_fen(7000), &owed, m("2024-02")).is_err());
/// # Ok::<(), dangjian::dues::DuesError>(())
/// ```
///
/// # Errors
/// [`DuesError::NonPositivePayment`] for zero or less;
/// [`DuesError::PaysTooFarAhead`] when money is left after every month up
/// to `limit`.
pub fn allocate(
    amount: Money,
    owed: &[(Month, Money)],
    limit: Month,
) -> Result<Vec<(Month, Money)>, DuesError> {
    if amount.is_negative() || amount.is_zero() {
        return Err(DuesError::NonPositivePayment(amount));
    }
    let mut months: Vec<(Month, Money)> = owed
        .iter()
        .copied()
        .filter(|(m, o)| *m <= limit && !o.is_zero() && !o.is_negative())
        .collect();
    months.sort_by_key(|(m, _)| *m);
    let mut left = amount;
    let mut out = Vec::new();
    for (m, o) in months {
        if left.is_zero() {
            break;
        }
        let take = left.min(o);
        out.push((m, take));
        left = left.minus_or_zero(take);
    }
    if !left.is_zero() {
        return Err(DuesError::PaysTooFarAhead {
            limit,
            excess: left,
        });
    }
    Ok(out)
}

/// 月度余额: one member's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MonthBalance {
    /// Assessed (核定).
    pub assessed: Money,
    /// Waived by a relief.
    pub exempted: Money,
    /// Paid (allocations).
    pub allocated: Money,
    /// Whether an assessment (核定) of the month is in force. A month paid
    /// ahead before it is assessed owes nothing yet but is not settled
    /// either: 已缴至 counts only assessed months (`docs/RULES.md`
    /// DUES-23).
    #[serde(default)]
    pub is_assessed: bool,
}

impl MonthBalance {
    /// What is due after relief.
    #[inline]
    pub fn due(&self) -> Money {
        if self.exempted.is_zero() {
            self.assessed
        } else {
            self.assessed.minus_or_zero(self.exempted)
        }
    }

    /// What is still owed.
    #[inline]
    pub fn outstanding(&self) -> Money {
        let due = self.due();
        if self.allocated < due {
            due.minus_or_zero(self.allocated)
        } else {
            Money::ZERO
        }
    }

    /// Whether the month is unpaid (something is owed).
    #[inline]
    pub fn is_unpaid(&self) -> bool {
        self.allocated < self.due()
    }
}

/// 月度余额表 (a member's months): sorted by month, contiguous in memory
/// (the arrears scan and the rebuild walk it for every member);
/// serialized as a map from month to balance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(
    from = "BTreeMap<Month, MonthBalance>",
    into = "BTreeMap<Month, MonthBalance>"
)]
pub struct MonthBalances(Vec<(Month, MonthBalance)>);

impl From<BTreeMap<Month, MonthBalance>> for MonthBalances {
    fn from(m: BTreeMap<Month, MonthBalance>) -> Self {
        Self(m.into_iter().collect())
    }
}

impl From<MonthBalances> for BTreeMap<Month, MonthBalance> {
    fn from(m: MonthBalances) -> Self {
        m.0.into_iter().collect()
    }
}

impl MonthBalances {
    /// Room for `n` months.
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// The month's balance.
    pub fn get(&self, month: &Month) -> Option<&MonthBalance> {
        self.0
            .binary_search_by_key(month, |(m, _)| *m)
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, b)| b)
    }

    /// The month's balance, created empty when missing.
    pub fn cell(&mut self, month: Month) -> Option<&mut MonthBalance> {
        let i = match self.0.last() {
            Some((last, _)) if *last == month => self.0.len() - 1,
            Some((last, _)) if *last > month => {
                match self.0.binary_search_by_key(&month, |(m, _)| *m) {
                    Ok(i) => i,
                    Err(i) => {
                        self.0.insert(i, (month, MonthBalance::default()));
                        i
                    }
                }
            }
            _ => {
                self.0.push((month, MonthBalance::default()));
                self.0.len() - 1
            }
        };
        self.0.get_mut(i).map(|(_, c)| c)
    }

    /// Sets a month's balance.
    pub fn insert(&mut self, month: Month, balance: MonthBalance) {
        if let Some(c) = self.cell(month) {
            *c = balance;
        }
    }

    /// Every month, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Month, &MonthBalance)> {
        self.0.iter().map(|(m, b)| (m, b))
    }

    /// The balances, oldest first.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &MonthBalance> {
        self.0.iter().map(|(_, b)| b)
    }

    /// The months up to `last` (inclusive), oldest first.
    pub fn up_to(&self, last: Month) -> impl DoubleEndedIterator<Item = (&Month, &MonthBalance)> {
        let end = self.0.partition_point(|(m, _)| *m <= last);
        self.0
            .get(..end)
            .unwrap_or_default()
            .iter()
            .map(|(m, b)| (m, b))
    }

    fn between_mut(&mut self, range: MonthRange) -> impl Iterator<Item = &mut MonthBalance> {
        let start = self.0.partition_point(|(m, _)| *m < range.first);
        let end = self.0.partition_point(|(m, _)| *m <= range.last);
        self.0
            .get_mut(start..end.max(start))
            .unwrap_or_default()
            .iter_mut()
            .map(|(_, b)| b)
    }

    /// The number of months.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// 党员余额: one member's balance, rebuilt from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MemberBalance {
    /// Months with an assessment or an allocation.
    pub months: MonthBalances,
    /// Paid as dues (payments less their voluntary part).
    pub paid: Money,
    /// Paid voluntarily.
    pub voluntary: Money,
    /// Allocated to months.
    pub allocated: Money,
    /// Reliefs in force (not reversed), by first month.
    pub reliefs: Vec<Relief>,
}

impl MemberBalance {
    /// 已缴至: the last month of the unbroken run of settled months from
    /// the first one (carried on a transfer letter, §8). A month counts
    /// once it is assessed and its assessment is covered: a prepayment for
    /// a month not yet assessed (0 due so far) does not make it paid
    /// (`docs/RULES.md` DUES-23).
    pub fn paid_up_to(&self) -> Option<Month> {
        let mut last = None;
        for (m, b) in self.months.iter() {
            if !b.is_assessed || b.is_unpaid() {
                break;
            }
            last = Some(*m);
        }
        last
    }

    /// Everything still owed.
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] when the sum is past [`Money::MAX`].
    pub fn owed(&self) -> Result<Money, DuesError> {
        self.months.values().try_fold(Money::ZERO, |a, b| {
            a.try_add(b.outstanding(), "the amount owed")
        })
    }

    /// Dues paid but not yet allocated (prepaid credit).
    pub fn credit(&self) -> Money {
        self.paid.minus_or_zero(self.allocated)
    }

    /// The relief covering `month`, if any.
    pub fn relief_for(&self, month: Month) -> Option<&Relief> {
        self.reliefs.iter().find(|r| r.months.contains(month))
    }
}

/// 余额 (balances of every member), rebuilt from ledger entries in any
/// order: the result does not depend on the order of ingestion.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Balances {
    members: FxHashMap<MemberId, MemberBalance>,
}

impl Balances {
    /// Rebuilds balances from `entries` (any order). Every total is
    /// checked against [`Money::MAX`] (`docs/RULES.md` DUES-21).
    ///
    /// ```
    /// use dangjian::dues::{Balances, EntryId, LedgerEntry, LedgerEntryKind, Money};
    /// use dangjian::{MemberId, OrgId};
    /// let day = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// let e = |id, kind| LedgerEntry { id: EntryId::new(id), branch: OrgId::new(1), recorded_on: day, kind };
    /// let m = MemberId::new(5);
    /// let june = "2024-06".parse()?;
    /// let entries = [
    ///     e(1, LedgerEntryKind::Assessment { member: m, month: june, amount: Money::from_fen(3000), rule_version: "dues-2017".into() }),
    ///     e(2, LedgerEntryKind::Reversal { member: m, reverses: EntryId::new(1), reason: "wrong base".into() }),
    /// ];
    /// let b = Balances::rebuild(&entries)?;
    /// assert_eq!(b.member(m).map_or(Ok(Money::ZERO), |b| b.owed())?, Money::ZERO);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`DuesError::OutOfRange`] when a member's total (assessed for a
    /// month, paid, voluntary, allocated) would pass [`Money::MAX`].
    pub fn rebuild(entries: &[LedgerEntry]) -> Result<Self, DuesError> {
        let mut reversed: FxHashSet<EntryId> = FxHashSet::default();
        for e in entries {
            if let LedgerEntryKind::Reversal { reverses, .. } = &e.kind {
                reversed.insert(*reverses);
            }
        }
        let is_reversed = |id: &EntryId| !reversed.is_empty() && reversed.contains(id);
        // Months accumulate in a vector per member (entries mostly arrive
        // in month order, so a month is usually the last one or new), then
        // become a map once at the end.
        let mut acc: FxHashMap<MemberId, MemberBalance> =
            FxHashMap::with_capacity_and_hasher(entries.len() / 64, Default::default());
        for e in entries {
            if is_reversed(&e.id) {
                continue;
            }
            match &e.kind {
                LedgerEntryKind::Assessment {
                    member,
                    month,
                    amount,
                    ..
                } => {
                    if let Some(cell) = acc
                        .entry(*member)
                        .or_insert_with(new_balance)
                        .months
                        .cell(*month)
                    {
                        cell.assessed = cell.assessed.try_add(*amount, "a month's assessment")?;
                        cell.is_assessed = true;
                    }
                }
                LedgerEntryKind::Payment {
                    member,
                    amount,
                    voluntary,
                    ..
                } => {
                    let b = acc.entry(*member).or_insert_with(new_balance);
                    let dues_part = amount.minus_or_zero(*voluntary);
                    b.paid = b.paid.try_add(dues_part, "the dues paid")?;
                    b.voluntary = b.voluntary.try_add(*voluntary, "the voluntary payments")?;
                }
                LedgerEntryKind::Allocation {
                    member,
                    payment,
                    month,
                    amount,
                } => {
                    if is_reversed(payment) {
                        continue;
                    }
                    let a = acc.entry(*member).or_insert_with(new_balance);
                    a.allocated = a.allocated.try_add(*amount, "the dues allocated")?;
                    if let Some(cell) = a.months.cell(*month) {
                        cell.allocated = cell.allocated.try_add(*amount, "a month's payments")?;
                    }
                }
                LedgerEntryKind::Reversal { .. } => {}
                LedgerEntryKind::Exemption { relief } => {
                    acc.entry(relief.member)
                        .or_insert_with(new_balance)
                        .reliefs
                        .push(relief.clone());
                }
            }
        }
        for b in acc.values_mut() {
            if b.reliefs.is_empty() {
                continue;
            }
            b.reliefs.sort_by_key(|r| r.months);
            let MemberBalance {
                months, reliefs, ..
            } = b;
            for r in reliefs.iter() {
                for cell in months.between_mut(r.months) {
                    cell.exempted = r.exempted(cell.assessed);
                }
            }
        }
        let members = acc;
        Ok(Self { members })
    }

    /// One member's balance.
    pub fn member(&self, member: MemberId) -> Option<&MemberBalance> {
        self.members.get(&member)
    }

    /// The members with a balance, ordered by id.
    pub fn member_ids(&self) -> Vec<MemberId> {
        let mut ids: Vec<MemberId> = self.members.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Every balance, ordered by member id (deterministic).
    pub fn to_sorted(&self) -> BTreeMap<MemberId, MemberBalance> {
        self.members.iter().map(|(k, v)| (*k, v.clone())).collect()
    }

    /// The number of members with a balance.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether there is no balance at all.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

fn new_balance() -> MemberBalance {
    MemberBalance {
        months: MonthBalances::with_capacity(16),
        ..MemberBalance::default()
    }
}

impl fmt::Debug for Balances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ordered by member id, so the output is deterministic.
        f.debug_map().entries(self.to_sorted()).finish()
    }
}

/// Checks a reversal of `target` against `entries` (the member's ledger).
///
/// # Errors
/// [`DuesError::UnknownEntry`] when no entry has the id;
/// [`DuesError::CannotReverse`] for a reversal, an entry already reversed,
/// or an allocation whose payment is reversed (reverse the payment).
pub fn check_reversal(entries: &[LedgerEntry], target: EntryId) -> Result<&LedgerEntry, DuesError> {
    let entry = entries
        .iter()
        .find(|e| e.id == target)
        .ok_or(DuesError::UnknownEntry(target))?;
    let reversed = |id: EntryId| {
        entries
            .iter()
            .any(|e| matches!(e.kind, LedgerEntryKind::Reversal { reverses, .. } if reverses == id))
    };
    let cannot = |reason| Err(DuesError::CannotReverse { id: target, reason });
    match &entry.kind {
        LedgerEntryKind::Reversal { .. } => cannot("it is itself a reversal"),
        _ if reversed(target) => cannot("it is already reversed"),
        LedgerEntryKind::Allocation { payment, .. } if reversed(*payment) => {
            cannot("its payment is reversed")
        }
        _ => Ok(entry),
    }
}

/// Checks a new relief against the member's reliefs in force.
///
/// # Errors
/// [`DuesError::ReliefOverlaps`] when a month is already covered;
/// [`DuesError::DatedTooEarly`] for an approval or a report dated before
/// the request;
/// [`DuesError::ReasonRequired`] for an empty reason.
pub fn check_relief(existing: &[Relief], new: &Relief) -> Result<(), DuesError> {
    if new.reason.trim().is_empty() {
        return Err(DuesError::ReasonRequired);
    }
    // Plausible dates (DUES-22): approved and reported on or after the
    // request.
    for (what, date) in [
        ("the approval date", new.approved_on),
        ("the report date", new.reported_on),
    ] {
        if date < new.requested_on {
            return Err(DuesError::DatedTooEarly {
                what,
                date,
                earliest_what: "the request date",
                earliest: new.requested_on,
            });
        }
    }
    if let ReliefKind::Reduction { pays } = new.kind {
        if pays.is_negative() {
            return Err(DuesError::Negative {
                field: "reduced amount",
                amount: pays,
            });
        }
    }
    match existing
        .iter()
        .find(|r| r.member == new.member && r.months.overlaps(&new.months))
    {
        Some(r) => Err(DuesError::ReliefOverlaps {
            member: new.member,
            months: new.months,
            existing: r.months,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
