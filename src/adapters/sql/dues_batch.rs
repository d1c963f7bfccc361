//! Batch writes of the SQL [`DuesStore`](crate::store::DuesStore): a
//! handful of multi-row statements per call, whatever its size, because
//! each statement costs a round trip (a worker-thread hop on SQLite).
//!
//! `sql_dues_batch!(Store, Db, MoneyColumn, " FOR UPDATE")` adds
//! `assessments_batch` and `payments_batch` to a backend that already has
//! the helpers of `sql_dues_store!`; the last argument locks the members'
//! `dues_heads` rows inside the write transaction where the backend needs
//! it (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers).
//!
//! `RETURNING` gives rows in no promised order, so inserted rows are
//! matched back by a key that is unique within the statement: rows are
//! split into layers (the k-th row of a member, or of a payment, goes to
//! layer k), and each layer is inserted on its own.

/// Splits positions `0..keys.len()` into layers in which no key repeats,
/// keeping the order within each layer.
pub(crate) fn layers<K: std::hash::Hash + Eq>(keys: &[K]) -> Vec<Vec<usize>> {
    let mut seen: std::collections::HashMap<&K, usize> = std::collections::HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let n = seen.entry(k).or_insert(0);
        match out.get_mut(*n) {
            Some(layer) => layer.push(i),
            None => out.push(vec![i]),
        }
        *n += 1;
    }
    out
}

macro_rules! sql_dues_batch {
    ($store:ty, $db:ty, $money:ty, $lock:literal) => {
        impl $store {
            /// The bound columns of a new ledger row: branch, recorded on,
            /// member, kind, amount, external payment id, payment entry,
            /// entry (JSON).
            #[allow(clippy::type_complexity)]
            fn ledger_binds(
                new: &$crate::dues::NewLedgerEntry,
                payment_entry: Option<i64>,
            ) -> Result<
                (i64, chrono::NaiveDate, i64, &'static str, Option<$money>, Option<String>, Option<i64>, String),
                $crate::store::StoreError,
            > {
                use $crate::adapters::sql::{to_db, to_json};
                use $crate::dues::LedgerEntryKind as K;
                let (kind, amount, payment_id) = match &new.kind {
                    K::Assessment { amount, .. } => ("assessment", Some(*amount), None),
                    K::Payment { amount, payment_id, .. } => {
                        ("payment", Some(*amount), Some(payment_id.as_str().to_owned()))
                    }
                    K::Allocation { amount, .. } => ("allocation", Some(*amount), None),
                    K::Reversal { .. } => ("reversal", None, None),
                    K::Exemption { .. } => ("exemption", None, None),
                };
                Ok((
                    to_db(new.branch.get())?,
                    new.recorded_on,
                    to_db(new.kind.member().get())?,
                    kind,
                    amount.map(Self::money_col),
                    payment_id,
                    payment_entry,
                    to_json(&$crate::store::document::LedgerEntryDocument::from_domain(&new.kind))?,
                ))
            }

            /// Inserts ledger rows (chunked); returns `(id, member_id,
            /// payment_entry, payment_id)` of each row, in no promised order.
            #[allow(clippy::type_complexity)]
            async fn insert_ledger_rows(
                conn: &mut <$db as sqlx::Database>::Connection,
                rows: Vec<(i64, chrono::NaiveDate, i64, &'static str, Option<$money>, Option<String>, Option<i64>, String)>,
            ) -> Result<Vec<(i64, i64, Option<i64>, Option<String>)>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, ROW_CHUNK};
                let mut out = Vec::with_capacity(rows.len());
                let mut rows = rows.into_iter().peekable();
                while rows.peek().is_some() {
                    let chunk: Vec<_> = rows.by_ref().take(ROW_CHUNK).collect();
                    let mut qb = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO dues_ledger (branch_id, recorded_on, member_id, kind, amount, \
                         payment_id, payment_entry, entry) ",
                    );
                    qb.push_values(chunk, |mut b, (branch, on, member, kind, amount, pid, pe, entry)| {
                        b.push_bind(branch)
                            .push_bind(on)
                            .push_bind(member)
                            .push_bind(kind)
                            .push_bind(amount)
                            .push_bind(pid)
                            .push_bind(pe)
                            .push_bind(entry);
                    });
                    qb.push(" RETURNING id, member_id, payment_entry, payment_id");
                    out.extend(
                        qb.build_query_as::<(i64, i64, Option<i64>, Option<String>)>()
                            .fetch_all(&mut *conn)
                            .await
                            .map_err(map_err)?,
                    );
                }
                Ok(out)
            }

            /// Runs `SELECT <head> <ids> <tail>` for chunks of `ids`.
            async fn select_in<T>(
                conn: &mut <$db as sqlx::Database>::Connection,
                head: &str,
                ids: &[i64],
                tail: &str,
            ) -> Result<Vec<T>, $crate::store::StoreError>
            where
                T: Send + Unpin + for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row>,
            {
                use $crate::adapters::sql::{map_err, IN_CHUNK};
                let mut out = Vec::new();
                for chunk in ids.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new(head);
                    qb.push(" (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(*id);
                    }
                    qb.push(")").push(tail);
                    out.extend(qb.build_query_as::<T>().fetch_all(&mut *conn).await.map_err(map_err)?);
                }
                Ok(out)
            }

            /// Sets (or adds to) the members' ledger versions in one upsert
            /// per chunk; `members` holds each member once.
            async fn upsert_heads(
                conn: &mut <$db as sqlx::Database>::Connection,
                members: Vec<(i64, i64)>,
                add: bool,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, ROW_CHUNK};
                for chunk in members.chunks(ROW_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO dues_heads (member_id, version) ");
                    qb.push_values(chunk, |mut b, (m, v)| {
                        b.push_bind(*m).push_bind(*v);
                    });
                    qb.push(if add {
                        " ON CONFLICT (member_id) DO UPDATE SET version = dues_heads.version + excluded.version"
                    } else {
                        " ON CONFLICT (member_id) DO UPDATE SET version = excluded.version"
                    });
                    qb.build().execute(&mut *conn).await.map_err(map_err)?;
                }
                Ok(())
            }

            /// `append_assessments`: one query for the months already
            /// assessed, then multi-row inserts of the entries, the
            /// `dues_assessed` rows and the heads.
            async fn assessments_batch(
                &self,
                entries: Vec<$crate::dues::NewLedgerEntry>,
                effects: $crate::store::Effects,
            ) -> Result<Vec<$crate::dues::LedgerEntry>, $crate::store::StoreError> {
                use $crate::adapters::sql::{corrupt, from_db, map_err, to_db, ROW_CHUNK};
                use $crate::dues::LedgerEntryKind as K;
                use $crate::store::{StoreError, StoreErrorKind};
                let rejected = |m: String| StoreError::new(StoreErrorKind::Rejected, m);
                let mut keys = Vec::with_capacity(entries.len());
                let mut seen = std::collections::HashSet::with_capacity(entries.len());
                for e in &entries {
                    let K::Assessment { member, month, .. } = &e.kind else {
                        return Err(rejected("only assessments may be appended here".into()));
                    };
                    if !seen.insert((*member, *month)) {
                        return Err(rejected(format!("{member} is already assessed for {month}")));
                    }
                    keys.push((to_db(member.get())?, month.index(), *member, *month));
                }
                if entries.is_empty() {
                    return Ok(Vec::new());
                }
                let mut members: Vec<i64> = keys.iter().map(|k| k.0).collect();
                members.sort_unstable();
                members.dedup();
                let months: std::collections::BTreeSet<i32> = keys.iter().map(|k| k.1).collect();
                let months = months.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
                let mut tx = self.begin_write().await?;
                let head = format!("SELECT member_id, month FROM dues_assessed WHERE month IN ({months}) AND member_id IN");
                let taken: std::collections::HashSet<(i64, i32)> =
                    Self::select_in::<(i64, i32)>(&mut tx, &head, &members, "").await?.into_iter().collect();
                if let Some(k) = keys.iter().find(|k| taken.contains(&(k.0, k.1))) {
                    return Err(rejected(format!("{} is already assessed for {}", k.2, k.3)));
                }
                // Layers by member: within one statement a member_id names
                // one row.
                let member_keys: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let mut ids: Vec<Option<i64>> = vec![None; entries.len()];
                for layer in $crate::adapters::sql::dues_batch::layers(&member_keys) {
                    let rows = layer
                        .iter()
                        .filter_map(|i| entries.get(*i))
                        .map(|e| Self::ledger_binds(e, None))
                        .collect::<Result<Vec<_>, _>>()?;
                    let back: std::collections::HashMap<i64, i64> = Self::insert_ledger_rows(&mut tx, rows)
                        .await?
                        .into_iter()
                        .map(|(id, member, _, _)| (member, id))
                        .collect();
                    for i in layer {
                        let id = member_keys.get(i).and_then(|m| back.get(m)).copied();
                        if let Some(slot) = ids.get_mut(i) {
                            *slot = id;
                        }
                    }
                }
                let ids = ids
                    .into_iter()
                    .collect::<Option<Vec<i64>>>()
                    .ok_or_else(|| corrupt("an inserted assessment came back without its row"))?;
                let assessed: Vec<(i64, i32, i64)> = keys.iter().zip(&ids).map(|(k, id)| (k.0, k.1, *id)).collect();
                for chunk in assessed.chunks(ROW_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO dues_assessed (member_id, month, entry_id) ");
                    qb.push_values(chunk, |mut b, (m, mo, id)| {
                        b.push_bind(*m).push_bind(*mo).push_bind(*id);
                    });
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                let mut counts: std::collections::BTreeMap<i64, i64> = std::collections::BTreeMap::new();
                for k in &keys {
                    *counts.entry(k.0).or_insert(0) += 1;
                }
                Self::upsert_heads(&mut tx, counts.into_iter().collect(), true).await?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                entries
                    .into_iter()
                    .zip(ids)
                    .map(|(e, id)| Ok(e.into_entry($crate::dues::EntryId::new(from_db(id)?))))
                    .collect()
            }

            /// The payments already stored under `ids`, with their
            /// allocations, by external id.
            async fn existing_payments(
                conn: &mut <$db as sqlx::Database>::Connection,
                ids: &[String],
            ) -> Result<std::collections::HashMap<String, $crate::dues::ledger::PaymentOutcome>, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, IN_CHUNK};
                use $crate::dues::LedgerEntryKind as K;
                let mut found: Vec<i64> = Vec::new();
                for chunk in ids.chunks(IN_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("SELECT id FROM dues_ledger WHERE payment_id IN (");
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(id.clone());
                    }
                    qb.push(")");
                    found.extend(qb.build_query_scalar::<i64>().fetch_all(&mut *conn).await.map_err(map_err)?);
                }
                let mut out = std::collections::HashMap::new();
                if found.is_empty() {
                    return Ok(out);
                }
                found.sort_unstable();
                let mut payments = Vec::new();
                let mut allocations = Vec::new();
                for chunk in found.chunks(IN_CHUNK) {
                    payments.extend(Self::ledger_where(conn, "id", chunk).await?);
                    allocations.extend(Self::ledger_where(conn, "payment_entry", chunk).await?);
                }
                allocations.sort_by_key(|e| e.id);
                for payment in payments {
                    let K::Payment { payment_id, .. } = &payment.kind else { continue };
                    let key = payment_id.as_str().to_owned();
                    let mine = allocations
                        .iter()
                        .filter(|a| matches!(a.kind, K::Allocation { payment: p, .. } if p == payment.id))
                        .cloned()
                        .collect();
                    out.insert(key, $crate::dues::ledger::PaymentOutcome::AlreadyRecorded { payment, allocations: mine });
                }
                Ok(out)
            }

            /// `record_payments`, retried when a concurrent writer stored
            /// one of the external ids between the check and the insert
            /// (the unique key refuses the whole statement).
            async fn payments_batch(
                &self,
                batch: Vec<($crate::dues::ledger::NewPayment, $crate::store::Effects, u64)>,
            ) -> Result<Vec<Result<$crate::dues::ledger::PaymentOutcome, $crate::store::StoreError>>, $crate::store::StoreError> {
                use $crate::store::StoreErrorKind;
                let mut last = None;
                for _ in 0..3 {
                    match self.payments_once(&batch).await {
                        Err(e) if matches!(e.kind(), StoreErrorKind::Rejected) => last = Some(e),
                        done => return done,
                    }
                }
                Err(last.unwrap_or_else(|| $crate::adapters::sql::conflict("the dues ledger")))
            }

            /// One attempt at a batch of payments in one transaction.
            async fn payments_once(
                &self,
                batch: &[($crate::dues::ledger::NewPayment, $crate::store::Effects, u64)],
            ) -> Result<Vec<Result<$crate::dues::ledger::PaymentOutcome, $crate::store::StoreError>>, $crate::store::StoreError> {
                use $crate::adapters::sql::{conflict, corrupt, from_db, map_err, not_found, to_db, to_json, ROW_CHUNK};
                use $crate::dues::{LedgerEntryKind as K, NewLedgerEntry};
                use $crate::dues::ledger::PaymentOutcome;
                use std::collections::{HashMap, HashSet};
                // What each item is, checked before anything is read.
                let mut results: Vec<Option<Result<PaymentOutcome, $crate::store::StoreError>>> = Vec::with_capacity(batch.len());
                let mut pre: Vec<Option<($crate::MemberId, i64, String)>> = Vec::with_capacity(batch.len());
                for (payment, effects, _) in batch {
                    match Self::check_payment(payment, effects) {
                        Ok((member, payment_id)) => {
                            pre.push(Some((member, to_db(member.get())?, payment_id)));
                            results.push(None);
                        }
                        Err(e) => {
                            pre.push(None);
                            results.push(Some(Err(e)));
                        }
                    }
                }
                let mut members: Vec<i64> = pre.iter().flatten().map(|p| p.1).collect();
                members.sort_unstable();
                members.dedup();
                if members.is_empty() {
                    return Ok(results.into_iter().flatten().collect());
                }
                let mut tx = self.begin_write().await?;
                // Heads first (created, then row-locked in member order), so
                // that the external ids read next include whatever a
                // concurrent writer of these members committed.
                for chunk in members.chunks(ROW_CHUNK) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO dues_heads (member_id, version) ");
                    qb.push_values(chunk, |mut b, m| {
                        b.push_bind(*m).push_bind(0_i64);
                    });
                    qb.push(" ON CONFLICT (member_id) DO NOTHING");
                    qb.build().execute(&mut *tx).await.map_err(map_err)?;
                }
                let mut heads: HashMap<i64, i64> = Self::select_in::<(i64, i64)>(
                    &mut tx,
                    "SELECT member_id, version FROM dues_heads WHERE member_id IN",
                    &members,
                    concat!(" ORDER BY member_id", $lock),
                )
                .await?
                .into_iter()
                .collect();
                let mut pids: Vec<String> = pre.iter().flatten().map(|p| p.2.clone()).collect();
                pids.sort_unstable();
                pids.dedup();
                let existing = Self::existing_payments(&mut tx, &pids).await?;
                let with_record: Vec<i64> = {
                    let mut v: Vec<i64> = batch
                        .iter()
                        .zip(&pre)
                        .filter(|((_, fx, _), p)| !fx.records().is_empty() && p.is_some())
                        .filter_map(|(_, p)| p.as_ref().map(|p| p.1))
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                };
                let known: HashSet<i64> =
                    Self::select_in::<(i64,)>(&mut tx, "SELECT id FROM members WHERE id IN", &with_record, "")
                        .await?
                        .into_iter()
                        .map(|(id,)| id)
                        .collect();
                // Decide each item in order, against the running versions.
                let mut claimed: HashMap<String, usize> = HashMap::new();
                let mut duplicate_of: Vec<(usize, usize)> = Vec::new();
                let mut accepted: Vec<usize> = Vec::new();
                let mut changed: Vec<i64> = Vec::new();
                for (i, ((payment, effects, based_on), p)) in batch.iter().zip(&pre).enumerate() {
                    let Some((member, m, pid)) = p else { continue };
                    let slot = results.get_mut(i).ok_or_else(|| corrupt("batch index"))?;
                    if let Some(done) = existing.get(pid) {
                        *slot = Some(Ok(done.clone()));
                        continue;
                    }
                    if let Some(first) = claimed.get(pid) {
                        duplicate_of.push((i, *first));
                        continue;
                    }
                    let head = heads.get(m).copied().unwrap_or(0);
                    if head != to_db(*based_on)? {
                        *slot = Some(Err(conflict(format!("the dues ledger of {member}"))));
                        continue;
                    }
                    if !effects.records().is_empty() && !known.contains(m) {
                        *slot = Some(Err(not_found(member)));
                        continue;
                    }
                    let added = i64::try_from(payment.allocations.len()).unwrap_or(i64::MAX).saturating_add(1);
                    heads.insert(*m, head.saturating_add(added));
                    changed.push(*m);
                    claimed.insert(pid.clone(), i);
                    accepted.push(i);
                }
                // Payments (the external id is unique: the key back).
                let rows = accepted
                    .iter()
                    .filter_map(|i| batch.get(*i))
                    .map(|(p, _, _)| Self::ledger_binds(&p.payment, None))
                    .collect::<Result<Vec<_>, _>>()?;
                let stored: HashMap<String, i64> = Self::insert_ledger_rows(&mut tx, rows)
                    .await?
                    .into_iter()
                    .filter_map(|(id, _, _, pid)| pid.map(|p| (p, id)))
                    .collect();
                let mut payment_ids: Vec<(usize, i64)> = Vec::with_capacity(accepted.len());
                for i in &accepted {
                    let pid = pre.get(*i).and_then(|p| p.as_ref()).map(|p| &p.2);
                    let id = pid.and_then(|p| stored.get(p)).copied().ok_or_else(|| corrupt("an inserted payment came back without its row"))?;
                    payment_ids.push((*i, id));
                }
                // Allocations, layered by payment.
                let mut allocs: Vec<(usize, NewLedgerEntry, i64)> = Vec::new();
                for (i, pid) in &payment_ids {
                    let Some((payment, _, _)) = batch.get(*i) else { continue };
                    let member = payment.payment.kind.member();
                    for (month, amount) in &payment.allocations {
                        allocs.push((
                            *i,
                            NewLedgerEntry {
                                branch: payment.payment.branch,
                                recorded_on: payment.payment.recorded_on,
                                kind: K::Allocation {
                                    member,
                                    payment: $crate::dues::EntryId::new(from_db(*pid)?),
                                    month: *month,
                                    amount: *amount,
                                },
                            },
                            *pid,
                        ));
                    }
                }
                let alloc_keys: Vec<i64> = allocs.iter().map(|a| a.2).collect();
                let mut alloc_ids: Vec<Option<i64>> = vec![None; allocs.len()];
                for layer in $crate::adapters::sql::dues_batch::layers(&alloc_keys) {
                    let rows = layer
                        .iter()
                        .filter_map(|j| allocs.get(*j))
                        .map(|(_, e, pid)| Self::ledger_binds(e, Some(*pid)))
                        .collect::<Result<Vec<_>, _>>()?;
                    let back: HashMap<i64, i64> = Self::insert_ledger_rows(&mut tx, rows)
                        .await?
                        .into_iter()
                        .filter_map(|(id, _, pe, _)| pe.map(|pe| (pe, id)))
                        .collect();
                    for j in layer {
                        if let (Some(slot), Some(pe)) = (alloc_ids.get_mut(j), alloc_keys.get(j)) {
                            *slot = back.get(pe).copied();
                        }
                    }
                }
                // Activity-record entries, layered by member.
                let recs: Vec<(usize, &$crate::record::NewRecordEntry)> = accepted
                    .iter()
                    .filter_map(|i| batch.get(*i).map(|(_, fx, _)| (*i, fx)))
                    .flat_map(|(i, fx)| fx.records().iter().map(move |r| (i, r)))
                    .collect();
                let rec_keys: Vec<i64> = recs.iter().map(|(_, r)| to_db(r.member.get())).collect::<Result<_, _>>()?;
                let mut rec_ids: HashMap<usize, Vec<i64>> = HashMap::new();
                for layer in $crate::adapters::sql::dues_batch::layers(&rec_keys) {
                    for part in layer.chunks(ROW_CHUNK) {
                        let mut rows = Vec::with_capacity(part.len());
                        for j in part {
                            let Some((_, r)) = recs.get(*j) else { continue };
                            rows.push((
                                to_db(r.member.get())?,
                                r.occurred_on,
                                to_json(&$crate::store::document::ActivityDocument::from_domain(&r.activity))?,
                                r.recorded_by.map(|o| to_db(o.get())).transpose()?,
                                r.recorded_at,
                                r.acted_by.as_ref().map(|a| to_json(&$crate::store::document::ActedByDocument::from_domain(a))).transpose()?,
                            ));
                        }
                        let mut qb = sqlx::QueryBuilder::<$db>::new(
                            "INSERT INTO activity_records (member_id, occurred_on, activity, recorded_by, recorded_at, acted_by) ",
                        );
                        qb.push_values(rows, |mut b, (m, on, act, by, at, who)| {
                            b.push_bind(m).push_bind(on).push_bind(act).push_bind(by).push_bind(at).push_bind(who);
                        });
                        qb.push(" RETURNING id, member_id");
                        let back: HashMap<i64, i64> = qb
                            .build_query_as::<(i64, i64)>()
                            .fetch_all(&mut *tx)
                            .await
                            .map_err(map_err)?
                            .into_iter()
                            .map(|(id, m)| (m, id))
                            .collect();
                        for j in part {
                            if let (Some((i, _)), Some(m)) = (recs.get(*j), rec_keys.get(*j)) {
                                let id = back.get(m).copied().ok_or_else(|| corrupt("an inserted record came back without its row"))?;
                                rec_ids.entry(*i).or_default().push(id);
                            }
                        }
                    }
                }
                // Journal entries of the accepted items, in item order.
                let journal = accepted
                    .iter()
                    .filter_map(|i| batch.get(*i))
                    .flat_map(|(_, fx, _)| fx.journal().iter().cloned())
                    .fold($crate::store::Effects::none(), $crate::store::Effects::with_journal);
                Self::apply_effects(&mut tx, journal, None).await?;
                changed.sort_unstable();
                changed.dedup();
                let set: Vec<(i64, i64)> = changed.iter().map(|m| (*m, heads.get(m).copied().unwrap_or(0))).collect();
                Self::upsert_heads(&mut tx, set, false).await?;
                tx.commit().await.map_err(map_err)?;
                // The outcomes, from what was bound and the ids assigned.
                let mut alloc_of: HashMap<usize, Vec<$crate::dues::LedgerEntry>> = HashMap::new();
                for ((i, e, _), id) in allocs.into_iter().zip(alloc_ids) {
                    let id = id.ok_or_else(|| corrupt("an inserted allocation came back without its row"))?;
                    alloc_of.entry(i).or_default().push(e.into_entry($crate::dues::EntryId::new(from_db(id)?)));
                }
                for (i, id) in payment_ids {
                    let Some((payment, effects, _)) = batch.get(i) else { continue };
                    let stored = payment.payment.clone().into_entry($crate::dues::EntryId::new(from_db(id)?));
                    let ids = rec_ids.remove(&i).unwrap_or_default();
                    if ids.len() != effects.records().len() {
                        return Err(corrupt("an inserted record came back without its row"));
                    }
                    let records = effects
                        .records()
                        .iter()
                        .zip(ids)
                        .map(|(r, id)| Ok(r.clone().into_entry($crate::RecordId::new(from_db(id)?))))
                        .collect::<Result<Vec<_>, $crate::store::StoreError>>()?;
                    if let Some(slot) = results.get_mut(i) {
                        *slot = Some(Ok(PaymentOutcome::Recorded {
                            payment: stored,
                            allocations: alloc_of.remove(&i).unwrap_or_default(),
                            records,
                        }));
                    }
                }
                for (i, first) in duplicate_of {
                    let again = match results.get(first) {
                        Some(Some(Ok(PaymentOutcome::Recorded { payment, allocations, .. }))) => {
                            PaymentOutcome::AlreadyRecorded { payment: payment.clone(), allocations: allocations.clone() }
                        }
                        _ => return Err(corrupt("a duplicate external id without its first payment")),
                    };
                    if let Some(slot) = results.get_mut(i) {
                        *slot = Some(Ok(again));
                    }
                }
                results
                    .into_iter()
                    .map(|r| r.ok_or_else(|| corrupt("a batch item without an outcome")))
                    .collect()
            }

            /// What `record_payment` checks before reading anything: a
            /// payment entry, allocations within the dues part, and the
            /// record of the same member. Returns the member and the
            /// external id.
            fn check_payment(
                payment: &$crate::dues::ledger::NewPayment,
                effects: &$crate::store::Effects,
            ) -> Result<($crate::MemberId, String), $crate::store::StoreError> {
                use $crate::dues::{LedgerEntryKind as K, Money};
                use $crate::store::{StoreError, StoreErrorKind};
                let rejected = |m: String| StoreError::new(StoreErrorKind::Rejected, m);
                let K::Payment { member, payment_id, amount, voluntary, .. } = &payment.payment.kind else {
                    return Err(rejected("a payment entry is required".into()));
                };
                let dues_part = amount
                    .checked_sub(*voluntary)
                    .ok_or_else(|| rejected("the voluntary part is outside the range of an amount".into()))?;
                let allocated = payment
                    .allocations
                    .iter()
                    .try_fold(Money::ZERO, |a, (_, x)| if x.is_negative() { None } else { a.checked_add(*x) })
                    .ok_or_else(|| rejected("a negative allocation, or allocations past the range of an amount".into()))?;
                if allocated > dues_part || voluntary.is_negative() || dues_part.is_negative() {
                    return Err(rejected(format!(
                        "allocations {allocated} exceed the dues part {dues_part} of the payment"
                    )));
                }
                if !effects.records_only_about(*member) {
                    return Err(rejected("the activity-record entry belongs to another member".into()));
                }
                Ok((*member, payment_id.as_str().to_owned()))
            }
        }
    };
}
