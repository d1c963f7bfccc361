//! 收件人 (recipients): whom an event reaches, and on which channel
//! (`docs/RULES.md` NOTE-7).
//!
//! An event names an [`Audience`]: a member, or the officers of an
//! organisation, or its members. A member is reached on the first channel
//! of their own order, else their organisation's, for which their record
//! has an address; a member with none is listed, not an error.

use super::event::Event;
use super::template::Channel;
use crate::member::Contact;
use crate::{MemberId, OrgId};

/// 通知对象: whom an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Audience {
    /// One member.
    Member(MemberId),
    /// The current office holders of an organisation (书记, 委员).
    Officers(OrgId),
    /// The members whose home is the organisation.
    Members(OrgId),
}

impl Event {
    /// Whom the event is for, and the organisation that sends it (whose
    /// quiet hours and channel order apply).
    ///
    /// - an application, a deadline and a self-departure case: the
    ///   officers of the branch that must act;
    /// - dues assessed: the branch's members; arrears: the member;
    /// - a vote opened: the organisation's members; closed: its officers;
    /// - a term ending or a structure finding: the officers of the
    ///   organisation and of its parent (`parent`), who must act on it.
    pub fn audiences(&self, home: Option<OrgId>, parent: Option<OrgId>) -> Vec<Audience> {
        match self {
            Self::ApplicationReceived { branch, .. }
            | Self::SelfDepartureCaseOpened { branch, .. } => vec![Audience::Officers(*branch)],
            Self::DeadlineNear { .. } => home.map(Audience::Officers).into_iter().collect(),
            Self::DuesAssessed { org, .. } => vec![Audience::Members(*org)],
            Self::DuesInArrears { member, .. } => vec![Audience::Member(*member)],
            Self::VoteOpened { org, .. } => vec![Audience::Members(*org)],
            Self::VoteClosed { org, .. } => vec![Audience::Officers(*org)],
            Self::OfficeTermEnding { org, .. } | Self::StructureFinding { org, .. } => {
                std::iter::once(Audience::Officers(*org))
                    .chain(parent.map(Audience::Officers))
                    .collect()
            }
        }
    }

    /// The organisation the event is sent from: the branch or organisation
    /// it is about, else the member's home (`home`).
    pub fn sender(&self, home: Option<OrgId>) -> Option<OrgId> {
        match self {
            Self::ApplicationReceived { branch, .. }
            | Self::SelfDepartureCaseOpened { branch, .. } => Some(*branch),
            Self::DuesAssessed { org, .. }
            | Self::VoteOpened { org, .. }
            | Self::VoteClosed { org, .. }
            | Self::OfficeTermEnding { org, .. }
            | Self::StructureFinding { org, .. } => Some(*org),
            Self::DeadlineNear { .. } | Self::DuesInArrears { .. } => home,
        }
    }
}

/// 渠道地址: the member's address on `channel`, if the record has one:
/// the e-mail address, the WeCom, DingTalk or Feishu user id, the mobile
/// number (SMS) or the employee number (the in-house OA).
///
/// ```
/// use dangjian::member::Contact;
/// use dangjian::notify::{address, Channel};
/// let mut c = Contact::default();
/// c.email = Some("zs@example.com".parse()?);
/// assert_eq!(address(&c, Channel::Email).as_deref(), Some("zs@example.com"));
/// assert_eq!(address(&c, Channel::Sms), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn address(contact: &Contact, channel: Channel) -> Option<String> {
    let some = |s: Option<&str>| s.filter(|s| !s.trim().is_empty()).map(str::to_owned);
    match channel {
        Channel::Email => contact.email.as_ref().map(|e| e.as_str().to_owned()),
        Channel::WeCom => some(contact.im.wecom.as_deref()),
        Channel::DingTalk => some(contact.im.dingtalk.as_deref()),
        Channel::Feishu => some(contact.im.feishu.as_deref()),
        Channel::Sms => contact.mobile.as_ref().map(|m| m.as_str().to_owned()),
        Channel::Oa => contact.employee_no.as_ref().map(|e| e.as_str().to_owned()),
    }
}

/// 选择渠道: the first channel of `own` (the member's order), then of
/// `org_order`, that the platform runs (`runs`) and the member has an
/// address on, with that address. `None`: the member cannot be reached.
///
/// ```
/// use dangjian::member::Contact;
/// use dangjian::notify::{choose_channel, Channel};
/// let mut c = Contact::default();
/// c.email = Some("zs@example.com".parse()?);
/// c.im.wecom = Some("zhangsan".into());
/// let org = [Channel::WeCom, Channel::Email];
/// assert_eq!(choose_channel(&c, &[], &org, &org).unwrap().0, Channel::WeCom);
/// assert_eq!(choose_channel(&c, &[Channel::Email], &org, &org).unwrap().0, Channel::Email);
/// assert_eq!(choose_channel(&c, &[], &[Channel::Sms], &[Channel::Sms]), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn choose_channel(
    contact: &Contact,
    own: &[Channel],
    org_order: &[Channel],
    runs: &[Channel],
) -> Option<(Channel, String)> {
    own.iter()
        .chain(org_order)
        .filter(|c| runs.contains(c))
        .find_map(|c| address(contact, *c).map(|a| (*c, a)))
}
