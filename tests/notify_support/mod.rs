//! What the notification tests share: a channel that records what it is
//! given, and a branch of members reachable by e-mail, SMS or not at all.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crate::common::{World, d, nth_id_number, world_on};
use async_trait::async_trait;
use dangjian::access::Actor;
use dangjian::election::{BallotPaper, Body, Cast, ElectionBuilder, Mark, OpenElection, VoteId};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Contact, Entry, Registration};
use dangjian::notify::{
    Accepted, Broadcast, Channel, ChannelStatus, DeliverOptions, MessageFilter, Notifications,
    Notifier, Notifiers, OrgSettings, OutgoingMessage, Selection, SendError,
};
use dangjian::office::{Appoint, Post};
use dangjian::store::Store;
use dangjian::{Dangjian, MemberId};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// A channel that records what it is given and answers from a script
/// (then accepts).
pub struct Recorder {
    pub channel: Channel,
    pub dedup: bool,
    pub sent: Mutex<Vec<String>>,
    pub script: Mutex<VecDeque<SendError>>,
    pub status: Mutex<HashMap<String, ChannelStatus>>,
}

impl Recorder {
    pub fn new(channel: Channel, dedup: bool) -> Arc<Self> {
        Arc::new(Self {
            channel,
            dedup,
            sent: Mutex::new(Vec::new()),
            script: Mutex::new(VecDeque::new()),
            status: Mutex::new(HashMap::new()),
        })
    }
    pub fn fail_next(&self, e: SendError) {
        self.script.lock().unwrap().push_back(e);
    }
    pub fn sent(&self) -> Vec<String> {
        self.sent.lock().unwrap().clone()
    }
}

#[async_trait]
impl Notifier for Recorder {
    fn channel(&self) -> Channel {
        self.channel
    }
    fn deduplicates(&self) -> bool {
        self.dedup
    }
    async fn send(&self, m: &OutgoingMessage) -> Result<Accepted, SendError> {
        tokio::task::yield_now().await;
        if let Some(e) = self.script.lock().unwrap().pop_front() {
            if matches!(e, SendError::Unknown { .. }) {
                self.sent.lock().unwrap().push(m.idempotency_key.clone());
            }
            return Err(e);
        }
        self.sent.lock().unwrap().push(m.idempotency_key.clone());
        Ok(Accepted::new(Some(format!("id-{}", m.idempotency_key))))
    }
    async fn status(
        &self,
        m: &OutgoingMessage,
        _: Option<&str>,
    ) -> Result<Option<ChannelStatus>, SendError> {
        Ok(self.status.lock().unwrap().get(&m.idempotency_key).cloned())
    }
}

pub struct Setup {
    pub w: World,
    pub dj: Dangjian,
    pub members: Vec<MemberId>,
    pub email: Arc<Recorder>,
    pub sms: Arc<Recorder>,
}

impl Setup {
    pub fn notifiers(&self) -> Notifiers {
        Notifiers::new()
            .with(self.email.clone())
            .with(self.sms.clone())
    }
    pub fn job(&self) -> dangjian::Session {
        self.dj.act_as(&Actor::system("dispatcher"))
    }
    pub async fn deliver(&self, owner: &str) -> dangjian::notify::DeliveryReport {
        self.job()
            .notify()
            .deliver_due(&self.notifiers(), &DeliverOptions::new(owner))
            .await
            .unwrap()
    }
    /// The committee officer broadcasts "通知" under `key` to `members`.
    pub async fn send_to(&self, key: &str, members: Vec<MemberId>) {
        let b = Broadcast::new(self.w.committee, key, Selection::List(members), "通知");
        self.dj
            .act_as(&self.w.committee_officer())
            .notify()
            .broadcast(b)
            .await
            .unwrap();
    }

    pub async fn all(&self) -> Vec<dangjian::notify::StoredMessage> {
        self.dj
            .store()
            .messages(&MessageFilter::all(), None, 1_000)
            .await
            .unwrap()
    }
}

/// Branch A with `n` full members: the first three by e-mail, the fourth
/// by SMS only, the fifth with no channel, the rest by e-mail; member 0
/// appointed secretary. Notifications run e-mail and SMS, with a budget
/// of 1.00 yuan for 2024 at the committee.
pub async fn setup_on(store: Arc<dyn Store>, n: u32, settings: OrgSettings) -> Setup {
    let w = world_on(store, d(2024, 6, 3)).await;
    let notifications = Notifications::default()
        .channels(vec![Channel::Email, Channel::Sms])
        .sms(dangjian::notify::SmsSettings::default().broadcast_template("SMS_0100", "content"))
        .org(w.committee, settings);
    let dj = Dangjian::builder()
        .store(w.dj.store().clone())
        .clock(w.clock.clone())
        .notifications(notifications)
        .build();
    let officer = dj.act_as(&w.committee_officer());
    let mut members = Vec::new();
    for i in 0..n {
        let mut contact = Contact::default();
        match i {
            3 => contact.mobile = Some("13800138000".parse().unwrap()),
            4 => {}
            _ => contact.email = Some(format!("m{i}@example.com").parse().unwrap()),
        }
        let mut reg = Registration::new(
            "李四".parse().unwrap(),
            nth_id_number(100 + i),
            w.branch_a,
            Entry::Import(ImportedStage::Full {
                joined_on: d(2000, 7, 1),
                full_since: d(2001, 7, 1),
            }),
        );
        reg.contact = contact;
        let m = officer.members().register(reg).await.unwrap();
        members.push(officer.members().approve(m.id()).await.unwrap().id());
    }
    officer
        .offices()
        .appoint(Appoint::new(w.branch_a, members[0], Post::Secretary))
        .await
        .unwrap();
    Setup {
        w,
        dj,
        members,
        email: Recorder::new(Channel::Email, false),
        sms: Recorder::new(Channel::Sms, false),
    }
}

pub fn budget(yuan: &str) -> OrgSettings {
    OrgSettings::new().budget(2024, yuan.parse().unwrap())
}

/// Opens a secretary election in branch A among the first two members,
/// everyone votes for member 0, and the secretary closes it: the close
/// commits a `VoteClosed` event with it.
pub async fn close_vote(s: &Setup) -> VoteId {
    let sec = s.dj.act_as(&s.w.secretary_a());
    let setup = ElectionBuilder::new()
        .body(Body::Secretary)
        .seats(1)
        .candidates(s.members[..2].iter().copied());
    let v = sec
        .votes()
        .open_election(OpenElection::new(s.w.branch_a, setup))
        .await
        .unwrap();
    for m in &s.members {
        s.dj.act_as(&Actor::member(*m))
            .votes()
            .cast(Cast::new(
                v.id(),
                BallotPaper::new().mark(s.members[0], Mark::Yes),
            ))
            .await
            .unwrap();
    }
    sec.votes().close(v.id()).await.unwrap();
    v.id()
}
