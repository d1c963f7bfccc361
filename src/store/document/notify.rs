//! A message in the outbox (`notify_messages.message`).

use super::{Document, DocumentError, FORMAT, required};
use crate::notify::{Channel, OutgoingMessage};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// 待发消息正文 (what a channel adapter is given), stored in
/// `notify_messages.message` (`docs/RULES.md` NOTE-6). The organisation,
/// member, status, tries, times, lease, cost and outcome are columns of the
/// row; the idempotency key and the channel are columns too, and on read
/// they must agree with the document. Borrows the message it is written
/// from; a decoded document owns its text.
///
/// ```
/// use dangjian::notify::{Channel, OutgoingMessage};
/// use dangjian::store::document::OutgoingMessageDocument;
/// let m = OutgoingMessage::new("dues/member#7/sms", Channel::Sms, "13800138000", "张三", "【党建】请按时交纳党费。");
/// let json = serde_json::to_string(&OutgoingMessageDocument::from_domain(&m))?;
/// assert_eq!(json, r#"{"format":1,"idempotency_key":"dues/member#7/sms","channel":"sms","to":"13800138000","to_name":"张三","subject":null,"body":"【党建】请按时交纳党费。"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMessageDocument<'a> {
    /// The format, [`FORMAT`].
    #[serde(rename = "format")]
    pub format: u32,
    /// 幂等键, the same for every try.
    #[serde(rename = "idempotency_key")]
    pub idempotency_key: Cow<'a, str>,
    /// The channel, as its tag.
    #[serde(rename = "channel")]
    pub channel: ChannelDocument,
    /// The address on that channel (e-mail address, user id, mobile number,
    /// in full).
    #[serde(rename = "to")]
    pub to: Cow<'a, str>,
    /// The recipient's display name.
    #[serde(rename = "to_name")]
    pub to_name: Cow<'a, str>,
    /// The e-mail subject, or `null`.
    #[serde(rename = "subject", deserialize_with = "required")]
    pub subject: Option<Cow<'a, str>>,
    /// The text.
    #[serde(rename = "body")]
    pub body: Cow<'a, str>,
    /// Blind-copy addresses (e-mail); absent when none.
    #[serde(rename = "bcc", default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<Cow<'a, str>>,
    /// On SMS, the provider's template: `{"code": "…", "params": [["name",
    /// "value"], …]}`; absent when none.
    #[serde(
        rename = "provider_template",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub provider_template: Option<ProviderTemplateDocument>,
}

/// A provider-approved SMS template and its parameters, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderTemplateDocument {
    /// The provider's template code.
    #[serde(rename = "code")]
    pub code: String,
    /// (name, value) pairs.
    #[serde(rename = "params")]
    pub params: Vec<(String, String)>,
}

/// 渠道 (a channel), stored as its tag: `"email"`, `"wecom"`, `"dingtalk"`,
/// `"feishu"`, `"sms"` or `"oa"` (`docs/RULES.md` NOTE-2). The same tag is
/// the `notify_messages.channel` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelDocument {
    /// `"email"`: 电子邮件.
    #[serde(rename = "email")]
    Email,
    /// `"wecom"`: 企业微信.
    #[serde(rename = "wecom")]
    WeCom,
    /// `"dingtalk"`: 钉钉.
    #[serde(rename = "dingtalk")]
    DingTalk,
    /// `"feishu"`: 飞书.
    #[serde(rename = "feishu")]
    Feishu,
    /// `"sms"`: 短信.
    #[serde(rename = "sms")]
    Sms,
    /// `"oa"`: 自建 OA.
    #[serde(rename = "oa")]
    Oa,
}

impl ChannelDocument {
    /// Every tag, in the order of [`Channel::ALL`].
    const ALL: [ChannelDocument; 6] = [
        Self::Email,
        Self::WeCom,
        Self::DingTalk,
        Self::Feishu,
        Self::Sms,
        Self::Oa,
    ];

    /// The tag of a channel.
    pub fn from_domain(channel: Channel) -> Self {
        match channel {
            Channel::Email => Self::Email,
            Channel::WeCom => Self::WeCom,
            Channel::DingTalk => Self::DingTalk,
            Channel::Feishu => Self::Feishu,
            Channel::Sms => Self::Sms,
            Channel::Oa => Self::Oa,
        }
    }

    /// The channel of a tag.
    pub fn into_domain(self) -> Channel {
        match self {
            Self::Email => Channel::Email,
            Self::WeCom => Channel::WeCom,
            Self::DingTalk => Channel::DingTalk,
            Self::Feishu => Channel::Feishu,
            Self::Sms => Channel::Sms,
            Self::Oa => Channel::Oa,
        }
    }

    /// The tag as text, as the `channel` column keeps it.
    ///
    /// ```
    /// use dangjian::notify::Channel;
    /// use dangjian::store::document::ChannelDocument;
    /// assert_eq!(ChannelDocument::from_domain(Channel::WeCom).as_str(), "wecom");
    /// assert_eq!(ChannelDocument::parse("wecom"), Some(ChannelDocument::WeCom));
    /// assert_eq!(ChannelDocument::parse("we_com"), None);
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::WeCom => "wecom",
            Self::DingTalk => "dingtalk",
            Self::Feishu => "feishu",
            Self::Sms => "sms",
            Self::Oa => "oa",
        }
    }

    /// The channel stored as `tag`.
    pub fn parse(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == tag)
    }
}

impl<'a> OutgoingMessageDocument<'a> {
    /// The document of a message (borrowed, no copy).
    pub fn from_domain(m: &'a OutgoingMessage) -> Self {
        Self {
            format: FORMAT,
            idempotency_key: Cow::Borrowed(&m.idempotency_key),
            channel: ChannelDocument::from_domain(m.channel),
            to: Cow::Borrowed(&m.to),
            to_name: Cow::Borrowed(&m.to_name),
            subject: m.subject.as_deref().map(Cow::Borrowed),
            body: Cow::Borrowed(&m.body),
            bcc: m.bcc.iter().map(|b| Cow::Borrowed(b.as_str())).collect(),
            provider_template: m
                .provider_template
                .as_ref()
                .map(|p| ProviderTemplateDocument {
                    code: p.code.clone(),
                    params: p.params.clone(),
                }),
        }
    }
}

impl Document for OutgoingMessageDocument<'static> {
    type Domain = OutgoingMessage;

    fn format(&self) -> u32 {
        self.format
    }

    fn into_domain(self) -> Result<OutgoingMessage, DocumentError> {
        let m = OutgoingMessage::new(
            self.idempotency_key,
            self.channel.into_domain(),
            self.to,
            self.to_name,
            self.body,
        );
        let mut m = match self.subject {
            Some(s) => m.subject(s),
            None => m,
        };
        for b in self.bcc {
            m = m.bcc(b);
        }
        if let Some(p) = self.provider_template {
            m = m.provider_template(crate::notify::ProviderTemplate {
                code: p.code,
                params: p.params,
            });
        }
        Ok(m)
    }
}
