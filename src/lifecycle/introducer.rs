//! 入党介绍人 (introducers) as an imported record names them: a member on
//! the platform, a member known by identity number (imported in the same
//! batch, before the store has assigned ids), or a person outside the
//! platform, named but not linked. [Development 2014 Art. 14]

use crate::MemberId;
use crate::member::{IdNumber, PersonName};
use serde::{Deserialize, Serialize};
use std::fmt;

/// 入党介绍人 (introducer): who introduced an imported development target or
/// member. A live listing ([`TransitionRequest::BecomeDevelopmentTarget`](
/// super::TransitionRequest::BecomeDevelopmentTarget)) always names two
/// [`Introducer::Member`]s; a paper record may name people the platform has
/// no id for yet. [Development 2014 Art. 14]
///
/// Serialized as the bare member id for [`Introducer::Member`] (so histories
/// stored before this type existed still load), and as
/// `{"id_number": "…"}` or `{"external": "…"}` otherwise. `Debug` and
/// `Display` mask an identity number.
///
/// ```
/// use dangjian::MemberId;
/// use dangjian::lifecycle::Introducer;
/// let member = Introducer::from(MemberId::new(7));
/// assert_eq!(serde_json::to_string(&member)?, "7");
/// let outside = Introducer::External("李四".parse()?);
/// assert_eq!(serde_json::to_string(&outside)?, r#"{"external":"李四"}"#);
/// let by_id = Introducer::ByIdNumber("11010519491231002X".parse()?);
/// assert_eq!(by_id.to_string(), "110*************2X");
/// assert_eq!(serde_json::from_str::<Introducer>("7")?, member);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "IntroducerRepr", into = "IntroducerRepr")]
pub enum Introducer {
    /// 平台党员: a member on the platform, by id; checked like a live
    /// listing (a full member on the date).
    Member(MemberId),
    /// 同批导入: a member known by identity number, imported in the same
    /// batch as the person introduced (the id is assigned by the store when
    /// the batch is written). The import planner checks that the row lands
    /// as a full member on the date; resolve it with the store's
    /// `find_by_id_number`. Personal data: `Debug` and `Display` are masked.
    ByIdNumber(IdNumber),
    /// 平台外人员: a person outside the platform, named and not linked; the
    /// paper record's word is taken for their standing.
    External(PersonName),
}

impl Introducer {
    /// 党员标识: the member id, for [`Introducer::Member`].
    pub fn member(&self) -> Option<MemberId> {
        match self {
            Self::Member(id) => Some(*id),
            Self::ByIdNumber(_) | Self::External(_) => None,
        }
    }

    /// 身份证号: the identity number, for [`Introducer::ByIdNumber`].
    pub fn id_number(&self) -> Option<&IdNumber> {
        match self {
            Self::ByIdNumber(id) => Some(id),
            Self::Member(_) | Self::External(_) => None,
        }
    }
}

impl From<MemberId> for Introducer {
    fn from(id: MemberId) -> Self {
        Self::Member(id)
    }
}

impl From<IdNumber> for Introducer {
    fn from(id: IdNumber) -> Self {
        Self::ByIdNumber(id)
    }
}

impl From<PersonName> for Introducer {
    fn from(name: PersonName) -> Self {
        Self::External(name)
    }
}

impl fmt::Display for Introducer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(id) => write!(f, "{id}"),
            Self::ByIdNumber(id) => write!(f, "{id}"),
            Self::External(name) => write!(f, "{name}"),
        }
    }
}

impl fmt::Debug for Introducer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Member(id) => f.debug_tuple("Member").field(id).finish(),
            Self::ByIdNumber(id) => f.debug_tuple("ByIdNumber").field(id).finish(),
            Self::External(name) => f.debug_tuple("External").field(name).finish(),
        }
    }
}

/// The stored form: a bare id, or a tagged object.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum IntroducerRepr {
    Member(MemberId),
    Tagged(TaggedIntroducer),
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TaggedIntroducer {
    IdNumber(IdNumber),
    External(PersonName),
}

impl From<IntroducerRepr> for Introducer {
    fn from(repr: IntroducerRepr) -> Self {
        match repr {
            IntroducerRepr::Member(id) => Self::Member(id),
            IntroducerRepr::Tagged(TaggedIntroducer::IdNumber(id)) => Self::ByIdNumber(id),
            IntroducerRepr::Tagged(TaggedIntroducer::External(name)) => Self::External(name),
        }
    }
}

impl From<Introducer> for IntroducerRepr {
    fn from(introducer: Introducer) -> Self {
        match introducer {
            Introducer::Member(id) => Self::Member(id),
            Introducer::ByIdNumber(id) => Self::Tagged(TaggedIntroducer::IdNumber(id)),
            Introducer::External(name) => Self::Tagged(TaggedIntroducer::External(name)),
        }
    }
}
