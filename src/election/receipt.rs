//! 无记名投票 (secret ballot): the sealed ballot that is stored, and the
//! voter's receipt. The tracking code is SHA-256 over the ballot and a
//! random nonce from an injected RNG, so the published list of codes lets a
//! voter find their ballot without revealing its choices to anyone else.
//! [Election 2020; `docs/RULES.md` VOTE-12]

use super::{Ballot, VoteId};
use chrono::NaiveDate;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// 选票查验码 (tracking code): 32 bytes, written as 64 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrackingCode([u8; 32]);

impl TrackingCode {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        for nibble in [b >> 4, b & 0x0f] {
            if let Some(c) = DIGITS.get(usize::from(nibble)) {
                s.push(char::from(*c));
            }
        }
    }
    s
}

fn unhex<const N: usize>(s: &str) -> Result<[u8; N], String> {
    let bytes = s.as_bytes();
    if bytes.len() != N * 2 {
        return Err(format!("expected {} hex digits", N * 2));
    }
    let mut out = [0u8; N];
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let digit = |c: u8| char::from(c).to_digit(16).ok_or("not a hex digit");
        let (hi, lo) = match pair {
            [h, l] => (digit(*h)?, digit(*l)?),
            _ => return Err("odd length".into()),
        };
        *o = u8::try_from(hi * 16 + lo).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TrackingCode({self})")
    }
}

impl TryFrom<String> for TrackingCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        unhex::<32>(&s).map(Self)
    }
}

impl From<TrackingCode> for String {
    fn from(c: TrackingCode) -> Self {
        c.to_string()
    }
}

/// 封存的选票 (sealed ballot) as stored: the vote, the session day, the
/// tracking code and the choices. No voter, no time finer than the day, no
/// sequence number. [Election 2020]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedBallot {
    /// The vote.
    pub vote: VoteId,
    /// 会议日期: the session, nothing finer.
    pub session: NaiveDate,
    /// 查验码.
    pub code: TrackingCode,
    /// The choices.
    pub ballot: Ballot,
}

/// 投票回执 (receipt): what the voter keeps. With the nonce the voter can
/// recompute the code from their own choices; without it, the code reveals
/// nothing.
///
/// ```
/// use chrono::NaiveDate;
/// use dangjian::election::{seal, Ballot, VoteId};
/// let mut rng = rand::rng();
/// let ballot = Ballot::from_masks(0b1, 0, vec![]);
/// let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
/// let (sealed, receipt) = seal(VoteId::new(1), day, ballot.clone(), &mut rng);
/// assert_eq!(sealed.code, receipt.code);
/// assert!(receipt.matches(&ballot));
/// assert!(!receipt.matches(&Ballot::from_masks(0b10, 0, vec![])));
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The vote.
    pub vote: VoteId,
    /// 查验码: look for it in the published list.
    pub code: TrackingCode,
    /// The random nonce (hex), the voter's secret.
    #[serde(with = "nonce_hex")]
    pub nonce: [u8; 16],
}

impl fmt::Debug for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receipt")
            .field("vote", &self.vote)
            .field("code", &self.code)
            .field("nonce", &"<redacted>")
            .finish()
    }
}

impl Receipt {
    /// Whether `ballot` is the ballot this receipt was issued for.
    pub fn matches(&self, ballot: &Ballot) -> bool {
        code_of(self.vote, ballot, &self.nonce) == self.code
    }
}

mod nonce_hex {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(n: &[u8; 16], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(n))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 16], D::Error> {
        let s = String::deserialize(d)?;
        super::unhex::<16>(&s).map_err(serde::de::Error::custom)
    }
}

fn code_of(vote: VoteId, ballot: &Ballot, nonce: &[u8; 16]) -> TrackingCode {
    let mut h = Sha256::new();
    h.update(b"dangjian-ballot-v1");
    h.update(vote.get().to_le_bytes());
    h.update(ballot.yes.to_le_bytes());
    h.update(ballot.no.to_le_bytes());
    h.update((ballot.write_ins.len() as u64).to_le_bytes());
    for w in &ballot.write_ins {
        h.update(w.get().to_le_bytes());
    }
    h.update(nonce);
    TrackingCode(h.finalize().into())
}

/// 封票: seals `ballot` with a fresh nonce from `rng`, giving the stored
/// ballot and the voter's receipt.
pub fn seal<R: Rng + ?Sized>(
    vote: VoteId,
    session: NaiveDate,
    ballot: Ballot,
    rng: &mut R,
) -> (SealedBallot, Receipt) {
    let mut nonce = [0u8; 16];
    rng.fill_bytes(&mut nonce);
    let code = code_of(vote, &ballot, &nonce);
    (
        SealedBallot {
            vote,
            session,
            code,
            ballot,
        },
        Receipt { vote, code, nonce },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_differ_for_the_same_choices() {
        let mut rng = rand::rng();
        let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let b = Ballot::from_masks(1, 0, vec![]);
        let (a, _) = seal(VoteId::new(1), day, b.clone(), &mut rng);
        let (c, _) = seal(VoteId::new(1), day, b, &mut rng);
        assert_ne!(a.code, c.code);
    }

    #[test]
    fn debug_hides_the_nonce() {
        let mut rng = rand::rng();
        let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let (_, r) = seal(
            VoteId::new(3),
            day,
            Ballot::from_masks(1, 0, vec![]),
            &mut rng,
        );
        let shown = format!("{r:?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains(&hex(&r.nonce)));
    }

    #[test]
    fn serde_round_trip() {
        let mut rng = rand::rng();
        let day = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default();
        let (s, r) = seal(
            VoteId::new(3),
            day,
            Ballot::from_masks(2, 1, vec![]),
            &mut rng,
        );
        let json = serde_json::to_string(&s).unwrap_or_default();
        assert_eq!(serde_json::from_str::<SealedBallot>(&json).ok(), Some(s));
        let json = serde_json::to_string(&r).unwrap_or_default();
        assert_eq!(serde_json::from_str::<Receipt>(&json).ok(), Some(r));
        assert!(serde_json::from_str::<TrackingCode>("\"zz\"").is_err());
    }
}
