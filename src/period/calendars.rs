//! 分级日历 (calendars per subtree): a default working calendar and the
//! organisations whose subtree keeps another (a region's own holidays).

use super::WorkCalendar;
use crate::OrgId;
use crate::org::OrgTree;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 分级日历: the working calendar each organisation counts with. One
/// default, and overrides for the subtrees of chosen organisations (a
/// regional calendar, see [`WorkCalendar::with_regional`]); an
/// organisation uses the override of its nearest ancestor-or-self that has
/// one, else the default. The service's rule book holds one
/// (`RuleBook::calendar`, default `Calendars::new(WorkCalendar::china())`).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::OrgId;
/// use dangjian::org::{BranchForm, OrgKind, OrgTree, Organisation};
/// use dangjian::period::{Calendars, WorkCalendar};
/// let org = |id, kind, parent: Option<u64>| Organisation {
///     id: OrgId::new(id), name: format!("org {id}").parse().unwrap(), kind,
///     parent: parent.map(OrgId::new), version: 0,
/// };
/// let tree = OrgTree::from_orgs([
///     org(1, OrgKind::GrassrootsCommittee, None),
///     org(2, OrgKind::GrassrootsCommittee, Some(1)),
///     org(3, OrgKind::Branch(BranchForm::Physical), Some(2)),
///     org(4, OrgKind::Branch(BranchForm::Physical), Some(1)),
/// ])?;
/// let lenient = WorkCalendar::china().with_weekdays_beyond_tables();
/// let calendars = Calendars::new(WorkCalendar::china()).with_subtree(OrgId::new(2), lenient.clone());
/// assert_eq!(calendars.for_org(OrgId::new(3), &tree), &lenient);
/// assert_eq!(calendars.for_org(OrgId::new(4), &tree), &WorkCalendar::china());
/// # Ok::<(), dangjian::org::OrgError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendars {
    /// The calendar of every organisation without an override.
    default: WorkCalendar,
    /// Overrides by the organisation whose subtree uses them.
    subtrees: BTreeMap<OrgId, WorkCalendar>,
}

impl Calendars {
    /// One calendar for every organisation.
    pub fn new(default: WorkCalendar) -> Self {
        Self {
            default,
            subtrees: BTreeMap::new(),
        }
    }

    /// Gives `org`'s subtree its own calendar (replacing an earlier one for
    /// `org`).
    pub fn with_subtree(mut self, org: OrgId, calendar: WorkCalendar) -> Self {
        self.subtrees.insert(org, calendar);
        self
    }

    /// The calendar of `org`: the override of its nearest ancestor-or-self
    /// that has one, else the default (also for an organisation `tree`
    /// does not know).
    pub fn for_org(&self, org: OrgId, tree: &OrgTree) -> &WorkCalendar {
        if self.subtrees.is_empty() {
            return &self.default;
        }
        if let Some(own) = self.subtrees.get(&org) {
            return own;
        }
        tree.ancestors(org)
            .iter()
            .find_map(|a| self.subtrees.get(a))
            .unwrap_or(&self.default)
    }

    /// The default calendar.
    pub fn default_calendar(&self) -> &WorkCalendar {
        &self.default
    }

    /// The overrides, by the organisation whose subtree uses them.
    pub fn subtrees(&self) -> impl Iterator<Item = (OrgId, &WorkCalendar)> {
        self.subtrees.iter().map(|(org, cal)| (*org, cal))
    }
}
