//! 越权无痕 (a refused call leaves no trace): whatever an actor of branch A
//! asks of ids outside its scope, every handle method is refused and a
//! full dump of the store (`dangjian::testing::dump`) is the same before
//! and after. The actor, the ids (a mix of branch B's, its committee's and
//! ids nobody has) and every other input are drawn at random.

mod scope;

use dangjian::access::Actor;
use dangjian::election::VoteId;
use dangjian::{CaseId, MemberId, OrgId, testing};
use proptest::prelude::*;
use scope::{Ids, METHODS, Probe, World, d, every_method, month, world};

/// Who calls: the officers, a member, a scheduled job of branch A, and the
/// public.
fn actor(w: &World, which: u8) -> Actor {
    match which % 5 {
        0 => Actor::branch_officer(MemberId::new(901), w.a),
        1 => Actor::member(w.member_a),
        2 => Actor::branch_treasurer(MemberId::new(902), w.a),
        3 => Actor::system("nightly scan").within(w.a),
        _ => Actor::public(),
    }
}

/// Picks of ids outside branch A, by index into each kind's candidates.
#[derive(Clone, Debug)]
struct Picks {
    org: usize,
    online: usize,
    member: usize,
    vote: usize,
    case: usize,
}

fn pick<T: Copy>(from: &[T], i: usize) -> T {
    from[i % from.len()]
}

/// Branch B's ids, the committee above both branches, the online branch
/// and ids nobody has: all outside branch A's scope.
fn outside(w: &World, p: &Picks) -> Ids {
    let orgs = [w.foreign.org, w.foreign.online, w.committee, w.missing.org];
    let mut members = vec![w.foreign.member, w.missing.member];
    members.extend(&w.others_b);
    Ids {
        org: pick(&orgs, p.org),
        online: pick(
            &[w.foreign.online, w.foreign.org, w.missing.online],
            p.online,
        ),
        member: pick(&members, p.member),
        vote: pick(&[w.foreign.vote, w.missing.vote, VoteId::new(2)], p.vote),
        case: pick(&[w.foreign.case, w.missing.case, CaseId::new(2)], p.case),
        item: pick(&[w.foreign.item, w.missing.item], p.case),
        application: pick(&[w.foreign.application, w.missing.application], p.vote),
    }
}

fn picks() -> impl Strategy<Value = Picks> {
    (0..8usize, 0..8usize, 0..8usize, 0..8usize, 0..8usize).prop_map(
        |(org, online, member, vote, case)| Picks {
            org,
            online,
            member,
            vote,
            case,
        },
    )
}

fn probes() -> impl Strategy<Value = Probe> {
    (
        (1990i32..2035, 1u32..13, 1u32..29),
        (1990i32..2035, 1u32..13),
        "[0-9]{1,7}\\.[0-9]{2}",
        "[A-Z]{2,4}-[0-9]{1,10}",
        "[甲乙丙丁戊]{1,4}(支部|党委)",
        0u64..40,
        1990i32..2035,
    )
        .prop_map(
            |((y, m, day), (my, mm), amount, payment_id, name, entry, year)| Probe {
                on: d(y, m, day),
                month: month(my, mm),
                amount,
                payment_id,
                name,
                entry,
                year,
            },
        )
}

/// The votes the dump reads: the one that exists and the next ids, so a
/// vote created by mistake would show.
fn dumped_votes() -> Vec<VoteId> {
    (1..=4).map(VoteId::new).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn refused_calls_change_nothing(which in 0u8..5, p in picks(), probe in probes()) {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let w = world().await;
            let before = testing::dump(&*w.store, &dumped_votes()).await.unwrap();
            let session = w.dj.act_as(&actor(&w, which));
            let ids = outside(&w, &p);
            let answers = every_method(&session, ids, w.a, &probe).await;
            prop_assert_eq!(answers.len(), METHODS);
            for (name, answer) in &answers {
                prop_assert!(answer.is_err(), "{} was allowed on {:?}", name, ids);
            }
            let after = testing::dump(&*w.store, &dumped_votes()).await.unwrap();
            prop_assert_eq!(before, after);
            Ok(())
        })?;
    }
}

/// The dump is not blind: the same calls by the platform administrator
/// change the store, so an unchanged dump above means a refusal.
#[tokio::test]
async fn the_dump_sees_what_an_allowed_caller_changes() {
    let w = world().await;
    let before = testing::dump(&*w.store, &dumped_votes()).await.unwrap();
    let admin = w.dj.act_as(&Actor::platform_admin());
    let answers = every_method(&admin, w.foreign, w.committee, &Probe::default()).await;
    assert!(answers.iter().any(|(_, a)| a.is_ok()));
    let after = testing::dump(&*w.store, &dumped_votes()).await.unwrap();
    assert_ne!(before, after);
}

#[test]
fn the_picks_reach_every_candidate() {
    // Guards the strategy: indices up to 8 cover every list above.
    let w = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(world());
    let mut orgs: Vec<OrgId> = (0..8)
        .map(|i| {
            outside(
                &w,
                &Picks {
                    org: i,
                    online: 0,
                    member: 0,
                    vote: 0,
                    case: 0,
                },
            )
            .org
        })
        .collect();
    orgs.sort();
    orgs.dedup();
    assert_eq!(orgs.len(), 4);
    assert!(!orgs.contains(&w.a));
}
