//! Serde never bypasses a constructor: random JSON, and valid values' JSON
//! mutated leaf by leaf, fed
//! to every public `Deserialize` type whose constructor checks something.
//! Deserializing never panics, and a value that deserializes passes the
//! checks its constructor makes (and survives a serde round trip).
//!
//! Money is among them: it deserializes from its exact decimal string
//! only, within the bound of the ledger column.

use chrono::{NaiveDate, TimeZone, Utc};
use dangjian::discipline::{Decision, MAX_TITLE_CHARS, Measure, ProbationTerm};
use dangjian::dues::{DuesRules, ExternalPaymentId, Money, Month, MonthRange};
use dangjian::election::{
    Appraisal, AppraisalRules, Attendance, AttendanceMode, Ballot, Body, ElectionBuilder,
    ElectionSetup, Grade, Motion, MotionKind, NewVote, NotEntitledReason, Roll, TrackingCode,
    VoteId, VoteKind, VoteRecord, WrittenOpinion, national_election_rules,
};
use dangjian::member::{EmailAddress, EmployeeNo, IdNumber, MemberCardId, Mobile, PersonName};
use dangjian::office::Portfolio;
use dangjian::org::OrgName;
use dangjian::record::{Activity, AppendActivity, Appendable, NewRecordEntry};
use dangjian::{MemberId, OrgId};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// Checks one input against one type: no panic; if it deserializes, the
/// check holds and the value round-trips.
fn try_one<T>(v: &Value, check: impl Fn(&T) -> bool) -> Result<(), TestCaseError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let text = v.to_string();
    if let Ok(t) = serde_json::from_str::<T>(&text) {
        prop_assert!(check(&t), "{} accepted {text}", std::any::type_name::<T>());
        let again = serde_json::to_string(&t).ok();
        let back = again.and_then(|s| serde_json::from_str::<T>(&s).ok());
        prop_assert_eq!(back.as_ref(), Some(&t));
    }
    Ok(())
}

/// The string newtypes: what deserializes also parses with `FromStr`.
fn reparses<T: Serialize, P: std::str::FromStr>(t: &T) -> bool {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.parse::<P>().is_ok()))
        .unwrap_or(false)
}

fn roll() -> Roll {
    Roll::from_parts(
        OrgId::new(2),
        d(2024, 6, 1),
        (1..=9).map(MemberId::new),
        [(MemberId::new(10), NotEntitledReason::Probationary)],
    )
}

fn setup() -> ElectionSetup {
    ElectionBuilder::new()
        .org(OrgId::new(2))
        .body(Body::BranchCommittee)
        .seats(3)
        .held_on(d(2024, 6, 1))
        .candidates((1..=4).map(MemberId::new))
        .build(&roll(), &national_election_rules())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn vote_records() -> Vec<VoteRecord> {
    let election = VoteRecord::from_new(
        VoteId::new(1),
        NewVote {
            org: OrgId::new(2),
            kind: VoteKind::Election(setup()),
            roll: roll(),
            session: d(2024, 6, 1),
        },
    );
    let mut a = election.attendance().clone();
    let _ = a.check_in(election.roll(), MemberId::new(1), AttendanceMode::InPerson);
    let election = election.with_attendance(a);
    let motion = Motion::new(MotionKind::Conversion, MemberId::new(10), &roll())
        .unwrap_or_else(|e| panic!("{e}"));
    let motion = VoteRecord::from_new(
        VoteId::new(2),
        NewVote {
            org: OrgId::new(2),
            kind: VoteKind::Motion(motion),
            roll: roll(),
            session: d(2024, 6, 1),
        },
    );
    let mut a = motion.attendance().clone();
    let _ = a.check_in(motion.roll(), MemberId::new(2), AttendanceMode::Online);
    let _ = a.written_opinion(motion.roll(), MemberId::new(3), WrittenOpinion::Yes);
    vec![election, motion.with_attendance(a)]
}

/// Valid values of every checked type, as JSON: the seeds of the mutations.
fn seeds() -> Vec<Value> {
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
    let append = AppendActivity::new(
        MemberId::new(1),
        d(2024, 5, 4),
        Appendable::OnlineCheckIn {
            place: "深圳".into(),
        },
    );
    let decision = json!({
        "id": 3,
        "member": 1,
        "measure": {"type": "detention", "released_on": "2024-05-10"},
        "decided_on": "2024-05-01",
        "decided_by": 2,
        "approved_by": 1,
        "title": "关于某某同志被羁押的情况",
        "acted_by": null,
        "recorded_at": "2024-05-04T10:00:00Z",
    });
    let mut out = vec![
        decision,
        json!({"type": "probation", "term": 2, "rights_restored": false}),
        json!("1234.50"),
        json!("组织"),
        serde_json::to_value(Appendable::VolunteerService {
            hours: "1.5".parse().unwrap_or_default(),
            description: "义务植树".into(),
        })
        .unwrap_or_default(),
        serde_json::to_value(setup()).unwrap_or_default(),
        serde_json::to_value(Ballot::from_masks(
            0b11,
            0b100,
            vec![MemberId::new(30), MemberId::new(31)],
        ))
        .unwrap_or_default(),
        serde_json::to_value(entry).unwrap_or_default(),
        serde_json::to_value(append).unwrap_or_default(),
        json!("11010519491231002X"),
        json!("13800138000"),
        json!("li.ming@example.com"),
        json!("E-0042"),
        json!("李明"),
        json!("第一党支部"),
        json!("wx-20240501-0001"),
        json!("2024-05"),
        json!({"first": "2024-01", "last": "2024-12"}),
    ];
    out.push(serde_json::to_value(DuesRules::dues_2017()).unwrap_or_default());
    out.push(serde_json::to_value(vote_records()[1].attendance()).unwrap_or_default());
    let grades = (1..=9)
        .map(|i| {
            let g = if i <= 3 {
                Grade::Excellent
            } else {
                Grade::Qualified
            };
            (MemberId::new(i), g)
        })
        .collect();
    let appraisal = Appraisal::grade(&roll(), 2024, &grades, &AppraisalRules::default())
        .unwrap_or_else(|e| panic!("{e}"));
    out.push(serde_json::to_value(appraisal).unwrap_or_default());
    out.extend(
        vote_records()
            .into_iter()
            .map(|v| serde_json::to_value(v).unwrap_or_default()),
    );
    out
}

/// Every checked type against one input.
fn all_types(v: &Value) -> Result<(), TestCaseError> {
    try_one::<ElectionSetup>(v, |s| s.check().is_ok())?;
    try_one::<Ballot>(v, |b| b.check_write_ins().is_ok())?;
    try_one::<VoteRecord>(v, |r| r.check().is_ok())?;
    try_one::<NewRecordEntry>(v, |e| e.activity.validate().is_ok())?;
    try_one::<AppendActivity>(v, |a| Activity::from(a.activity.clone()).validate().is_ok())?;
    try_one::<Appendable>(v, |a| Activity::from(a.clone()).validate().is_ok())?;
    try_one::<Activity>(v, |a| a.validate().is_ok())?;
    try_one::<DuesRules>(v, |r| r.validate().is_ok())?;
    try_one::<Attendance>(v, |a| a.written.keys().all(|m| !a.present.contains_key(m)))?;
    try_one::<Appraisal>(v, |a| a.check().is_ok())?;
    try_one::<IdNumber>(v, reparses::<IdNumber, IdNumber>)?;
    try_one::<Mobile>(v, reparses::<Mobile, Mobile>)?;
    try_one::<EmailAddress>(v, reparses::<EmailAddress, EmailAddress>)?;
    try_one::<EmployeeNo>(v, reparses::<EmployeeNo, EmployeeNo>)?;
    try_one::<PersonName>(v, reparses::<PersonName, PersonName>)?;
    try_one::<MemberCardId>(v, reparses::<MemberCardId, MemberCardId>)?;
    try_one::<OrgName>(v, reparses::<OrgName, OrgName>)?;
    try_one::<ExternalPaymentId>(v, reparses::<ExternalPaymentId, ExternalPaymentId>)?;
    try_one::<Month>(v, reparses::<Month, Month>)?;
    try_one::<TrackingCode>(v, |c| TrackingCode::try_from(c.to_string()).is_ok())?;
    try_one::<MonthRange>(v, |r| MonthRange::new(r.first, r.last).is_ok())?;
    try_one::<Money>(v, |m| {
        reparses::<Money, Money>(m) && *m <= Money::MAX && *m >= Money::MIN
    })?;
    try_one::<Portfolio>(v, |p| Portfolio::new(p.as_str()).is_ok())?;
    try_one::<ProbationTerm>(v, |t| ProbationTerm::try_from(t.years()).is_ok())?;
    try_one::<Decision>(v, |d| {
        let title = d.title.trim();
        !title.is_empty()
            && title.chars().count() <= MAX_TITLE_CHARS
            && !title
                .chars()
                .any(|c| c.is_control() || ('\u{200B}'..='\u{200F}').contains(&c))
            && !matches!(d.measure, Measure::Detention { released_on: Some(r) } if r < d.decided_on)
    })?;
    Ok(())
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-3i64..80).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-z_]{0,12}".prop_map(Value::String),
        "\\PC{0,20}".prop_map(Value::String),
        prop::sample::select(vec![
            "-3",
            "0",
            "24.01",
            "1e3",
            "2024-02-30",
            "2024-06-01",
            "2024-13",
            "in_person",
            "election",
            "motion",
            "volunteer_service",
            "branch_committee",
            "main",
            "run_off",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

fn random_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One mutation of `v` at the `k`-th node (pre-order): replace it by
/// `with`, duplicate an array element, or drop an object key.
fn mutate(v: &mut Value, k: &mut usize, op: u8, with: &Value) -> bool {
    if *k == 0 {
        match (op % 3, &mut *v) {
            (1, Value::Array(a)) if !a.is_empty() => {
                let first = a.first().cloned().unwrap_or(Value::Null);
                a.push(first);
            }
            (2, Value::Object(o)) if !o.is_empty() => {
                let key = o.keys().next().cloned().unwrap_or_default();
                o.remove(&key);
            }
            _ => *v = with.clone(),
        }
        return true;
    }
    *k -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| mutate(x, k, op, with)),
        Value::Object(o) => o.values_mut().any(|x| mutate(x, k, op, with)),
        _ => false,
    }
}

fn mutated() -> impl Strategy<Value = Value> {
    let seeds = seeds();
    (
        prop::sample::select(seeds),
        prop::collection::vec((0usize..64, any::<u8>(), leaf()), 1..4),
    )
        .prop_map(|(mut v, muts)| {
            for (at, op, with) in muts {
                let mut k = at;
                mutate(&mut v, &mut k, op, &with);
            }
            v
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_json_never_bypasses_a_constructor(v in random_json()) {
        all_types(&v)?;
    }

    #[test]
    fn mutated_valid_json_never_bypasses_a_constructor(v in mutated()) {
        all_types(&v)?;
    }
}

/// The seeds deserialize as themselves (so the mutations start from
/// values the types accept).
#[test]
fn the_seeds_are_valid() {
    for v in seeds() {
        let text = v.to_string();
        let any_ok = serde_json::from_str::<ElectionSetup>(&text).is_ok()
            || serde_json::from_str::<Ballot>(&text).is_ok()
            || serde_json::from_str::<VoteRecord>(&text).is_ok()
            || serde_json::from_str::<NewRecordEntry>(&text).is_ok()
            || serde_json::from_str::<AppendActivity>(&text).is_ok()
            || serde_json::from_str::<Appendable>(&text).is_ok()
            || serde_json::from_str::<DuesRules>(&text).is_ok()
            || serde_json::from_str::<Attendance>(&text).is_ok()
            || serde_json::from_str::<Appraisal>(&text).is_ok()
            || serde_json::from_str::<IdNumber>(&text).is_ok()
            || serde_json::from_str::<Mobile>(&text).is_ok()
            || serde_json::from_str::<EmailAddress>(&text).is_ok()
            || serde_json::from_str::<PersonName>(&text).is_ok()
            || serde_json::from_str::<EmployeeNo>(&text).is_ok()
            || serde_json::from_str::<OrgName>(&text).is_ok()
            || serde_json::from_str::<ExternalPaymentId>(&text).is_ok()
            || serde_json::from_str::<Month>(&text).is_ok()
            || serde_json::from_str::<MonthRange>(&text).is_ok()
            || serde_json::from_str::<Money>(&text).is_ok()
            || serde_json::from_str::<Portfolio>(&text).is_ok()
            || serde_json::from_str::<Measure>(&text).is_ok()
            || serde_json::from_str::<Decision>(&text).is_ok();
        assert!(any_ok, "seed not accepted by any type: {text}");
    }
}

/// The named cases of item 6, each refused.
#[test]
fn the_named_cases_are_refused() {
    let mut s = serde_json::to_value(setup()).unwrap_or_default();
    s["seats"] = json!(0);
    assert!(serde_json::from_value::<ElectionSetup>(s).is_err());
    let mut s = serde_json::to_value(setup()).unwrap_or_default();
    s["candidates"] = json!((1..=70).collect::<Vec<u64>>());
    assert!(serde_json::from_value::<ElectionSetup>(s).is_err());
    let b = json!({"yes": 1, "no": 0, "write_ins": [7, 7]});
    assert!(serde_json::from_value::<Ballot>(b).is_err());
    let mut v = serde_json::to_value(&vote_records()[0]).unwrap_or_default();
    v["attendance"]["present"] = json!({"77": "in_person"});
    assert!(serde_json::from_value::<VoteRecord>(v).is_err());
    let mut e = seeds()
        .into_iter()
        .find(|v| v.get("recorded_at").is_some() && v.get("activity").is_some())
        .expect("a record entry among the seeds");
    e["activity"]["hours"] = json!("-3");
    assert!(serde_json::from_value::<NewRecordEntry>(e.clone()).is_err());
    assert!(serde_json::from_value::<Activity>(e["activity"].clone()).is_err());
    let mut r = serde_json::to_value(DuesRules::dues_2017()).unwrap_or_default();
    r["self_departure_months"] = json!(0);
    assert!(serde_json::from_value::<DuesRules>(r).is_err());
}

/// The types merged after the first version of this file: a decision's
/// title and release, money's exact strings and bound, a probation term.
#[test]
fn decisions_money_and_terms_are_checked() {
    let mut decision = seeds()
        .into_iter()
        .find(|v| v.get("decided_on").is_some())
        .expect("a decision among the seeds");
    assert!(serde_json::from_value::<Decision>(decision.clone()).is_ok());
    decision["title"] = json!("关于\u{202E}某某");
    assert!(serde_json::from_value::<Decision>(decision.clone()).is_err());
    decision["title"] = json!("  ");
    assert!(serde_json::from_value::<Decision>(decision.clone()).is_err());
    decision["title"] = json!("决定");
    decision["measure"]["released_on"] = json!("2024-04-30");
    assert!(serde_json::from_value::<Decision>(decision).is_err());
    for bad in [
        json!(1.5),
        json!("1e3"),
        json!("1000000000000.00"),
        json!("0.001"),
    ] {
        assert!(
            serde_json::from_value::<Money>(bad.clone()).is_err(),
            "{bad}"
        );
    }
    assert!(serde_json::from_value::<ProbationTerm>(json!(3)).is_err());
    assert!(serde_json::from_value::<Portfolio>(json!("组\u{200B}织")).is_err());
}
