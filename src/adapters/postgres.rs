//! PostgreSQL store (feature `postgres`): county platforms and group
//! companies.
//!
//! Money is `NUMERIC`, times `TIMESTAMPTZ` (UTC, to the microsecond).
//! Organisation writers serialise on the `tree_meta` row lock; member
//! writes compare versions; unique constraints hold one person to one record
//! under any concurrency.

use super::sql::{TreeCache, map_err, map_migrate_err};
use crate::store::StoreError;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres, Transaction};
use std::time::Duration;

/// PostgreSQL 存储: every store trait over a PostgreSQL database.
///
/// ```no_run
/// # async fn demo() -> Result<(), dangjian::store::StoreError> {
/// let store = dangjian::adapters::PgStore::connect("postgres://dangjian:secret@127.0.0.1/dangjian").await?;
/// # Ok(()) }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub struct PgStore {
    pool: Pool<Postgres>,
    tree: TreeCache,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to `url` and brings the schema up to date.
    ///
    /// # Errors
    /// `Unavailable` for an unreachable server or a bad URL, `AccessDenied`
    /// for a wrong password, `SchemaMismatch` for a database whose schema is
    /// newer than this library.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(map_err)?;
        sqlx::migrate!("migrations/postgres")
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
    pub fn pool(&self) -> &Pool<Postgres> {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(map_err)
    }

    /// After a write that dropped an item's content (a review found it
    /// classified): nothing. PostgreSQL keeps the replaced row version until
    /// a vacuum reuses its space, and its write-ahead log keeps it until the
    /// segment is recycled; neither is under the library's control (see
    /// `docs/ADAPTERS.md`, "Dropped content").
    async fn after_content_dropped(&self) {}
}

sql_store!(PgStore, Postgres);
sql_vote_store!(PgStore, Postgres, " FOR UPDATE");
sql_dues_store!(PgStore, Postgres, rust_decimal::Decimal);
sql_dues_batch!(PgStore, Postgres, rust_decimal::Decimal, " FOR UPDATE");
sql_discipline_store!(PgStore, Postgres);
sql_disclosure_store!(PgStore, Postgres);
sql_office_store!(PgStore, Postgres);
sql_outbox_store!(
    PgStore,
    Postgres,
    rust_decimal::Decimal,
    " FOR UPDATE",
    " FOR UPDATE SKIP LOCKED",
    true
);

impl PgStore {
    /// The placement of one member: the memberships cut out of the record
    /// by PostgreSQL's JSON operators (`MemberStore::placement`).
    const PLACEMENT_SQL: &'static str = "SELECT home_org_id, (record::jsonb ->> 'format')::bigint, \
         (record::jsonb -> 'memberships')::text FROM members WHERE id = $1";

    /// Money as PostgreSQL keeps it: `NUMERIC(14,2)`, yuan.
    fn money_col(m: crate::dues::Money) -> rust_decimal::Decimal {
        m.amount()
    }

    fn money_from_col(d: rust_decimal::Decimal) -> Result<crate::dues::Money, StoreError> {
        crate::dues::Money::try_new(d)
            .map_err(|e| super::sql::corrupt(format!("`{d}` is not an amount in yuan: {e}")))
    }
}
