//! 谁能看到 (who a published item reaches): decided by its scope alone,
//! on the day, for a reader built from the actor.
//! `docs/RULES.md` DISC-5, DISC-14.

use super::Item;
use super::item::Scope;
use crate::org::OrgTree;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;

/// 读者: who is reading, as far as the scopes care.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reader {
    /// 社会公众: the society scope only.
    Public,
    /// A person reading for themselves: their organisations (the home
    /// branch, a mobile location, a dual-management organisation, online
    /// branches), and whether they are a party member (a probationary
    /// member is; an applicant, activist or development target is not).
    Person {
        /// The member's record.
        id: MemberId,
        /// Whether the person is a party member on the day.
        party_member: bool,
        /// The organisations they belong to.
        orgs: Vec<OrgId>,
    },
    /// An officer or a job over an organisation's subtree.
    Subtree(OrgId),
    /// The whole platform.
    All,
}

/// Whether `item` reaches `reader` on `on`: it is up (published, not
/// withdrawn, not past its last day), and its scope covers the reader.
///
/// - society: everyone;
/// - the whole party: every party member, officer and job;
/// - the own organisation: party members of the item's organisation or
///   below it; officers and jobs whose subtree holds the item's
///   organisation or lies inside it;
/// - named: the named people, party members of the named organisations or
///   below them, officers and jobs whose subtree holds the item's
///   organisation or a named organisation, or lies inside a named one.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::disclosure::{reaches, Reader};
/// # let _ = (reaches, Reader::Public, NaiveDate::MIN);
/// ```
pub fn reaches(item: &Item, reader: &Reader, tree: &OrgTree, on: NaiveDate) -> bool {
    let Some((plan, _)) = item.publication() else {
        return false;
    };
    if !item.is_up_on(on) {
        return false;
    }
    let org = item.org();
    match (plan.scope(), reader) {
        (Scope::Society, _) | (_, Reader::All) => true,
        (_, Reader::Public) => false,
        (Scope::WholeParty, Reader::Person { party_member, .. }) => *party_member,
        (Scope::WholeParty, Reader::Subtree(_)) => true,
        (
            Scope::OwnOrganisation,
            Reader::Person {
                party_member, orgs, ..
            },
        ) => *party_member && orgs.iter().any(|o| tree.is_within(*o, org)),
        (Scope::OwnOrganisation, Reader::Subtree(root)) => {
            tree.is_within(org, *root) || tree.is_within(*root, org)
        }
        (
            Scope::Named(a),
            Reader::Person {
                id,
                party_member,
                orgs,
            },
        ) => {
            a.members().contains(id)
                || (*party_member
                    && orgs
                        .iter()
                        .any(|o| a.orgs().iter().any(|n| tree.is_within(*o, *n))))
        }
        (Scope::Named(a), Reader::Subtree(root)) => {
            tree.is_within(org, *root)
                || a.orgs()
                    .iter()
                    .any(|n| tree.is_within(*n, *root) || tree.is_within(*root, *n))
        }
    }
}
