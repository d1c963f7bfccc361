//! 党务公开存储一致性 (disclosure conformance): items of every class read
//! back as stored (a classified item without content), ids increase,
//! updates go under their version, what never changes is refused with
//! nothing stored, the published list holds published items only, notices
//! are found by their subjects, applications round-trip, and effects are
//! stored with a write and never with a refused one. Items are built
//! through the core's own workflow ([`Item::review`], [`Item::approve`] …).

use super::dump::dump;
use super::fixtures::two_branches;
use crate::disclosure::{
    Application, Checks, Class, Content, Decision, Item, ItemKind, NewApplication, NewItem,
    Official, Plan, Propose, Publicity, Purpose, Reach, Scope, Secrecy, Stamp, Title,
};
use crate::office::{NewOfficeHolder, OfficeHolder, OfficeId, Post, Source};
use crate::store::{Effects, NewJournalEntry, PublishedRead, Store, StoreErrorKind, Stream};
use crate::{ApplicationId, ItemId, MemberId, OrgId};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 2, 0, 0).unwrap()
}

fn stamp(day: u32) -> Stamp {
    Stamp::new(None, at(day))
}

fn text(s: &str) -> Content {
    Content::new(s).unwrap()
}

fn title(s: &str) -> Title {
    Title::new(s).unwrap()
}

/// The secretary of `org` (member 7), an official for every step.
pub(super) fn official(org: OrgId) -> Official {
    let member = MemberId::new(7);
    let source = Source::Appointed { by: org };
    let holding = NewOfficeHolder::new(
        org,
        member,
        Post::Secretary,
        source,
        NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2029, 1, 1).unwrap(),
    );
    let held = OfficeHolder::from_parts(OfficeId::new(1), holding, None);
    Official::check(member, org, &[Post::Secretary], &[held], d(2)).unwrap()
}

/// A disclosable item of `org` for its own members, proposed on day 2.
pub(super) fn disclosable(org: OrgId, name: &str, content: &str) -> NewItem {
    let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], d(9)).unwrap();
    let req = Propose::disclosable(org, ItemKind::Dues, title(name), text(content), plan);
    NewItem::propose(req, stamp(2), None).unwrap()
}

fn not_suitable(org: OrgId, name: &str, content: &str) -> NewItem {
    let req = Propose::not_suitable(org, ItemKind::Other, title(name), text(content));
    NewItem::propose(req, stamp(2), None).unwrap()
}

fn classified(org: OrgId, name: &str) -> NewItem {
    let req = Propose::classified(org, ItemKind::Other, title(name));
    NewItem::propose(req, stamp(2), None).unwrap()
}

/// A pre-admission notice (公示) of `org` naming `subjects`.
fn notice(org: OrgId, name: &str, subjects: &[u64]) -> NewItem {
    let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], d(9))
        .unwrap()
        .until(d(13))
        .unwrap();
    let publicity = Publicity::new(
        Purpose::PreAdmission,
        subjects.iter().map(|m| MemberId::new(*m)),
    )
    .unwrap();
    let req = Propose::disclosable(
        org,
        ItemKind::ElectionsAdmissionsAppraisal,
        title(name),
        text("拟发展对象公示"),
        plan,
    )
    .notice(publicity);
    NewItem::propose(req, stamp(2), None).unwrap()
}

/// Reviews a stored item (as passed, or as `secrecy` finds) and stores it.
pub(super) async fn review(store: &Arc<dyn Store>, item: Item, secrecy: Secrecy) -> Item {
    let checks = Checks {
        secrecy,
        ..Checks::passed()
    };
    let org = item.org();
    let reviewed = item.review(official(org), checks, None, stamp(3)).unwrap();
    store.update_item(reviewed, Effects::none()).await.unwrap()
}

async fn approve(store: &Arc<dyn Store>, item: Item) -> Item {
    let org = item.org();
    let approved = item.approve(official(org), false, stamp(4)).unwrap();
    store.update_item(approved, Effects::none()).await.unwrap()
}

async fn publish(store: &Arc<dyn Store>, item: Item) -> Item {
    let published = item.publish(None, None, stamp(9)).unwrap();
    store.update_item(published, Effects::none()).await.unwrap()
}

async fn withdraw(store: &Arc<dyn Store>, item: Item) -> Item {
    let withdrawn = item.withdraw(text("内容有误"), stamp(10)).unwrap();
    store.update_item(withdrawn, Effects::none()).await.unwrap()
}

async fn insert(store: &Arc<dyn Store>, new: NewItem) -> Item {
    store.insert_item(new, Effects::none()).await.unwrap()
}

/// `item` with its serde form changed by `change`: what a careless or
/// hostile caller can hand a store.
fn tampered(item: &Item, change: impl FnOnce(&mut serde_json::Value)) -> Item {
    let mut v = serde_json::to_value(item).unwrap();
    change(&mut v);
    serde_json::from_value(v).unwrap()
}

fn note(body: &str) -> Effects {
    Effects::none().with_journal(NewJournalEntry::new(
        Stream::new("audit").unwrap(),
        at(2),
        body,
    ))
}

async fn audit(store: &Arc<dyn Store>) -> Vec<String> {
    store
        .journal(&Stream::new("audit").unwrap(), None, 1_000)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.body)
        .collect()
}

pub(super) async fn items_round_trip_by_class(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let open = insert(
        &store,
        disclosable(a, "一季度党费收缴", "应收 12 人，实收 12 人。"),
    )
    .await;
    let kept = insert(&store, not_suitable(a, "内部事项", "仅供支部委员会掌握。")).await;
    let secret = insert(&store, classified(b, "X")).await;
    assert!(
        open.id() < kept.id() && kept.id() < secret.id(),
        "ids increase"
    );
    for (item, class) in [
        (&open, Class::Disclosable),
        (&kept, Class::NotSuitable),
        (&secret, Class::Classified),
    ] {
        assert_eq!(item.class(), class);
        assert_eq!(item.version(), 1);
        assert_eq!(store.item(item.id()).await.unwrap().as_ref(), Some(item));
    }
    let back = store.item(secret.id()).await.unwrap().unwrap();
    assert!(back.content().is_none(), "a classified item has no content");
    assert!(back.stage().is_none() && back.disclosable().is_none());
    assert_eq!(back.title().as_str(), "X");
    assert_eq!(
        store.item(kept.id()).await.unwrap().unwrap().content(),
        Some(&text("仅供支部委员会掌握。"))
    );
    assert_eq!(store.item(ItemId::new(999)).await.unwrap(), None);
    assert_eq!(
        store.items_of(&[a]).await.unwrap(),
        vec![open.clone(), kept.clone()]
    );
    assert_eq!(
        store.items_of(&[b, a, a]).await.unwrap(),
        vec![open.clone(), kept, secret.clone()]
    );
    assert!(store.items_of(&[c]).await.unwrap().is_empty());
    assert!(store.items_of(&[]).await.unwrap().is_empty());
    let next = insert(&store, classified(a, "Y")).await;
    assert!(next.id() > secret.id());
    // Through the workflow, every stage reads back as stored.
    let reviewed = review(&store, open, Secrecy::Clear).await;
    assert_eq!(reviewed.version(), 2);
    assert_eq!(
        store.item(reviewed.id()).await.unwrap(),
        Some(reviewed.clone())
    );
    let approved = approve(&store, reviewed).await;
    let published = publish(&store, approved).await;
    assert_eq!(published.version(), 4);
    assert_eq!(store.item(published.id()).await.unwrap(), Some(published));
}

pub(super) async fn updates_go_under_their_version(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let item = insert(&store, disclosable(a, "事项", "内容")).await;
    let reviewed = item
        .clone()
        .review(official(a), Checks::passed(), None, stamp(3))
        .unwrap();
    let stored = store
        .update_item(reviewed.clone(), note("reviewed"))
        .await
        .unwrap();
    assert_eq!(stored.version(), item.version() + 1);
    assert_eq!(store.item(item.id()).await.unwrap(), Some(stored.clone()));
    // The same write again: its version is stale.
    let before = dump(&*store, &[]).await.unwrap();
    let err = store
        .update_item(reviewed, note("stale"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Conflict, "{err}");
    // An item the store never gave out.
    let ghost = tampered(&stored, |v| v["id"] = 999.into());
    let err = store.update_item(ghost, note("ghost")).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::NotFound, "{err}");
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert_eq!(store.item(item.id()).await.unwrap(), Some(stored));
    assert_eq!(audit(&store).await, ["reviewed"]);
}

pub(super) async fn what_never_changes_is_refused(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let open = insert(&store, disclosable(a, "事项", "内容")).await;
    let secret = insert(&store, classified(a, "X")).await;
    let kept = insert(&store, not_suitable(a, "内部", "内部内容")).await;
    let reviewed = review(
        &store,
        insert(&store, disclosable(a, "另一事项", "内容")).await,
        Secrecy::Classified,
    )
    .await;
    assert_eq!(reviewed.class(), Class::Classified);
    assert!(
        reviewed.content().is_none(),
        "the review dropped the content"
    );
    let before = dump(&*store, &[]).await.unwrap();
    let body = serde_json::to_value(&open).unwrap()["body"].clone();
    let refused = [
        (
            "another organisation",
            tampered(&open, |v| v["org"] = b.get().into()),
        ),
        (
            "another kind",
            tampered(&open, |v| v["kind"] = "other".into()),
        ),
        (
            "another title",
            tampered(&open, |v| v["title"] = "新标题".into()),
        ),
        (
            "another proposal",
            tampered(&open, |v| {
                v["proposed"]["at"] = "2026-03-01T00:00:00Z".into()
            }),
        ),
        (
            "a rewritten history",
            tampered(&open, |v| v["history"] = serde_json::json!([])),
        ),
        (
            "classified made disclosable",
            tampered(&secret, |v| v["body"] = body.clone()),
        ),
        (
            "not suitable made disclosable",
            tampered(&kept, |v| v["body"] = body.clone()),
        ),
        (
            "reviewed classified made disclosable",
            tampered(&reviewed, |v| v["body"] = body.clone()),
        ),
        (
            "classified made not suitable",
            tampered(&secret, |v| {
                v["body"] = serde_json::json!({"class": "not_suitable", "content": "内容"});
            }),
        ),
    ];
    for (what, item) in refused {
        let err = store.update_item(item, note(what)).await.unwrap_err();
        assert_eq!(err.kind(), &StoreErrorKind::Rejected, "{what}: {err}");
    }
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert!(audit(&store).await.is_empty());
    // What may change still does: a classified item rewritten as itself.
    let again = store
        .update_item(secret.clone(), Effects::none())
        .await
        .unwrap();
    assert_eq!((again.class(), again.version()), (Class::Classified, 2));
}

pub(super) async fn published_items_are_the_published_only(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let proposed = insert(&store, disclosable(a, "已提出", "内容")).await;
    let reviewed = review(
        &store,
        insert(&store, disclosable(a, "已审查", "内容")).await,
        Secrecy::Clear,
    )
    .await;
    let approved = insert(&store, disclosable(b, "已审批", "内容")).await;
    let approved = approve(&store, review(&store, approved, Secrecy::Clear).await).await;
    let first = insert(&store, disclosable(a, "已公开一", "内容")).await;
    let first = publish(
        &store,
        approve(&store, review(&store, first, Secrecy::Clear).await).await,
    )
    .await;
    let gone = insert(&store, disclosable(a, "已撤回", "内容")).await;
    let gone = publish(
        &store,
        approve(&store, review(&store, gone, Secrecy::Clear).await).await,
    )
    .await;
    let gone = withdraw(&store, gone).await;
    let refused = insert(&store, disclosable(a, "不予公开", "内容")).await;
    let checks = Checks {
        necessary: false,
        ..Checks::passed()
    };
    let refused = refused.review(official(a), checks, None, stamp(3)).unwrap();
    let refused = store.update_item(refused, Effects::none()).await.unwrap();
    let kept = review(
        &store,
        insert(&store, disclosable(a, "不宜公开", "内容")).await,
        Secrecy::NotSuitable,
    )
    .await;
    let secret = review(
        &store,
        insert(&store, disclosable(a, "涉密", "内容")).await,
        Secrecy::Classified,
    )
    .await;
    insert(&store, classified(a, "X")).await;
    let second = insert(&store, disclosable(b, "已公开二", "内容")).await;
    let second = publish(
        &store,
        approve(&store, review(&store, second, Secrecy::Clear).await).await,
    )
    .await;
    let all = PublishedRead::oldest_first(1_000);
    assert_eq!(
        store.published_items(all).await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    // The range and the direction.
    let newest = PublishedRead::newest_first(1);
    assert_eq!(
        store.published_items(newest).await.unwrap(),
        vec![second.clone()]
    );
    assert_eq!(
        store
            .published_items(newest.before(second.id()))
            .await
            .unwrap(),
        vec![first.clone()]
    );
    assert_eq!(
        store
            .published_items(PublishedRead::oldest_first(5).after(first.id()))
            .await
            .unwrap(),
        vec![second.clone()]
    );
    assert_eq!(
        store
            .published_items(all.after(second.id()).before(first.id()))
            .await
            .unwrap(),
        vec![]
    );
    for i in [&proposed, &reviewed, &approved, &gone, &refused] {
        assert!(
            i.publication().is_none(),
            "{:?}",
            i.stage().map(|s| s.name())
        );
    }
    assert_eq!(
        (kept.class(), secret.class()),
        (Class::NotSuitable, Class::Classified)
    );
    // Withdrawing one takes it off the list.
    withdraw(&store, first).await;
    assert_eq!(store.published_items(all).await.unwrap(), vec![second]);
}

pub(super) async fn notices_are_found_by_their_subjects(store: Arc<dyn Store>) {
    let (_, a, b) = two_branches(&store).await;
    let one = insert(&store, notice(a, "发展对象公示一", &[101, 102])).await;
    let two = insert(&store, notice(b, "发展对象公示二", &[102])).await;
    insert(&store, disclosable(a, "普通事项", "内容")).await;
    let about = |m: u64| {
        let store = Arc::clone(&store);
        async move { store.notices_about(MemberId::new(m)).await.unwrap() }
    };
    assert_eq!(about(101).await, vec![one.clone()]);
    assert_eq!(about(102).await, vec![one.clone(), two.clone()]);
    assert!(about(103).await.is_empty());
    // The subjects follow each write: a reviewed notice is still found as
    // stored; one the review finds classified names nobody any more.
    let reviewed = review(&store, one, Secrecy::Clear).await;
    assert_eq!(about(101).await, vec![reviewed.clone()]);
    let secret = review(&store, two, Secrecy::Classified).await;
    assert!(secret.disclosable().is_none());
    assert_eq!(about(102).await, vec![reviewed]);
}

fn application(org: OrgId, applicant: u64, about: &str) -> NewApplication {
    NewApplication {
        org,
        applicant: MemberId::new(applicant),
        about: text(about),
        received_on: d(2),
    }
}

pub(super) async fn applications_round_trip_under_their_version(store: Arc<dyn Store>) {
    let (c, a, b) = two_branches(&store).await;
    let first = store
        .insert_application(application(a, 11, "请公开党费使用情况"), note("applied"))
        .await
        .unwrap();
    let second = store
        .insert_application(application(b, 12, "请公开评议结果"), Effects::none())
        .await
        .unwrap();
    assert!(first.id() < second.id());
    assert_eq!(first.version(), 1);
    assert_eq!(
        store.application(first.id()).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.application(ApplicationId::new(999)).await.unwrap(),
        None
    );
    assert_eq!(
        store.applications_of(&[b, a]).await.unwrap(),
        vec![first.clone(), second.clone()]
    );
    assert!(store.applications_of(&[c]).await.unwrap().is_empty());
    let rules = crate::disclosure::ApplicationRules::default();
    let cal = crate::period::WorkCalendar::weekdays_only();
    let decided = first
        .clone()
        .decide(
            Decision::Refused {
                reason: text("涉及个人隐私"),
            },
            stamp(3),
            &rules,
            &cal,
        )
        .unwrap();
    let stored = store
        .update_application(decided.clone(), note("decided"))
        .await
        .unwrap();
    assert_eq!(stored.version(), 2);
    assert_eq!(
        store.application(first.id()).await.unwrap(),
        Some(stored.clone())
    );
    let before = dump(&*store, &[]).await.unwrap();
    let err = store
        .update_application(decided, note("stale"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Conflict, "{err}");
    let ghost = tampered_application(&second, |v| v["id"] = 999.into());
    let err = store
        .update_application(ghost, note("ghost"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::NotFound, "{err}");
    let changes: [(&str, Edit); 4] = [
        ("organisation", |v| v["org"] = 1.into()),
        ("applicant", |v| v["applicant"] = 13.into()),
        ("content", |v| v["about"] = "别的内容".into()),
        ("day", |v| v["received_on"] = "2026-03-01".into()),
    ];
    for (what, change) in changes {
        let err = store
            .update_application(tampered_application(&second, change), note(what))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), &StoreErrorKind::Rejected, "{what}: {err}");
    }
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert_eq!(store.application(second.id()).await.unwrap(), Some(second));
    assert_eq!(audit(&store).await, ["applied", "decided"]);
}

/// A change to a value's serde form.
type Edit = fn(&mut serde_json::Value);

fn tampered_application(
    a: &Application,
    change: impl FnOnce(&mut serde_json::Value),
) -> Application {
    let mut v = serde_json::to_value(a).unwrap();
    change(&mut v);
    serde_json::from_value(v).unwrap()
}

pub(super) async fn writes_commit_their_effects_or_none(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let item = store
        .insert_item(disclosable(a, "事项", "内容"), note("proposed"))
        .await
        .unwrap();
    let reviewed = item
        .review(official(a), Checks::passed(), None, stamp(3))
        .unwrap();
    let reviewed = store.update_item(reviewed, note("reviewed")).await.unwrap();
    assert_eq!(audit(&store).await, ["proposed", "reviewed"]);
    // An activity-record entry about nobody stored: refused with the write.
    let ghost = || {
        Effects::record(super::fixtures::entry(MemberId::new(999_999), "x")).with_journal(
            NewJournalEntry::new(Stream::new("audit").unwrap(), at(2), "ghost"),
        )
    };
    let before = dump(&*store, &[]).await.unwrap();
    let err = store
        .insert_item(classified(a, "X"), ghost())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            StoreErrorKind::NotFound | StoreErrorKind::Rejected
        ),
        "{err}"
    );
    let approved = reviewed
        .clone()
        .approve(official(a), false, stamp(4))
        .unwrap();
    let err = store
        .update_item(approved.clone(), ghost())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            StoreErrorKind::NotFound | StoreErrorKind::Rejected
        ),
        "{err}"
    );
    let err = store
        .insert_application(application(a, 11, "申请"), ghost())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            StoreErrorKind::NotFound | StoreErrorKind::Rejected
        ),
        "{err}"
    );
    assert_eq!(dump(&*store, &[]).await.unwrap(), before);
    assert_eq!(store.item(reviewed.id()).await.unwrap(), Some(reviewed));
    assert!(store.item(ItemId::new(2)).await.unwrap().is_none());
    assert!(store.applications_of(&[a]).await.unwrap().is_empty());
    assert_eq!(audit(&store).await, ["proposed", "reviewed"]);
    // The refused write, retried without the bad effect, goes through.
    store.update_item(approved, note("approved")).await.unwrap();
    assert_eq!(audit(&store).await, ["proposed", "reviewed", "approved"]);
}

pub(super) async fn concurrent_updates_of_one_version_store_one(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let item = insert(&store, disclosable(a, "事项", "内容")).await;
    let tasks: Vec<_> = (0..16u32)
        .map(|i| {
            let store = Arc::clone(&store);
            let secrecy = if i % 2 == 0 {
                Secrecy::Clear
            } else {
                Secrecy::Classified
            };
            let checks = Checks {
                secrecy,
                ..Checks::passed()
            };
            let next = item
                .clone()
                .review(official(a), checks, None, stamp(3))
                .unwrap();
            tokio::spawn(async move { store.update_item(next, note(&format!("try {i}"))).await })
        })
        .collect();
    let mut won = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            Ok(stored) => won.push(stored),
            Err(e) => assert_eq!(e.kind(), &StoreErrorKind::Conflict, "{e}"),
        }
    }
    assert_eq!(won.len(), 1);
    assert_eq!(store.item(item.id()).await.unwrap().as_ref(), won.first());
    assert_eq!(audit(&store).await.len(), 1);
}
