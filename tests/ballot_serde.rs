//! Serde checks, write-ins and the 优秀 base (VOTE-16), written against the API
//! that existed before the fix, so each test runs on the old code too and
//! fails there: serde bypassed the constructors' checks, `Ballot::fill`
//! panicked past 64 candidates, a write-in twice counted twice in the
//! count and was stored by the store, and the 优秀 cap was taken of those
//! graded only.

use chrono::{NaiveDate, TimeZone, Utc};
use dangjian::election::{
    Appraisal, AppraisalRules, Ballot, BallotPaper, Body, ElectionBuilder, ElectionSetup, Grade,
    Mark, NewVote, NotEntitledReason, Roll, VoteId, VoteKind, VoteRecord, count_ballots,
    national_election_rules, seal,
};
use dangjian::record::{Activity, NewRecordEntry};
use dangjian::store::{Effects, MemoryStore, VoteStore};
use dangjian::{MemberId, OrgId};
use serde_json::json;
use std::collections::BTreeMap;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn roll() -> Roll {
    Roll::from_parts(
        OrgId::new(2),
        d(2024, 6, 1),
        (1..=100).map(MemberId::new),
        [],
    )
}

fn setup() -> ElectionSetup {
    ElectionBuilder::new()
        .org(OrgId::new(2))
        .body(Body::Delegates)
        .seats(3)
        .held_on(d(2024, 6, 1))
        .candidates((1..=4).map(MemberId::new))
        .build(&roll(), &national_election_rules())
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_election_setup_with_no_seats_or_70_candidates_does_not_deserialize() {
    let valid = serde_json::to_value(setup()).unwrap_or_default();
    assert!(serde_json::from_value::<ElectionSetup>(valid.clone()).is_ok());
    let mut no_seats = valid.clone();
    no_seats["seats"] = json!(0);
    assert!(serde_json::from_value::<ElectionSetup>(no_seats).is_err());
    let mut seventy = valid;
    seventy["candidates"] = json!((1..=70).collect::<Vec<u64>>());
    assert!(serde_json::from_value::<ElectionSetup>(seventy).is_err());
}

#[test]
fn a_ballot_with_a_write_in_twice_does_not_deserialize() {
    let twice = json!({"yes": 1, "no": 0, "write_ins": [70, 70]});
    assert!(serde_json::from_value::<Ballot>(twice).is_err());
    let once = json!({"yes": 1, "no": 0, "write_ins": [70]});
    assert!(serde_json::from_value::<Ballot>(once).is_ok());
}

#[test]
fn a_vote_record_with_attendance_not_entitled_does_not_deserialize() {
    let v = VoteRecord::from_new(
        VoteId::new(1),
        NewVote {
            org: OrgId::new(2),
            kind: VoteKind::Election(setup()),
            roll: roll(),
            session: d(2024, 6, 1),
        },
    );
    let mut json = serde_json::to_value(&v).unwrap_or_default();
    assert!(serde_json::from_value::<VoteRecord>(json.clone()).is_ok());
    json["attendance"]["present"] = json!({"555": "in_person"});
    assert!(serde_json::from_value::<VoteRecord>(json).is_err());
}

#[test]
fn a_record_entry_with_negative_hours_does_not_deserialize() {
    let entry = NewRecordEntry {
        member: MemberId::new(1),
        occurred_on: d(2024, 5, 4),
        activity: Activity::VolunteerService {
            hours: "2.5".parse().unwrap_or_default(),
            description: "社区义诊".into(),
        },
        recorded_by: Some(OrgId::new(2)),
        acted_by: None,
        recorded_at: Utc
            .with_ymd_and_hms(2024, 5, 4, 10, 0, 0)
            .single()
            .unwrap_or_default(),
    };
    let mut json = serde_json::to_value(&entry).unwrap_or_default();
    assert!(serde_json::from_value::<NewRecordEntry>(json.clone()).is_ok());
    json["activity"]["hours"] = json!("-3");
    assert!(serde_json::from_value::<NewRecordEntry>(json).is_err());
}

#[test]
fn filling_a_ballot_past_64_candidates_is_an_error_not_a_panic() {
    let mut wide = setup();
    wide.candidates = (1..=70).map(MemberId::new).collect();
    let paper = BallotPaper::new().mark(MemberId::new(70), Mark::Yes);
    assert!(Ballot::fill(&wide, &roll(), &paper).is_err());
}

#[test]
fn a_write_in_twice_is_an_invalid_ballot_in_the_count() {
    let twice = Ballot::from_masks(0, 0, vec![MemberId::new(70), MemberId::new(70)]);
    let c = count_ballots(&setup(), &[twice]);
    assert_eq!((c.valid, c.invalid), (0, 1));
    assert_eq!(c.write_ins.get(&MemberId::new(70)), None);
}

#[tokio::test]
async fn the_memory_store_refuses_a_write_in_twice() {
    let store = MemoryStore::new();
    let v = store
        .create_vote(
            NewVote {
                org: OrgId::new(2),
                kind: VoteKind::Election(setup()),
                roll: roll(),
                session: d(2024, 6, 1),
            },
            Effects::none(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let twice = Ballot::from_masks(0, 0, vec![MemberId::new(70), MemberId::new(70)]);
    let sealed = seal(v.id(), v.session(), twice, &mut rand::rng()).0;
    let got = store
        .cast_ballot(MemberId::new(1), sealed, Effects::none())
        .await;
    assert!(got.is_err());
    assert!(
        !store
            .has_voted(v.id(), MemberId::new(1))
            .await
            .unwrap_or(true)
    );
}

#[test]
fn the_excellent_cap_is_taken_of_all_appraised_by_default() {
    // 5 full members and 1 probationary member: 6 appraised, 5 graded;
    // 2 优秀 fit 1/3 of 6, not 1/3 of 5.
    let roll = Roll::from_parts(
        OrgId::new(2),
        d(2024, 12, 1),
        (1..=5).map(MemberId::new),
        [(MemberId::new(6), NotEntitledReason::Probationary)],
    );
    let grades: BTreeMap<MemberId, Grade> = (1..=5)
        .map(|i| {
            let g = if i <= 2 {
                Grade::Excellent
            } else {
                Grade::Qualified
            };
            (MemberId::new(i), g)
        })
        .collect();
    let a = Appraisal::grade(&roll, 2024, &grades, &AppraisalRules::default());
    assert_eq!(a.map(|a| a.cap).ok(), Some(2));
}
