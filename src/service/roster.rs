//! 花名册 (roster files) on the members handle: a file imported through
//! the import planner, a subtree's roster exported as xlsx.

use super::MembersHandle;
use super::authorize::Target;
use crate::access::{self, Role};
use crate::lifecycle::{Introducer, TransitionError};
use crate::member::{
    ImportErrorKind, Member, MemberCardId, PlannedRow, RegistrationStatus, RosterRow,
    plan_import_each,
};
use crate::roster::{
    self, Column, ExportRoster, ImportFile, RejectedRow, RosterReport, RowProblem,
};
use crate::{Error, MemberId, OrgId};
use std::collections::{BTreeSet, HashMap};

/// Above this many rows every stored record is read once, instead of one
/// lookup per row.
const BULK_LOOKUP: usize = 256;

impl MembersHandle<'_> {
    /// 花名册导入: imports a roster file (xlsx or UTF-8 CSV in the layout
    /// of `docs/IMPORT.md`) through the import planner, with its guards
    /// and history (see [`MembersHandle::import`]). Every rejected row is
    /// reported with its column and what is wrong; when any is, nothing is
    /// written unless the request asks for
    /// [`ImportFile::commit_good_rows`]. A row stored as given is
    /// unchanged, so importing the same file again writes nothing. The
    /// home branch is found by name among the organisations the actor
    /// covers (one outside the scope reads as missing).
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// use dangjian::roster::{Column, ImportFile, RowProblem};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # admin.orgs().create(NewOrganisation::new("第一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// let csv = "姓名,公民身份号码,所在支部,组织关系转入日期,人员类别,入党日期,转正日期\n\
    ///     张三,11010519491231002X,第一支部,2001-03-01,正式党员,1980-01-01,1981-01-01\n\
    ///     李四,110105500101003,第一支部,2001/3/1,正式党员,1980年1月1日,1981-01-01\n";
    /// let report = admin.members().import_file(ImportFile::new(csv)).await?;
    /// // The 15-digit number is refused by the strict reading: nothing is written.
    /// assert!(!report.is_committed() && report.created.is_empty());
    /// assert_eq!((report.rejected[0].row, report.rejected[0].column), (3, Some(Column::IdNumber)));
    /// assert_eq!(report.rejected[0].problem, RowProblem::LegacyIdNumber);
    /// let report = admin.members().import_file(ImportFile::new(csv).legacy_id_numbers()).await?;
    /// assert_eq!(report.created.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `RosterFile` for a file that cannot be read (not xlsx nor CSV,
    /// empty, merged header cells, a header missing, unknown or twice);
    /// `PermissionDenied` for a role that manages no members, or unless
    /// the actor may register in every home branch named (and, to
    /// approve, may approve); `Duplicate` when a concurrent write took an
    /// identity or employee number.
    pub async fn import_file(&self, req: ImportFile) -> Result<RosterReport, Error> {
        let table = roster::read(&req.bytes)?;
        let actor = &self.s.actor;
        if !matches!(
            actor.role(),
            Role::BranchOfficer | Role::CommitteeOfficer | Role::PlatformAdmin
        ) {
            return Err(Error::PermissionDenied(access::Denied {
                role: actor.role(),
                scope: actor.scope(),
                action: access::Action::ManageMember,
                target: "a roster import".to_owned(),
            }));
        }
        let tree = self.s.store().org_tree().await?;
        let mut names: HashMap<&str, Vec<OrgId>> = HashMap::new();
        for org in tree.iter() {
            if actor.covers_org(org.id, &tree) {
                names.entry(org.name.as_str()).or_default().push(org.id);
            }
        }
        let branch = |name: &str| match names.get(name).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) if !many.is_empty() => Err(RowProblem::AmbiguousBranch {
                name: name.to_owned(),
                count: many.len(),
            }),
            _ => Err(RowProblem::UnknownBranch(name.to_owned())),
        };
        let ctx = roster::Ctx {
            legacy: req.legacy_id_numbers,
            branch: &branch,
        };
        let mut rejected = Vec::new();
        let mut good: Vec<(u32, RosterRow)> = Vec::with_capacity(table.len());
        for (n, cells) in &table.rows {
            match roster::row(&table, cells, &ctx) {
                Ok(row) => good.push((*n, row)),
                Err(problems) => {
                    rejected.extend(problems.into_iter().map(|(c, problem)| RejectedRow {
                        row: *n,
                        column: Some(c),
                        problem,
                    }))
                }
            }
        }
        let homes: BTreeSet<OrgId> = good.iter().map(|(_, r)| r.home()).collect();
        for home in homes {
            let l = self.for_home(home).await?;
            if req.approve {
                self.may_approve(&l, Target::Org(home), "an imported record")?;
            }
        }
        let stored = self.stored(&tree, &good).await?;
        good.retain(|(n, row)| {
            let taken = row
                .contact_employee_no()
                .and_then(|no| stored.by_no.get(no));
            match taken {
                Some(owner) if owner != row.id_number().as_str() => {
                    rejected.push(RejectedRow {
                        row: *n,
                        column: Some(Column::EmployeeNo),
                        problem: RowProblem::EmployeeNoTaken,
                    });
                    false
                }
                _ => true,
            }
        });
        let (numbers, rows): (Vec<u32>, Vec<RosterRow>) = good.into_iter().unzip();
        let today = self.s.clock().today();
        let rules = self.s.rules();
        let planned = plan_import_each(
            &rows,
            &tree,
            &rules.development,
            &rules.calendar,
            today,
            &|id| stored.by_id.get(id.as_str()).cloned(),
        );
        let mut new = Vec::new();
        let mut unchanged = Vec::new();
        for (&row, p) in numbers.iter().zip(planned) {
            match p {
                Ok(PlannedRow::New(m)) => new.push(*m),
                Ok(PlannedRow::Unchanged(id)) => unchanged.push((row, id)),
                Err(e) => {
                    let (column, problem) = problem_of(e.error, &numbers);
                    rejected.push(RejectedRow {
                        row,
                        column,
                        problem,
                    });
                }
            }
        }
        rejected.sort_by_key(|r| (r.row, r.column));
        let rows = table.len();
        if !rejected.is_empty() && !req.commit_good_rows {
            return Ok(RosterReport {
                rejected,
                created: Vec::new(),
                unchanged: Vec::new(),
                rows,
                committed: false,
            });
        }
        if req.approve {
            for m in &mut new {
                m.registration = RegistrationStatus::Approved {
                    approved_on: today,
                    card: MemberCardId::issue(MemberId::new(0)),
                };
            }
        }
        let created = if new.is_empty() {
            Vec::new()
        } else {
            self.s
                .store()
                .insert_members(new, crate::store::Effects::none())
                .await?
        };
        Ok(RosterReport {
            rejected,
            created,
            unchanged,
            rows,
            committed: true,
        })
    }

    /// 花名册导出: the roster of `root`'s subtree (the members whose home
    /// branch is in it, not those who left), as xlsx bytes in the layout
    /// of `docs/IMPORT.md`, ordered by member id. Identity and mobile
    /// numbers are masked unless the request asks for the full form, which
    /// only a committee officer or the platform administrator may
    /// (`docs/RULES.md` MEM-15). An introducer on the platform is written
    /// by identity number when exported too, else by name. Importing the
    /// file into an empty store and exporting again gives the same cells.
    ///
    /// ```
    /// # use dangjian::{Dangjian, access::Actor, org::{BranchForm, NewOrganisation, OrgKind}};
    /// use dangjian::roster::{read, ExportRoster, ImportFile};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let admin = Dangjian::in_memory().act_as(&Actor::platform_admin());
    /// # let c = admin.orgs().create(NewOrganisation::new("党委".parse()?, OrgKind::GrassrootsCommittee)).await?;
    /// # admin.orgs().create(NewOrganisation::new("第一支部".parse()?, OrgKind::Branch(BranchForm::Physical)).under(c.id)).await?;
    /// # let csv = "姓名,公民身份号码,所在支部,组织关系转入日期,人员类别,入党日期,转正日期\n张三,11010519491231002X,第一支部,2001-03-01,正式党员,1980-01-01,1981-01-01\n";
    /// # admin.members().import_file(ImportFile::new(csv)).await?;
    /// let xlsx = admin.members().export_roster(ExportRoster::new(c.id)).await?;
    /// assert_eq!(read(&xlsx)?.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// `NotFound` for a root missing or outside the scope;
    /// `PermissionDenied` for a role that manages no members, or for the
    /// full form asked by a branch officer.
    pub async fn export_roster(&self, req: ExportRoster) -> Result<Vec<u8>, Error> {
        let l = self.s.orgs().readable(req.root).await?;
        let role = self.s.actor.role();
        let may_full = matches!(role, Role::CommitteeOfficer | Role::PlatformAdmin);
        if !(may_full || role == Role::BranchOfficer && !req.full_id_numbers) {
            let denied = access::Denied {
                role,
                scope: self.s.actor.scope(),
                action: access::Action::ReadMember,
                target: if req.full_id_numbers {
                    "full identity numbers (committee officers only)".to_owned()
                } else {
                    "a roster export".to_owned()
                },
            };
            return Err(self.s.refusal(&l, Target::Org(req.root), denied));
        }
        let full = req.full_id_numbers;
        let mut members: Vec<Member> = self
            .s
            .store()
            .members_by_home(&l.tree.subtree(req.root))
            .await?
            .into_iter()
            .filter(|m| !m.stage().is_exited())
            .collect();
        members.sort_by_key(|m| m.id);
        let exported: HashMap<MemberId, &Member> = members.iter().map(|m| (m.id, m)).collect();
        let outside: Vec<MemberId> = members
            .iter()
            .filter_map(|m| m.lifecycle().introducers())
            .flatten()
            .filter_map(Introducer::member)
            .filter(|id| !exported.contains_key(id))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let names: HashMap<MemberId, String> = if outside.is_empty() {
            HashMap::new()
        } else {
            self.s
                .store()
                .get_members(&outside)
                .await?
                .into_iter()
                .map(|m| (m.id, m.identity().name.as_str().to_owned()))
                .collect()
        };
        let introducer = |i: &Introducer| match i {
            Introducer::Member(id) => match exported.get(id) {
                Some(m) => roster::id_text(&m.identity().id_number, full),
                None => names.get(id).cloned().unwrap_or_default(),
            },
            Introducer::ByIdNumber(id) => roster::id_text(id, full),
            Introducer::External(name) => name.as_str().to_owned(),
        };
        let lines: Vec<_> = members
            .iter()
            .map(|m| roster::line(m, &l.tree, full, &introducer))
            .collect();
        roster::xlsx(&lines).map_err(|e| Error::Internal(format!("writing the roster: {e}")))
    }

    /// The stored records the rows may meet: by identity number, and the
    /// owners' identity numbers by employee number.
    async fn stored(
        &self,
        tree: &crate::org::OrgTree,
        rows: &[(u32, RosterRow)],
    ) -> Result<Stored, Error> {
        let mut out = Stored::default();
        let mut keep = |m: Member| {
            if let Some(no) = &m.contact().employee_no {
                out.by_no.insert(
                    no.as_str().to_owned(),
                    m.identity().id_number.as_str().to_owned(),
                );
            }
            out.by_id
                .insert(m.identity().id_number.as_str().to_owned(), m);
        };
        if rows.len() > BULK_LOOKUP {
            let all: Vec<OrgId> = tree.iter().map(|o| o.id).collect();
            for m in self.s.store().members_by_home(&all).await? {
                keep(m);
            }
        } else {
            for (_, row) in rows {
                if let Some(m) = self.s.store().find_by_id_number(row.id_number()).await? {
                    keep(m);
                }
                if let Some(no) = row.contact_employee_no() {
                    if let Some(m) = self.s.store().find_by_employee_no(&no.parse()?).await? {
                        keep(m);
                    }
                }
            }
        }
        Ok(out)
    }
}

#[derive(Default)]
struct Stored {
    by_id: HashMap<String, Member>,
    by_no: HashMap<String, String>,
}

/// A planner's refusal as a row problem, with the column to blame.
/// `numbers` gives the row number of each planned row.
fn problem_of(kind: ImportErrorKind, numbers: &[u32]) -> (Option<Column>, RowProblem) {
    let n = |i: usize| numbers.get(i).copied().unwrap_or(0);
    match kind {
        ImportErrorKind::DuplicateIdNumber { first_row } => (
            Some(Column::IdNumber),
            RowProblem::DuplicateIdNumber(n(first_row)),
        ),
        ImportErrorKind::DuplicateEmployeeNo { first_row } => (
            Some(Column::EmployeeNo),
            RowProblem::DuplicateEmployeeNo(n(first_row)),
        ),
        ImportErrorKind::Conflict { fields, .. } => (
            Some(Column::IdNumber),
            RowProblem::StoredDifferently(fields),
        ),
        ImportErrorKind::IntroducerRejected { introducer_row } => (
            Some(Column::Introducers),
            RowProblem::IntroducerRejected(n(introducer_row)),
        ),
        ImportErrorKind::IntroducerNotFull {
            introducer_row, on, ..
        } => (
            Some(Column::Introducers),
            RowProblem::IntroducerNotFull {
                row: n(introducer_row),
                on,
            },
        ),
        k @ (ImportErrorKind::OwnIntroducer | ImportErrorKind::UnknownIntroducer { .. }) => {
            (Some(Column::Introducers), RowProblem::Refused(k))
        }
        k @ ImportErrorKind::BornInTheFuture { .. } => {
            (Some(Column::IdNumber), RowProblem::Refused(k))
        }
        k @ ImportErrorKind::Membership(_) => (Some(Column::Branch), RowProblem::Refused(k)),
        ImportErrorKind::Transition(t) => (transition_column(&t), RowProblem::Refused(t.into())),
    }
}

/// The column a lifecycle refusal of an import points at.
fn transition_column(t: &TransitionError) -> Option<Column> {
    let field = match t {
        TransitionError::ImportOutOfOrder { later_field, .. } => *later_field,
        TransitionError::ImportDetailNotApplicable { field, .. } => *field,
        TransitionError::DuplicateIntroducer { .. }
        | TransitionError::DuplicateImportedIntroducer { .. } => "introducers",
        _ => return None,
    };
    Some(match field {
        "applied_on" => Column::AppliedOn,
        "activist_since" => Column::ActivistSince,
        "target_since" => Column::TargetSince,
        "joined_on" | "resolution_on" => Column::JoinedOn,
        "full_since" => Column::FullSince,
        "probation_end" => Column::ProbationEnd,
        "probation_extended" => Column::Extended,
        "introducers" => Column::Introducers,
        _ => Column::Stage,
    })
}
