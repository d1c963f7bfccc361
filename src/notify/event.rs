//! 通知事件 (notification events): typed, serde domain events.
//!
//! An event caused by a write travels in that write's unit of work; an
//! event caused by time passing comes from a scan and is identified by its
//! [`EventKey`] (kind, subject, due date), so a second scan of the same day
//! raises nothing new.

use crate::dues::{Money, Month};
use crate::election::VoteId;
use crate::{CaseId, MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// 期限种类: the lifecycle deadlines a reminder is raised for
/// (`docs/RULES.md` DEV-3, DEV-4, DEV-9, DEV-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Deadline {
    /// 入党申请人谈话: the talk within a month of the application.
    ApplicantTalk,
    /// 积极分子一年培养期: the activist year.
    ActivistYear,
    /// 预备期满转正: the end of probation.
    Conversion,
    /// 上级党委审批: the higher committee's approval.
    Approval,
}

impl Deadline {
    /// 中文名称.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::ApplicantTalk => "入党申请人谈话",
            Self::ActivistYear => "积极分子培养期满",
            Self::Conversion => "预备期满转正",
            Self::Approval => "上级党委审批",
        }
    }
}

/// 通知事件: what happened, or what falls due.
///
/// ```
/// use dangjian::notify::{Deadline, Event, EventKind};
/// use dangjian::MemberId;
/// use chrono::NaiveDate;
/// let due = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
/// let e = Event::DeadlineNear { member: MemberId::new(7), deadline: Deadline::Conversion, due };
/// assert_eq!(e.kind(), EventKind::DeadlineNear);
/// let json = serde_json::to_string(&e).unwrap();
/// assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), e);
/// assert_eq!(e.key().to_string(), "deadline_near/member#7/2024-07-01");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Event {
    /// 收到入党申请: an application was received by a branch.
    ApplicationReceived {
        /// The applicant.
        member: MemberId,
        /// The branch that received it.
        branch: OrgId,
        /// The day it was received.
        on: NaiveDate,
    },
    /// 期限临近: a lifecycle deadline of a member is near.
    DeadlineNear {
        /// Whose deadline.
        member: MemberId,
        /// Which deadline.
        deadline: Deadline,
        /// The last day.
        due: NaiveDate,
    },
    /// 党费已核定: a branch's dues for a month were assessed.
    DuesAssessed {
        /// The branch.
        org: OrgId,
        /// The month assessed.
        month: Month,
    },
    /// 党费欠缴: a member is in arrears.
    DuesInArrears {
        /// The member.
        member: MemberId,
        /// The first month unpaid.
        since: Month,
        /// The amount owed.
        owed: Money,
    },
    /// 自行脱党案件: a self-departure case was opened.
    SelfDepartureCaseOpened {
        /// The case.
        case: CaseId,
        /// The member.
        member: MemberId,
        /// The branch that handles it.
        branch: OrgId,
    },
    /// 投票开始: a vote was opened.
    VoteOpened {
        /// The vote.
        vote: VoteId,
        /// The organisation holding it.
        org: OrgId,
    },
    /// 投票结束: a vote was closed.
    VoteClosed {
        /// The vote.
        vote: VoteId,
        /// The organisation holding it.
        org: OrgId,
    },
    /// 届期将满: an organisation's committee term is ending.
    OfficeTermEnding {
        /// The organisation.
        org: OrgId,
        /// The last day of the term.
        term_ends: NaiveDate,
    },
    /// 组织设置提示: a structure finding about an organisation, raised
    /// once a month while it stands.
    StructureFinding {
        /// The organisation.
        org: OrgId,
        /// What was found, in Chinese.
        finding: String,
        /// The month it was found in.
        month: Month,
    },
}

/// The kind of an [`Event`], without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// [`Event::ApplicationReceived`].
    ApplicationReceived,
    /// [`Event::DeadlineNear`].
    DeadlineNear,
    /// [`Event::DuesAssessed`].
    DuesAssessed,
    /// [`Event::DuesInArrears`].
    DuesInArrears,
    /// [`Event::SelfDepartureCaseOpened`].
    SelfDepartureCaseOpened,
    /// [`Event::VoteOpened`].
    VoteOpened,
    /// [`Event::VoteClosed`].
    VoteClosed,
    /// [`Event::OfficeTermEnding`].
    OfficeTermEnding,
    /// [`Event::StructureFinding`].
    StructureFinding,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 9] = [
        Self::ApplicationReceived,
        Self::DeadlineNear,
        Self::DuesAssessed,
        Self::DuesInArrears,
        Self::SelfDepartureCaseOpened,
        Self::VoteOpened,
        Self::VoteClosed,
        Self::OfficeTermEnding,
        Self::StructureFinding,
    ];

    /// The snake_case name, as in the serde form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ApplicationReceived => "application_received",
            Self::DeadlineNear => "deadline_near",
            Self::DuesAssessed => "dues_assessed",
            Self::DuesInArrears => "dues_in_arrears",
            Self::SelfDepartureCaseOpened => "self_departure_case_opened",
            Self::VoteOpened => "vote_opened",
            Self::VoteClosed => "vote_closed",
            Self::OfficeTermEnding => "office_term_ending",
            Self::StructureFinding => "structure_finding",
        }
    }

    /// The variables a template for this kind may use (besides the
    /// recipient's `name`, which every template may use).
    pub fn variables(self) -> &'static [&'static str] {
        match self {
            Self::ApplicationReceived => &["member", "branch", "on"],
            Self::DeadlineNear => &["member", "deadline", "due"],
            Self::DuesAssessed => &["org", "month"],
            Self::DuesInArrears => &["member", "since", "owed"],
            Self::SelfDepartureCaseOpened => &["case", "member", "branch"],
            Self::VoteOpened | Self::VoteClosed => &["vote", "org"],
            Self::OfficeTermEnding => &["org", "term_ends"],
            Self::StructureFinding => &["org", "finding"],
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whom or what an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// A member.
    Member(MemberId),
    /// An organisation.
    Org(OrgId),
    /// A vote.
    Vote(VoteId),
    /// A self-departure case.
    Case(CaseId),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(m) => write!(f, "{m}"),
            Self::Org(o) => write!(f, "{o}"),
            Self::Vote(v) => write!(f, "{v}"),
            Self::Case(c) => write!(f, "{c}"),
        }
    }
}

/// 幂等键: (kind, subject, due date). Two events with the same key are the
/// same notification; a scan that finds it again raises nothing new.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EventKey {
    /// The event's kind.
    pub kind: EventKind,
    /// Whom or what it is about.
    pub subject: Subject,
    /// The due date (deadlines, term ends) or the day or month it is for;
    /// `None` for events that happen once per subject.
    pub due: Option<NaiveDate>,
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.subject)?;
        if let Some(d) = self.due {
            write!(f, "/{d}")?;
        }
        Ok(())
    }
}

impl Event {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        match self {
            Self::ApplicationReceived { .. } => EventKind::ApplicationReceived,
            Self::DeadlineNear { .. } => EventKind::DeadlineNear,
            Self::DuesAssessed { .. } => EventKind::DuesAssessed,
            Self::DuesInArrears { .. } => EventKind::DuesInArrears,
            Self::SelfDepartureCaseOpened { .. } => EventKind::SelfDepartureCaseOpened,
            Self::VoteOpened { .. } => EventKind::VoteOpened,
            Self::VoteClosed { .. } => EventKind::VoteClosed,
            Self::OfficeTermEnding { .. } => EventKind::OfficeTermEnding,
            Self::StructureFinding { .. } => EventKind::StructureFinding,
        }
    }

    /// Whom or what it is about.
    pub fn subject(&self) -> Subject {
        match self {
            Self::ApplicationReceived { member, .. }
            | Self::DeadlineNear { member, .. }
            | Self::DuesInArrears { member, .. } => Subject::Member(*member),
            Self::SelfDepartureCaseOpened { case, .. } => Subject::Case(*case),
            Self::VoteOpened { vote, .. } | Self::VoteClosed { vote, .. } => Subject::Vote(*vote),
            Self::DuesAssessed { org, .. }
            | Self::OfficeTermEnding { org, .. }
            | Self::StructureFinding { org, .. } => Subject::Org(*org),
        }
    }

    /// The date that tells two events of one subject apart.
    pub fn due(&self) -> Option<NaiveDate> {
        match self {
            Self::ApplicationReceived { on, .. } => Some(*on),
            Self::DeadlineNear { due, .. } => Some(*due),
            Self::DuesAssessed { month, .. } => Some(month.first_day()),
            Self::DuesInArrears { since, .. } => Some(since.first_day()),
            Self::OfficeTermEnding { term_ends, .. } => Some(*term_ends),
            Self::StructureFinding { month, .. } => Some(month.first_day()),
            Self::SelfDepartureCaseOpened { .. }
            | Self::VoteOpened { .. }
            | Self::VoteClosed { .. } => None,
        }
    }

    /// The idempotency key (kind, subject, due date).
    pub fn key(&self) -> EventKey {
        EventKey {
            kind: self.kind(),
            subject: self.subject(),
            due: self.due(),
        }
    }

    /// The variables that name an organisation, with its id (the service
    /// shows the organisation's name in their place).
    pub fn org_variables(&self) -> Vec<(&'static str, OrgId)> {
        match self {
            Self::ApplicationReceived { branch, .. }
            | Self::SelfDepartureCaseOpened { branch, .. } => vec![("branch", *branch)],
            Self::DuesAssessed { org, .. }
            | Self::VoteOpened { org, .. }
            | Self::VoteClosed { org, .. }
            | Self::OfficeTermEnding { org, .. }
            | Self::StructureFinding { org, .. } => vec![("org", *org)],
            Self::DeadlineNear { .. } | Self::DuesInArrears { .. } => Vec::new(),
        }
    }

    /// The member the `member` variable names, if any (the service shows
    /// the member's name in its place).
    pub fn member_variable(&self) -> Option<MemberId> {
        match self {
            Self::ApplicationReceived { member, .. }
            | Self::DeadlineNear { member, .. }
            | Self::DuesInArrears { member, .. }
            | Self::SelfDepartureCaseOpened { member, .. } => Some(*member),
            _ => None,
        }
    }

    /// The template variables of this event, as Chinese display text:
    /// ids as written (`member#7`), dates as `2024年7月1日`, months as
    /// `2024年6月`, money as `30.00元`.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        let day = |d: &NaiveDate| d.format("%Y年%-m月%-d日").to_string();
        let month = |m: &Month| format!("{}年{}月", m.year(), m.month());
        match self {
            Self::ApplicationReceived { member, branch, on } => vec![
                ("member", member.to_string()),
                ("branch", branch.to_string()),
                ("on", day(on)),
            ],
            Self::DeadlineNear {
                member,
                deadline,
                due,
            } => vec![
                ("member", member.to_string()),
                ("deadline", deadline.label_zh().to_owned()),
                ("due", day(due)),
            ],
            Self::DuesAssessed { org, month: m } => {
                vec![("org", org.to_string()), ("month", month(m))]
            }
            Self::DuesInArrears {
                member,
                since,
                owed,
            } => vec![
                ("member", member.to_string()),
                ("since", month(since)),
                ("owed", format!("{owed}元")),
            ],
            Self::SelfDepartureCaseOpened {
                case,
                member,
                branch,
            } => vec![
                ("case", case.to_string()),
                ("member", member.to_string()),
                ("branch", branch.to_string()),
            ],
            Self::VoteOpened { vote, org } | Self::VoteClosed { vote, org } => {
                vec![("vote", vote.to_string()), ("org", org.to_string())]
            }
            Self::OfficeTermEnding { org, term_ends } => {
                vec![("org", org.to_string()), ("term_ends", day(term_ends))]
            }
            Self::StructureFinding { org, finding, .. } => {
                vec![("org", org.to_string()), ("finding", finding.clone())]
            }
        }
    }
}

/// The journal stream that carries the events raised by writes
/// (`notify.events`); the dispatcher fans them out into messages.
pub const EVENT_STREAM: &str = "notify.events";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventDocument {
    format: u32,
    event: Event,
}

impl Event {
    /// The event as a journal entry of [`EVENT_STREAM`], to travel in the
    /// [`Effects`](crate::store::Effects) of the write that raised it:
    /// `{"format":1,"event":{…}}`.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use dangjian::notify::Event;
    /// use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let e = Event::ApplicationReceived { member: MemberId::new(4), branch: OrgId::new(2), on };
    /// let entry = e.to_journal(Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap());
    /// assert_eq!(entry.stream.as_str(), "notify.events");
    /// assert_eq!(Event::from_journal(&entry.body).unwrap(), e);
    /// assert!(Event::from_journal(r#"{"format":2,"event":{}}"#).is_none());
    /// ```
    pub fn to_journal(&self, at: chrono::DateTime<chrono::Utc>) -> crate::store::NewJournalEntry {
        let body = serde_json::to_string(&EventDocument {
            format: 1,
            event: self.clone(),
        })
        // An event is plain data (ids, dates, text): it always serializes.
        .unwrap_or_default();
        let stream = crate::store::Stream::trusted(EVENT_STREAM);
        let entry = crate::store::NewJournalEntry::new(stream, at, body);
        match self.subject() {
            Subject::Member(m) => entry.about_member(m),
            _ => match self.sender(None) {
                Some(org) => entry.about_org(org),
                None => entry,
            },
        }
    }

    /// As [`Event::to_journal`], for an event about a record the same
    /// write creates (an application, a vote, a case): its id field holds
    /// [`NEW_ID`](crate::store::NEW_ID), which the store replaces by the
    /// id of the `index`-th record it creates
    /// ([`Effects::with_new_ids`](crate::store::Effects::with_new_ids)).
    /// The id given in the event is ignored.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use dangjian::notify::Event;
    /// use dangjian::store::Effects;
    /// use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
    /// let e = Event::ApplicationReceived { member: MemberId::new(0), branch: OrgId::new(2), on };
    /// let at = Utc.with_ymd_and_hms(2024, 3, 1, 8, 0, 0).unwrap();
    /// let fx = Effects::none().with_journal(e.to_journal_new(at, 0)).with_new_ids(&[41])?;
    /// let back = Event::from_journal(&fx.journal()[0].body).unwrap();
    /// assert_eq!(back, Event::ApplicationReceived { member: MemberId::new(41), branch: OrgId::new(2), on });
    /// # Ok::<(), dangjian::store::StoreError>(())
    /// ```
    pub fn to_journal_new(
        &self,
        at: chrono::DateTime<chrono::Utc>,
        index: usize,
    ) -> crate::store::NewJournalEntry {
        let field = match self {
            Self::ApplicationReceived { .. } => "member",
            Self::VoteOpened { .. } => "vote",
            Self::SelfDepartureCaseOpened { .. } => "case",
            _ => return self.to_journal(at),
        };
        let mut entry = self.to_journal(at);
        let doc = serde_json::from_str::<serde_json::Value>(&entry.body).ok();
        if let Some(mut doc) = doc {
            if let Some(slot) = doc.get_mut("event").and_then(|e| e.get_mut(field)) {
                *slot = serde_json::Value::String("@new_id@".to_owned());
            }
            entry.body = doc.to_string();
        }
        if field == "member" {
            entry.member = None;
        }
        entry.of_new_record(index)
    }

    /// The event of a journal body written by [`Event::to_journal`];
    /// `None` for a body of another format or a damaged one.
    pub fn from_journal(body: &str) -> Option<Event> {
        serde_json::from_str::<EventDocument>(body)
            .ok()
            .filter(|d| d.format == 1)
            .map(|d| d.event)
    }
}
