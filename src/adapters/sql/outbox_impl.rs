//! [`OutboxStore`](crate::store::OutboxStore) over SQL, written once
//! (`docs/RULES.md` NOTE-6 … NOTE-8).
//!
//! `sql_outbox_store!(Store, Db, MoneyColumn, " FOR UPDATE", " FOR UPDATE
//! SKIP LOCKED", true)` implements it for a backend struct with `pool`,
//! `begin_write` and `money_col` (see `store_impl.rs`, `dues_impl.rs`). The
//! two strings lock rows inside the write transaction where the backend
//! needs it (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises
//! writers, so it passes `""`); the last argument says whether messages are
//! inserted plainly first (see below).
//!
//! - An enqueue is one transaction: the cursor moves by compare-and-set
//!   (an `INSERT … ON CONFLICT DO NOTHING` from no position, an
//!   `UPDATE … WHERE journal_id = from` otherwise: no row changed is a
//!   conflict); the year's spending row is created at zero if missing,
//!   read under a row lock, checked and updated; the messages go in with
//!   multi-row `INSERT`s in chunks below both backends' bind-parameter
//!   limits, the rows affected being the messages stored. On SQLite they
//!   are inserted with `ON CONFLICT (idempotency_key) DO NOTHING`, which
//!   costs next to nothing there. On PostgreSQL `ON CONFLICT` costs a
//!   speculative insertion per row (measured: about a quarter more time
//!   for a 25,000-message broadcast), so the keys of the batch stored already are read
//!   and left out and the rest inserted plainly; should a concurrent
//!   enqueue commit one of the keys in between (the unique constraint says
//!   so), the insert is redone from a savepoint with `ON CONFLICT`.
//! - A claim is one `UPDATE … WHERE id IN (SELECT … ORDER BY next_at, id
//!   LIMIT n FOR UPDATE SKIP LOCKED) RETURNING …`, so two dispatchers never
//!   take the same row; `interrupted` is set from the status the row had.
//! - A start, a settle and a resolution change a row only under the
//!   condition that made them apply (the holder and a held status, the
//!   status read), so a stale caller changes nothing.

macro_rules! sql_outbox_store {
    ($store:ty, $db:ty, $money:ty, $lock:literal, $skip_locked:literal, $plain_first:literal) => {
        sql_outbox_enqueue!($store, $db, $money, $lock, $plain_first);

        #[async_trait::async_trait]
        impl $crate::store::OutboxStore for $store {
            async fn enqueue(
                &self,
                batch: $crate::notify::Enqueue,
            ) -> Result<$crate::store::Enqueued, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, new_rows};
                let $crate::notify::Enqueue { messages, spend, cursor } = batch;
                let rows = new_rows(&messages, Self::money_col)?;
                let mut tx = self.begin_write().await?;
                if let Some(c) = &cursor {
                    Self::move_cursor(&mut tx, c).await?;
                }
                if let Some(s) = &spend {
                    Self::charge(&mut tx, s).await?;
                }
                let stored = Self::store_messages(&mut tx, rows).await?;
                tx.commit().await.map_err(map_err)?;
                Ok($crate::store::Enqueued::new(stored, messages.len().saturating_sub(stored)))
            }

            async fn claim(
                &self,
                owner: &str,
                now: chrono::DateTime<chrono::Utc>,
                until: chrono::DateTime<chrono::Utc>,
                limit: usize,
            ) -> Result<Vec<$crate::notify::StoredMessage>, $crate::store::StoreError> {
                use $crate::adapters::sql::{MessageRow, map_err, messages_from_rows};
                let limit = limit.min($crate::notify::MAX_CLAIM);
                if limit == 0 {
                    return Ok(Vec::new());
                }
                let mut tx = self.begin_write().await?;
                let rows: Vec<MessageRow> = sqlx::query_as(concat!(
                    "UPDATE notify_messages SET interrupted = (status = 'sending'), status = 'leased', \
                     lease_owner = $1, lease_until = $2 WHERE id IN (SELECT id FROM notify_messages \
                     WHERE (status = 'pending' AND next_at <= $3) OR (status IN ('leased', 'sending') \
                     AND (lease_until IS NULL OR lease_until <= $3)) ORDER BY next_at, id LIMIT $4",
                    $skip_locked,
                    ") RETURNING ",
                    message_columns!()
                ))
                .bind(owner)
                .bind(until)
                .bind(now)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await
                .map_err(map_err)?;
                let mut claimed = messages_from_rows(rows)?;
                tx.commit().await.map_err(map_err)?;
                claimed.sort_by_key(|m| (m.next_at, m.id));
                Ok(claimed)
            }

            async fn start_sending(
                &self,
                id: $crate::MessageId,
                owner: &str,
            ) -> Result<bool, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE notify_messages SET status = 'sending', \
                     attempts = CASE WHEN attempts < 4294967295 THEN attempts + 1 ELSE attempts END \
                     WHERE id = $1 AND lease_owner = $2 AND status IN ('leased', 'sending')",
                )
                .bind(to_db(id.get())?)
                .bind(owner)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await.map_err(map_err)?;
                Ok(done.rows_affected() > 0)
            }

            async fn settle(
                &self,
                id: $crate::MessageId,
                owner: &str,
                outcome: $crate::notify::Outcome,
            ) -> Result<bool, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                use $crate::notify::Outcome;
                const HELD: &str = ", lease_owner = NULL, lease_until = NULL, interrupted = FALSE \
                     WHERE id = $1 AND lease_owner = $2 AND status IN ('leased', 'sending')";
                let id = to_db(id.get())?;
                let mut tx = self.begin_write().await?;
                let done = match &outcome {
                    Outcome::Delivered { channel_id, at } => {
                        let sql = format!(
                            "UPDATE notify_messages SET status = 'delivered', channel_id = $3, \
                             delivered_at = $4, last_error = NULL{HELD}"
                        );
                        sqlx::query(&sql)
                            .bind(id)
                            .bind(owner)
                            .bind(channel_id.as_deref())
                            .bind(*at)
                            .execute(&mut *tx)
                            .await
                    }
                    Outcome::RetryAt { at, error } => {
                        let sql = format!(
                            "UPDATE notify_messages SET status = 'pending', next_at = $3, \
                             last_error = $4{HELD}"
                        );
                        sqlx::query(&sql)
                            .bind(id)
                            .bind(owner)
                            .bind(*at)
                            .bind(error.as_str())
                            .execute(&mut *tx)
                            .await
                    }
                    Outcome::Unknown { error } | Outcome::DeadLetter { error } => {
                        let status = match outcome {
                            Outcome::Unknown { .. } => $crate::notify::Status::Unknown,
                            _ => $crate::notify::Status::DeadLetter,
                        };
                        let sql = format!(
                            "UPDATE notify_messages SET status = $3, last_error = $4{HELD}"
                        );
                        sqlx::query(&sql)
                            .bind(id)
                            .bind(owner)
                            .bind(status.as_str())
                            .bind(error.as_str())
                            .execute(&mut *tx)
                            .await
                    }
                }
                .map_err(map_err)?;
                tx.commit().await.map_err(map_err)?;
                Ok(done.rows_affected() > 0)
            }

            async fn resolve(
                &self,
                id: $crate::MessageId,
                resolution: $crate::notify::Resolution,
            ) -> Result<Option<$crate::notify::StoredMessage>, $crate::store::StoreError> {
                use $crate::adapters::sql::{MessageRow, map_err, message_from_row, to_db};
                let id = to_db(id.get())?;
                let mut tx = self.begin_write().await?;
                let row: Option<MessageRow> = sqlx::query_as(concat!(
                    "SELECT ",
                    message_columns!(),
                    " FROM notify_messages WHERE id = $1",
                    $lock
                ))
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let current = message_from_row(row)?;
                let was = current.status;
                let Some(next) = current.resolved(&resolution) else {
                    return Ok(None);
                };
                let done = sqlx::query(
                    "UPDATE notify_messages SET status = $1, next_at = $2, attempts = $3, \
                     delivered_at = $4, read_at = $5, last_error = $6 WHERE id = $7 AND status = $8",
                )
                .bind(next.status.as_str())
                .bind(next.next_at)
                .bind(i64::from(next.attempts))
                .bind(next.delivered_at)
                .bind(next.read_at)
                .bind(next.last_error.as_deref())
                .bind(id)
                .bind(was.as_str())
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if done.rows_affected() == 0 {
                    return Ok(None);
                }
                tx.commit().await.map_err(map_err)?;
                Ok(Some(next))
            }

            async fn message(
                &self,
                id: $crate::MessageId,
            ) -> Result<Option<$crate::notify::StoredMessage>, $crate::store::StoreError> {
                use $crate::adapters::sql::{MessageRow, map_err, message_from_row, to_db};
                sqlx::query_as::<_, MessageRow>(concat!(
                    "SELECT ",
                    message_columns!(),
                    " FROM notify_messages WHERE id = $1"
                ))
                .bind(to_db(id.get())?)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?
                .map(message_from_row)
                .transpose()
            }

            async fn message_by_key(
                &self,
                key: &str,
            ) -> Result<Option<$crate::notify::StoredMessage>, $crate::store::StoreError> {
                use $crate::adapters::sql::{MessageRow, map_err, message_from_row};
                sqlx::query_as::<_, MessageRow>(concat!(
                    "SELECT ",
                    message_columns!(),
                    " FROM notify_messages WHERE idempotency_key = $1"
                ))
                .bind(key)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?
                .map(message_from_row)
                .transpose()
            }

            async fn messages(
                &self,
                filter: &$crate::notify::MessageFilter,
                after: Option<$crate::MessageId>,
                limit: usize,
            ) -> Result<Vec<$crate::notify::StoredMessage>, $crate::store::StoreError> {
                use $crate::adapters::sql::{IN_CHUNK, MessageRow, map_err, messages_from_rows, to_db};
                let limit = limit.min($crate::notify::MAX_CLAIM);
                let after = after.map(|a| to_db(a.get())).transpose()?.unwrap_or(0);
                let orgs = match &filter.orgs {
                    None => None,
                    Some(orgs) => {
                        let mut ids = orgs.iter().map(|o| to_db(o.get())).collect::<Result<Vec<_>, _>>()?;
                        ids.sort_unstable();
                        ids.dedup();
                        Some(ids)
                    }
                };
                let chunks: Vec<Option<&[i64]>> = match &orgs {
                    None => vec![None],
                    Some(ids) => ids.chunks(IN_CHUNK).map(Some).collect(),
                };
                if limit == 0 || chunks.is_empty() {
                    return Ok(Vec::new());
                }
                let mut rows: Vec<MessageRow> = Vec::new();
                for chunk in &chunks {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(concat!(
                        "SELECT ",
                        message_columns!(),
                        " FROM notify_messages WHERE id > "
                    ));
                    qb.push_bind(after);
                    if !filter.statuses.is_empty() {
                        qb.push(" AND status IN (");
                        let mut list = qb.separated(", ");
                        for s in &filter.statuses {
                            list.push_bind(s.as_str());
                        }
                        qb.push(")");
                    }
                    if !filter.channels.is_empty() {
                        qb.push(" AND channel IN (");
                        let mut list = qb.separated(", ");
                        for c in &filter.channels {
                            list.push_bind($crate::store::document::ChannelDocument::from_domain(*c).as_str());
                        }
                        qb.push(")");
                    }
                    if let Some(since) = filter.unread_since {
                        qb.push(" AND read_at IS NULL AND delivered_at > ");
                        qb.push_bind(since);
                    }
                    if let Some(ids) = chunk {
                        qb.push(" AND org_id IN (");
                        let mut list = qb.separated(", ");
                        for id in *ids {
                            list.push_bind(*id);
                        }
                        qb.push(")");
                    }
                    qb.push(" ORDER BY id LIMIT ");
                    qb.push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
                    rows.extend(qb.build_query_as::<MessageRow>().fetch_all(&self.pool).await.map_err(map_err)?);
                }
                let mut out = messages_from_rows(rows)?;
                out.sort_by_key(|m| m.id);
                out.truncate(limit);
                Ok(out)
            }

            async fn prune(
                &self,
                before: chrono::DateTime<chrono::Utc>,
            ) -> Result<u64, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "DELETE FROM notify_messages WHERE status = 'delivered' AND delivered_at < $1",
                )
                .bind(before)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await.map_err(map_err)?;
                Ok(done.rows_affected())
            }

            async fn spent(
                &self,
                org: $crate::OrgId,
                year: i32,
            ) -> Result<$crate::dues::Money, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, money_from_text, to_db};
                let spent: Option<String> = sqlx::query_scalar(
                    "SELECT CAST(spent AS TEXT) FROM notify_spending WHERE org_id = $1 AND year = $2",
                )
                .bind(to_db(org.get())?)
                .bind(year)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?;
                spent.map_or(Ok($crate::dues::Money::ZERO), |s| money_from_text(&s, "notify_spending"))
            }

            async fn cursor(
                &self,
                name: &str,
            ) -> Result<Option<$crate::JournalId>, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err};
                let at: Option<i64> =
                    sqlx::query_scalar("SELECT journal_id FROM notify_cursors WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(map_err)?;
                Ok(at.map(from_db).transpose()?.map($crate::JournalId::new))
            }

            async fn take_rate(
                &self,
                keys: &[$crate::notify::RateKey],
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<chrono::DateTime<chrono::Utc>>, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                $crate::store::check_rate_keys(keys)?;
                let mut keys: Vec<&$crate::notify::RateKey> =
                    keys.iter().filter(|k| !k.windows.is_empty()).collect();
                if keys.is_empty() {
                    return Ok(None);
                }
                // In name order, so two takes lock their rows in the same order.
                keys.sort_by(|a, b| a.name.cmp(&b.name));
                let mut tx = self.begin_write().await?;
                let mut sent = Vec::with_capacity(keys.len());
                for k in &keys {
                    sqlx::query("INSERT INTO notify_rate_keys (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
                        .bind(&k.name)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let _: Option<String> = sqlx::query_scalar(concat!(
                        "SELECT name FROM notify_rate_keys WHERE name = $1",
                        $lock
                    ))
                    .bind(&k.name)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    let horizon = now - k.longest();
                    sqlx::query("DELETE FROM notify_rate_sends WHERE name = $1 AND at <= $2")
                        .bind(&k.name)
                        .bind(horizon)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    let at: Vec<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
                        "SELECT at FROM notify_rate_sends WHERE name = $1 AND at > $2",
                    )
                    .bind(&k.name)
                    .bind(horizon)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    sent.push(at);
                }
                let wait = $crate::notify::wait_for_all(
                    keys.iter().copied().zip(sent.iter().map(Vec::as_slice)),
                    now,
                );
                if wait.is_some() {
                    // Forgetting old sends is kept; nothing is recorded.
                    tx.commit().await.map_err(map_err)?;
                    return Ok(wait);
                }
                for k in &keys {
                    sqlx::query("INSERT INTO notify_rate_sends (name, at) VALUES ($1, $2)")
                        .bind(&k.name)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(None)
            }
        }
    };
}
