//! The fixtures the checks share: a small tree, members built from the
//! public constructors, and edits of stored records.

use crate::lifecycle::{self, ImportedStage, Lifecycle, TransitionContext};
use crate::member::{
    Contact, IdNumber, Identity, Member, Memberships, NewMember, OccupationCategory,
    RegistrationStatus,
};
use crate::org::{BranchForm, NewOrganisation, OrgKind, Organisation};
use crate::period::WorkCalendar;
use crate::record::{Activity, NewRecordEntry};
use crate::store::Effects;
use crate::store::Store;
use crate::{MemberId, OrgId};
use chrono::{NaiveDate, TimeZone, Utc};
use std::sync::Arc;

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A valid identity number born on `birth` (YYYYMMDD) with sequence `seq`.
fn id_number(birth: &str, seq: u32) -> IdNumber {
    let first17 = format!("110105{birth}{:03}", seq % 1000);
    let check = crate::member::check_character(&first17).unwrap();
    format!("{first17}{check}").parse().unwrap()
}

/// A distinct valid identity number for member number `n`.
pub(crate) fn nth_id_number(n: u32) -> IdNumber {
    let day = d(1960, 1, 1) + chrono::Duration::days(i64::from(n / 1000));
    id_number(&day.format("%Y%m%d").to_string(), n % 1000)
}

pub(crate) async fn org(
    store: &Arc<dyn Store>,
    name: &str,
    kind: OrgKind,
    parent: Option<OrgId>,
) -> Organisation {
    let new = NewOrganisation::new(name.parse().unwrap(), kind);
    let new = match parent {
        Some(p) => new.under(p),
        None => new,
    };
    store.insert_org(new, Effects::none()).await.unwrap()
}

/// A committee with two physical branches under it, in a fresh store:
/// `(committee, branch a, branch b)`.
pub async fn two_branches(store: &Arc<dyn Store>) -> (OrgId, OrgId, OrgId) {
    let c = org(store, "党委", OrgKind::GrassrootsCommittee, None)
        .await
        .id;
    let a = org(
        store,
        "一支部",
        OrgKind::Branch(BranchForm::Physical),
        Some(c),
    )
    .await
    .id;
    let b = org(
        store,
        "二支部",
        OrgKind::Branch(BranchForm::Physical),
        Some(c),
    )
    .await
    .id;
    (c, a, b)
}

/// Member number `n` (a distinct identity number and employee number
/// `E{n}`), a full member of `home` since 2001, built from the public
/// constructors.
pub async fn new_member(store: &Arc<dyn Store>, home: OrgId, n: u32) -> NewMember {
    let tree = store.org_tree().await.unwrap();
    let rules = lifecycle::national_rules();
    let calendar = WorkCalendar::china();
    let none = |_: MemberId, _: chrono::NaiveDate| None;
    let id_number = nth_id_number(n);
    let ctx = TransitionContext {
        birth_date: id_number.birth_date(),
        subject: MemberId::new(0),
        today: d(2024, 6, 1),
        rules: &rules,
        calendar: &calendar,
        introducer_stage: &none,
    };
    let lc = Lifecycle::import(
        ImportedStage::Full {
            joined_on: d(2000, 7, 1),
            full_since: d(2001, 7, 1),
        },
        &ctx,
    )
    .unwrap();
    NewMember {
        identity: Identity {
            name: "测试".parse().unwrap(),
            id_number,
        },
        contact: Contact {
            employee_no: Some(format!("E{n}").parse().unwrap()),
            ..Contact::default()
        },
        occupation: OccupationCategory::InService,
        registration: RegistrationStatus::Pending {
            submitted_on: d(2024, 6, 1),
        },
        lifecycle: lc,
        memberships: Memberships::new(home, d(2024, 6, 1), &tree).unwrap(),
    }
}

/// The parts of a stored record, as a [`NewMember`] (to rebuild the record
/// with a field changed: [`Member`]'s fields are the library's own).
pub fn as_new(m: &Member) -> NewMember {
    NewMember {
        identity: m.identity().clone(),
        contact: m.contact().clone(),
        occupation: m.occupation(),
        registration: m.registration().clone(),
        lifecycle: m.lifecycle().clone(),
        memberships: m.memberships().clone(),
    }
}

/// `m` with `change` applied to its parts, keeping its id and version (a
/// write a store must check like any other).
pub fn edited(m: &Member, change: impl FnOnce(&mut NewMember)) -> Member {
    let mut new = as_new(m);
    change(&mut new);
    new.into_member(m.id()).with_version(m.version())
}

pub(crate) fn entry(member: MemberId, note: &str) -> NewRecordEntry {
    NewRecordEntry {
        member,
        occurred_on: d(2024, 6, 1),
        activity: Activity::AssistanceVisit {
            description: note.into(),
        },
        recorded_by: None,
        acted_by: None,
        recorded_at: Utc.with_ymd_and_hms(2024, 6, 1, 2, 0, 0).unwrap(),
    }
}

/// A branch and one member in it, for tests that need a stored member.
pub async fn seed_one_member(store: &Arc<dyn Store>) -> Member {
    let (_, a, _) = two_branches(store).await;
    store
        .insert_member(new_member(store, a, 42).await, Effects::none())
        .await
        .unwrap()
}
