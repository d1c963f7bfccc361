//! The rule book's calendars through the services: the shipped calendar is
//! strict (a notice in working days outside 2020–2026 refuses the
//! admission, naming the cause), and an organisation counts with the
//! calendar of its nearest ancestor-or-self that has one.

mod common;

use common::{d, id_number, world_on};
use dangjian::access::Actor;
use dangjian::lifecycle::{Training, Transition, TransitionError, TransitionRequest};
use dangjian::member::{Entry, Registration};
use dangjian::period::{CalendarError, Calendars, WorkCalendar};
use dangjian::service::RuleBook;
use dangjian::store::{MemoryStore, Store};
use dangjian::{Dangjian, Error, MemberId, OrgId};
use std::sync::Arc;

/// A member of `home` taken to development target in 2018–2019 (steps
/// that count no working days), ready for an admission in October 2019.
async fn target(w: &common::World, dj: &Dangjian, home: OrgId, n: u32) -> MemberId {
    let c = dj.act_as(&w.committee_officer());
    w.clock.set_date(d(2018, 1, 10));
    let reg = Registration::new(
        "王晓明".parse().unwrap(),
        id_number("19900315", n),
        home,
        Entry::Application { on: d(2018, 1, 10) },
    );
    let m = c.members().register(reg).await.unwrap();
    c.members().approve(m.id()).await.unwrap();
    let lifecycle = c.lifecycle();
    let go = |req| lifecycle.transition(Transition::new(m.id(), req));
    go(TransitionRequest::BecomeActivist { on: d(2018, 1, 10) })
        .await
        .unwrap();
    let i1 = w.full_member(home, 100 + n).await;
    let i2 = w.full_member(home, 200 + n).await;
    w.clock.set_date(d(2019, 1, 10));
    go(TransitionRequest::BecomeDevelopmentTarget {
        on: d(2019, 1, 10),
        introducers: [i1.id(), i2.id()],
    })
    .await
    .unwrap();
    m.id()
}

/// Posted Tuesday 2019-10-08: five weekdays end Monday 10-14, before the
/// resolution on 10-16.
fn admit() -> TransitionRequest {
    TransitionRequest::Admit {
        resolution_on: d(2019, 10, 16),
        approved_on: d(2019, 10, 20),
        special_case: false,
        political_review_on: d(2019, 9, 1),
        training: Training {
            days: 0,
            class_hours: 24,
        },
        notice_posted_on: d(2019, 10, 8),
    }
}

#[tokio::test]
async fn the_shipped_calendar_refuses_2019_and_a_subtree_may_count_weekdays() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let w = world_on(store.clone(), d(2018, 1, 10)).await;
    // The default rule book: `Calendars::new(WorkCalendar::china())`.
    assert_eq!(
        RuleBook::national().calendar,
        Calendars::new(WorkCalendar::china())
    );
    let a = target(&w, &w.dj, w.branch_a, 1).await;
    let b = target(&w, &w.dj, w.branch_b, 2).await;
    w.clock.set_date(d(2019, 10, 20));

    let c = w.dj.act_as(&w.committee_officer());
    let before = c.members().get(a).await.unwrap();
    let refused = c
        .lifecycle()
        .transition(Transition::new(a, admit()))
        .await
        .unwrap_err();
    match refused {
        Error::Transition(TransitionError::NoticeUncountable {
            posted_on, cause, ..
        }) => {
            assert_eq!(posted_on, d(2019, 10, 8));
            assert_eq!(
                cause,
                CalendarError::NotCovered {
                    date: d(2019, 10, 8),
                    year: 2019
                }
            );
        }
        other => panic!("expected NoticeUncountable, got {other:?}"),
    }
    assert_eq!(c.members().get(a).await.unwrap(), before);

    // The general branch's subtree counts Monday–Friday explicitly, except
    // branch B, which keeps the strict shipped calendar.
    let mut rules = RuleBook::national();
    rules.calendar = Calendars::new(WorkCalendar::china())
        .with_subtree(w.general, WorkCalendar::weekdays_only())
        .with_subtree(w.branch_b, WorkCalendar::china());
    let dj = Dangjian::builder()
        .store(store)
        .clock(w.clock.clone())
        .rules(rules)
        .build();
    let officer = Actor::committee_officer(MemberId::new(900), w.committee);
    let m = dj
        .act_as(&officer)
        .lifecycle()
        .transition(Transition::new(a, admit()))
        .await
        .unwrap();
    assert_eq!(
        m.lifecycle().stage(),
        dangjian::lifecycle::Stage::Probationary
    );
    let refused = dj
        .act_as(&officer)
        .lifecycle()
        .transition(Transition::new(b, admit()))
        .await;
    assert!(matches!(
        refused,
        Err(Error::Transition(TransitionError::NoticeUncountable {
            cause: CalendarError::NotCovered { year: 2019, .. },
            ..
        }))
    ));
}
