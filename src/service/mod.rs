//! 服务 (services): actor check → rule → store, for each operation.
//!
//! [`Dangjian`] is the facade an integrator holds: a store, a clock and the
//! rule book. Every method takes the calling [`Actor`](crate::access::Actor)
//! first; a call outside the actor's scope returns
//! [`crate::Error::PermissionDenied`] before
//! anything is read for the caller or written. Rules run on plain values
//! from the core; the store is written once, atomically, at the end.

mod dues;
mod member;
mod org;
mod payments;
mod record;
mod votes;

pub use dues::{ArrearsScan, AssessmentRun, PaymentRequest, ReliefRequest};

use crate::clock::{Clock, SystemClock};
use crate::dues::DuesRuleBook;
use crate::lifecycle::DevelopmentRules;
use crate::org::StructureRules;
use crate::period::WorkCalendar;
use crate::rules::Versioned;
use crate::store::{MemoryStore, Store};
use crate::{Error, MemberId, access::Placement};
use std::sync::Arc;

/// 规则手册 (rule book): every configurable rule a service applies, as
/// versioned data. [`RuleBook::national`] holds the national defaults of
/// `../shared/DOMAIN.md`; an integrator replaces any part for its place.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBook {
    /// Member development (Development 2014).
    pub development: Versioned<DevelopmentRules>,
    /// Organisation structure thresholds (Branch 2018).
    pub structure: Versioned<StructureRules>,
    /// Working days, holidays and adjusted weekends.
    pub calendar: WorkCalendar,
    /// 选举计票规则 (Election 2020; the 1990 rules as the earlier version).
    pub election: Versioned<crate::election::ElectionRules>,
    /// 民主评议 (the 优秀 cap, the anonymous minimum group).
    pub appraisal: crate::election::AppraisalRules,
    /// Dues (Dues 2008, Dues 2017) and local variants per subtree.
    pub dues: DuesRuleBook,
}

impl RuleBook {
    /// The national defaults.
    pub fn national() -> Self {
        Self {
            development: crate::lifecycle::national_rules(),
            structure: crate::org::national_structure_rules(),
            calendar: WorkCalendar::default(),
            election: crate::election::national_election_rules(),
            appraisal: crate::election::AppraisalRules::default(),
            dues: DuesRuleBook::national(),
        }
    }
}

impl Default for RuleBook {
    fn default() -> Self {
        Self::national()
    }
}

/// 党建服务: the facade over a store, a clock and the rule book.
///
/// ```
/// use dangjian::{Dangjian, access::Actor, org::{NewOrganisation, OrgKind}};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let dj = Dangjian::in_memory();
/// let admin = Actor::platform_admin();
/// let committee = dj.create_org(&admin, NewOrganisation {
///     name: "某某集团党委".parse()?, kind: OrgKind::GrassrootsCommittee, parent: None,
/// }).await?;
/// assert_eq!(dj.subtree(&admin, committee.id).await?.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
#[derive(Clone)]
pub struct Dangjian {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    rules: Arc<RuleBook>,
}

impl std::fmt::Debug for Dangjian {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dangjian").finish_non_exhaustive()
    }
}

impl Dangjian {
    /// Services over `store`, with `clock` and the national rules.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            rules: Arc::new(RuleBook::national()),
        }
    }

    /// Services over a fresh in-memory store and the system clock.
    pub fn in_memory() -> Self {
        Self::new(Arc::new(MemoryStore::new()), Arc::new(SystemClock))
    }

    /// Replaces the rule book (local variants, holiday calendars).
    pub fn with_rules(mut self, rules: RuleBook) -> Self {
        self.rules = Arc::new(rules);
        self
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

    async fn placement_of(&self, member: MemberId) -> Result<Placement, Error> {
        self.store
            .placement(member)
            .await?
            .ok_or_else(|| Error::NotFound(member.to_string()))
    }
}

#[cfg(test)]
mod tests;
