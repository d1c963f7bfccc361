//! The steps of an outbox enqueue over SQL (`docs/RULES.md` NOTE-6,
//! NOTE-7): the cursor's compare-and-set, the budget charge under a row
//! lock, the keys stored already, and the multi-row insert of messages.
//!
//! `sql_outbox_enqueue!(Store, Db, MoneyColumn, " FOR UPDATE", true)` adds
//! them to a backend as associated functions on its transaction's
//! connection; `sql_outbox_store!` expands it.

macro_rules! sql_outbox_enqueue {
    ($store:ty, $db:ty, $money:ty, $lock:literal, $plain_first:literal) => {
        impl $store {
            /// Moves a fan-out cursor by compare-and-set inside `conn`'s
            /// transaction; a cursor not where it was read is a conflict.
            async fn move_cursor(
                conn: &mut <$db as sqlx::Database>::Connection,
                c: &$crate::notify::CursorMove,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                let to = to_db(c.to.get())?;
                let moved = match c.from {
                    None => sqlx::query(
                        "INSERT INTO notify_cursors (name, journal_id) VALUES ($1, $2) \
                         ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(c.name.as_str())
                    .bind(to)
                    .execute(&mut *conn)
                    .await,
                    Some(from) => sqlx::query(
                        "UPDATE notify_cursors SET journal_id = $1 WHERE name = $2 AND journal_id = $3",
                    )
                    .bind(to)
                    .bind(c.name.as_str())
                    .bind(to_db(from.get())?)
                    .execute(&mut *conn)
                    .await,
                }
                .map_err(map_err)?;
                if moved.rows_affected() == 0 {
                    return Err($crate::store::StoreError::new(
                        $crate::store::StoreErrorKind::Conflict,
                        format!("the cursor {} has moved since it was read", c.name),
                    ));
                }
                Ok(())
            }

            /// Checks and records a budget charge inside `conn`'s
            /// transaction, the year's row locked while it is read.
            async fn charge(
                conn: &mut <$db as sqlx::Database>::Connection,
                spend: &$crate::notify::Spend,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, money_from_text, to_db};
                let org = to_db(spend.org.get())?;
                sqlx::query(
                    "INSERT INTO notify_spending (org_id, year, spent) VALUES ($1, $2, $3) \
                     ON CONFLICT (org_id, year) DO NOTHING",
                )
                .bind(org)
                .bind(spend.year)
                .bind(Self::money_col($crate::dues::Money::ZERO))
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
                let spent: String = sqlx::query_scalar(concat!(
                    "SELECT CAST(spent AS TEXT) FROM notify_spending WHERE org_id = $1 AND year = $2",
                    $lock
                ))
                .bind(org)
                .bind(spend.year)
                .fetch_one(&mut *conn)
                .await
                .map_err(map_err)?;
                let spent = money_from_text(&spent, "notify_spending")?;
                let total = spend.total_after(spent)?;
                sqlx::query("UPDATE notify_spending SET spent = $1 WHERE org_id = $2 AND year = $3")
                    .bind(Self::money_col(total))
                    .bind(org)
                    .bind(spend.year)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }
        }

        impl $store {
            /// Stores the messages of `rows` whose key is new; returns how
            /// many. With `$plain_first`, the keys stored already are left
            /// out and the rest inserted plainly, redone from a savepoint
            /// with `ON CONFLICT` should a concurrent enqueue have committed
            /// one of them meanwhile; otherwise straight with `ON CONFLICT`.
            async fn store_messages(
                conn: &mut <$db as sqlx::Database>::Connection,
                rows: Vec<$crate::adapters::sql::NewRow<'_, $money>>,
            ) -> Result<usize, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                const SKIP: &str = " ON CONFLICT (idempotency_key) DO NOTHING";
                if !$plain_first {
                    return Self::insert_messages(conn, &rows, SKIP).await.map_err(map_err);
                }
                let old = Self::stored_keys(conn, &rows).await?;
                let rows: Vec<_> = rows.into_iter().filter(|r| !old.contains(r.0)).collect();
                let mut plain = sqlx::Connection::begin(&mut *conn).await.map_err(map_err)?;
                match Self::insert_messages(&mut plain, &rows, "").await {
                    Ok(n) => {
                        plain.commit().await.map_err(map_err)?;
                        Ok(n)
                    }
                    Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                        plain.rollback().await.map_err(map_err)?;
                        Self::insert_messages(conn, &rows, SKIP).await.map_err(map_err)
                    }
                    Err(e) => Err(map_err(e)),
                }
            }

            /// The keys of `rows` that are stored already.
            async fn stored_keys(
                conn: &mut <$db as sqlx::Database>::Connection,
                rows: &[$crate::adapters::sql::NewRow<'_, $money>],
            ) -> Result<std::collections::HashSet<String>, $crate::store::StoreError> {
                use $crate::adapters::sql::{IN_CHUNK, map_err};
                let mut out = std::collections::HashSet::new();
                for chunk in rows.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT idempotency_key FROM notify_messages WHERE idempotency_key IN (",
                    );
                    let mut list = qb.separated(", ");
                    for r in chunk {
                        list.push_bind(r.0);
                    }
                    qb.push(")");
                    let found: Vec<(String,)> =
                        qb.build_query_as().fetch_all(&mut *conn).await.map_err(map_err)?;
                    out.extend(found.into_iter().map(|(k,)| k));
                }
                Ok(out)
            }

            /// Inserts `rows` with multi-row statements, `tail` after each;
            /// returns the rows stored. The driver's error is kept, so that
            /// the caller can tell a unique violation.
            async fn insert_messages(
                conn: &mut <$db as sqlx::Database>::Connection,
                rows: &[$crate::adapters::sql::NewRow<'_, $money>],
                tail: &str,
            ) -> Result<usize, sqlx::Error> {
                let mut stored: u64 = 0;
                for chunk in rows.chunks($crate::adapters::sql::MESSAGE_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO notify_messages (idempotency_key, org_id, member_id, channel, \
                         next_at, cost, created_at, message) ",
                    );
                    qb.push_values(chunk, |mut b, (key, org, member, channel, next_at, cost, created, doc)| {
                        b.push_bind(*key)
                            .push_bind(*org)
                            .push_bind(*member)
                            .push_bind(*channel)
                            .push_bind(*next_at)
                            .push_bind(cost)
                            .push_bind(*created)
                            .push_bind(doc.as_str());
                    });
                    qb.push(tail);
                    stored += qb.build().execute(&mut *conn).await?.rows_affected();
                }
                Ok(usize::try_from(stored).unwrap_or(usize::MAX))
            }
        }
    };
}
