//! The batch: duplicates, introducers from the batch or the store,
//! idempotence and conflicts.

use super::*;

#[test]
fn duplicate_identity_and_employee_numbers_name_both_rows() {
    let a = row(1, OLD, full(d(2015, 7, 1), d(2016, 7, 1)));
    let b = row(2, OLD, full(d(2015, 7, 1), d(2016, 7, 1)));
    assert_eq!(
        refused(&[a.clone(), b.clone(), a.clone()]),
        (2, ImportErrorKind::DuplicateIdNumber { first_row: 0 })
    );
    let e = plan(&[a.clone(), b.clone(), a.clone()]).unwrap_err();
    assert_eq!(e.to_string(), "row 2: the identity number is also on row 0");
    let no = |r: RosterRow| r.employee_no("E001".parse().unwrap());
    assert_eq!(
        refused(&[no(a), no(b)]),
        (1, ImportErrorKind::DuplicateEmployeeNo { first_row: 0 })
    );
}

#[test]
fn an_introducer_in_the_batch_full_on_the_date_is_accepted() {
    let senior = row(1, OLD, full(d(1980, 1, 1), d(1981, 1, 1)));
    let other = row(2, OLD, full(d(1985, 1, 1), d(1986, 1, 1)));
    let listed = row(3, d(1995, 1, 1), target(d(2023, 9, 1)))
        .introduced_by(senior.id_number().clone(), other.id_number().clone());
    // The introduced row may come first: references are by identity number.
    let plan = plan(&[listed, senior.clone(), other]).unwrap();
    let [PlannedRow::New(m), ..] = plan.rows() else {
        panic!("new rows expected");
    };
    assert_eq!(
        m.lifecycle.introducers().map(|[a, _]| a.clone()),
        Some(Introducer::ByIdNumber(senior.id_number().clone()))
    );
    assert_eq!(plan.new_members().count(), 3);
}

#[test]
fn an_introducer_in_the_batch_only_probationary_is_refused() {
    let probationary = row(
        1,
        OLD,
        ImportedStage::Probationary {
            resolution_on: d(2023, 1, 10),
            probation_end: None,
            extended: false,
        },
    );
    let senior = row(2, OLD, full(d(1980, 1, 1), d(1981, 1, 1)));
    let listed = row(3, d(1995, 1, 1), target(d(2023, 9, 1)))
        .introduced_by(senior.id_number().clone(), probationary.id_number().clone());
    assert_eq!(
        refused(&[senior.clone(), probationary, listed.clone()]),
        (
            2,
            ImportErrorKind::IntroducerNotFull {
                introducer_row: 1,
                stage: Some(crate::lifecycle::Stage::Probationary),
                on: d(2023, 9, 1),
            }
        )
    );
    // A full member only since after the listing date is not full on it.
    let late = row(4, OLD, full(d(2023, 1, 10), d(2024, 1, 10)));
    let listed = listed.introduced_by(senior.id_number().clone(), late.id_number().clone());
    assert!(matches!(
        refused(&[senior, late, listed]),
        (
            2,
            ImportErrorKind::IntroducerNotFull {
                introducer_row: 1,
                stage: None,
                ..
            }
        )
    ));
}

#[test]
fn an_external_named_introducer_is_accepted() {
    let li: crate::member::PersonName = "李四".parse().unwrap();
    let senior = row(1, OLD, full(d(1980, 1, 1), d(1981, 1, 1)));
    let member = row(2, d(1990, 1, 1), full(d(2018, 10, 16), d(2019, 10, 16)))
        .target_since(d(2018, 8, 9))
        .introduced_by(li.clone(), senior.id_number().clone());
    let plan = plan(&[senior, member]).unwrap();
    let Some(PlannedRow::New(m)) = plan.rows().get(1) else {
        panic!("a new row expected");
    };
    assert_eq!(
        m.lifecycle.introducers().map(|[a, _]| a.clone()),
        Some(Introducer::External(li))
    );
}

#[test]
fn introducers_stored_unknown_or_the_row_itself() {
    let senior = row(1, OLD, full(d(1980, 1, 1), d(1981, 1, 1)));
    let probationary = row(
        2,
        OLD,
        ImportedStage::Probationary {
            resolution_on: d(2023, 1, 10),
            probation_end: None,
            extended: false,
        },
    );
    let mut stored = Vec::new();
    insert(
        plan(&[senior.clone(), probationary.clone()]).unwrap(),
        &mut stored,
    );
    let senior_id = stored[0].id;
    // A stored introducer is linked by id and checked on its record.
    let listed = row(3, d(1995, 1, 1), target(d(2023, 9, 1)));
    let ok = listed.clone().introduced_by(
        senior.id_number().clone(),
        "李四".parse::<crate::member::PersonName>().unwrap(),
    );
    let p = plan_with(&[ok], &stored).unwrap();
    let Some((0, m)) = p.new_members().next() else {
        panic!("a new row expected");
    };
    assert_eq!(
        m.lifecycle.introducers().map(|[a, _]| a.clone()),
        Some(Introducer::Member(senior_id))
    );
    let bad = listed
        .clone()
        .introduced_by(senior.id_number().clone(), probationary.id_number().clone());
    assert!(matches!(
        plan_with(&[bad], &stored).unwrap_err().error,
        ImportErrorKind::Transition(TransitionError::IntroducerNotFull { .. })
    ));
    // Neither in the batch nor stored; the message masks the number.
    let stranger = id(d(1970, 1, 1), 9);
    let unknown = listed
        .clone()
        .introduced_by(senior.id_number().clone(), stranger.clone());
    let e = plan(&[senior.clone(), unknown]).unwrap_err();
    assert_eq!(e.row, 1);
    assert_eq!(
        e.error,
        ImportErrorKind::UnknownIntroducer {
            introducer: stranger.clone()
        }
    );
    assert!(!e.to_string().contains(stranger.as_str()), "{e}");
    // A bare member id cannot be checked by the planner: unknown.
    let by_id = listed.clone().introduced_by(
        senior_id,
        "李四".parse::<crate::member::PersonName>().unwrap(),
    );
    assert!(matches!(
        plan_with(&[by_id], &stored).unwrap_err().error,
        ImportErrorKind::Transition(TransitionError::UnknownIntroducer { .. })
    ));
    let own = listed
        .clone()
        .introduced_by(senior.id_number().clone(), listed.id_number().clone());
    assert_eq!(refused(&[senior, own]), (1, ImportErrorKind::OwnIntroducer));
}

#[test]
fn replanning_the_stored_result_gives_all_unchanged() {
    let senior = row(1, OLD, full(d(1980, 1, 1), d(1981, 1, 1))).online(ONLINE, d(2010, 1, 1));
    let other = row(2, OLD, full(d(1985, 1, 1), d(1986, 1, 1)))
        .mobile("13800138000".parse().unwrap())
        .occupation(OccupationCategory::Retiree);
    let listed = row(3, d(1995, 1, 1), target(d(2023, 9, 1)))
        .activist_since(d(2022, 3, 1))
        .introduced_by(senior.id_number().clone(), other.id_number().clone());
    let rows = [senior, other, listed.clone()];
    let mut stored = Vec::new();
    insert(plan(&rows).unwrap(), &mut stored);
    let again = plan_with(&rows, &stored).unwrap();
    assert!(again.is_unchanged());
    let ids: Vec<_> = stored.iter().map(|m| PlannedRow::Unchanged(m.id)).collect();
    assert_eq!(again.rows(), ids.as_slice());
    // The introduced row alone: its introducers are now stored members.
    assert!(plan_with(&[listed], &stored).unwrap().is_unchanged());
    assert!(plan_with(&[], &stored).unwrap().is_unchanged());
}

#[test]
fn a_stored_record_that_differs_is_a_conflict() {
    let r = row(1, OLD, full(d(2015, 7, 1), d(2016, 7, 1)));
    let mut stored = Vec::new();
    insert(plan(std::slice::from_ref(&r)).unwrap(), &mut stored);
    let moved = r
        .clone()
        .online(ONLINE, d(2021, 1, 1))
        .occupation(OccupationCategory::Retiree);
    assert_eq!(
        plan_with(&[moved], &stored).unwrap_err(),
        ImportError {
            row: 0,
            error: ImportErrorKind::Conflict {
                member: stored[0].id,
                fields: vec!["occupation", "memberships"],
            }
        }
    );
    // A stored record that went on (here: transferred out) is not
    // overwritten.
    let mut later = stored.clone();
    let (rules, calendar) = (national_rules(), WorkCalendar::china());
    let ctx = ctx_for(OLD, &rules, &calendar);
    let exit = crate::lifecycle::TransitionRequest::Exit {
        on: d(2024, 1, 1),
        reason: crate::lifecycle::ExitReason::TransferredOut,
    };
    later[0].lifecycle = later[0].lifecycle.apply(&exit, &ctx).unwrap();
    assert!(matches!(
        plan_with(&[r], &later).unwrap_err().error,
        ImportErrorKind::Conflict { ref fields, .. } if fields == &["lifecycle"]
    ));
}
