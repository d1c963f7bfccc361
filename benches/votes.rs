//! Vote benchmarks.
//!
//! - Tally 1,000,000 ballots of a 9-seat, 11-candidate election with
//!   validity checks and the full count report: target < 15 ms, and at
//!   least 3× faster than `tallystick`'s approval tally on the same ballots
//!   (given to tallystick pre-converted to its input, with no validity
//!   checks: both favour tallystick). Both are measured here and the ratio
//!   is printed.
//! - Cast 100,000 ballots through the in-memory store with the secrecy
//!   guarantees (seal with SHA-256 and a random nonce, mark the voter,
//!   store the ballot apart keyed by its code): target < 1 s.
//! - Paper counts (`count_papers`, VOTE-7): 100,000 papers of a
//!   60-candidate election (the fast path: encoded, then the compact
//!   count) and of a 65- and a 200-candidate election (the general path,
//!   one counter per candidate); the figures are printed per paper.

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use dangjian::MemberId;
use dangjian::OrgId;
use dangjian::election::{
    Ballot, BallotPaper, Body, CountReport, ElectionBuilder, ElectionSetup, Mark, NewVote, Roll,
    Turnout, VoteKind, count_papers, national_election_rules, seal,
};
use dangjian::store::Effects;
use dangjian::store::{MemoryStore, VoteStore};
use rand::{Rng, SeedableRng};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tallystick::approval::DefaultApprovalTally;

const BALLOTS: usize = 1_000_000;
const SEATS: i64 = 9;
const CANDIDATES: u64 = 11;
const CASTS: u64 = 100_000;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default()
}

fn setup(voters: u64) -> (Roll, ElectionSetup) {
    let roll = Roll::from_parts(OrgId::new(1), day(), (1..=voters).map(MemberId::new), []);
    let setup = ElectionBuilder::new()
        .org(OrgId::new(1))
        .body(Body::GrassrootsCommittee)
        .seats(SEATS)
        .held_on(day())
        .candidates((1..=CANDIDATES).map(MemberId::new))
        .build(&roll, &national_election_rules())
        .unwrap_or_else(|e| panic!("{e}"));
    (roll, setup)
}

/// Ballots with 0–11 yes marks (those with 10 or 11 are invalid), some no
/// marks, and a write-in on one ballot in a thousand.
fn ballots(n: usize) -> Vec<Ballot> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2020);
    (0..n)
        .map(|i| {
            let yes = rng.next_u64() & 0x7ff;
            let no = rng.next_u64() & 0x7ff & !yes;
            let write_ins = if i % 1000 == 0 && yes.count_ones() < 9 {
                vec![MemberId::new(500 + (i % 7) as u64)]
            } else {
                Vec::new()
            };
            Ballot::from_masks(yes, no, write_ins)
        })
        .collect()
}

fn selections(setup: &ElectionSetup, ballots: &[Ballot]) -> Vec<Vec<u64>> {
    ballots
        .iter()
        .map(|b| {
            let mut s: Vec<u64> = setup
                .candidates
                .iter()
                .enumerate()
                .filter(|(i, _)| b.yes >> i & 1 == 1)
                .map(|(_, m)| m.get())
                .collect();
            s.extend(b.write_ins.iter().map(|m| m.get()));
            s
        })
        .collect()
}

fn ours(setup: &ElectionSetup, ballots: &[Ballot]) -> CountReport {
    let n = ballots.len() as u32;
    let turnout = Turnout {
        entitled: n,
        present: n,
        issued: n,
        voted: n,
    };
    CountReport::count(setup, turnout, ballots)
}

fn theirs(selections: &[Vec<u64>]) -> Vec<(u64, u64)> {
    let mut tally = DefaultApprovalTally::<u64>::with_capacity(SEATS as usize, 16);
    for s in selections {
        tally.add_ref(s);
    }
    tally.totals()
}

fn median(mut f: impl FnMut(), runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times.get(runs / 2).copied().unwrap_or_default()
}

fn tally(c: &mut Criterion) {
    let (_, setup) = setup(200);
    let ballots = ballots(BALLOTS);
    let selections = selections(&setup, &ballots);
    let report = ours(&setup, &ballots);
    assert_eq!(report.valid() + report.invalid(), report.returned());
    let mut g = c.benchmark_group("tally_1m_9_seats_11_candidates");
    g.sample_size(20);
    g.bench_function("dangjian_count_report", |b| {
        b.iter(|| black_box(ours(&setup, black_box(&ballots))))
    });
    g.bench_function("tallystick_approval", |b| {
        b.iter(|| black_box(theirs(black_box(&selections))))
    });
    g.finish();
    let a = median(|| drop(black_box(ours(&setup, &ballots))), 21);
    let t = median(|| drop(black_box(theirs(&selections))), 7);
    println!(
        "tally 1,000,000 ballots: dangjian {:.2} ms (valid {}, invalid {}), tallystick approval {:.2} ms, ratio {:.1}x",
        a.as_secs_f64() * 1e3,
        report.valid(),
        report.invalid(),
        t.as_secs_f64() * 1e3,
        t.as_secs_f64() / a.as_secs_f64().max(1e-9)
    );
}

fn cast(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let (roll, setup) = setup(CASTS);
    let make = || {
        let store = Arc::new(MemoryStore::new());
        let v = rt
            .block_on(store.create_vote(
                NewVote {
                    org: OrgId::new(1),
                    kind: VoteKind::Election(setup.clone()),
                    roll: roll.clone(),
                    session: day(),
                },
                Effects::none(),
            ))
            .unwrap_or_else(|e| panic!("{e}"));
        (store, v)
    };
    let ballots = ballots(CASTS as usize);
    let run = |(store, v): (Arc<MemoryStore>, dangjian::election::VoteRecord)| {
        let mut rng = rand::rng(); // the OS-seeded CSPRNG, as the service seals
        rt.block_on(async {
            for (i, b) in ballots.iter().enumerate() {
                let (sealed, receipt) = seal(v.id(), v.session(), b.clone(), &mut rng);
                store
                    .cast_ballot(MemberId::new(i as u64 + 1), sealed, Effects::none())
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                black_box(receipt);
            }
        });
        store
    };
    let mut g = c.benchmark_group("cast_100k_memory_store");
    g.sample_size(10);
    g.bench_function("seal_and_cast", |b| {
        b.iter_batched(make, |s| black_box(run(s)), BatchSize::PerIteration)
    });
    g.finish();
    let mut times = Vec::new();
    for _ in 0..3 {
        let s = make();
        let t = Instant::now();
        let out = black_box(run(s));
        times.push(t.elapsed());
        drop(out);
    }
    times.sort();
    println!(
        "cast 100,000 ballots through the memory store: {:.0} ms (median of 3)",
        times.get(1).copied().unwrap_or_default().as_secs_f64() * 1e3
    );
}

const PAPERS: usize = 100_000;

/// Papers marking every candidate: yes on about 70%, a few no, the rest
/// abstain; seats = 80% of the list, so a few papers are invalid.
fn papers(candidates: u64, n: usize) -> (ElectionSetup, Vec<BallotPaper>) {
    let roll = Roll::from_parts(OrgId::new(1), day(), (1..=1000).map(MemberId::new), []);
    let seats = i64::try_from(candidates * 8 / 10).unwrap_or(1);
    let setup = ElectionBuilder::new()
        .org(OrgId::new(1))
        .body(Body::Delegates)
        .seats(seats)
        .held_on(day())
        .candidates((1..=candidates).map(MemberId::new))
        .competitive(false)
        .paper_only(true)
        .build(&roll, &national_election_rules())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut rng = rand::rngs::StdRng::seed_from_u64(2024);
    let papers = (0..n)
        .map(|_| {
            (1..=candidates).fold(BallotPaper::new(), |p, c| {
                let r = rng.next_u32() % 100;
                let mark = if r < 72 {
                    Mark::Yes
                } else if r < 80 {
                    Mark::No
                } else {
                    Mark::Abstain
                };
                p.mark(MemberId::new(c), mark)
            })
        })
        .collect();
    (setup, papers)
}

fn paper(c: &mut Criterion) {
    let mut g = c.benchmark_group("paper_count_100k");
    g.sample_size(10);
    for candidates in [60u64, 65, 200] {
        let (setup, ps) = papers(candidates, PAPERS);
        let counts = count_papers(&setup, &ps);
        assert_eq!(counts.valid + counts.invalid, counts.returned);
        let path = if candidates <= 64 { "fast" } else { "general" };
        g.bench_function(format!("{candidates}_candidates_{path}"), |b| {
            b.iter(|| black_box(count_papers(&setup, black_box(&ps))))
        });
        let t = median(|| drop(black_box(count_papers(&setup, &ps))), 5);
        println!(
            "paper count, {candidates} candidates ({path} path): {:.1} ms for {PAPERS} papers, {:.0} ns/paper (valid {})",
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() * 1e9 / PAPERS as f64,
            counts.valid
        );
    }
    g.finish();
}

criterion_group!(benches, tally, cast, paper);
criterion_main!(benches);
