//! 接收偏好与标签 (the writes of channel preferences and tags):
//! `docs/RULES.md` NOTE-1, NOTE-7.

use super::template::Channel;
use crate::MemberId;
use crate::member::Tag;
use serde::{Deserialize, Serialize};

/// 设置接收偏好: the channels a member prefers, in order (empty: the
/// organisation's order). A channel listed twice counts once.
///
/// ```
/// use dangjian::notify::{Channel, SetChannels};
/// use dangjian::MemberId;
/// let req = SetChannels::new(MemberId::new(7), vec![Channel::WeCom, Channel::Email, Channel::WeCom]);
/// assert_eq!(req.channels, vec![Channel::WeCom, Channel::Email]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SetChannels {
    /// Whose.
    pub member: MemberId,
    /// The order.
    pub channels: Vec<Channel>,
}

impl SetChannels {
    /// `member` prefers `channels`, in that order.
    pub fn new(member: MemberId, channels: Vec<Channel>) -> Self {
        let mut seen = Vec::with_capacity(channels.len());
        for c in channels {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        Self {
            member,
            channels: seen,
        }
    }
}

/// 打标签: gives `members` the tag (or, with [`TagMembers::remove`],
/// takes it away). Each member must be in the defining organisation's
/// subtree (home or dual management).
///
/// ```
/// use dangjian::member::Tag;
/// use dangjian::notify::TagMembers;
/// use dangjian::{MemberId, OrgId};
/// let tag = Tag::new(OrgId::new(1), "党员志愿者")?;
/// let req = TagMembers::new(tag, vec![MemberId::new(3), MemberId::new(4)]).remove();
/// assert!(req.remove);
/// # Ok::<(), dangjian::member::BadTag>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TagMembers {
    /// The tag.
    pub tag: Tag,
    /// The members.
    pub members: Vec<MemberId>,
    /// Take the tag away instead.
    pub remove: bool,
}

impl TagMembers {
    /// Give `members` the tag.
    pub fn new(tag: Tag, members: Vec<MemberId>) -> Self {
        Self {
            tag,
            members,
            remove: false,
        }
    }

    /// Take it away instead.
    #[must_use]
    pub fn remove(mut self) -> Self {
        self.remove = true;
        self
    }
}
