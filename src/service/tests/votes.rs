//! Vote service unit tests with the mock store: refusals never reach a
//! write (nor read the vote's record: the prologue locates the vote with
//! `locate_vote` only), a vote outside the actor's scope is `NotFound`,
//! and store answers map to typed vote errors.

use super::*;
use crate::election::{
    BallotPaper, Body, Cast, ElectionBuilder, ElectionError, Mark, OpenElection, Roll, VoteKind,
    VoteStatus, national_election_rules,
};

const VOTE: VoteId = VoteId::new(1);

/// An election of BRANCH_A; members 1–10 on the roll, 1–4 candidates.
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
        VOTE,
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

/// A store that locates the vote (as the default `locate_vote` would from
/// [`record`]) and nothing more: reading the record needs its own
/// expectation ([`with_record`]).
fn vote_db(status: VoteStatus) -> MockDb {
    let mut db = db();
    db.expect_locate_vote().returning(move |_, member| {
        let v = record(status);
        Ok(Some(VoteLocation::new(
            v.org,
            v.status == VoteStatus::Open,
            member.is_some_and(|m| v.roll.lists(m)),
        )))
    });
    db
}

fn with_record(mut db: MockDb, status: VoteStatus) -> MockDb {
    db.expect_get_vote()
        .returning(move |_| Ok(Some(record(status))));
    db
}

/// Nothing past the prologue: no record, no ballots, no write.
fn refused_before_the_record(db: &mut MockDb) {
    db.expect_get_vote().never();
    db.expect_has_voted().never();
    db.expect_cast_ballot().never();
    db.expect_close_vote().never();
    db.expect_sealed_ballots().never();
    db.expect_voters().never();
    db.expect_check_in().never();
}

fn paper() -> BallotPaper {
    BallotPaper::new().mark(MemberId::new(1), Mark::Yes)
}

#[tokio::test]
async fn an_officer_cannot_cast_for_a_member_and_nothing_is_stored() {
    let mut db = vote_db(VoteStatus::Open);
    refused_before_the_record(&mut db);
    // The secretary is on the roll as member 1, but votes only as a
    // member: the vote is in scope, the role may not cast.
    let secretary = session(db, &Actor::branch_officer(MemberId::new(1), BRANCH_A));
    denied(secretary.votes().cast(Cast::new(VOTE, paper())).await);
}

#[tokio::test]
async fn a_vote_in_scope_is_run_only_by_its_officers() {
    let mut db = vote_db(VoteStatus::Open);
    refused_before_the_record(&mut db);
    let dj = service(db);
    // A member on the roll sees the vote but does not run it; the
    // platform administrator sees every vote and runs none.
    for actor in [Actor::member(MemberId::new(2)), Actor::platform_admin()] {
        denied(dj.act_as(&actor).votes().close(VOTE).await);
    }
    // The branch's treasurer sees its votes but reads no results.
    let treasurer = dj.act_as(&Actor::branch_treasurer(MemberId::new(2), BRANCH_A));
    denied(treasurer.votes().get(VOTE).await);
}

#[tokio::test]
async fn another_branch_cannot_open_an_election() {
    let mut db = db();
    db.expect_create_vote().never();
    db.expect_members_by_home().never();
    db.expect_members_by_online().never();
    let secretary_b = session(db, &Actor::branch_officer(MemberId::new(9), BRANCH_B));
    let setup = ElectionBuilder::new().body(Body::Secretary).seats(1);
    not_found(
        secretary_b
            .votes()
            .open_election(OpenElection::new(BRANCH_A, setup))
            .await,
    );
}

#[tokio::test]
async fn no_results_while_open() {
    let mut db = vote_db(VoteStatus::Open);
    refused_before_the_record(&mut db);
    let voter = session(db, &Actor::member(MemberId::new(2)));
    let err = voter.votes().count_report(VOTE).await;
    assert!(
        matches!(err, Err(Error::Election(ElectionError::StillOpen))),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_ballot_after_closing_is_refused_before_the_store() {
    let mut db = with_record(vote_db(VoteStatus::Closed), VoteStatus::Closed);
    db.expect_cast_ballot().never();
    db.expect_has_voted().never();
    let voter = session(db, &Actor::member(MemberId::new(2)));
    let err = voter.votes().cast(Cast::new(VOTE, paper())).await;
    assert!(
        matches!(err, Err(Error::Election(ElectionError::Closed))),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unknown_candidate_never_reaches_the_store() {
    let mut db = with_record(vote_db(VoteStatus::Open), VoteStatus::Open);
    db.expect_cast_ballot().never();
    db.expect_has_voted().never();
    let voter = session(db, &Actor::member(MemberId::new(2)));
    let bad = BallotPaper::new().mark(MemberId::new(77), Mark::Yes);
    let err = voter.votes().cast(Cast::new(VOTE, bad)).await;
    assert!(
        matches!(
            err,
            Err(Error::Election(ElectionError::UnknownCandidate(_)))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_stranger_cannot_cast_nor_tell_the_vote_exists() {
    // Member 55 is on no roll of this vote: the vote is outside their
    // scope, so casting is answered as for a vote that does not exist,
    // before the record is read.
    let mut there = vote_db(VoteStatus::Open);
    refused_before_the_record(&mut there);
    let stranger = session(there, &Actor::member(MemberId::new(55)));
    let foreign = stranger.votes().cast(Cast::new(VOTE, paper())).await;
    let mut gone = db();
    gone.expect_locate_vote().returning(|_, _| Ok(None));
    refused_before_the_record(&mut gone);
    let stranger = session(gone, &Actor::member(MemberId::new(55)));
    let missing = stranger.votes().cast(Cast::new(VOTE, paper())).await;
    same_not_found(Entity::Vote, foreign, missing);
}

#[tokio::test]
async fn a_foreign_vote_and_a_missing_vote_get_the_same_answer() {
    let missing_db = || {
        let mut db = db();
        db.expect_locate_vote().returning(|_, _| Ok(None));
        refused_before_the_record(&mut db);
        db
    };
    let foreign_db = || {
        let mut db = vote_db(VoteStatus::Closed);
        refused_before_the_record(&mut db);
        db
    };
    for actor in [
        Actor::member(MemberId::new(55)),
        Actor::branch_officer(MemberId::new(9), BRANCH_B),
        Actor::branch_treasurer(MemberId::new(2), BRANCH_B),
    ] {
        let (f, m) = (session(foreign_db(), &actor), session(missing_db(), &actor));
        same_not_found(
            Entity::Vote,
            f.votes().get(VOTE).await,
            m.votes().get(VOTE).await,
        );
        let (f, m) = (session(foreign_db(), &actor), session(missing_db(), &actor));
        same_not_found(
            Entity::Vote,
            f.votes().count_report(VOTE).await,
            m.votes().count_report(VOTE).await,
        );
    }
    let secretary_b = Actor::branch_officer(MemberId::new(9), BRANCH_B);
    let (f, m) = (
        session(foreign_db(), &secretary_b),
        session(missing_db(), &secretary_b),
    );
    same_not_found(
        Entity::Vote,
        f.votes().close(VOTE).await,
        m.votes().close(VOTE).await,
    );
}

#[tokio::test]
async fn a_racing_second_ballot_maps_to_already_voted() {
    let mut db = with_record(vote_db(VoteStatus::Open), VoteStatus::Open);
    let mut seq = mockall::Sequence::new();
    db.expect_has_voted()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(false));
    db.expect_cast_ballot()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _, _| Err(StoreError::new(StoreErrorKind::Conflict, "already voted")));
    db.expect_has_voted()
        .times(1)
        .in_sequence(&mut seq)
        .returning(|_, _| Ok(true));
    let voter = session(db, &Actor::member(MemberId::new(2)));
    let err = voter.votes().cast(Cast::new(VOTE, paper())).await;
    assert!(
        matches!(err, Err(Error::Election(ElectionError::AlreadyVoted(m))) if m == MemberId::new(2)),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_store_outage_while_casting_is_a_retryable_store_error() {
    let mut db = with_record(vote_db(VoteStatus::Open), VoteStatus::Open);
    db.expect_has_voted().times(1).returning(|_, _| Ok(false));
    db.expect_cast_ballot()
        .times(1)
        .returning(|_, _, _| Err(StoreError::new(StoreErrorKind::Unavailable, "down")));
    let voter = session(db, &Actor::member(MemberId::new(2)));
    let err = voter.votes().cast(Cast::new(VOTE, paper())).await;
    assert_eq!(kind(&err), Some(ErrorKind::Store));
    assert!(err.is_err_and(|e| e.is_retryable()));
}
