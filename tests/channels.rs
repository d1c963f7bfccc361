//! The shipped channel adapters under the dispatcher (NOTE-10): against
//! each provider's local fake, what the API would silently drop is held
//! back by the store's rate limits instead, receipts come back as read or
//! dropped, and two dispatchers at once keep a per-recipient limit
//! together. Every fake listens on 127.0.0.1 only.

mod common;

#[path = "fakes/dingtalk.rs"]
mod dingtalk_fake;
#[path = "fakes/feishu.rs"]
mod feishu_fake;
#[path = "fakes/wecom.rs"]
mod wecom_fake;

use chrono::Duration;
use dangjian::access::Actor;
use dangjian::adapters::{
    DingTalkWorkNotice, FeishuApp, FeishuAppConfig, WeComApp, WeComAppConfig,
};
use dangjian::clock::Clock;
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Contact, Entry, Registration};
use dangjian::notify::{
    Broadcast, Channel, DeliverOptions, DeliveryReport, MessageFilter, Notifications, Notifiers,
    Selection, Status, StoredMessage,
};
use dangjian::store::{MemoryStore, Store};
use dangjian::{Dangjian, MemberId};
use std::sync::Arc;

/// A committee whose members read `channel`, one member per contact.
struct World {
    w: common::World,
    dj: Dangjian,
    members: Vec<MemberId>,
}

impl World {
    async fn new(store: Arc<dyn Store>, channel: Channel, contacts: Vec<Contact>) -> Self {
        let w = common::world_on(store, common::d(2024, 6, 3)).await;
        let dj = Dangjian::builder()
            .store(w.dj.store().clone())
            .clock(w.clock.clone())
            .notifications(Notifications::default().channels(vec![channel]))
            .build();
        let officer = dj.act_as(&w.committee_officer());
        let mut members = Vec::new();
        for (i, c) in contacts.into_iter().enumerate() {
            let mut reg = Registration::new(
                "李明".parse().unwrap(),
                common::nth_id_number(500 + u32::try_from(i).unwrap()),
                w.branch_a,
                Entry::Import(ImportedStage::Full {
                    joined_on: common::d(2000, 7, 1),
                    full_since: common::d(2001, 7, 1),
                }),
            );
            reg.contact = c;
            let m = officer.members().register(reg).await.unwrap();
            members.push(officer.members().approve(m.id()).await.unwrap().id());
        }
        Self { w, dj, members }
    }

    async fn broadcast(&self, key: &str, to: Vec<MemberId>, text: &str) {
        let b = Broadcast::new(self.w.committee, key, Selection::List(to), text);
        self.dj
            .act_as(&self.w.committee_officer())
            .notify()
            .broadcast(b)
            .await
            .unwrap();
    }

    async fn deliver(&self, notifiers: &Notifiers, owner: &str) -> DeliveryReport {
        self.dj
            .act_as(&Actor::system("dispatcher"))
            .notify()
            .deliver_due(notifiers, &DeliverOptions::new(owner))
            .await
            .unwrap()
    }

    async fn all(&self) -> Vec<StoredMessage> {
        self.dj
            .store()
            .messages(&MessageFilter::all(), None, 1_000)
            .await
            .unwrap()
    }
}

fn dingtalk(id: &str) -> Contact {
    let mut c = Contact::default();
    c.im.dingtalk = Some(id.to_owned());
    c
}

#[tokio::test]
async fn dingtalk_repeats_are_held_to_the_next_day_not_dropped_and_receipts_come_back() {
    let w = World::new(
        Arc::new(MemoryStore::new()),
        Channel::DingTalk,
        vec![dingtalk("ding-zs"), dingtalk("ding-ls")],
    )
    .await;
    let fake = dingtalk_fake::start(w.w.clock.clone(), dingtalk_fake::Setup::default()).await;
    let notice = DingTalkWorkNotice::builder(
        dingtalk_fake::APP_KEY,
        dingtalk_fake::APP_SECRET,
        dingtalk_fake::AGENT_ID,
    )
    .base_url(fake.uri())
    .clock(w.w.clock.clone())
    .result_cache(std::time::Duration::ZERO)
    .build()
    .unwrap();
    let notifiers = Notifiers::new().with(Arc::new(notice));
    // The same text twice on one day: DingTalk would take both and drop
    // the second without a word.
    let text = "请于本周五前完成党员学习任务。";
    w.broadcast("first", w.members.clone(), text).await;
    w.broadcast("again", vec![w.members[0]], text).await;
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!((r.delivered, r.throttled), (2, 1), "{r:?}");
    assert!(fake.drops().is_empty(), "{:?}", fake.drops());
    // One call carried both members of the first broadcast.
    assert_eq!(fake.deliveries().len(), 2);
    let task = fake.deliveries()[0].task_id.to_string();
    // 李明 reads it; the next run asks and records the read.
    assert!(fake.read("ding-zs", &task));
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!((r.read, r.dropped, r.delivered), (1, 0, 0), "{r:?}");
    // A day later the repeat goes, and is delivered, not dropped.
    w.w.clock.set(w.w.clock.now() + Duration::days(1));
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!(r.delivered, 1, "{r:?}");
    assert_eq!(fake.deliveries().len(), 3);
    assert!(fake.drops().is_empty());
    let all = w.all().await;
    assert!(all.iter().all(|m| m.status == Status::Delivered), "{all:?}");
    assert_eq!(all.iter().filter(|m| m.read_at.is_some()).count(), 1);
}

#[tokio::test]
async fn a_drop_the_limiter_could_not_see_comes_back_as_a_dead_letter() {
    // Another system sent the same text to 李四 today (outside this
    // library's limits): DingTalk accepts ours and drops it; the receipt
    // pass finds it in the forbidden list.
    let w = World::new(
        Arc::new(MemoryStore::new()),
        Channel::DingTalk,
        vec![dingtalk("ding-ls")],
    )
    .await;
    let fake = dingtalk_fake::start(w.w.clock.clone(), dingtalk_fake::Setup::default()).await;
    let build = || {
        DingTalkWorkNotice::builder(
            dingtalk_fake::APP_KEY,
            dingtalk_fake::APP_SECRET,
            dingtalk_fake::AGENT_ID,
        )
        .base_url(fake.uri())
        .clock(w.w.clock.clone())
        .result_cache(std::time::Duration::ZERO)
        .build()
        .unwrap()
    };
    let text = "请参加七一主题党日。";
    let elsewhere = build();
    let first = dangjian::notify::OutgoingMessage::new(
        "other-system",
        Channel::DingTalk,
        "ding-ls",
        "李四",
        text,
    );
    use dangjian::notify::Notifier;
    elsewhere.send(&first).await.unwrap();
    let notifiers = Notifiers::new().with(Arc::new(build()));
    w.broadcast("ours", w.members.clone(), text).await;
    // The run that sends it also asks about it afterwards.
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!((r.delivered, r.dropped), (1, 1), "{r:?}");
    assert_eq!(fake.drops().len(), 1);
    let m = &w.all().await[0];
    assert_eq!(m.status, Status::DeadLetter);
    assert!(
        m.last_error.as_deref().unwrap().contains("dropped after"),
        "{m:?}"
    );
}

fn wecom(id: &str) -> Contact {
    let mut c = Contact::default();
    c.im.wecom = Some(id.to_owned());
    c
}

fn wecom_app(fake: &wecom_fake::Fake, clock: &Arc<dangjian::clock::FixedClock>) -> WeComApp {
    WeComApp::new(
        WeComAppConfig::new(
            wecom_fake::CORP_ID,
            wecom_fake::CORP_SECRET,
            wecom_fake::AGENT_ID,
        )
        .base_url(fake.uri())
        .clock(clock.clone()),
    )
    .unwrap()
}

#[tokio::test]
async fn wecom_app_never_sends_a_member_past_30_a_minute() {
    let w = World::new(
        Arc::new(MemoryStore::new()),
        Channel::WeCom,
        vec![wecom("zhangsan")],
    )
    .await;
    let fake = wecom_fake::start(w.w.clock.clone()).await;
    let notifiers = Notifiers::new().with(Arc::new(wecom_app(&fake, &w.w.clock)));
    // Straight through the adapter, the 31st in a minute would be
    // dropped without a word (tests/wecom.rs shows the fake does). Under
    // the dispatcher it waits.
    for k in 0..31 {
        w.broadcast(&format!("n{k}"), w.members.clone(), &format!("第{k}条通知"))
            .await;
    }
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!((r.delivered, r.throttled), (30, 1), "{r:?}");
    assert!(fake.drops().is_empty(), "{:?}", fake.drops());
    w.w.clock.set(w.w.clock.now() + Duration::seconds(59));
    assert_eq!(
        w.deliver(&notifiers, "n1").await.claimed,
        0,
        "not before the window has room"
    );
    w.w.clock.set(w.w.clock.now() + Duration::seconds(1));
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!(r.delivered, 1, "{r:?}");
    assert_eq!(fake.delivered_to("zhangsan"), 31);
    assert!(fake.drops().is_empty());
}

/// Two OA nodes, each with its own store handle and its own adapter (its
/// own token), dispatch against the one WeCom at once: together they stay
/// within each member's 30 a minute, and WeCom drops nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dispatchers_against_the_wecom_fake_keep_each_members_limit_together() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("dj.db").display());
    let open = || async {
        Arc::new(
            dangjian::adapters::SqliteStore::connect(&url)
                .await
                .unwrap(),
        ) as Arc<dyn Store>
    };
    let ids = ["zhangsan", "lisi", "wangwu"];
    let w = World::new(
        open().await,
        Channel::WeCom,
        ids.iter().map(|i| wecom(i)).collect(),
    )
    .await;
    let fake = wecom_fake::start(w.w.clock.clone()).await;
    for k in 0..40 {
        w.broadcast(&format!("n{k}"), w.members.clone(), &format!("第{k}条通知"))
            .await;
    }
    let t0 = w.w.clock.now();
    for minute in 0..4 {
        w.w.clock.set(t0 + Duration::seconds(60 * minute));
        let mut nodes = Vec::new();
        for n in 0..2 {
            let dj = Dangjian::builder()
                .store(open().await)
                .clock(w.w.clock.clone())
                .notifications(Notifications::default().channels(vec![Channel::WeCom]))
                .build();
            let notifiers = Notifiers::new().with(Arc::new(wecom_app(&fake, &w.w.clock)));
            nodes.push(tokio::spawn(async move {
                let job = dj.act_as(&Actor::system("dispatcher"));
                let opts = DeliverOptions::new(format!("oa-node-{n}")).batch(7);
                for _ in 0..12 {
                    job.notify().deliver_due(&notifiers, &opts).await.unwrap();
                }
            }));
        }
        for n in nodes {
            n.await.unwrap();
        }
    }
    assert!(fake.drops().is_empty(), "WeCom dropped {:?}", fake.drops());
    for id in ids {
        assert_eq!(fake.delivered_to(id), 40, "{id}");
        let mut per_minute = std::collections::HashMap::<i64, u32>::new();
        for d in fake.deliveries().iter().filter(|d| d.user == id) {
            *per_minute
                .entry((d.at - t0).num_seconds() / 60)
                .or_default() += 1;
        }
        assert!(
            per_minute.values().all(|n| *n <= 30),
            "{id}: {per_minute:?}"
        );
        assert_eq!(
            per_minute.get(&0),
            Some(&30),
            "{id}: the first minute is used to the limit"
        );
    }
    let all = w.all().await;
    assert_eq!(all.len(), 120);
    assert!(all.iter().all(|m| m.status == Status::Delivered));
}

#[tokio::test]
async fn feishu_app_keeps_a_receivers_five_a_second() {
    let mut c = Contact::default();
    c.im.feishu = Some("ou_zhangsan".into());
    let w = World::new(Arc::new(MemoryStore::new()), Channel::Feishu, vec![c]).await;
    let fake = feishu_fake::start(w.w.clock.clone()).await;
    let app = FeishuApp::new(
        FeishuAppConfig::new(feishu_fake::APP_ID, feishu_fake::APP_SECRET)
            .base_url(fake.uri())
            .clock(w.w.clock.clone()),
    )
    .unwrap();
    let notifiers = Notifiers::new().with(Arc::new(app));
    for k in 0..7 {
        w.broadcast(&format!("f{k}"), w.members.clone(), &format!("第{k}条"))
            .await;
    }
    let r = w.deliver(&notifiers, "n1").await;
    assert_eq!((r.delivered, r.throttled), (5, 2), "{r:?}");
    assert!(fake.rejections().is_empty(), "{:?}", fake.rejections());
    w.w.clock.set(w.w.clock.now() + Duration::seconds(1));
    assert_eq!(w.deliver(&notifiers, "n1").await.delivered, 2);
    assert_eq!(fake.deliveries().len(), 7);
}
