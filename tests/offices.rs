//! Office holders (班子成员) through the services: an election confirmed
//! into office holders, appointments by the higher committee, the queries
//! later areas read, the 换届 review, and scrutineers (OFF-1 … OFF-6, VOTE-13).

mod common;

use common::{World, d, world};
use dangjian::access::Actor;
use dangjian::election::{
    BallotPaper, Body, Cast, ElectionBuilder, ElectionError, Mark, OpenElection, VoteId,
};
use dangjian::office::{
    Appoint, ConfirmElection, OfficeError, OfficeFinding, Portfolio, Post, Source,
};
use dangjian::service::PageRequest;
use dangjian::{Error, ErrorKind, MemberId};

fn yes_to(cands: &[MemberId]) -> BallotPaper {
    cands
        .iter()
        .fold(BallotPaper::new(), |p, c| p.mark(*c, Mark::Yes))
}

/// Branch A with `n` full members; a committee election of `seats` seats
/// among the first `seats + 1`, everyone voting yes to the first `seats`.
async fn elected(n: u32, seats: usize, close: bool) -> (World, Vec<MemberId>, VoteId) {
    let w = world().await;
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(w.full_member(w.branch_a, i).await.id());
    }
    let sec = w.dj.act_as(&w.secretary_a());
    let body = if seats == 1 {
        Body::Secretary
    } else {
        Body::BranchCommittee
    };
    let setup = ElectionBuilder::new()
        .body(body)
        .seats(i64::try_from(seats).unwrap())
        .candidates(ids[..=seats].iter().copied())
        .scrutineers([ids[n as usize - 1]]);
    let v = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup))
        .await
        .unwrap();
    for voter in &ids {
        w.dj.act_as(&Actor::member(*voter))
            .votes()
            .cast(Cast::new(v.id(), yes_to(&ids[..seats])))
            .await
            .unwrap();
    }
    if close {
        sec.votes().close(v.id()).await.unwrap();
    }
    (w, ids, v.id())
}

#[tokio::test]
async fn an_election_result_becomes_office_holders_once() {
    let (w, ids, vote) = elected(9, 5, true).await;
    let sec = w.dj.act_as(&w.secretary_a());
    let req = ConfirmElection::new(vote)
        .post(ids[0], Post::Secretary, None)
        .post(ids[1], Post::DeputySecretary, None)
        .post(ids[2], Post::Member, Some(Portfolio::discipline()));
    let held = sec.offices().confirm_election(req.clone()).await.unwrap();
    assert_eq!(held.len(), 5);
    assert!(held.iter().all(|h| h.source() == Source::Elected { vote }));
    assert!(held.iter().all(|h| h.from() == d(2024, 6, 1)));
    // A branch committee serves 3 years (OFF-3).
    assert!(held.iter().all(|h| h.term_ends() == d(2027, 6, 1)));
    let on = d(2024, 6, 2);
    let page = sec
        .offices()
        .holders(w.branch_a, on, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items, held);
    assert!(
        sec.offices()
            .is_committee_member(w.branch_a, ids[4], on)
            .await
            .unwrap()
    );
    assert!(
        !sec.offices()
            .is_committee_member(w.branch_a, ids[5], on)
            .await
            .unwrap()
    );
    // Not before the first day.
    assert!(
        !sec.offices()
            .is_committee_member(w.branch_a, ids[4], d(2024, 5, 31))
            .await
            .unwrap()
    );
    let c = w.dj.act_as(&w.committee_officer());
    let secs = c
        .offices()
        .secretaries(w.committee, on, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        secs.items.iter().map(|h| h.member()).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    // Confirmed once.
    let again = sec.offices().confirm_election(req).await.unwrap_err();
    assert!(matches!(again, Error::Office(OfficeError::AlreadyConfirmed(v)) if v == vote));
}

#[tokio::test]
async fn only_elected_candidates_and_only_after_closing() {
    let (w, ids, vote) = elected(9, 5, false).await;
    let sec = w.dj.act_as(&w.secretary_a());
    let open = sec
        .offices()
        .confirm_election(ConfirmElection::new(vote))
        .await
        .unwrap_err();
    assert!(matches!(open, Error::Office(OfficeError::StillOpen(_))));
    sec.votes().close(vote).await.unwrap();
    // ids[5] stood and was not elected.
    let not = sec
        .offices()
        .confirm_election(ConfirmElection::new(vote).post(ids[5], Post::Secretary, None))
        .await
        .unwrap_err();
    assert!(
        matches!(not, Error::Office(OfficeError::NotElected { member, .. }) if member == ids[5])
    );
    let two = sec
        .offices()
        .confirm_election(
            ConfirmElection::new(vote)
                .post(ids[0], Post::Secretary, None)
                .post(ids[1], Post::Secretary, None),
        )
        .await
        .unwrap_err();
    assert!(matches!(two, Error::Office(OfficeError::TwoSecretaries(2))));
    // Nothing was stored by the refusals.
    let page = sec
        .offices()
        .holders(w.branch_a, d(2024, 6, 1), PageRequest::default())
        .await
        .unwrap();
    assert!(page.items.is_empty());
    // Outside the scope: NotFound, like a missing vote.
    let b = w.dj.act_as(&w.secretary_b());
    assert!(
        b.offices()
            .confirm_election(ConfirmElection::new(vote))
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        b.offices()
            .confirm_election(ConfirmElection::new(VoteId::new(999)))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn a_secretary_election_makes_a_secretary_and_a_new_term_ends_the_old() {
    let (w, ids, vote) = elected(5, 1, true).await;
    let sec = w.dj.act_as(&w.secretary_a());
    let held = sec
        .offices()
        .confirm_election(ConfirmElection::new(vote))
        .await
        .unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].member(), held[0].post()),
        (ids[0], Post::Secretary)
    );
    // The committee appoints another secretary a year later: the first
    // holding ends on the new one's first day.
    w.clock.set_date(d(2025, 6, 1));
    let c = w.dj.act_as(&w.committee_officer());
    let new = c
        .offices()
        .appoint(Appoint::new(w.branch_a, ids[1], Post::Secretary))
        .await
        .unwrap();
    assert_eq!(new.source(), Source::Appointed { by: w.general });
    assert_eq!(new.term_ends(), d(2028, 6, 1));
    let now = c
        .offices()
        .holders(w.branch_a, d(2025, 6, 1), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        now.items.iter().map(|h| h.member()).collect::<Vec<_>>(),
        vec![ids[1]]
    );
    let before = c
        .offices()
        .holders(w.branch_a, d(2025, 5, 31), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        before.items.iter().map(|h| h.member()).collect::<Vec<_>>(),
        vec![ids[0]]
    );
    // Below 7 full members a branch has a secretary alone (OFF-4).
    let deputy = c
        .offices()
        .appoint(Appoint::new(w.branch_a, ids[2], Post::DeputySecretary))
        .await
        .unwrap_err();
    assert!(matches!(
        deputy,
        Error::Office(OfficeError::SecretaryAlone { full: 5, .. })
    ));
}

#[tokio::test]
async fn appointments_come_from_above() {
    let w = world().await;
    let m = w.full_member(w.branch_a, 1).await.id();
    // The branch's own secretary may not appoint: inside the scope, so
    // PermissionDenied; a branch elsewhere does not see the branch.
    let own =
        w.dj.act_as(&w.secretary_a())
            .offices()
            .appoint(Appoint::new(w.branch_a, m, Post::Secretary))
            .await
            .unwrap_err();
    assert_eq!(own.kind(), ErrorKind::PermissionDenied);
    let foreign =
        w.dj.act_as(&w.elsewhere_officer())
            .offices()
            .appoint(Appoint::new(w.branch_a, m, Post::Secretary))
            .await
            .unwrap_err();
    assert!(foreign.is_not_found());
    let admin = w.dj.act_as(&w.admin());
    // The top has no higher committee; a party group no committee.
    let top = admin
        .offices()
        .appoint(Appoint::new(w.committee, m, Post::Secretary))
        .await
        .unwrap_err();
    assert!(matches!(top, Error::Office(OfficeError::NoHigherCommittee)));
    let group = admin
        .offices()
        .appoint(Appoint::new(w.group_a, m, Post::Secretary))
        .await
        .unwrap_err();
    assert!(matches!(group, Error::Office(OfficeError::NoCommittee)));
    // A general branch serves 3 years.
    let general = admin
        .offices()
        .appoint(Appoint::new(w.general, m, Post::Secretary))
        .await
        .unwrap();
    assert_eq!(general.term_ends(), d(2027, 6, 1));
}

#[tokio::test]
async fn overdue_elections_are_reported() {
    let (w, _, vote) = elected(9, 5, true).await;
    let sec = w.dj.act_as(&w.secretary_a());
    sec.offices()
        .confirm_election(ConfirmElection::new(vote))
        .await
        .unwrap();
    let c = w.dj.act_as(&w.committee_officer());
    let overdue = |r: &dangjian::office::OfficeReport| {
        r.findings.iter().find_map(|f| match f {
            OfficeFinding::ElectionOverdue {
                org, beyond_limit, ..
            } if *org == w.branch_a => Some(*beyond_limit),
            _ => None,
        })
    };
    // On the term end: not yet overdue.
    w.clock.set_date(d(2027, 6, 1));
    let r = c.offices().review(w.branch_a).await.unwrap();
    assert_eq!(overdue(&r), None);
    // The day after: overdue, within the year an approved late election may take.
    w.clock.set_date(d(2027, 6, 2));
    let r = c.offices().review(w.committee).await.unwrap();
    assert_eq!(overdue(&r), Some(false));
    assert!(
        r.findings
            .contains(&OfficeFinding::NoSecretary { org: w.branch_a })
    );
    assert!(
        r.findings
            .contains(&OfficeFinding::NoOfficeHolders { org: w.branch_b })
    );
    // More than a year late: beyond what approval can cover.
    w.clock.set_date(d(2028, 6, 2));
    let r = c.offices().review(w.branch_a).await.unwrap();
    assert_eq!(overdue(&r), Some(true));
}

#[tokio::test]
async fn scrutineers_are_electors_who_are_not_candidates() {
    let w = world().await;
    let mut ids = Vec::new();
    for i in 0..9 {
        ids.push(w.full_member(w.branch_a, i).await.id());
    }
    let sec = w.dj.act_as(&w.secretary_a());
    let setup = |s: MemberId| {
        ElectionBuilder::new()
            .body(Body::BranchCommittee)
            .seats(3)
            .candidates(ids[..4].iter().copied())
            .scrutineers([s])
    };
    let cand = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup(ids[0])))
        .await
        .unwrap_err();
    assert!(
        matches!(cand, Error::Election(ElectionError::ScrutineerIsCandidate(m)) if m == ids[0])
    );
    let other = w.full_member(w.branch_b, 50).await.id();
    let outsider = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup(other)))
        .await
        .unwrap_err();
    assert!(
        matches!(outsider, Error::Election(ElectionError::ScrutineerNotElector(m)) if m == other)
    );
    let ok = sec
        .votes()
        .open_election(OpenElection::new(w.branch_a, setup(ids[8])))
        .await
        .unwrap();
    let dangjian::election::VoteKind::Election(s) = ok.kind() else {
        panic!("an election")
    };
    assert_eq!(s.scrutineers, vec![ids[8]]);
}
