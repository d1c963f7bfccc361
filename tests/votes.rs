//! Votes and elections through the services: a branch election end to end,
//! motions with written opinions, bad input refused with typed errors and
//! nothing stored, scoped access, one ballot per voter, secret storage.

mod common;

use common::{World, d, nth_id_number, world};
use dangjian::access::Actor;
use dangjian::election::{
    Appraise, AttendanceMode, BallotPaper, Body, Cast, CheckIn, ElectionBuilder, ElectionError,
    Mark, MotionKind, NextRound, NotEntitledReason, OpenElection, OpenMotion, Outcome,
    RecordOpinion, Round, TermPlan, VoteId, VoteKind, WrittenOpinion,
};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{
    ChangeMembership, Entry, Member, MembershipKind, MembershipRequest, Registration,
};
use dangjian::{Entity, Error, ErrorKind, MemberId};
use std::collections::BTreeMap;

async fn imported(w: &World, n: u32, stage: ImportedStage) -> Member {
    let reg = Registration::new(
        "测试党员".parse().unwrap(),
        nth_id_number(n),
        w.branch_a,
        Entry::Import(stage),
    );
    let c = w.dj.act_as(&w.committee_officer());
    let m = c.members().register(reg).await.unwrap();
    c.members().approve(m.id()).await.unwrap()
}

/// Branch A with `full` full members and one probationary member.
async fn branch(full: u32) -> (World, Vec<MemberId>, MemberId) {
    let w = world().await;
    let mut ids = Vec::new();
    for n in 0..full {
        ids.push(w.full_member(w.branch_a, n).await.id());
    }
    let p = imported(
        &w,
        500,
        ImportedStage::Probationary {
            resolution_on: d(2024, 1, 10),
            probation_end: None,
            extended: false,
        },
    )
    .await;
    (w, ids, p.id())
}

fn yes_to(cands: &[MemberId]) -> BallotPaper {
    cands
        .iter()
        .fold(BallotPaper::new(), |p, c| p.mark(*c, Mark::Yes))
}

#[tokio::test]
async fn branch_committee_election_end_to_end() {
    let (w, ids, probationary) = branch(9).await;
    let sec = w.dj.act_as(&w.secretary_a());
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(ids[..6].iter().copied())
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
    assert_eq!(v.roll().entitled_count(), 9);
    assert_eq!(
        v.roll().not_entitled.get(&probationary),
        Some(&NotEntitledReason::Probationary)
    );
    let mut receipts = Vec::new();
    for (i, voter) in ids.iter().enumerate() {
        // everyone: yes to candidates 0..5; two also say no to candidate 5
        let mut paper = yes_to(&ids[..5]);
        if i < 2 {
            paper = paper.mark(ids[5], Mark::No);
        }
        let r =
            w.dj.act_as(&Actor::member(*voter))
                .votes()
                .cast(Cast::new(v.id(), paper))
                .await
                .unwrap();
        receipts.push(r);
    }
    // Results only after closing, even for the secretary.
    let early = sec.votes().count_report(v.id()).await;
    assert!(matches!(
        early,
        Err(Error::Election(ElectionError::StillOpen))
    ));
    sec.votes().close(v.id()).await.unwrap();
    let report =
        w.dj.act_as(&Actor::member(ids[0]))
            .votes()
            .count_report(v.id())
            .await
            .unwrap();
    assert_eq!(report.rule_version(), "election-2020");
    assert_eq!(
        (report.entitled(), report.present(), report.voted()),
        (9, 9, 9)
    );
    assert_eq!(
        (report.returned(), report.valid(), report.invalid()),
        (9, 9, 0)
    );
    assert_eq!(
        report.outcome(),
        &Outcome::Complete {
            elected: ids[..5].to_vec()
        }
    );
    let text = report.to_string();
    assert!(text.contains("计票报告") && text.contains("election-2020"));
    // Each voter finds their code in the published list.
    let codes =
        w.dj.act_as(&Actor::member(ids[1]))
            .votes()
            .ballot_codes(v.id())
            .await
            .unwrap();
    assert_eq!(codes.len(), 9);
    for (i, r) in receipts.iter().enumerate() {
        assert!(codes.contains(&r.code));
        let ok =
            w.dj.act_as(&Actor::member(ids[i]))
                .votes()
                .verify_receipt(r, None)
                .await;
        assert!(ok.unwrap());
    }
    // A ballot after closing.
    let late =
        w.dj.act_as(&Actor::member(ids[0]))
            .votes()
            .cast(Cast::new(v.id(), yes_to(&ids[..1])))
            .await;
    assert!(matches!(late, Err(Error::Election(ElectionError::Closed))));
}

#[tokio::test]
async fn probationary_members_neither_vote_nor_stand() {
    let (w, ids, probationary) = branch(9).await;
    // A full member whose record is not yet approved is not on the roll.
    let pending = Registration::new(
        "待审核".parse().unwrap(),
        nth_id_number(700),
        w.branch_a,
        Entry::Import(ImportedStage::Full {
            joined_on: d(2000, 7, 1),
            full_since: d(2001, 7, 1),
        }),
    );
    let pending =
        w.dj.act_as(&w.committee_officer())
            .members()
            .register(pending)
            .await
            .unwrap()
            .id();
    let sec = w.dj.act_as(&w.secretary_a());
    let mut cands: Vec<_> = ids[..5].to_vec();
    cands.push(probationary);
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(cands);
    let err = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup))
        .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::NotEntitledToStand {
            reason: NotEntitledReason::Probationary,
            ..
        }))
    ));
    assert!(
        w.dj.store()
            .get_vote(VoteId::new(1))
            .await
            .unwrap()
            .is_none()
    );
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(ids[..6].iter().copied());
    let v = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup))
        .await
        .unwrap();
    assert!(!v.roll().lists(pending));
    assert_eq!(v.roll().entitled_count(), 9);
    let err =
        w.dj.act_as(&Actor::member(probationary))
            .votes()
            .cast(Cast::new(v.id(), yes_to(&ids[..1])))
            .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::NotOnRoll { .. }))
    ));
    assert!(!w.dj.store().has_voted(v.id(), probationary).await.unwrap());
}

#[tokio::test]
async fn bad_input_is_typed_and_stores_nothing() {
    let (w, ids, _) = branch(9).await;
    let sec = w.dj.act_as(&w.secretary_a());
    let base = || {
        ElectionBuilder::new()
            .body(Body::BranchCommittee)
            .candidates(ids[..6].iter().copied())
    };
    let cases = [
        base().seats(0),
        base().seats(-1),
        base().seats(7).competitive(false),
        base().seats(5).term(TermPlan {
            years: 5,
            previous_elected_on: None,
            higher_approval: false,
        }),
        base().seats(5).term(TermPlan {
            years: 3,
            previous_elected_on: Some(d(2020, 1, 1)),
            higher_approval: true,
        }),
    ];
    let mut kinds = Vec::new();
    for c in cases {
        let e = sec
            .votes()
            .open_election(OpenElection::new(w.branch_a, c))
            .await
            .unwrap_err();
        kinds.push(e.to_string());
        assert!(matches!(e, Error::Election(_)), "{e}");
    }
    assert!(kinds[0].contains("at least 1"));
    assert!(kinds[2].contains("7 seats but only 6"));
    assert!(kinds[3].contains("term"));
    assert!(kinds[4].contains("late by more than 12 months"));
    assert!(
        w.dj.store()
            .get_vote(VoteId::new(1))
            .await
            .unwrap()
            .is_none()
    );

    let v = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, base().seats(5)))
        .await
        .unwrap();
    let stranger = MemberId::new(4242);
    let unknown = BallotPaper::new().mark(stranger, Mark::Yes);
    let e =
        w.dj.act_as(&Actor::member(ids[0]))
            .votes()
            .cast(Cast::new(v.id(), unknown))
            .await;
    assert!(matches!(e, Err(Error::Election(ElectionError::UnknownCandidate(m))) if m == stranger));
    assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
    // Someone not on the roll at all: the vote is outside their scope, so
    // the answer is the one for a vote that does not exist.
    let e =
        w.dj.act_as(&Actor::member(stranger))
            .votes()
            .cast(Cast::new(v.id(), yes_to(&ids[..1])))
            .await;
    assert!(matches!(
        e,
        Err(Error::NotFound {
            what: Entity::Vote,
            ..
        })
    ));
    assert!(w.dj.store().voters(v.id()).await.unwrap().is_empty());
    sec.votes().close(v.id()).await.unwrap();
    assert!(
        w.dj.store()
            .sealed_ballots(v.id())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn scoped_access_for_votes() {
    let (w, ids, _) = branch(9).await;
    let other = w.full_member(w.branch_b, 300).await.id();
    let setup = || {
        ElectionBuilder::new()
            .body(Body::BranchCommittee)
            .seats(5)
            .candidates(ids[..6].iter().copied())
    };
    // Outside the actor's scope (another branch, another tree, a member's
    // scope of themselves): the same answer as for a branch that does not
    // exist. Inside the scope but not a role that runs votes: denied.
    for (actor, kind) in [
        (w.secretary_b(), ErrorKind::NotFound),
        (w.elsewhere_officer(), ErrorKind::NotFound),
        (Actor::member(ids[0]), ErrorKind::NotFound),
        (w.admin(), ErrorKind::PermissionDenied),
    ] {
        let e =
            w.dj.act_as(&actor)
                .votes()
                .open_election(OpenElection::new(w.branch_a, setup()))
                .await;
        assert_eq!(e.unwrap_err().kind(), kind, "{actor:?}");
    }
    assert!(
        w.dj.store()
            .get_vote(VoteId::new(1))
            .await
            .unwrap()
            .is_none()
    );
    // The committee above runs it too.
    let v =
        w.dj.act_as(&w.committee_officer())
            .votes()
            .open_election(OpenElection::new(w.branch_a, setup()))
            .await
            .unwrap();
    // Another branch's secretary: outside the scope.
    let e = w.dj.act_as(&w.secretary_b()).votes().close(v.id()).await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::NotFound);
    let sec = w.dj.act_as(&w.secretary_a());
    sec.votes().close(v.id()).await.unwrap();
    // A member not on the roll: outside the scope.
    let e =
        w.dj.act_as(&Actor::member(other))
            .votes()
            .count_report(v.id())
            .await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::NotFound);
    assert!(
        w.dj.act_as(&Actor::member(ids[3]))
            .votes()
            .count_report(v.id())
            .await
            .is_ok()
    );
    // Nobody casts for someone else (the vote is in the secretary's scope).
    let e = sec.votes().cast(Cast::new(v.id(), yes_to(&ids[..1]))).await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_casts_by_one_voter_store_one_ballot() {
    let (w, ids, _) = branch(9).await;
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(ids[..6].iter().copied());
    let sec = w.dj.act_as(&w.secretary_a());
    let v = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup))
        .await
        .unwrap();
    let voter = w.dj.act_as(&Actor::member(ids[4]));
    let mut tasks = Vec::new();
    for i in 0..64u64 {
        let voter = voter.clone();
        let paper = yes_to(&ids[..(i % 5 + 1) as usize]);
        let vote = v.id();
        tasks.push(tokio::spawn(async move {
            voter.votes().cast(Cast::new(vote, paper)).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert!(
                matches!(e, Error::Election(ElectionError::AlreadyVoted(_))),
                "{e}"
            ),
        }
    }
    assert_eq!(ok, 1);
    sec.votes().close(v.id()).await.unwrap();
    assert_eq!(w.dj.store().sealed_ballots(v.id()).await.unwrap().len(), 1);
    let report = sec.votes().count_report(v.id()).await.unwrap();
    assert_eq!((report.voted(), report.returned()), (1, 1));
}

#[tokio::test]
async fn admission_motion_counts_written_opinions() {
    let (w, ids, _) = branch(10).await;
    let target = imported(
        &w,
        600,
        ImportedStage::DevelopmentTarget {
            since: d(2023, 9, 1),
            introducers: [ids[0].into(), ids[1].into()],
        },
    )
    .await
    .id();
    let sec = w.dj.act_as(&w.secretary_a());
    let motion = |kind, subject| OpenMotion::new(w.branch_a, kind, subject);
    // A conversion about someone who is not probationary is refused.
    let e = sec
        .votes()
        .open_motion(motion(MotionKind::Conversion, ids[2]))
        .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrongKind(_)))
    ));
    let e = sec
        .votes()
        .open_motion(motion(MotionKind::Admission, ids[2]))
        .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrongKind(_)))
    ));
    // The subject must belong to the branch voting. A member of branch B
    // is not found from branch A (outside its scope); the committee above
    // both sees the member, and is told the subject is not the branch's.
    let outsider = w.full_member(w.branch_b, 301).await.id();
    let e = sec
        .votes()
        .open_motion(motion(MotionKind::Discipline, outsider))
        .await;
    assert!(matches!(
        e,
        Err(Error::NotFound {
            what: Entity::Member,
            ..
        })
    ));
    let e =
        w.dj.act_as(&w.committee_officer())
            .votes()
            .open_motion(motion(MotionKind::Discipline, outsider))
            .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrongKind(_)))
    ));
    w.post_admission_notice(target, 880).await;
    let v = sec
        .votes()
        .open_motion(motion(MotionKind::Admission, target))
        .await
        .unwrap();
    assert!(matches!(v.kind(), VoteKind::Motion(_)));
    for id in &ids[..6] {
        sec.votes()
            .check_in(CheckIn::new(v.id(), *id, AttendanceMode::InPerson))
            .await
            .unwrap();
    }
    let cast = |voter: MemberId, paper: BallotPaper| {
        let s = w.dj.act_as(&Actor::member(voter));
        let vote = v.id();
        async move { s.votes().cast(Cast::new(vote, paper)).await }
    };
    for id in &ids[..5] {
        let paper = BallotPaper::new().mark(target, Mark::Yes);
        cast(*id, paper).await.unwrap();
    }
    let paper = BallotPaper::new().mark(target, Mark::No);
    cast(ids[5], paper).await.unwrap();
    // Written opinions: only from the absent.
    let e = sec
        .votes()
        .record_written_opinion(RecordOpinion::new(v.id(), ids[0], WrittenOpinion::Yes))
        .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrittenOpinion(_)))
    ));
    let mark_two = BallotPaper::new().mark(ids[9], Mark::Yes);
    let e = cast(ids[7], mark_two).await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::UnknownCandidate(_)))
    ));
    sec.votes().close(v.id()).await.unwrap();
    let r = sec.votes().motion_report(v.id()).await.unwrap();
    // 10 entitled, 6 present, yes 5 = exactly half: not passed.
    assert_eq!(
        (r.entitled, r.present, r.yes_total, r.votes_needed),
        (10, 6, 5, 6)
    );
    assert!(r.quorate && !r.passed);

    // Again with one written yes from an absent member: passes.
    let v = sec
        .votes()
        .open_motion(motion(MotionKind::Admission, target))
        .await
        .unwrap();
    for (i, id) in ids[..6].iter().enumerate() {
        let mark = if i < 5 { Mark::Yes } else { Mark::No };
        let paper = BallotPaper::new().mark(target, mark);
        w.dj.act_as(&Actor::member(*id))
            .votes()
            .cast(Cast::new(v.id(), paper))
            .await
            .unwrap();
    }
    sec.votes()
        .record_written_opinion(RecordOpinion::new(v.id(), ids[8], WrittenOpinion::Yes))
        .await
        .unwrap();
    sec.votes().close(v.id()).await.unwrap();
    let r =
        w.dj.act_as(&Actor::member(ids[9]))
            .votes()
            .motion_report(v.id())
            .await
            .unwrap();
    assert_eq!((r.yes, r.written_yes, r.yes_total), (5, 1, 6));
    assert!(r.passed);
}

#[tokio::test]
async fn too_few_elected_opens_a_further_round_among_the_unelected() {
    let (w, ids, _) = branch(9).await;
    let sec = w.dj.act_as(&w.secretary_a());
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(3)
        .candidates(ids[..4].iter().copied());
    let v = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup))
        .await
        .unwrap();
    // Candidates 0 and 1 get all 9 votes; 2 and 3 split: 4 and 4 (< 5 needed).
    for (i, id) in ids.iter().enumerate() {
        let third = if i % 2 == 0 { ids[2] } else { ids[3] };
        let paper = yes_to(&[ids[0], ids[1], third]);
        let paper = if i == 8 { yes_to(&ids[..2]) } else { paper };
        w.dj.act_as(&Actor::member(*id))
            .votes()
            .cast(Cast::new(v.id(), paper))
            .await
            .unwrap();
    }
    sec.votes().close(v.id()).await.unwrap();
    let report = sec.votes().count_report(v.id()).await.unwrap();
    let Outcome::Shortfall {
        elected,
        vacancies,
        further_round_among,
        may_reduce_to,
    } = report.outcome()
    else {
        panic!("expected a shortfall: {report}");
    };
    assert_eq!(elected, &ids[..2].to_vec());
    assert_eq!(*vacancies, 1);
    assert_eq!(further_round_among, &ids[2..4].to_vec());
    assert_eq!(*may_reduce_to, None); // a committee keeps at least 3
    let next = sec
        .votes()
        .open_next_round(NextRound::new(
            v.id(),
            Round::Further,
            further_round_among.clone(),
            *vacancies,
        ))
        .await
        .unwrap();
    let VoteKind::Election(s) = next.kind() else {
        panic!("an election");
    };
    assert_eq!(
        (s.round, s.seats, s.candidates.clone()),
        (Round::Further, 1, ids[2..4].to_vec())
    );
}

#[tokio::test]
async fn appraisal_caps_excellent_at_one_third_and_skips_probationary() {
    let (w, ids, probationary) = branch(10).await;
    let grades = |excellent: usize| -> BTreeMap<MemberId, dangjian::election::Grade> {
        ids.iter()
            .enumerate()
            .map(|(i, m)| {
                let g = if i < excellent {
                    dangjian::election::Grade::Excellent
                } else {
                    dangjian::election::Grade::Qualified
                };
                (*m, g)
            })
            .collect()
    };
    let sec = w.dj.act_as(&w.secretary_a());
    let ok = sec
        .votes()
        .appraise(Appraise::new(w.branch_a, 2024, grades(3)))
        .await
        .unwrap();
    assert_eq!((ok.excellent, ok.cap), (3, 3));
    assert_eq!(
        ok.entries.get(&probationary),
        Some(&dangjian::election::AppraisalEntry::NotGraded)
    );
    let over = sec
        .votes()
        .appraise(Appraise::new(w.branch_a, 2024, grades(4)))
        .await;
    assert!(matches!(
        over,
        Err(Error::Election(ElectionError::ExcellentOverCap {
            cap: 3,
            given: 4,
            ..
        }))
    ));
    // Another branch's secretary: outside the scope.
    let denied =
        w.dj.act_as(&w.secretary_b())
            .votes()
            .appraise(Appraise::new(w.branch_a, 2024, grades(3)))
            .await;
    assert_eq!(denied.unwrap_err().kind(), ErrorKind::NotFound);
}

/// A motion's subject belongs to the organisation
/// holding the vote by its organisational relationship (the home branch,
/// MEM-1, ORG-7). An online branch that branch A's development target has
/// joined may not admit, convert or discipline them; a branch officer who
/// cannot see the subject's home is told no more than `NotFound`.
#[tokio::test]
async fn an_online_branch_cannot_vote_on_another_branchs_member() {
    let (w, ids, probationary) = branch(3).await;
    let target = imported(
        &w,
        600,
        ImportedStage::DevelopmentTarget {
            since: d(2023, 9, 1),
            introducers: [ids[0].into(), ids[1].into()],
        },
    )
    .await
    .id();
    let c = w.dj.act_as(&w.committee_officer());
    for who in [target, probationary] {
        c.members()
            .change_membership(ChangeMembership::new(
                who,
                MembershipRequest::Join {
                    org: w.online,
                    kind: MembershipKind::Online,
                    on: d(2024, 6, 1),
                },
            ))
            .await
            .unwrap();
    }
    let online_officer =
        w.dj.act_as(&Actor::branch_officer(MemberId::new(904), w.online));
    for (kind, who) in [
        (MotionKind::Admission, target),
        (MotionKind::Conversion, probationary),
        (MotionKind::Discipline, ids[0]),
    ] {
        let e = online_officer
            .votes()
            .open_motion(OpenMotion::new(w.online, kind, who))
            .await;
        assert!(e.is_err(), "{kind:?} of {who} opened in the online branch");
    }
    // The committee above both sees the subject and gets the typed refusal.
    let e = c
        .votes()
        .open_motion(OpenMotion::new(w.online, MotionKind::Admission, target))
        .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrongKind(_)))
    ));
    // The online branch's officer does not cover branch A: NotFound.
    let e = online_officer
        .votes()
        .open_motion(OpenMotion::new(w.online, MotionKind::Admission, target))
        .await;
    assert!(matches!(
        e,
        Err(Error::NotFound {
            what: Entity::Member,
            ..
        })
    ));
    // Branch A itself may, once the notice has run.
    w.post_admission_notice(target, 880).await;
    let sec = w.dj.act_as(&w.secretary_a());
    sec.votes()
        .open_motion(OpenMotion::new(w.branch_a, MotionKind::Admission, target))
        .await
        .unwrap();
}
