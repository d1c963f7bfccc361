//! 党务公开 through the services: an item from proposal to publication,
//! the refusals (a classified item with content, a publish without a
//! review, a review by someone without the post, a period shorter than the
//! rule, a next step during the period), what each reader sees, the feed,
//! applications, and the steps that wait for a notice.

mod common;

use chrono::NaiveDate;
use common::{World, d, nth_id_number, world_on};
use dangjian::access::{ActedBy, Actor};
use dangjian::disclosure::{
    Action, ApplicationState, Apply, Approve, Audience, Checks, Class, Content, DecideApplication,
    Decision, DisclosureError, ExtendApplication, FeedInfo, Finding, ItemKind, Plan, ProposalForm,
    Propose, Publicity, Publish, Purpose, Reach, RecordObjection, ResolveObjection, ReviewItem,
    Scope, Secrecy, Title, Withdraw,
};
use dangjian::election::{MotionKind, OpenMotion};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, Member, Registration};
use dangjian::office::{Appoint, Post};
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Entity, Error, ItemId, MemberId, OrgId};
use std::sync::Arc;

/// Branch A with a secretary (member `sec`), the committee with its
/// secretary (member `csec`); the clock on Monday 2024-06-03.
struct Setup {
    w: World,
    sec: MemberId,
    csec: MemberId,
}

impl Setup {
    async fn new() -> Self {
        Self::on(d(2024, 6, 3)).await
    }

    async fn on(today: NaiveDate) -> Self {
        let w = world_on(Arc::new(MemoryStore::new()), today).await;
        let sec = w.full_member(w.branch_a, 1).await.id();
        let csec = w.full_member(w.branch_b, 2).await.id();
        let admin = w.dj.act_as(&Actor::platform_admin());
        admin
            .offices()
            .appoint(Appoint::new(w.branch_a, sec, Post::Secretary).from(d(2024, 1, 1)))
            .await
            .unwrap();
        // The committee's secretary, appointed as a higher committee would.
        let top = w.dj.act_as(&w.committee_officer());
        top.offices()
            .appoint(Appoint::new(w.general, csec, Post::Secretary).from(d(2024, 1, 1)))
            .await
            .ok();
        Self { w, sec, csec }
    }

    fn secretary(&self) -> dangjian::Session {
        self.w
            .dj
            .act_as(&Actor::branch_officer(self.sec, self.w.branch_a))
    }

    fn general_secretary(&self) -> dangjian::Session {
        self.w
            .dj
            .act_as(&Actor::committee_officer(self.csec, self.w.general))
    }

    fn today(&self) -> NaiveDate {
        use dangjian::clock::Clock as _;
        self.w.clock.today()
    }

    fn plan(&self, scope: Scope, channels: &[Reach]) -> Plan {
        Plan::new(scope, channels.iter().copied(), self.today()).unwrap()
    }

    async fn publish(&self, org: OrgId, scope: Scope, channels: &[Reach], title: &str) -> ItemId {
        let s = if org == self.w.general {
            self.general_secretary()
        } else {
            self.secretary()
        };
        let req = Propose::disclosable(
            org,
            ItemKind::Dues,
            Title::new(title).unwrap(),
            text("内容"),
            self.plan(scope, channels),
        );
        let item = s.disclosure().propose(req).await.unwrap();
        let h = s.disclosure();
        h.review(ReviewItem::new(item.id(), Checks::passed()))
            .await
            .unwrap();
        h.approve(Approve::new(item.id())).await.unwrap();
        h.publish(Publish::new(item.id())).await.unwrap().id()
    }

    async fn member(&self, n: u32, stage: ImportedStage) -> Member {
        let reg = Registration::new(
            "测试党员".parse().unwrap(),
            nth_id_number(n),
            self.w.branch_a,
            Entry::Import(stage),
        );
        let c = self.w.dj.act_as(&self.w.committee_officer());
        let m = c.members().register(reg).await.unwrap();
        c.members().approve(m.id()).await.unwrap()
    }
}

fn text(s: &str) -> Content {
    Content::new(s).unwrap()
}

fn disclosure_error(e: Error) -> DisclosureError {
    match e {
        Error::Disclosure(d) => d,
        other => panic!("not a disclosure error: {other:?}"),
    }
}

#[tokio::test]
async fn an_item_goes_from_proposal_to_publication_with_every_step_recorded() {
    let s = Setup::new().await;
    let sec = s.secretary();
    let req = Propose::disclosable(
        s.w.branch_a,
        ItemKind::Dues,
        Title::new("2024年5月党费收缴情况").unwrap(),
        text("应缴28人，实缴28人，合计1,240.50元。"),
        s.plan(Scope::Society, &[Reach::PublicBoard, Reach::PublicInternet]),
    );
    let item = sec.disclosure().propose(req).await.unwrap();
    let public = s.w.dj.act_as(&Actor::public());
    assert!(
        public
            .disclosure()
            .get(item.id())
            .await
            .unwrap_err()
            .is_not_found()
    );
    let h = sec.disclosure();
    h.review(ReviewItem::new(item.id(), Checks::passed()))
        .await
        .unwrap();
    h.approve(Approve::new(item.id())).await.unwrap();
    let done = h.publish(Publish::new(item.id())).await.unwrap();
    let steps: Vec<_> = done.history().iter().map(|st| st.action).collect();
    assert_eq!(
        steps,
        vec![
            Action::Proposed,
            Action::Reviewed {
                checks: Checks::passed()
            },
            Action::Approved { upward: false },
            Action::Published,
        ]
    );
    assert!(
        done.history()
            .iter()
            .all(|st| st.stamp.by == Some(ActedBy::Member(s.sec)))
    );
    let seen = public
        .disclosure()
        .published(PageRequest::default())
        .await
        .unwrap();
    assert_eq!(seen.items, vec![done.clone()]);
    let xml = public
        .disclosure()
        .feed(&FeedInfo::new(
            "urn:dangjian:feed:public",
            "党务公开",
            "某某公司党委",
        ))
        .await
        .unwrap();
    let feed: atom_syndication::Feed = xml.parse().unwrap();
    assert_eq!(feed.entries().len(), 1);
    assert_eq!(feed.entries()[0].title().as_str(), "2024年5月党费收缴情况");
}

#[tokio::test]
async fn a_classified_item_keeps_no_content_and_reaches_nobody() {
    let s = Setup::new().await;
    let sec = s.secretary();
    // Given content through a form: refused, nothing stored.
    let form: ProposalForm = serde_json::from_value(serde_json::json!({
        "org": s.w.branch_a.get(), "kind": "other", "title": "某涉密事项",
        "class": "classified", "content": "具体涉密内容",
    }))
    .unwrap();
    assert_eq!(
        Propose::try_from(form).unwrap_err(),
        DisclosureError::ClassifiedWithContent
    );
    let listed = sec
        .disclosure()
        .list(s.w.branch_a, PageRequest::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
    // As a placeholder: the officer sees title and class; nobody else sees
    // anything.
    let req = Propose::classified(
        s.w.branch_a,
        ItemKind::Other,
        Title::new("某涉密事项").unwrap(),
    );
    let item = sec.disclosure().propose(req).await.unwrap();
    assert_eq!(item.class(), Class::Classified);
    assert!(item.content().is_none());
    for e in [
        sec.disclosure()
            .review(ReviewItem::new(item.id(), Checks::passed()))
            .await,
        sec.disclosure().publish(Publish::new(item.id())).await,
    ] {
        assert!(matches!(
            disclosure_error(e.unwrap_err()),
            DisclosureError::NotDisclosable {
                class: Class::Classified
            }
        ));
    }
    let me = s.w.dj.act_as(&Actor::member(s.sec));
    assert!(
        me.disclosure()
            .get(item.id())
            .await
            .unwrap_err()
            .is_not_found()
    );
    // A disclosable proposal the review finds classified loses its content
    // in the store.
    let req = Propose::disclosable(
        s.w.branch_a,
        ItemKind::Other,
        Title::new("拟公开事项").unwrap(),
        text("审查后发现涉密"),
        s.plan(Scope::Society, &[Reach::PublicInternet]),
    );
    let item = sec.disclosure().propose(req).await.unwrap();
    let checks = Checks {
        secrecy: Secrecy::Classified,
        ..Checks::passed()
    };
    sec.disclosure()
        .review(ReviewItem::new(item.id(), checks))
        .await
        .unwrap();
    let stored = s.w.dj.store().item(item.id()).await.unwrap().unwrap();
    assert_eq!(stored.class(), Class::Classified);
    assert!(stored.content().is_none());
    for reader in [
        Actor::public(),
        Actor::member(s.sec),
        Actor::platform_admin(),
    ] {
        let page =
            s.w.dj
                .act_as(&reader)
                .disclosure()
                .published(PageRequest::default())
                .await
                .unwrap();
        assert!(page.items.is_empty());
    }
}

#[tokio::test]
async fn a_publish_without_a_review_and_a_review_without_the_post_change_nothing() {
    let s = Setup::new().await;
    let sec = s.secretary();
    let req = Propose::disclosable(
        s.w.branch_a,
        ItemKind::TermGoals,
        Title::new("支部任期目标").unwrap(),
        text("目标"),
        s.plan(Scope::OwnOrganisation, &[Reach::BranchMeeting]),
    );
    let item = sec.disclosure().propose(req).await.unwrap();
    let e = sec
        .disclosure()
        .publish(Publish::new(item.id()))
        .await
        .unwrap_err();
    assert_eq!(
        disclosure_error(e),
        DisclosureError::WrongStage {
            stage: "proposed",
            wanted: "approved"
        }
    );
    // An officer of branch A who holds no post: a typed refusal.
    let other = s.w.full_member(s.w.branch_a, 3).await.id();
    let no_post = s.w.dj.act_as(&Actor::branch_officer(other, s.w.branch_a));
    let e = no_post
        .disclosure()
        .review(ReviewItem::new(item.id(), Checks::passed()))
        .await
        .unwrap_err();
    assert!(matches!(
        disclosure_error(e),
        DisclosureError::NotAnOfficial { .. }
    ));
    // An officer account with no member behind it.
    let desk = s.w.dj.act_as(&Actor::branch_officer(None, s.w.branch_a));
    let e = desk
        .disclosure()
        .review(ReviewItem::new(item.id(), Checks::passed()))
        .await
        .unwrap_err();
    assert_eq!(disclosure_error(e), DisclosureError::NoMemberBehindActor);
    // Branch B's secretary does not see it at all; a member is refused as
    // if it did not exist.
    for outsider in [s.w.secretary_b(), Actor::member(other)] {
        let e =
            s.w.dj
                .act_as(&outsider)
                .disclosure()
                .review(ReviewItem::new(item.id(), Checks::passed()))
                .await
                .unwrap_err();
        assert!(matches!(
            e,
            Error::NotFound {
                what: Entity::Item,
                ..
            }
        ));
    }
    let stored = s.w.dj.store().item(item.id()).await.unwrap().unwrap();
    assert_eq!(stored, item);
}

#[tokio::test]
async fn a_notice_shorter_than_its_rule_is_refused_and_nothing_is_stored() {
    let s = Setup::new().await;
    let target = s
        .member(
            600,
            ImportedStage::DevelopmentTarget {
                since: d(2023, 5, 1),
                introducers: [s.sec.into(), s.csec.into()],
            },
        )
        .await;
    // Monday to Thursday: four working days.
    let plan = s
        .plan(Scope::OwnOrganisation, &[Reach::BranchMeeting])
        .until(d(2024, 6, 6))
        .unwrap();
    let req = Propose::disclosable(
        s.w.branch_a,
        ItemKind::ElectionsAdmissionsAppraisal,
        Title::new("发展党员公示").unwrap(),
        text("拟接收为预备党员"),
        plan,
    )
    .notice(Publicity::new(Purpose::PreAdmission, [target.id()]).unwrap());
    let e = s.secretary().disclosure().propose(req).await.unwrap_err();
    assert_eq!(
        disclosure_error(e),
        DisclosureError::PeriodTooShort {
            from: d(2024, 6, 3),
            to: d(2024, 6, 6),
            earliest_end: d(2024, 6, 7),
            rule: dangjian::period::Length::WorkingDays(5),
        }
    );
    let listed = s
        .secretary()
        .disclosure()
        .list(s.w.branch_a, PageRequest::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty());
}

/// Acceptance: a pre-admission notice blocks the admission motion until
/// the day after it ends; an objection blocks it until resolved.
#[tokio::test]
async fn a_pre_admission_notice_holds_up_the_admission_vote_until_the_day_after_it_ends() {
    let s = Setup::new().await;
    let target = s
        .member(
            600,
            ImportedStage::DevelopmentTarget {
                since: d(2023, 5, 1),
                introducers: [s.sec.into(), s.csec.into()],
            },
        )
        .await
        .id();
    let sec = s.secretary();
    let motion = || OpenMotion::new(s.w.branch_a, MotionKind::Admission, target);
    let e = sec.votes().open_motion(motion()).await.unwrap_err();
    assert_eq!(
        disclosure_error(e),
        DisclosureError::NoNotice {
            subject: target,
            purpose: Purpose::PreAdmission
        }
    );
    // Posted Monday 3 June for five working days: to Friday 7 June.
    let plan = s
        .plan(Scope::OwnOrganisation, &[Reach::BranchMeeting])
        .until(d(2024, 6, 7))
        .unwrap();
    let req = Propose::disclosable(
        s.w.branch_a,
        ItemKind::ElectionsAdmissionsAppraisal,
        Title::new("发展党员公示").unwrap(),
        text("拟接收为预备党员"),
        plan,
    )
    .notice(Publicity::new(Purpose::PreAdmission, [target]).unwrap());
    let h = sec.disclosure();
    let n = h.propose(req).await.unwrap().id();
    h.review(ReviewItem::new(n, Checks::passed()))
        .await
        .unwrap();
    h.approve(Approve::new(n)).await.unwrap();
    h.publish(Publish::new(n)).await.unwrap();
    s.w.clock.set_date(d(2024, 6, 5));
    h.object(RecordObjection::new(
        n,
        d(2024, 6, 5),
        text("反映该同志有关情况"),
    ))
    .await
    .unwrap();
    s.w.clock.set_date(d(2024, 6, 7));
    let e = sec.votes().open_motion(motion()).await.unwrap_err();
    assert_eq!(
        disclosure_error(e),
        DisclosureError::PeriodRunning {
            item: n,
            last_day: d(2024, 6, 7),
            next_step_from: d(2024, 6, 8)
        }
    );
    s.w.clock.set_date(d(2024, 6, 8));
    let e = sec.votes().open_motion(motion()).await.unwrap_err();
    assert_eq!(
        disclosure_error(e),
        DisclosureError::ObjectionsOpen { item: n, open: 1 }
    );
    // After the period, objections are no longer received.
    let e = h
        .object(RecordObjection::new(n, d(2024, 6, 8), text("迟到的意见")))
        .await
        .unwrap_err();
    assert!(matches!(
        disclosure_error(e),
        DisclosureError::ObjectionOutsidePeriod { .. }
    ));
    h.resolve_objection(ResolveObjection::new(
        n,
        1,
        Finding::Dismissed,
        text("经核查不属实"),
    ))
    .await
    .unwrap();
    let vote = sec.votes().open_motion(motion()).await.unwrap();
    assert_eq!(vote.org(), s.w.branch_a);
    // The notice is withdrawn: a new admission vote is refused again.
    h.withdraw(Withdraw::new(n, text("撤回"))).await.unwrap();
    let e = sec
        .disclosure()
        .may_proceed(target, Purpose::PreAdmission)
        .await;
    assert_eq!(
        disclosure_error(e.unwrap_err()),
        DisclosureError::NoNotice {
            subject: target,
            purpose: Purpose::PreAdmission
        }
    );
}

#[tokio::test]
async fn an_upheld_objection_stops_the_step_for_good() {
    let s = Setup::new().await;
    let target = s
        .member(
            601,
            ImportedStage::DevelopmentTarget {
                since: d(2023, 5, 1),
                introducers: [s.sec.into(), s.csec.into()],
            },
        )
        .await
        .id();
    let n = s.w.post_admission_notice(target, 880).await;
    let g = s.w.dj.act_as(&Actor::committee_officer(None, s.w.general));
    let e = g
        .disclosure()
        .may_proceed(target, Purpose::PreAdmission)
        .await;
    assert!(e.is_ok(), "{e:?}");
    // The notice's own officers resolve objections; one received during
    // the period and upheld blocks for good.
    let item = s.w.dj.store().item(n).await.unwrap().unwrap();
    let (plan, published) = item.publication().unwrap();
    let (first, last) = (published.on(), plan.last_day().unwrap());
    assert!(first < last);
    let holder = s.w.dj.store().offices_of(&[s.w.general]).await.unwrap();
    let notice_sec = holder.last().unwrap().member();
    let gs =
        s.w.dj
            .act_as(&Actor::committee_officer(notice_sec, s.w.general));
    gs.disclosure()
        .object(RecordObjection::new(n, last, text("反映问题")))
        .await
        .unwrap();
    gs.disclosure()
        .resolve_objection(ResolveObjection::new(n, 1, Finding::Upheld, text("属实")))
        .await
        .unwrap();
    let e = s
        .secretary()
        .votes()
        .open_motion(OpenMotion::new(s.w.branch_a, MotionKind::Admission, target))
        .await
        .unwrap_err();
    assert_eq!(
        disclosure_error(e),
        DisclosureError::ObjectionUpheld { item: n }
    );
}

#[tokio::test]
async fn an_appointment_waits_for_its_pre_appointment_notice() {
    let s = Setup::new().await;
    let cadre = s.w.full_member(s.w.branch_b, 20).await.id();
    let gs = s.general_secretary();
    let plan = s
        .plan(Scope::Society, &[Reach::PublicBoard])
        .until(d(2024, 6, 7))
        .unwrap();
    let req = Propose::disclosable(
        s.w.general,
        ItemKind::PreAppointment,
        Title::new("干部任前公示").unwrap(),
        text("拟任第二党支部书记"),
        plan,
    )
    .notice(Publicity::new(Purpose::PreAppointment, [cadre]).unwrap());
    let h = gs.disclosure();
    let n = h.propose(req).await.unwrap().id();
    h.review(ReviewItem::new(n, Checks::passed()))
        .await
        .unwrap();
    h.approve(Approve::new(n)).await.unwrap();
    h.publish(Publish::new(n)).await.unwrap();
    let top = s.w.dj.act_as(&s.w.committee_officer());
    let appoint = || Appoint::new(s.w.branch_b, cadre, Post::Secretary);
    let e = top.offices().appoint(appoint()).await.unwrap_err();
    assert!(matches!(
        disclosure_error(e),
        DisclosureError::PeriodRunning { next_step_from, .. } if next_step_from == d(2024, 6, 8)
    ));
    s.w.clock.set_date(d(2024, 6, 8));
    top.offices().appoint(appoint()).await.unwrap();
}

#[tokio::test]
async fn each_reader_sees_exactly_what_its_scope_covers() {
    let s = Setup::new().await;
    let a = s.w.branch_a;
    let society = s
        .publish(a, Scope::Society, &[Reach::PublicInternet], "社会")
        .await;
    let party = s
        .publish(a, Scope::WholeParty, &[Reach::PartyIntranet], "党内")
        .await;
    let own = s
        .publish(a, Scope::OwnOrganisation, &[Reach::BranchMeeting], "本支部")
        .await;
    let named_b = s
        .publish(
            s.w.general,
            Scope::Named(Audience::new([s.w.branch_b], []).unwrap()),
            &[Reach::IndividualNotice],
            "对二支部",
        )
        .await;
    let member_a = s.w.full_member(a, 30).await.id();
    let member_b = s.w.full_member(s.w.branch_b, 31).await.id();
    let applicant = s
        .member(
            32,
            ImportedStage::Applicant {
                applied_on: d(2024, 3, 1),
            },
        )
        .await
        .id();
    let cases: Vec<(Actor, Vec<ItemId>)> = vec![
        (Actor::public(), vec![society]),
        (Actor::member(member_a), vec![society, party, own]),
        (Actor::member(applicant), vec![society]),
        (Actor::member(member_b), vec![society, party, named_b]),
        (s.w.secretary_a(), vec![society, party, own]),
        (s.w.secretary_b(), vec![society, party, named_b]),
        (s.w.committee_officer(), vec![society, party, own, named_b]),
        (Actor::platform_admin(), vec![society, party, own, named_b]),
    ];
    for (actor, want) in cases {
        let page =
            s.w.dj
                .act_as(&actor)
                .disclosure()
                .published(PageRequest::default())
                .await
                .unwrap();
        let got: Vec<ItemId> = page.items.iter().map(|i| i.id()).collect();
        assert_eq!(got, want, "{actor:?}");
        for id in [society, party, own, named_b] {
            let r = s.w.dj.act_as(&actor).disclosure().get(id).await;
            if want.contains(&id) {
                assert!(r.is_ok(), "{actor:?} {id}");
            }
        }
    }
    // The public feed carries internet items only; a member's also the
    // intranet ones, never a meeting's.
    let info = FeedInfo::new("urn:dangjian:feed", "党务公开", "某某公司党委");
    let feed = |actor: Actor| {
        let dj = s.w.dj.clone();
        let info = info.clone();
        async move {
            let xml = dj.act_as(&actor).disclosure().feed(&info).await.unwrap();
            let f: atom_syndication::Feed = xml.parse().unwrap();
            f.entries()
                .iter()
                .map(|e| e.title().as_str().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(feed(Actor::public()).await, vec!["社会"]);
    assert_eq!(feed(Actor::member(member_a)).await, vec!["党内", "社会"]);
}

#[tokio::test]
async fn an_application_is_decided_within_three_working_days_or_ten_when_extended() {
    // Received Friday 2024-06-07: the first deadline is Wednesday 12 June
    // (10 June is 端午 on the 2024 calendar, so Thursday 13 June there).
    let s = Setup::on(d(2024, 6, 7)).await;
    let applicant = s.w.full_member(s.w.branch_a, 40).await.id();
    let me = s.w.dj.act_as(&Actor::member(applicant));
    let a = me
        .disclosure()
        .apply(Apply::new(s.w.branch_a, text("请公开本支部党费使用情况")))
        .await
        .unwrap();
    assert_eq!(a.received_on(), d(2024, 6, 7));
    // To another branch: not the member's own.
    let e = me
        .disclosure()
        .apply(Apply::new(s.w.branch_b, text("x")))
        .await
        .unwrap_err();
    assert!(e.is_not_found());
    // Branch B's secretary cannot see it; the member cannot decide it.
    let e =
        s.w.dj
            .act_as(&s.w.secretary_b())
            .disclosure()
            .decide(DecideApplication::new(
                a.id(),
                Decision::Granted { item: None },
            ))
            .await
            .unwrap_err();
    assert!(e.is_not_found());
    let e = me
        .disclosure()
        .decide(DecideApplication::new(
            a.id(),
            Decision::Granted { item: None },
        ))
        .await
        .unwrap_err();
    assert!(e.is_permission_denied());
    let sec = s.secretary();
    sec.disclosure()
        .extend(ExtendApplication::new(a.id(), text("需向上级核实")))
        .await
        .unwrap();
    s.w.clock.set_date(d(2024, 6, 25));
    let done = sec
        .disclosure()
        .decide(DecideApplication::new(
            a.id(),
            Decision::Refused {
                reason: text("涉及个人隐私，不予公开"),
            },
        ))
        .await
        .unwrap();
    assert!(matches!(
        done.state(),
        ApplicationState::Decided {
            extended: true,
            late: true,
            ..
        }
    ));
    assert_eq!(me.disclosure().application(a.id()).await.unwrap(), done);
}

/// Acceptance: publicity end dates on China's 2026 calendar, through the
/// service: across a weekend, and across 春节 2026 with its adjusted
/// working Saturdays (2026-02-14 and 2026-02-28 work, 2026-02-16 does not).
#[tokio::test]
async fn publicity_periods_end_on_the_right_day_of_the_2026_calendar() {
    let s = Setup::on(d(2026, 2, 12)).await;
    let target = s
        .member(
            602,
            ImportedStage::DevelopmentTarget {
                since: d(2025, 1, 6),
                introducers: [s.sec.into(), s.csec.into()],
            },
        )
        .await
        .id();
    let rules = &s.w.dj.rules().disclosure.publicity;
    let rule = rules
        .rule(Purpose::PreAdmission, d(2026, 2, 12))
        .unwrap()
        .rules;
    let tree = s.w.dj.store().org_tree().await.unwrap();
    let cal = s.w.dj.rules().calendar.for_org(s.w.branch_a, &tree);
    let end = |posted| rule.earliest_end(posted, cal).unwrap();
    // Across a weekend: Thursday 5 March → Wednesday 11 March.
    assert_eq!(end(d(2026, 3, 5)), d(2026, 3, 11));
    // Across 春节: 12, 13, 14 (a working Saturday), then 24 and 25.
    assert_eq!(end(d(2026, 2, 12)), d(2026, 2, 25));
    assert!(cal.is_working_day(d(2026, 2, 14)).unwrap());
    assert!(cal.is_working_day(d(2026, 2, 28)).unwrap());
    assert!(!cal.is_working_day(d(2026, 2, 16)).unwrap());
    // From Friday 27 February: 27, 28 (a working Saturday), 2, 3, 4 March.
    assert_eq!(end(d(2026, 2, 27)), d(2026, 3, 4));
    // The other reading of the start: from the next day.
    let next_day = rule.counted(dangjian::period::Counting::CivilCode);
    assert_eq!(
        next_day.earliest_end(d(2026, 2, 12), cal).unwrap(),
        d(2026, 2, 26)
    );
    // Through the service: a notice to the 24th is refused, one to the
    // 25th holds the vote until the 26th.
    let notice = |until| {
        let plan = Plan::new(
            Scope::OwnOrganisation,
            [Reach::BranchMeeting],
            d(2026, 2, 12),
        )
        .unwrap()
        .until(until)
        .unwrap();
        Propose::disclosable(
            s.w.branch_a,
            ItemKind::ElectionsAdmissionsAppraisal,
            Title::new("发展党员公示").unwrap(),
            text("拟接收为预备党员"),
            plan,
        )
        .notice(Publicity::new(Purpose::PreAdmission, [target]).unwrap())
    };
    let h = s.secretary();
    let e = h
        .disclosure()
        .propose(notice(d(2026, 2, 24)))
        .await
        .unwrap_err();
    assert!(matches!(
        disclosure_error(e),
        DisclosureError::PeriodTooShort { earliest_end, .. } if earliest_end == d(2026, 2, 25)
    ));
    let n = h
        .disclosure()
        .propose(notice(d(2026, 2, 25)))
        .await
        .unwrap()
        .id();
    h.disclosure()
        .review(ReviewItem::new(n, Checks::passed()))
        .await
        .unwrap();
    h.disclosure().approve(Approve::new(n)).await.unwrap();
    h.disclosure().publish(Publish::new(n)).await.unwrap();
    let motion = || OpenMotion::new(s.w.branch_a, MotionKind::Admission, target);
    s.w.clock.set_date(d(2026, 2, 25));
    assert!(matches!(
        disclosure_error(h.votes().open_motion(motion()).await.unwrap_err()),
        DisclosureError::PeriodRunning { next_step_from, .. } if next_step_from == d(2026, 2, 26)
    ));
    s.w.clock.set_date(d(2026, 2, 26));
    h.votes().open_motion(motion()).await.unwrap();
}

/// A calendar that stops at 2026 refuses a notice that runs into 2027, and
/// says so, rather than counting Monday to Friday.
#[tokio::test]
async fn a_notice_past_the_last_calendar_year_is_refused() {
    let s = Setup::on(d(2026, 12, 28)).await;
    let target = s
        .member(
            603,
            ImportedStage::DevelopmentTarget {
                since: d(2025, 1, 6),
                introducers: [s.sec.into(), s.csec.into()],
            },
        )
        .await
        .id();
    let plan = s
        .plan(Scope::OwnOrganisation, &[Reach::BranchMeeting])
        .until(d(2027, 1, 5))
        .unwrap();
    let req = Propose::disclosable(
        s.w.branch_a,
        ItemKind::ElectionsAdmissionsAppraisal,
        Title::new("发展党员公示").unwrap(),
        text("拟接收为预备党员"),
        plan,
    )
    .notice(Publicity::new(Purpose::PreAdmission, [target]).unwrap());
    let e = s.secretary().disclosure().propose(req).await.unwrap_err();
    assert!(matches!(
        disclosure_error(e),
        DisclosureError::Calendar(dangjian::period::CalendarError::NotCovered { .. })
    ));
}

/// The published list pages through more items than one store read holds
/// (512), each item once, in id order.
#[tokio::test]
async fn published_items_page_through_every_batch() {
    let s = Setup::new().await;
    let mut want = Vec::new();
    for n in 0..600 {
        let scope = if n % 3 == 0 {
            Scope::Society
        } else {
            Scope::OwnOrganisation
        };
        let channels = if n % 3 == 0 {
            [Reach::PublicInternet]
        } else {
            [Reach::BranchMeeting]
        };
        let id = s
            .publish(s.w.branch_a, scope, &channels, &format!("第{n}号"))
            .await;
        if n % 3 == 0 {
            want.push(id);
        }
    }
    let public = s.w.dj.act_as(&Actor::public());
    let mut page = PageRequest::first(70);
    let mut seen = Vec::new();
    loop {
        let p = public.disclosure().published(page).await.unwrap();
        seen.extend(p.items.iter().map(|i| i.id()));
        match p.next {
            Some(c) => page = page.after(c),
            None => break,
        }
    }
    assert_eq!(seen, want);
    let xml = public
        .disclosure()
        .feed(&FeedInfo::new("urn:x", "党务公开", "党委").entries(1_000))
        .await
        .unwrap();
    let feed: atom_syndication::Feed = xml.parse().unwrap();
    let newest_first: Vec<_> = want
        .iter()
        .rev()
        .map(|i| format!("urn:x/items/{}", i.get()))
        .collect();
    let got: Vec<_> = feed.entries().iter().map(|e| e.id().to_owned()).collect();
    assert_eq!(got, newest_first);
}
