//! Documents of the disclosure area (党务公开): items and applications.

use super::{Document, DocumentError, FORMAT};
use crate::disclosure::{Application, Item};
use serde::{Deserialize, Serialize};

/// 公开事项文档: the `record` column of `disclosure_items`.
///
/// Format 1 nests the serde form of [`Item`] under `item`; its field
/// names are fixed by the domain type's explicit serde attributes and
/// pinned by `tests/golden.rs`. Reading one back checks it hangs together
/// ([`Item::check_stored`]): a document edited to publish an item without
/// a review is refused as corrupt.
///
/// ```
/// use dangjian::store::document::{self, ItemDocument};
/// let err = document::decode_domain::<ItemDocument>(r#"{"format":1,"item":{}}"#, "disclosure_items", 1);
/// assert!(err.is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDocument {
    /// Always [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The item.
    #[serde(rename = "item")]
    pub item: Item,
}

impl ItemDocument {
    /// The document of an item.
    pub fn from_domain(item: &Item) -> Self {
        Self {
            format: FORMAT,
            item: item.clone(),
        }
    }
}

impl Document for ItemDocument {
    type Domain = Item;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<Item, DocumentError> {
        self.item.check_stored().map_err(DocumentError::new)
    }
}

/// 依申请公开文档: the `record` column of `disclosure_applications`.
/// Format 1 nests the serde form of [`Application`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDocument {
    /// Always [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The application.
    #[serde(rename = "application")]
    pub application: Application,
}

impl ApplicationDocument {
    /// The document of an application.
    pub fn from_domain(a: &Application) -> Self {
        Self {
            format: FORMAT,
            application: a.clone(),
        }
    }
}

impl Document for ApplicationDocument {
    type Domain = Application;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<Application, DocumentError> {
        Ok(self.application)
    }
}
