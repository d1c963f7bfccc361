//! Foreign and missing targets for the access tests: a world of two
//! branches under one committee, and every handle method called with a
//! set of ids. Used by `not_found_oracle.rs` (the answers) and
//! `prop_scope.rs` (the store is unchanged).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::disclosure::{
    Apply, Approve, Checks, Content, DecideApplication, Decision, ExtendApplication, Finding,
    ItemKind, Plan, Propose, Publish, Purpose, Reach, RecordObjection, ResolveObjection,
    ReviewItem, Scope, Title, Withdraw,
};
use dangjian::dues::{
    AssessMonth, CaseDecision, DecideCase, DeclareIncome, EntryId, Income, Month, MonthRange,
    PaymentRequest, ReliefKind, ReliefRequest, Reversal, SelfDepartureCase,
};
use dangjian::election::{
    Appraise, AttendanceMode, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, MotionKind,
    NextRound, OpenElection, OpenMotion, RecordOpinion, Round, VoteId, WrittenOpinion,
};
use dangjian::lifecycle::{ImportedStage, Transition, TransitionRequest};
use dangjian::member::Tag;
use dangjian::member::{ChangeMembership, Entry, MembershipKind, MembershipRequest, Registration};
use dangjian::notify::{Broadcast, Channel, Selection, SetChannels, TagMembers};
use dangjian::office::{Appoint, ConfirmElection, Post};
use dangjian::org::{BranchForm, MoveOrg, NewOrganisation, OnlineTheme, OrgKind, RenameOrg};
use dangjian::record::{AppendActivity, Appendable};
use dangjian::service::PageRequest;
use dangjian::store::{DuesStore, MemoryStore};
use dangjian::{ApplicationId, CaseId, Dangjian, Error, ItemId, MemberId, OrgId, Session};
use std::sync::Arc;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Ids in branch B (existing) and ids nobody has.
#[derive(Clone, Copy, Debug)]
pub struct Ids {
    pub org: OrgId,
    pub online: OrgId,
    pub member: MemberId,
    pub vote: VoteId,
    pub case: CaseId,
    pub item: ItemId,
    pub application: ApplicationId,
}

pub struct World {
    pub dj: Dangjian,
    pub store: Arc<MemoryStore>,
    pub a: OrgId,
    pub committee: OrgId,
    pub member_a: MemberId,
    /// The other members of branch B.
    pub others_b: Vec<MemberId>,
    pub foreign: Ids,
    pub missing: Ids,
}

pub async fn world() -> World {
    let store = Arc::new(MemoryStore::new());
    let dj = Dangjian::builder()
        .store(store.clone())
        .clock(Arc::new(FixedClock::on_date(d(2024, 6, 3))))
        .build();
    let admin = dj.act_as(&Actor::platform_admin());
    let org = |name: &str, kind| NewOrganisation::new(name.parse().unwrap(), kind);
    let physical = OrgKind::Branch(BranchForm::Physical);
    let c = admin
        .orgs()
        .create(org("党委", OrgKind::GrassrootsCommittee))
        .await
        .unwrap();
    let a = admin
        .orgs()
        .create(org("甲支部", physical.clone()).under(c.id))
        .await
        .unwrap();
    let b = admin
        .orgs()
        .create(org("乙支部", physical).under(c.id))
        .await
        .unwrap();
    let online = admin
        .orgs()
        .create(
            org(
                "乙网上支部",
                OrgKind::Branch(BranchForm::Online {
                    theme: OnlineTheme::MobileMembers,
                }),
            )
            .under(c.id),
        )
        .await
        .unwrap();
    let full = ImportedStage::Full {
        joined_on: d(2001, 7, 1),
        full_since: d(2002, 7, 1),
    };
    let member = |id: &str, home| {
        Registration::new(
            "张三".parse().unwrap(),
            id.parse().unwrap(),
            home,
            Entry::Import(full.clone()),
        )
    };
    let ma = admin
        .members()
        .register_approved(member("11010519491231002X", a.id))
        .await
        .unwrap();
    let mut in_b = Vec::new();
    for seq in ["101", "102", "103"] {
        let m = admin
            .members()
            .register_approved(member(&id_number(&format!("11010119700307{seq}")), b.id))
            .await
            .unwrap();
        in_b.push(m.id());
    }
    let mb = in_b[0];
    let secretary_b = dj.act_as(&Actor::branch_officer(MemberId::new(900), b.id));
    let vote = secretary_b
        .votes()
        .open_motion(OpenMotion::new(b.id, MotionKind::Discipline, mb))
        .await
        .unwrap();
    let cases = store
        .open_departure_cases(vec![(
            SelfDepartureCase {
                id: CaseId::new(0),
                member: mb,
                branch: b.id,
                opened_on: d(2024, 6, 1),
                months: MonthRange::new(month(2023, 12), month(2024, 5)).unwrap(),
                owed: "60.00".parse().unwrap(),
                status: dangjian::dues::CaseStatus::Open,
            },
            dangjian::store::Effects::none(),
        )])
        .await
        .unwrap();
    // An item of branch B and an application to it by a member of B.
    let item = secretary_b
        .disclosure()
        .propose(Propose::disclosable(
            b.id,
            ItemKind::Dues,
            Title::new("党费收缴情况").unwrap(),
            Content::new("应收3人").unwrap(),
            Plan::new(
                Scope::OwnOrganisation,
                [Reach::BranchMeeting],
                d(2024, 6, 3),
            )
            .unwrap(),
        ))
        .await
        .unwrap();
    let application = dj
        .act_as(&Actor::member(mb))
        .disclosure()
        .apply(Apply::new(b.id, Content::new("请公开").unwrap()))
        .await
        .unwrap();
    World {
        dj,
        store,
        others_b: in_b[1..].to_vec(),
        a: a.id,
        committee: c.id,
        member_a: ma.id(),
        foreign: Ids {
            org: b.id,
            online: online.id,
            member: mb,
            vote: vote.id(),
            case: cases[0].id,
            item: item.id(),
            application: application.id(),
        },
        missing: Ids {
            org: OrgId::new(9_999),
            online: OrgId::new(9_998),
            member: MemberId::new(9_999),
            vote: VoteId::new(9_999),
            case: CaseId::new(9_999),
            item: ItemId::new(9_999),
            application: ApplicationId::new(9_999),
        },
    }
}

/// A valid identity number from its first 17 digits.
pub fn id_number(first17: &str) -> String {
    let check = dangjian::member::check_character(first17).unwrap();
    format!("{first17}{check}")
}

pub fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

/// The inputs of [`every_method`] besides the ids: the oracle uses the
/// default, the property test draws them.
#[derive(Clone, Debug)]
pub struct Probe {
    /// The date given to dated writes.
    pub on: NaiveDate,
    /// The month of dues reads and writes.
    pub month: Month,
    /// A payment's amount.
    pub amount: String,
    /// A payment's external id.
    pub payment_id: String,
    /// A name given to new or renamed organisations.
    pub name: String,
    /// The ledger entry a reversal names.
    pub entry: u64,
    /// The year an appraisal is for.
    pub year: i32,
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            on: d(2024, 6, 3),
            month: month(2024, 6),
            amount: "30.00".into(),
            payment_id: "WX-1".into(),
            name: "新支部".into(),
            entry: 1,
            year: 2024,
        }
    }
}

/// The number of handle methods [`every_method`] calls.
pub const METHODS: usize = 76;

/// Every handle method, called with `ids`; each result reduced to its
/// error (or "ok").
pub async fn every_method(
    s: &Session,
    ids: Ids,
    own_org: OrgId,
    probe: &Probe,
) -> Vec<(&'static str, Result<(), Error>)> {
    let on = probe.on;
    let m = ids.member;
    let paper = BallotPaper::new();
    let setup = ElectionBuilder::new().body(Body::BranchCommittee).seats(3);
    let physical = OrgKind::Branch(BranchForm::Physical);
    let full = ImportedStage::Full {
        joined_on: d(2001, 7, 1),
        full_since: d(2002, 7, 1),
    };
    let reg = Registration::new(
        "李四".parse().unwrap(),
        id_number("11010519491231003").parse().unwrap(),
        ids.org,
        Entry::Import(full),
    );
    let pay = PaymentRequest::new(
        m,
        probe.payment_id.parse().unwrap(),
        probe.amount.parse().unwrap(),
        on,
    );
    let relief = ReliefRequest::new(
        m,
        ReliefKind::Exemption,
        MonthRange::new(probe.month, probe.month).unwrap(),
        "生活困难",
        on,
        own_org,
    );
    let receipt_probe: dangjian::election::Receipt = serde_json::from_value(serde_json::json!({
        "vote": ids.vote.get(),
        "code": "00".repeat(32),
        "nonce": "00".repeat(16),
    }))
    .unwrap();
    let name = || probe.name.parse().unwrap();
    vec![
        (
            "orgs.create",
            ok(s.orgs()
                .create(NewOrganisation::new(name(), physical).under(ids.org))
                .await),
        ),
        (
            "orgs.reparent",
            ok(s.orgs().reparent(MoveOrg::new(ids.org, own_org)).await),
        ),
        (
            "orgs.reparent_under",
            ok(s.orgs().reparent(MoveOrg::new(own_org, ids.org)).await),
        ),
        (
            "orgs.rename",
            ok(s.orgs().rename(RenameOrg::new(ids.org, name())).await),
        ),
        ("orgs.get", ok(s.orgs().get(ids.org).await)),
        (
            "orgs.subtree",
            ok(s.orgs().subtree(ids.org, PageRequest::default()).await),
        ),
        ("orgs.ancestors", ok(s.orgs().ancestors(ids.org).await)),
        (
            "orgs.structure_report",
            ok(s.orgs().structure_report(ids.org).await),
        ),
        (
            "members.register",
            ok(s.members().register(reg.clone()).await),
        ),
        (
            "members.register_approved",
            ok(s.members().register_approved(reg).await),
        ),
        ("members.approve", ok(s.members().approve(m).await)),
        (
            "members.change_membership",
            ok(s.members()
                .change_membership(ChangeMembership::new(
                    m,
                    MembershipRequest::Join {
                        org: ids.online,
                        kind: MembershipKind::Online,
                        on,
                    },
                ))
                .await),
        ),
        ("members.get", ok(s.members().get(m).await)),
        (
            "members.export_roster",
            ok(s.members()
                .export_roster(dangjian::roster::ExportRoster::new(ids.org))
                .await),
        ),
        (
            "members.list_in",
            ok(s.members().list_in(ids.org, PageRequest::default()).await),
        ),
        (
            "members.list_online",
            ok(s.members()
                .list_online(ids.online, PageRequest::default())
                .await),
        ),
        (
            "lifecycle.transition",
            ok(s.lifecycle()
                .transition(Transition::new(m, TransitionRequest::BecomeActivist { on }))
                .await),
        ),
        ("lifecycle.stage", ok(s.lifecycle().stage(m).await)),
        (
            "records.append",
            ok(s.records()
                .append(AppendActivity::new(
                    m,
                    on,
                    Appendable::AssistanceVisit {
                        description: "走访".into(),
                    },
                ))
                .await),
        ),
        (
            "records.list",
            ok(s.records().list(m, PageRequest::default()).await),
        ),
        (
            "discipline.record",
            ok(s.discipline()
                .record(dangjian::discipline::RecordDecision::new(
                    m,
                    dangjian::discipline::Measure::Warning,
                    on,
                    ids.org,
                    own_org,
                ))
                .await),
        ),
        (
            "discipline.list",
            ok(s.discipline().list(m, PageRequest::default()).await),
        ),
        (
            "dues.declare_income",
            ok(s.dues()
                .declare_income(DeclareIncome::new(
                    m,
                    probe.month,
                    Income::Pension {
                        basic_pension: "3000.00".parse().unwrap(),
                    },
                ))
                .await),
        ),
        ("dues.explain", ok(s.dues().explain(m, probe.month).await)),
        (
            "dues.assess_month",
            ok(s.dues()
                .assess_month(AssessMonth::new(ids.org, probe.month))
                .await),
        ),
        (
            "dues.record_payment",
            ok(s.dues().record_payment(pay.clone()).await),
        ),
        (
            "dues.record_payments",
            s.dues()
                .record_payments(vec![pay])
                .await
                .and_then(|mut r| r.pop().expect("one answer per item").map(|_| ())),
        ),
        (
            "dues.reverse",
            ok(s.dues()
                .reverse(Reversal::new(m, EntryId::new(probe.entry), "录入错误"))
                .await),
        ),
        ("dues.grant_relief", ok(s.dues().grant_relief(relief).await)),
        (
            "dues.report",
            ok(s.dues().report(ids.org, probe.month).await),
        ),
        (
            "dues.branch_reports",
            ok(s.dues().branch_reports(ids.org, probe.month).await),
        ),
        (
            "dues.unpaid",
            ok(s.dues().unpaid(ids.org, probe.month).await),
        ),
        ("dues.statement", ok(s.dues().statement(m).await)),
        (
            "dues.scan_arrears",
            ok(s.dues().scan_arrears(ids.org, probe.month).await),
        ),
        (
            "dues.decide_case",
            ok(s.dues()
                .decide_case(DecideCase::new(ids.case, CaseDecision::PassToDecision))
                .await),
        ),
        (
            "dues.cases",
            ok(s.dues().cases(ids.org, PageRequest::default()).await),
        ),
        (
            "votes.open_election",
            ok(s.votes()
                .open_election(OpenElection::new(ids.org, setup))
                .await),
        ),
        (
            "votes.open_next_round",
            ok(s.votes()
                .open_next_round(NextRound::new(ids.vote, Round::RunOff, vec![m], 1))
                .await),
        ),
        (
            "votes.open_motion",
            ok(s.votes()
                .open_motion(OpenMotion::new(ids.org, MotionKind::Discipline, m))
                .await),
        ),
        (
            "votes.check_in",
            ok(s.votes()
                .check_in(CheckIn::new(ids.vote, m, AttendanceMode::InPerson))
                .await),
        ),
        (
            "votes.record_written_opinion",
            ok(s.votes()
                .record_written_opinion(RecordOpinion::new(ids.vote, m, WrittenOpinion::Yes))
                .await),
        ),
        (
            "votes.cast",
            ok(s.votes().cast(Cast::new(ids.vote, paper)).await),
        ),
        ("votes.close", ok(s.votes().close(ids.vote).await)),
        (
            "votes.count_report",
            ok(s.votes().count_report(ids.vote).await),
        ),
        (
            "votes.motion_report",
            ok(s.votes().motion_report(ids.vote).await),
        ),
        (
            "votes.ballot_codes",
            ok(s.votes().ballot_codes(ids.vote).await),
        ),
        (
            "votes.verify_receipt",
            ok(s.votes().verify_receipt(&receipt_probe, None).await),
        ),
        ("votes.get", ok(s.votes().get(ids.vote).await)),
        (
            "votes.appraise",
            ok(s.votes()
                .appraise(Appraise::new(ids.org, probe.year, Default::default()))
                .await),
        ),
        (
            "offices.confirm_election",
            ok(s.offices()
                .confirm_election(ConfirmElection::new(ids.vote))
                .await),
        ),
        (
            "offices.appoint",
            ok(s.offices()
                .appoint(Appoint::new(ids.org, m, Post::Secretary))
                .await),
        ),
        (
            "offices.appoint (own organisation)",
            ok(s.offices()
                .appoint(Appoint::new(own_org, m, Post::Member))
                .await),
        ),
        (
            "offices.holders",
            ok(s.offices()
                .holders(ids.org, on, PageRequest::default())
                .await),
        ),
        (
            "offices.is_committee_member",
            ok(s.offices().is_committee_member(ids.org, m, on).await),
        ),
        (
            "offices.secretaries",
            ok(s.offices()
                .secretaries(ids.org, on, PageRequest::default())
                .await),
        ),
        ("offices.review", ok(s.offices().review(ids.org).await)),
        (
            "notify.broadcast",
            ok(s.notify()
                .broadcast(Broadcast::new(
                    ids.org,
                    "k",
                    Selection::Subtree(ids.org),
                    "通知",
                ))
                .await),
        ),
        (
            "notify.broadcast (list, own organisation)",
            ok(s.notify()
                .broadcast(Broadcast::new(
                    own_org,
                    "k",
                    Selection::List(vec![m]),
                    "通知",
                ))
                .await),
        ),
        (
            "notify.dry_run",
            ok(s.notify()
                .dry_run(&Broadcast::new(
                    ids.org,
                    "k",
                    Selection::Subtree(ids.org),
                    "通知",
                ))
                .await),
        ),
        (
            "notify.tag",
            ok(s.notify()
                .tag(TagMembers::new(Tag::new(ids.org, "标签").unwrap(), vec![m]))
                .await),
        ),
        (
            "notify.set_channels",
            ok(s.notify()
                .set_channels(SetChannels::new(m, vec![Channel::Email]))
                .await),
        ),
        (
            "disclosure.propose",
            ok(s.disclosure()
                .propose(Propose::disclosable(
                    ids.org,
                    ItemKind::Other,
                    Title::new("事项").unwrap(),
                    text(),
                    Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], on).unwrap(),
                ))
                .await),
        ),
        (
            "disclosure.review",
            ok(s.disclosure()
                .review(ReviewItem::new(ids.item, Checks::passed()))
                .await),
        ),
        (
            "disclosure.approve",
            ok(s.disclosure().approve(Approve::new(ids.item)).await),
        ),
        (
            "disclosure.publish",
            ok(s.disclosure().publish(Publish::new(ids.item)).await),
        ),
        (
            "disclosure.withdraw",
            ok(s.disclosure()
                .withdraw(Withdraw::new(ids.item, text()))
                .await),
        ),
        (
            "disclosure.object",
            ok(s.disclosure()
                .object(RecordObjection::new(ids.item, on, text()))
                .await),
        ),
        (
            "disclosure.resolve_objection",
            ok(s.disclosure()
                .resolve_objection(ResolveObjection::new(
                    ids.item,
                    1,
                    Finding::Dismissed,
                    text(),
                ))
                .await),
        ),
        ("disclosure.get", ok(s.disclosure().get(ids.item).await)),
        (
            "disclosure.list",
            ok(s.disclosure().list(ids.org, PageRequest::default()).await),
        ),
        (
            "disclosure.apply",
            // The online branch: never on branch A's home line (a member
            // may apply to the committee above their own branch).
            ok(s.disclosure().apply(Apply::new(ids.online, text())).await),
        ),
        (
            "disclosure.application",
            ok(s.disclosure().application(ids.application).await),
        ),
        (
            "disclosure.applications",
            ok(s.disclosure()
                .applications(ids.org, PageRequest::default())
                .await),
        ),
        (
            "disclosure.extend",
            ok(s.disclosure()
                .extend(ExtendApplication::new(ids.application, text()))
                .await),
        ),
        (
            "disclosure.decide",
            ok(s.disclosure()
                .decide(DecideApplication::new(
                    ids.application,
                    Decision::Granted { item: None },
                ))
                .await),
        ),
        (
            "disclosure.may_proceed",
            ok(s.disclosure().may_proceed(m, Purpose::PreAdmission).await),
        ),
    ]
}

fn text() -> Content {
    Content::new("说明").unwrap()
}

pub fn ok<T>(r: Result<T, Error>) -> Result<(), Error> {
    r.map(|_| ())
}
