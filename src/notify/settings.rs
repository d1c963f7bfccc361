//! 通知设置 (notification settings): the templates, the retry schedule,
//! how long delivered messages are kept, how far ahead deadlines are
//! announced, the SMS signature and price, and per organisation the
//! channel order, quiet hours and yearly budgets (`docs/RULES.md` NOTE-6 …
//! NOTE-9).
//!
//! Settings of an organisation apply to its whole subtree unless a
//! descendant has its own ([`Notifications::for_org`]).

use super::delivery::RetryPolicy;
use super::template::{Channel, TemplateSet};
use crate::OrgId;
use crate::dues::Money;
use crate::org::OrgTree;
use chrono::{DateTime, Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// 免打扰时段: local times between which non-urgent messages wait. A
/// period whose start is after its end runs over midnight (22:00–07:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// Local start, inclusive.
    pub start: NaiveTime,
    /// Local end, exclusive: messages wait until this time.
    pub end: NaiveTime,
}

impl QuietHours {
    /// From `start` to `end`, local time.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Self {
        Self { start, end }
    }

    /// When a non-urgent message due at `now` may go: `now` itself outside
    /// the quiet hours, else the next local `end`. `offset` is the
    /// organisation's time zone (Beijing time, +08:00, by default).
    ///
    /// ```
    /// use chrono::{FixedOffset, NaiveTime, TimeZone, Utc};
    /// use dangjian::notify::QuietHours;
    /// let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    /// let q = QuietHours::new(t(22, 0), t(7, 0));
    /// let bj = FixedOffset::east_opt(8 * 3600).unwrap();
    /// // 23:30 in Beijing is 15:30 UTC: held until 07:00 Beijing, 23:00 UTC.
    /// let late = Utc.with_ymd_and_hms(2024, 6, 3, 15, 30, 0).unwrap();
    /// assert_eq!(q.release_at(late, bj), Utc.with_ymd_and_hms(2024, 6, 3, 23, 0, 0).unwrap());
    /// // 09:00 in Beijing: not quiet.
    /// let day = Utc.with_ymd_and_hms(2024, 6, 3, 1, 0, 0).unwrap();
    /// assert_eq!(q.release_at(day, bj), day);
    /// ```
    pub fn release_at(&self, now: DateTime<Utc>, offset: FixedOffset) -> DateTime<Utc> {
        let local = now.with_timezone(&offset);
        let time = local.time();
        let quiet = if self.start <= self.end {
            self.start <= time && time < self.end
        } else {
            time >= self.start || time < self.end
        };
        if !quiet || self.start == self.end {
            return now;
        }
        let mut day = local.date_naive();
        if time >= self.end {
            // Before midnight in an overnight period: the end is tomorrow.
            day = day.succ_opt().unwrap_or(day);
        }
        offset
            .from_local_datetime(&day.and_time(self.end))
            .single()
            .map_or(now, |t| t.with_timezone(&Utc))
    }
}

/// 组织通知设置: one organisation's settings, for its subtree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OrgSettings {
    /// The channels to try, in order, for a member who states no
    /// preference (empty: the platform's order).
    pub channels: Vec<Channel>,
    /// Quiet hours, if any.
    pub quiet: Option<QuietHours>,
    /// 年度预算: the budget for paid messages, by year. A year with no
    /// entry has no budget: a broadcast that costs anything is refused.
    pub budgets: BTreeMap<i32, Money>,
}

impl OrgSettings {
    /// No settings of its own.
    pub fn new() -> Self {
        Self::default()
    }

    /// With this channel order.
    #[must_use]
    pub fn channels(mut self, channels: Vec<Channel>) -> Self {
        self.channels = channels;
        self
    }

    /// With quiet hours.
    #[must_use]
    pub fn quiet(mut self, quiet: QuietHours) -> Self {
        self.quiet = Some(quiet);
        self
    }

    /// With a budget for `year`.
    #[must_use]
    pub fn budget(mut self, year: i32, amount: Money) -> Self {
        self.budgets.insert(year, amount);
        self
    }
}

/// 短信设置: the provider-approved signature and the price per part.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SmsSettings {
    /// 签名, e.g. `【某某党委】`; counted in every message's length.
    pub signature: String,
    /// The price of one part, in yuan.
    pub price_per_part: Decimal,
    /// 群发模板: the provider-approved template a broadcast's free text
    /// goes out as (its code, and the parameter that carries the text;
    /// `name` carries the recipient's name). A domestic SMS is always an
    /// approved template, so without one no broadcast goes by SMS: the
    /// members fall back to their next channel.
    pub broadcast_template: Option<(String, String)>,
}

impl SmsSettings {
    /// With this signature (its 【】 included, as it is counted).
    #[must_use]
    pub fn signature(mut self, signature: impl Into<String>) -> Self {
        self.signature = signature.into();
        self
    }

    /// With this price per part, in yuan.
    #[must_use]
    pub fn price_per_part(mut self, price: Decimal) -> Self {
        self.price_per_part = price;
        self
    }

    /// With the approved template broadcasts go out as: `code`, with the
    /// text in the parameter `param`.
    ///
    /// ```
    /// use dangjian::notify::SmsSettings;
    /// let s = SmsSettings::default().broadcast_template("SMS_0100", "content");
    /// assert_eq!(s.broadcast_template, Some(("SMS_0100".into(), "content".into())));
    /// ```
    #[must_use]
    pub fn broadcast_template(mut self, code: impl Into<String>, param: impl Into<String>) -> Self {
        self.broadcast_template = Some((code.into(), param.into()));
        self
    }
}

impl Default for SmsSettings {
    /// `【党建】` at 0.045 yuan a part.
    fn default() -> Self {
        Self {
            signature: "【党建】".to_owned(),
            price_per_part: Decimal::new(45, 3),
            broadcast_template: None,
        }
    }
}

/// 通知配置: every notification setting of a [`crate::Dangjian`].
///
/// ```
/// use dangjian::notify::{Channel, Notifications, OrgSettings};
/// use dangjian::OrgId;
/// let n = Notifications::default()
///     .channels(vec![Channel::WeCom, Channel::Email])
///     .org(OrgId::new(1), OrgSettings::new().budget(2024, "500.00".parse().unwrap()));
/// assert_eq!(n.default_channels(), &[Channel::WeCom, Channel::Email]);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Notifications {
    /// The templates (Chinese defaults; replace any).
    pub templates: TemplateSet,
    /// The retry schedule.
    pub retry: RetryPolicy,
    /// How long delivered messages are kept before pruning (and with them
    /// their idempotency keys). At least [`Notifications::lookahead`]
    /// plus a day, so a deadline is never announced twice.
    pub retention: Duration,
    /// How far ahead of a deadline its reminder is raised.
    pub lookahead: Duration,
    /// SMS signature and price.
    pub sms: SmsSettings,
    /// The organisations' time zone (Beijing time by default).
    pub offset: FixedOffset,
    /// The platform's channel order (and the channels it runs).
    channels: Vec<Channel>,
    orgs: BTreeMap<OrgId, OrgSettings>,
}

impl Default for Notifications {
    /// The default templates and retry schedule; 180 days' retention; a
    /// 14-day look-ahead; Beijing time; channels WeCom, DingTalk, Feishu,
    /// OA, e-mail, SMS in that order; no organisation settings.
    fn default() -> Self {
        Self {
            templates: TemplateSet::defaults(),
            retry: RetryPolicy::default(),
            retention: Duration::days(180),
            lookahead: Duration::days(14),
            sms: SmsSettings::default(),
            offset: BEIJING,
            channels: vec![
                Channel::WeCom,
                Channel::DingTalk,
                Channel::Feishu,
                Channel::Oa,
                Channel::Email,
                Channel::Sms,
            ],
            orgs: BTreeMap::new(),
        }
    }
}

/// 北京时间 (+08:00).
pub const BEIJING: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("+08:00 is a valid offset"),
};

impl Notifications {
    /// The platform's channel order: the channels it runs adapters for.
    #[must_use]
    pub fn channels(mut self, channels: Vec<Channel>) -> Self {
        self.channels = channels;
        self
    }

    /// Sets `org`'s settings (for its subtree).
    #[must_use]
    pub fn org(mut self, org: OrgId, settings: OrgSettings) -> Self {
        self.orgs.insert(org, settings);
        self
    }

    /// With these SMS settings (signature, price, the broadcast template).
    #[must_use]
    pub fn sms(mut self, sms: SmsSettings) -> Self {
        self.sms = sms;
        self
    }

    /// With these templates.
    #[must_use]
    pub fn templates(mut self, templates: TemplateSet) -> Self {
        self.templates = templates;
        self
    }

    /// The platform's channel order.
    pub fn default_channels(&self) -> &[Channel] {
        &self.channels
    }

    /// The settings that apply to `org`: its own, else its nearest
    /// ancestor's, else none. The channel order falls back to the
    /// platform's, and a channel the platform does not run is dropped.
    pub fn for_org(&self, org: OrgId, tree: &OrgTree) -> OrgSettings {
        let own = std::iter::once(org)
            .chain(tree.ancestors(org))
            .find_map(|o| self.orgs.get(&o))
            .cloned()
            .unwrap_or_default();
        let mut channels: Vec<Channel> = own
            .channels
            .iter()
            .copied()
            .filter(|c| self.channels.contains(c))
            .collect();
        if channels.is_empty() {
            channels.clone_from(&self.channels);
        }
        OrgSettings { channels, ..own }
    }

    /// The budget of `org` for `year` (its own or its nearest ancestor's
    /// settings), if any.
    pub fn budget(&self, org: OrgId, year: i32, tree: &OrgTree) -> Option<Money> {
        self.for_org(org, tree).budgets.get(&year).copied()
    }
}
