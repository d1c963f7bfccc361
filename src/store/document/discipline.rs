//! A reward, sanction or detention (`discipline.decision`).

use super::{ActedByDocument, Document, DocumentError, FORMAT};
use crate::access::ActedBy;
use crate::discipline::{Measure, ProbationTerm};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 奖惩决定 (a decision about a member), stored in `discipline.decision`:
/// `"format"`, the measure tagged by `"type"`, the title and who recorded
/// it. The member, the date, the deciding and approving organisations and
/// the time of recording are columns of the row.
///
/// ```
/// use dangjian::discipline::{Measure, ProbationTerm};
/// use dangjian::store::document::DecisionDocument;
/// let m = Measure::Probation { term: ProbationTerm::TwoYears, rights_restored: false };
/// let json = serde_json::to_string(&DecisionDocument::from_domain(&m, "留党察看二年", None))?;
/// assert_eq!(json, r#"{"format":1,"measure":{"type":"probation","years":2,"rights_restored":false},"title":"留党察看二年","acted_by":null}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// What was decided.
    #[serde(rename = "measure")]
    pub measure: MeasureDocument,
    /// The decision's title.
    #[serde(rename = "title")]
    pub title: Cow<'a, str>,
    /// Who recorded it (`null`: the actor named no one).
    #[serde(rename = "acted_by", deserialize_with = "super::required")]
    pub acted_by: Option<ActedByDocument<'a>>,
}

/// The measures, tagged by `"type"` (see `docs/RULES.md` MEM-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum MeasureDocument {
    /// `"reward"`: 表彰奖励.
    #[serde(rename = "reward")]
    Reward,
    /// `"warning"`: 警告.
    #[serde(rename = "warning")]
    Warning,
    /// `"serious_warning"`: 严重警告.
    #[serde(rename = "serious_warning")]
    SeriousWarning,
    /// `"removal_from_post"`: 撤销党内职务.
    #[serde(rename = "removal_from_post")]
    RemovalFromPost,
    /// `"probation"`: 留党察看, its term in years (1 or 2) and whether the
    /// rights were restored.
    #[serde(rename = "probation")]
    Probation {
        /// 1 or 2.
        #[serde(rename = "years")]
        years: u8,
        /// 恢复党员权利.
        #[serde(rename = "rights_restored")]
        rights_restored: bool,
    },
    /// `"expulsion"`: 开除党籍.
    #[serde(rename = "expulsion")]
    Expulsion,
    /// `"detention"`: 被羁押, with the release date or `null`.
    #[serde(rename = "detention")]
    Detention {
        /// The day of release.
        #[serde(rename = "released_on", deserialize_with = "super::required")]
        released_on: Option<NaiveDate>,
    },
}

impl<'a> DecisionDocument<'a> {
    /// The document of a decision's body (borrowed, no copy).
    pub fn from_domain(measure: &Measure, title: &'a str, acted_by: Option<&'a ActedBy>) -> Self {
        let measure = match *measure {
            Measure::Reward => MeasureDocument::Reward,
            Measure::Warning => MeasureDocument::Warning,
            Measure::SeriousWarning => MeasureDocument::SeriousWarning,
            Measure::RemovalFromPost => MeasureDocument::RemovalFromPost,
            Measure::Probation {
                term,
                rights_restored,
            } => MeasureDocument::Probation {
                years: term.years(),
                rights_restored,
            },
            Measure::Expulsion => MeasureDocument::Expulsion,
            Measure::Detention { released_on } => MeasureDocument::Detention { released_on },
        };
        Self {
            format: FORMAT,
            measure,
            title: Cow::Borrowed(title),
            acted_by: acted_by.map(ActedByDocument::from_domain),
        }
    }
}

impl Document for DecisionDocument<'static> {
    type Domain = (Measure, String, Option<ActedBy>);

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<Self::Domain, DocumentError> {
        let measure = match self.measure {
            MeasureDocument::Reward => Measure::Reward,
            MeasureDocument::Warning => Measure::Warning,
            MeasureDocument::SeriousWarning => Measure::SeriousWarning,
            MeasureDocument::RemovalFromPost => Measure::RemovalFromPost,
            MeasureDocument::Probation {
                years,
                rights_restored,
            } => Measure::Probation {
                term: ProbationTerm::try_from(years).map_err(DocumentError::new)?,
                rights_restored,
            },
            MeasureDocument::Expulsion => Measure::Expulsion,
            MeasureDocument::Detention { released_on } => Measure::Detention { released_on },
        };
        let acted_by = self.acted_by.map(Document::into_domain).transpose()?;
        Ok((measure, self.title.into_owned(), acted_by))
    }
}
