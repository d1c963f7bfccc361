//! Property: for random valid rosters, plan → store → plan again is all
//! unchanged (in any row order, and for any part of the roster).

use super::*;
use crate::lifecycle::ImportDetails;
use crate::member::PersonName;
use chrono::{Days, Months};
use proptest::prelude::*;

/// One generated row: day offsets and choices.
#[derive(Debug, Clone)]
struct Spec {
    birth: u64,
    kind: u8,
    gaps: [u64; 4],
    end: u8,
    extension: u32,
    details: bool,
    introducers: u8,
    home: u64,
    online: [Option<u64>; 2],
    group: Option<u64>,
    employee_no: bool,
    occupation: u8,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (0u64..14_600, 0u8..5, [0u64..2500, 0..700, 0..700, 0..400]),
        (0u8..3, 6u32..=12, any::<bool>(), 0u8..4),
        (
            0u64..9000,
            [
                proptest::option::of(0u64..16_000),
                proptest::option::of(0u64..16_000),
            ],
            proptest::option::of(0u64..1000),
            any::<bool>(),
            0u8..3,
        ),
    )
        .prop_map(
            |((birth, kind, gaps), (end, extension, details, introducers), rest)| {
                let (home, online, group, employee_no, occupation) = rest;
                Spec {
                    birth,
                    kind,
                    gaps,
                    end,
                    extension,
                    details,
                    introducers,
                    home,
                    online,
                    group,
                    employee_no,
                    occupation,
                }
            },
        )
}

fn days(date: NaiveDate, n: u64) -> NaiveDate {
    date.checked_add_days(Days::new(n)).unwrap().min(TODAY)
}

fn months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n)).unwrap()
}

const SENIOR_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1920, 3, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// Two full members since 1955, the introducers of the batch.
fn seniors() -> Vec<RosterRow> {
    (0..2)
        .map(|n| {
            RosterRow::new(
                "老党员".parse().unwrap(),
                id(SENIOR_BIRTH, n),
                HOME,
                d(1990, 1, 1),
                ImportedStage::Full {
                    joined_on: d(1954, 7, 1),
                    full_since: d(1955, 7, 1),
                },
            )
        })
        .collect()
}

fn introducer(choice: u8, seniors: &[RosterRow]) -> Introducer {
    match seniors.get(usize::from(choice)) {
        Some(s) => s.id_number().clone().into(),
        None => {
            let name = if choice == 2 { "李四" } else { "王五" };
            name.parse::<PersonName>().unwrap().into()
        }
    }
}

/// A valid row from `spec`, the `n`th of the batch.
fn build(n: u32, spec: &Spec, seniors: &[RosterRow]) -> RosterRow {
    let birth = days(d(1940, 1, 1), spec.birth);
    let applied = days(months(birth, 18 * 12), spec.gaps[0]);
    let activist = days(applied, spec.gaps[1]);
    let target = days(months(activist, 12), spec.gaps[2]);
    let resolution = days(target, spec.gaps[3]);
    let standard = months(resolution, 12);
    let extended = spec.end == 2;
    let end = if extended {
        months(standard, spec.extension)
    } else {
        standard
    };
    let pairs = [(0, 1), (0, 2), (1, 2), (2, 3)];
    let (a, b) = pairs[usize::from(spec.introducers)];
    let pair = [introducer(a, seniors), introducer(b, seniors)];
    let mut details = ImportDetails::default();
    let stage = match spec.kind {
        0 => ImportedStage::Applicant {
            applied_on: applied,
        },
        1 => ImportedStage::Activist { since: activist },
        2 => ImportedStage::DevelopmentTarget {
            since: target,
            introducers: pair.clone(),
        },
        3 => ImportedStage::Probationary {
            resolution_on: resolution,
            probation_end: (spec.end > 0).then_some(end),
            extended,
        },
        _ => {
            details.probation_extended = extended;
            ImportedStage::Full {
                joined_on: resolution,
                full_since: end,
            }
        }
    };
    if spec.details {
        details.applied_on = (spec.kind >= 1).then_some(applied);
        details.activist_since = (spec.kind >= 2).then_some(activist);
        details.target_since = (spec.kind >= 3).then_some(target);
        details.introducers = (spec.kind >= 3).then_some(pair);
    }
    let home_since = days(months(birth, 16 * 12), spec.home);
    let mut row = RosterRow::new(
        "测试".parse().unwrap(),
        id(birth, n),
        HOME,
        home_since,
        stage,
    )
    .details(details)
    .occupation(match spec.occupation {
        0 => OccupationCategory::InService,
        1 => OccupationCategory::Retiree,
        _ => OccupationCategory::Farmer,
    });
    for (org, offset) in [ONLINE, ONLINE_2].into_iter().zip(spec.online) {
        if let Some(offset) = offset {
            row = row.online(org, days(birth, offset));
        }
    }
    if let Some(offset) = spec.group {
        row = row.group(GROUP, days(home_since, offset));
    }
    if spec.employee_no {
        row = row.employee_no(format!("E{n}").parse().unwrap());
    }
    row
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn plan_store_plan_again_is_all_unchanged(
        specs in proptest::collection::vec(spec(), 0..8),
        rotate in 0usize..10,
    ) {
        let mut rows = seniors();
        for (n, spec) in (2u32..).zip(&specs) {
            let row = build(n, spec, &rows[..2]);
            rows.push(row);
        }
        let plan = plan_with(&rows, &[]).map_err(|e| TestCaseError::fail(format!("{e}: {e:?}")))?;
        prop_assert_eq!(plan.new_members().count(), rows.len());
        let mut stored = Vec::new();
        insert(plan, &mut stored);
        for m in &stored {
            let json = serde_json::to_string(m).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Member = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&back, m);
        }
        let again = plan_with(&rows, &stored).map_err(|e| TestCaseError::fail(format!("{e}: {e:?}")))?;
        prop_assert!(again.is_unchanged());
        let ids: Vec<_> = stored.iter().map(|m| PlannedRow::Unchanged(m.id)).collect();
        prop_assert_eq!(again.rows(), ids.as_slice());
        // Any order, and any part of the roster.
        let mut rotated = rows.clone();
        rotated.rotate_left(rotate % rows.len());
        prop_assert!(plan_with(&rotated, &stored).map_err(|e| TestCaseError::fail(e.to_string()))?.is_unchanged());
        let tail = rows.get(rotate % rows.len()..).unwrap_or(&[]);
        prop_assert!(plan_with(tail, &stored).map_err(|e| TestCaseError::fail(e.to_string()))?.is_unchanged());
    }
}
