//! [`VoteStore`](crate::store::VoteStore) over SQL, written once.
//!
//! `sql_vote_store!(Store, Db, " FOR UPDATE")` implements it for a backend
//! struct with `pool` and `begin_write` (see `store_impl.rs`); the last
//! argument locks the vote row inside a write transaction where the backend
//! needs it (PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises
//! writers). Every write reads the vote inside its transaction, checks, and
//! only then changes; a cast inserts the voter row and the ballot row in the
//! same transaction, and a second ballot from one voter hits the
//! `vote_voters` primary key and changes nothing.

macro_rules! sql_vote_store {
    ($store:ty, $db:ty, $lock:literal) => {
        impl $store {
            /// 重写选票 (rewrite the ballots at closing): every ballot of the
            /// vote is deleted and inserted again in tracking-code order, in
            /// the closing transaction. Afterwards no ballot row shares a
            /// transaction id (PostgreSQL's `xmin`) with the voter mark
            /// written by the same cast, and the physical order of the rows
            /// follows the random codes, not the order of casting.
            async fn rewrite_ballots(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: $crate::election::VoteId,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                let vote = to_db(id.get())?;
                let rows: Vec<(String, chrono::NaiveDate, String)> = sqlx::query_as(
                    "SELECT code, session, ballot FROM vote_ballots WHERE vote_id = $1 ORDER BY code",
                )
                .bind(vote)
                .fetch_all(&mut *conn)
                .await
                .map_err(map_err)?;
                sqlx::query("DELETE FROM vote_ballots WHERE vote_id = $1")
                    .bind(vote)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                for (code, session, ballot) in rows {
                    sqlx::query(
                        "INSERT INTO vote_ballots (vote_id, code, session, ballot) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(vote)
                    .bind(code)
                    .bind(session)
                    .bind(ballot)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                }
                Ok(())
            }

            async fn read_vote(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: $crate::election::VoteId,
                lock: bool,
            ) -> Result<Option<$crate::election::VoteRecord>, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, to_db};
                let sql = if lock {
                    concat!("SELECT id, record FROM votes WHERE id = $1", $lock)
                } else {
                    "SELECT id, record FROM votes WHERE id = $1"
                };
                let row: Option<(i64, String)> = sqlx::query_as(sql)
                    .bind(to_db(id.get())?)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(map_err)?;
                let Some((raw, record)) = row else {
                    return Ok(None);
                };
                let mut v = $crate::store::document::decode_domain::<
                    $crate::store::document::VoteDocument,
                >(&record, "votes", raw)?;
                v.id = $crate::election::VoteId::new(from_db(raw)?);
                Ok(Some(v))
            }

            async fn write_vote(
                conn: &mut <$db as sqlx::Database>::Connection,
                v: &$crate::election::VoteRecord,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db, to_json};
                sqlx::query("UPDATE votes SET record = $1 WHERE id = $2")
                    .bind(to_json(&$crate::store::document::VoteDocument::from_domain(v))?)
                    .bind(to_db(v.id.get())?)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
                Ok(())
            }

            /// Reads the vote for a write: it must exist and be open.
            async fn open_vote(
                conn: &mut <$db as sqlx::Database>::Connection,
                id: $crate::election::VoteId,
            ) -> Result<$crate::election::VoteRecord, $crate::store::StoreError> {
                let v = Self::read_vote(conn, id, true)
                    .await?
                    .ok_or_else(|| $crate::adapters::sql::not_found(id))?;
                if v.status == $crate::election::VoteStatus::Closed {
                    return Err($crate::store::StoreError::new(
                        $crate::store::StoreErrorKind::Rejected,
                        format!("{id} is closed"),
                    ));
                }
                Ok(v)
            }

            async fn existing_vote(
                &self,
                id: $crate::election::VoteId,
            ) -> Result<$crate::election::VoteRecord, $crate::store::StoreError> {
                let mut conn = self
                    .pool
                    .acquire()
                    .await
                    .map_err($crate::adapters::sql::map_err)?;
                Self::read_vote(&mut conn, id, false)
                    .await?
                    .ok_or_else(|| $crate::adapters::sql::not_found(id))
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::VoteStore for $store {
            async fn create_vote(
                &self,
                new: $crate::election::NewVote,
                effects: $crate::store::Effects,
            ) -> Result<$crate::election::VoteRecord, $crate::store::StoreError> {
                use $crate::adapters::sql::{from_db, map_err, to_db, to_json};
                let mut tx = self.begin_write().await?;
                let org = to_db(new.org.get())?;
                let draft = $crate::election::VoteRecord::from_new(
                    $crate::election::VoteId::new(0),
                    new,
                );
                let id: i64 =
                    sqlx::query_scalar("INSERT INTO votes (org_id, record) VALUES ($1, $2) RETURNING id")
                        .bind(org)
                        .bind(to_json(&$crate::store::document::VoteDocument::from_domain(&draft))?)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(map_err)?;
                let effects = effects.with_new_ids(&[from_db(id)?])?;
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok($crate::election::VoteRecord {
                    id: $crate::election::VoteId::new(from_db(id)?),
                    ..draft
                })
            }

            async fn get_vote(
                &self,
                id: $crate::election::VoteId,
            ) -> Result<Option<$crate::election::VoteRecord>, $crate::store::StoreError> {
                let mut conn = self
                    .pool
                    .acquire()
                    .await
                    .map_err($crate::adapters::sql::map_err)?;
                Self::read_vote(&mut conn, id, false).await
            }

            async fn check_in(
                &self,
                id: $crate::election::VoteId,
                member: $crate::MemberId,
                mode: $crate::election::AttendanceMode,
                effects: $crate::store::Effects,
            ) -> Result<$crate::election::VoteRecord, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                let mut tx = self.begin_write().await?;
                let mut v = Self::open_vote(&mut tx, id).await?;
                let before = v.attendance.clone();
                v.attendance.check_in(&v.roll, member, mode).map_err(|e| {
                    $crate::store::StoreError::new($crate::store::StoreErrorKind::Rejected, e.to_string())
                })?;
                if v.attendance != before {
                    Self::write_vote(&mut tx, &v).await?;
                    Self::apply_effects(&mut tx, effects, None).await?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(v)
            }

            async fn record_written_opinion(
                &self,
                id: $crate::election::VoteId,
                member: $crate::MemberId,
                opinion: $crate::election::WrittenOpinion,
                effects: $crate::store::Effects,
            ) -> Result<$crate::election::VoteRecord, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                let mut tx = self.begin_write().await?;
                let mut v = Self::open_vote(&mut tx, id).await?;
                let before = v.attendance.clone();
                v.attendance
                    .written_opinion(&v.roll, member, opinion)
                    .map_err(|e| {
                        $crate::store::StoreError::new(
                            $crate::store::StoreErrorKind::Rejected,
                            e.to_string(),
                        )
                    })?;
                if v.attendance != before {
                    Self::write_vote(&mut tx, &v).await?;
                    Self::apply_effects(&mut tx, effects, None).await?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(v)
            }

            async fn cast_ballot(
                &self,
                voter: $crate::MemberId,
                ballot: $crate::election::SealedBallot,
                effects: $crate::store::Effects,
            ) -> Result<(), $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db, to_json};
                use $crate::store::{StoreError, StoreErrorKind};
                let id = ballot.vote;
                let duplicate = |what: String| {
                    move |e: sqlx::Error| {
                        if e.as_database_error().is_some_and(|d| d.is_unique_violation()) {
                            StoreError::new(StoreErrorKind::Conflict, what).with_source(e)
                        } else {
                            map_err(e)
                        }
                    }
                };
                // A person written in twice would count twice (VOTE-7).
                ballot.ballot.check_write_ins().map_err(|e| {
                    StoreError::new(StoreErrorKind::Rejected, e.to_string())
                })?;
                let mut tx = self.begin_write().await?;
                let mut v = Self::open_vote(&mut tx, id).await?;
                if !v.roll.entitled.contains(&voter) {
                    return Err(StoreError::new(
                        StoreErrorKind::Rejected,
                        format!("{voter} is not entitled to vote in {id}"),
                    ));
                }
                sqlx::query("INSERT INTO vote_voters (vote_id, member_id) VALUES ($1, $2)")
                    .bind(to_db(id.get())?)
                    .bind(to_db(voter.get())?)
                    .execute(&mut *tx)
                    .await
                    .map_err(duplicate(format!("{voter} has already voted in {id}")))?;
                sqlx::query(
                    "INSERT INTO vote_ballots (vote_id, code, session, ballot) VALUES ($1, $2, $3, $4)",
                )
                .bind(to_db(id.get())?)
                .bind(ballot.code.to_string())
                .bind(ballot.session)
                .bind(to_json(&$crate::store::document::BallotDocument::from_domain(&ballot.ballot))?)
                .execute(&mut *tx)
                .await
                .map_err(duplicate("tracking code already used; seal again".to_owned()))?;
                let absent = !v.attendance.present.contains_key(&voter);
                if absent {
                    v.attendance.written.remove(&voter);
                    v.attendance
                        .present
                        .insert(voter, $crate::election::AttendanceMode::Online);
                    Self::write_vote(&mut tx, &v).await?;
                }
                Self::apply_effects(&mut tx, effects, None).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(())
            }

            async fn has_voted(
                &self,
                id: $crate::election::VoteId,
                member: $crate::MemberId,
            ) -> Result<bool, $crate::store::StoreError> {
                use $crate::adapters::sql::{map_err, to_db};
                self.existing_vote(id).await?;
                let n: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM vote_voters WHERE vote_id = $1 AND member_id = $2",
                )
                .bind(to_db(id.get())?)
                .bind(to_db(member.get())?)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
                Ok(n > 0)
            }

            async fn voters(
                &self,
                id: $crate::election::VoteId,
            ) -> Result<std::collections::BTreeSet<$crate::MemberId>, $crate::store::StoreError>
            {
                use $crate::adapters::sql::{from_db, map_err, to_db};
                self.existing_vote(id).await?;
                let rows: Vec<i64> =
                    sqlx::query_scalar("SELECT member_id FROM vote_voters WHERE vote_id = $1")
                        .bind(to_db(id.get())?)
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                rows.into_iter()
                    .map(|m| from_db(m).map($crate::MemberId::new))
                    .collect()
            }

            async fn close_vote(
                &self,
                id: $crate::election::VoteId,
                effects: $crate::store::Effects,
            ) -> Result<$crate::election::VoteRecord, $crate::store::StoreError> {
                use $crate::adapters::sql::map_err;
                let mut tx = self.begin_write().await?;
                let mut v = Self::read_vote(&mut tx, id, true)
                    .await?
                    .ok_or_else(|| $crate::adapters::sql::not_found(id))?;
                if v.status != $crate::election::VoteStatus::Closed {
                    v.status = $crate::election::VoteStatus::Closed;
                    Self::write_vote(&mut tx, &v).await?;
                    Self::rewrite_ballots(&mut tx, id).await?;
                    Self::apply_effects(&mut tx, effects, None).await?;
                }
                tx.commit().await.map_err(map_err)?;
                Ok(v)
            }

            async fn sealed_ballots(
                &self,
                id: $crate::election::VoteId,
            ) -> Result<Vec<$crate::election::SealedBallot>, $crate::store::StoreError> {
                use $crate::adapters::sql::{corrupt, map_err, to_db};
                let v = self.existing_vote(id).await?;
                if v.status == $crate::election::VoteStatus::Open {
                    return Err($crate::store::StoreError::new(
                        $crate::store::StoreErrorKind::Rejected,
                        format!("{id} is still open: ballots are available only after it closes"),
                    ));
                }
                let rows: Vec<(String, chrono::NaiveDate, String)> = sqlx::query_as(
                    "SELECT code, session, ballot FROM vote_ballots WHERE vote_id = $1 ORDER BY code",
                )
                .bind(to_db(id.get())?)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter()
                    .map(|(code, session, ballot)| {
                        let what = format!("vote_ballots row {code}");
                        Ok($crate::election::SealedBallot {
                            vote: id,
                            session,
                            code: $crate::election::TrackingCode::try_from(code.clone())
                                .map_err(|e| corrupt(format!("{what}: {e}")))?,
                            ballot: $crate::store::document::decode_domain::<$crate::store::document::BallotDocument>(&ballot, "vote_ballots", &code)?,
                        })
                    })
                    .collect()
            }
        }
    };
}
