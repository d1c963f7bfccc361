//! The store traits over SQL, written once.
//!
//! `sql_store!(Store, Db)` implements [`OrgStore`](crate::store::OrgStore),
//! [`MemberStore`](crate::store::MemberStore) and
//! [`RecordStore`](crate::store::RecordStore) for a backend struct that has
//! `pool: sqlx::Pool<Db>`, `tree: TreeCache` and
//! `async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Db>, StoreError>`
//! (a transaction that takes the write lock: `BEGIN IMMEDIATE` on SQLite).
//! The statements are the same on SQLite and PostgreSQL: positional
//! parameters `$1, $2 …` introduced in order, and `RETURNING`.
//!
//! Every write runs in one transaction and checks before it changes: the
//! tree rules are re-checked on the tree read inside the transaction (after
//! bumping `tree_meta`, which serialises organisation writers), and member
//! writes compare versions in the `UPDATE … WHERE version = $n`.

macro_rules! sql_store {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn load_tree(
                conn: &mut <$db as sqlx::Database>::Connection,
            ) -> Result<$crate::org::OrgTree, $crate::store::StoreError> {
                let rows: Vec<$crate::adapters::sql::OrgRow> =
                    sqlx::query_as("SELECT id, name, kind, parent_id, version FROM orgs")
                        .fetch_all(&mut *conn)
                        .await
                        .map_err($crate::adapters::sql::map_err)?;
                $crate::adapters::sql::tree_from_rows(rows)
            }

            /// Bumps `tree_meta` (locking it on PostgreSQL) and reads the
            /// tree inside the transaction.
            async fn lock_tree(
                conn: &mut <$db as sqlx::Database>::Connection,
            ) -> Result<$crate::org::OrgTree, $crate::store::StoreError> {
                sqlx::query("UPDATE tree_meta SET version = version + 1 WHERE id = 1")
                    .execute(&mut *conn)
                    .await
                    .map_err($crate::adapters::sql::map_err)?;
                Self::load_tree(conn).await
            }

            async fn select_members(
                &self,
                sql: &str,
                bind: Option<i64>,
            ) -> Result<Vec<$crate::member::Member>, $crate::store::StoreError> {
                let query = sqlx::query_as::<_, $crate::adapters::sql::MemberRow>(sql);
                let query = match bind {
                    Some(b) => query.bind(b),
                    None => query,
                };
                query
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::adapters::sql::map_err)?
                    .into_iter()
                    .map($crate::adapters::sql::member_from_row)
                    .collect()
            }

            /// Replaces a member's record if its stored version is
            /// `member.version` (bumping it), inside the caller's
            /// transaction; `update_member` and an expulsion use it.
            async fn write_member(
                conn: &mut <$db as sqlx::Database>::Connection,
                member: $crate::member::Member,
            ) -> Result<$crate::member::Member, $crate::store::StoreError> {
                use $crate::adapters::sql::{conflict, map_err, not_found, to_db, to_json};
                let id = to_db(member.id.get())?;
                let updated = sqlx::query(
                    "UPDATE members SET version = version + 1, id_number = $1, employee_no = $2, \
                     home_org_id = $3, record = $4 WHERE id = $5 AND version = $6",
                )
                .bind(member.identity.id_number.as_str())
                .bind(member.contact.employee_no.as_ref().map(|n| n.as_str().to_owned()))
                .bind(to_db(member.home().get())?)
                .bind(to_json(&$crate::store::document::MemberDocument::from_member(&member))?)
                .bind(id)
                .bind(to_db(member.version)?)
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
                if updated.rows_affected() == 0 {
                    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(map_err)?;
                    return Err(match exists {
                        Some(_) => conflict(member.id),
                        None => not_found(member.id),
                    });
                }
                let stored = $crate::member::Member {
                    version: member.version + 1,
                    ..member
                };
                Self::replace_online(conn, id, &stored).await?;
                Ok(stored)
            }

            async fn replace_online(
                conn: &mut <$db as sqlx::Database>::Connection,
                member: i64,
                m: &$crate::member::Member,
            ) -> Result<(), $crate::store::StoreError> {
                sqlx::query("DELETE FROM member_online WHERE member_id = $1")
                    .bind(member)
                    .execute(&mut *conn)
                    .await
                    .map_err($crate::adapters::sql::map_err)?;
                Self::insert_online(conn, member, m).await
            }

            async fn insert_online(
                conn: &mut <$db as sqlx::Database>::Connection,
                member: i64,
                m: &$crate::member::Member,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                for org in m.memberships.online().keys() {
                    sqlx::query("INSERT INTO member_online (org_id, member_id) VALUES ($1, $2)")
                        .bind(to_db(org.get())?)
                        .bind(member)
                        .execute(&mut *conn)
                        .await
                        .map_err(map_err)?;
                }
                Ok(())
            }

            async fn insert_record(
                conn: &mut <$db as sqlx::Database>::Connection,
                entry: $crate::record::NewRecordEntry,
            ) -> Result<$crate::record::RecordEntry, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, to_db, to_json};
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO activity_records \
                     (member_id, occurred_on, activity, recorded_by, recorded_at, acted_by) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(to_db(entry.member.get())?)
                .bind(entry.occurred_on)
                .bind(to_json(&$crate::store::document::ActivityDocument::from_domain(&entry.activity))?)
                .bind(entry.recorded_by.map(|o| to_db(o.get())).transpose()?)
                .bind(entry.recorded_at)
                .bind(entry.acted_by.as_ref().map(|a| to_json(&$crate::store::document::ActedByDocument::from_domain(a))).transpose()?)
                .fetch_one(&mut *conn)
                .await
                .map_err(map_err)?;
                Ok(entry.into_entry($crate::RecordId::new(from_db(id)?)))
            }

            /// Commits a write's side effects in its transaction: checks
            /// that every activity-record entry is about a stored member
            /// (`known` is the member the write itself holds), appends the
            /// entries, and appends the journal entries with ids taken from
            /// `journal_head` (which serialises journal writers, so ids
            /// increase in commit order).
            async fn apply_effects(
                conn: &mut <$db as sqlx::Database>::Connection,
                effects: $crate::store::Effects,
                known: Option<$crate::MemberId>,
            ) -> Result<Vec<$crate::record::RecordEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, not_found, to_db};
                if effects.is_empty() {
                    return Ok(Vec::new());
                }
                let (records, journal) = effects.into_parts();
                let mut named: Vec<$crate::MemberId> =
                    records.iter().map(|r| r.member).filter(|m| Some(*m) != known).collect();
                named.sort_unstable();
                named.dedup();
                for m in named {
                    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE id = $1")
                        .bind(to_db(m.get())?)
                        .fetch_optional(&mut *conn)
                        .await
                        .map_err(map_err)?;
                    if exists.is_none() {
                        return Err(not_found(m));
                    }
                }
                let mut stored = Vec::with_capacity(records.len());
                for r in records {
                    stored.push(Self::insert_record(conn, r).await?);
                }
                if !journal.is_empty() {
                    let n = i64::try_from(journal.len()).unwrap_or(i64::MAX);
                    let last: i64 = sqlx::query_scalar(
                        "UPDATE journal_head SET last = last + $1 WHERE id = 1 RETURNING last",
                    )
                    .bind(n)
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(map_err)?;
                    for (id, j) in (last.saturating_sub(n).saturating_add(1)..).zip(journal) {
                        sqlx::query(
                            "INSERT INTO journal (id, stream, org_id, member_id, at, body) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(id)
                        .bind(j.stream.as_str())
                        .bind(j.org.map(|o| to_db(o.get())).transpose()?)
                        .bind(j.member.map(|m| to_db(m.get())).transpose()?)
                        .bind(j.at)
                        .bind(j.body)
                        .execute(&mut *conn)
                        .await
                        .map_err(map_err)?;
                    }
                }
                Ok(stored)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::Store for $store {
            async fn close(&self) -> Result<(), $crate::store::StoreError> {
                self.pool.close().await;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::OrgStore for $store {
            async fn org_tree(
                &self,
            ) -> Result<std::sync::Arc<$crate::org::OrgTree>, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                let version: i64 = sqlx::query_scalar("SELECT version FROM tree_meta WHERE id = 1")
                    .fetch_one(&self.pool)
                    .await
                    .map_err(map_err)?;
                if let Some(tree) = self.tree.get(version) {
                    return Ok(tree);
                }
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let tree = std::sync::Arc::new(Self::load_tree(&mut conn).await?);
                self.tree.put(version, &tree);
                Ok(tree)
            }

            async fn insert_org(
                &self,
                new: $crate::org::NewOrganisation,
                effects: $crate::store::Effects,
            ) -> Result<$crate::org::Organisation, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, rejected, to_db, to_json};
                let mut tx = self.begin_write().await?;
                let tree = Self::lock_tree(&mut tx).await?;
                tree.check_new(&new).map_err(rejected)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO orgs (name, kind, parent_id, version) \
                     VALUES ($1, $2, $3, 1) RETURNING id",
                )
                .bind(new.name.as_str())
                .bind(to_json(&$crate::store::document::OrgKindDocument::from_domain(&new.kind))?)
                .bind(new.parent.map(|p| to_db(p.get())).transpose()?)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok($crate::org::Organisation {
                    id: $crate::OrgId::new(from_db(id)?),
                    name: new.name,
                    kind: new.kind,
                    parent: new.parent,
                    version: 1,
                })
            }

            async fn update_org(
                &self,
                org: $crate::org::Organisation,
                effects: $crate::store::Effects,
            ) -> Result<$crate::org::Organisation, $crate::store::StoreError> {
                use $crate::adapters::sql::{conflict, map_err, not_found, rejected, to_db};
                let mut tx = self.begin_write().await?;
                let tree = Self::lock_tree(&mut tx).await?;
                let current = tree.get(org.id).ok_or_else(|| not_found(org.id))?;
                if current.version != org.version {
                    return Err(conflict(org.id));
                }
                if current.kind != org.kind {
                    return Err($crate::store::StoreError::new(
                        $crate::store::StoreErrorKind::Rejected,
                        "the kind of an organisation cannot change",
                    ));
                }
                tree.check_reparent(org.id, org.parent).map_err(rejected)?;
                sqlx::query("UPDATE orgs SET name = $1, parent_id = $2, version = version + 1 WHERE id = $3")
                    .bind(org.name.as_str())
                    .bind(org.parent.map(|p| to_db(p.get())).transpose()?)
                    .bind(to_db(org.id.get())?)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok($crate::org::Organisation {
                    version: org.version + 1,
                    ..org
                })
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::MemberStore for $store {
            async fn insert_members(
                &self,
                new: Vec<$crate::member::NewMember>,
                effects: $crate::store::Effects,
            ) -> Result<Vec<$crate::member::Member>, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, to_db, to_json};
                let mut tx = self.begin_write().await?;
                let mut stored = Vec::with_capacity(new.len());
                for m in new {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO members (version, id_number, employee_no, home_org_id, record) \
                         VALUES (1, $1, $2, $3, $4) RETURNING id",
                    )
                    .bind(m.identity.id_number.as_str())
                    .bind(m.contact.employee_no.as_ref().map(|n| n.as_str().to_owned()))
                    .bind(to_db(m.memberships.home().get())?)
                    .bind(to_json(&$crate::store::document::MemberDocument::from_new(&m))?)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    let member = m.into_member($crate::MemberId::new(from_db(id)?));
                    Self::insert_online(&mut tx, id, &member).await?;
                    stored.push(member);
                }
                // The events of the new records name their ids (NEW_ID).
                let ids: Vec<u64> = stored.iter().map(|m| m.id().get()).collect();
                let effects = effects.with_new_ids(&ids)?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn get_member(
                &self,
                id: $crate::MemberId,
            ) -> Result<Option<$crate::member::Member>, $crate::store::StoreError> {
                let sql = "SELECT id, version, home_org_id, record FROM members WHERE id = $1";
                let id = $crate::adapters::sql::to_db(id.get())?;
                Ok(self.select_members(sql, Some(id)).await?.into_iter().next())
            }

            async fn get_members(
                &self,
                ids: &[$crate::MemberId],
            ) -> Result<Vec<$crate::member::Member>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, member_from_row, to_db, IN_CHUNK};
                let mut ids = ids.iter().map(|m| to_db(m.get())).collect::<Result<Vec<_>, _>>()?;
                ids.sort_unstable();
                ids.dedup();
                let mut out = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT id, version, home_org_id, record FROM members WHERE id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY id");
                    for row in qb
                        .build_query_as::<$crate::adapters::sql::MemberRow>()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?
                    {
                        out.push(member_from_row(row)?);
                    }
                }
                Ok(out)
            }

            async fn placement(
                &self,
                id: $crate::MemberId,
            ) -> Result<Option<$crate::access::Placement>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, placement_from_row, to_db};
                // The memberships alone, cut out of the document by the
                // database: no lifecycle is decoded or replayed.
                sqlx::query_as::<_, (i64, Option<i64>, Option<String>)>(Self::PLACEMENT_SQL)
                    .bind(to_db(id.get())?)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(map_err)?
                    .map(|row| placement_from_row(id, row))
                    .transpose()
            }

            async fn find_by_id_number(
                &self,
                id_number: &$crate::member::IdNumber,
            ) -> Result<Option<$crate::member::Member>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, member_from_row};
                sqlx::query_as("SELECT id, version, home_org_id, record FROM members WHERE id_number = $1")
                    .bind(id_number.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(map_err)?
                    .map(member_from_row)
                    .transpose()
            }

            async fn find_by_employee_no(
                &self,
                no: &$crate::member::EmployeeNo,
            ) -> Result<Option<$crate::member::Member>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, member_from_row};
                sqlx::query_as("SELECT id, version, home_org_id, record FROM members WHERE employee_no = $1")
                    .bind(no.as_str())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(map_err)?
                    .map(member_from_row)
                    .transpose()
            }

            async fn update_member(
                &self,
                member: $crate::member::Member,
                effects: $crate::store::Effects,
            ) -> Result<
                ($crate::member::Member, Vec<$crate::record::RecordEntry>),
                $crate::store::StoreError,
            > {
                use $crate::adapters::sql::map_err;
                if !effects.records_only_about(member.id) {
                    return Err($crate::store::StoreError::new(
                        $crate::store::StoreErrorKind::Rejected,
                        "the activity-record entry belongs to another member",
                    ));
                }
                let mut tx = self.begin_write().await?;
                let stored = Self::write_member(&mut tx, member).await?;
                let entries = Self::apply_effects(&mut tx, effects, Some(stored.id)).await?;
                tx.commit().await.map_err(map_err)?;
                Ok((stored, entries))
            }

            async fn members_by_home(
                &self,
                orgs: &[$crate::OrgId],
            ) -> Result<Vec<$crate::member::Member>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, member_from_row, to_db};
                if orgs.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, version, home_org_id, record FROM members WHERE home_org_id IN (",
                );
                let mut list = qb.separated(", ");
                for org in orgs {
                    list.push_bind(to_db(org.get())?);
                }
                qb.push(") ORDER BY id");
                qb.build_query_as::<$crate::adapters::sql::MemberRow>()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?
                    .into_iter()
                    .map(member_from_row)
                    .collect()
            }

            async fn members_by_online(
                &self,
                org: $crate::OrgId,
            ) -> Result<Vec<$crate::member::Member>, $crate::store::StoreError> {
                let sql = "SELECT m.id, m.version, m.home_org_id, m.record FROM members m \
                           JOIN member_online o ON o.member_id = m.id WHERE o.org_id = $1 ORDER BY m.id";
                let org = $crate::adapters::sql::to_db(org.get())?;
                self.select_members(sql, Some(org)).await
            }

            async fn members_of_branches(
                &self,
                branches: &[$crate::OrgId],
            ) -> Result<Vec<($crate::OrgId, $crate::member::Member)>, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, member_from_row, to_db, IN_CHUNK};
                let mut ids = branches.iter().map(|o| to_db(o.get())).collect::<Result<Vec<_>, _>>()?;
                ids.sort_unstable();
                ids.dedup();
                let mut out = Vec::new();
                // Home members and online members in one statement; each
                // chunk binds its ids twice.
                for chunk in ids.chunks(IN_CHUNK / 2) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "SELECT home_org_id, id, version, home_org_id, record FROM members \
                         WHERE home_org_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") UNION ALL SELECT o.org_id, m.id, m.version, m.home_org_id, m.record \
                             FROM member_online o JOIN members m ON m.id = o.member_id \
                             WHERE o.org_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(") ORDER BY 1, 2");
                    for (org, id, version, home, record) in qb
                        .build_query_as::<(i64, i64, i64, i64, String)>()
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?
                    {
                        let org = $crate::OrgId::new(from_db(org)?);
                        out.push((org, member_from_row((id, version, home, record))?));
                    }
                }
                Ok(out)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::RecordStore for $store {
            async fn append_record(
                &self,
                entry: $crate::record::NewRecordEntry,
                effects: $crate::store::Effects,
            ) -> Result<$crate::record::RecordEntry, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, not_found, to_db};
                let mut tx = self.begin_write().await?;
                let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE id = $1")
                    .bind(to_db(entry.member.get())?)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if exists.is_none() {
                    return Err(not_found(entry.member));
                }
                let member = entry.member;
                let stored = Self::insert_record(&mut tx, entry).await?;
                Self::apply_effects(&mut tx, effects, Some(member)).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn records_of(
                &self,
                member: $crate::MemberId,
            ) -> Result<Vec<$crate::record::RecordEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, record_from_row, to_db};
                sqlx::query_as::<_, $crate::adapters::sql::RecordRow>(
                    "SELECT id, member_id, occurred_on, activity, recorded_by, recorded_at, acted_by \
                     FROM activity_records WHERE member_id = $1 ORDER BY id",
                )
                .bind(to_db(member.get())?)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?
                .into_iter()
                .map(record_from_row)
                .collect()
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::JournalStore for $store {
            async fn journal(
                &self,
                stream: &$crate::store::Stream,
                after: Option<$crate::JournalId>,
                limit: usize,
            ) -> Result<Vec<$crate::store::JournalEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db, journal_from_row};
                let limit = i64::try_from(limit.min($crate::store::MAX_JOURNAL_PAGE)).unwrap_or(0);
                sqlx::query_as::<_, $crate::adapters::sql::JournalRow>(
                    "SELECT id, stream, org_id, member_id, at, body FROM journal \
                     WHERE stream = $1 AND id > $2 ORDER BY id LIMIT $3",
                )
                .bind(stream.as_str())
                .bind(to_db(after.map_or(0, |a| a.get()))?)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?
                .into_iter()
                .map(journal_from_row)
                .collect()
            }
        }
    };
}
