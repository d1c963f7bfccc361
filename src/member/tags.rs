//! 标签与接收偏好 (tags and channel preferences): member data that
//! notifications read (`docs/RULES.md` NOTE-1, NOTE-7).
//!
//! A tag is defined by an organisation (`党员志愿者` of one committee is
//! not another's); a member carries the tags the organisations over them
//! gave. A member may state the channels they prefer, in order.

use crate::OrgId;
use serde::{Deserialize, Serialize};

/// The longest tag name, in characters.
pub const MAX_TAG_CHARS: usize = 20;

/// 标签: a name defined by an organisation.
///
/// ```
/// use dangjian::member::Tag;
/// use dangjian::OrgId;
/// let t = Tag::new(OrgId::new(1), " 党员志愿者 ")?;
/// assert_eq!(t.name(), "党员志愿者");
/// assert!(Tag::new(OrgId::new(1), "").is_err());
/// assert!(Tag::new(OrgId::new(1), "a\u{202e}b").is_err());
/// # Ok::<(), dangjian::member::BadTag>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Tag {
    org: OrgId,
    name: String,
}

/// A tag name [`Tag::new`] refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a tag name must be 1 to {MAX_TAG_CHARS} characters with no hidden or control characters")]
pub struct BadTag;

impl Tag {
    /// The tag `name` (trimmed) of organisation `org`.
    ///
    /// # Errors
    /// [`BadTag`] for an empty or too long name, or one with control or
    /// hidden characters.
    pub fn new(org: OrgId, name: &str) -> Result<Self, BadTag> {
        let name = name.trim();
        let ok = !name.is_empty()
            && name.chars().count() <= MAX_TAG_CHARS
            && !name.chars().any(char::is_control)
            && !crate::text::has_hidden(name);
        if ok {
            Ok(Self {
                org,
                name: name.to_owned(),
            })
        } else {
            Err(BadTag)
        }
    }

    /// The organisation that defines it.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }
}
