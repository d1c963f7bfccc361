//! 党务公开: the published feed of a county (1,000 organisations: 1 county
//! committee, 49 general branches, 950 branches; 20,000 items) for one
//! reader, through `disclosure().feed(..)` on the in-memory store.
//!
//! Target: under 20 ms for one reader. The items: a quarter each to
//! society (public board and internet), the whole party (intranet) and
//! the own organisation (meeting); a tenth named; the rest proposed but
//! not published, withdrawn, or classified placeholders.
//!
//! The feed reads the store in batches of 512 published items, newest
//! first, and stops once it holds its entries (50 by default), so its cost
//! follows the entries asked for and how many items the reader may see,
//! not the county's size.
//!
//! Figures on the shared 2-core machine (`cargo bench --bench disclosure`,
//! 2026-12-02, criterion medians): public 612 µs, a branch member 440 µs,
//! a general branch's officer 467 µs (50 entries each); a member's feed of
//! 1,000 entries 5.7 ms; the pure scope filter over all 17,000 published
//! or withdrawn items alone 2.0 ms. The first version cloned every
//! published item and built a feed of all of them: 55 ms (public, 5,000
//! entries) to 151 ms (officer, 10,000 entries).

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use dangjian::access::{ActedBy, Actor};
use dangjian::clock::FixedClock;
use dangjian::disclosure::{
    Audience, Checks, Content, FeedInfo, Item, ItemKind, NewItem, Official, Plan, Propose, Reach,
    Reader, Scope, Stamp, Title, reaches,
};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, Registration};
use dangjian::office::{NewOfficeHolder, OfficeHolder, OfficeId, Post, Source};
use dangjian::org::{BranchForm, NewOrganisation, OrgKind};
use dangjian::store::{DisclosureStore, Effects, MemoryStore, OrgStore, PublishedRead};
use dangjian::{Dangjian, MemberId, OrgId};
use std::hint::black_box;
use std::sync::Arc;

const GENERAL: usize = 49;
const BRANCHES: usize = 950;
const ITEMS: usize = 20_000;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

struct County {
    dj: Dangjian,
    general: OrgId,
    member: MemberId,
}

fn stamp(day: u32) -> Stamp {
    let at = Utc
        .with_ymd_and_hms(2026, 3, day, 2, 0, 0)
        .single()
        .unwrap_or_default();
    Stamp::new(Some(ActedBy::Member(MemberId::new(1))), at)
}

fn official(org: OrgId) -> Official {
    let h = [OfficeHolder::from_parts(
        OfficeId::new(1),
        NewOfficeHolder::new(
            org,
            MemberId::new(1),
            Post::Secretary,
            Source::Appointed { by: org },
            date(2025, 1, 1),
            date(2028, 1, 1),
        ),
        None,
    )];
    Official::check(
        MemberId::new(1),
        org,
        &[Post::Secretary],
        &h,
        date(2026, 3, 2),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn item(n: usize, org: OrgId, other: OrgId) -> (NewItem, Option<(Scope, bool)>) {
    let title = Title::new(&format!("第{n}号公开事项")).unwrap_or_else(|e| panic!("{e}"));
    let text = Content::new(&format!("事项{n}的内容：收支、决议与结果。"))
        .unwrap_or_else(|e| panic!("{e}"));
    let (scope, channels): (Scope, Vec<Reach>) = match n % 20 {
        0..=4 => (
            Scope::Society,
            vec![Reach::PublicBoard, Reach::PublicInternet],
        ),
        5..=9 => (Scope::WholeParty, vec![Reach::PartyIntranet]),
        10..=14 => (Scope::OwnOrganisation, vec![Reach::BranchMeeting]),
        15 | 16 => (
            Scope::Named(Audience::new([other], []).unwrap_or_else(|e| panic!("{e}"))),
            vec![Reach::IndividualNotice],
        ),
        17 => {
            let req = Propose::classified(org, ItemKind::Other, title);
            let new = NewItem::propose(req, stamp(2), None).unwrap_or_else(|e| panic!("{e}"));
            return (new, None);
        }
        _ => (Scope::Society, vec![Reach::PublicInternet]),
    };
    let plan =
        Plan::new(scope.clone(), channels, date(2026, 3, 2)).unwrap_or_else(|e| panic!("{e}"));
    let req = Propose::disclosable(org, ItemKind::Dues, title, text, plan);
    let new = NewItem::propose(req, stamp(2), None).unwrap_or_else(|e| panic!("{e}"));
    // 18: proposed only; 19: withdrawn after publication.
    let publish = !matches!(n % 20, 18);
    (new, publish.then_some((scope, n % 20 == 19)))
}

async fn build() -> County {
    let store = Arc::new(MemoryStore::new());
    let dj = Dangjian::builder()
        .store(store.clone())
        .clock(Arc::new(FixedClock::on_date(date(2026, 3, 10))))
        .build();
    let admin = dj.act_as(&Actor::platform_admin());
    let mk = |name: String, kind: OrgKind, parent: Option<OrgId>| {
        let admin = admin.clone();
        async move {
            let new = NewOrganisation::new(name.parse().unwrap_or_else(|e| panic!("{e}")), kind);
            let new = match parent {
                Some(p) => new.under(p),
                None => new,
            };
            admin
                .orgs()
                .create(new)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .id
        }
    };
    let county = mk("中共某县委".into(), OrgKind::GrassrootsCommittee, None).await;
    let mut generals = Vec::new();
    for g in 0..GENERAL {
        generals.push(mk(format!("第{g}党总支"), OrgKind::GeneralBranch, Some(county)).await);
    }
    let mut branches = Vec::new();
    for b in 0..BRANCHES {
        let parent = generals[b % GENERAL];
        branches.push(
            mk(
                format!("第{b}党支部"),
                OrgKind::Branch(BranchForm::Physical),
                Some(parent),
            )
            .await,
        );
    }
    let tree = store.org_tree().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tree.len(), 1 + GENERAL + BRANCHES);
    let orgs: Vec<OrgId> = std::iter::once(county)
        .chain(generals.iter().copied())
        .chain(branches.iter().copied())
        .collect();
    for n in 0..ITEMS {
        let org = orgs[n % orgs.len()];
        let other = orgs[(n * 7 + 3) % orgs.len()];
        let (new, publish) = item(n, org, other);
        let stored = store
            .insert_item(new, Effects::none())
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        if let Some((_, withdraw)) = publish {
            let mut i: Item = stored
                .review(official(org), Checks::passed(), None, stamp(2))
                .and_then(|i| i.approve(official(org), false, stamp(3)))
                .and_then(|i| i.publish(None, None, stamp(4)))
                .unwrap_or_else(|e| panic!("{e}"));
            if withdraw {
                i = i
                    .withdraw(
                        Content::new("撤回").unwrap_or_else(|e| panic!("{e}")),
                        stamp(5),
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            store
                .update_item(i, Effects::none())
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    let reg = Registration::new(
        "张三".parse().unwrap_or_else(|e| panic!("{e}")),
        "11010519491231002X"
            .parse()
            .unwrap_or_else(|e| panic!("{e}")),
        branches[0],
        Entry::Import(ImportedStage::Full {
            joined_on: date(2000, 7, 1),
            full_since: date(2001, 7, 1),
        }),
    );
    let member = admin
        .members()
        .register_approved(reg)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .id();
    County {
        dj,
        general: generals[0],
        member,
    }
}

fn feeds(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let county = rt.block_on(build());
    let info = FeedInfo::new(
        "https://dj.example.cn/feeds/public",
        "党务公开",
        "中共某县委",
    );
    let mut group = c.benchmark_group("disclosure_feed_county");
    group.sample_size(20);
    let readers = [
        ("public", Actor::public()),
        ("member", Actor::member(county.member)),
        (
            "general_branch_officer",
            Actor::committee_officer(None, county.general),
        ),
    ];
    for (name, actor) in readers {
        let session = county.dj.act_as(&actor);
        let n = rt
            .block_on(session.disclosure().feed(&info))
            .unwrap_or_else(|e| panic!("{e}"))
            .matches("<entry>")
            .count();
        println!("{name}: {n} entries in the feed");
        group.bench_function(name, |b| {
            b.to_async(&rt).iter(|| async {
                black_box(
                    session
                        .disclosure()
                        .feed(&info)
                        .await
                        .unwrap_or_default()
                        .len(),
                )
            })
        });
    }
    // The pure filter alone, over the stored items (no clone, no XML).
    let store = county.dj.store().clone();
    let items = rt
        .block_on(store.published_items(PublishedRead::oldest_first(ITEMS)))
        .unwrap_or_else(|e| panic!("{e}"));
    let tree = rt
        .block_on(store.org_tree())
        .unwrap_or_else(|e| panic!("{e}"));
    group.bench_function("reaches_filter_public", |b| {
        b.iter(|| {
            items
                .iter()
                .filter(|i| reaches(i, &Reader::Public, &tree, date(2026, 3, 10)))
                .count()
        })
    });
    // The largest feed a portal may ask for (1,000 entries), for a member.
    let session = county.dj.act_as(&Actor::member(county.member));
    let big = info.clone().entries(FeedInfo::MAX_ENTRIES);
    group.bench_function("member_1000_entries", |b| {
        b.to_async(&rt).iter(|| async {
            black_box(
                session
                    .disclosure()
                    .feed(&big)
                    .await
                    .unwrap_or_default()
                    .len(),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, feeds);
criterion_main!(benches);
