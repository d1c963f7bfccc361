//! [`DisciplineStore`](crate::store::DisciplineStore) over SQL, written
//! once: `sql_discipline_store!(Store, Db)` for a backend struct with
//! `pool` and `begin_write` (see `store_impl.rs`). A decision, its
//! activity-record entries and, for an expulsion, the member's exit are
//! one transaction.

macro_rules! sql_discipline_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::DisciplineStore for $store {
            async fn record_decision(
                &self,
                decision: $crate::discipline::NewDecision,
                exit: Option<$crate::member::Member>,
                effects: $crate::store::Effects,
            ) -> Result<
                (
                    $crate::discipline::Decision,
                    Option<$crate::member::Member>,
                    Vec<$crate::record::RecordEntry>,
                ),
                $crate::store::StoreError,
            > {
                use $crate::adapters::sql::{from_db, map_err, not_found, to_db, to_json};
                let member = decision.member;
                if !effects.records_only_about(member) || exit.as_ref().is_some_and(|m| m.id != member) {
                    return Err($crate::store::StoreError::new(
                        $crate::store::StoreErrorKind::Rejected,
                        "the activity-record entry or the exit belongs to another member",
                    ));
                }
                let mut tx = self.begin_write().await?;
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE id = $1")
                    .bind(to_db(member.get())?)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if exists.is_none() {
                    return Err(not_found(member));
                }
                let stored_member = match exit {
                    Some(m) => Some(Self::write_member(&mut tx, m).await?),
                    None => None,
                };
                let body = $crate::store::document::DecisionDocument::from_domain(
                    &decision.measure,
                    &decision.title,
                    decision.acted_by.as_ref(),
                );
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO discipline \
                     (member_id, decided_on, decided_by, approved_by, decision, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(to_db(member.get())?)
                .bind(decision.decided_on)
                .bind(to_db(decision.decided_by.get())?)
                .bind(to_db(decision.approved_by.get())?)
                .bind(to_json(&body)?)
                .bind(decision.recorded_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let entries = Self::apply_effects(&mut tx, effects, Some(member)).await?;
                tx.commit().await.map_err(map_err)?;
                let stored = decision.into_decision($crate::DecisionId::new(from_db(id)?));
                Ok((stored, stored_member, entries))
            }

            async fn decisions_of(
                &self,
                members: &[$crate::MemberId],
            ) -> Result<Vec<$crate::discipline::Decision>, $crate::store::StoreError> {
                use $crate::adapters::sql::{decision_from_row, map_err, to_db, IN_CHUNK};
                let mut out = Vec::new();
                for chunk in members.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, member_id, decided_on, decided_by, approved_by, decision, recorded_at \
                         FROM discipline WHERE member_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for m in chunk {
                        list.push_bind(to_db(m.get())?);
                    }
                    qb.push(")");
                    let rows: Vec<$crate::adapters::sql::DecisionRow> = qb
                        .build_query_as()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                    for row in rows {
                        out.push(decision_from_row(row)?);
                    }
                }
                out.sort_by_key(|d: &$crate::discipline::Decision| (d.member, d.id));
                out.dedup_by_key(|d| d.id);
                Ok(out)
            }
        }
    };
}
