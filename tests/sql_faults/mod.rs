//! Faults every SQL store must survive with a typed error and no partial
//! write: a schema from the future, a hand-edited row, an update of the
//! append-only record, a write killed half way; and exact round trips of
//! times and amounts. Shared by `store_sqlite.rs` and `store_postgres.rs`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use dangjian::record::{Activity, NewRecordEntry};
use dangjian::store::Effects;
use dangjian::store::{Store, StoreErrorKind};
use dangjian::testing::{Trial, async_trial, edited, seed_one_member};
use proptest::strategy::{Strategy, ValueTree};
use rust_decimal::Decimal;
use sqlx::Connection;
use std::sync::Arc;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

async fn open(backend: Backend, url: &str) -> Result<Arc<dyn Store>, dangjian::store::StoreError> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite => Ok(Arc::new(
            dangjian::adapters::SqliteStore::connect(url).await?,
        )),
        #[cfg(feature = "postgres")]
        Backend::Postgres => Ok(Arc::new(dangjian::adapters::PgStore::connect(url).await?)),
        #[allow(unreachable_patterns)]
        _ => panic!("{backend:?} is not compiled in"),
    }
}

/// Runs raw SQL outside the library, as a DBA or an attacker would.
async fn raw(backend: Backend, url: &str, sql: &str) -> Result<(), sqlx::Error> {
    match backend {
        #[cfg(feature = "sqlite")]
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await?;
            sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ())
        }
        #[cfg(feature = "postgres")]
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await?;
            sqlx::raw_sql(sql).execute(&mut c).await.map(|_| ())
        }
        #[allow(unreachable_patterns)]
        _ => panic!("{backend:?} is not compiled in"),
    }
}

/// The fault tests as trials named `<prefix>::faults::<test>`, each on a
/// fresh database from `fresh_url`.
pub fn trials(
    backend: Backend,
    prefix: &str,
    fresh_url: impl Fn() -> String + Send + Sync + Clone + 'static,
) -> Vec<Trial> {
    macro_rules! faults {
        ($($name:ident),*) => {
            vec![$({
                let fresh_url = fresh_url.clone();
                async_trial(format!("{prefix}::faults::{}", stringify!($name)), move || async move {
                    $name(backend, &fresh_url()).await
                })
            }),*]
        };
    }
    faults![
        schema_from_the_future,
        hand_edited_row_is_corrupt,
        placement_reads_the_memberships_alone,
        activity_record_is_append_only_in_the_database,
        write_killed_half_way_leaves_nothing,
        journal_fault_rolls_back_the_whole_write,
        times_and_amounts_round_trip_exactly,
        money_round_trips_through_the_amount_column,
        outbox_rows_that_disagree_are_corrupt,
        disclosure_rows_keep_their_organisation_and_class,
        disclosure_rows_that_disagree_are_corrupt
    ]
}

async fn schema_from_the_future(backend: Backend, url: &str) {
    drop(open(backend, url).await.unwrap());
    let checksum = match backend {
        Backend::Sqlite => "x'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    let sql = format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', TRUE, {checksum}, 0)"
    );
    raw(backend, url, &sql).await.unwrap();
    let err = open(backend, url)
        .await
        .err()
        .expect("a newer schema must be refused");
    assert_eq!(err.kind(), &StoreErrorKind::SchemaMismatch, "{err}");
    assert!(err.to_string().contains("newer"), "{err}");
}

async fn hand_edited_row_is_corrupt(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    let id = m.id().get();
    raw(
        backend,
        url,
        &format!("UPDATE members SET record = '{{\"not\": \"a member\"}}' WHERE id = {id}"),
    )
    .await
    .unwrap();
    let err = store.get_member(m.id()).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert!(
        err.to_string().contains(&format!("members row {id}")),
        "{err}"
    );
}

/// The access checks' placement is read from the memberships alone
/// (no lifecycle replay): a record whose lifecycle no longer decodes still
/// has a placement, while reading the record is `Corrupt`; a record that
/// is not a member document at all has none.
async fn placement_reads_the_memberships_alone(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    let id = m.id().get();
    let before = store.placement(m.id()).await.unwrap();
    assert_eq!(before, Some(m.memberships().placement()));
    let sql = match backend {
        Backend::Sqlite => format!(
            "UPDATE members SET record = json_set(record, '$.lifecycle', 'broken') WHERE id = {id}"
        ),
        Backend::Postgres => format!(
            "UPDATE members SET record = jsonb_set(record::jsonb, '{{lifecycle}}', '\"broken\"')::text WHERE id = {id}"
        ),
    };
    raw(backend, url, &sql).await.unwrap();
    let err = store.get_member(m.id()).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert_eq!(store.placement(m.id()).await.unwrap(), before);
    assert_eq!(
        store
            .placement(dangjian::MemberId::new(id + 100))
            .await
            .unwrap(),
        None
    );
    raw(
        backend,
        url,
        &format!("UPDATE members SET record = '{{\"not\": \"a member\"}}' WHERE id = {id}"),
    )
    .await
    .unwrap();
    let err = store.placement(m.id()).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert!(
        err.to_string().contains(&format!("members row {id}")),
        "{err}"
    );
}

async fn activity_record_is_append_only_in_the_database(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    store
        .append_record(
            entry(
                m.id(),
                Utc.with_ymd_and_hms(2024, 6, 1, 1, 2, 3).unwrap(),
                Decimal::ONE,
            ),
            Effects::none(),
        )
        .await
        .unwrap();
    assert!(
        raw(backend, url, "UPDATE activity_records SET activity = '{}'")
            .await
            .is_err()
    );
    assert!(
        raw(backend, url, "DELETE FROM activity_records")
            .await
            .is_err()
    );
    assert_eq!(store.records_of(m.id()).await.unwrap().len(), 1);
}

async fn write_killed_half_way_leaves_nothing(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    // A fault injected into the second statement of `update_member` (the
    // activity-record insert), after the member row was already updated.
    let inject = match backend {
        Backend::Sqlite => {
            "CREATE TRIGGER fault BEFORE INSERT ON activity_records \
                            BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS \
                              $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$; \
                              CREATE TRIGGER fault BEFORE INSERT ON activity_records \
                              FOR EACH ROW EXECUTE FUNCTION fault();"
        }
    };
    raw(backend, url, inject).await.unwrap();
    let changed = edited(&m, |n| {
        n.occupation = dangjian::member::OccupationCategory::Retiree;
    });
    let e = entry(
        m.id(),
        Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap(),
        Decimal::ONE,
    );
    let err = store
        .update_member(changed, Effects::record(e))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("injected fault"), "{err}");
    assert_eq!(
        store.get_member(m.id()).await.unwrap(),
        Some(m.clone()),
        "the member row was rolled back"
    );
    assert!(store.records_of(m.id()).await.unwrap().is_empty());
}

/// A fault injected into the journal insert, the last statement of an
/// `update_member` whose effects carry a record entry and two journal
/// entries: the member row, the record entry and the journal counter are
/// all rolled back; the journal is append-only in the database.
async fn journal_fault_rolls_back_the_whole_write(backend: Backend, url: &str) {
    use dangjian::store::{NewJournalEntry, Stream};
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    let at = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    let audit = Stream::new("audit").unwrap();
    let note = |body: &str| NewJournalEntry::new(audit.clone(), at, body);
    let (m, _) = store
        .update_member(m, Effects::none().with_journal(note("first")))
        .await
        .unwrap();
    let inject = match backend {
        Backend::Sqlite => {
            "CREATE TRIGGER fault BEFORE INSERT ON journal \
             WHEN NEW.body = 'poison' BEGIN SELECT RAISE(ABORT, 'injected fault'); END;"
        }
        Backend::Postgres => {
            "CREATE FUNCTION fault() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN IF NEW.body = 'poison' THEN RAISE EXCEPTION 'injected fault'; END IF; \
             RETURN NEW; END $$; \
             CREATE TRIGGER fault BEFORE INSERT ON journal \
             FOR EACH ROW EXECUTE FUNCTION fault();"
        }
    };
    raw(backend, url, inject).await.unwrap();
    let changed = edited(&m, |n| {
        n.occupation = dangjian::member::OccupationCategory::Retiree;
    });
    let fx = Effects::record(entry(m.id(), at, Decimal::ONE))
        .with_journal(note("fine"))
        .with_journal(note("poison"));
    let err = store.update_member(changed, fx).await.unwrap_err();
    assert!(err.to_string().contains("injected fault"), "{err}");
    assert_eq!(store.get_member(m.id()).await.unwrap(), Some(m.clone()));
    assert!(store.records_of(m.id()).await.unwrap().is_empty());
    let bodies = |j: Vec<dangjian::store::JournalEntry>| -> Vec<String> {
        j.into_iter().map(|e| e.body).collect()
    };
    assert_eq!(
        bodies(store.journal(&audit, None, 10).await.unwrap()),
        ["first"]
    );
    // The next entry takes the next id: the counter was rolled back too.
    let first = store.journal(&audit, None, 10).await.unwrap()[0].id;
    store
        .update_member(m, Effects::none().with_journal(note("second")))
        .await
        .unwrap();
    let all = store.journal(&audit, None, 10).await.unwrap();
    assert_eq!(all[1].id.get(), first.get() + 1, "gapless ids");
    assert!(
        raw(backend, url, "UPDATE journal SET body = 'x'")
            .await
            .is_err()
    );
    assert!(raw(backend, url, "DELETE FROM journal").await.is_err());
    assert_eq!(store.journal(&audit, None, 10).await.unwrap(), all);
}

fn entry(member: dangjian::MemberId, at: DateTime<Utc>, amount: Decimal) -> NewRecordEntry {
    NewRecordEntry {
        member,
        occurred_on: at.date_naive(),
        activity: Activity::DuesPaid {
            amount,
            month: at.date_naive(),
        },
        recorded_by: None,
        acted_by: None,
        recorded_at: at,
    }
}

/// Property: any microsecond UTC time (year 1 to 9999) and any Decimal
/// round-trip exactly through the database.
async fn times_and_amounts_round_trip_exactly(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    let micros = -62_135_596_800_000_000i64..253_402_300_799_999_999i64;
    let strategy = (micros, proptest::num::i64::ANY, 0u32..=28);
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut written = Vec::new();
    for _ in 0..128 {
        let (us, mantissa, scale) = strategy.new_tree(&mut runner).unwrap().current();
        let at = DateTime::<Utc>::from_timestamp_micros(us).unwrap();
        let amount = Decimal::new(mantissa, scale);
        written.push(
            store
                .append_record(entry(m.id(), at, amount), Effects::none())
                .await
                .unwrap(),
        );
    }
    let read = store.records_of(m.id()).await.unwrap();
    assert_eq!(read, written);
}

/// Property: any amount the domain produces (yuan to the fen, up to the
/// 12 integer digits of NUMERIC(14,2)) round-trips exactly through the
/// ledger's amount column, which every read checks against the entry.
async fn money_round_trips_through_the_amount_column(backend: Backend, url: &str) {
    use dangjian::dues::{LedgerEntryKind, Money, Month, NewLedgerEntry};
    let store = open(backend, url).await.unwrap();
    let m = seed_one_member(&store).await;
    let fen = -99_999_999_999_999i64..=99_999_999_999_999i64;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut batch = Vec::new();
    for k in 0..256i32 {
        let amount =
            Money::try_from_fen(fen.clone().new_tree(&mut runner).unwrap().current()).unwrap();
        let month = Month::new(2000 + k / 12, u32::try_from(k % 12 + 1).unwrap()).unwrap();
        batch.push(NewLedgerEntry {
            branch: m.home(),
            recorded_on: chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            kind: LedgerEntryKind::Assessment {
                member: m.id(),
                month,
                amount,
                rule_version: "dues-2017".into(),
            },
        });
    }
    // The edges too.
    for (k, fen) in [
        (300, 0i64),
        (301, 1),
        (302, -1),
        (303, 99_999_999_999_999),
        (304, -99_999_999_999_999),
    ] {
        let month = Month::new(2000 + k / 12, u32::try_from(k % 12 + 1).unwrap()).unwrap();
        batch.push(NewLedgerEntry {
            branch: m.home(),
            recorded_on: chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap(),
            kind: LedgerEntryKind::Assessment {
                member: m.id(),
                month,
                amount: Money::try_from_fen(fen).unwrap(),
                rule_version: "dues-2017".into(),
            },
        });
    }
    let written = store
        .append_assessments(batch, Effects::none())
        .await
        .unwrap();
    let read = store.dues_entries_of_member(m.id()).await.unwrap();
    assert_eq!(read, written);
}

/// A message row whose columns disagree with its document, or with each
/// other, reads as `Corrupt` naming the row; a claim that meets one claims
/// nothing (its transaction rolls back), and once the row is mended it
/// reads back as it was.
async fn outbox_rows_that_disagree_are_corrupt(backend: Backend, url: &str) {
    use dangjian::notify::{Channel, Enqueue, NewMessage, OutgoingMessage};
    use dangjian::store::document::{self, OutgoingMessageDocument};
    let store = open(backend, url).await.unwrap();
    let now = Utc.with_ymd_and_hms(2024, 6, 3, 9, 0, 0).unwrap();
    let out = OutgoingMessage::new("k1", Channel::Sms, "13800138000", "张三", "【党建】通知");
    let new = NewMessage::new(dangjian::OrgId::new(1), out, now);
    store.enqueue(Enqueue::new(vec![new])).await.unwrap();
    let good = store.message_by_key("k1").await.unwrap().unwrap();
    let id = good.id.get();
    let doc = document::encode(&OutgoingMessageDocument::from_domain(&good.message)).unwrap();
    let mend = format!(
        "UPDATE notify_messages SET idempotency_key = 'k1', channel = 'sms', status = 'pending', \
         lease_owner = NULL, lease_until = NULL, interrupted = FALSE, message = '{doc}' WHERE id = {id}"
    );
    // (edit, whether a claim meets the broken row as it is)
    let edits = [
        ("idempotency_key = 'k2'", true),
        ("channel = 'email'", true),
        ("channel = 'fax'", true),
        ("message = '{\"format\":1}'", true),
        (
            "message = '{\"format\":2,\"idempotency_key\":\"k1\"}'",
            true,
        ),
        ("message = 'not json'", true),
        // A lease without a held status, a held status without a lease: a
        // claim rewrites both, so only the read is refused.
        ("status = 'leased'", false),
        ("lease_owner = 'node-a'", false),
        (
            "status = 'delivered', lease_owner = 'node-a', lease_until = next_at",
            false,
        ),
    ];
    for (edit, claim_fails) in edits {
        let sql = format!("UPDATE notify_messages SET {edit} WHERE id = {id}");
        raw(backend, url, &sql).await.unwrap();
        let err = store.message(good.id).await.unwrap_err();
        assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{edit}: {err}");
        assert!(
            err.to_string()
                .contains(&format!("notify_messages row {id}")),
            "{edit}: {err}"
        );
        if claim_fails {
            let err = store.claim("node-b", now, now, 10).await.unwrap_err();
            assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{edit}: {err}");
        }
        raw(backend, url, &mend).await.unwrap();
        assert_eq!(
            store.message(good.id).await.unwrap().as_ref(),
            Some(&good),
            "{edit}"
        );
    }
    // A status the schema does not know is refused by the database itself.
    let sql = format!("UPDATE notify_messages SET status = 'sent' WHERE id = {id}");
    assert!(raw(backend, url, &sql).await.is_err());
}

/// Three items of organisation `org` in `store`: disclosable (a notice
/// naming member 101), 不宜公开, classified.
async fn three_items(store: &Arc<dyn Store>, org: dangjian::OrgId) -> [dangjian::ItemId; 3] {
    use dangjian::disclosure::{
        Content, ItemKind, NewItem, Plan, Propose, Publicity, Purpose, Reach, Scope, Stamp, Title,
    };
    let on = chrono::NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
    let stamp = Stamp::new(None, Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
    let plan = Plan::new(Scope::OwnOrganisation, [Reach::BranchMeeting], on)
        .unwrap()
        .until(on + chrono::Duration::days(6))
        .unwrap();
    let notice = Publicity::new(Purpose::PreAdmission, [dangjian::MemberId::new(101)]).unwrap();
    let open = Propose::disclosable(
        org,
        ItemKind::ElectionsAdmissionsAppraisal,
        Title::new("发展对象公示").unwrap(),
        Content::new("拟发展对象").unwrap(),
        plan,
    )
    .notice(notice);
    let kept = Propose::not_suitable(
        org,
        ItemKind::Other,
        Title::new("内部").unwrap(),
        Content::new("内部内容").unwrap(),
    );
    let secret = Propose::classified(org, ItemKind::Other, Title::new("X").unwrap());
    let mut ids = Vec::new();
    for req in [open, kept, secret] {
        let new = NewItem::propose(req, stamp.clone(), None).unwrap();
        ids.push(store.insert_item(new, Effects::none()).await.unwrap().id());
    }
    [ids[0], ids[1], ids[2]]
}

/// The schema holds what no code above it may change: an item's
/// organisation, and the class of an item that is not disclosable; and a
/// stage only on a disclosable item.
async fn disclosure_rows_keep_their_organisation_and_class(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let (_, a, b) = dangjian::testing::two_branches(&store).await;
    let [open_id, kept, secret] = three_items(&store, a).await;
    let refused = [
        format!(
            "UPDATE disclosure_items SET org_id = {} WHERE id = {}",
            b.get(),
            open_id.get()
        ),
        format!(
            "UPDATE disclosure_items SET class = 'disclosable', stage = 'proposed' WHERE id = {}",
            secret.get()
        ),
        format!(
            "UPDATE disclosure_items SET class = 'disclosable', stage = 'published' WHERE id = {}",
            kept.get()
        ),
        format!(
            "UPDATE disclosure_items SET class = 'not_suitable' WHERE id = {}",
            secret.get()
        ),
        // A stage on an item that is not disclosable.
        format!(
            "UPDATE disclosure_items SET stage = 'published' WHERE id = {}",
            kept.get()
        ),
        "INSERT INTO disclosure_items (org_id, class, stage, version, record) \
         VALUES (1, 'classified', 'published', 1, '{}')"
            .to_owned(),
        format!(
            "UPDATE disclosure_applications SET org_id = {} WHERE id = 1",
            b.get()
        ),
    ];
    let app = dangjian::disclosure::NewApplication {
        org: a,
        applicant: dangjian::MemberId::new(11),
        about: dangjian::disclosure::Content::new("申请").unwrap(),
        received_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
    };
    store
        .insert_application(app, Effects::none())
        .await
        .unwrap();
    let before = dangjian::testing::dump(&*store, &[]).await.unwrap();
    for sql in &refused {
        assert!(raw(backend, url, sql).await.is_err(), "not refused: {sql}");
    }
    assert_eq!(dangjian::testing::dump(&*store, &[]).await.unwrap(), before);
}

/// A hand-edited column never makes an item readable as something it is
/// not: a 不宜公开 item never shows as published, a notice's subjects rows
/// are checked against the notice.
async fn disclosure_rows_that_disagree_are_corrupt(backend: Backend, url: &str) {
    let store = open(backend, url).await.unwrap();
    let (_, a, _) = dangjian::testing::two_branches(&store).await;
    let [open_id, _, secret] = three_items(&store, a).await;
    // The stage column says published; the document says proposed.
    raw(
        backend,
        url,
        &format!(
            "UPDATE disclosure_items SET stage = 'published' WHERE id = {}",
            open_id.get()
        ),
    )
    .await
    .unwrap();
    let err = store
        .published_items(dangjian::store::PublishedRead::oldest_first(100))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert!(
        err.to_string()
            .contains(&format!("disclosure_items row {}", open_id.get())),
        "{err}"
    );
    let err = store.item(open_id).await.unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    raw(
        backend,
        url,
        &format!(
            "UPDATE disclosure_items SET stage = 'proposed' WHERE id = {}",
            open_id.get()
        ),
    )
    .await
    .unwrap();
    assert!(
        store
            .published_items(dangjian::store::PublishedRead::oldest_first(100))
            .await
            .unwrap()
            .is_empty()
    );
    // A subjects row the notice does not back.
    raw(
        backend,
        url,
        &format!(
            "INSERT INTO disclosure_subjects (item_id, member_id) VALUES ({}, 555)",
            secret.get()
        ),
    )
    .await
    .unwrap();
    let err = store
        .notices_about(dangjian::MemberId::new(555))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), &StoreErrorKind::Corrupt, "{err}");
    assert_eq!(
        store
            .notices_about(dangjian::MemberId::new(101))
            .await
            .unwrap()
            .len(),
        1
    );
}
