//! 服务 (services): an actor's session, with one handle per area.
//!
//! [`Dangjian`] holds a store, a clock and the rule book; build it with
//! [`Dangjian::builder`]. [`Dangjian::act_as`] binds an
//! [`Actor`] and returns a [`Session`], and the
//! session has one handle per area: [`Session::orgs`],
//! [`Session::members`], [`Session::lifecycle`], [`Session::records`],
//! [`Session::dues`] and [`Session::votes`]. Every method of a handle:
//!
//! 1. locates its target and checks the actor's scope and role in one
//!    prologue, before anything is read for the caller. A target that
//!    does not exist and a target outside the actor's scope get the same
//!    answer, [`Error::NotFound`](crate::Error::NotFound); a target in
//!    scope that the role may not act on gets
//!    [`Error::PermissionDenied`](crate::Error::PermissionDenied);
//! 2. applies the rules of the core to plain values;
//! 3. writes the store once, atomically, at the end.
//!
//! The shape every area follows is written down in `docs/DESIGN.md`.
//!
//! ```
//! use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let dj = Dangjian::builder().build();
//! let admin = dj.act_as(&Actor::platform_admin());
//! let committee = admin
//!     .orgs()
//!     .create(NewOrganisation::new("某某集团党委".parse()?, OrgKind::GrassrootsCommittee))
//!     .await?;
//! assert_eq!(admin.orgs().get(committee.id).await?.name.as_str(), "某某集团党委");
//! # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
//! ```

mod authorize;
mod broadcast;
mod discipline;
mod disclosure;
mod dispatch;
mod dues;
mod introducers;
mod lifecycle;
mod member;
mod notify;
mod offices;
mod org;
mod page;
mod payments;
mod record;
#[cfg(feature = "roster")]
mod roster;
mod votes;

pub use discipline::DisciplineHandle;
pub use disclosure::DisclosureHandle;
pub use dues::DuesHandle;
pub use lifecycle::LifecycleHandle;
pub use member::MembersHandle;
pub use notify::{NotifyHandle, ScanReport};
pub use offices::OfficesHandle;
pub use org::OrgsHandle;
pub use page::{BadCursor, Cursor, MAX_PAGE, Page, PageRequest};
pub use record::RecordsHandle;
pub use votes::VotesHandle;

use crate::access::Actor;
use crate::clock::{Clock, SystemClock};
use crate::dues::DuesRuleBook;
use crate::lifecycle::DevelopmentRules;
use crate::org::StructureRules;
use crate::period::{Calendars, WorkCalendar};
use crate::rules::Versioned;
use crate::store::{MemoryStore, Store};
use std::sync::Arc;

/// 规则手册 (rule book): every configurable rule a service applies, as
/// versioned data. [`RuleBook::national`] holds the national defaults
/// (`docs/RULES.md`); an integrator replaces any part for its place.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuleBook {
    /// Member development (Development 2014).
    pub development: Versioned<DevelopmentRules>,
    /// Organisation structure thresholds (Branch 2018).
    pub structure: Versioned<StructureRules>,
    /// 工作日历: working days, holidays and adjusted weekends, one calendar
    /// per organisation subtree (`docs/RULES.md` P-6, P-7). Default:
    /// `Calendars::new(WorkCalendar::china())`, the State Council's tables
    /// for 2020–2026 everywhere, strict (a working-day question about
    /// another year is refused, never guessed). Add a year with
    /// `WorkCalendar::add_year`, give a region's subtree its own calendar
    /// with [`Calendars::with_subtree`], or choose
    /// `WorkCalendar::weekdays_only` explicitly.
    pub calendar: Calendars,
    /// 选举计票规则 (Election 2020; the 1990 rules as the earlier version).
    pub election: Versioned<crate::election::ElectionRules>,
    /// 民主评议 (the 优秀 cap, the anonymous minimum group).
    pub appraisal: crate::election::AppraisalRules,
    /// Dues (Dues 2008, Dues 2017) and local variants per subtree.
    pub dues: DuesRuleBook,
    /// 党务公开: reviewers, approvers, publicity periods, applications.
    pub disclosure: crate::disclosure::DisclosureRules,
}

impl RuleBook {
    /// The national defaults.
    pub fn national() -> Self {
        Self {
            development: crate::lifecycle::national_rules(),
            structure: crate::org::national_structure_rules(),
            calendar: Calendars::new(WorkCalendar::china()),
            election: crate::election::national_election_rules(),
            appraisal: crate::election::AppraisalRules::default(),
            dues: DuesRuleBook::national(),
            disclosure: crate::disclosure::DisclosureRules::national(),
        }
    }
}

impl Default for RuleBook {
    fn default() -> Self {
        Self::national()
    }
}

/// 党建服务: the store, the clock and the rule book, shared by every
/// session. Cheap to clone.
///
/// ```
/// use dangjian::{Dangjian, access::Actor};
/// let dj = Dangjian::in_memory();
/// let session = dj.act_as(&Actor::platform_admin());
/// assert_eq!(session.actor(), &Actor::platform_admin());
/// ```
#[derive(Clone)]
pub struct Dangjian {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    rules: Arc<RuleBook>,
    notifications: Arc<crate::notify::Notifications>,
    /// Where this node's receipts pass stopped (see `service::dispatch`).
    receipts: Arc<std::sync::Mutex<Option<crate::MessageId>>>,
}

impl std::fmt::Debug for Dangjian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dangjian").finish_non_exhaustive()
    }
}

/// Builds a [`Dangjian`]: every part has a default (the in-memory store,
/// the system clock, the national rule book).
///
/// ```
/// use std::sync::Arc;
/// use dangjian::{Dangjian, RuleBook, clock::FixedClock, store::MemoryStore};
/// let clock = Arc::new(FixedClock::on_date(chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()));
/// let dj = Dangjian::builder()
///     .store(Arc::new(MemoryStore::new()))
///     .clock(clock)
///     .rules(RuleBook::national())
///     .build();
/// assert_eq!(dj.clock().today().to_string(), "2024-06-01");
/// ```
#[derive(Default)]
#[must_use]
pub struct Builder {
    store: Option<Arc<dyn Store>>,
    clock: Option<Arc<dyn Clock>>,
    rules: Option<RuleBook>,
    notifications: Option<crate::notify::Notifications>,
}

impl std::fmt::Debug for Builder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Builder").finish_non_exhaustive()
    }
}

impl Builder {
    /// The store (default: a fresh [`MemoryStore`]); see
    /// [`crate::adapters::connect`] for SQLite and PostgreSQL.
    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// The clock every date and deadline comes from (default:
    /// [`SystemClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The rule book (default: [`RuleBook::national`]).
    pub fn rules(mut self, rules: RuleBook) -> Self {
        self.rules = Some(rules);
        self
    }

    /// The notification settings (default:
    /// [`Notifications::default`](crate::notify::Notifications)).
    pub fn notifications(mut self, notifications: crate::notify::Notifications) -> Self {
        self.notifications = Some(notifications);
        self
    }

    /// The services.
    pub fn build(self) -> Dangjian {
        Dangjian {
            store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            rules: Arc::new(self.rules.unwrap_or_default()),
            notifications: Arc::new(self.notifications.unwrap_or_default()),
            receipts: Arc::default(),
        }
    }
}

impl Dangjian {
    /// A builder with every default.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// Services over a fresh in-memory store, the system clock and the
    /// national rules.
    pub fn in_memory() -> Self {
        Self::builder().build()
    }

    /// A session acting as `actor`: every call through it is checked
    /// against the actor's role and scope.
    pub fn act_as(&self, actor: &Actor) -> Session {
        Session {
            dj: self.clone(),
            actor: actor.clone(),
        }
    }

    /// Closes the store (its connection pool, its file): call it when the
    /// process shuts down. Calls made after closing fail with a store
    /// error and change nothing.
    ///
    /// ```
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let dj = dangjian::Dangjian::in_memory();
    /// dj.close().await?;
    /// # Ok::<(), dangjian::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `Store` when the backend fails to close.
    pub async fn close(&self) -> Result<(), crate::Error> {
        Ok(self.store.close().await?)
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The rule book.
    pub fn rules(&self) -> &RuleBook {
        &self.rules
    }
}

/// 会话: the services bound to one actor. Cheap to clone; `Send + Sync`.
///
/// ```
/// use dangjian::{Dangjian, access::Actor, MemberId, OrgId};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dj = Dangjian::in_memory();
/// let secretary = dj.act_as(&Actor::branch_officer(MemberId::new(1), OrgId::new(7)));
/// // Nothing exists yet: the same answer as for an id outside the scope.
/// assert!(secretary.orgs().get(OrgId::new(7)).await.unwrap_err().is_not_found());
/// # })
/// ```
#[derive(Clone, Debug)]
pub struct Session {
    dj: Dangjian,
    actor: Actor,
}

impl Session {
    /// The actor this session acts as.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// 组织: organisations.
    pub fn orgs(&self) -> OrgsHandle<'_> {
        OrgsHandle { s: self }
    }

    /// 党员: members' records, registrations, memberships and imports.
    pub fn members(&self) -> MembersHandle<'_> {
        MembersHandle { s: self }
    }

    /// 党员发展: lifecycle transitions.
    pub fn lifecycle(&self) -> LifecycleHandle<'_> {
        LifecycleHandle { s: self }
    }

    /// 电子活动证: activity records.
    pub fn records(&self) -> RecordsHandle<'_> {
        RecordsHandle { s: self }
    }

    /// 党费: dues.
    pub fn dues(&self) -> DuesHandle<'_> {
        DuesHandle { s: self }
    }

    /// 奖惩: rewards, sanctions and detentions.
    pub fn discipline(&self) -> DisciplineHandle<'_> {
        DisciplineHandle { s: self }
    }

    /// 选举与表决: votes, elections, motions and appraisals.
    pub fn votes(&self) -> VotesHandle<'_> {
        VotesHandle { s: self }
    }

    /// 班子成员: office holders, terms and the 换届 review.
    pub fn offices(&self) -> OfficesHandle<'_> {
        OfficesHandle { s: self }
    }

    /// 通知: the dispatcher, the deadline scan, broadcasts and messages.
    pub fn notify(&self) -> NotifyHandle<'_> {
        NotifyHandle { s: self }
    }

    /// 党务公开: the disclosure catalogue, publicity notices, applications
    /// and the published feed.
    pub fn disclosure(&self) -> DisclosureHandle<'_> {
        DisclosureHandle { s: self }
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.dj.store.as_ref()
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.dj.clock.as_ref()
    }

    pub(crate) fn rules(&self) -> &RuleBook {
        &self.dj.rules
    }

    pub(crate) fn notifications(&self) -> &crate::notify::Notifications {
        &self.dj.notifications
    }

    /// Where this node's receipts pass stopped.
    pub(crate) fn receipts_cursor(&self) -> &std::sync::Mutex<Option<crate::MessageId>> {
        &self.dj.receipts
    }
}

#[cfg(test)]
mod tests;
