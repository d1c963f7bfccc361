//! 依申请公开 (a member's request for disclosure): the organisation
//! decides within the place's deadline (a local rule: 3 working days,
//! extendable to 10), and a refusal is given in writing with its reason.
//! `docs/RULES.md` DISC-9.

use super::item::Content;
use super::workflow::Stamp;
use super::{ApplicationId, DisclosureError, ItemId};
use crate::period::{Counting, Length, WorkCalendar};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 依申请公开时限: the days to decide, and to decide after an extension,
/// both counted from the day of receipt. **Configurable** (a place rule).
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::disclosure::ApplicationRules;
/// use dangjian::period::WorkCalendar;
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let rules = ApplicationRules::default();
/// // Received Friday 2024-06-07: three working days, the start not
/// // counted; Monday 10 June is 端午.
/// assert_eq!(rules.first_deadline(d(2024, 6, 7), &WorkCalendar::china())?, d(2024, 6, 13));
/// assert_eq!(rules.first_deadline(d(2024, 6, 7), &WorkCalendar::weekdays_only())?, d(2024, 6, 12));
/// # Ok::<(), dangjian::disclosure::DisclosureError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRules {
    /// The time to decide (3 working days).
    pub decide_within: Length,
    /// The time to decide once extended, from receipt (10 working days).
    pub extended_within: Length,
    /// The reading of the start (the Civil Code's, by default: the day of
    /// receipt is not counted).
    pub counting: Counting,
}

impl Default for ApplicationRules {
    fn default() -> Self {
        Self {
            decide_within: Length::WorkingDays(3),
            extended_within: Length::WorkingDays(10),
            counting: Counting::CivilCode,
        }
    }
}

impl ApplicationRules {
    /// The first deadline for an application received on `received_on`.
    ///
    /// # Errors
    /// [`DisclosureError::Calendar`].
    pub fn first_deadline(
        &self,
        received_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, DisclosureError> {
        Ok(cal.last_day(received_on, self.decide_within, self.counting)?)
    }

    /// The deadline once extended.
    ///
    /// # Errors
    /// [`DisclosureError::Calendar`].
    pub fn extended_deadline(
        &self,
        received_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, DisclosureError> {
        Ok(cal.last_day(received_on, self.extended_within, self.counting)?)
    }
}

/// 答复: the organisation's decision on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Decision {
    /// 予以公开: granted, with the item that discloses it if there is one.
    Granted {
        /// The item published (or proposed) in answer.
        #[serde(default)]
        item: Option<ItemId>,
    },
    /// 不予公开: refused, in writing with the reason.
    Refused {
        /// The reason given in writing.
        reason: Content,
    },
}

/// Where an application stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ApplicationState {
    /// Awaiting a decision.
    Pending,
    /// 延期答复: the deadline was extended.
    Extended {
        /// Why.
        reason: Content,
        /// By whom and when.
        stamp: Stamp,
    },
    /// Decided.
    Decided {
        /// The decision.
        decision: Decision,
        /// Whether the deadline had been extended.
        extended: bool,
        /// 逾期: decided after its deadline.
        late: bool,
        /// By whom and when.
        stamp: Stamp,
    },
}

impl ApplicationState {
    fn name(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Extended { .. } => "extended",
            Self::Decided { .. } => "decided",
        }
    }
}

/// 依申请公开的申请, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    id: ApplicationId,
    org: OrgId,
    applicant: MemberId,
    about: Content,
    received_on: NaiveDate,
    state: ApplicationState,
    version: u64,
}

/// An application before the store gives it an id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    /// The organisation asked.
    pub org: OrgId,
    /// Who asks.
    pub applicant: MemberId,
    /// What they ask to be disclosed.
    pub about: Content,
    /// The day received.
    pub received_on: NaiveDate,
}

/// 申请状态 on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ApplicationStatus {
    /// Not decided, the deadline not passed.
    Pending {
        /// The deadline in force.
        due: NaiveDate,
    },
    /// 逾期未答复: not decided, past the deadline.
    Overdue {
        /// The deadline that passed.
        due: NaiveDate,
    },
    /// Decided (on time or late).
    Decided {
        /// Decided after its deadline.
        late: bool,
    },
}

impl Application {
    /// The stored application with `id` (store use).
    pub fn from_new(id: ApplicationId, new: NewApplication) -> Self {
        Self {
            id,
            org: new.org,
            applicant: new.applicant,
            about: new.about,
            received_on: new.received_on,
            state: ApplicationState::Pending,
            version: 1,
        }
    }

    /// The id.
    pub fn id(&self) -> ApplicationId {
        self.id
    }

    /// The organisation asked.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// Who asked.
    pub fn applicant(&self) -> MemberId {
        self.applicant
    }

    /// What was asked.
    pub fn about(&self) -> &Content {
        &self.about
    }

    /// The day received.
    pub fn received_on(&self) -> NaiveDate {
        self.received_on
    }

    /// Where it stands.
    pub fn state(&self) -> &ApplicationState {
        &self.state
    }

    /// The stored version.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The version a store writes next (store use).
    pub fn bumped(mut self) -> Self {
        self.version = self.version.saturating_add(1);
        self
    }

    fn extended(&self) -> bool {
        matches!(self.state, ApplicationState::Extended { .. })
    }

    /// The deadline in force: the first, or the extended one.
    ///
    /// # Errors
    /// [`DisclosureError::Calendar`].
    pub fn due(
        &self,
        rules: &ApplicationRules,
        cal: &WorkCalendar,
    ) -> Result<NaiveDate, DisclosureError> {
        let extended = match &self.state {
            ApplicationState::Decided { extended, .. } => *extended,
            _ => self.extended(),
        };
        if extended {
            rules.extended_deadline(self.received_on, cal)
        } else {
            rules.first_deadline(self.received_on, cal)
        }
    }

    /// Where it stands on `on`.
    ///
    /// # Errors
    /// [`DisclosureError::Calendar`].
    pub fn status(
        &self,
        on: NaiveDate,
        rules: &ApplicationRules,
        cal: &WorkCalendar,
    ) -> Result<ApplicationStatus, DisclosureError> {
        if let ApplicationState::Decided { late, .. } = &self.state {
            return Ok(ApplicationStatus::Decided { late: *late });
        }
        let due = self.due(rules, cal)?;
        Ok(if on > due {
            ApplicationStatus::Overdue { due }
        } else {
            ApplicationStatus::Pending { due }
        })
    }

    /// 延期答复: extends the deadline once, before the first one passes.
    ///
    /// # Errors
    /// [`DisclosureError::ApplicationState`] unless pending;
    /// [`DisclosureError::ExtensionTooLate`];
    /// [`DisclosureError::BeforeReceipt`]; [`DisclosureError::Calendar`].
    pub fn extend(
        self,
        reason: Content,
        stamp: Stamp,
        rules: &ApplicationRules,
        cal: &WorkCalendar,
    ) -> Result<Self, DisclosureError> {
        if self.state != ApplicationState::Pending {
            return Err(DisclosureError::ApplicationState {
                id: self.id,
                state: self.state.name(),
                wanted: "pending",
            });
        }
        let on = stamp.on();
        self.check_after_receipt(on)?;
        let due = rules.first_deadline(self.received_on, cal)?;
        if on > due {
            return Err(DisclosureError::ExtensionTooLate { due });
        }
        Ok(Self {
            state: ApplicationState::Extended { reason, stamp },
            ..self
        })
    }

    /// 答复: records the decision; one after the deadline is recorded as
    /// late.
    ///
    /// # Errors
    /// [`DisclosureError::ApplicationState`] for one decided already;
    /// [`DisclosureError::BeforeReceipt`]; [`DisclosureError::Calendar`].
    pub fn decide(
        self,
        decision: Decision,
        stamp: Stamp,
        rules: &ApplicationRules,
        cal: &WorkCalendar,
    ) -> Result<Self, DisclosureError> {
        if matches!(self.state, ApplicationState::Decided { .. }) {
            return Err(DisclosureError::ApplicationState {
                id: self.id,
                state: self.state.name(),
                wanted: "pending or extended",
            });
        }
        let on = stamp.on();
        self.check_after_receipt(on)?;
        let due = self.due(rules, cal)?;
        let extended = self.extended();
        Ok(Self {
            state: ApplicationState::Decided {
                decision,
                extended,
                late: on > due,
                stamp,
            },
            ..self
        })
    }

    fn check_after_receipt(&self, on: NaiveDate) -> Result<(), DisclosureError> {
        if on < self.received_on {
            return Err(DisclosureError::BeforeReceipt {
                on,
                received_on: self.received_on,
            });
        }
        Ok(())
    }
}
