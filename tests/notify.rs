//! Notifications through the services (NOTE-6 … NOTE-9): events of a
//! write fanned out once, the dispatcher's leases, retries, dead letters,
//! unknown outcomes and their reconciliation, the deadline scan's
//! idempotency, and broadcasts on a budget. Against the in-memory store;
//! the SQL stores meet the same contract in the conformance suite.

mod common;
mod notify_support;

use chrono::{Duration, NaiveTime};
use common::{d, nth_id_number};
use dangjian::access::Actor;
use dangjian::clock::Clock;
use dangjian::lifecycle::ImportedStage;
use dangjian::member::{Entry, Registration};
use dangjian::notify::{
    Broadcast, Category, Channel, ChannelStatus, DeliverOptions, MessageFilter, NotifyError,
    OrgSettings, QuietHours, Resolution, Selection, SendError, Status,
};
use dangjian::service::PageRequest;
use dangjian::store::MemoryStore;
use dangjian::{Error, ErrorKind};
use notify_support::{Setup, budget, close_vote, setup_on};
use std::sync::Arc;

async fn setup(n: u32, settings: OrgSettings) -> Setup {
    setup_on(Arc::new(MemoryStore::new()), n, settings).await
}

#[tokio::test]
async fn a_closed_vote_reaches_the_officers_once_whatever_the_dispatchers_do() {
    let s = setup(5, budget("1.00")).await;
    close_vote(&s).await;
    let sec = s.dj.act_as(&s.w.secretary_a());
    let v =
        s.dj.store()
            .journal(
                &dangjian::store::Stream::new("notify.events").unwrap(),
                None,
                10,
            )
            .await
            .unwrap();
    // Opening and closing each committed their event with the write; the
    // opening's vote id was filled in by the store.
    assert_eq!(v.len(), 2);
    let opened = dangjian::notify::Event::from_journal(&v[0].body).unwrap();
    let closed = dangjian::notify::Event::from_journal(&v[1].body).unwrap();
    let dangjian::notify::Event::VoteClosed { vote, .. } = closed else {
        panic!("{closed:?}")
    };
    assert_eq!(
        opened,
        dangjian::notify::Event::VoteOpened {
            vote,
            org: s.w.branch_a
        }
    );
    // Closing again raises nothing new.
    sec.votes().close(vote).await.unwrap();
    let first = s.deliver("node-a").await;
    // Opened: the four reachable members (member 4 has no channel);
    // closed: the secretary.
    assert_eq!((first.events, first.enqueued, first.delivered), (2, 5, 5));
    let again = s.deliver("node-b").await;
    assert_eq!((again.events, again.claimed), (0, 0));
    let sent = s.email.sent();
    let closed: Vec<_> = sent
        .iter()
        .filter(|k| k.starts_with("vote_closed/"))
        .collect();
    assert_eq!(closed.len(), 1, "{sent:?}");
    assert!(closed[0].contains(&s.members[0].to_string()));
    assert_eq!(s.sms.sent().len(), 1);
    let stored = s.all().await;
    assert!(stored.iter().all(|m| m.status == Status::Delivered));
    let to_secretary = stored
        .iter()
        .find(|m| m.message.idempotency_key.starts_with("vote_closed/"))
        .unwrap();
    assert_eq!(to_secretary.message.to, "m0@example.com");
    let body = &to_secretary.message.body;
    assert!(
        body.contains("李四") && body.contains("第一党支部"),
        "{body}"
    );
}

#[tokio::test]
async fn an_application_reaches_the_branch_secretary_with_the_new_id() {
    let s = setup(2, budget("1.00")).await;
    let sec = s.dj.act_as(&s.w.secretary_a());
    let reg = Registration::new(
        "钱七".parse().unwrap(),
        nth_id_number(800),
        s.w.branch_a,
        Entry::Application { on: d(2024, 6, 1) },
    );
    let m = sec.members().register(reg).await.unwrap();
    s.deliver("n").await;
    let stored = s.all().await;
    assert_eq!(stored.len(), 1);
    let key = &stored[0].message.idempotency_key;
    assert!(
        key.starts_with(&format!("application_received/{}/2024-06-01/", m.id())),
        "{key}"
    );
    assert_eq!(stored[0].message.to, "m0@example.com");
    assert!(
        stored[0].message.body.contains("钱七"),
        "{}",
        stored[0].message.body
    );
}

#[tokio::test]
async fn two_dispatchers_at_once_send_every_message_once() {
    let s = Arc::new(setup(40, budget("100.00")).await);
    let officer = s.dj.act_as(&s.w.committee_officer());
    let b = Broadcast::new(
        s.w.committee,
        "july-dues",
        Selection::Subtree(s.w.committee),
        "请于7月10日前交纳党费。",
    );
    let plan = officer.notify().broadcast(b).await.unwrap();
    assert_eq!(plan.recipients(), 39);
    let run = |owner: &'static str| {
        let s = s.clone();
        tokio::spawn(async move {
            let job = s.job();
            let opts = DeliverOptions::new(owner).batch(3);
            loop {
                let r = job
                    .notify()
                    .deliver_due(&s.notifiers(), &opts)
                    .await
                    .unwrap();
                if r.claimed == 0 {
                    break;
                }
            }
        })
    };
    let (a, b) = (run("node-a"), run("node-b"));
    a.await.unwrap();
    b.await.unwrap();
    let mut sent = s.email.sent();
    sent.extend(s.sms.sent());
    let n = sent.len();
    sent.sort();
    sent.dedup();
    assert_eq!(
        (n, sent.len()),
        (39, 39),
        "a message went twice or not at all"
    );
    assert!(s.all().await.iter().all(|m| m.status == Status::Delivered));
}

#[tokio::test]
async fn retryable_waits_permanent_dead_letters_and_a_person_retries() {
    let s = setup(3, budget("1.00")).await;
    let officer = s.dj.act_as(&s.w.committee_officer());
    s.send_to("t1", s.members[1..3].to_vec()).await;
    s.email.fail_next(SendError::Retryable {
        channel: Channel::Email,
        reason: "421 busy".into(),
        retry_after: Some(Duration::seconds(120)),
    });
    s.email.fail_next(SendError::Permanent {
        channel: Channel::Email,
        reason: "550 no such user".into(),
    });
    let r = s.deliver("n").await;
    assert_eq!((r.retried, r.dead_lettered, r.delivered), (1, 1, 0));
    // Not due again before the server's delay.
    s.w.clock.set(s.w.clock.now() + Duration::seconds(119));
    assert_eq!(s.deliver("n").await.claimed, 0);
    s.w.clock.set(s.w.clock.now() + Duration::seconds(1));
    assert_eq!(s.deliver("n").await.delivered, 1);
    let dead = officer
        .notify()
        .messages(
            MessageFilter::status(Status::DeadLetter),
            PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(dead.items.len(), 1);
    assert!(dead.items[0].last_error.as_deref().unwrap().contains("550"));
    // A branch outside the message's organisation cannot see or retry it.
    let foreign = s.dj.act_as(&s.w.elsewhere_officer());
    let err = foreign.notify().retry(dead.items[0].id).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    officer.notify().retry(dead.items[0].id).await.unwrap();
    assert_eq!(s.deliver("n").await.delivered, 1);
    // A delivered message is never sent again.
    let again = officer.notify().retry(dead.items[0].id).await.unwrap_err();
    assert!(matches!(
        again,
        Error::Notify(NotifyError::NotResolvable(_))
    ));
    assert_eq!(s.email.sent().len(), 2, "the two refusals sent nothing");
}

#[tokio::test]
async fn a_timeout_on_smtp_is_unknown_never_resent_and_reconciled_from_status() {
    let s = setup(2, budget("1.00")).await;
    s.send_to("t2", vec![s.members[1]]).await;
    s.email.fail_next(SendError::Unknown {
        channel: Channel::Email,
        reason: "timeout after DATA".into(),
    });
    assert_eq!(s.deliver("n").await.unknown, 1);
    s.w.clock.set(s.w.clock.now() + Duration::days(3));
    let r = s.deliver("n").await;
    assert_eq!((r.claimed, r.reconciled), (0, 0));
    assert_eq!(s.email.sent().len(), 1, "an unknown message is not re-sent");
    let key = s.all().await[0].message.idempotency_key.clone();
    let at = s.w.clock.now();
    s.email
        .status
        .lock()
        .unwrap()
        .insert(key, ChannelStatus::Delivered { at });
    assert_eq!(s.deliver("n").await.reconciled, 1);
    assert_eq!(s.all().await[0].status, Status::Delivered);
}

#[tokio::test]
async fn an_expired_lease_is_resent_only_where_the_channel_deduplicates() {
    let s = setup(3, budget("1.00")).await;
    let officer = s.dj.act_as(&s.w.committee_officer());
    s.send_to("t3", s.members[1..3].to_vec()).await;
    // A dispatcher claims both and dies while sending the first.
    let store = s.dj.store();
    let now = s.w.clock.now();
    let held = store
        .claim("dead-node", now, now + Duration::minutes(5), 10)
        .await
        .unwrap();
    assert!(store.start_sending(held[0].id, "dead-node").await.unwrap());
    // Before the lease ends nobody takes them.
    assert_eq!(s.deliver("live").await.claimed, 0);
    s.w.clock.set(now + Duration::minutes(5));
    let r = s.deliver("live").await;
    // E-mail cannot deduplicate: the one that was sending is unknown, the
    // one never started is sent.
    assert_eq!((r.claimed, r.unknown, r.delivered), (2, 1, 1));
    assert_eq!(s.email.sent().len(), 1);
    let unknown: Vec<_> = s
        .all()
        .await
        .into_iter()
        .filter(|m| m.status == Status::Unknown)
        .collect();
    assert_eq!(unknown[0].id, held[0].id);
    // A person who checked the mailbox says it did not go: sent again.
    officer
        .notify()
        .resolve(
            held[0].id,
            Resolution::Retry {
                at: s.w.clock.now(),
            },
        )
        .await
        .unwrap();
    assert_eq!(s.deliver("live").await.delivered, 1);
}

#[tokio::test]
async fn broadcasts_list_the_unreachable_price_sms_and_keep_to_the_budget() {
    let s = setup(6, budget("0.10")).await;
    let officer = s.dj.act_as(&s.w.committee_officer());
    let text = "请各位党员于本周五前完成学习强国专题学习并提交心得体会。";
    let b = Broadcast::new(
        s.w.committee,
        "study-1",
        Selection::Category {
            root: s.w.committee,
            category: Category::Ordinary,
        },
        text,
    );
    let plan = officer.notify().dry_run(&b).await.unwrap();
    // Six members, the secretary not ordinary; member 4 has no channel.
    assert_eq!(plan.selected, 5);
    assert_eq!(plan.unreachable, vec![s.members[4]]);
    assert_eq!(
        plan.per_channel,
        vec![(Channel::Email, 3), (Channel::Sms, 1)]
    );
    assert_eq!(plan.sms_parts, 1);
    assert_eq!(plan.cost.to_string(), "0.05"); // 0.045 rounded half-up
    assert!(s.all().await.is_empty(), "a dry run enqueues nothing");
    officer.notify().broadcast(b.clone()).await.unwrap();
    assert_eq!(s.all().await.len(), 4);
    // The same key again: nothing new, nothing charged twice... but the
    // budget is checked first: 0.05 left, 0.05 asked.
    officer.notify().broadcast(b).await.unwrap();
    assert_eq!(s.all().await.len(), 4);
    assert_eq!(
        s.dj.store()
            .spent(s.w.committee, 2024)
            .await
            .unwrap()
            .to_string(),
        "0.10"
    );
    // Over budget: refused, nothing stored or charged.
    let over = Broadcast::new(
        s.w.committee,
        "study-2",
        Selection::List(vec![s.members[3]]),
        text,
    );
    let err = officer.notify().broadcast(over).await.unwrap_err();
    assert!(
        matches!(err, Error::Notify(NotifyError::OverBudget { .. })),
        "{err}"
    );
    assert_eq!(s.all().await.len(), 4);
    assert_eq!(
        s.dj.store()
            .spent(s.w.committee, 2024)
            .await
            .unwrap()
            .to_string(),
        "0.10"
    );
}

#[tokio::test]
async fn a_broadcast_stays_within_the_actors_reach() {
    // Member 3 is reached by SMS, which takes at most 500 characters.
    let s = setup(4, budget("1.00")).await;
    let branch_b = s.dj.act_as(&s.w.secretary_b());
    let into_a = Broadcast::new(
        s.w.branch_b,
        "x",
        Selection::List(vec![s.members[1]]),
        "通知",
    );
    let err = branch_b.notify().broadcast(into_a).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let above = Broadcast::new(s.w.branch_b, "x", Selection::Subtree(s.w.committee), "通知");
    assert_eq!(
        branch_b.notify().broadcast(above).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let from_a = Broadcast::new(s.w.branch_a, "x", Selection::Subtree(s.w.branch_a), "通知");
    assert_eq!(
        branch_b
            .notify()
            .broadcast(from_a)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    let member = s.dj.act_as(&Actor::member(s.members[1]));
    let own = Broadcast::new(s.w.branch_a, "x", Selection::Subtree(s.w.branch_a), "通知");
    // A member's scope is themselves: the branch is outside it.
    assert_eq!(
        member.notify().broadcast(own).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    let huge = Broadcast::new(
        s.w.branch_a,
        "x",
        Selection::Subtree(s.w.branch_a),
        "字".repeat(700),
    );
    let sec = s.dj.act_as(&s.w.secretary_a());
    let err = sec.notify().broadcast(huge).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    let bad_key = Broadcast::new(s.w.branch_a, "键", Selection::Subtree(s.w.branch_a), "通知");
    assert!(matches!(
        sec.notify().broadcast(bad_key).await.unwrap_err(),
        Error::Notify(NotifyError::BadKey { .. })
    ));
    assert!(s.all().await.is_empty());
    // Nobody but a job runs the dispatcher.
    let err = sec
        .notify()
        .deliver_due(&s.notifiers(), &DeliverOptions::new("n"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
}

#[tokio::test]
async fn quiet_hours_hold_what_is_not_urgent() {
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let s = setup(2, budget("1.00").quiet(QuietHours::new(t(22), t(7)))).await;
    // 23:00 in Beijing.
    s.w.clock.set(s.w.clock.now() + Duration::hours(11));
    let officer = s.dj.act_as(&s.w.committee_officer());
    let b = Broadcast::new(
        s.w.committee,
        "q",
        Selection::List(vec![s.members[1]]),
        "通知",
    );
    officer.notify().broadcast(b.clone()).await.unwrap();
    let urgent = Broadcast::new(
        s.w.committee,
        "q-urgent",
        Selection::List(vec![s.members[1]]),
        "紧急通知",
    )
    .urgent();
    officer.notify().broadcast(urgent).await.unwrap();
    assert_eq!(s.deliver("n").await.delivered, 1);
    s.w.clock.set(s.w.clock.now() + Duration::hours(8));
    assert_eq!(s.deliver("n").await.delivered, 1);
}

#[tokio::test]
async fn the_deadline_scan_raises_each_reminder_once() {
    // Three full members: branch A raises no structure finding.
    let s = setup(3, budget("1.00")).await;
    let officer = s.dj.act_as(&s.w.committee_officer());
    let reg = Registration::new(
        "王五".parse().unwrap(),
        nth_id_number(500),
        s.w.branch_a,
        Entry::Import(ImportedStage::Probationary {
            resolution_on: d(2023, 6, 10),
            probation_end: None,
            extended: false,
        }),
    );
    let p = officer.members().register(reg).await.unwrap();
    officer.members().approve(p.id()).await.unwrap();
    let job = s.job();
    // 15 days before the end of probation (2024-06-10): not yet.
    assert_eq!(
        job.notify()
            .scan_due(d(2024, 5, 26))
            .await
            .unwrap()
            .enqueued,
        0
    );
    // 7 days before: within the 14-day look-ahead.
    assert_eq!(
        job.notify().scan_due(d(2024, 6, 3)).await.unwrap().enqueued,
        1
    );
    assert_eq!(
        job.notify().scan_due(d(2024, 6, 3)).await.unwrap().enqueued,
        0
    );
    assert_eq!(
        job.notify().scan_due(d(2024, 6, 4)).await.unwrap().enqueued,
        0
    );
    s.deliver("n").await;
    let sent = s.email.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].starts_with("deadline_near/"), "{sent:?}");
    // Pruning keeps what is not yet past the retention.
    assert_eq!(job.notify().prune().await.unwrap(), 0);
    s.w.clock.set(s.w.clock.now() + Duration::days(181));
    assert_eq!(job.notify().prune().await.unwrap(), 1);
}

#[tokio::test]
async fn tags_select_and_preferences_choose_the_channel() {
    let s = setup(5, budget("1.00")).await;
    let officer = s.dj.act_as(&s.w.committee_officer());
    let tag = dangjian::member::Tag::new(s.w.general, "党员志愿者").unwrap();
    let give = dangjian::notify::TagMembers::new(tag.clone(), vec![s.members[1], s.members[3]]);
    assert_eq!(officer.notify().tag(give.clone()).await.unwrap(), 2);
    assert_eq!(
        officer.notify().tag(give).await.unwrap(),
        0,
        "a repeat changes nothing"
    );
    // Branch B's secretary cannot tag into branch A, nor by another
    // organisation's tag.
    let b = s.dj.act_as(&s.w.secretary_b());
    let foreign = dangjian::notify::TagMembers::new(
        dangjian::member::Tag::new(s.w.branch_b, "x").unwrap(),
        vec![s.members[1]],
    );
    assert_eq!(
        b.notify().tag(foreign).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // Member 1 prefers SMS but has no mobile: e-mail it stays. Member 3
    // is reached by SMS.
    let me = s.dj.act_as(&Actor::member(s.members[1]));
    me.notify()
        .set_channels(dangjian::notify::SetChannels::new(
            s.members[1],
            vec![Channel::Sms],
        ))
        .await
        .unwrap();
    let other = me
        .notify()
        .set_channels(dangjian::notify::SetChannels::new(
            s.members[2],
            vec![Channel::Sms],
        ))
        .await
        .unwrap_err();
    assert_eq!(other.kind(), ErrorKind::NotFound);
    let by_tag = Broadcast::new(
        s.w.general,
        "volunteers",
        Selection::Tag(tag),
        "周六志愿服务",
    );
    let plan = officer.notify().dry_run(&by_tag).await.unwrap();
    assert_eq!(plan.selected, 2);
    assert_eq!(
        plan.per_channel,
        vec![(Channel::Email, 1), (Channel::Sms, 1)]
    );
    // Member 2 prefers SMS and gets a mobile later: the preference wins.
    let c = dangjian::member::Contact {
        email: Some("x@example.com".parse().unwrap()),
        mobile: Some("13900139000".parse().unwrap()),
        ..Default::default()
    };
    let mut reg = dangjian::member::Registration::new(
        "赵六".parse().unwrap(),
        nth_id_number(700),
        s.w.branch_a,
        Entry::Import(ImportedStage::Full {
            joined_on: d(2000, 7, 1),
            full_since: d(2001, 7, 1),
        }),
    );
    reg.contact = c;
    let m = officer.members().register(reg).await.unwrap();
    let m = officer.members().approve(m.id()).await.unwrap();
    let pref = officer
        .notify()
        .set_channels(dangjian::notify::SetChannels::new(
            m.id(),
            vec![Channel::Sms, Channel::Email],
        ))
        .await
        .unwrap();
    assert_eq!(pref.contact().channels, vec![Channel::Sms, Channel::Email]);
    let one = Broadcast::new(s.w.committee, "one", Selection::List(vec![m.id()]), "通知");
    let plan = officer.notify().dry_run(&one).await.unwrap();
    assert_eq!(plan.per_channel, vec![(Channel::Sms, 1)]);
}

#[tokio::test]
async fn a_structure_finding_is_raised_once_a_month_while_it_stands() {
    // Two full members: branch A is below the three a branch needs.
    let s = setup(2, budget("1.00")).await;
    let job = s.job();
    assert_eq!(
        job.notify().scan_due(d(2024, 6, 3)).await.unwrap().enqueued,
        1
    );
    assert_eq!(
        job.notify()
            .scan_due(d(2024, 6, 20))
            .await
            .unwrap()
            .enqueued,
        0
    );
    assert_eq!(
        job.notify().scan_due(d(2024, 7, 1)).await.unwrap().enqueued,
        1
    );
    s.deliver("n").await;
    let sent = s.email.sent();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter().all(|k| k.starts_with("structure_finding/")),
        "{sent:?}"
    );
    let body = &s.all().await[0].message.body;
    assert!(
        body.contains("第一党支部") && body.contains("正式党员2名"),
        "{body}"
    );
}

#[tokio::test]
async fn an_assessment_tells_the_branch_and_the_scan_finds_arrears() {
    use dangjian::dues::{AssessMonth, DeclareIncome, Income, Money};
    let s = setup(3, budget("1.00")).await;
    let treasurer = s.dj.act_as(&Actor::branch_treasurer(
        dangjian::MemberId::new(904),
        s.w.branch_a,
    ));
    let wage = Income::Wage {
        monthly_wage: "5000.00".parse().unwrap(),
        income_tax: Money::ZERO,
        social_insurance: Money::ZERO,
        housing_fund: Money::ZERO,
        annuity: Money::ZERO,
        irregular: Money::ZERO,
    };
    for m in &s.members {
        treasurer
            .dues()
            .declare_income(DeclareIncome::new(*m, "2024-05".parse().unwrap(), wage))
            .await
            .unwrap();
    }
    let month = "2024-05".parse().unwrap();
    treasurer
        .dues()
        .assess_month(AssessMonth::new(s.w.branch_a, month))
        .await
        .unwrap();
    // Assessing again adds nothing, and raises nothing.
    treasurer
        .dues()
        .assess_month(AssessMonth::new(s.w.branch_a, month))
        .await
        .unwrap();
    let r = s.deliver("n").await;
    assert_eq!((r.events, r.delivered), (1, 3), "{r:?}");
    assert!(
        s.email
            .sent()
            .iter()
            .all(|k| k.starts_with("dues_assessed/"))
    );
    // In June nobody has paid May: each member is reminded, once.
    let job = s.job();
    assert_eq!(
        job.notify().scan_due(d(2024, 6, 3)).await.unwrap().enqueued,
        3
    );
    assert_eq!(
        job.notify().scan_due(d(2024, 6, 4)).await.unwrap().enqueued,
        0
    );
    s.deliver("n").await;
    let arrears: Vec<_> = s
        .all()
        .await
        .into_iter()
        .filter(|m| m.message.idempotency_key.starts_with("dues_in_arrears/"))
        .collect();
    assert_eq!(arrears.len(), 3);
    assert!(
        arrears[0].message.body.contains("2024年5月"),
        "{}",
        arrears[0].message.body
    );
}

#[tokio::test]
async fn a_dual_managing_organisation_reaches_the_members_it_manages() {
    use dangjian::member::{ChangeMembership, MembershipKind, MembershipRequest};
    let s = setup(3, budget("1.00")).await;
    // Member 1 of branch A is co-managed by the "elsewhere" branch.
    let join = MembershipRequest::Join {
        org: s.w.elsewhere,
        kind: MembershipKind::DualManagement,
        on: d(2024, 6, 3),
    };
    s.dj.act_as(&s.w.secretary_a())
        .members()
        .change_membership(ChangeMembership::new(s.members[1], join))
        .await
        .unwrap();
    let there = s.dj.act_as(&s.w.elsewhere_officer());
    let dual = Broadcast::new(
        s.w.elsewhere,
        "dual",
        Selection::Category {
            root: s.w.elsewhere,
            category: Category::DualManaged,
        },
        "双重管理党员请参加本月组织生活。",
    );
    let plan = there.notify().dry_run(&dual).await.unwrap();
    assert_eq!(plan.selected, 1);
    assert_eq!(plan.per_channel, vec![(Channel::Email, 1)]);
    // By list too, but not branch A's other members.
    let listed = Broadcast::new(
        s.w.elsewhere,
        "l",
        Selection::List(vec![s.members[1]]),
        "通知",
    );
    assert_eq!(there.notify().dry_run(&listed).await.unwrap().selected, 1);
    let other = Broadcast::new(
        s.w.elsewhere,
        "o",
        Selection::List(vec![s.members[2]]),
        "通知",
    );
    let err = there.notify().dry_run(&other).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}
