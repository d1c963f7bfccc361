//! 不泄露 (no existence oracle): every handle method answers an id outside
//! the actor's scope exactly as it answers an id that does not exist.
//!
//! A branch secretary of branch A and a member of branch A each call every
//! handle method twice: once with ids of branch B (which exist, and which
//! the platform administrator reads), once with ids nobody has. Both calls
//! must give `NotFound` for the same kind of thing, with the same message
//! once the id is taken out.

use chrono::NaiveDate;
use dangjian::access::Actor;
use dangjian::clock::FixedClock;
use dangjian::dues::{
    AssessMonth, CaseDecision, DecideCase, DeclareIncome, EntryId, Income, Month, MonthRange,
    PaymentRequest, ReliefKind, ReliefRequest, Reversal, SelfDepartureCase,
};
use dangjian::election::{
    Appraise, AttendanceMode, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, MotionKind,
    NextRound, OpenElection, OpenMotion, RecordOpinion, Round, VoteId, WrittenOpinion,
};
use dangjian::lifecycle::{ImportedStage, Transition, TransitionRequest};
use dangjian::member::{ChangeMembership, Entry, MembershipKind, MembershipRequest, Registration};
use dangjian::office::{Appoint, ConfirmElection, Post};
use dangjian::org::{BranchForm, MoveOrg, NewOrganisation, OnlineTheme, OrgKind, RenameOrg};
use dangjian::record::{Activity, AppendActivity};
use dangjian::service::PageRequest;
use dangjian::store::{DuesStore, MemoryStore};
use dangjian::{CaseId, Dangjian, Error, MemberId, OrgId, Session};
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Ids in branch B (existing) and ids nobody has.
#[derive(Clone, Copy)]
struct Ids {
    org: OrgId,
    online: OrgId,
    member: MemberId,
    vote: VoteId,
    case: CaseId,
}

struct World {
    dj: Dangjian,
    a: OrgId,
    committee: OrgId,
    member_a: MemberId,
    foreign: Ids,
    missing: Ids,
}

async fn world() -> World {
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
    World {
        dj,
        a: a.id,
        committee: c.id,
        member_a: ma.id(),
        foreign: Ids {
            org: b.id,
            online: online.id,
            member: mb,
            vote: vote.id(),
            case: cases[0].id,
        },
        missing: Ids {
            org: OrgId::new(9_999),
            online: OrgId::new(9_998),
            member: MemberId::new(9_999),
            vote: VoteId::new(9_999),
            case: CaseId::new(9_999),
        },
    }
}

/// A valid identity number from its first 17 digits.
fn id_number(first17: &str) -> String {
    let check = dangjian::member::check_character(first17).unwrap();
    format!("{first17}{check}")
}

fn month(y: i32, m: u32) -> Month {
    Month::new(y, m).unwrap()
}

/// Every handle method, called with `ids`; each result reduced to its
/// error (or "ok").
async fn every_method(
    s: &Session,
    ids: Ids,
    own_org: OrgId,
) -> Vec<(&'static str, Result<(), Error>)> {
    let on = d(2024, 6, 3);
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
    let pay = PaymentRequest::new(m, "WX-1".parse().unwrap(), "30.00".parse().unwrap(), on);
    let relief = ReliefRequest::new(
        m,
        ReliefKind::Exemption,
        MonthRange::new(month(2024, 6), month(2024, 12)).unwrap(),
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
    vec![
        (
            "orgs.create",
            ok(s.orgs()
                .create(NewOrganisation::new("新支部".parse().unwrap(), physical).under(ids.org))
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
            ok(s.orgs()
                .rename(RenameOrg::new(ids.org, "改名".parse().unwrap()))
                .await),
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
                    Activity::AssistanceVisit {
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
            "dues.declare_income",
            ok(s.dues()
                .declare_income(DeclareIncome::new(
                    m,
                    month(2024, 1),
                    Income::Pension {
                        basic_pension: "3000.00".parse().unwrap(),
                    },
                ))
                .await),
        ),
        (
            "dues.explain",
            ok(s.dues().explain(m, month(2024, 6)).await),
        ),
        (
            "dues.assess_month",
            ok(s.dues()
                .assess_month(AssessMonth::new(ids.org, month(2024, 6)))
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
                .reverse(Reversal::new(m, EntryId::new(1), "录入错误"))
                .await),
        ),
        ("dues.grant_relief", ok(s.dues().grant_relief(relief).await)),
        (
            "dues.report",
            ok(s.dues().report(ids.org, month(2024, 6)).await),
        ),
        (
            "dues.branch_reports",
            ok(s.dues().branch_reports(ids.org, month(2024, 6)).await),
        ),
        (
            "dues.unpaid",
            ok(s.dues().unpaid(ids.org, month(2024, 6)).await),
        ),
        ("dues.statement", ok(s.dues().statement(m).await)),
        (
            "dues.scan_arrears",
            ok(s.dues().scan_arrears(ids.org, month(2024, 6)).await),
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
                .appraise(Appraise::new(ids.org, 2024, Default::default()))
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
    ]
}

fn ok<T>(r: Result<T, Error>) -> Result<(), Error> {
    r.map(|_| ())
}

/// The error as the caller sees it: for `NotFound`, what was missing
/// (the id is the caller's own input); otherwise the whole message.
fn shape(e: &Error) -> String {
    match e {
        Error::NotFound { what, .. } => format!("NotFound: no {what}"),
        other => format!("{:?}: {other}", other.kind()),
    }
}

async fn assert_same_answers(s: &Session, w: &World, own_org: OrgId) {
    let mut not_found = 0;
    let foreign = every_method(s, w.foreign, own_org).await;
    let missing = every_method(s, w.missing, own_org).await;
    assert_eq!(foreign.len(), 54);
    for ((name, f), (_, m)) in foreign.iter().zip(&missing) {
        let (Err(f), Err(m)) = (f, m) else {
            panic!("{name}: foreign {f:?}, missing {m:?}: both must be refused");
        };
        assert_eq!(shape(f), shape(m), "{name}: the two answers differ");
        // Refused on the foreign target itself: NotFound, never a hint.
        if !f.is_not_found() {
            assert!(
                !f.to_string().contains(&format!("#{}", w.foreign.org.get())),
                "{name}: {f} names the foreign organisation"
            );
        } else {
            not_found += 1;
        }
    }
    // Nearly every method refuses with NotFound; the few others are
    // refused on the actor's own organisation first (moving it needs its
    // parent's officer), the same way whatever the other id.
    assert!(not_found >= 50, "only {not_found} NotFound answers");
}

#[tokio::test]
async fn a_branch_secretary_cannot_tell_foreign_ids_from_missing_ones() {
    let w = world().await;
    // The foreign ids exist: the platform administrator reads them.
    let admin = w.dj.act_as(&Actor::platform_admin());
    admin.orgs().get(w.foreign.org).await.unwrap();
    admin.members().get(w.foreign.member).await.unwrap();
    admin.votes().get(w.foreign.vote).await.unwrap_err(); // the admin runs no vote
    assert_eq!(
        admin
            .dues()
            .cases(w.committee, PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    let secretary = w.dj.act_as(&Actor::branch_officer(MemberId::new(901), w.a));
    assert_same_answers(&secretary, &w, w.a).await;
}

#[tokio::test]
async fn a_member_cannot_tell_foreign_ids_from_missing_ones() {
    let w = world().await;
    let me = w.dj.act_as(&Actor::member(w.member_a));
    assert_same_answers(&me, &w, w.a).await;
}

#[tokio::test]
async fn a_treasurer_and_a_scheduled_job_of_branch_a_cannot_either() {
    let w = world().await;
    let treasurer =
        w.dj.act_as(&Actor::branch_treasurer(MemberId::new(902), w.a));
    assert_same_answers(&treasurer, &w, w.a).await;
    let job = w.dj.act_as(&Actor::system("nightly scan").within(w.a));
    assert_same_answers(&job, &w, w.a).await;
    let public = w.dj.act_as(&Actor::public());
    assert_same_answers(&public, &w, w.a).await;
}
