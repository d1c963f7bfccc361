//! 纸质选票计票 (paper counts): the papers of an election counted as they
//! are marked, for any number of listed candidates. Up to
//! [`MAX_CANDIDATES`] the papers are encoded into compact ballots and take
//! the fast count ([`count_ballots`]); beyond (a 党员大会 electing
//! delegates, [`ElectionBuilder::paper_only`](super::ElectionBuilder::paper_only))
//! a general count keeps one counter per candidate. Both give the same
//! [`Counts`]. [Election 2020; `docs/RULES.md` VOTE-7]

use super::{Ballot, BallotPaper, Counts, ElectionSetup, MAX_CANDIDATES, Mark, count_ballots};
use crate::MemberId;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// 纸质选票计票: counts `papers` for `setup`. A paper is invalid (无效票)
/// when it marks someone not listed, writes in a listed candidate or the
/// same person twice, writes in where write-ins are not allowed, or has
/// more yes marks (write-ins included) than seats. [Election 2020; VOTE-7]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=300).map(MemberId::new), []);
/// let setup = ElectionBuilder::new().org(OrgId::new(2)).body(Body::Delegates).seats(80)
///     .held_on(on).candidates((1..=100).map(MemberId::new)).paper_only(true)
///     .build(&roll, &national_election_rules())?;
/// let yes_to = |ids: std::ops::RangeInclusive<u64>| ids.fold(BallotPaper::new(), |p, i| p.mark(MemberId::new(i), Mark::Yes));
/// let papers = vec![yes_to(21..=100), yes_to(21..=100), yes_to(1..=100)];
/// let c = count_papers(&setup, &papers);
/// assert_eq!((c.returned, c.valid, c.invalid), (3, 2, 1)); // 100 yes marks for 80 seats
/// assert_eq!((c.yes[0], c.yes[99]), (0, 2));
/// # Ok::<(), ElectionError>(())
/// ```
pub fn count_papers(setup: &ElectionSetup, papers: &[BallotPaper]) -> Counts {
    if setup.candidates.len() <= MAX_CANDIDATES {
        fast(setup, papers)
    } else {
        general(setup, papers)
    }
}

/// Up to 64 listed: encode, then the fast count. An invalid paper becomes
/// a ballot the fast count refuses (yes and no on the first bit).
fn fast(setup: &ElectionSetup, papers: &[BallotPaper]) -> Counts {
    let at = positions(setup);
    let ballots: Vec<Ballot> = papers
        .iter()
        .map(|p| encode(setup, &at, p).unwrap_or_else(|| Ballot::from_masks(1, 1, Vec::new())))
        .collect();
    count_ballots(setup, &ballots)
}

/// Each listed candidate's ballot position.
fn positions(setup: &ElectionSetup) -> HashMap<MemberId, usize> {
    setup
        .candidates
        .iter()
        .enumerate()
        .map(|(i, m)| (*m, i))
        .collect()
}

fn encode(
    setup: &ElectionSetup,
    at: &HashMap<MemberId, usize>,
    paper: &BallotPaper,
) -> Option<Ballot> {
    let (mut yes, mut no) = (0u64, 0u64);
    for (candidate, mark) in &paper.marks {
        let i = u32::try_from(*at.get(candidate)?).ok()?;
        let bit = 1u64.checked_shl(i)?;
        match mark {
            Mark::Yes => yes |= bit,
            Mark::No => no |= bit,
            Mark::Abstain => {}
        }
    }
    write_ins_ok(setup, &paper.write_ins, |m| at.contains_key(&m))?;
    Some(Ballot::from_masks(yes, no, paper.write_ins.clone()))
}

/// Write-ins allowed (or none), none listed, none twice.
fn write_ins_ok(
    setup: &ElectionSetup,
    write_ins: &[MemberId],
    listed: impl Fn(MemberId) -> bool,
) -> Option<()> {
    if !write_ins.is_empty() && !setup.write_ins {
        return None;
    }
    let mut seen = BTreeSet::new();
    write_ins
        .iter()
        .all(|w| !listed(*w) && seen.insert(*w))
        .then_some(())
}

/// More than 64 listed: one counter per candidate.
fn general(setup: &ElectionSetup, papers: &[BallotPaper]) -> Counts {
    let n = setup.candidates.len();
    let at = positions(setup);
    let seats = setup.seats as usize;
    let mut yes = vec![0u32; n];
    let mut no = vec![0u32; n];
    let mut write_ins: BTreeMap<MemberId, u32> = BTreeMap::new();
    let mut valid = 0u32;
    let mut marks: Vec<(usize, Mark)> = Vec::new();
    for p in papers {
        marks.clear();
        let listed = p.marks.iter().all(|(m, mark)| match at.get(m) {
            Some(i) => {
                marks.push((*i, *mark));
                true
            }
            None => false,
        });
        let yes_marks = marks.iter().filter(|(_, m)| *m == Mark::Yes).count();
        let ok = listed
            && yes_marks.saturating_add(p.write_ins.len()) <= seats
            && write_ins_ok(setup, &p.write_ins, |m| at.contains_key(&m)).is_some();
        if !ok {
            continue;
        }
        valid += 1;
        for (i, mark) in &marks {
            let counter = match mark {
                Mark::Yes => yes.get_mut(*i),
                Mark::No => no.get_mut(*i),
                Mark::Abstain => None,
            };
            if let Some(c) = counter {
                *c += 1;
            }
        }
        for w in &p.write_ins {
            *write_ins.entry(*w).or_insert(0) += 1;
        }
    }
    let returned = u32::try_from(papers.len()).unwrap_or(u32::MAX);
    Counts {
        returned,
        valid,
        invalid: returned - valid,
        yes,
        no,
        write_ins,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OrgId;
    use crate::election::{Body, ElectionBuilder, Roll, national_election_rules};
    use chrono::NaiveDate;

    fn setup(candidates: u64, seats: i64) -> ElectionSetup {
        let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let roll = Roll::from_parts(OrgId::new(2), on, (1..=500).map(MemberId::new), []);
        ElectionBuilder::new()
            .org(OrgId::new(2))
            .body(Body::Delegates)
            .seats(seats)
            .held_on(on)
            .candidates((1..=candidates).map(MemberId::new))
            .paper_only(true)
            .competitive(false)
            .build(&roll, &national_election_rules())
            .unwrap()
    }

    fn papers(candidates: u64, n: u64) -> Vec<BallotPaper> {
        (0..n)
            .map(|k| {
                let mut p = BallotPaper::new();
                for i in 1..=candidates {
                    let mark = match (i + k) % 5 {
                        0 => Mark::No,
                        1 => Mark::Abstain,
                        _ => Mark::Yes,
                    };
                    if (i * 7 + k) % 3 != 0 {
                        p = p.mark(MemberId::new(i), mark);
                    }
                }
                if k % 4 == 0 {
                    p = p.write_in(MemberId::new(400 + k % 3));
                }
                if k % 9 == 0 {
                    p = p.write_in(MemberId::new(401)).write_in(MemberId::new(401));
                }
                if k % 11 == 0 {
                    p = p.mark(MemberId::new(499), Mark::Yes);
                }
                p
            })
            .collect()
    }

    #[test]
    fn general_and_fast_agree_up_to_64() {
        for c in [1u64, 10, 63, 64] {
            let s = setup(c, i64::try_from(c).unwrap_or(1).max(1) * 4 / 5 + 1);
            let ps = papers(c, 300);
            assert_eq!(general(&s, &ps), fast(&s, &ps), "{c} candidates");
        }
    }

    #[test]
    fn more_than_64_candidates_are_counted() {
        let s = setup(150, 130);
        let ps = papers(150, 200);
        let c = count_papers(&s, &ps);
        assert_eq!(c.yes.len(), 150);
        assert_eq!(c.valid + c.invalid, 200);
        assert!(c.valid > 0 && c.invalid > 0);
        // Candidate 150 (beyond bit 63) is counted like any other.
        let by_hand = ps
            .iter()
            .filter(|p| {
                p.marks.get(&MemberId::new(150)) == Some(&Mark::Yes)
                    && p.marks.keys().all(|m| m.get() <= 150)
                    && p.marks.values().filter(|m| **m == Mark::Yes).count() + p.write_ins.len()
                        <= 130
                    && p.write_ins.iter().collect::<BTreeSet<_>>().len() == p.write_ins.len()
            })
            .count();
        assert_eq!(c.yes.get(149).copied(), u32::try_from(by_hand).ok());
    }

    #[test]
    fn a_write_in_twice_is_invalid_on_paper() {
        let s = setup(70, 5);
        let twice = BallotPaper::new()
            .write_in(MemberId::new(400))
            .write_in(MemberId::new(400));
        let c = count_papers(&s, &[twice]);
        assert_eq!((c.valid, c.invalid), (0, 1));
        assert!(c.write_ins.is_empty());
    }
}
