//! SQLite store (feature `sqlite`): the embedded default, one file.
//!
//! WAL journal, foreign keys on, a busy timeout, and every write in a
//! `BEGIN IMMEDIATE` transaction so that writers queue instead of failing
//! half way. `secure_delete` is on, and a write that drops an item's
//! content checkpoints and truncates the WAL, so the dropped content stays
//! in neither the file nor the WAL. Money is kept as decimal text (SQLite has no exact decimal
//! type); times as RFC 3339 text in UTC.

use super::sql::{TreeCache, map_err, map_migrate_err};
use crate::store::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// SQLite 存储: every store trait over one SQLite file.
///
/// ```no_run
/// # async fn demo() -> Result<(), dangjian::store::StoreError> {
/// let store = dangjian::adapters::SqliteStore::connect("sqlite://dangjian.db").await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub struct SqliteStore {
    pool: Pool<Sqlite>,
    tree: TreeCache,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`
    /// (`sqlite://path.db`; `?mode=ro` for read-only) and brings its schema
    /// up to date.
    ///
    /// # Errors
    /// `Unavailable` for a bad URL or an unopenable file, `ReadOnly` when a
    /// migration must write to a read-only file, `SchemaMismatch` for a
    /// database whose schema is newer than this library.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(map_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // Freed space is overwritten with zeros, so a document replaced
            // without its content (a review that finds an item classified)
            // leaves no copy in the file's pages.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(map_err)?;
        sqlx::migrate!("migrations/sqlite")
            .run(&pool)
            .await
            .map_err(map_migrate_err)?;
        Ok(Self {
            pool,
            tree: TreeCache::default(),
        })
    }

    /// The connection pool, for an integrator's own queries (reports,
    /// exports) in the same database. This is the one place a sqlx type
    /// appears in the public API, on purpose: an integrator who opens the
    /// store with this feature already depends on sqlx, and wrapping the
    /// pool would only hide what it can do. The library's tables are its
    /// own: write to them only through the store traits.
    pub fn pool(&self) -> &Pool<Sqlite> {
        &self.pool
    }

    /// Closes the pool (and the file).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(map_err)
    }

    /// After a committed write that dropped an item's content (a review
    /// found it classified): copies the WAL into the file and truncates it
    /// (`wal_checkpoint(TRUNCATE)`, which waits for readers up to the busy
    /// timeout), so the old page versions, which hold the content, are
    /// gone from the WAL; `secure_delete` has zeroed the freed space in the
    /// new pages. Best effort: the write is committed already, so a
    /// checkpoint that cannot finish (a reader held a snapshot past the
    /// timeout) is not an error; the content then stays in the WAL until
    /// the next complete checkpoint (at the latest when the last
    /// connection closes). `docs/ADAPTERS.md`, "Dropped content".
    async fn after_content_dropped(&self) {
        let _ = sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await;
    }
}

sql_store!(SqliteStore, Sqlite);
sql_vote_store!(SqliteStore, Sqlite, "");
sql_dues_store!(SqliteStore, Sqlite, String);
sql_dues_batch!(SqliteStore, Sqlite, String, "");
sql_discipline_store!(SqliteStore, Sqlite);
sql_disclosure_store!(SqliteStore, Sqlite);
sql_office_store!(SqliteStore, Sqlite);
sql_outbox_store!(SqliteStore, Sqlite, String, "", "", false);

impl SqliteStore {
    /// The placement of one member: the memberships cut out of the record
    /// by SQLite's JSON functions (`MemberStore::placement`).
    const PLACEMENT_SQL: &'static str = "SELECT home_org_id, json_extract(record, '$.format'), \
         json_extract(record, '$.memberships') FROM members WHERE id = $1";

    /// Money as SQLite keeps it: exact decimal text, yuan.
    fn money_col(m: crate::dues::Money) -> String {
        m.amount().to_string()
    }

    fn money_from_col(text: String) -> Result<crate::dues::Money, StoreError> {
        text.parse::<rust_decimal::Decimal>()
            .ok()
            .and_then(|d| crate::dues::Money::try_new(d).ok())
            .ok_or_else(|| super::sql::corrupt(format!("`{text}` is not an amount in yuan")))
    }
}
