//! 奖惩 (MEM-7 … MEM-13): sanctions, rewards and detention as dated
//! records of a member, read by the roll and the introducer check.

mod common;

use common::{World, d, nth_id_number, world};
use dangjian::discipline::{DisciplineError, Measure, ProbationTerm, RecordDecision};
use dangjian::election::{
    Body, ElectionBuilder, MotionKind, NotEntitledReason, OpenElection, OpenMotion, TermPlan,
};
use dangjian::lifecycle::{ExitReason, Stage, Transition, TransitionError, TransitionRequest};
use dangjian::member::{Entry, Registration};
use dangjian::record::{Activity, RewardOrSanction};
use dangjian::service::PageRequest;
use dangjian::{Error, ErrorKind, MemberId};

fn probation(rights_restored: bool) -> Measure {
    Measure::Probation {
        term: ProbationTerm::OneYear,
        rights_restored,
    }
}

/// Records `measure` about `m`, decided by branch A on 2024-03-01 and
/// approved by the committee, as the committee officer.
async fn decide(w: &World, m: MemberId, measure: Measure) -> Result<(), Error> {
    w.dj.act_as(&w.committee_officer())
        .discipline()
        .record(RecordDecision::new(
            m,
            measure,
            d(2024, 3, 1),
            w.branch_a,
            w.committee,
        ))
        .await
        .map(drop)
}

#[tokio::test]
async fn a_sanction_is_a_dated_record_with_its_activity_entry() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 1).await;
    decide(&w, m.id(), probation(false)).await.unwrap();
    let c = w.dj.act_as(&w.committee_officer());
    let listed = c
        .discipline()
        .list(m.id(), PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].decided_by, w.branch_a);
    assert_eq!(listed[0].approved_by, w.committee);
    assert_eq!(listed[0].ends(), Some(d(2025, 3, 1)));
    assert_eq!(listed[0].acted_by, w.committee_officer().acted_by());
    let entries = c
        .records()
        .list(m.id(), PageRequest::default())
        .await
        .unwrap()
        .items;
    assert!(matches!(
        &entries[..],
        [e] if matches!(&e.activity, Activity::RewardOrSanction { kind: RewardOrSanction::Sanction, .. })
            && e.occurred_on == d(2024, 3, 1)
    ));
    // The member reads their own; another branch sees nothing.
    let me = w.dj.act_as(&dangjian::access::Actor::member(m.id()));
    assert_eq!(
        me.discipline()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap()
            .items,
        listed
    );
    let b = w.dj.act_as(&w.secretary_b());
    assert_eq!(
        b.discipline()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn bad_decisions_and_wrong_actors_store_nothing() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 2).await;
    let c = w.dj.act_as(&w.committee_officer());
    // The branch decides, but only the committee records (MEM-11).
    let sec = w.dj.act_as(&w.secretary_a());
    let req = RecordDecision::new(
        m.id(),
        Measure::Warning,
        d(2024, 3, 1),
        w.branch_a,
        w.committee,
    );
    assert_eq!(
        sec.discipline()
            .record(req.clone())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::PermissionDenied
    );
    // Outside the scope: not found.
    let other = w.dj.act_as(&w.elsewhere_officer());
    assert_eq!(
        other.discipline().record(req).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // The approver must be a grassroots committee over the decider.
    let r = c
        .discipline()
        .record(RecordDecision::new(
            m.id(),
            Measure::Warning,
            d(2024, 3, 1),
            w.branch_a,
            w.general,
        ))
        .await;
    assert!(matches!(
        r,
        Err(Error::Discipline(DisciplineError::Approver { .. }))
    ));
    // A decision by another branch than the member's home line.
    let r = c
        .discipline()
        .record(RecordDecision::new(
            m.id(),
            Measure::Warning,
            d(2024, 3, 1),
            w.branch_b,
            w.committee,
        ))
        .await;
    assert!(matches!(
        r,
        Err(Error::Discipline(DisciplineError::Approver { .. }))
    ));
    // In the future.
    let r = c
        .discipline()
        .record(RecordDecision::new(
            m.id(),
            Measure::Warning,
            d(2024, 6, 2),
            w.branch_a,
            w.committee,
        ))
        .await;
    assert!(matches!(
        r,
        Err(Error::Discipline(DisciplineError::InTheFuture { .. }))
    ));
    // Before the person was a member.
    let r = c
        .discipline()
        .record(RecordDecision::new(
            m.id(),
            Measure::Warning,
            d(1999, 1, 1),
            w.branch_a,
            w.committee,
        ))
        .await;
    assert!(matches!(
        r,
        Err(Error::Discipline(DisciplineError::NotAMember { .. }))
    ));
    assert!(
        c.discipline()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        c.records()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn the_roll_reads_probation_and_detention_from_the_records() {
    let w = world().await;
    let mut ids = Vec::new();
    for n in 10..19 {
        ids.push(w.full_member(w.branch_a, n).await.id());
    }
    let (sanctioned, held, warned) = (ids[0], ids[1], ids[2]);
    decide(&w, sanctioned, probation(true)).await.unwrap();
    decide(&w, held, Measure::Detention { released_on: None })
        .await
        .unwrap();
    decide(&w, warned, Measure::Warning).await.unwrap();
    let sec = w.dj.act_as(&w.secretary_a());
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(3)
        .candidates(ids[2..6].iter().copied())
        .term(TermPlan {
            years: 3,
            previous_elected_on: Some(d(2021, 6, 1)),
            higher_approval: false,
        });
    let v = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup))
        .await
        .unwrap();
    let roll = v.roll();
    assert_eq!(
        roll.not_entitled.get(&sanctioned),
        Some(&NotEntitledReason::SanctionRemovesRights)
    );
    assert_eq!(
        roll.not_entitled.get(&held),
        Some(&NotEntitledReason::Detained)
    );
    assert!(
        roll.entitled.contains(&warned),
        "a warning keeps the rights (MEM-10)"
    );
    assert_eq!(roll.entitled_count(), 7);
    // A sanctioned member cannot stand.
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(3)
        .candidates([sanctioned, ids[3], ids[4], ids[5]])
        .term(TermPlan {
            years: 3,
            previous_elected_on: Some(d(2021, 6, 1)),
            higher_approval: false,
        });
    assert!(
        sec.votes()
            .open_election(OpenElection::new(w.branch_a, setup))
            .await
            .is_err()
    );

    // A year on, the probation is over and the rights were restored.
    w.clock.set_date(d(2025, 3, 1));
    let subject = ids[8];
    let m = sec
        .votes()
        .open_motion(OpenMotion::new(w.branch_a, MotionKind::Discipline, subject))
        .await
        .unwrap();
    assert!(m.roll().entitled.contains(&sanctioned));
    assert_eq!(
        m.roll().not_entitled.get(&held),
        Some(&NotEntitledReason::Detained)
    );
}

#[tokio::test]
async fn under_probation_no_introducing() {
    let w = world().await;
    let c = w.dj.act_as(&w.committee_officer());
    let sanctioned = w.full_member(w.branch_a, 20).await;
    let other = w.full_member(w.branch_a, 21).await;
    decide(&w, sanctioned.id(), probation(true)).await.unwrap();
    let reg = Registration::new(
        "张晓红".parse().unwrap(),
        nth_id_number(22),
        w.branch_a,
        Entry::Application { on: d(2023, 1, 10) },
    );
    let a = c.members().register(reg).await.unwrap();
    c.members().approve(a.id()).await.unwrap();
    let lc = c.lifecycle();
    lc.transition(Transition::new(
        a.id(),
        TransitionRequest::BecomeActivist { on: d(2023, 2, 1) },
    ))
    .await
    .unwrap();
    let target = |on| {
        Transition::new(
            a.id(),
            TransitionRequest::BecomeDevelopmentTarget {
                on,
                introducers: [sanctioned.id(), other.id()],
            },
        )
    };
    let r = lc.transition(target(d(2024, 3, 1))).await;
    assert!(
        matches!(
            r,
            Err(Error::Transition(
                TransitionError::IntroducerUnderProbation { .. }
            ))
        ),
        "{r:?}"
    );
    assert_eq!(c.lifecycle().stage(a.id()).await.unwrap(), Stage::Activist);
    // Listed before the sanction, the same introducer was eligible.
    lc.transition(target(d(2024, 2, 29))).await.unwrap();
}

#[tokio::test]
async fn an_expulsion_is_an_exit_in_the_same_write() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 30).await;
    decide(&w, m.id(), Measure::Expulsion).await.unwrap();
    let c = w.dj.act_as(&w.committee_officer());
    assert_eq!(
        c.lifecycle().stage(m.id()).await.unwrap(),
        Stage::Exited(ExitReason::Expelled)
    );
    let entries = c
        .records()
        .list(m.id(), PageRequest::default())
        .await
        .unwrap()
        .items;
    assert_eq!(entries.len(), 2, "the sanction and the stage change");
    assert!(entries.iter().any(|e| matches!(
        e.activity,
        Activity::StageChanged {
            to: Stage::Exited(ExitReason::Expelled),
            ..
        }
    )));
    // A second expulsion of someone already out is refused.
    assert!(decide(&w, m.id(), Measure::Expulsion).await.is_err());
    assert_eq!(
        c.discipline()
            .list(m.id(), PageRequest::default())
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}
