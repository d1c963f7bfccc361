//! 群发 (broadcasts): a message an officer sends to many members at once,
//! chosen by subtree, category or list, on a budget (`docs/RULES.md`
//! NOTE-9).

use super::template::Channel;
use crate::dues::Money;
use crate::{MemberId, OrgId};
use serde::{Deserialize, Serialize};

/// The longest broadcast key, in bytes.
pub const MAX_BROADCAST_KEY: usize = 100;

/// 人员类别: the kinds of member a broadcast may select (county practice: 党委委员,
/// 普通党员, 双重管理党员).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Category {
    /// 班子成员: the current office holders of the subtree.
    CommitteeMembers,
    /// 普通党员: the members of the subtree who hold no office.
    Ordinary,
    /// 双重管理党员: the members whose dual-managing organisation is in the
    /// subtree (their home may lie elsewhere).
    DualManaged,
}

/// 发送对象: whom a broadcast selects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Selection {
    /// Every member whose home is in the subtree of this organisation.
    Subtree(OrgId),
    /// One category within the subtree of this organisation.
    Category {
        /// The subtree's root.
        root: OrgId,
        /// The category.
        category: Category,
    },
    /// These members (each must be within the actor's reach).
    List(Vec<MemberId>),
    /// The members of the tag's organisation's subtree (home or dual
    /// management) who carry the tag.
    Tag(crate::member::Tag),
}

/// 群发请求: one broadcast. Required: the sending organisation, whom it
/// selects, the text, and a key of the integrator's choosing that makes a
/// repeated request (a retried HTTP call) enqueue nothing new.
///
/// ```
/// use dangjian::notify::{Broadcast, Category, Selection};
/// use dangjian::OrgId;
/// let b = Broadcast::new(OrgId::new(1), "2024-07-01-dues",
///     Selection::Category { root: OrgId::new(1), category: Category::Ordinary },
///     "请于7月10日前交纳本季度党费。")
///     .subject("党费交纳提醒")
///     .urgent();
/// assert!(b.urgent);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Broadcast {
    /// The sending organisation: charged, and its quiet hours apply.
    pub org: OrgId,
    /// The idempotency key of the broadcast (1 to
    /// [`MAX_BROADCAST_KEY`] bytes of ASCII letters, digits, `-`, `_`,
    /// `.`).
    pub key: String,
    /// Whom it selects.
    pub select: Selection,
    /// The text. On SMS it is the preview and the basis of the cost; the
    /// provider sends its approved template.
    pub body: String,
    /// The e-mail subject (default: the organisation's name and 通知).
    pub subject: Option<String>,
    /// Sent through quiet hours.
    pub urgent: bool,
}

impl Broadcast {
    /// A broadcast from `org`, keyed `key`, to `select`, saying `body`.
    pub fn new(
        org: OrgId,
        key: impl Into<String>,
        select: Selection,
        body: impl Into<String>,
    ) -> Self {
        Self {
            org,
            key: key.into(),
            select,
            body: body.into(),
            subject: None,
            urgent: false,
        }
    }

    /// With an e-mail subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Urgent: not held by quiet hours.
    #[must_use]
    pub fn urgent(mut self) -> Self {
        self.urgent = true;
        self
    }

    /// Whether the key is well-formed.
    pub fn key_ok(&self) -> bool {
        !self.key.is_empty()
            && self.key.len() <= MAX_BROADCAST_KEY
            && self
                .key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    }
}

/// 预览: what a broadcast would do, without doing it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BroadcastPlan {
    /// Members selected.
    pub selected: usize,
    /// Messages that would be enqueued, per channel.
    pub per_channel: Vec<(Channel, usize)>,
    /// Members with no usable channel: listed, not sent.
    pub unreachable: Vec<MemberId>,
    /// SMS parts per message (0 when no SMS goes).
    pub sms_parts: u32,
    /// The cost: SMS parts × recipients × price, rounded half-up to the
    /// fen once over the whole broadcast.
    pub cost: Money,
    /// The budget year charged.
    pub year: i32,
    /// What is left of that year's budget before this broadcast.
    pub budget_left: Money,
}

impl BroadcastPlan {
    /// Messages that would be enqueued.
    pub fn recipients(&self) -> usize {
        self.per_channel.iter().map(|(_, n)| n).sum()
    }
}

impl Channel {
    /// The largest message body the channel takes, in bytes (UTF-8):
    /// WeCom text 2,048; DingTalk work notices 2,048; Feishu text 150 KB;
    /// SMS 500 characters (checked as characters by
    /// [`super::sms_parts`], here as 2,000 bytes); e-mail and an in-house
    /// OA 1 MB.
    pub fn max_body_bytes(self) -> usize {
        match self {
            Self::WeCom | Self::DingTalk => 2_048,
            Self::Feishu => 150 * 1024,
            Self::Sms => 2_000,
            Self::Email | Self::Oa => 1024 * 1024,
        }
    }
}
