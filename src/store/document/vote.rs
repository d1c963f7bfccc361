//! A vote (`votes.record`) and a sealed ballot (`vote_ballots.ballot`).

use super::{Document, DocumentError, FORMAT};
use crate::election::{Attendance, Ballot, Roll, VoteId, VoteKind, VoteRecord, VoteStatus};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 表决记录 (a vote record: an election round or a branch assembly motion),
/// stored in `votes.record`. Who voted and the ballots are not in it (see
/// `vote_voters`, `vote_ballots`, `docs/ADAPTERS.md` "Secret ballots").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// The id as written (0 in the row written by `create_vote`); the
    /// row's `id` column is authoritative and replaces it on read.
    #[serde(rename = "id")]
    pub id: VoteId,
    /// The organisation holding the vote.
    #[serde(rename = "org")]
    pub org: OrgId,
    /// What is voted on, tagged `"type": "election" | "motion"` with the
    /// set-up under `"of"`, in the serde form of [`VoteKind`].
    #[serde(rename = "kind")]
    pub kind: Cow<'a, VoteKind>,
    /// The roll fixed at opening (entitled and not entitled members), in
    /// the serde form of [`Roll`].
    #[serde(rename = "roll")]
    pub roll: Cow<'a, Roll>,
    /// Who is present and the written opinions, in the serde form of
    /// [`Attendance`].
    #[serde(rename = "attendance")]
    pub attendance: Cow<'a, Attendance>,
    /// The session day.
    #[serde(rename = "session")]
    pub session: NaiveDate,
    /// `"open"` or `"closed"`.
    #[serde(rename = "status")]
    pub status: VoteStatusDocument,
}

/// Whether a vote is open, stored as its tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum VoteStatusDocument {
    /// `"open"`: ballots may be cast.
    #[serde(rename = "open")]
    Open,
    /// `"closed"`: counted, no more ballots.
    #[serde(rename = "closed")]
    Closed,
}

impl<'a> VoteDocument<'a> {
    /// The document of a vote (borrowed, no copy).
    pub fn from_domain(v: &'a VoteRecord) -> Self {
        Self {
            format: FORMAT,
            id: v.id,
            org: v.org,
            kind: Cow::Borrowed(&v.kind),
            roll: Cow::Borrowed(&v.roll),
            attendance: Cow::Borrowed(&v.attendance),
            session: v.session,
            status: match v.status {
                VoteStatus::Open => VoteStatusDocument::Open,
                VoteStatus::Closed => VoteStatusDocument::Closed,
            },
        }
    }
}

impl Document for VoteDocument<'static> {
    type Domain = VoteRecord;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<VoteRecord, DocumentError> {
        let v = VoteRecord {
            id: self.id,
            org: self.org,
            kind: self.kind.into_owned(),
            roll: self.roll.into_owned(),
            attendance: self.attendance.into_owned(),
            session: self.session,
            status: match self.status {
                VoteStatusDocument::Open => VoteStatus::Open,
                VoteStatusDocument::Closed => VoteStatus::Closed,
            },
        };
        v.check().map_err(|e| DocumentError(e.to_string()))?;
        Ok(v)
    }
}

/// 选票 (a sealed ballot), stored in `vote_ballots.ballot`: two 64-bit
/// masks over the listed candidates (bit *i* is candidate *i*; yes, no,
/// neither is abstain) and the write-ins. Keyed by its tracking code, it
/// holds nothing about the voter.
///
/// ```
/// use dangjian::election::Ballot;
/// use dangjian::store::document::BallotDocument;
/// let ballot = Ballot::from_masks(0b101, 0b010, Vec::new());
/// let json = serde_json::to_string(&BallotDocument::from_domain(&ballot))?;
/// assert_eq!(json, r#"{"format":1,"yes":5,"no":2}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// Candidates marked yes (a bit mask).
    #[serde(rename = "yes")]
    pub yes: u64,
    /// Candidates marked no (a bit mask).
    #[serde(rename = "no")]
    pub no: u64,
    /// Write-in candidates by member id; omitted when there are none.
    #[serde(
        rename = "write_ins",
        default,
        skip_serializing_if = "<[MemberId]>::is_empty"
    )]
    pub write_ins: Cow<'a, [MemberId]>,
}

impl<'a> BallotDocument<'a> {
    /// The document of a ballot (borrowed, no copy).
    pub fn from_domain(b: &'a Ballot) -> Self {
        Self {
            format: FORMAT,
            yes: b.yes,
            no: b.no,
            write_ins: Cow::Borrowed(&b.write_ins),
        }
    }
}

impl Document for BallotDocument<'static> {
    type Domain = Ballot;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<Ballot, DocumentError> {
        // Decoded as stored: a ballot that fails `Ballot::check_write_ins`
        // (never stored since VOTE-7's store check) is counted as invalid
        // rather than making the whole count fail.
        Ok(Ballot {
            yes: self.yes,
            no: self.no,
            write_ins: self.write_ins.into_owned().into_boxed_slice(),
        })
    }
}
