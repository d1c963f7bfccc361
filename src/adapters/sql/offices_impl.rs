//! [`OfficeStore`](crate::store::OfficeStore) over SQL, written once.
//!
//! `sql_office_store!(Store, Db)` implements it for a backend struct with
//! `pool` and `begin_write` (see `store_impl.rs`). An install ends each
//! holding with `UPDATE … WHERE ended_on IS NULL` (a holding ended
//! concurrently matches no row: a conflict), then inserts the new rows in
//! the same transaction; the unique index on `(vote_id, member_id)` keeps
//! an election's result from being confirmed twice, however concurrent.

/// An office-holder row: id, org, member, vote, ended on, record.
pub(crate) type OfficeRow = (
    i64,
    i64,
    i64,
    Option<i64>,
    Option<chrono::NaiveDate>,
    String,
);

/// An office-holder row back into the domain; the columns must agree with
/// the document.
pub(crate) fn office_from_row(
    (id, org, member, vote, ended_on, record): OfficeRow,
) -> Result<crate::office::OfficeHolder, crate::store::StoreError> {
    use super::{corrupt, from_db};
    use crate::office::{OfficeHolder, OfficeId, Source};
    use crate::store::document::{self, OfficeHolderDocument};
    let h = document::decode_domain::<OfficeHolderDocument>(&record, "office_holders", id)?;
    let vote_doc = match h.source {
        Source::Elected { vote } => Some(vote.get()),
        _ => None,
    };
    let agree = h.org.get() == from_db(org)?
        && h.member.get() == from_db(member)?
        && vote_doc == vote.map(from_db).transpose()?;
    if !agree {
        return Err(corrupt(format!(
            "office_holders row {id}: the columns disagree with the record"
        )));
    }
    Ok(OfficeHolder::from_parts(
        OfficeId::new(from_db(id)?),
        h,
        ended_on,
    ))
}

macro_rules! sql_office_store {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::OfficeStore for $store {
            async fn install_offices(
                &self,
                install: $crate::office::InstallOffices,
                effects: $crate::store::Effects,
            ) -> Result<Vec<$crate::office::OfficeHolder>, $crate::store::StoreError> {
                use $crate::adapters::sql::{conflict, from_db, map_err, to_db, to_json};
                use $crate::office::{OfficeHolder, OfficeId, Source};
                use $crate::store::document::OfficeHolderDocument;
                use $crate::store::{StoreError, StoreErrorKind};
                if let Some(h) = install.holders.iter().find(|h| h.org != install.org) {
                    return Err(StoreError::new(
                        StoreErrorKind::Rejected,
                        format!("a holding of {} in an install of {}", h.org, install.org),
                    ));
                }
                let org = to_db(install.org.get())?;
                let mut tx = self.begin_write().await?;
                for id in &install.ending {
                    let ended = sqlx::query(
                        "UPDATE office_holders SET ended_on = $1 \
                         WHERE id = $2 AND org_id = $3 AND ended_on IS NULL",
                    )
                    .bind(install.on)
                    .bind(to_db(id.get())?)
                    .bind(org)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    if ended.rows_affected() == 0 {
                        return Err(conflict(format!(
                            "{id} (not a current holding of {})",
                            install.org
                        )));
                    }
                }
                let mut stored = Vec::with_capacity(install.holders.len());
                for h in install.holders {
                    let vote = match h.source {
                        Source::Elected { vote } => Some(to_db(vote.get())?),
                        _ => None,
                    };
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO office_holders (org_id, member_id, vote_id, ended_on, record) \
                         VALUES ($1, $2, $3, NULL, $4) RETURNING id",
                    )
                    .bind(org)
                    .bind(to_db(h.member.get())?)
                    .bind(vote)
                    .bind(to_json(&OfficeHolderDocument::from_domain(&h))?)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    stored.push(OfficeHolder::from_parts(
                        OfficeId::new(from_db(id)?),
                        h,
                        None,
                    ));
                }
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn office(
                &self,
                id: $crate::office::OfficeId,
            ) -> Result<Option<$crate::office::OfficeHolder>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                sqlx::query_as::<_, $crate::adapters::sql::OfficeRow>(
                    "SELECT id, org_id, member_id, vote_id, ended_on, record \
                     FROM office_holders WHERE id = $1",
                )
                .bind(to_db(id.get())?)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?
                .map($crate::adapters::sql::office_from_row)
                .transpose()
            }

            async fn offices_of(
                &self,
                orgs: &[$crate::OrgId],
            ) -> Result<Vec<$crate::office::OfficeHolder>, $crate::store::StoreError> {
                use $crate::adapters::sql::{IN_CHUNK, map_err, office_from_row, to_db};
                let mut ids = orgs
                    .iter()
                    .map(|o| to_db(o.get()))
                    .collect::<Result<Vec<_>, _>>()?;
                ids.sort_unstable();
                ids.dedup();
                let mut out = Vec::new();
                for chunk in ids.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, org_id, member_id, vote_id, ended_on, record \
                         FROM office_holders WHERE org_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")");
                    for row in qb
                        .build_query_as::<$crate::adapters::sql::OfficeRow>()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?
                    {
                        out.push(office_from_row(row)?);
                    }
                }
                out.sort_by_key(|h: &$crate::office::OfficeHolder| h.id());
                Ok(out)
            }
        }
    };
}
