//! 适配器 (adapters): implementations of the store traits for real
//! databases, each behind its own feature.
//!
//! | feature | store | URL |
//! |---|---|---|
//! | (none) | [`store::MemoryStore`](crate::store::MemoryStore) | `memory:` |
//! | `sqlite` | [`SqliteStore`] | `sqlite://path/to/file.db` |
//! | `postgres` | [`PgStore`] | `postgres://user:password@host:port/db` |
//!
//! Opening a database runs the embedded migrations (one folder per backend,
//! `migrations/sqlite` and `migrations/postgres`) and refuses, with
//! [`StoreErrorKind::SchemaMismatch`](crate::store::StoreErrorKind), a
//! database whose schema is newer than this library. Adapters only
//! translate: every rule stays in the core, and the conformance suite
//! (`tests/conformance/`) runs the same checks against every store.
//!
//! ```no_run
//! # async fn demo() -> Result<(), dangjian::store::StoreError> {
//! // Switching from memory to a database is this one line.
//! let store = dangjian::adapters::connect("sqlite://dangjian.db").await?;
//! let dj = dangjian::Dangjian::new(store, std::sync::Arc::new(dangjian::clock::SystemClock));
//! # Ok(()) }
//! ```

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[macro_use]
mod sql;

#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PgStore;
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteStore;

use crate::store::{MemoryStore, Store, StoreError, StoreErrorKind};
use std::sync::Arc;

/// Opens the store a URL names: `memory:`, `sqlite://…` (feature
/// `sqlite`) or `postgres://…` / `postgresql://…` (feature `postgres`).
///
/// # Errors
/// [`StoreErrorKind::Unavailable`] for a scheme whose feature is off or an
/// unreachable server; the other kinds as the backend's `connect` says.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let scheme = url.split(':').next().unwrap_or_default();
    match scheme {
        "memory" => Ok(Arc::new(MemoryStore::new())),
        #[cfg(feature = "sqlite")]
        "sqlite" => Ok(Arc::new(SqliteStore::connect(url).await?)),
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => Ok(Arc::new(PgStore::connect(url).await?)),
        other => Err(StoreError::new(
            StoreErrorKind::Unavailable,
            format!("no store for the scheme `{other}:` (is its feature enabled?)"),
        )),
    }
}
