//! Vote service unit tests with the mock store: refusals never reach a
//! write, and store answers map to typed vote errors.

use super::*;
use crate::election::{
    BallotPaper, Body, ElectionBuilder, ElectionError, Mark, NewVote, Roll, VoteId, VoteKind,
    VoteRecord, VoteStatus, national_election_rules,
};
use crate::{Error, store::StoreErrorKind};
use rand::SeedableRng;

fn record(status: VoteStatus) -> VoteRecord {
    let on = d(2024, 6, 1);
    let roll = Roll::from_parts(BRANCH_A, on, (1..=10).map(MemberId::new), []);
    let setup = ElectionBuilder::new()
        .org(BRANCH_A)
        .body(Body::BranchCommittee)
        .seats(3)
        .held_on(on)
        .candidates((1..=4).map(MemberId::new))
        .build(&roll, &national_election_rules())
        .unwrap_or_else(|e| unreachable!("{e}"));
    let mut v = VoteRecord::from_new(
        VoteId::new(1),
        NewVote {
            org: BRANCH_A,
            kind: VoteKind::Election(setup),
            roll,
            session: on,
        },
    );
    v.status = status;
    v
}

fn vote_db(status: VoteStatus) -> MockDb {
    let mut db = db();
    db.expect_get_vote()
        .returning(move |_| Ok(Some(record(status))));
    db
}

fn rng() -> rand::rngs::StdRng {
    rand::rngs::StdRng::seed_from_u64(5)
}

fn paper() -> BallotPaper {
    BallotPaper::new().mark(MemberId::new(1), Mark::Yes)
}

#[tokio::test]
async fn an_officer_cannot_cast_for_a_member_and_nothing_is_stored() {
    let mut db = vote_db(VoteStatus::Open);
    db.expect_cast_ballot().never();
    db.expect_has_voted().never();
    let dj = service(db);
    let secretary = Actor::branch_officer(MemberId::new(1), BRANCH_A);
    let err = dj
        .cast(&secretary, VoteId::new(1), &paper(), &mut rng())
        .await;
    assert_eq!(
        err.err().map(|e| e.kind()),
        Some(ErrorKind::PermissionDenied)
    );
}

#[tokio::test]
async fn another_branch_cannot_open_an_election() {
    let mut db = db();
    db.expect_create_vote().never();
    db.expect_members_by_home().never();
    let dj = service(db);
    let secretary_b = Actor::branch_officer(MemberId::new(9), BRANCH_B);
    let b = ElectionBuilder::new().body(Body::Secretary).seats(1);
    let err = dj
        .open_election(&secretary_b, BRANCH_A, b, &Default::default())
        .await;
    assert_eq!(
        err.err().map(|e| e.kind()),
        Some(ErrorKind::PermissionDenied)
    );
}

#[tokio::test]
async fn no_results_while_open() {
    let mut db = vote_db(VoteStatus::Open);
    db.expect_sealed_ballots().never();
    let dj = service(db);
    let err = dj
        .count_report(&Actor::member(MemberId::new(2)), VoteId::new(1))
        .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::StillOpen))
    ));
}

#[tokio::test]
async fn a_ballot_after_closing_is_refused_before_the_store() {
    let mut db = vote_db(VoteStatus::Closed);
    db.expect_cast_ballot().never();
    let dj = service(db);
    let err = dj
        .cast(
            &Actor::member(MemberId::new(2)),
            VoteId::new(1),
            &paper(),
            &mut rng(),
        )
        .await;
    assert!(matches!(err, Err(Error::Election(ElectionError::Closed))));
}

#[tokio::test]
async fn unknown_candidate_and_stranger_never_reach_the_store() {
    let mut db = vote_db(VoteStatus::Open);
    db.expect_cast_ballot().never();
    db.expect_has_voted().returning(|_, _| Ok(false));
    let dj = service(db);
    let bad = BallotPaper::new().mark(MemberId::new(77), Mark::Yes);
    let err = dj
        .cast(
            &Actor::member(MemberId::new(2)),
            VoteId::new(1),
            &bad,
            &mut rng(),
        )
        .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::UnknownCandidate(_)))
    ));
    let err = dj
        .cast(
            &Actor::member(MemberId::new(55)),
            VoteId::new(1),
            &paper(),
            &mut rng(),
        )
        .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::NotOnRoll { .. }))
    ));
}

#[tokio::test]
async fn a_racing_second_ballot_maps_to_already_voted() {
    let mut db = vote_db(VoteStatus::Open);
    let mut seq = mockall::Sequence::new();
    db.expect_has_voted()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(false));
    db.expect_cast_ballot()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Err(StoreError::new(StoreErrorKind::Conflict, "already voted")));
    db.expect_has_voted()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(true));
    let dj = service(db);
    let err = dj
        .cast(
            &Actor::member(MemberId::new(2)),
            VoteId::new(1),
            &paper(),
            &mut rng(),
        )
        .await;
    assert!(matches!(
        err,
        Err(Error::Election(ElectionError::AlreadyVoted(_)))
    ));
}
