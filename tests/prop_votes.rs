//! Property tests of the count: whatever the ballots, the count report's
//! totals reconcile (valid + invalid = returned; no one has more yes votes
//! than there are valid ballots; yes + no + abstain = valid for each listed
//! candidate), and no more are elected than seats.

use chrono::NaiveDate;
use dangjian::election::{
    Ballot, Body, CountReport, ElectionBuilder, Outcome, Roll, Turnout, national_election_rules,
};
use dangjian::{MemberId, OrgId};
use proptest::prelude::*;

fn ballot(candidates: usize) -> impl Strategy<Value = Ballot> {
    let mask = if candidates >= 64 {
        u64::MAX
    } else {
        (1u64 << candidates) - 1
    };
    (
        any::<u64>(),
        any::<u64>(),
        prop::collection::vec(100u64..104, 0..2),
        0u8..10,
    )
        .prop_map(move |(y, n, w, malformed)| {
            // Mostly well-formed; sometimes overlapping or out-of-list marks.
            let (y, n) = if malformed == 0 {
                (y, n)
            } else {
                (y & mask, n & mask & !y)
            };
            let mut w: Vec<MemberId> = w.into_iter().map(MemberId::new).collect();
            w.dedup();
            Ballot::from_masks(y, n, w)
        })
}

fn case() -> impl Strategy<Value = (u32, usize, Vec<Ballot>, Turnout, bool)> {
    (1u32..10, 0usize..6, any::<bool>()).prop_flat_map(|(seats, extra, old)| {
        let candidates = seats as usize + extra;
        (
            Just(seats),
            Just(candidates),
            prop::collection::vec(ballot(candidates), 0..120),
            (0u32..130, 0u32..130, 0u32..130, 0u32..130),
            Just(old),
        )
            .prop_map(|(s, c, b, (e, p, i, v), old)| {
                let t = Turnout {
                    entitled: e,
                    present: p,
                    issued: i,
                    voted: v,
                };
                (s, c, b, t, old)
            })
    })
}

proptest! {
    #[test]
    fn count_report_totals_reconcile((seats, candidates, ballots, turnout, old) in case()) {
        let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        let roll = Roll::from_parts(OrgId::new(1), on, (1..=200).map(MemberId::new), []);
        let mut b = ElectionBuilder::new()
            .org(OrgId::new(1))
            .body(Body::Delegates)
            .seats(i64::from(seats))
            .held_on(on)
            .competitive(false)
            .candidates((1..=candidates as u64).map(MemberId::new));
        if old {
            b = b.rule_version("election-1990");
        }
        let setup = b.build(&roll, &national_election_rules()).unwrap();
        let r = CountReport::count(&setup, turnout, &ballots);
        prop_assert_eq!(r.valid() + r.invalid(), r.returned());
        prop_assert_eq!(r.returned() as usize, ballots.len());
        for l in r.lines() {
            prop_assert!(l.yes <= r.valid(), "{} has {} yes of {} valid", l.member, l.yes, r.valid());
            if l.listed {
                prop_assert_eq!(l.yes + l.no + l.abstain, r.valid());
            }
        }
        prop_assert!(r.elected().len() <= seats as usize);
        if let Outcome::RunOff { elected, tied, seats: left } = r.outcome() {
            prop_assert!(tied.len() > *left as usize);
            prop_assert_eq!(elected.len() + *left as usize, seats as usize);
        }
        if let Outcome::Shortfall { elected, vacancies, .. } = r.outcome() {
            prop_assert_eq!(elected.len() + *vacancies as usize, seats as usize);
        }
        prop_assert_eq!(r.rule_version(), if old { "election-1990" } else { "election-2020" });
    }
}
