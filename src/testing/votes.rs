//! 投票存储一致性 (vote-store conformance): secrecy, one ballot per voter,
//! results only after closing, written against [`VoteStore`] alone so every
//! backend runs it.

use super::fixtures::d;
use super::fixtures::two_branches;
use crate::election::{
    AttendanceMode, Ballot, Body, ElectionBuilder, NewVote, Roll, SealedBallot, VoteKind,
    VoteRecord, WrittenOpinion, national_election_rules, seal,
};
use crate::store::Effects;
use crate::store::{Store, StoreErrorKind};
use crate::{MemberId, OrgId};
use std::sync::Arc;

/// Voter ids that cannot be mistaken for any other number in a ballot.
pub(crate) const VOTER_BASE: u64 = 9_876_543_210_000;

pub(crate) fn voter(i: u64) -> MemberId {
    MemberId::new(VOTER_BASE + i)
}

pub(crate) fn new_vote(org: OrgId, voters: u64) -> NewVote {
    let on = d(2024, 6, 1);
    let roll = Roll::from_parts(org, on, (1..=voters).map(voter), []);
    let setup = ElectionBuilder::new()
        .org(org)
        .body(Body::BranchCommittee)
        .seats(3)
        .held_on(on)
        .candidates((1..=4).map(voter))
        .build(&roll, &national_election_rules())
        .unwrap();
    NewVote {
        org,
        kind: VoteKind::Election(setup),
        roll,
        session: on,
    }
}

/// A ballot sealed with the OS-seeded RNG, as every ballot is (VOTE-12).
fn sealed(v: &VoteRecord, i: u64) -> SealedBallot {
    let ballot = Ballot::from_masks(i % 8, 0, vec![]);
    seal(v.id(), v.session(), ballot, &mut rand::rng()).0
}

pub(super) async fn thousand_ballots_keep_no_voter_and_no_order(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let v = store
        .create_vote(new_vote(a, 1000), Effects::none())
        .await
        .unwrap();
    let mut cast_order = Vec::new();
    for i in 1..=1000 {
        let b = sealed(&v, i);
        cast_order.push(b.code);
        store
            .cast_ballot(voter(i), b, Effects::none())
            .await
            .unwrap();
    }
    // Results only after closing.
    let open = store.sealed_ballots(v.id()).await;
    assert_eq!(
        open.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    store.close_vote(v.id(), Effects::none()).await.unwrap();
    let stored = store.sealed_ballots(v.id()).await.unwrap();
    assert_eq!(stored.len(), 1000);
    let json = serde_json::to_string(&stored).unwrap();
    for i in 1..=1000 {
        let id = voter(i).get().to_string();
        assert!(!json.contains(&id), "voter id {id} found in stored ballots");
    }
    let stored_order: Vec<_> = stored.iter().map(|b| b.code).collect();
    assert_ne!(
        stored_order, cast_order,
        "ballots are stored in casting order"
    );
    let mut sorted = cast_order.clone();
    sorted.sort();
    let mut got = stored_order.clone();
    got.sort();
    assert_eq!(got, sorted, "every cast ballot is stored once");
    assert_eq!(store.voters(v.id()).await.unwrap().len(), 1000);
    // Closed: no more ballots.
    let late = store
        .cast_ballot(voter(1), sealed(&v, 1), Effects::none())
        .await;
    assert_eq!(
        late.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
}

pub(super) async fn sixty_four_concurrent_casts_store_one(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let v = store
        .create_vote(new_vote(a, 10), Effects::none())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..64u64 {
        let store = Arc::clone(&store);
        let b = sealed(&v, i);
        tasks.push(tokio::spawn(async move {
            store.cast_ballot(voter(3), b, Effects::none()).await
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(e) => assert_eq!(e.kind(), &StoreErrorKind::Conflict),
        }
    }
    assert_eq!(ok, 1);
    store.close_vote(v.id(), Effects::none()).await.unwrap();
    assert_eq!(store.sealed_ballots(v.id()).await.unwrap().len(), 1);
    assert!(store.has_voted(v.id(), voter(3)).await.unwrap());
}

pub(super) async fn refusals_store_nothing(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let v = store
        .create_vote(new_vote(a, 10), Effects::none())
        .await
        .unwrap();
    let stranger = store
        .cast_ballot(voter(11), sealed(&v, 1), Effects::none())
        .await;
    assert_eq!(
        stranger.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    let mut other = sealed(&v, 1);
    other.vote = crate::election::VoteId::new(999);
    let unknown = store.cast_ballot(voter(1), other, Effects::none()).await;
    assert_eq!(
        unknown.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::NotFound)
    );
    assert!(!store.has_voted(v.id(), voter(11)).await.unwrap());
    let closed = store.close_vote(v.id(), Effects::none()).await.unwrap();
    assert!(closed.attendance().present.is_empty());
    assert!(store.sealed_ballots(v.id()).await.unwrap().is_empty());
    assert!(store.voters(v.id()).await.unwrap().is_empty());
}

pub(super) async fn attendance_and_written_opinions(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let v = store
        .create_vote(new_vote(a, 10), Effects::none())
        .await
        .unwrap();
    let got = store.get_vote(v.id()).await.unwrap();
    assert_eq!(got.as_ref(), Some(&v));
    let r = store
        .check_in(v.id(), voter(1), AttendanceMode::InPerson, Effects::none())
        .await
        .unwrap();
    assert_eq!(r.attendance().present_count(), 1);
    let refused = store
        .check_in(v.id(), voter(99), AttendanceMode::Online, Effects::none())
        .await;
    assert_eq!(
        refused.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    let w = store
        .record_written_opinion(v.id(), voter(2), WrittenOpinion::Yes, Effects::none())
        .await
        .unwrap();
    assert_eq!(w.attendance().written.len(), 1);
    let present = store
        .record_written_opinion(v.id(), voter(1), WrittenOpinion::No, Effects::none())
        .await;
    assert!(present.is_err());
    // Casting checks an absent voter in online.
    store
        .cast_ballot(voter(5), sealed(&v, 1), Effects::none())
        .await
        .unwrap();
    let after = store.get_vote(v.id()).await.unwrap().unwrap();
    assert_eq!(
        after.attendance().present.get(&voter(5)),
        Some(&AttendanceMode::Online)
    );
    assert!(
        store
            .get_vote(crate::election::VoteId::new(77))
            .await
            .unwrap()
            .is_none()
    );
}

/// Casts `n` ballots by distinct voters and closes the vote; returns the
/// tracking codes (hex) in casting order.
pub async fn cast_and_close(store: &Arc<dyn Store>, n: u64) -> Vec<String> {
    let (_, a, _) = two_branches(store).await;
    let v = store
        .create_vote(new_vote(a, n), Effects::none())
        .await
        .unwrap();
    let mut order = Vec::new();
    for i in 1..=n {
        let b = sealed(&v, i);
        order.push(b.code.to_string());
        store
            .cast_ballot(voter(i), b, Effects::none())
            .await
            .unwrap();
    }
    store.close_vote(v.id(), Effects::none()).await.unwrap();
    order
}

/// Every refused vote write leaves the whole state as it was.
pub(super) async fn refused_writes_change_nothing(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let v = store
        .create_vote(new_vote(a, 10), Effects::none())
        .await
        .unwrap();
    store
        .cast_ballot(voter(1), sealed(&v, 1), Effects::none())
        .await
        .unwrap();
    store
        .check_in(v.id(), voter(2), AttendanceMode::InPerson, Effects::none())
        .await
        .unwrap();
    let ids = [v.id()];
    let before = super::dump(&*store, &ids).await.unwrap();
    let again = store
        .cast_ballot(voter(1), sealed(&v, 2), Effects::none())
        .await;
    assert!(again.is_err(), "a second ballot");
    let stranger = store
        .cast_ballot(voter(11), sealed(&v, 3), Effects::none())
        .await;
    assert!(stranger.is_err(), "a voter not on the roll");
    let mut other = sealed(&v, 4);
    other.vote = crate::election::VoteId::new(999);
    assert!(
        store
            .cast_ballot(voter(3), other, Effects::none())
            .await
            .is_err(),
        "unknown"
    );
    let refused = store
        .check_in(v.id(), voter(99), AttendanceMode::Online, Effects::none())
        .await;
    assert!(refused.is_err(), "a check-in not on the roll");
    let present = store
        .record_written_opinion(v.id(), voter(2), WrittenOpinion::No, Effects::none())
        .await;
    assert!(present.is_err(), "a written opinion of someone present");
    assert!(store.sealed_ballots(v.id()).await.is_err(), "still open");
    assert_eq!(super::dump(&*store, &ids).await.unwrap(), before);
    store.close_vote(v.id(), Effects::none()).await.unwrap();
    let closed = super::dump(&*store, &ids).await.unwrap();
    let late = store
        .cast_ballot(voter(4), sealed(&v, 5), Effects::none())
        .await;
    assert!(late.is_err(), "a ballot after closing");
    let late = store
        .check_in(v.id(), voter(5), AttendanceMode::InPerson, Effects::none())
        .await;
    assert!(late.is_err(), "a check-in after closing");
    assert_eq!(super::dump(&*store, &ids).await.unwrap(), closed);
}

/// A ballot naming the same write-in twice is refused by the store (it
/// would count twice; VOTE-7), and nothing is stored.
pub(super) async fn a_write_in_twice_is_refused(store: Arc<dyn Store>) {
    let (_, a, _) = two_branches(&store).await;
    let v = store
        .create_vote(new_vote(a, 10), Effects::none())
        .await
        .unwrap();
    let twice = Ballot::from_masks(0b1, 0, vec![voter(7), voter(7)]);
    let sealed = seal(v.id(), v.session(), twice, &mut rand::rng()).0;
    let got = store.cast_ballot(voter(1), sealed, Effects::none()).await;
    assert_eq!(
        got.err().map(|e| e.kind().clone()),
        Some(StoreErrorKind::Rejected)
    );
    assert!(!store.has_voted(v.id(), voter(1)).await.unwrap());
    store.close_vote(v.id(), Effects::none()).await.unwrap();
    assert!(store.sealed_ballots(v.id()).await.unwrap().is_empty());
}
