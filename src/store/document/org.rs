//! An organisation's kind (`orgs.kind`).

use super::{Document, DocumentError, FORMAT};
use crate::org::OrgKind;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 组织类别 (an organisation's kind), stored in `orgs.kind`: `"format"`
/// beside the serde form of [`OrgKind`], tagged by `"kind"`
/// (`"grassroots_committee"`, `"branch"` with `"form"`: `"physical"` or
/// `"online"` with `"theme"`, …). The kind never changes after creation.
///
/// ```
/// use dangjian::org::{BranchForm, OrgKind};
/// use dangjian::store::document::OrgKindDocument;
/// let kind = OrgKind::Branch(BranchForm::Physical);
/// let json = serde_json::to_string(&OrgKindDocument::from_domain(&kind))?;
/// assert_eq!(json, r#"{"format":1,"kind":"branch","form":"physical"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgKindDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The kind, its fields beside `"format"`.
    #[serde(flatten)]
    pub kind: Cow<'a, OrgKind>,
}

impl<'a> OrgKindDocument<'a> {
    /// The document of a kind (borrowed, no copy).
    pub fn from_domain(kind: &'a OrgKind) -> Self {
        Self {
            format: FORMAT,
            kind: Cow::Borrowed(kind),
        }
    }
}

impl Document for OrgKindDocument<'static> {
    type Domain = OrgKind;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<OrgKind, DocumentError> {
        Ok(self.kind.into_owned())
    }
}
