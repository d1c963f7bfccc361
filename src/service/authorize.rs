//! 授权 (the one authorization prologue): locate the target, check the
//! actor, and refuse without revealing anything outside the scope.
//!
//! Every handle method starts with [`Session::authorize`]. It reads only
//! what locating the target needs (the tree, a member's placement, a
//! vote's organisation and roll entry, a case's branch), runs the access
//! check of [`crate::access`], and turns a refusal into
//! [`Error::NotFound`] when the target lies outside the actor's scope (the
//! same answer as for an id that does not exist) or
//! [`Error::PermissionDenied`] when it lies inside but the role may not do
//! the act.

use super::Session;
use crate::access::{Denied, Placement, Subject, visible};
use crate::error::Entity;
use crate::org::OrgTree;
use crate::store::VoteLocation;
use crate::{CaseId, Error, MemberId, OrgId, election::VoteId};
use std::sync::Arc;

/// What a call acts on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// An organisation (and its subtree).
    Org(OrgId),
    /// A member's record.
    Member(MemberId),
    /// A vote.
    Vote(VoteId),
    /// A self-departure case.
    Case(CaseId),
}

/// The target, located.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    /// The organisation tree as read for the check.
    pub tree: Arc<OrgTree>,
    /// The organisation the target belongs to: itself, a member's home
    /// branch, a vote's organisation, a case's branch.
    pub org: OrgId,
    /// A member target's placement.
    pub placement: Option<Placement>,
    /// A vote target's location.
    pub vote: Option<VoteLocation>,
}

impl Located {
    /// The member's placement (a member target always has one).
    pub fn placement(&self) -> Result<&Placement, Error> {
        self.placement
            .as_ref()
            .ok_or_else(|| Error::Internal("a member target without its placement".into()))
    }

    fn subject(&self, target: Target) -> Subject<'_> {
        match (target, &self.placement, self.vote) {
            (Target::Member(id), Some(placement), _) => Subject::Member { id, placement },
            (Target::Vote(_), _, Some(v)) => Subject::Vote {
                org: v.org,
                on_roll: v.on_roll,
            },
            _ => Subject::Org(self.org),
        }
    }
}

fn missing(target: Target) -> Error {
    match target {
        Target::Org(id) => Error::not_found(Entity::Org, id),
        Target::Member(id) => Error::not_found(Entity::Member, id),
        Target::Vote(id) => Error::not_found(Entity::Vote, id),
        Target::Case(id) => Error::not_found(Entity::DepartureCase, id),
    }
}

impl Session {
    /// Locates `target` and runs `check`; see the module docs.
    pub(crate) async fn authorize(
        &self,
        target: Target,
        check: impl FnOnce(&Located) -> Result<(), Denied>,
    ) -> Result<Located, Error> {
        let located = self.locate(target).await?;
        match check(&located) {
            Ok(()) => Ok(located),
            Err(denied) => Err(self.refusal(&located, target, denied)),
        }
    }

    /// The answer to a refused check on a located target.
    pub(crate) fn refusal(&self, located: &Located, target: Target, denied: Denied) -> Error {
        if visible(&self.actor, &located.subject(target), &located.tree) {
            Error::PermissionDenied(denied)
        } else {
            missing(target)
        }
    }

    async fn locate(&self, target: Target) -> Result<Located, Error> {
        let store = self.store();
        let (org, placement, vote) = match target {
            Target::Org(id) => (id, None, None),
            Target::Member(id) => {
                let p = store.placement(id).await?.ok_or_else(|| missing(target))?;
                (p.home, Some(p), None)
            }
            Target::Vote(id) => {
                let v = store
                    .locate_vote(id, self.actor.member_id())
                    .await?
                    .ok_or_else(|| missing(target))?;
                // Only a member acting for themselves is "on the roll".
                let on_roll = v.on_roll && self.actor.role() == crate::access::Role::Member;
                let v = VoteLocation::new(v.org, v.open, on_roll);
                (v.org, None, Some(v))
            }
            Target::Case(id) => {
                let c = store
                    .departure_case(id)
                    .await?
                    .ok_or_else(|| missing(target))?;
                (c.branch, None, None)
            }
        };
        let tree = store.org_tree().await?;
        if tree.get(org).is_none() {
            return Err(missing(target));
        }
        Ok(Located {
            tree,
            org,
            placement,
            vote,
        })
    }
}
