//! 不泄露 (no existence oracle): every handle method answers an id outside
//! the actor's scope exactly as it answers an id that does not exist.
//!
//! A branch secretary of branch A and a member of branch A each call every
//! handle method twice: once with ids of branch B (which exist, and which
//! the platform administrator reads), once with ids nobody has. Both calls
//! must give `NotFound` for the same kind of thing, with the same message
//! once the id is taken out.

mod scope;

use dangjian::access::Actor;
use dangjian::service::PageRequest;
use dangjian::{Error, MemberId, OrgId, Session};
use scope::{METHODS, Probe, World, every_method, world};

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
    let probe = Probe::default();
    let foreign = every_method(s, w.foreign, own_org, &probe).await;
    let missing = every_method(s, w.missing, own_org, &probe).await;
    assert_eq!(foreign.len(), METHODS);
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
    assert!(not_found >= 52, "only {not_found} NotFound answers");
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
