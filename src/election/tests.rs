//! Boundary tests of the count (Election 2020; `docs/RULES.md` VOTE-5 … VOTE-10).

use super::*;
use crate::MemberId;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn roll(n: u64) -> Roll {
    Roll::from_parts(OrgId::new(1), d(2024, 6, 1), (1..=n).map(MemberId::new), [])
}

fn setup(seats: i64, candidates: u64, version: &str) -> ElectionSetup {
    ElectionBuilder::new()
        .org(OrgId::new(1))
        .body(Body::Delegates)
        .seats(seats)
        .held_on(d(2024, 6, 1))
        .candidates((1..=candidates).map(MemberId::new))
        .competitive(false)
        .rule_version(version)
        .build(&roll(100), &national_election_rules())
        .unwrap_or_else(|e| unreachable!("{e}"))
}

fn ballots(yes_mask: u64, n: usize) -> Vec<Ballot> {
    vec![Ballot::from_masks(yes_mask, 0, vec![]); n]
}

fn t(entitled: u32, present: u32, voted: u32) -> Turnout {
    Turnout {
        entitled,
        present,
        issued: present,
        voted,
    }
}

#[test]
fn forty_entitled_thirty_two_present_not_quorate_thirty_three_is() {
    let s = setup(1, 2, "election-2020");
    let r = CountReport::count(&s, t(40, 32, 32), &ballots(1, 32));
    assert!(!r.quorate);
    assert_eq!(r.outcome, Outcome::NotQuorate);
    assert!(r.elected().is_empty());
    let r = CountReport::count(&s, t(40, 33, 33), &ballots(1, 33));
    assert!(r.quorate);
    assert_eq!(r.elected(), vec![MemberId::new(1)]);
}

#[test]
fn exactly_half_of_entitled_does_not_elect_2020() {
    let s = setup(1, 2, "election-2020");
    // 40 entitled, 36 present; 20 yes is exactly half of 40.
    let mut b = ballots(1, 20);
    b.extend(ballots(0, 16));
    let r = CountReport::count(&s, t(40, 36, 36), &b);
    assert_eq!((r.majority_of, r.votes_needed), (40, 21));
    assert!(r.elected().is_empty());
    assert!(matches!(r.outcome, Outcome::Shortfall { vacancies: 1, .. }));
    b[20] = Ballot::from_masks(1, 0, vec![]);
    let r = CountReport::count(&s, t(40, 36, 36), &b);
    assert_eq!(r.elected(), vec![MemberId::new(1)]);
}

#[test]
fn exactly_half_of_present_does_not_elect_1990() {
    let s = setup(1, 2, "election-1990");
    // 40 entitled, 36 present: 18 is half of those present.
    let mut b = ballots(1, 18);
    b.extend(ballots(0, 18));
    let r = CountReport::count(&s, t(40, 36, 36), &b);
    assert_eq!(r.rule_version, "election-1990");
    assert_eq!((r.majority_of, r.votes_needed), (36, 19));
    assert!(r.elected().is_empty());
    b[18] = Ballot::from_masks(1, 0, vec![]);
    let r = CountReport::count(&s, t(40, 36, 36), &b);
    // 19 of 36 present elects under 1990, but not under 2020 (needs 21).
    assert_eq!(r.elected(), vec![MemberId::new(1)]);
    let r2020 = CountReport::count(&setup(1, 2, "election-2020"), t(40, 36, 36), &b);
    assert!(r2020.elected().is_empty());
    assert!(r.to_string().contains("election-1990"));
    assert!(r2020.to_string().contains("election-2020"));
}

#[test]
fn returned_equal_to_voted_is_valid_one_more_is_void() {
    let s = setup(1, 2, "election-2020");
    let r = CountReport::count(&s, t(40, 36, 35), &ballots(1, 35));
    assert!(r.vote_valid);
    assert_eq!(r.elected(), vec![MemberId::new(1)]);
    let r = CountReport::count(&s, t(40, 36, 35), &ballots(1, 36));
    assert!(!r.vote_valid);
    assert_eq!(r.outcome, Outcome::Void);
    // fewer returned than voted is valid
    assert!(CountReport::count(&s, t(40, 36, 35), &ballots(1, 34)).vote_valid);
}

#[test]
fn under_1990_returned_is_compared_with_issued() {
    let s = setup(1, 2, "election-1990");
    let turnout = Turnout {
        entitled: 40,
        present: 36,
        issued: 36,
        voted: 35,
    };
    // 36 returned > 35 voted, but = 36 issued: valid under 1990.
    assert!(CountReport::count(&s, turnout, &ballots(1, 36)).vote_valid);
    assert!(!CountReport::count(&s, turnout, &ballots(1, 37)).vote_valid);
}

#[test]
fn more_yes_marks_than_seats_is_invalid_fewer_valid() {
    let s = setup(2, 3, "election-2020");
    let b = vec![
        Ballot::from_masks(0b111, 0, vec![]),
        Ballot::from_masks(0b011, 0, vec![]),
        Ballot::from_masks(0b001, 0b100, vec![]),
        Ballot::from_masks(0, 0, vec![]),
        Ballot::from_masks(0b001, 0, vec![MemberId::new(50), MemberId::new(51)]),
    ];
    let c = count_ballots(&s, &b);
    assert_eq!((c.returned, c.valid, c.invalid), (5, 3, 2));
    assert_eq!(c.yes, vec![2, 1, 0]);
    assert_eq!(c.no, vec![0, 0, 1]);
}

#[test]
fn tie_at_last_seat_runs_off_among_exactly_the_tied() {
    // 2 seats, 5 candidates, 10 entitled all present: c1 8, c2 6, c3 6.
    let s = setup(2, 5, "election-2020");
    let mut b = ballots(0b00011, 4);
    b.extend(ballots(0b00101, 4));
    b.extend(ballots(0b00110, 2));
    let c = count_ballots(&s, &b);
    assert_eq!(c.yes, vec![8, 6, 6, 0, 0]);
    let r = CountReport::count(&s, t(10, 10, 10), &b);
    match &r.outcome {
        Outcome::RunOff {
            elected,
            tied,
            seats,
        } => {
            assert_eq!(elected, &vec![MemberId::new(1)]);
            assert_eq!(tied, &vec![MemberId::new(2), MemberId::new(3)]);
            assert_eq!(*seats, 1);
        }
        other => unreachable!("expected a run-off, got {other:?}"),
    }
    // A tie that straddles: 2 seats left, 3 tied at the boundary.
    let s2 = setup(2, 4, "election-2020");
    let mut b = ballots(0b0011, 3);
    b.extend(ballots(0b0101, 3));
    b.extend(ballots(0b0110, 3));
    let r = CountReport::count(&s2, t(9, 9, 9), &b);
    // c1 6, c2 6, c3 6: all tied for 2 seats
    assert!(matches!(
        &r.outcome,
        Outcome::RunOff { elected, tied, seats: 2 } if elected.is_empty() && tied.len() == 3
    ));
    // The run-off is set up among exactly the tied, and decided by most votes.
    if let Outcome::RunOff { tied, seats, .. } = &r.outcome {
        let ro = s2.run_off(tied, *seats, &roll(100));
        let ro = ro.unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(ro.candidates, *tied);
        assert_eq!(ro.round, Round::RunOff);
        let b = vec![
            Ballot::from_masks(0b011, 0, vec![]),
            Ballot::from_masks(0b001, 0, vec![]),
        ];
        let r = CountReport::count(&ro, t(9, 9, 2), &b);
        assert_eq!(r.elected(), vec![MemberId::new(1), MemberId::new(2)]);
    }
}

#[test]
fn too_few_elected_gives_a_further_round_among_the_unelected() {
    let s = ElectionBuilder::new()
        .org(OrgId::new(1))
        .body(Body::BranchCommittee)
        .seats(5)
        .held_on(d(2024, 6, 1))
        .candidates((1..=6).map(MemberId::new))
        .build(&roll(10), &national_election_rules())
        .unwrap_or_else(|e| unreachable!("{e}"));
    // Only c1..c3 get a majority of 10 entitled.
    let mut b = ballots(0b000111, 6);
    b.extend(ballots(0b111000, 4));
    let r = CountReport::count(&s, t(10, 10, 10), &b);
    match &r.outcome {
        Outcome::Shortfall {
            elected,
            vacancies,
            further_round_among,
            may_reduce_to,
        } => {
            assert_eq!(elected.len(), 3);
            assert_eq!(*vacancies, 2);
            assert_eq!(
                further_round_among,
                &vec![MemberId::new(4), MemberId::new(5), MemberId::new(6)]
            );
            assert_eq!(*may_reduce_to, Some(3));
            let fr = s.further_round(further_round_among, *vacancies, &roll(10));
            let fr = fr.unwrap_or_else(|e| unreachable!("{e}"));
            assert_eq!(fr.round, Round::Further);
            assert_eq!(fr.seats, 2);
            assert_eq!(fr.candidates.len(), 3);
        }
        other => unreachable!("expected a shortfall, got {other:?}"),
    }
    assert!(r.to_string().contains("另行选举"));
}

#[test]
fn write_ins_count_as_yes_for_that_person() {
    let s = setup(1, 2, "election-2020");
    let w = MemberId::new(77);
    let b = vec![Ballot::from_masks(0, 0b11, vec![w]); 30];
    let r = CountReport::count(&s, t(40, 36, 36), &b);
    assert_eq!(r.elected(), vec![w]);
    let line = r.lines.iter().find(|l| l.member == w);
    assert_eq!(line.map(|l| (l.listed, l.yes)), Some((false, 30)));
}

#[test]
fn count_report_round_trips() {
    let s = setup(1, 2, "election-2020");
    let r = CountReport::count(&s, t(40, 36, 36), &ballots(1, 30));
    let json = serde_json::to_string(&r).unwrap_or_default();
    assert_eq!(serde_json::from_str::<CountReport>(&json).ok(), Some(r));
    let v = VoteRecord::from_new(
        VoteId::new(1),
        NewVote {
            org: OrgId::new(1),
            kind: VoteKind::Election(s),
            roll: roll(3),
            session: d(2024, 6, 1),
        },
    );
    let json = serde_json::to_string(&v).unwrap_or_default();
    assert_eq!(serde_json::from_str::<VoteRecord>(&json).ok(), Some(v));
}

#[test]
fn fast_count_matches_a_naive_count_over_many_ballots() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    for candidates in [1u64, 7, 8, 9, 11, 16, 17, 40, 64] {
        let seats = (candidates as i64 + 1) / 2;
        let s = ElectionBuilder::new()
            .org(OrgId::new(1))
            .body(Body::Delegates)
            .seats(seats)
            .held_on(d(2024, 6, 1))
            .candidates((1..=candidates).map(MemberId::new))
            .competitive(false)
            .build(&roll(100), &national_election_rules())
            .unwrap_or_else(|e| unreachable!("{e}"));
        let mask = super::ballot::listed_mask(candidates as usize);
        let ballots: Vec<Ballot> = (0..3000)
            .map(|_| {
                let y = rng.next_u64() & mask & rng.next_u64();
                let x = rng.next_u64() & mask & !y;
                Ballot::from_masks(y, x, vec![])
            })
            .collect();
        let c = count_ballots(&s, &ballots);
        let mut yes = vec![0u32; candidates as usize];
        let mut no = vec![0u32; candidates as usize];
        let mut valid = 0;
        for b in &ballots {
            if !b.is_valid(&s) {
                continue;
            }
            valid += 1;
            for (i, (y, n)) in yes.iter_mut().zip(no.iter_mut()).enumerate() {
                *y += (b.yes >> i & 1) as u32;
                *n += (b.no >> i & 1) as u32;
            }
        }
        assert_eq!(c.valid, valid, "{candidates} candidates");
        assert!(valid > 300, "the sample should hold many valid ballots");
        assert_eq!(c.yes, yes, "{candidates} candidates");
        assert_eq!(c.no, no, "{candidates} candidates");
    }
}
