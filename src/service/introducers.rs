//! 入党介绍人 on the platform: only those within reach are read
//! (`docs/RULES.md` DEV-5a, MEM-13).

use super::Session;
use crate::lifecycle::{Lifecycle, TransitionError};
use crate::org::{OrgKind, OrgTree};
use crate::{Error, MemberId, OrgId};
use chrono::NaiveDate;
use std::collections::BTreeMap;

impl Session {
    /// The lifecycles of the introducers among `ids` that are within the
    /// actor's scope or the subject's home committee (the nearest
    /// grassroots committee above `subject_home`; the home itself when
    /// there is none). Anyone else is left out, as if they did not exist,
    /// and [`refine`] answers them as not eligible. With `listed_on`, an
    /// introducer in reach under 留党察看 on that date is refused (MEM-13).
    pub(super) async fn eligible_introducers(
        &self,
        ids: &[MemberId],
        subject_home: OrgId,
        tree: &OrgTree,
        listed_on: Option<NaiveDate>,
    ) -> Result<BTreeMap<MemberId, Lifecycle>, Error> {
        let mut eligible = BTreeMap::new();
        if ids.is_empty() {
            return Ok(eligible);
        }
        let committee = tree
            .ancestors(subject_home)
            .into_iter()
            .find(|&o| {
                tree.get(o)
                    .is_some_and(|o| o.kind == OrgKind::GrassrootsCommittee)
            })
            .unwrap_or(subject_home);
        for m in self.store().get_members(ids).await? {
            let home = m.home();
            if self.actor.covers_org(home, tree) || tree.is_within(home, committee) {
                eligible.insert(m.id, m.lifecycle);
            }
        }
        if let Some(on) = listed_on {
            let in_reach: Vec<MemberId> = eligible.keys().copied().collect();
            let decisions = self.store().decisions_of(&in_reach).await?;
            for id in in_reach {
                let facts = decisions
                    .iter()
                    .filter(|d| d.member == id)
                    .map(|d| (d.measure, d.decided_on));
                if !crate::discipline::may_introduce(facts, on) {
                    return Err(
                        TransitionError::IntroducerUnderProbation { introducer: id, on }.into(),
                    );
                }
            }
        }
        Ok(eligible)
    }
}

/// A guard's refusal, with an introducer out of reach answered only as
/// not eligible (no stage, no date).
pub(super) fn refine(
    e: TransitionError,
    eligible: &BTreeMap<MemberId, Lifecycle>,
) -> TransitionError {
    match e {
        TransitionError::UnknownIntroducer { introducer, .. }
        | TransitionError::IntroducerNotFull { introducer, .. }
            if !eligible.contains_key(&introducer) =>
        {
            TransitionError::IneligibleIntroducer { introducer }
        }
        e => e,
    }
}
