//! The shipped channel adapters under the dispatcher (NOTE-10): against
//! each provider's local fake, what the API would silently drop is held
//! back by the store's rate limits instead, receipts come back as read or
//! dropped, and two dispatchers at once keep a per-recipient limit
//! together. Every fake listens on 127.0.0.1 only.

mod common;

#[path = "fakes/dingtalk.rs"]
mod dingtalk_fake;

use chrono::Duration;
use dangjian::access::Actor;
use dangjian::adapters::DingTalkWorkNotice;
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
