//! 群发 (planning a broadcast): the selection, each member's channel, the
//! size of the text on it, and the cost against the year's budget.
//! [`docs/RULES.md` NOTE-9]

use super::Session;
use super::authorize::Target;
use super::dispatch::message_cost;
use crate::access;
use crate::dues::Money;
use crate::error::Entity;
use crate::member::Member;
use crate::notify::{
    Broadcast, BroadcastPlan, Category, Channel, MAX_BROADCAST_KEY, NewMessage, NotifyError,
    OutgoingMessage, Selection, choose_channel, sms_cost, sms_parts,
};
use crate::org::OrgTree;
use crate::{Error, MemberId, OrgId};
use chrono::Datelike;
use std::collections::{BTreeMap, BTreeSet};

/// A broadcast planned: what the dry run shows, and what would be
/// enqueued.
pub(super) struct PlannedBroadcast {
    pub(super) plan: BroadcastPlan,
    pub(super) messages: Vec<NewMessage>,
    pub(super) budget: Money,
}

impl Session {
    /// The root `root` of a selection, checked: inside the sending
    /// organisation's subtree and the actor's reach, else `NotFound`.
    fn selection_root(&self, org: OrgId, root: OrgId, tree: &OrgTree) -> Result<(), Error> {
        let ok = tree.is_within(root, org) && access::check_notify(&self.actor, root, tree).is_ok();
        if ok {
            Ok(())
        } else {
            Err(Error::not_found(Entity::Org, root))
        }
    }

    async fn home_members(&self, root: OrgId, tree: &OrgTree) -> Result<Vec<Member>, Error> {
        let orgs = tree.subtree(root);
        Ok(self
            .store()
            .members_by_home(&orgs)
            .await?
            .into_iter()
            .filter(|m| m.lifecycle().stage().is_member())
            .collect())
    }

    async fn selected(&self, req: &Broadcast, tree: &OrgTree) -> Result<Vec<Member>, Error> {
        let store = self.store();
        Ok(match &req.select {
            Selection::Subtree(root) => {
                self.selection_root(req.org, *root, tree)?;
                self.home_members(*root, tree).await?
            }
            Selection::Category { root, category } => {
                self.selection_root(req.org, *root, tree)?;
                let officers: BTreeSet<MemberId> = self
                    .officers_of(&tree.subtree(*root))
                    .await?
                    .into_iter()
                    .collect();
                match category {
                    Category::CommitteeMembers => {
                        let ids: Vec<_> = officers.into_iter().collect();
                        store.get_members(&ids).await?
                    }
                    Category::Ordinary => self
                        .home_members(*root, tree)
                        .await?
                        .into_iter()
                        .filter(|m| !officers.contains(&m.id()))
                        .collect(),
                    Category::DualManaged => store
                        .members_by_home(&tree.branches())
                        .await?
                        .into_iter()
                        .filter(|m| {
                            m.lifecycle().stage().is_member()
                                && m.memberships()
                                    .dual()
                                    .is_some_and(|d| tree.is_within(d, *root))
                        })
                        .collect(),
                }
            }
            Selection::Tag(tag) => {
                self.selection_root(req.org, tag.org(), tree)?;
                store
                    .members_by_home(&tree.branches())
                    .await?
                    .into_iter()
                    .filter(|m| {
                        m.lifecycle().stage().is_member()
                            && m.contact().tags.contains(tag)
                            && managed_within(m, tag.org(), tree)
                    })
                    .collect()
            }
            Selection::List(ids) => {
                let mut wanted: Vec<MemberId> = ids.clone();
                wanted.sort_unstable();
                wanted.dedup();
                let found = store.get_members(&wanted).await?;
                let by_id: BTreeMap<MemberId, &Member> =
                    found.iter().map(|m| (m.id(), m)).collect();
                for id in &wanted {
                    let reach = by_id.get(id).is_some_and(|m| {
                        managing_orgs(m).any(|o| {
                            tree.is_within(o, req.org)
                                && access::check_notify(&self.actor, o, tree).is_ok()
                        })
                    });
                    if !reach {
                        return Err(Error::not_found(Entity::Member, id));
                    }
                }
                found
            }
        })
    }

    /// Plans `req`: checks the actor, the key and the text, selects the
    /// members, picks each one's channel, and prices it.
    pub(super) async fn plan_broadcast(&self, req: &Broadcast) -> Result<PlannedBroadcast, Error> {
        let l = self
            .authorize(Target::Org(req.org), |l| {
                access::check_notify(&self.actor, req.org, &l.tree)
            })
            .await?;
        if !req.key_ok() {
            return Err(NotifyError::BadKey {
                max: MAX_BROADCAST_KEY,
            }
            .into());
        }
        if req.body.trim().is_empty() {
            return Err(NotifyError::EmptyText.into());
        }
        let tree = &l.tree;
        let members = self.selected(req, tree).await?;
        if members.is_empty() {
            return Err(NotifyError::NoRecipients.into());
        }
        let n = self.notifications();
        let settings = n.for_org(req.org, tree);
        let now = self.clock().now();
        let year = now.with_timezone(&n.offset).year();
        let not_before = match (req.urgent, settings.quiet) {
            (false, Some(q)) => q.release_at(now, n.offset),
            _ => now,
        };
        let subject = req.subject.clone().unwrap_or_else(|| {
            tree.get(req.org)
                .map_or_else(|| "通知".to_owned(), |o| format!("{}通知", o.name.as_str()))
        });
        let mut plan = BroadcastPlan {
            selected: members.len(),
            year,
            ..BroadcastPlan::default()
        };
        let mut per_channel: BTreeMap<Channel, usize> = BTreeMap::new();
        let mut messages = Vec::with_capacity(members.len());
        // Free text goes by SMS only as the approved broadcast template.
        let runs: Vec<Channel> = n
            .default_channels()
            .iter()
            .copied()
            .filter(|c| *c != Channel::Sms || n.sms.broadcast_template.is_some())
            .collect();
        for m in &members {
            let Some((channel, to)) = choose_channel(
                m.contact(),
                &m.contact().channels,
                &settings.channels,
                &runs,
            ) else {
                plan.unreachable.push(m.id());
                continue;
            };
            let key = format!(
                "broadcast/{}/{}/{}/{channel}",
                req.org.get(),
                req.key,
                m.id().get()
            );
            let name = m.identity().name.as_str();
            let mut out = OutgoingMessage::new(key, channel, to, name, req.body.clone());
            if channel == Channel::Email {
                out = out.subject(subject.clone());
            }
            if let (Channel::Sms, Some((code, param))) = (channel, &n.sms.broadcast_template) {
                if let Some(variable) = [("name", name), (param.as_str(), req.body.as_str())]
                    .iter()
                    .find(|(_, v)| crate::notify::param_carries_url(v))
                    .map(|(k, _)| (*k).to_owned())
                {
                    return Err(NotifyError::from(crate::notify::TemplateError::LinkInSms {
                        variable,
                    })
                    .into());
                }
                out = out.provider_template(crate::notify::ProviderTemplate {
                    code: code.clone(),
                    params: vec![
                        ("name".to_owned(), name.to_owned()),
                        (param.clone(), req.body.clone()),
                    ],
                });
            }
            let cost = message_cost(&out, m.id(), n)?;
            *per_channel.entry(channel).or_default() += 1;
            messages.push(
                NewMessage::new(req.org, out, now)
                    .to_member(m.id())
                    .not_before(not_before)
                    .cost(cost),
            );
        }
        plan.per_channel = per_channel.into_iter().collect();
        let sms = plan
            .per_channel
            .iter()
            .find(|(c, _)| *c == Channel::Sms)
            .map_or(0, |(_, k)| *k);
        if sms > 0 {
            plan.sms_parts = sms_parts(&n.sms.signature, &req.body).map_err(NotifyError::from)?;
            let count = u64::try_from(sms).unwrap_or(u64::MAX);
            plan.cost =
                sms_cost(plan.sms_parts, count, n.sms.price_per_part).map_err(NotifyError::from)?;
        }
        let budget = n.budget(req.org, year, tree).unwrap_or(Money::ZERO);
        let spent = self.store().spent(req.org, year).await?;
        plan.budget_left = budget
            .checked_sub(spent)
            .filter(|left| *left > Money::ZERO)
            .unwrap_or(Money::ZERO);
        Ok(PlannedBroadcast {
            plan,
            messages,
            budget,
        })
    }
}

/// The organisations that manage `m`: the home branch and a
/// dual-managing organisation.
pub(super) fn managing_orgs(m: &Member) -> impl Iterator<Item = OrgId> {
    let p = m.memberships().placement();
    [Some(p.home), p.dual].into_iter().flatten()
}

/// Whether `m` is managed (home or dual management) within `root`'s
/// subtree: whom an organisation reaches (NOTE-9).
pub(super) fn managed_within(m: &Member, root: OrgId, tree: &OrgTree) -> bool {
    managing_orgs(m).any(|o| tree.is_within(o, root))
}
