//! Organisation and access benchmarks on a county-scale tree: 1 committee,
//! 30 general branches, 700 branches, 240 online branches, 25,000 members.
//!
//! Targets: an actor's scope check for a member under
//! 1 µs; listing a general branch's whole subtree of members under 1 ms.

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dangjian::access::{Actor, check_read_member, check_read_record};
use dangjian::clock::FixedClock;
use dangjian::lifecycle::{self, ImportedStage, Lifecycle, TransitionContext};
use dangjian::member::{
    Contact, Identity, MembershipKind, MembershipRequest, Memberships, NewMember,
    OccupationCategory, RegistrationStatus,
};
use dangjian::org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind};
use dangjian::period::WorkCalendar;
use dangjian::service::{PageRequest, Session};
use dangjian::store::Effects;
use dangjian::store::{MemberStore, MemoryStore, OrgStore};
use dangjian::{Dangjian, Error, MemberId, OrgId};
use std::hint::black_box;
use std::sync::Arc;

const GENERAL: usize = 30;
const BRANCHES: usize = 700;
const ONLINE: usize = 240;
const MEMBERS: u32 = 25_000;

struct County {
    dj: Dangjian,
    store: Arc<MemoryStore>,
    committee: OrgId,
    generals: Vec<OrgId>,
    branches: Vec<OrgId>,
    members: Vec<MemberId>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn id_number(n: u32) -> dangjian::member::IdNumber {
    let birth = date(1950, 1, 1) + chrono::Duration::days(i64::from(n / 1000));
    let first17 = format!("320102{}{:03}", birth.format("%Y%m%d"), n % 1000);
    let check = dangjian::member::check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn build() -> County {
    let today = date(2024, 6, 1);
    let store = Arc::new(MemoryStore::new());
    let dj = Dangjian::builder()
        .store(store.clone())
        .clock(Arc::new(FixedClock::on_date(today)))
        .build();
    let new = |name: String, kind, parent: Option<OrgId>| {
        let new = NewOrganisation::new(name.parse().unwrap_or_else(|e| panic!("{e}")), kind);
        match parent {
            Some(p) => new.under(p),
            None => new,
        }
    };
    let committee = store
        .insert_org(
            new(
                "县委组织部直属党委".into(),
                OrgKind::GrassrootsCommittee,
                None,
            ),
            Effects::none(),
        )
        .await
        .map(|o| o.id)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut generals = Vec::new();
    for g in 0..GENERAL {
        let o = store
            .insert_org(
                new(
                    format!("第{g}党总支"),
                    OrgKind::GeneralBranch,
                    Some(committee),
                ),
                Effects::none(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        generals.push(o.id);
    }
    let mut branches = Vec::new();
    for b in 0..BRANCHES {
        let parent = generals.get(b % GENERAL).copied();
        let o = store
            .insert_org(
                new(
                    format!("第{b}党支部"),
                    OrgKind::Branch(BranchForm::Physical),
                    parent,
                ),
                Effects::none(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        branches.push(o.id);
    }
    let mut online = Vec::new();
    for b in 0..ONLINE {
        let kind = OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::Industry(format!("行业{b}")),
        });
        let o = store
            .insert_org(
                new(format!("网上党支部{b}"), kind, Some(committee)),
                Effects::none(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        online.push(o.id);
    }
    let tree = store.org_tree().await.unwrap_or_else(|e| panic!("{e}"));
    let rules = lifecycle::national_rules();
    let calendar = WorkCalendar::china();
    let none = |_: MemberId, _: NaiveDate| None;
    let mut members = Vec::new();
    for n in 0..MEMBERS {
        let idn = id_number(n);
        let ctx = TransitionContext {
            birth_date: idn.birth_date(),
            subject: MemberId::new(0),
            today,
            rules: &rules,
            calendar: &calendar,
            introducer_stage: &none,
        };
        let lifecycle = Lifecycle::import(
            ImportedStage::Full {
                joined_on: date(2000, 7, 1),
                full_since: date(2001, 7, 1),
            },
            &ctx,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let home = branches
            .get(n as usize % BRANCHES)
            .copied()
            .unwrap_or(committee);
        let mut memberships =
            Memberships::new(home, today, &tree).unwrap_or_else(|e| panic!("{e}"));
        if n % 5 == 0 {
            let org = online
                .get(n as usize % ONLINE)
                .copied()
                .unwrap_or(committee);
            let join = MembershipRequest::Join {
                org,
                kind: MembershipKind::Online,
                on: today,
            };
            memberships = memberships
                .apply(&join, &tree, today)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        if n % 7 == 0 {
            let org = branches
                .get((n as usize + 350) % BRANCHES)
                .copied()
                .unwrap_or(committee);
            let join = MembershipRequest::Join {
                org,
                kind: MembershipKind::MobileLocation,
                on: today,
            };
            memberships = memberships
                .apply(&join, &tree, today)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let m = NewMember {
            identity: Identity {
                name: "党员".parse().unwrap_or_else(|e| panic!("{e}")),
                id_number: idn,
            },
            contact: Contact::default(),
            occupation: OccupationCategory::InService,
            registration: RegistrationStatus::Pending {
                submitted_on: today,
            },
            lifecycle,
            memberships,
        };
        members.push(
            store
                .insert_member(m, Effects::none())
                .await
                .map(|m| m.id())
                .unwrap_or_else(|e| panic!("{e}")),
        );
    }
    County {
        dj,
        store,
        committee,
        generals,
        branches,
        members,
    }
}

/// Every member whose home is in `root`'s subtree, page after page.
async fn members_in(s: &Session, root: OrgId) -> Result<usize, Error> {
    let mut req = PageRequest::first(10_000);
    let mut n = 0;
    loop {
        let page = s.members().list_in(root, req).await?;
        n += page.items.len();
        match page.next {
            Some(next) => req = req.after(next),
            None => return Ok(n),
        }
    }
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let county = rt.block_on(build());
    let tree = rt
        .block_on(county.store.org_tree())
        .unwrap_or_else(|e| panic!("{e}"));
    let general = county.generals.first().copied().unwrap_or(county.committee);
    let branch = county.branches.first().copied().unwrap_or(county.committee);
    let secretary = Actor::branch_officer(MemberId::new(0), branch);
    let committee = Actor::committee_officer(MemberId::new(0), county.committee);
    let general_officer = Actor::committee_officer(MemberId::new(0), general);
    let secretary_session = county.dj.act_as(&secretary);
    let general_session = county.dj.act_as(&general_officer);
    // A member of another general branch (refused) and one of the branch (allowed).
    let outsider = county.members.get(1).copied().unwrap_or(MemberId::new(1));
    let insider = county
        .members
        .get(BRANCHES * 3)
        .copied()
        .unwrap_or(MemberId::new(1));
    let p_out = rt
        .block_on(county.store.placement(outsider))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("placement"));
    let p_in = rt
        .block_on(county.store.placement(insider))
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("placement"));

    let mut g = c.benchmark_group("scope_check");
    g.bench_function("core/read_member/allowed", |b| {
        b.iter(|| {
            check_read_member(black_box(&secretary), insider, black_box(&p_in), &tree).is_ok()
        })
    });
    g.bench_function("core/read_member/refused", |b| {
        b.iter(|| {
            check_read_member(black_box(&secretary), outsider, black_box(&p_out), &tree).is_err()
        })
    });
    g.bench_function("core/read_record/committee", |b| {
        b.iter(|| {
            check_read_record(black_box(&committee), outsider, black_box(&p_out), &tree).is_ok()
        })
    });
    g.bench_function("service/members.get (memory store)", |b| {
        b.to_async(&rt).iter(|| async {
            secretary_session
                .members()
                .get(black_box(insider))
                .await
                .is_ok()
        })
    });
    g.finish();

    let mut g = c.benchmark_group("subtree_members");
    let n = rt
        .block_on(members_in(&general_session, general))
        .unwrap_or(0);
    println!("a general branch's subtree holds {n} members");
    g.bench_with_input(
        BenchmarkId::new("general_branch", n),
        &general,
        |b, &general| {
            b.to_async(&rt)
                .iter(|| async { members_in(black_box(&general_session), general).await })
        },
    );
    g.bench_function("tree/subtree_ids(general)", |b| {
        b.iter(|| tree.subtree(black_box(general)).len())
    });
    g.finish();
}

criterion_group!(org, benches);
criterion_main!(org);
