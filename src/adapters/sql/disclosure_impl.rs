//! [`DisclosureStore`](crate::store::DisclosureStore) over SQL, written
//! once: `sql_disclosure_store!(Store, Db)` for a backend struct with
//! `pool`, `begin_write` and `after_content_dropped` (see `sqlite.rs`,
//! `postgres.rs`).
//!
//! An item's organisation, class, stage and version are columns; the
//! document (`ItemDocument`) holds the rest, and every read checks that the
//! columns agree with it, so a hand-edited column never makes an item
//! readable as something it is not: `published_items` selects on the stage
//! column and then decodes each document, and a row whose document is not
//! published is corrupt, never returned. An update reads the stored row in
//! its transaction, checks the change ([`crate::store::check_item_update`]),
//! writes the bumped item under `WHERE version = $n`, replaces the
//! notice's subjects rows and applies the effects; the schema's trigger
//! refuses a change of organisation, or of class once not disclosable,
//! whatever the code does.

use super::{corrupt, from_db};
use crate::disclosure::{Application, Class, Item};
use crate::store::StoreError;
use crate::store::document::{self, ApplicationDocument, ItemDocument};

/// An item row: id, org, class, stage, version, record.
pub(crate) type ItemRow = (i64, i64, String, Option<String>, i64, String);

/// An application row: id, org, version, record.
pub(crate) type ApplicationRow = (i64, i64, i64, String);

/// The columns of an item row.
pub(crate) const ITEM_COLUMNS: &str = "id, org_id, class, stage, version, record";

/// The `class` column of an item.
pub(crate) fn class_col(class: Class) -> &'static str {
    match class {
        Class::Disclosable => "disclosable",
        Class::NotSuitable => "not_suitable",
        Class::Classified => "classified",
    }
}

/// The `stage` column of an item: `None` unless disclosable.
pub(crate) fn stage_col(item: &Item) -> Option<&'static str> {
    item.stage().map(crate::disclosure::Stage::name)
}

/// The members a publicity notice names (the `disclosure_subjects` rows).
pub(crate) fn subjects_of(item: &Item) -> Vec<crate::MemberId> {
    item.disclosable()
        .and_then(|d| d.publicity())
        .map(|p| p.subjects().iter().copied().collect())
        .unwrap_or_default()
}

/// An item row back into the domain; the columns must agree with the
/// document.
pub(crate) fn item_from_row(
    (id, org, class, stage, version, record): ItemRow,
) -> Result<Item, StoreError> {
    const TABLE: &str = "disclosure_items";
    let item = document::decode_domain::<ItemDocument>(&record, TABLE, id)?;
    let agree = item.id().get() == from_db(id)?
        && item.org().get() == from_db(org)?
        && class_col(item.class()) == class
        && stage_col(&item) == stage.as_deref()
        && item.version() == from_db(version)?;
    if !agree {
        return Err(corrupt(format!(
            "{TABLE} row {id}: the columns disagree with the record"
        )));
    }
    Ok(item)
}

/// An application row back into the domain; the columns must agree with
/// the document.
pub(crate) fn application_from_row(
    (id, org, version, record): ApplicationRow,
) -> Result<Application, StoreError> {
    const TABLE: &str = "disclosure_applications";
    let a = document::decode_domain::<ApplicationDocument>(&record, TABLE, id)?;
    let agree = a.id().get() == from_db(id)?
        && a.org().get() == from_db(org)?
        && a.version() == from_db(version)?;
    if !agree {
        return Err(corrupt(format!(
            "{TABLE} row {id}: the columns disagree with the record"
        )));
    }
    Ok(a)
}

macro_rules! sql_disclosure_store {
    ($store:ty, $db:ty) => {
        impl $store {
            /// The stored item `id`, read in the caller's transaction.
            async fn disclosure_item_in(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: i64,
            ) -> Result<Option<$crate::disclosure::Item>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::{ITEM_COLUMNS, ItemRow, item_from_row};
                sqlx::query_as::<_, ItemRow>(&format!(
                    "SELECT {ITEM_COLUMNS} FROM disclosure_items WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
                .map_err($crate::adapters::sql::map_err)?
                .map(item_from_row)
                .transpose()
            }

            /// Writes `item` (its columns and document) over row `id`
            /// if its version there is `based_on`; `false` when no row
            /// matched.
            async fn disclosure_write_item(
                conn: &mut <$db as sqlx::Database>::Connection,
                item: &$crate::disclosure::Item,
                based_on: u64,
            ) -> Result<bool, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::{class_col, stage_col};
                use $crate::adapters::sql::{map_err, to_db, to_json};
                let doc = $crate::store::document::ItemDocument::from_domain(item);
                let updated = sqlx::query(
                    "UPDATE disclosure_items SET class = $1, stage = $2, version = $3, record = $4 \
                     WHERE id = $5 AND version = $6",
                )
                .bind(class_col(item.class()))
                .bind(stage_col(item))
                .bind(to_db(item.version())?)
                .bind(to_json(&doc)?)
                .bind(to_db(item.id().get())?)
                .bind(to_db(based_on)?)
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
                Ok(updated.rows_affected() == 1)
            }

            /// Replaces the subjects rows of item `id` with the members
            /// its notice names.
            async fn disclosure_replace_subjects(
                conn: &mut <$db as sqlx::Database>::Connection,
                item: &$crate::disclosure::Item,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::subjects_of;
                use $crate::adapters::sql::{map_err, to_db, ROW_CHUNK};
                let id = to_db(item.id().get())?;
                sqlx::query("DELETE FROM disclosure_subjects WHERE item_id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                let subjects = subjects_of(item);
                for chunk in subjects.chunks(ROW_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO disclosure_subjects (item_id, member_id) ",
                    );
                    let mut rows = Vec::with_capacity(chunk.len());
                    for m in chunk {
                        rows.push(to_db(m.get())?);
                    }
                    qb.push_values(rows, |mut b, m| {
                        b.push_bind(id).push_bind(m);
                    });
                    qb.build().execute(&mut *conn).await.map_err(map_err)?;
                }
                Ok(())
            }

            /// The items of the rows `qb` selects (with
            /// [`ITEM_COLUMNS`](crate::adapters::sql::disclosure_impl::ITEM_COLUMNS)).
            async fn disclosure_items_where(
                &self,
                mut qb: sqlx::QueryBuilder<'_, $db>,
            ) -> Result<Vec<$crate::disclosure::Item>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::{ItemRow, item_from_row};
                qb.build_query_as::<ItemRow>()
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::adapters::sql::map_err)?
                    .into_iter()
                    .map(item_from_row)
                    .collect()
            }

            /// The organisations' ids as bound, sorted and without
            /// repeats.
            fn disclosure_org_ids(
                orgs: &[$crate::OrgId],
            ) -> Result<Vec<i64>, $crate::store::StoreError> {
                let mut ids = orgs
                    .iter()
                    .map(|o| $crate::adapters::sql::to_db(o.get()))
                    .collect::<Result<Vec<_>, _>>()?;
                ids.sort_unstable();
                ids.dedup();
                Ok(ids)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::DisclosureStore for $store {
            async fn insert_item(
                &self,
                new: $crate::disclosure::NewItem,
                effects: $crate::store::Effects,
            ) -> Result<$crate::disclosure::Item, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::class_col;
                use $crate::adapters::sql::{conflict, from_db, map_err, to_db};
                effects.check_new_ids(1)?;
                let mut tx = self.begin_write().await?;
                // The row first, for its id; then the document, which
                // names the id, in the same transaction.
                let draft = new.clone().into_item($crate::ItemId::new(0));
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO disclosure_items (org_id, class, stage, version, record) \
                     VALUES ($1, $2, $3, 1, '{}') RETURNING id",
                )
                .bind(to_db(new.org().get())?)
                .bind(class_col(draft.class()))
                .bind($crate::adapters::sql::disclosure_impl::stage_col(&draft))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let item = new.into_item($crate::ItemId::new(from_db(id)?));
                if !Self::disclosure_write_item(&mut tx, &item, item.version()).await? {
                    return Err(conflict(item.id()));
                }
                Self::disclosure_replace_subjects(&mut tx, &item).await?;
                let effects = effects.with_new_ids(&[item.id().get()])?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(item)
            }

            async fn update_item(
                &self,
                item: $crate::disclosure::Item,
                effects: $crate::store::Effects,
            ) -> Result<$crate::disclosure::Item, $crate::store::StoreError> {
                use $crate::adapters::sql::{conflict, map_err, not_found, to_db};
                let mut tx = self.begin_write().await?;
                let old = Self::disclosure_item_in(&mut tx, to_db(item.id().get())?)
                    .await?
                    .ok_or_else(|| not_found(item.id()))?;
                $crate::store::check_item_update(&old, &item)?;
                let based_on = item.version();
                let stored = item.bumped();
                if !Self::disclosure_write_item(&mut tx, &stored, based_on).await? {
                    return Err(conflict(stored.id()));
                }
                Self::disclosure_replace_subjects(&mut tx, &stored).await?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                if old.content().is_some() && stored.content().is_none() {
                    // A review found the content classified: it must not
                    // outlive the write in the backend's files.
                    self.after_content_dropped().await;
                }
                Ok(stored)
            }

            async fn item(
                &self,
                id: $crate::ItemId,
            ) -> Result<Option<$crate::disclosure::Item>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                Self::disclosure_item_in(&mut conn, to_db(id.get())?).await
            }

            async fn items_of(
                &self,
                orgs: &[$crate::OrgId],
            ) -> Result<Vec<$crate::disclosure::Item>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::ITEM_COLUMNS;
                use $crate::adapters::sql::IN_CHUNK;
                let ids = Self::disclosure_org_ids(orgs)?;
                let mut out = Vec::new();
                for chunk in ids.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                        "SELECT {ITEM_COLUMNS} FROM disclosure_items WHERE org_id IN ("
                    ));
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY id");
                    out.extend(self.disclosure_items_where(qb).await?);
                }
                out.sort_by_key(|i: &$crate::disclosure::Item| i.id());
                Ok(out)
            }

            async fn published_items(
                &self,
                read: $crate::store::PublishedRead,
            ) -> Result<Vec<$crate::disclosure::Item>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::ITEM_COLUMNS;
                use $crate::adapters::sql::to_db;
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {ITEM_COLUMNS} FROM disclosure_items WHERE stage = 'published'"
                ));
                if let Some(after) = read.after {
                    qb.push(" AND id > ");
                    qb.push_bind(to_db(after.get())?);
                }
                if let Some(before) = read.before {
                    qb.push(" AND id < ");
                    qb.push_bind(to_db(before.get())?);
                }
                qb.push(if read.newest_first {
                    " ORDER BY id DESC LIMIT "
                } else {
                    " ORDER BY id LIMIT "
                });
                qb.push_bind(i64::try_from(read.limit.max(1)).unwrap_or(i64::MAX));
                let items = self.disclosure_items_where(qb).await?;
                // The column chose the rows; the documents decide. A row
                // whose document is not published (a hand-edited stage) is
                // corrupt (`item_from_row` compares them), and this check
                // stands even if that comparison ever loosens.
                if let Some(i) = items.iter().find(|i| i.publication().is_none()) {
                    return Err($crate::adapters::sql::corrupt(format!(
                        "disclosure_items row {}: selected as published, but its record is not",
                        i.id().get()
                    )));
                }
                Ok(items)
            }

            async fn notices_about(
                &self,
                member: $crate::MemberId,
            ) -> Result<Vec<$crate::disclosure::Item>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::subjects_of;
                use $crate::adapters::sql::to_db;
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT i.id, i.org_id, i.class, i.stage, i.version, i.record \
                     FROM disclosure_items i JOIN disclosure_subjects s ON s.item_id = i.id \
                     WHERE s.member_id = ",
                );
                qb.push_bind(to_db(member.get())?);
                qb.push(" ORDER BY i.id");
                let items = self.disclosure_items_where(qb).await?;
                if let Some(i) = items.iter().find(|i| !subjects_of(i).contains(&member)) {
                    return Err($crate::adapters::sql::corrupt(format!(
                        "disclosure_subjects: item {} does not name {member}",
                        i.id().get()
                    )));
                }
                Ok(items)
            }

            async fn insert_application(
                &self,
                new: $crate::disclosure::NewApplication,
                effects: $crate::store::Effects,
            ) -> Result<$crate::disclosure::Application, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, to_db, to_json};
                use $crate::disclosure::Application;
                use $crate::store::document::ApplicationDocument;
                effects.check_new_ids(1)?;
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO disclosure_applications (org_id, version, record) \
                     VALUES ($1, 1, '{}') RETURNING id",
                )
                .bind(to_db(new.org.get())?)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let a = Application::from_new($crate::ApplicationId::new(from_db(id)?), new);
                sqlx::query("UPDATE disclosure_applications SET record = $1 WHERE id = $2")
                    .bind(to_json(&ApplicationDocument::from_domain(&a))?)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let effects = effects.with_new_ids(&[a.id().get()])?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(a)
            }

            async fn update_application(
                &self,
                application: $crate::disclosure::Application,
                effects: $crate::store::Effects,
            ) -> Result<$crate::disclosure::Application, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::{ApplicationRow, application_from_row};
                use $crate::adapters::sql::{conflict, map_err, not_found, to_db, to_json};
                use $crate::store::document::ApplicationDocument;
                let id = to_db(application.id().get())?;
                let mut tx = self.begin_write().await?;
                let old = sqlx::query_as::<_, ApplicationRow>(
                    "SELECT id, org_id, version, record FROM disclosure_applications WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?
                .map(application_from_row)
                .transpose()?
                .ok_or_else(|| not_found(application.id()))?;
                $crate::store::check_application_update(&old, &application)?;
                let based_on = application.version();
                let stored = application.bumped();
                let updated = sqlx::query(
                    "UPDATE disclosure_applications SET version = $1, record = $2 \
                     WHERE id = $3 AND version = $4",
                )
                .bind(to_db(stored.version())?)
                .bind(to_json(&ApplicationDocument::from_domain(&stored))?)
                .bind(id)
                .bind(to_db(based_on)?)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if updated.rows_affected() != 1 {
                    return Err(conflict(stored.id()));
                }
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn application(
                &self,
                id: $crate::ApplicationId,
            ) -> Result<Option<$crate::disclosure::Application>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::{ApplicationRow, application_from_row};
                use $crate::adapters::sql::{map_err, to_db};
                sqlx::query_as::<_, ApplicationRow>(
                    "SELECT id, org_id, version, record FROM disclosure_applications WHERE id = $1",
                )
                .bind(to_db(id.get())?)
                .fetch_optional(&self.pool)
                .await
                .map_err(map_err)?
                .map(application_from_row)
                .transpose()
            }

            async fn applications_of(
                &self,
                orgs: &[$crate::OrgId],
            ) -> Result<Vec<$crate::disclosure::Application>, $crate::store::StoreError> {
                use $crate::adapters::sql::disclosure_impl::{ApplicationRow, application_from_row};
                use $crate::adapters::sql::{map_err, IN_CHUNK};
                let ids = Self::disclosure_org_ids(orgs)?;
                let mut out = Vec::new();
                for chunk in ids.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, org_id, version, record FROM disclosure_applications \
                         WHERE org_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY id");
                    for row in qb
                        .build_query_as::<ApplicationRow>()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?
                    {
                        out.push(application_from_row(row)?);
                    }
                }
                out.sort_by_key(|a: &$crate::disclosure::Application| a.id());
                Ok(out)
            }
        }
    };
}
