//! Votes and elections through the services: a branch election end to end,
//! motions with written opinions, bad input refused with typed errors and
//! nothing stored, scoped access, one ballot per voter, secret storage.

mod common;
mod conformance;

use common::{World, d, nth_id_number, world};
use dangjian::access::Actor;
use dangjian::election::{
    AttendanceMode, BallotPaper, Body, ElectionBuilder, ElectionError, Mark, MotionKind,
    NotEntitledReason, Outcome, Round, TermPlan, VoteId, VoteKind, WrittenOpinion,
};
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, Member, Registration};
use dangjian::store::{MemoryStore, Store};
use dangjian::{Error, ErrorKind, MemberId};
use rand::SeedableRng;
use std::collections::BTreeMap;
use std::sync::Arc;

fn rng(seed: u64) -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(seed)
}

async fn imported(w: &World, n: u32, stage: ImportedStage) -> Member {
    let reg = Registration::new()
        .name("测试党员".parse().unwrap())
        .id_number(nth_id_number(n))
        .home(w.branch_a)
        .entry(Entry::Import(stage));
    let c = w.committee_officer();
    let m = w.dj.register(&c, reg).await.unwrap();
    w.dj.approve_registration(&c, m.id).await.unwrap()
}

/// Branch A with `full` full members and one probationary member.
async fn branch(full: u32) -> (World, Vec<MemberId>, MemberId) {
    let w = world().await;
    let mut ids = Vec::new();
    for n in 0..full {
        ids.push(w.full_member(w.branch_a, n).await.id);
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
    (w, ids, p.id)
}

fn none() -> BTreeMap<MemberId, NotEntitledReason> {
    BTreeMap::new()
}

fn yes_to(cands: &[MemberId]) -> BallotPaper {
    cands
        .iter()
        .fold(BallotPaper::new(), |p, c| p.mark(*c, Mark::Yes))
}

#[tokio::test]
async fn branch_committee_election_end_to_end() {
    let (w, ids, probationary) = branch(9).await;
    let sec = w.secretary_a();
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(ids[..6].iter().copied())
        .term(TermPlan {
            years: 3,
            previous_elected_on: Some(d(2021, 6, 1)),
            higher_approval: false,
        });
    let v =
        w.dj.open_election(&sec, w.branch_a, setup, &none())
            .await
            .unwrap();
    assert_eq!(v.roll.entitled_count(), 9);
    assert_eq!(
        v.roll.not_entitled.get(&probationary),
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
            w.dj.cast(&Actor::member(*voter), v.id, &paper, &mut rng(i as u64))
                .await
                .unwrap();
        receipts.push(r);
    }
    // Results only after closing, even for the secretary.
    let early = w.dj.count_report(&sec, v.id).await;
    assert!(matches!(
        early,
        Err(Error::Election(ElectionError::StillOpen))
    ));
    w.dj.close_vote(&sec, v.id).await.unwrap();
    let report =
        w.dj.count_report(&Actor::member(ids[0]), v.id)
            .await
            .unwrap();
    assert_eq!(report.rule_version, "election-2020");
    assert_eq!((report.entitled, report.present, report.voted), (9, 9, 9));
    assert_eq!((report.returned, report.valid, report.invalid), (9, 9, 0));
    assert_eq!(
        report.outcome,
        Outcome::Complete {
            elected: ids[..5].to_vec()
        }
    );
    let text = report.to_string();
    assert!(text.contains("计票报告") && text.contains("election-2020"));
    // Each voter finds their code in the published list.
    let codes =
        w.dj.ballot_codes(&Actor::member(ids[1]), v.id)
            .await
            .unwrap();
    assert_eq!(codes.len(), 9);
    for (i, r) in receipts.iter().enumerate() {
        assert!(codes.contains(&r.code));
        let ok = w.dj.verify_receipt(&Actor::member(ids[i]), r, None).await;
        assert!(ok.unwrap());
    }
    // A ballot after closing.
    let late =
        w.dj.cast(
            &Actor::member(ids[0]),
            v.id,
            &yes_to(&ids[..1]),
            &mut rng(99),
        )
        .await;
    assert!(matches!(late, Err(Error::Election(ElectionError::Closed))));
}

#[tokio::test]
async fn probationary_members_neither_vote_nor_stand() {
    let (w, ids, probationary) = branch(9).await;
    // A full member whose record is not yet approved is not on the roll.
    let pending = Registration::new()
        .name("待审核".parse().unwrap())
        .id_number(nth_id_number(700))
        .home(w.branch_a)
        .entry(Entry::Import(ImportedStage::Full {
            joined_on: d(2000, 7, 1),
            full_since: d(2001, 7, 1),
        }));
    let pending =
        w.dj.register(&w.committee_officer(), pending)
            .await
            .unwrap()
            .id;
    let sec = w.secretary_a();
    let mut cands: Vec<_> = ids[..5].to_vec();
    cands.push(probationary);
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(cands);
    let err = w.dj.open_election(&sec, w.branch_a, setup, &none()).await;
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
    let v =
        w.dj.open_election(&sec, w.branch_a, setup, &none())
            .await
            .unwrap();
    assert!(!v.roll.lists(pending));
    assert_eq!(v.roll.entitled_count(), 9);
    let err =
        w.dj.cast(
            &Actor::member(probationary),
            v.id,
            &yes_to(&ids[..1]),
            &mut rng(1),
        )
        .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::NotOnRoll { .. }))
    ));
    assert!(!w.dj.store().has_voted(v.id, probationary).await.unwrap());
}

#[tokio::test]
async fn bad_input_is_typed_and_stores_nothing() {
    let (w, ids, _) = branch(9).await;
    let sec = w.secretary_a();
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
        let e =
            w.dj.open_election(&sec, w.branch_a, c, &none())
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

    let v =
        w.dj.open_election(&sec, w.branch_a, base().seats(5), &none())
            .await
            .unwrap();
    let stranger = MemberId::new(4242);
    let unknown = BallotPaper::new().mark(stranger, Mark::Yes);
    let e =
        w.dj.cast(&Actor::member(ids[0]), v.id, &unknown, &mut rng(1))
            .await;
    assert!(matches!(e, Err(Error::Election(ElectionError::UnknownCandidate(m))) if m == stranger));
    assert_eq!(e.unwrap_err().kind(), ErrorKind::InvalidInput);
    let e =
        w.dj.cast(
            &Actor::member(stranger),
            v.id,
            &yes_to(&ids[..1]),
            &mut rng(1),
        )
        .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::NotOnRoll { .. }))
    ));
    assert!(w.dj.store().voters(v.id).await.unwrap().is_empty());
    w.dj.close_vote(&sec, v.id).await.unwrap();
    assert!(w.dj.store().sealed_ballots(v.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn scoped_access_for_votes() {
    let (w, ids, _) = branch(9).await;
    let other = w.full_member(w.branch_b, 300).await.id;
    let setup = || {
        ElectionBuilder::new()
            .body(Body::BranchCommittee)
            .seats(5)
            .candidates(ids[..6].iter().copied())
    };
    for actor in [
        w.secretary_b(),
        w.elsewhere_officer(),
        Actor::member(ids[0]),
        w.admin(),
    ] {
        let e =
            w.dj.open_election(&actor, w.branch_a, setup(), &none())
                .await;
        assert_eq!(e.unwrap_err().kind(), ErrorKind::PermissionDenied);
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
        w.dj.open_election(&w.committee_officer(), w.branch_a, setup(), &none())
            .await
            .unwrap();
    let e = w.dj.close_vote(&w.secretary_b(), v.id).await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::PermissionDenied);
    w.dj.close_vote(&w.secretary_a(), v.id).await.unwrap();
    let e = w.dj.count_report(&Actor::member(other), v.id).await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::PermissionDenied);
    assert!(
        w.dj.count_report(&Actor::member(ids[3]), v.id)
            .await
            .is_ok()
    );
    // Nobody casts for someone else.
    let e =
        w.dj.cast(&w.secretary_a(), v.id, &yes_to(&ids[..1]), &mut rng(1))
            .await;
    assert_eq!(e.unwrap_err().kind(), ErrorKind::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_casts_by_one_voter_store_one_ballot() {
    let (w, ids, _) = branch(9).await;
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(5)
        .candidates(ids[..6].iter().copied());
    let v =
        w.dj.open_election(&w.secretary_a(), w.branch_a, setup, &none())
            .await
            .unwrap();
    let mut tasks = Vec::new();
    for i in 0..64u64 {
        let dj = w.dj.clone();
        let paper = yes_to(&ids[..(i % 5 + 1) as usize]);
        let voter = ids[4];
        tasks.push(tokio::spawn(async move {
            dj.cast(&Actor::member(voter), v.id, &paper, &mut rng(i))
                .await
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
    w.dj.close_vote(&w.secretary_a(), v.id).await.unwrap();
    assert_eq!(w.dj.store().sealed_ballots(v.id).await.unwrap().len(), 1);
    let report = w.dj.count_report(&w.secretary_a(), v.id).await.unwrap();
    assert_eq!((report.voted, report.returned), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn secrecy_after_1000_ballots_and_64_concurrent_casts_in_the_memory_store() {
    let store = || async { Arc::new(MemoryStore::new()) as Arc<dyn Store> };
    conformance::votes::thousand_ballots_keep_no_voter_and_no_order(store().await).await;
    conformance::votes::sixty_four_concurrent_casts_store_one(store().await).await;
}

#[tokio::test]
async fn admission_motion_counts_written_opinions() {
    let (w, ids, _) = branch(10).await;
    let target = imported(
        &w,
        600,
        ImportedStage::DevelopmentTarget {
            since: d(2023, 9, 1),
            introducers: [ids[0], ids[1]],
        },
    )
    .await
    .id;
    let sec = w.secretary_a();
    // A conversion about someone who is not probationary is refused.
    let e =
        w.dj.open_motion(&sec, w.branch_a, MotionKind::Conversion, ids[2], &none())
            .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrongKind(_)))
    ));
    let e =
        w.dj.open_motion(&sec, w.branch_a, MotionKind::Admission, ids[2], &none())
            .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrongKind(_)))
    ));
    let v =
        w.dj.open_motion(&sec, w.branch_a, MotionKind::Admission, target, &none())
            .await
            .unwrap();
    assert!(matches!(v.kind, VoteKind::Motion(_)));
    for id in &ids[..6] {
        w.dj.check_in(&sec, v.id, *id, AttendanceMode::InPerson)
            .await
            .unwrap();
    }
    for (i, id) in ids[..5].iter().enumerate() {
        let paper = BallotPaper::new().mark(target, Mark::Yes);
        w.dj.cast(&Actor::member(*id), v.id, &paper, &mut rng(i as u64))
            .await
            .unwrap();
    }
    let paper = BallotPaper::new().mark(target, Mark::No);
    w.dj.cast(&Actor::member(ids[5]), v.id, &paper, &mut rng(7))
        .await
        .unwrap();
    // Written opinions: only from the absent.
    let e =
        w.dj.record_written_opinion(&sec, v.id, ids[0], WrittenOpinion::Yes)
            .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::WrittenOpinion(_)))
    ));
    let mark_two = BallotPaper::new().mark(ids[9], Mark::Yes);
    let e =
        w.dj.cast(&Actor::member(ids[7]), v.id, &mark_two, &mut rng(8))
            .await;
    assert!(matches!(
        e,
        Err(Error::Election(ElectionError::UnknownCandidate(_)))
    ));
    w.dj.close_vote(&sec, v.id).await.unwrap();
    let r = w.dj.motion_report(&sec, v.id).await.unwrap();
    // 10 entitled, 6 present, yes 5 = exactly half: not passed.
    assert_eq!(
        (r.entitled, r.present, r.yes_total, r.votes_needed),
        (10, 6, 5, 6)
    );
    assert!(r.quorate && !r.passed);

    // Again with one written yes from an absent member: passes.
    let v =
        w.dj.open_motion(&sec, w.branch_a, MotionKind::Admission, target, &none())
            .await
            .unwrap();
    for (i, id) in ids[..6].iter().enumerate() {
        let mark = if i < 5 { Mark::Yes } else { Mark::No };
        let paper = BallotPaper::new().mark(target, mark);
        w.dj.cast(&Actor::member(*id), v.id, &paper, &mut rng(i as u64))
            .await
            .unwrap();
    }
    w.dj.record_written_opinion(&sec, v.id, ids[8], WrittenOpinion::Yes)
        .await
        .unwrap();
    w.dj.close_vote(&sec, v.id).await.unwrap();
    let r =
        w.dj.motion_report(&Actor::member(ids[9]), v.id)
            .await
            .unwrap();
    assert_eq!((r.yes, r.written_yes, r.yes_total), (5, 1, 6));
    assert!(r.passed);
}

#[tokio::test]
async fn too_few_elected_opens_a_further_round_among_the_unelected() {
    let (w, ids, _) = branch(9).await;
    let sec = w.secretary_a();
    let setup = ElectionBuilder::new()
        .body(Body::BranchCommittee)
        .seats(3)
        .candidates(ids[..4].iter().copied());
    let v =
        w.dj.open_election(&sec, w.branch_a, setup, &none())
            .await
            .unwrap();
    // Candidates 0 and 1 get all 9 votes; 2 and 3 split: 4 and 4 (< 5 needed).
    for (i, id) in ids.iter().enumerate() {
        let third = if i % 2 == 0 { ids[2] } else { ids[3] };
        let paper = yes_to(&[ids[0], ids[1], third]);
        let paper = if i == 8 { yes_to(&ids[..2]) } else { paper };
        w.dj.cast(&Actor::member(*id), v.id, &paper, &mut rng(i as u64))
            .await
            .unwrap();
    }
    w.dj.close_vote(&sec, v.id).await.unwrap();
    let report = w.dj.count_report(&sec, v.id).await.unwrap();
    let Outcome::Shortfall {
        elected,
        vacancies,
        further_round_among,
        may_reduce_to,
    } = &report.outcome
    else {
        panic!("expected a shortfall: {report}");
    };
    assert_eq!(elected, &ids[..2].to_vec());
    assert_eq!(*vacancies, 1);
    assert_eq!(further_round_among, &ids[2..4].to_vec());
    assert_eq!(*may_reduce_to, None); // a committee keeps at least 3
    let next =
        w.dj.open_next_round(&sec, v.id, Round::Further, further_round_among, *vacancies)
            .await
            .unwrap();
    let VoteKind::Election(s) = &next.kind else {
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
    let sec = w.secretary_a();
    let ok =
        w.dj.appraise(&sec, w.branch_a, 2024, &grades(3))
            .await
            .unwrap();
    assert_eq!((ok.excellent, ok.cap), (3, 3));
    assert_eq!(
        ok.entries.get(&probationary),
        Some(&dangjian::election::AppraisalEntry::NotGraded)
    );
    let over = w.dj.appraise(&sec, w.branch_a, 2024, &grades(4)).await;
    assert!(matches!(
        over,
        Err(Error::Election(ElectionError::ExcellentOverCap {
            cap: 3,
            given: 4,
            ..
        }))
    ));
    let denied =
        w.dj.appraise(&w.secretary_b(), w.branch_a, 2024, &grades(3))
            .await;
    assert_eq!(denied.unwrap_err().kind(), ErrorKind::PermissionDenied);
}
