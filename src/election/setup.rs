//! 选举设置 (election set-up): the organisation, the body, the seats and the
//! candidates, checked against the roll, the counting-rule version and the
//! term rules in one `build()`. [Election 2020; Branch 2018
//! Art. 20; `docs/RULES.md` ORG-4, ORG-6, VOTE-6, VOTE-10]

use super::rules::ElectionRules;
use super::{ElectionError, MAX_CANDIDATES, MAX_PAPER_CANDIDATES, Roll};
use crate::period::{add_months, add_years};
use crate::rules::Versioned;
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// 选举对象 (the body elected). [Election 2020; Branch 2018 Art. 20]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Body {
    /// 支部委员会: a branch committee of 3–7 (7 or more full members).
    BranchCommittee,
    /// 支部书记: a secretary (a branch of fewer than 7, or the committee's
    /// choice); one seat.
    Secretary,
    /// 总支委员会: a general branch committee.
    GeneralBranchCommittee,
    /// 基层党委: a grassroots committee.
    GrassrootsCommittee,
    /// 出席上级党代会代表: delegates to a higher congress.
    Delegates,
}

impl Body {
    /// 中文名称.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::BranchCommittee => "支部委员会",
            Self::Secretary => "支部书记",
            Self::GeneralBranchCommittee => "总支委员会",
            Self::GrassrootsCommittee => "基层党委",
            Self::Delegates => "出席上级党代会代表",
        }
    }

    /// 任期 (years) under `rules`, or `None` for delegates (their term
    /// follows the congress). [Election 2020 Art. 4]
    pub fn term_years(self, rules: &ElectionRules) -> Option<u32> {
        match self {
            Self::BranchCommittee | Self::Secretary | Self::GeneralBranchCommittee => {
                Some(rules.branch_term_years)
            }
            Self::GrassrootsCommittee => Some(rules.committee_term_years),
            Self::Delegates => None,
        }
    }

    /// The fewest seats the body may have (a reduction of seats stops
    /// there). [Branch 2018 Art. 20]
    pub fn min_seats(self) -> u32 {
        match self {
            Self::BranchCommittee | Self::GeneralBranchCommittee | Self::GrassrootsCommittee => 3,
            Self::Secretary | Self::Delegates => 1,
        }
    }
}

/// 换届计划 (term plan): the term being elected and the previous election,
/// for the term checks. [Election 2020 Art. 4]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermPlan {
    /// 任期 (years) of the body being elected.
    pub years: u32,
    /// 上次选举日: when the outgoing body was elected, if any.
    pub previous_elected_on: Option<NaiveDate>,
    /// 上级批准: the higher committee approved an early or late election.
    pub higher_approval: bool,
}

/// 轮次 (round): the first ballot, a run-off among tied candidates, or a
/// further round for unfilled seats. [Election 2020]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    /// 正式选举.
    Main,
    /// 重新投票: among those tied at the last seat; the most votes win (the
    /// majority was already reached).
    RunOff,
    /// 另行选举: among the unelected, for the vacant seats; a majority is
    /// needed again.
    Further,
}

/// 选举 (an election as set up): checked, with the counting-rule version
/// that will count it. Built by [`ElectionBuilder`].
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::{national_election_rules, Body, ElectionBuilder, Roll};
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=20).map(MemberId::new), []);
/// let setup = ElectionBuilder::new()
///     .org(OrgId::new(2)).body(Body::BranchCommittee).seats(5).held_on(on)
///     .candidates((1..=6).map(MemberId::new))
///     .build(&roll, &national_election_rules())?;
/// assert_eq!(setup.rule_version, "election-2020");
/// // 5 seats need 6 candidates:
/// let short = ElectionBuilder::new()
///     .org(OrgId::new(2)).body(Body::BranchCommittee).seats(5).held_on(on)
///     .candidates((1..=5).map(MemberId::new))
///     .build(&roll, &national_election_rules());
/// assert!(short.is_err());
/// # Ok::<(), dangjian::election::ElectionError>(())
/// ```
///
/// Deserializing checks what the set-up holds in itself, as `build()` did
/// ([`ElectionSetup::check`]): a set-up with no seats or too many
/// candidates does not deserialize.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSetup")]
pub struct ElectionSetup {
    /// The organisation electing.
    pub org: OrgId,
    /// The body elected.
    pub body: Body,
    /// 应选名额.
    pub seats: u32,
    /// 候选人, in ballot order (bit `i` of a ballot's masks is candidate `i`).
    pub candidates: Vec<MemberId>,
    /// 差额选举: whether the competitive ratio applies.
    pub competitive: bool,
    /// 另选他人: whether write-ins are allowed.
    pub write_ins: bool,
    /// 选举日.
    pub held_on: NaiveDate,
    /// The round.
    pub round: Round,
    /// The name of the counting-rule version (printed on the report).
    pub rule_version: String,
    /// The rules of that version.
    pub rules: ElectionRules,
    /// 纸质选票计票: counted on paper only ([`super::count_papers`]), so the
    /// list may hold up to [`MAX_PAPER_CANDIDATES`]; such a set-up cannot
    /// take compact (online) ballots. Omitted from the serde form when
    /// `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub paper_only: bool,
    /// 监票人 (scrutineers) chosen by the meeting: electors who are not
    /// candidates (VOTE-13). Absent from the stored form when none were named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scrutineers: Vec<MemberId>,
}

/// The serde form of [`ElectionSetup`], before its checks.
#[derive(Deserialize)]
struct RawSetup {
    org: OrgId,
    body: Body,
    seats: u32,
    candidates: Vec<MemberId>,
    competitive: bool,
    write_ins: bool,
    held_on: NaiveDate,
    round: Round,
    rule_version: String,
    rules: ElectionRules,
    #[serde(default)]
    paper_only: bool,
    #[serde(default)]
    scrutineers: Vec<MemberId>,
}

impl TryFrom<RawSetup> for ElectionSetup {
    type Error = ElectionError;
    fn try_from(r: RawSetup) -> Result<Self, ElectionError> {
        let setup = Self {
            org: r.org,
            body: r.body,
            seats: r.seats,
            candidates: r.candidates,
            competitive: r.competitive,
            write_ins: r.write_ins,
            held_on: r.held_on,
            round: r.round,
            rule_version: r.rule_version,
            rules: r.rules,
            paper_only: r.paper_only,
            scrutineers: r.scrutineers,
        };
        setup.check()?;
        Ok(setup)
    }
}

impl ElectionSetup {
    /// 自检: the checks of [`ElectionBuilder::build`] that need nothing but
    /// the set-up: at least one seat and no more seats than candidates; no
    /// candidate twice; at most [`MAX_CANDIDATES`] candidates
    /// ([`MAX_PAPER_CANDIDATES`] for a paper-only count); the competitive
    /// ratio; a main round's seats for the body. (The roll and the term
    /// are checked by `build()` and cannot be checked again here.)
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::election::*;
    /// use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// let roll = Roll::from_parts(OrgId::new(2), on, (1..=9).map(MemberId::new), []);
    /// let mut setup = ElectionBuilder::new().org(OrgId::new(2)).body(Body::Delegates).seats(1)
    ///     .held_on(on).candidates([MemberId::new(1), MemberId::new(2)])
    ///     .build(&roll, &national_election_rules())?;
    /// assert!(setup.check().is_ok());
    /// setup.seats = 0;
    /// assert_eq!(setup.check(), Err(ElectionError::NoSeats(0)));
    /// # Ok::<(), ElectionError>(())
    /// ```
    ///
    /// # Errors
    /// [`ElectionError::NoSeats`], [`ElectionError::MoreSeatsThanCandidates`],
    /// [`ElectionError::DuplicateCandidate`],
    /// [`ElectionError::TooManyCandidates`],
    /// [`ElectionError::TooFewCandidates`], [`ElectionError::BodyNotAllowed`],
    /// [`ElectionError::ScrutineerIsCandidate`] (VOTE-13; whether a
    /// scrutineer is an elector needs the roll, checked when the election
    /// is opened).
    pub fn check(&self) -> Result<(), ElectionError> {
        let mut seen = BTreeSet::new();
        if let Some(c) = self.candidates.iter().find(|c| !seen.insert(**c)) {
            return Err(ElectionError::DuplicateCandidate(*c));
        }
        if let Some(m) = self.scrutineers.iter().find(|m| seen.contains(*m)) {
            return Err(ElectionError::ScrutineerIsCandidate(*m));
        }
        check_count(self.candidates.len(), self.paper_only)?;
        let seats = check_seats(i64::from(self.seats), self.candidates.len())?;
        let required = self.rules.min_candidates(seats);
        if self.competitive && self.candidates.len() < required as usize {
            return Err(ElectionError::TooFewCandidates {
                seats,
                required,
                candidates: self.candidates.len(),
            });
        }
        if self.round == Round::Main {
            check_body_seats(self.body, seats)?;
        }
        Ok(())
    }

    /// The ballot position of `member`, if listed.
    pub fn position(&self, member: MemberId) -> Option<usize> {
        self.candidates.iter().position(|c| *c == member)
    }

    /// 重新投票 (run-off) among exactly `tied` for `seats` seats, on the same
    /// rules. [Election 2020]
    ///
    /// # Errors
    /// As [`ElectionBuilder::build`] for the new list (not competitive).
    pub fn run_off(
        &self,
        tied: &[MemberId],
        seats: u32,
        roll: &Roll,
    ) -> Result<ElectionSetup, ElectionError> {
        self.next_round(Round::RunOff, tied, seats, roll)
    }

    /// 另行选举 (further round) among `unelected` for `vacancies` seats.
    /// [Election 2020]
    ///
    /// # Errors
    /// As [`ElectionBuilder::build`] for the new list (not competitive).
    pub fn further_round(
        &self,
        unelected: &[MemberId],
        vacancies: u32,
        roll: &Roll,
    ) -> Result<ElectionSetup, ElectionError> {
        self.next_round(Round::Further, unelected, vacancies, roll)
    }

    fn next_round(
        &self,
        round: Round,
        candidates: &[MemberId],
        seats: u32,
        roll: &Roll,
    ) -> Result<ElectionSetup, ElectionError> {
        let list = check_candidates(candidates.iter().copied(), roll)?;
        check_count(list.len(), self.paper_only)?;
        check_seats(i64::from(seats), list.len())?;
        Ok(ElectionSetup {
            seats,
            candidates: list,
            competitive: false,
            write_ins: false,
            round,
            ..self.clone()
        })
    }
}

/// 选举设置表 (election builder): fill in, then [`build`](Self::build)
/// checks everything at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionBuilder {
    org: Option<OrgId>,
    body: Option<Body>,
    seats: Option<i64>,
    candidates: Vec<MemberId>,
    competitive: Option<bool>,
    write_ins: Option<bool>,
    held_on: Option<NaiveDate>,
    term: Option<TermPlan>,
    rule_version: Option<String>,
    #[serde(default)]
    paper_only: bool,
    scrutineers: Vec<MemberId>,
}

impl ElectionBuilder {
    /// An empty set-up: competitive, write-ins allowed.
    pub fn new() -> Self {
        Self::default()
    }
    /// The organisation electing.
    pub fn org(mut self, org: OrgId) -> Self {
        self.org = Some(org);
        self
    }
    /// The body elected.
    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }
    /// 应选名额 (checked ≥ 1 in `build`).
    pub fn seats(mut self, seats: i64) -> Self {
        self.seats = Some(seats);
        self
    }
    /// Adds a candidate (ballot order).
    pub fn candidate(mut self, member: MemberId) -> Self {
        self.candidates.push(member);
        self
    }
    /// Adds candidates (ballot order).
    pub fn candidates(mut self, members: impl IntoIterator<Item = MemberId>) -> Self {
        self.candidates.extend(members);
        self
    }
    /// 差额 (`true`, the default) or 等额 (`false`, where the higher
    /// committee allows it).
    pub fn competitive(mut self, yes: bool) -> Self {
        self.competitive = Some(yes);
        self
    }
    /// 另选他人: allow write-ins (default `true`).
    pub fn write_ins(mut self, yes: bool) -> Self {
        self.write_ins = Some(yes);
        self
    }
    /// The day of the election (picks the rule version in force).
    pub fn held_on(mut self, date: NaiveDate) -> Self {
        self.held_on = Some(date);
        self
    }
    /// The term, checked against the regulation.
    pub fn term(mut self, plan: TermPlan) -> Self {
        self.term = Some(plan);
        self
    }
    /// 监票人 (scrutineers, and counters) chosen by the meeting, checked in
    /// `build`: each must be an elector and not a candidate. [Election
    /// 2020; VOTE-13]
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::election::{national_election_rules, Body, ElectionBuilder, ElectionError, Roll};
    /// use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// let roll = Roll::from_parts(OrgId::new(2), on, (1..=9).map(MemberId::new), []);
    /// let b = ElectionBuilder::new().org(OrgId::new(2)).body(Body::Secretary).seats(1)
    ///     .held_on(on).candidates([MemberId::new(1), MemberId::new(2)]);
    /// let ok = b.clone().scrutineers([MemberId::new(8), MemberId::new(9)]).build(&roll, &national_election_rules())?;
    /// assert_eq!(ok.scrutineers, vec![MemberId::new(8), MemberId::new(9)]);
    /// let candidate = b.clone().scrutineers([MemberId::new(1)]).build(&roll, &national_election_rules());
    /// assert_eq!(candidate.unwrap_err(), ElectionError::ScrutineerIsCandidate(MemberId::new(1)));
    /// let outsider = b.scrutineers([MemberId::new(40)]).build(&roll, &national_election_rules());
    /// assert_eq!(outsider.unwrap_err(), ElectionError::ScrutineerNotElector(MemberId::new(40)));
    /// # Ok::<(), ElectionError>(())
    /// ```
    pub fn scrutineers(mut self, members: impl IntoIterator<Item = MemberId>) -> Self {
        self.scrutineers.extend(members);
        self
    }

    /// Counts under the named rule version (e.g. `"election-1990"` for a
    /// branch still on the old template) instead of the one in force.
    pub fn rule_version(mut self, name: impl Into<String>) -> Self {
        self.rule_version = Some(name.into());
        self
    }

    /// 纸质选票: counted on paper only ([`super::count_papers`]), so up to
    /// [`MAX_PAPER_CANDIDATES`] may be listed (a 党员大会 electing
    /// delegates); the set-up then takes no compact ballots.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use dangjian::election::*;
    /// use dangjian::{MemberId, OrgId};
    /// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
    /// let roll = Roll::from_parts(OrgId::new(2), on, (1..=300).map(MemberId::new), []);
    /// let b = || ElectionBuilder::new().org(OrgId::new(2)).body(Body::Delegates).seats(80)
    ///     .held_on(on).candidates((1..=100).map(MemberId::new));
    /// assert!(b().build(&roll, &national_election_rules()).is_err()); // 100 > 64
    /// let setup = b().paper_only(true).build(&roll, &national_election_rules())?;
    /// assert_eq!(setup.candidates.len(), 100);
    /// # Ok::<(), ElectionError>(())
    /// ```
    pub fn paper_only(mut self, yes: bool) -> Self {
        self.paper_only = yes;
        self
    }

    /// 审核: checks the set-up against `roll` and `rules`.
    ///
    /// # Errors
    /// [`ElectionError::Missing`]; [`ElectionError::NoSeats`] for seats ≤ 0;
    /// [`ElectionError::NoRules`]; [`ElectionError::DuplicateCandidate`],
    /// [`ElectionError::TooManyCandidates`],
    /// [`ElectionError::NotEntitledToStand`];
    /// [`ElectionError::MoreSeatsThanCandidates`];
    /// [`ElectionError::TooFewCandidates`] (competitive, fewer than seats ×
    /// 1.2 rounded up); [`ElectionError::BodyNotAllowed`];
    /// [`ElectionError::Term`].
    pub fn build(
        self,
        roll: &Roll,
        rules: &Versioned<ElectionRules>,
    ) -> Result<ElectionSetup, ElectionError> {
        let org = self.org.ok_or(ElectionError::Missing("organisation"))?;
        let body = self.body.ok_or(ElectionError::Missing("body"))?;
        let seats_raw = self.seats.ok_or(ElectionError::Missing("seats"))?;
        let held_on = self
            .held_on
            .ok_or(ElectionError::Missing("election date"))?;
        let version = match &self.rule_version {
            Some(name) => rules.versions().iter().find(|v| &v.name == name),
            None => rules.at(held_on),
        }
        .ok_or_else(|| {
            ElectionError::NoRules(
                self.rule_version
                    .clone()
                    .unwrap_or_else(|| held_on.to_string()),
            )
        })?;
        let candidates = check_candidates(self.candidates.iter().copied(), roll)?;
        check_count(candidates.len(), self.paper_only)?;
        let seats = check_seats(seats_raw, candidates.len())?;
        let competitive = self.competitive.unwrap_or(true);
        let r = &version.rules;
        let required = r.min_candidates(seats);
        if competitive && candidates.len() < required as usize {
            return Err(ElectionError::TooFewCandidates {
                seats,
                required,
                candidates: candidates.len(),
            });
        }
        check_body(body, seats, roll)?;
        if let Some(plan) = self.term {
            check_term(body, plan, held_on, r)?;
        }
        let scrutineers = check_scrutineers(&self.scrutineers, &candidates, roll)?;
        Ok(ElectionSetup {
            org,
            body,
            seats,
            candidates,
            competitive,
            write_ins: self.write_ins.unwrap_or(true),
            held_on,
            round: Round::Main,
            rule_version: version.name.clone(),
            rules: r.clone(),
            paper_only: self.paper_only,
            scrutineers,
        })
    }
}

/// 监票人: electors who are not candidates, each once, in the order given.
fn check_scrutineers(
    list: &[MemberId],
    candidates: &[MemberId],
    roll: &Roll,
) -> Result<Vec<MemberId>, ElectionError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in list {
        if candidates.contains(m) {
            return Err(ElectionError::ScrutineerIsCandidate(*m));
        }
        if roll.check_entitled(*m).is_err() {
            return Err(ElectionError::ScrutineerNotElector(*m));
        }
        if seen.insert(*m) {
            out.push(*m);
        }
    }
    Ok(out)
}

fn check_candidates(
    list: impl Iterator<Item = MemberId>,
    roll: &Roll,
) -> Result<Vec<MemberId>, ElectionError> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for c in list {
        if !seen.insert(c) {
            return Err(ElectionError::DuplicateCandidate(c));
        }
        roll.check_may_stand(c)?;
        out.push(c);
    }
    Ok(out)
}

/// At most [`MAX_CANDIDATES`] listed ([`MAX_PAPER_CANDIDATES`] on paper).
fn check_count(n: usize, paper_only: bool) -> Result<(), ElectionError> {
    let max = if paper_only {
        MAX_PAPER_CANDIDATES
    } else {
        MAX_CANDIDATES
    };
    if n > max {
        return Err(ElectionError::TooManyCandidates { max, got: n });
    }
    Ok(())
}

fn check_seats(seats: i64, candidates: usize) -> Result<u32, ElectionError> {
    let seats = u32::try_from(seats)
        .ok()
        .filter(|s| *s >= 1)
        .ok_or(ElectionError::NoSeats(seats))?;
    if seats as usize > candidates {
        return Err(ElectionError::MoreSeatsThanCandidates { seats, candidates });
    }
    Ok(seats)
}

fn check_body(body: Body, seats: u32, roll: &Roll) -> Result<(), ElectionError> {
    if body == Body::BranchCommittee && roll.entitled_count() < 7 {
        return Err(ElectionError::BodyNotAllowed {
            body,
            why: format!(
                "a branch committee needs 7 or more full members; {} entitled (elect a secretary)",
                roll.entitled_count()
            ),
        });
    }
    check_body_seats(body, seats)
}

fn check_body_seats(body: Body, seats: u32) -> Result<(), ElectionError> {
    let fail = |why: String| Err(ElectionError::BodyNotAllowed { body, why });
    match body {
        Body::BranchCommittee if !(3..=7).contains(&seats) => fail(format!(
            "a branch committee has 3 to 7 members, not {seats}"
        )),
        Body::Secretary if seats != 1 => fail(format!("one secretary is elected, not {seats}")),
        _ => Ok(()),
    }
}

fn check_term(
    body: Body,
    plan: TermPlan,
    held_on: NaiveDate,
    rules: &ElectionRules,
) -> Result<(), ElectionError> {
    let term = |s: String| Err(ElectionError::Term(s));
    if let Some(years) = body.term_years(rules) {
        if plan.years != years {
            return term(format!(
                "a {} serves {years} years, not {}",
                body.label_zh(),
                plan.years
            ));
        }
    }
    let Some(previous) = plan.previous_elected_on else {
        return Ok(());
    };
    let due = add_years(previous, plan.years).ok_or(ElectionError::Date {
        date: previous,
        why: "term end out of range",
    })?;
    if held_on == due {
        return Ok(());
    }
    let max = rules.max_deviation_months;
    let too_early = add_months(held_on, max).is_some_and(|d| d < due);
    let too_late = add_months(due, max).is_some_and(|d| held_on > d);
    if too_early || too_late {
        return term(format!(
            "the term ends {due}; an election on {held_on} is {} by more than {max} months",
            if too_early { "early" } else { "late" }
        ));
    }
    if !plan.higher_approval {
        return term(format!(
            "the term ends {due}; an election on {held_on} needs the higher committee's approval"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::national_election_rules;
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn roll(n: u64) -> Roll {
        Roll::from_parts(
            OrgId::new(1),
            d(2024, 6, 1),
            (1..=n).map(MemberId::new),
            [(
                MemberId::new(99),
                super::super::NotEntitledReason::Probationary,
            )],
        )
    }

    fn b(seats: i64, n: u64) -> ElectionBuilder {
        ElectionBuilder::new()
            .org(OrgId::new(1))
            .body(Body::Delegates)
            .seats(seats)
            .held_on(d(2024, 6, 1))
            .candidates((1..=n).map(MemberId::new))
    }

    #[test]
    fn five_seats_need_six_and_seven_need_nine() {
        let rules = national_election_rules();
        let r = roll(20);
        assert!(matches!(
            b(5, 5).build(&r, &rules),
            Err(ElectionError::TooFewCandidates { required: 6, .. })
        ));
        assert!(b(5, 6).build(&r, &rules).is_ok());
        assert!(matches!(
            b(7, 8).build(&r, &rules),
            Err(ElectionError::TooFewCandidates { required: 9, .. })
        ));
        assert!(b(7, 9).build(&r, &rules).is_ok());
        // 等额 allowed where the higher committee permits it:
        assert!(b(7, 7).competitive(false).build(&r, &rules).is_ok());
    }

    #[test]
    fn seats_must_be_positive_and_at_most_candidates() {
        let rules = national_election_rules();
        let r = roll(20);
        assert_eq!(b(0, 3).build(&r, &rules), Err(ElectionError::NoSeats(0)));
        assert_eq!(b(-2, 3).build(&r, &rules), Err(ElectionError::NoSeats(-2)));
        assert!(matches!(
            b(4, 3).competitive(false).build(&r, &rules),
            Err(ElectionError::MoreSeatsThanCandidates {
                seats: 4,
                candidates: 3
            })
        ));
    }

    #[test]
    fn probationary_candidate_refused() {
        let rules = national_election_rules();
        let r = roll(20);
        assert!(matches!(
            b(1, 1).candidate(MemberId::new(99)).build(&r, &rules),
            Err(ElectionError::NotEntitledToStand { .. })
        ));
        assert!(matches!(
            b(1, 1).candidate(MemberId::new(1)).build(&r, &rules),
            Err(ElectionError::DuplicateCandidate(_))
        ));
    }

    #[test]
    fn branch_committee_needs_seven_members_and_three_to_seven_seats() {
        let rules = national_election_rules();
        let x = |seats, n, members| {
            b(seats, n)
                .body(Body::BranchCommittee)
                .build(&roll(members), &rules)
        };
        assert!(matches!(
            x(3, 4, 6),
            Err(ElectionError::BodyNotAllowed { .. })
        ));
        assert!(x(3, 4, 7).is_ok());
        assert!(matches!(
            x(8, 10, 20),
            Err(ElectionError::BodyNotAllowed { .. })
        ));
    }

    #[test]
    fn terms_follow_the_regulation() {
        let rules = national_election_rules();
        let r = roll(20);
        let plan = |years, prev, ok| TermPlan {
            years,
            previous_elected_on: prev,
            higher_approval: ok,
        };
        let x = |p| {
            b(5, 6)
                .body(Body::BranchCommittee)
                .term(p)
                .build(&r, &rules)
        };
        assert!(x(plan(3, Some(d(2021, 6, 1)), false)).is_ok());
        assert!(matches!(
            x(plan(5, None, false)),
            Err(ElectionError::Term(_))
        ));
        // a year late with approval is fine, without it is not
        assert!(x(plan(3, Some(d(2020, 6, 1)), true)).is_ok());
        assert!(matches!(
            x(plan(3, Some(d(2020, 6, 1)), false)),
            Err(ElectionError::Term(_))
        ));
        // more than a year late is refused even with approval
        assert!(matches!(
            x(plan(3, Some(d(2020, 5, 31)), true)),
            Err(ElectionError::Term(_))
        ));
        // more than a year early too
        assert!(matches!(
            x(plan(3, Some(d(2022, 6, 2)), true)),
            Err(ElectionError::Term(_))
        ));
        let committee = b(5, 6)
            .body(Body::GrassrootsCommittee)
            .term(plan(5, Some(d(2019, 6, 1)), false))
            .build(&r, &rules);
        assert!(committee.is_ok());
    }

    #[test]
    fn named_rule_version_is_used_and_unknown_refused() {
        let rules = national_election_rules();
        let r = roll(20);
        let s = b(5, 6).rule_version("election-1990").build(&r, &rules);
        assert_eq!(s.map(|s| s.rule_version), Ok("election-1990".to_owned()));
        assert!(matches!(
            b(5, 6).rule_version("election-1900").build(&r, &rules),
            Err(ElectionError::NoRules(_))
        ));
    }

    #[test]
    fn serde_round_trip() {
        let s = b(5, 6).build(&roll(20), &national_election_rules());
        let s = s.unwrap_or_else(|e| unreachable!("{e}"));
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(serde_json::from_str::<ElectionSetup>(&json).ok(), Some(s));
    }
}
