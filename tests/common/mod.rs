//! Shared fixtures for the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, IdNumber, Member, Registration};
use dangjian::org::{BranchForm, NewOrganisation, OnlineTheme, OrgKind};
use dangjian::store::{MemoryStore, Store};
use dangjian::{Dangjian, MemberId, OrgId};
use std::sync::Arc;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A valid identity number born on `birth` (YYYYMMDD) with sequence `seq`.
pub fn id_number(birth: &str, seq: u32) -> IdNumber {
    let first17 = format!("110105{birth}{:03}", seq % 1000);
    let check = dangjian::member::check_character(&first17).unwrap();
    format!("{first17}{check}").parse().unwrap()
}

/// A distinct valid identity number for member number `n`.
pub fn nth_id_number(n: u32) -> IdNumber {
    let day = d(1960, 1, 1) + chrono::Duration::days(i64::from(n / 1000));
    id_number(&day.format("%Y%m%d").to_string(), n % 1000)
}

pub struct World {
    pub dj: Dangjian,
    pub clock: Arc<FixedClock>,
    pub committee: OrgId,
    pub general: OrgId,
    pub branch_a: OrgId,
    pub branch_b: OrgId,
    pub group_a: OrgId,
    pub online: OrgId,
    pub elsewhere: OrgId,
}

impl World {
    pub fn admin(&self) -> Actor {
        Actor::platform_admin()
    }
    pub fn committee_officer(&self) -> Actor {
        Actor::committee_officer(MemberId::new(900), self.committee)
    }
    pub fn secretary_a(&self) -> Actor {
        Actor::branch_officer(MemberId::new(901), self.branch_a)
    }
    pub fn secretary_b(&self) -> Actor {
        Actor::branch_officer(MemberId::new(902), self.branch_b)
    }
    pub fn elsewhere_officer(&self) -> Actor {
        Actor::branch_officer(MemberId::new(903), self.elsewhere)
    }

    /// Posts a pre-admission notice (公示) about `subject` (of branch A or
    /// B) from the general branch above them, as its secretary (member `n`
    /// of branch B, appointed for the purpose, so branch A's roll does not
    /// change): proposed, reviewed, approved and published 20 days before
    /// today, for the shortest period the rule allows, so that it has
    /// ended today.
    pub async fn post_admission_notice(&self, subject: MemberId, n: u32) -> dangjian::ItemId {
        let branch = self.general;
        use dangjian::clock::Clock as _;
        use dangjian::disclosure::{
            Approve, Checks, Content, ItemKind, Plan, Propose, Publicity, Publish, Purpose, Reach,
            ReviewItem, Scope, Title,
        };
        use dangjian::office::{Appoint, Post};
        let today = self.clock.today();
        let posted = today - chrono::Days::new(20);
        let secretary = self.full_member(self.branch_b, n).await.id();
        self.dj
            .act_as(&self.committee_officer())
            .offices()
            .appoint(Appoint::new(branch, secretary, Post::Secretary).from(posted))
            .await
            .unwrap();
        let rule = self
            .dj
            .rules()
            .disclosure
            .publicity
            .rule(Purpose::PreAdmission, posted)
            .unwrap()
            .rules;
        let tree = self.dj.store().org_tree().await.unwrap();
        let cal = self.dj.rules().calendar.for_org(branch, &tree);
        let last = rule.earliest_end(posted, cal).unwrap();
        self.clock.set_date(posted);
        let sec = self.dj.act_as(&Actor::committee_officer(secretary, branch));
        let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], posted)
            .unwrap()
            .until(last)
            .unwrap();
        let req = Propose::disclosable(
            branch,
            ItemKind::ElectionsAdmissionsAppraisal,
            Title::new("发展党员公示").unwrap(),
            Content::new("拟接收为预备党员，公示期间如有意见请反映。").unwrap(),
            plan,
        )
        .notice(Publicity::new(Purpose::PreAdmission, [subject]).unwrap());
        let item = sec.disclosure().propose(req).await.unwrap();
        let d = sec.disclosure();
        d.review(ReviewItem::new(item.id(), Checks::passed()))
            .await
            .unwrap();
        d.approve(Approve::new(item.id())).await.unwrap();
        d.publish(Publish::new(item.id())).await.unwrap();
        self.clock.set_date(today);
        item.id()
    }

    /// Registers and approves a full member of `home`.
    pub async fn full_member(&self, home: OrgId, n: u32) -> Member {
        let reg = Registration::new(
            "测试党员".parse().unwrap(),
            nth_id_number(n),
            home,
            Entry::Import(ImportedStage::Full {
                joined_on: d(2000, 7, 1),
                full_since: d(2001, 7, 1),
            }),
        );
        let officer = self.dj.act_as(&self.committee_officer());
        let m = officer.members().register(reg).await.unwrap();
        officer.members().approve(m.id()).await.unwrap()
    }
}

/// committee ─┬─ general ─┬─ branch A ── group A
///            │           └─ branch B
///            └─ online branch
/// elsewhere (another root: a mobile member's current location)
pub async fn world_on(store: Arc<dyn Store>, today: NaiveDate) -> World {
    let clock = Arc::new(FixedClock::on_date(today));
    let dj = Dangjian::builder()
        .store(store)
        .clock(clock.clone())
        .build();
    let admin = dj.act_as(&Actor::platform_admin());
    let mk = |name: &str, kind: OrgKind, parent: Option<OrgId>| {
        let admin = admin.clone();
        let new = NewOrganisation::new(name.parse().unwrap(), kind);
        let new = match parent {
            Some(p) => new.under(p),
            None => new,
        };
        async move { admin.orgs().create(new).await.unwrap().id }
    };
    let physical = || OrgKind::Branch(BranchForm::Physical);
    let committee = mk("某某公司党委", OrgKind::GrassrootsCommittee, None).await;
    let general = mk("研发党总支", OrgKind::GeneralBranch, Some(committee)).await;
    let branch_a = mk("第一党支部", physical(), Some(general)).await;
    let branch_b = mk("第二党支部", physical(), Some(general)).await;
    let group_a = mk("第一党小组", OrgKind::PartyGroup, Some(branch_a)).await;
    let online = mk(
        "流动党员网上党支部",
        OrgKind::Branch(BranchForm::Online {
            theme: OnlineTheme::MobileMembers,
        }),
        Some(committee),
    )
    .await;
    let elsewhere = mk("深圳软件园联合党支部", physical(), None).await;
    World {
        dj,
        clock,
        committee,
        general,
        branch_a,
        branch_b,
        group_a,
        online,
        elsewhere,
    }
}

pub async fn world() -> World {
    world_on(Arc::new(MemoryStore::new()), d(2024, 6, 1)).await
}
