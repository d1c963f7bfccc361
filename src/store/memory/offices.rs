//! 班子成员存储 in memory: holdings by id, with an index by organisation.

use super::MemoryStore;
use crate::OrgId;
use crate::office::{InstallOffices, OfficeHolder, OfficeId, Source};
use crate::store::{Effects, OfficeStore, StoreError, StoreErrorKind};
use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Holdings in memory.
#[derive(Default)]
pub(super) struct OfficeState {
    last: u64,
    holdings: BTreeMap<OfficeId, OfficeHolder>,
    by_org: HashMap<OrgId, BTreeSet<OfficeId>>,
}

impl OfficeState {
    fn check(&self, install: &InstallOffices) -> Result<(), StoreError> {
        for id in &install.ending {
            match self.holdings.get(id) {
                Some(h) if h.org() == install.org && h.ended_on().is_none() => {}
                _ => {
                    return Err(StoreError::new(
                        StoreErrorKind::Conflict,
                        format!("{id} is not a current holding of {}", install.org),
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for h in &install.holders {
            if h.org != install.org {
                return Err(StoreError::new(
                    StoreErrorKind::Rejected,
                    format!("a holding of {} in an install of {}", h.org, install.org),
                ));
            }
            if let Source::Elected { vote } = h.source {
                let again = !seen.insert((vote, h.member))
                    || self.holdings.values().any(|o| {
                        o.source() == h.source && o.member() == h.member && o.org() == h.org
                    });
                if again {
                    return Err(StoreError::new(
                        StoreErrorKind::Rejected,
                        format!("{} already holds office from {vote}", h.member),
                    ));
                }
            }
        }
        Ok(())
    }
}

#[async_trait]
impl OfficeStore for MemoryStore {
    async fn install_offices(
        &self,
        install: InstallOffices,
        effects: Effects,
    ) -> Result<Vec<OfficeHolder>, StoreError> {
        let mut inner = self.write()?;
        inner.offices.check(&install)?;
        inner.check_effects(&effects)?;
        let state = &mut inner.offices;
        for id in &install.ending {
            if let Some(h) = state.holdings.get_mut(id) {
                h.ended_on = Some(install.on);
            }
        }
        let mut stored = Vec::with_capacity(install.holders.len());
        for holding in install.holders {
            state.last += 1;
            let id = OfficeId::new(state.last);
            let h = OfficeHolder::from_parts(id, holding, None);
            state.by_org.entry(h.org()).or_default().insert(id);
            state.holdings.insert(id, h.clone());
            stored.push(h);
        }
        inner.apply(effects);
        Ok(stored)
    }

    async fn office(&self, id: OfficeId) -> Result<Option<OfficeHolder>, StoreError> {
        Ok(self.read()?.offices.holdings.get(&id).cloned())
    }

    async fn offices_of(&self, orgs: &[OrgId]) -> Result<Vec<OfficeHolder>, StoreError> {
        let inner = self.read()?;
        let state = &inner.offices;
        let ids: BTreeSet<OfficeId> = orgs
            .iter()
            .filter_map(|o| state.by_org.get(o))
            .flatten()
            .copied()
            .collect();
        Ok(ids
            .iter()
            .filter_map(|id| state.holdings.get(id).cloned())
            .collect())
    }
}
