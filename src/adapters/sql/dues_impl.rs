//! [`DuesStore`](crate::store::DuesStore) over SQL, written once.
//!
//! `sql_dues_store!(Store, Db, MoneyColumn)` implements it for a backend
//! struct with `pool`, `begin_write`, and `money_col(Money) -> MoneyColumn`
//! / `money_from_col(MoneyColumn) -> Result<Money, StoreError>` (exact
//! `NUMERIC` on PostgreSQL, decimal text on SQLite).
//!
//! The ledger is append-only (triggers refuse `UPDATE` and `DELETE`). What
//! must hold under concurrency is in the schema: one payment per external
//! payment id (a unique key), one live assessment per member and month
//! (`dues_assessed`), one open self-departure case per member (a partial
//! unique index), and each member's ledger version in `dues_heads`, compared
//! and bumped by every write that depends on what the caller read (the
//! `UPDATE … WHERE version = $n` row-locks it on PostgreSQL; SQLite's
//! `BEGIN IMMEDIATE` serialises writers).

macro_rules! sql_dues_store {
    ($store:ty, $db:ty, $money:ty) => {
        impl $store {
            /// A ledger row back into the domain; the exact amount column
            /// must agree with the entry.
            fn ledger_from_row(
                (id, branch, recorded_on, entry, amount): (
                    i64,
                    i64,
                    chrono::NaiveDate,
                    String,
                    Option<$money>,
                ),
            ) -> Result<$crate::dues::LedgerEntry, $crate::store::StoreError> {
                use $crate::adapters::sql::{corrupt, from_db};
                use $crate::dues::LedgerEntryKind as K;
                let what = format!("dues_ledger row {id}");
                let kind = $crate::store::document::decode_domain::<
                    $crate::store::document::LedgerEntryDocument,
                >(&entry, "dues_ledger", id)?;
                let expected = match &kind {
                    K::Assessment { amount, .. }
                    | K::Payment { amount, .. }
                    | K::Allocation { amount, .. } => Some(*amount),
                    K::Reversal { .. } | K::Exemption { .. } => None,
                };
                let stored = amount.map(Self::money_from_col).transpose()?;
                if stored != expected {
                    return Err(corrupt(format!("{what}: the amount column disagrees with the entry")));
                }
                Ok($crate::dues::LedgerEntry {
                    id: $crate::dues::EntryId::new(from_db(id)?),
                    branch: $crate::OrgId::new(from_db(branch)?),
                    recorded_on,
                    kind,
                })
            }

            async fn insert_ledger(
                conn: &mut <$db as sqlx::Database>::Connection,
                new: $crate::dues::NewLedgerEntry,
                payment_entry: Option<i64>,
            ) -> Result<$crate::dues::LedgerEntry, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err};
                let (branch, recorded_on, member, kind, amount, payment_id, payment_entry, entry) =
                    Self::ledger_binds(&new, payment_entry)?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO dues_ledger (branch_id, recorded_on, member_id, kind, amount, \
                     payment_id, payment_entry, entry) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(branch)
                .bind(recorded_on)
                .bind(member)
                .bind(kind)
                .bind(amount)
                .bind(payment_id)
                .bind(payment_entry)
                .bind(entry)
                .fetch_one(&mut *conn)
                .await
                .map_err(map_err)?;
                Ok(new.into_entry($crate::dues::EntryId::new(from_db(id)?)))
            }

            /// Compares the member's ledger version with `based_on` and adds
            /// `added` to it; `false` when the version moved on.
            async fn bump_head(
                conn: &mut <$db as sqlx::Database>::Connection,
                member: i64,
                based_on: u64,
                added: u64,
            ) -> Result<bool, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                sqlx::query("INSERT INTO dues_heads (member_id, version) VALUES ($1, 0) ON CONFLICT (member_id) DO NOTHING")
                    .bind(member)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                let done = sqlx::query("UPDATE dues_heads SET version = version + $1 WHERE member_id = $2 AND version = $3")
                    .bind(to_db(added)?)
                    .bind(member)
                    .bind(to_db(based_on)?)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                Ok(done.rows_affected() == 1)
            }

            async fn ledger_where(
                conn: &mut <$db as sqlx::Database>::Connection,
                column: &str,
                ids: &[i64],
            ) -> Result<Vec<$crate::dues::LedgerEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, branch_id, recorded_on, entry, amount FROM dues_ledger WHERE ",
                );
                qb.push(column).push(" IN (");
                let mut list = qb.separated(", ");
                for id in ids {
                    list.push_bind(*id);
                }
                qb.push(") ORDER BY id");
                qb.build_query_as::<(i64, i64, chrono::NaiveDate, String, Option<$money>)>()
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(map_err)?
                    .into_iter()
                    .map(Self::ledger_from_row)
                    .collect()
            }

            fn case_from_row(
                (id, status, record): (i64, String, String),
            ) -> Result<$crate::dues::arrears::SelfDepartureCase, $crate::store::StoreError> {
                use $crate::adapters::sql::{corrupt, from_db};
                let what = format!("dues_cases row {id}");
                let mut case = $crate::store::document::decode_domain::<
                    $crate::store::document::DepartureCaseDocument,
                >(&record, "dues_cases", id)?;
                case.id = $crate::CaseId::new(from_db(id)?);
                if Self::case_status(&case) != status {
                    return Err(corrupt(format!("{what}: the status column disagrees with the case")));
                }
                Ok(case)
            }

            fn case_status(case: &$crate::dues::arrears::SelfDepartureCase) -> &'static str {
                if case.status == $crate::dues::arrears::CaseStatus::Open {
                    "open"
                } else {
                    "closed"
                }
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::DuesStore for $store {
            async fn put_dues_profile(
                &self,
                profile: $crate::dues::DuesProfile,
                effects: $crate::store::Effects,
            ) -> Result<$crate::dues::DuesProfile, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db, to_json};
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO dues_profiles (member_id, record) VALUES ($1, $2) \
                     ON CONFLICT (member_id) DO UPDATE SET record = excluded.record",
                )
                .bind(to_db(profile.member.get())?)
                .bind(to_json(&$crate::store::document::DuesProfileDocument::from_domain(&profile))?)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(profile)
            }

            async fn dues_profile(
                &self,
                member: $crate::MemberId,
            ) -> Result<Option<$crate::dues::DuesProfile>, $crate::store::StoreError> {
                Ok(self.dues_profiles(&[member]).await?.into_iter().next())
            }

            async fn dues_profiles(
                &self,
                members: &[$crate::MemberId],
            ) -> Result<Vec<$crate::dues::DuesProfile>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                if members.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT member_id, record FROM dues_profiles WHERE member_id IN (",
                );
                let mut list = qb.separated(", ");
                for m in members {
                    list.push_bind(to_db(m.get())?);
                }
                qb.push(") ORDER BY member_id");
                qb.build_query_as::<(i64, String)>()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?
                    .into_iter()
                    .map(|(id, record)| {
                        $crate::store::document::decode_domain::<
                            $crate::store::document::DuesProfileDocument,
                        >(&record, "dues_profiles", id)
                    })
                    .collect()
            }

            async fn append_assessments(
                &self,
                entries: Vec<$crate::dues::NewLedgerEntry>,
                effects: $crate::store::Effects,
            ) -> Result<Vec<$crate::dues::LedgerEntry>, $crate::store::StoreError> {
                self.assessments_batch(entries, effects).await
            }

            async fn record_payments(
                &self,
                batch: Vec<($crate::dues::ledger::NewPayment, $crate::store::Effects, u64)>,
            ) -> Result<
                Vec<Result<$crate::dues::ledger::PaymentOutcome, $crate::store::StoreError>>,
                $crate::store::StoreError,
            > {
                self.payments_batch(batch).await
            }

            async fn record_payment(
                &self,
                payment: $crate::dues::ledger::NewPayment,
                effects: $crate::store::Effects,
                based_on: u64,
            ) -> Result<$crate::dues::ledger::PaymentOutcome, $crate::store::StoreError> {
                // One payment is a batch of one: the same rules, one code path.
                self.payments_batch(vec![(payment, effects, based_on)])
                    .await?
                    .pop()
                    .unwrap_or_else(|| Err($crate::adapters::sql::corrupt("the batch returned no result")))
            }

            async fn append_dues_entry(
                &self,
                entry: $crate::dues::NewLedgerEntry,
                based_on: u64,
                effects: $crate::store::Effects,
            ) -> Result<$crate::dues::LedgerEntry, $crate::store::StoreError> {
                use $crate::adapters::sql::{conflict, map_err, not_found, to_db};
                use $crate::dues::LedgerEntryKind as K;
                use $crate::store::{StoreError, StoreErrorKind};
                let rejected = |m: String| StoreError::new(StoreErrorKind::Rejected, m);
                let member = entry.kind.member();
                let m = to_db(member.get())?;
                let mut tx = self.begin_write().await?;
                if !Self::bump_head(&mut tx, m, based_on, 1).await? {
                    return Err(conflict(format!("the dues ledger of {member}")));
                }
                let mine = Self::ledger_where(&mut tx, "member_id", &[m]).await?;
                let mut unassess = None;
                match &entry.kind {
                    K::Reversal { reverses, .. } => {
                        let target = Self::ledger_where(&mut tx, "id", &[to_db(reverses.get())?])
                            .await?
                            .pop()
                            .ok_or_else(|| not_found(reverses))?;
                        if target.kind.member() != member {
                            return Err(rejected("the reversal names another member".into()));
                        }
                        $crate::dues::ledger::check_reversal(&mine, *reverses).map_err(|e| rejected(e.to_string()))?;
                        if let K::Assessment { month, .. } = target.kind {
                            unassess = Some(month);
                        }
                    }
                    K::Exemption { relief } => {
                        let reversed: std::collections::BTreeSet<$crate::dues::EntryId> = mine
                            .iter()
                            .filter_map(|e| match e.kind {
                                K::Reversal { reverses, .. } => Some(reverses),
                                _ => None,
                            })
                            .collect();
                        let in_force: Vec<$crate::dues::Relief> = mine
                            .iter()
                            .filter(|e| !reversed.contains(&e.id))
                            .filter_map(|e| match &e.kind {
                                K::Exemption { relief } => Some(relief.clone()),
                                _ => None,
                            })
                            .collect();
                        $crate::dues::ledger::check_relief(&in_force, relief).map_err(|e| rejected(e.to_string()))?;
                    }
                    _ => return Err(rejected("only reversals and exemptions may be appended here".into())),
                }
                let stored = Self::insert_ledger(&mut tx, entry, None).await?;
                if let Some(month) = unassess {
                    sqlx::query("DELETE FROM dues_assessed WHERE member_id = $1 AND month = $2")
                        .bind(m)
                        .bind(month.index())
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(stored)
            }

            async fn dues_entries_of_member(
                &self,
                member: $crate::MemberId,
            ) -> Result<Vec<$crate::dues::LedgerEntry>, $crate::store::StoreError> {
                self.dues_entries_of_members(&[member]).await
            }

            async fn dues_entries_of_members(
                &self,
                members: &[$crate::MemberId],
            ) -> Result<Vec<$crate::dues::LedgerEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                let ids = members.iter().map(|m| to_db(m.get())).collect::<Result<Vec<_>, _>>()?;
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                Self::ledger_where(&mut conn, "member_id", &ids).await
            }

            async fn dues_entries_of_branches(
                &self,
                branches: &[$crate::OrgId],
            ) -> Result<Vec<$crate::dues::LedgerEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                let ids = branches.iter().map(|b| to_db(b.get())).collect::<Result<Vec<_>, _>>()?;
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                Self::ledger_where(&mut conn, "branch_id", &ids).await
            }

            async fn open_departure_cases(
                &self,
                cases: Vec<($crate::dues::arrears::SelfDepartureCase, $crate::store::Effects)>,
            ) -> Result<Vec<$crate::dues::arrears::SelfDepartureCase>, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, to_db, to_json};
                use $crate::dues::arrears::{CaseStatus, SelfDepartureCase};
                let mut tx = self.begin_write().await?;
                let mut opened = Vec::new();
                for (case, effects) in cases {
                    let m = to_db(case.member.get())?;
                    let open: Option<i64> = sqlx::query_scalar(
                        "SELECT id FROM dues_cases WHERE member_id = $1 AND status = 'open'",
                    )
                    .bind(m)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    if open.is_some() {
                        continue;
                    }
                    let case = SelfDepartureCase { id: $crate::CaseId::new(0), status: CaseStatus::Open, ..case };
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO dues_cases (member_id, branch_id, status, record) \
                         VALUES ($1, $2, 'open', $3) RETURNING id",
                    )
                    .bind(m)
                    .bind(to_db(case.branch.get())?)
                    .bind(to_json(&$crate::store::document::DepartureCaseDocument::from_domain(&case))?)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    let effects = effects.with_new_ids(&[from_db(id)?])?;
                    Self::apply_effects(&mut tx, effects, None).await?;
                    opened.push(SelfDepartureCase { id: $crate::CaseId::new(from_db(id)?), ..case });
                }
                tx.commit().await.map_err(map_err)?;
                Ok(opened)
            }

            async fn departure_case(
                &self,
                id: $crate::CaseId,
            ) -> Result<Option<$crate::dues::arrears::SelfDepartureCase>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                sqlx::query_as::<_, (i64, String, String)>("SELECT id, status, record FROM dues_cases WHERE id = $1")
                    .bind(to_db(id.get())?)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(map_err)?
                    .map(Self::case_from_row)
                    .transpose()
            }

            async fn departure_cases(
                &self,
                branches: &[$crate::OrgId],
            ) -> Result<Vec<$crate::dues::arrears::SelfDepartureCase>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                if branches.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = sqlx::QueryBuilder::<$db>::new(
                    "SELECT id, status, record FROM dues_cases WHERE branch_id IN (",
                );
                let mut list = qb.separated(", ");
                for b in branches {
                    list.push_bind(to_db(b.get())?);
                }
                qb.push(") ORDER BY id");
                qb.build_query_as::<(i64, String, String)>()
                    .fetch_all(&self.pool)
                    .await
                    .map_err(map_err)?
                    .into_iter()
                    .map(Self::case_from_row)
                    .collect()
            }

            async fn update_departure_case(
                &self,
                case: $crate::dues::arrears::SelfDepartureCase,
                effects: $crate::store::Effects,
            ) -> Result<$crate::dues::arrears::SelfDepartureCase, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, not_found, to_db, to_json};
                use $crate::store::{StoreError, StoreErrorKind};
                let id = to_db(case.id.get())?;
                let mut tx = self.begin_write().await?;
                let current = sqlx::query_as::<_, (i64, String, String)>(
                    "SELECT id, status, record FROM dues_cases WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?
                .map(Self::case_from_row)
                .transpose()?
                .ok_or_else(|| not_found(format!("case {}", case.id)))?;
                if current.status != $crate::dues::arrears::CaseStatus::Open {
                    return Err(StoreError::new(
                        StoreErrorKind::Conflict,
                        format!("case {} is no longer open", case.id),
                    ));
                }
                if current.member != case.member || current.branch != case.branch {
                    return Err(StoreError::new(StoreErrorKind::Rejected, "a case keeps its member and branch"));
                }
                sqlx::query("UPDATE dues_cases SET status = $1, record = $2 WHERE id = $3 AND status = 'open'")
                    .bind(Self::case_status(&case))
                    .bind(to_json(&$crate::store::document::DepartureCaseDocument { id: $crate::CaseId::new(0), ..$crate::store::document::DepartureCaseDocument::from_domain(&case) })?)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(case)
            }
        }
    };
}
