//! 计票 (counting): a fast count of compact ballots, then the count report
//! (计票报告) with every figure a scrutineer checks, under the counting-rule
//! version the election names. [Election 2020; `docs/RULES.md` VOTE-7 … VOTE-11]

use super::ballot::listed_mask;
use super::rules::{MajorityBase, ReturnedComparedWith};
use super::{Ballot, ElectionSetup, Round};
use crate::{MemberId, OrgId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// 到会与投票人数 (turnout): the figures the count is checked against.
/// [Election 2020]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turnout {
    /// 应到会有选举权的人数.
    pub entitled: u32,
    /// 实到会有选举权的人数.
    pub present: u32,
    /// 发出选票数.
    pub issued: u32,
    /// 投票人数: those marked as having voted.
    pub voted: u32,
}

/// 票数 (raw counts) from [`count_ballots`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// 收回选票.
    pub returned: u32,
    /// 有效票.
    pub valid: u32,
    /// 无效票.
    pub invalid: u32,
    /// 赞成票 per listed candidate (ballot order), valid ballots only.
    pub yes: Vec<u32>,
    /// 不赞成票 per listed candidate.
    pub no: Vec<u32>,
    /// 另选他人票 per person written in.
    pub write_ins: BTreeMap<MemberId, u32>,
}

/// 唱票 (fast count): counts `ballots` for `setup`, checking each ballot's
/// validity (more yes marks than seats, malformed marks, a person written
/// in twice → invalid). One pass, no allocation per ballot. [Election 2020;
/// `docs/RULES.md` VOTE-7]
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=10).map(MemberId::new), []);
/// let setup = ElectionBuilder::new().org(OrgId::new(2)).body(Body::Delegates).seats(1)
///     .held_on(on).candidates([MemberId::new(1), MemberId::new(2)])
///     .build(&roll, &national_election_rules())?;
/// let c = count_ballots(&setup, &[Ballot::from_masks(0b01, 0b10, vec![]), Ballot::from_masks(0b11, 0, vec![])]);
/// assert_eq!((c.returned, c.valid, c.invalid), (2, 1, 1));
/// assert_eq!(c.yes, vec![1, 0]);
/// # Ok::<(), ElectionError>(())
/// ```
pub fn count_ballots(setup: &ElectionSetup, ballots: &[Ballot]) -> Counts {
    let n = setup.candidates.len().min(64);
    let listed = listed_mask(n);
    let seats = setup.seats as usize;
    let allow_write_ins = setup.write_ins;
    // Byte lanes: each u64 of `lanes_*` holds 8 counters of one byte, one
    // per candidate; a mask byte adds through `SPREAD`. Lanes are flushed
    // into the u32 totals before a byte can overflow.
    let bytes = n.div_ceil(8);
    let mut lanes_yes = [0u64; 8];
    let mut lanes_no = [0u64; 8];
    let mut yes = [0u32; 64];
    let mut no = [0u32; 64];
    let mut pending = 0u32;
    let mut valid = 0u32;
    let mut write_ins: BTreeMap<MemberId, u32> = BTreeMap::new();
    for b in ballots {
        let (y, x) = (b.yes, b.no);
        let marks = y.count_ones() as usize + b.write_ins.len();
        let ok = y & x == 0
            && (y | x) & !listed == 0
            && marks <= seats
            && (b.write_ins.is_empty() || allow_write_ins)
            && b.write_ins_ok();
        if !ok {
            continue;
        }
        valid += 1;
        for (k, (ly, lx)) in lanes_yes
            .iter_mut()
            .zip(lanes_no.iter_mut())
            .take(bytes)
            .enumerate()
        {
            *ly += spread((y >> (8 * k)) as u8);
            *lx += spread((x >> (8 * k)) as u8);
        }
        for w in b.write_ins.iter() {
            *write_ins.entry(*w).or_insert(0) += 1;
        }
        pending += 1;
        if pending == 255 {
            flush(&mut lanes_yes, &mut yes);
            flush(&mut lanes_no, &mut no);
            pending = 0;
        }
    }
    flush(&mut lanes_yes, &mut yes);
    flush(&mut lanes_no, &mut no);
    let returned = u32::try_from(ballots.len()).unwrap_or(u32::MAX);
    Counts {
        returned,
        valid,
        invalid: returned - valid,
        yes: yes.iter().take(n).copied().collect(),
        no: no.iter().take(n).copied().collect(),
        write_ins,
    }
}

/// `SPREAD[b]` has byte `i` set to bit `i` of `b`.
// Built at compile time; `b < 256` bounds the index (`get_mut` is not
// usable in a const block), so indexing cannot panic.
#[allow(clippy::indexing_slicing)]
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut v = 0u64;
        let mut i = 0;
        while i < 8 {
            if (b >> i) & 1 == 1 {
                v |= 1 << (8 * i);
            }
            i += 1;
        }
        t[b] = v;
        b += 1;
    }
    t
};

#[inline]
fn spread(byte: u8) -> u64 {
    SPREAD.get(usize::from(byte)).copied().unwrap_or(0)
}

fn flush(lanes: &mut [u64; 8], totals: &mut [u32; 64]) {
    for (lane, chunk) in lanes.iter_mut().zip(totals.chunks_exact_mut(8)) {
        for (i, t) in chunk.iter_mut().enumerate() {
            *t += ((*lane >> (8 * i)) & 0xff) as u32;
        }
        *lane = 0;
    }
}

/// 计票结果 (standing) of one person on the count report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// 当选.
    Elected,
    /// 得票相等: tied at the last seat; goes to a run-off.
    Tied,
    /// 过半数未当选: a majority, but outside the seats.
    NotElected,
    /// 未过半数: short of the majority.
    BelowMajority,
    /// 未计: the count was void or not quorate.
    NotCounted,
}

impl Standing {
    /// 中文.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Elected => "当选",
            Self::Tied => "票数相等，须重新投票",
            Self::NotElected => "过半数，名额已满未当选",
            Self::BelowMajority => "未过半数",
            Self::NotCounted => "未计",
        }
    }
}

/// 得票情况 (one line of the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateLine {
    /// The person.
    pub member: MemberId,
    /// Listed (`true`) or written in.
    pub listed: bool,
    /// 赞成.
    pub yes: u32,
    /// 不赞成 (0 for a write-in).
    pub no: u32,
    /// 弃权 (0 for a write-in).
    pub abstain: u32,
    /// The result.
    pub standing: Standing,
}

/// 选举结果 (outcome) and what comes next. [Election 2020]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// 不足法定人数: the election may not proceed.
    NotQuorate,
    /// 选举无效: more ballots returned than the rule allows; vote again.
    Void,
    /// 选举完成: every seat filled.
    Complete {
        /// 当选人, by votes.
        elected: Vec<MemberId>,
    },
    /// 重新投票: a tie at the last seat; a run-off among exactly `tied`.
    RunOff {
        /// Elected already.
        elected: Vec<MemberId>,
        /// The tied, in ballot order.
        tied: Vec<MemberId>,
        /// Seats for the run-off.
        seats: u32,
    },
    /// 当选人数少于应选名额: vote again among the unelected, or reduce the
    /// seats (when close, and a majority agrees).
    Shortfall {
        /// Elected.
        elected: Vec<MemberId>,
        /// 缺额.
        vacancies: u32,
        /// 另行选举: the listed candidates not elected.
        further_round_among: Vec<MemberId>,
        /// 减少名额: the seats may be reduced to this many (not below the
        /// body's minimum), or `None`.
        may_reduce_to: Option<u32>,
    },
}

/// 计票报告 (count report): every figure a scrutineer (监票人) checks, the
/// counting-rule version that counted, and the outcome. [Election 2020;
/// `docs/RULES.md` VOTE-11]
///
/// Totals reconcile: `valid + invalid == returned`, and no one has more
/// yes votes than there are valid ballots.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::*;
/// use dangjian::{MemberId, OrgId};
/// let on = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let roll = Roll::from_parts(OrgId::new(2), on, (1..=10).map(MemberId::new), []);
/// let setup = ElectionBuilder::new().org(OrgId::new(2)).body(Body::Delegates).seats(1)
///     .held_on(on).candidates([MemberId::new(1), MemberId::new(2)])
///     .build(&roll, &national_election_rules())?;
/// let ballots = vec![Ballot::from_masks(0b01, 0, vec![]); 6];
/// let turnout = Turnout { entitled: 10, present: 9, issued: 9, voted: 6 };
/// let report = CountReport::count(&setup, turnout, &ballots);
/// assert_eq!(report.outcome(), &Outcome::Complete { elected: vec![MemberId::new(1)] });
/// assert!(report.to_string().contains("election-2020"));
/// # Ok::<(), ElectionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountReport {
    /// The organisation.
    pub(crate) org: OrgId,
    /// 选举对象 (Chinese name of the body).
    pub(crate) body: String,
    /// The round.
    pub(crate) round: Round,
    /// 选举日.
    pub(crate) held_on: NaiveDate,
    /// 计票规则版本 (e.g. "election-2020").
    pub(crate) rule_version: String,
    /// 当选基数 of that version.
    pub(crate) majority_base: MajorityBase,
    /// 选票有效性比较 of that version.
    pub(crate) returned_compared_with: ReturnedComparedWith,
    /// 应选名额.
    pub(crate) seats: u32,
    /// 应到.
    pub(crate) entitled: u32,
    /// 实到.
    pub(crate) present: u32,
    /// 到会人数超过应到人数的五分之四.
    pub(crate) quorate: bool,
    /// 发出选票.
    pub(crate) issued: u32,
    /// 投票人数.
    pub(crate) voted: u32,
    /// 收回选票.
    pub(crate) returned: u32,
    /// 有效票.
    pub(crate) valid: u32,
    /// 无效票.
    pub(crate) invalid: u32,
    /// 选举有效: returned ≤ voted (2020) or ≤ issued (1990).
    pub(crate) vote_valid: bool,
    /// 过半数基数: the number "more than half" counts.
    pub(crate) majority_of: u32,
    /// 当选最低票数: `majority_of / 2 + 1` (run-offs: none).
    pub(crate) votes_needed: u32,
    /// Every person, listed candidates in ballot order, then write-ins.
    pub(crate) lines: Vec<CandidateLine>,
    /// The outcome.
    pub(crate) outcome: Outcome,
}

impl CountReport {
    /// The organisation.
    pub fn org(&self) -> OrgId {
        self.org
    }

    /// 选举对象 (Chinese name of the body).
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The round.
    pub fn round(&self) -> Round {
        self.round
    }

    /// 选举日.
    pub fn held_on(&self) -> NaiveDate {
        self.held_on
    }

    /// 计票规则版本 (e.g. "election-2020").
    pub fn rule_version(&self) -> &str {
        &self.rule_version
    }

    /// 当选基数 of that version.
    pub fn majority_base(&self) -> MajorityBase {
        self.majority_base
    }

    /// 选票有效性比较 of that version.
    pub fn returned_compared_with(&self) -> ReturnedComparedWith {
        self.returned_compared_with
    }

    /// 应选名额.
    pub fn seats(&self) -> u32 {
        self.seats
    }

    /// 应到.
    pub fn entitled(&self) -> u32 {
        self.entitled
    }

    /// 实到.
    pub fn present(&self) -> u32 {
        self.present
    }

    /// 到会人数超过应到人数的五分之四.
    pub fn quorate(&self) -> bool {
        self.quorate
    }

    /// 发出选票.
    pub fn issued(&self) -> u32 {
        self.issued
    }

    /// 投票人数.
    pub fn voted(&self) -> u32 {
        self.voted
    }

    /// 收回选票.
    pub fn returned(&self) -> u32 {
        self.returned
    }

    /// 有效票.
    pub fn valid(&self) -> u32 {
        self.valid
    }

    /// 无效票.
    pub fn invalid(&self) -> u32 {
        self.invalid
    }

    /// 选举有效: returned ≤ voted (2020) or ≤ issued (1990).
    pub fn vote_valid(&self) -> bool {
        self.vote_valid
    }

    /// 过半数基数: the number "more than half" counts.
    pub fn majority_of(&self) -> u32 {
        self.majority_of
    }

    /// 当选最低票数: `majority_of / 2 + 1` (run-offs: none).
    pub fn votes_needed(&self) -> u32 {
        self.votes_needed
    }

    /// Every person, listed candidates in ballot order, then write-ins.
    pub fn lines(&self) -> &[CandidateLine] {
        &self.lines
    }

    /// The outcome.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }
}

impl CountReport {
    /// 计票: counts `ballots` (the returned ballots) and decides.
    pub fn count(setup: &ElectionSetup, turnout: Turnout, ballots: &[Ballot]) -> Self {
        Self::from_counts(setup, turnout, &count_ballots(setup, ballots))
    }

    /// Decides from counts already made (e.g. by a paper count).
    pub fn from_counts(setup: &ElectionSetup, t: Turnout, c: &Counts) -> Self {
        let r = &setup.rules;
        let quorate = r.quorate(t.entitled, t.present);
        let limit = match r.returned_compared_with {
            ReturnedComparedWith::Voted => t.voted,
            ReturnedComparedWith::Issued => t.issued,
        };
        let vote_valid = c.returned <= limit;
        let majority_of = match r.majority_base {
            MajorityBase::Entitled => t.entitled,
            MajorityBase::Present => t.present,
        };
        let needs_majority = setup.round != Round::RunOff;
        let votes_needed = if needs_majority {
            majority_of / 2 + 1
        } else {
            0
        };
        let mut lines: Vec<CandidateLine> = setup
            .candidates
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let yes = c.yes.get(i).copied().unwrap_or(0);
                let no = c.no.get(i).copied().unwrap_or(0);
                CandidateLine {
                    member: *m,
                    listed: true,
                    yes,
                    no,
                    abstain: c.valid.saturating_sub(yes).saturating_sub(no),
                    standing: Standing::NotCounted,
                }
            })
            .collect();
        lines.extend(c.write_ins.iter().map(|(m, v)| CandidateLine {
            member: *m,
            listed: false,
            yes: *v,
            no: 0,
            abstain: 0,
            standing: Standing::NotCounted,
        }));
        let outcome = if !quorate {
            Outcome::NotQuorate
        } else if !vote_valid {
            Outcome::Void
        } else {
            decide(setup, &mut lines, votes_needed)
        };
        Self {
            org: setup.org,
            body: setup.body.label_zh().to_owned(),
            round: setup.round,
            held_on: setup.held_on,
            rule_version: setup.rule_version.clone(),
            majority_base: r.majority_base,
            returned_compared_with: r.returned_compared_with,
            seats: setup.seats,
            entitled: t.entitled,
            present: t.present,
            quorate,
            issued: t.issued,
            voted: t.voted,
            returned: c.returned,
            valid: c.valid,
            invalid: c.invalid,
            vote_valid,
            majority_of,
            votes_needed,
            lines,
            outcome,
        }
    }

    /// 当选人: those elected by this count.
    pub fn elected(&self) -> Vec<MemberId> {
        match &self.outcome {
            Outcome::Complete { elected }
            | Outcome::RunOff { elected, .. }
            | Outcome::Shortfall { elected, .. } => elected.clone(),
            Outcome::NotQuorate | Outcome::Void => Vec::new(),
        }
    }
}

fn decide(setup: &ElectionSetup, lines: &mut [CandidateLine], needed: u32) -> Outcome {
    let seats = setup.seats as usize;
    for l in lines.iter_mut() {
        l.standing = if l.yes >= needed && l.yes > 0 {
            Standing::NotElected
        } else {
            Standing::BelowMajority
        };
    }
    // Qualified, by votes (stable: ballot order breaks nothing, ties are
    // handled below).
    let mut qualified: Vec<(u32, MemberId)> = lines
        .iter()
        .filter(|l| l.standing == Standing::NotElected)
        .map(|l| (l.yes, l.member))
        .collect();
    qualified.sort_by_key(|q| std::cmp::Reverse(q.0));
    let set = |lines: &mut [CandidateLine], who: &[MemberId], s: Standing| {
        for l in lines.iter_mut().filter(|l| who.contains(&l.member)) {
            l.standing = s;
        }
    };
    if qualified.len() <= seats {
        let elected: Vec<MemberId> = qualified.iter().map(|q| q.1).collect();
        set(lines, &elected, Standing::Elected);
        if elected.len() == seats {
            return Outcome::Complete { elected };
        }
        let vacancies = u32::try_from(seats - elected.len()).unwrap_or(0);
        let further_round_among: Vec<MemberId> = setup
            .candidates
            .iter()
            .filter(|c| !elected.contains(c))
            .copied()
            .collect();
        let n = u32::try_from(elected.len()).unwrap_or(0);
        let may_reduce_to = (n >= setup.body.min_seats()).then_some(n);
        return Outcome::Shortfall {
            elected,
            vacancies,
            further_round_among,
            may_reduce_to,
        };
    }
    let boundary = qualified.get(seats.saturating_sub(1)).map_or(0, |q| q.0);
    let next = qualified.get(seats).map_or(0, |q| q.0);
    let elected: Vec<MemberId> = if boundary == next {
        qualified
            .iter()
            .filter(|q| q.0 > boundary)
            .map(|q| q.1)
            .collect()
    } else {
        qualified.iter().take(seats).map(|q| q.1).collect()
    };
    set(lines, &elected, Standing::Elected);
    if boundary != next {
        return Outcome::Complete { elected };
    }
    let tied: Vec<MemberId> = lines
        .iter()
        .filter(|l| l.standing == Standing::NotElected && l.yes == boundary)
        .map(|l| l.member)
        .collect();
    set(lines, &tied, Standing::Tied);
    let seats_left = u32::try_from(seats - elected.len()).unwrap_or(0);
    Outcome::RunOff {
        elected,
        tied,
        seats: seats_left,
    }
}

impl fmt::Display for CountReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yn = |b: bool| if b { "是" } else { "否" };
        writeln!(
            f,
            "计票报告（{}，{}，{}）",
            self.body, self.org, self.held_on
        )?;
        let round = match self.round {
            Round::Main => "正式选举",
            Round::RunOff => "重新投票（得票相等者）",
            Round::Further => "另行选举",
        };
        writeln!(f, "轮次：{round}　应选名额：{}", self.seats)?;
        let base = match self.majority_base {
            MajorityBase::Entitled => "应到会有选举权的人数",
            MajorityBase::Present => "实到会有选举权的人数",
        };
        let cmp = match self.returned_compared_with {
            ReturnedComparedWith::Voted => "投票人数",
            ReturnedComparedWith::Issued => "发出选票数",
        };
        writeln!(
            f,
            "计票规则版本：{}（当选须超过{base}的半数；收回选票与{cmp}比较）",
            self.rule_version
        )?;
        writeln!(
            f,
            "应到：{}　实到：{}　超过五分之四：{}",
            self.entitled,
            self.present,
            yn(self.quorate)
        )?;
        writeln!(
            f,
            "发出选票：{}　投票人数：{}　收回选票：{}　选举有效：{}",
            self.issued,
            self.voted,
            self.returned,
            yn(self.vote_valid)
        )?;
        writeln!(f, "有效票：{}　无效票：{}", self.valid, self.invalid)?;
        writeln!(
            f,
            "过半数基数：{}　当选最低票数：{}",
            self.majority_of, self.votes_needed
        )?;
        writeln!(f, "候选人　赞成　不赞成　弃权　结果")?;
        for l in &self.lines {
            let who = if l.listed {
                l.member.to_string()
            } else {
                format!("{}（另选）", l.member)
            };
            writeln!(
                f,
                "{who}　{}　{}　{}　{}",
                l.yes,
                l.no,
                l.abstain,
                l.standing.label_zh()
            )?;
        }
        let list = |v: &[MemberId]| {
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、")
        };
        match &self.outcome {
            Outcome::NotQuorate => writeln!(f, "结果：到会人数不足五分之四以上，不得进行选举"),
            Outcome::Void => writeln!(f, "结果：收回选票多于{cmp}，选举无效，应重新选举"),
            Outcome::Complete { elected } => writeln!(f, "结果：当选 {}", list(elected)),
            Outcome::RunOff {
                elected,
                tied,
                seats,
            } => writeln!(
                f,
                "结果：当选 {}；{} 票数相等，就其重新投票，名额 {seats}",
                list(elected),
                list(tied)
            ),
            Outcome::Shortfall {
                elected,
                vacancies,
                further_round_among,
                may_reduce_to,
            } => {
                write!(
                    f,
                    "结果：当选 {}；缺额 {vacancies}，在 {} 中另行选举",
                    list(elected),
                    list(further_round_among)
                )?;
                match may_reduce_to {
                    Some(n) => writeln!(f, "，或经多数同意减少名额至 {n}"),
                    None => writeln!(f),
                }
            }
        }
    }
}
