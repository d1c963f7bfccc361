//! 适配器 (adapters): implementations of the store traits for real
//! databases, and of [`Notifier`](crate::notify::Notifier) for real
//! channels, each behind its own feature.
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
//! (`dangjian::testing`, feature `testing`) runs the same checks against
//! every store, one named trial per behaviour.
//!
//! | feature | notifier | channel |
//! |---|---|---|
//! | `smtp` | `SmtpNotifier` | e-mail over SMTP: `smtp://` (loopback), `smtp+starttls://`, `smtps://` |
//! | `smtp` | `EmlFolderNotifier` | e-mail as `.eml` files in a folder, without a server |
//! | `dingtalk` | `DingTalkRobot` | 钉钉 custom robot (加签), a group message mentioning the member |
//! | `dingtalk` | `DingTalkWorkNotice` | 钉钉 work notices of an internal app, with read and drop receipts |
//! | `sms` | `SmsNotifier<AliyunSms>` | SMS through Aliyun dysmsapi (`SendSms` ≤ 1000 numbers, `SendBatchSms` ≤ 100), ACS3-HMAC-SHA256 |
//! | `sms` | `SmsNotifier<TencentSms>` | SMS through Tencent Cloud `SendSms` 2021-01-11 (≤ 200 numbers, a status per number), TC3-HMAC-SHA256 |
//! | `wecom` | `WeComRobot` | 企业微信 group robot (webhook key), mentioning the member |
//! | `wecom` | `WeComApp` | 企业微信 app messages to members, up to 1000 per call |
//! | `feishu` | `FeishuBot` | 飞书 custom bot (signed webhook), mentioning the member |
//! | `feishu` | `FeishuApp` | 飞书 app messages to a user (open_id, user_id, union_id or e-mail) |
//!
//! ```no_run
//! # async fn demo() -> Result<(), dangjian::Error> {
//! // Switching from memory to a database is this one line.
//! let store = dangjian::adapters::connect("sqlite://dangjian.db").await?;
//! let dj = dangjian::Dangjian::builder().store(store).build();
//! # Ok(()) }
//! ```

#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[macro_use]
mod sql;

#[cfg(feature = "dingtalk")]
mod dingtalk;
#[cfg(feature = "feishu")]
mod feishu;
#[cfg(feature = "_http")]
#[allow(dead_code)] // a build with one channel feature uses only some helpers
mod http;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sms")]
mod sms;
#[cfg(feature = "smtp")]
mod smtp;
#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "wecom")]
mod wecom;

#[cfg(feature = "dingtalk")]
#[cfg_attr(docsrs, doc(cfg(feature = "dingtalk")))]
pub use dingtalk::{
    DingTalkRobot, DingTalkRobotBuilder, DingTalkWorkNotice, DingTalkWorkNoticeBuilder,
};
#[cfg(feature = "feishu")]
#[cfg_attr(docsrs, doc(cfg(feature = "feishu")))]
pub use feishu::{FeishuApp, FeishuAppConfig, FeishuBot, FeishuBotConfig, FeishuReceiveIdType};
#[cfg(feature = "_http")]
#[cfg_attr(
    docsrs,
    doc(cfg(any(
        feature = "wecom",
        feature = "dingtalk",
        feature = "feishu",
        feature = "sms"
    )))
)]
pub use http::ChannelConfigError;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub use postgres::PgStore;
#[cfg(feature = "sms")]
#[cfg_attr(docsrs, doc(cfg(feature = "sms")))]
pub use sms::{
    AliyunSms, AliyunSmsConfig, RequestSignature, SigningRequest, TencentSms, TencentSmsConfig,
    acs3_signature, tc3_signature,
};
#[cfg(feature = "smtp")]
#[cfg_attr(docsrs, doc(cfg(feature = "smtp")))]
pub use smtp::{EmlFolderNotifier, SmtpConfig, SmtpError, SmtpNotifier, SmtpSecurity};
#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
pub use sqlite::SqliteStore;
#[cfg(feature = "wecom")]
#[cfg_attr(docsrs, doc(cfg(feature = "wecom")))]
pub use wecom::{WeComApp, WeComAppConfig, WeComFormat, WeComRobot, WeComRobotConfig};

use crate::store::{MemoryStore, Store, StoreError, StoreErrorKind};
use std::sync::Arc;

/// Opens the store a URL names: `memory:`, `sqlite://…` (feature
/// `sqlite`) or `postgres://…` / `postgresql://…` (feature `postgres`).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use dangjian::store::StoreErrorKind;
/// // A bare path is refused with a hint, not guessed at.
/// let Err(e) = dangjian::adapters::connect("dangjian.db").await else { panic!() };
/// assert_eq!(*e.kind(), StoreErrorKind::Config);
/// assert!(e.to_string().contains("sqlite://"));
/// let Err(e) = dangjian::adapters::connect("mysql://localhost/db").await else { panic!() };
/// assert_eq!(*e.kind(), StoreErrorKind::Config);
/// # })
/// ```
///
/// # Errors
/// [`StoreErrorKind::Config`] (not retryable) for a bare path, an unknown
/// scheme, a scheme whose feature is off or a malformed URL;
/// [`StoreErrorKind::Unavailable`] for a server that cannot be reached or
/// a SQLite file that cannot be opened; the other kinds as the backend's
/// `connect` says.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let Some((scheme, _)) = url.split_once(':') else {
        return Err(StoreError::new(
            StoreErrorKind::Config,
            format!("`{url}` is not a store URL: write `sqlite://{url}` for a SQLite file"),
        ));
    };
    match scheme {
        "memory" => Ok(Arc::new(MemoryStore::new())),
        #[cfg(feature = "sqlite")]
        "sqlite" => Ok(Arc::new(SqliteStore::connect(url).await?)),
        #[cfg(not(feature = "sqlite"))]
        "sqlite" => Err(feature_off("sqlite")),
        #[cfg(feature = "postgres")]
        "postgres" | "postgresql" => Ok(Arc::new(PgStore::connect(url).await?)),
        #[cfg(not(feature = "postgres"))]
        "postgres" | "postgresql" => Err(feature_off("postgres")),
        other => Err(StoreError::new(
            StoreErrorKind::Config,
            format!("no store for the scheme `{other}:` (known: memory, sqlite, postgres)"),
        )),
    }
}

#[cfg(not(all(feature = "sqlite", feature = "postgres")))]
fn feature_off(feature: &str) -> StoreError {
    StoreError::new(
        StoreErrorKind::Config,
        format!("this build has no {feature} store: enable the crate's `{feature}` feature"),
    )
}
