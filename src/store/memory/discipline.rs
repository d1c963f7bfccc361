//! Rewards, sanctions and detentions in memory.

use super::{Inner, MemoryStore};
use crate::discipline::{Decision, NewDecision};
use crate::member::Member;
use crate::record::RecordEntry;
use crate::store::{DisciplineStore, Effects, StoreError, StoreErrorKind};
use crate::{DecisionId, MemberId};
use async_trait::async_trait;
use std::collections::HashMap;

#[derive(Default)]
pub(super) struct DisciplineState {
    last: u64,
    by_member: HashMap<MemberId, Vec<Decision>>,
}

impl Inner {
    /// Checks an expulsion's member update as `update_member` does.
    fn check_exit(&self, member: MemberId, exit: Option<&Member>) -> Result<(), StoreError> {
        let Some(m) = exit else { return Ok(()) };
        if m.id != member {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                "the exit belongs to another member",
            ));
        }
        let current = self.members.get(&m.id).ok_or_else(|| {
            StoreError::new(StoreErrorKind::NotFound, format!("{} not found", m.id))
        })?;
        if current.version != m.version {
            return Err(StoreError::new(
                StoreErrorKind::Conflict,
                format!("{} changed since it was read", m.id),
            ));
        }
        self.check_unique(m, Some(m.id))
    }
}

#[async_trait]
impl DisciplineStore for MemoryStore {
    async fn record_decision(
        &self,
        decision: NewDecision,
        exit: Option<Member>,
        effects: Effects,
    ) -> Result<(Decision, Option<Member>, Vec<RecordEntry>), StoreError> {
        let mut inner = self.write()?;
        let member = decision.member;
        if !inner.members.contains_key(&member) {
            return Err(StoreError::new(
                StoreErrorKind::NotFound,
                format!("{member} not found"),
            ));
        }
        if !effects.records_only_about(member) {
            return Err(StoreError::new(
                StoreErrorKind::Rejected,
                "the activity-record entry belongs to another member",
            ));
        }
        inner.check_exit(member, exit.as_ref())?;
        inner.check_effects(&effects)?;
        let stored_member = exit.map(|m| {
            let stored = Member {
                version: m.version + 1,
                ..m
            };
            if let Some(current) = inner.members.get(&stored.id).cloned() {
                inner.unindex(&current);
            }
            inner.index(&stored);
            inner.members.insert(stored.id, stored.clone());
            stored
        });
        inner.discipline.last += 1;
        let stored = decision.into_decision(DecisionId::new(inner.discipline.last));
        inner
            .discipline
            .by_member
            .entry(member)
            .or_default()
            .push(stored.clone());
        let entries = inner.apply(effects);
        Ok((stored, stored_member, entries))
    }

    async fn decisions_of(&self, members: &[MemberId]) -> Result<Vec<Decision>, StoreError> {
        let inner = self.read()?;
        let mut ids = members.to_vec();
        ids.sort_unstable();
        ids.dedup();
        Ok(ids
            .iter()
            .filter_map(|m| inner.discipline.by_member.get(m))
            .flatten()
            .cloned()
            .collect())
    }
}
