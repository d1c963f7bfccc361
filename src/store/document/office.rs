//! An office holding (`office_holders.record`).

use super::{Document, DocumentError, FORMAT};
use crate::office::{NewOfficeHolder, Portfolio, Post, Source};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 任职记录 (an office holding), stored in `office_holders.record`. The
/// id, organisation, member, vote and end date are columns of the row
/// (`org_id`, `member_id`, `vote_id`, `ended_on`), not part of the
/// document; on read the columns must agree with it.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::office::{NewOfficeHolder, Post, Source};
/// use dangjian::store::document::OfficeHolderDocument;
/// use dangjian::{MemberId, OrgId};
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let h = NewOfficeHolder::new(OrgId::new(2), MemberId::new(5), Post::Secretary,
///     Source::Appointed { by: OrgId::new(1) }, d(2024, 6, 1), d(2027, 6, 1));
/// let json = serde_json::to_string(&OfficeHolderDocument::from_domain(&h))?;
/// assert_eq!(json, r#"{"format":1,"org":2,"member":5,"post":"secretary","portfolio":null,"source":{"type":"appointed","by":1},"from":"2024-06-01","term_ends":"2027-06-01"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHolderDocument {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The organisation.
    #[serde(rename = "org")]
    pub org: OrgId,
    /// The holder.
    #[serde(rename = "member")]
    pub member: MemberId,
    /// `"secretary"`, `"deputy_secretary"` or `"member"`.
    #[serde(rename = "post")]
    pub post: Post,
    /// 分工 as text (`"组织"`, `"宣传"`, `"纪检"` …), or `null`.
    #[serde(rename = "portfolio", deserialize_with = "super::required")]
    pub portfolio: Option<Portfolio>,
    /// `{"type": "elected", "vote": n}` or `{"type": "appointed", "by": org}`.
    #[serde(rename = "source")]
    pub source: Source,
    /// 任职日期.
    #[serde(rename = "from")]
    pub from: NaiveDate,
    /// 任期届满.
    #[serde(rename = "term_ends")]
    pub term_ends: NaiveDate,
}

impl OfficeHolderDocument {
    /// The document of a holding.
    pub fn from_domain(h: &NewOfficeHolder) -> Self {
        Self {
            format: FORMAT,
            org: h.org,
            member: h.member,
            post: h.post,
            portfolio: h.portfolio.clone(),
            source: h.source,
            from: h.from,
            term_ends: h.term_ends,
        }
    }
}

impl Document for OfficeHolderDocument {
    type Domain = NewOfficeHolder;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<NewOfficeHolder, DocumentError> {
        if self.term_ends < self.from {
            return Err(DocumentError::new("the term ends before it starts"));
        }
        let h = NewOfficeHolder::new(
            self.org,
            self.member,
            self.post,
            self.source,
            self.from,
            self.term_ends,
        );
        Ok(match self.portfolio {
            Some(p) => h.portfolio(p),
            None => h,
        })
    }
}
