//! 档案事实 (derived facts): the state a history leads to, and the
//! structural checks every record must pass — the ones that need no rules,
//! calendar or clock, so that a stored history can be re-checked on load.

use super::error::TransitionError;
use super::import::check_consistency;
use super::introducer::Introducer;
use super::request::{ImportedStage, LifecycleEvent, TransitionRecord, TransitionRequest};
use super::stage::Stage;
use crate::period::add_months;
use chrono::NaiveDate;

/// The facts a history establishes (all derivable from its records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Facts {
    pub(super) stage: Stage,
    pub(super) last_date: NaiveDate,
    pub(super) applied_on: Option<NaiveDate>,
    pub(super) activist_since: Option<NaiveDate>,
    pub(super) activist_qualifies_on: Option<NaiveDate>,
    pub(super) target_since: Option<NaiveDate>,
    pub(super) introducers: Option<[Introducer; 2]>,
    pub(super) probation_start: Option<NaiveDate>,
    pub(super) probation_end: Option<NaiveDate>,
    pub(super) extended: bool,
    pub(super) full_since: Option<NaiveDate>,
}

fn inconsistent(what: &'static str) -> TransitionError {
    TransitionError::InconsistentRecord { what }
}

/// `months` months after `date`, or the typed overflow error.
pub(super) fn months_after(date: NaiveDate, months: u32) -> Result<NaiveDate, TransitionError> {
    add_months(date, months).ok_or(TransitionError::DateOverflow { date, months })
}

fn require(ok: bool, what: &'static str) -> Result<(), TransitionError> {
    if ok { Ok(()) } else { Err(inconsistent(what)) }
}

impl Facts {
    fn empty(stage: Stage, on: NaiveDate) -> Self {
        Self {
            stage,
            last_date: on,
            applied_on: None,
            activist_since: None,
            activist_qualifies_on: None,
            target_since: None,
            introducers: None,
            probation_start: None,
            probation_end: None,
            extended: false,
            full_since: None,
        }
    }

    /// The facts after the first record: an application or an import.
    pub(super) fn start(record: &TransitionRecord) -> Result<Self, TransitionError> {
        require(
            record.from.is_none(),
            "the first record has a previous stage",
        )?;
        let mut facts = Self::empty(record.to, record.on);
        let (snapshot, details) = match &record.event {
            LifecycleEvent::Applied => {
                require(
                    record.to == Stage::Applicant,
                    "an application leads to applicant",
                )?;
                require(
                    record.probation_end.is_none() && record.activist_qualifies_on.is_none(),
                    "an application fixes no probation or activist date",
                )?;
                facts.applied_on = Some(record.on);
                return Ok(facts);
            }
            LifecycleEvent::Imported {
                snapshot, details, ..
            } => (snapshot, details),
            LifecycleEvent::Requested { .. } => {
                return Err(inconsistent(
                    "the first record must be an application or an import",
                ));
            }
        };
        check_consistency(snapshot, details)?;
        require(
            record.to == snapshot.stage(),
            "the import lands in another stage",
        )?;
        require(
            record.on == snapshot.entered_on(),
            "an import is dated when the imported stage began",
        )?;
        if !matches!(snapshot, ImportedStage::Activist { .. }) {
            require(
                record.activist_qualifies_on.is_none(),
                "only an imported activist has a qualifying date",
            )?;
        }
        if !matches!(
            snapshot,
            ImportedStage::Probationary { .. } | ImportedStage::Full { .. }
        ) {
            require(
                record.probation_end.is_none(),
                "only an imported member has a probation end",
            )?;
        }
        facts.applied_on = details.applied_on;
        facts.activist_since = details.activist_since;
        facts.target_since = details.target_since;
        facts.introducers = details.introducers.clone();
        facts.extended = details.probation_extended;
        match snapshot {
            ImportedStage::Applicant { applied_on } => facts.applied_on = Some(*applied_on),
            ImportedStage::Activist { since } => {
                if let Some(q) = record.activist_qualifies_on {
                    require(q >= *since, "an activist qualifies after becoming one")?;
                }
                facts.activist_since = Some(*since);
                facts.activist_qualifies_on = record.activist_qualifies_on;
            }
            ImportedStage::DevelopmentTarget { since, introducers } => {
                facts.target_since = Some(*since);
                facts.introducers = Some(introducers.clone());
            }
            ImportedStage::Probationary {
                resolution_on,
                probation_end,
                extended,
            } => {
                let end = record
                    .probation_end
                    .ok_or(inconsistent("an imported probation needs its end"))?;
                require(end >= *resolution_on, "the probation ends after it starts")?;
                require(
                    probation_end.is_none_or(|given| given == end),
                    "the record's probation end differs from the import's",
                )?;
                facts.probation_start = Some(*resolution_on);
                facts.probation_end = Some(end);
                facts.extended = *extended;
            }
            ImportedStage::Full {
                joined_on,
                full_since,
            } => {
                require(
                    record.probation_end == Some(*full_since),
                    "an imported full member's probation ended on full_since",
                )?;
                facts.probation_start = Some(*joined_on);
                facts.probation_end = Some(*full_since);
                facts.full_since = Some(*full_since);
            }
        }
        Ok(facts)
    }

    /// The facts after a further record, which must be an applied request
    /// that follows from `self`.
    pub(super) fn absorb(&self, record: &TransitionRecord) -> Result<Self, TransitionError> {
        let LifecycleEvent::Requested { request } = &record.event else {
            return Err(inconsistent(
                "only the first record may be an application or an import",
            ));
        };
        let requested = request.kind();
        let to = self
            .stage
            .next(requested)
            .ok_or(TransitionError::IllegalTransition {
                from: self.stage,
                requested,
            })?;
        require(
            record.from == Some(self.stage),
            "`from` is not the previous record's stage",
        )?;
        require(record.to == to, "`to` is not where the request leads")?;
        require(
            record.on == request.date(),
            "dated differently from its request",
        )?;
        if record.on < self.last_date {
            return Err(TransitionError::DatedBeforePrevious {
                date: record.on,
                previous: self.last_date,
            });
        }
        require(
            record.activist_qualifies_on.is_none()
                || matches!(request, TransitionRequest::BecomeActivist { .. }),
            "only becoming an activist fixes a qualifying date",
        )?;
        require(
            record.probation_end.is_none()
                || matches!(
                    request,
                    TransitionRequest::Admit { .. } | TransitionRequest::ExtendProbation { .. }
                ),
            "only admission or extension fixes a probation end",
        )?;
        let mut next = self.clone();
        next.stage = to;
        next.last_date = record.on;
        match request {
            TransitionRequest::BecomeActivist { on } => {
                let q = record
                    .activist_qualifies_on
                    .ok_or(inconsistent("an activist needs a qualifying date"))?;
                require(q >= *on, "an activist qualifies after becoming one")?;
                next.activist_since = Some(*on);
                next.activist_qualifies_on = Some(q);
            }
            TransitionRequest::BecomeDevelopmentTarget {
                on,
                introducers: [a, b],
            } => {
                if a == b {
                    return Err(TransitionError::DuplicateIntroducer { introducer: *a });
                }
                next.target_since = Some(*on);
                next.introducers = Some([Introducer::Member(*a), Introducer::Member(*b)]);
            }
            TransitionRequest::Admit {
                resolution_on,
                approved_on,
                political_review_on,
                notice_posted_on,
                ..
            } => {
                self.check_admission_order(
                    *resolution_on,
                    *approved_on,
                    *political_review_on,
                    *notice_posted_on,
                )?;
                let end = record
                    .probation_end
                    .ok_or(inconsistent("an admission fixes the probation end"))?;
                require(end >= *resolution_on, "the probation ends after it starts")?;
                next.probation_start = Some(*resolution_on);
                next.probation_end = Some(end);
            }
            TransitionRequest::ExtendProbation { on, months } => {
                let end = self.check_probation_over(*on)?;
                if self.extended {
                    return Err(TransitionError::ExtensionAlreadyUsed { probation_end: end });
                }
                let extended_end = months_after(end, *months)?;
                require(
                    record.probation_end == Some(extended_end),
                    "the extended probation end is not the old end plus the months",
                )?;
                next.extended = true;
                next.probation_end = Some(extended_end);
            }
            TransitionRequest::Convert { on } => {
                next.full_since = Some(self.check_probation_over(*on)?);
            }
            TransitionRequest::Exit { .. } => {}
        }
        Ok(next)
    }

    /// The probation end, when `on` is on or after it. [Charter Art. 7;
    /// Development 2014 Art. 32]
    pub(super) fn check_probation_over(&self, on: NaiveDate) -> Result<NaiveDate, TransitionError> {
        let end = self
            .probation_end
            .ok_or(inconsistent("a probationary member needs a probation end"))?;
        if on < end {
            return Err(TransitionError::BeforeProbationEnd {
                on,
                probation_end: end,
            });
        }
        Ok(end)
    }

    /// The admission's own dates in order: listing ≤ review ≤ resolution ≤
    /// approval, and listing ≤ notice < resolution. [Development 2014 Art.
    /// 17, 20–21; `docs/RULES.md` DEV-6, DEV-8]
    fn check_admission_order(
        &self,
        resolution_on: NaiveDate,
        approved_on: NaiveDate,
        review_on: NaiveDate,
        posted_on: NaiveDate,
    ) -> Result<(), TransitionError> {
        if approved_on < resolution_on {
            return Err(TransitionError::ApprovalBeforeResolution {
                approved_on,
                resolution_on,
            });
        }
        let target_since = self
            .target_since
            .ok_or(inconsistent("a development target needs a listing date"))?;
        if review_on > resolution_on || review_on < target_since {
            return Err(TransitionError::PoliticalReviewOutOfOrder {
                review_on,
                target_since,
                resolution_on,
            });
        }
        if posted_on < target_since {
            return Err(TransitionError::NoticeBeforeTarget {
                posted_on,
                target_since,
            });
        }
        if posted_on >= resolution_on {
            return Err(TransitionError::NoticeNotEnded {
                posted_on,
                last_day: posted_on,
                resolution_on,
            });
        }
        Ok(())
    }
}
