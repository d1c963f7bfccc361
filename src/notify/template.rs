//! 消息模板 (message templates): an event rendered for a channel.
//!
//! Templates are minijinja text, in Chinese. A template is checked when it
//! is loaded: it must parse, and every variable it uses must be one its
//! event kind provides ([`EventKind::variables`]) or the recipient's
//! `name`. Rendering is strict, so a value that is somehow missing is an
//! error, never an empty string. An integrator replaces any template with
//! [`TemplateSet::replace`].

use super::event::{Event, EventKind};
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// 渠道: where a message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// 电子邮件.
    Email,
    /// 企业微信.
    WeCom,
    /// 钉钉.
    DingTalk,
    /// 飞书.
    Feishu,
    /// 短信: the rendered text serves the preview and the cost; the
    /// provider sends its own approved template.
    Sms,
    /// 自建 OA.
    Oa,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 6] = [
        Self::Email,
        Self::WeCom,
        Self::DingTalk,
        Self::Feishu,
        Self::Sms,
        Self::Oa,
    ];
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Email => "email",
            Self::WeCom => "wecom",
            Self::DingTalk => "dingtalk",
            Self::Feishu => "feishu",
            Self::Sms => "sms",
            Self::Oa => "oa",
        })
    }
}

/// Why a template was refused or could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    /// The text does not parse.
    #[error("the {kind} template for {channel} does not parse: {message}")]
    Syntax {
        /// The event kind.
        kind: EventKind,
        /// The channel.
        channel: Channel,
        /// The parser's message.
        message: String,
    },
    /// The template uses a variable its event does not provide.
    #[error(
        "the {kind} template for {channel} uses `{variable}`, which a {kind} event does not provide"
    )]
    UnknownVariable {
        /// The event kind.
        kind: EventKind,
        /// The channel.
        channel: Channel,
        /// The variable.
        variable: String,
    },
    /// An e-mail template without a subject, or a subject elsewhere.
    #[error("the {kind} template for {channel}: {0}", .reason)]
    Subject {
        /// The event kind.
        kind: EventKind,
        /// The channel.
        channel: Channel,
        /// What is wrong.
        reason: &'static str,
    },
    /// No template for this kind and channel.
    #[error("no {kind} template for {channel}")]
    Missing {
        /// The event kind.
        kind: EventKind,
        /// The channel.
        channel: Channel,
    },
    /// Rendering failed (a value missing at render time).
    #[error("the {kind} template for {channel} could not be rendered: {message}")]
    Render {
        /// The event kind.
        kind: EventKind,
        /// The channel.
        channel: Channel,
        /// minijinja's message.
        message: String,
    },
    /// An SMS parameter carries a link, which providers refuse
    /// ([`param_carries_url`](super::param_carries_url): a scheme, `www.`
    /// or a bare domain such as `a.cn`).
    #[error("an SMS may not carry a link (`{variable}`)")]
    LinkInSms {
        /// The variable holding it.
        variable: String,
    },
}

/// One checked template: a body, and for e-mail a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    kind: EventKind,
    channel: Channel,
    subject: Option<String>,
    body: String,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rendered {
    /// The subject (e-mail only).
    pub subject: Option<String>,
    /// The text (on SMS: the preview and the basis of the cost).
    pub body: String,
    /// On SMS, the provider's approved template and its parameters, when
    /// the kind is mapped ([`TemplateSet::map_sms`]).
    pub provider: Option<ProviderTemplate>,
}

/// 短信模板映射: a provider-approved SMS template (its code) and the event
/// variables passed as its parameters, in order. A domestic SMS is sent
/// as this code with these parameters, never as free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderTemplate {
    /// The provider's template code (e.g. `SMS_123456789`).
    pub code: String,
    /// The parameters: (name, value), in the template's order.
    pub params: Vec<(String, String)>,
}

impl ProviderTemplate {
    /// The name of the first parameter that carries a link
    /// ([`param_carries_url`](super::param_carries_url)), which no SMS
    /// provider sends: `None` when there is none.
    ///
    /// ```
    /// use dangjian::notify::ProviderTemplate;
    /// let t = ProviderTemplate {
    ///     code: "SMS_0001".into(),
    ///     params: vec![("name".into(), "张三".into()), ("finding".into(), "见 dj.example.cn/a".into())],
    /// };
    /// assert_eq!(t.link_param(), Some("finding"));
    /// ```
    pub fn link_param(&self) -> Option<&str> {
        self.params
            .iter()
            .find(|(_, v)| super::sms_gateway::param_carries_url(v))
            .map(|(k, _)| k.as_str())
    }
}

fn check(kind: EventKind, channel: Channel, source: &str) -> Result<(), TemplateError> {
    let env = Environment::new();
    let tmpl = env
        .template_from_str(source)
        .map_err(|e| TemplateError::Syntax {
            kind,
            channel,
            message: e.to_string(),
        })?;
    let allowed: BTreeSet<&str> = kind.variables().iter().copied().chain(["name"]).collect();
    let used: BTreeSet<String> = tmpl.undeclared_variables(false).into_iter().collect();
    if let Some(v) = used.iter().find(|v| !allowed.contains(v.as_str())) {
        return Err(TemplateError::UnknownVariable {
            kind,
            channel,
            variable: v.clone(),
        });
    }
    Ok(())
}

impl Template {
    /// A body template for `kind` on `channel`. E-mail also needs
    /// [`Template::with_subject`].
    ///
    /// # Errors
    /// [`TemplateError::Syntax`] or [`TemplateError::UnknownVariable`].
    ///
    /// ```
    /// use dangjian::notify::{Channel, EventKind, Template, TemplateError};
    /// let t = Template::new(EventKind::DuesInArrears, Channel::WeCom, "{{ name }}同志：您自{{ since }}起欠缴党费{{ owed }}。");
    /// assert!(t.is_ok());
    /// let bad = Template::new(EventKind::DuesInArrears, Channel::WeCom, "{{ due }}");
    /// assert!(matches!(bad, Err(TemplateError::UnknownVariable { .. })));
    /// ```
    pub fn new(kind: EventKind, channel: Channel, body: &str) -> Result<Self, TemplateError> {
        check(kind, channel, body)?;
        Ok(Self {
            kind,
            channel,
            subject: None,
            body: body.to_owned(),
        })
    }

    /// Adds the e-mail subject.
    ///
    /// # Errors
    /// As [`Template::new`]; [`TemplateError::Subject`] on a channel other
    /// than e-mail.
    pub fn with_subject(mut self, subject: &str) -> Result<Self, TemplateError> {
        if self.channel != Channel::Email {
            return Err(TemplateError::Subject {
                kind: self.kind,
                channel: self.channel,
                reason: "only an e-mail has a subject",
            });
        }
        check(self.kind, self.channel, subject)?;
        self.subject = Some(subject.to_owned());
        Ok(self)
    }

    /// The event kind.
    pub fn kind(&self) -> EventKind {
        self.kind
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    fn render_one(&self, source: &str, ctx: &Value) -> Result<String, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let err = |e: minijinja::Error| TemplateError::Render {
            kind: self.kind,
            channel: self.channel,
            message: e.to_string(),
        };
        env.template_from_str(source)
            .map_err(err)?
            .render(ctx.clone())
            .map_err(err)
    }

    /// Renders `event` for `recipient`.
    ///
    /// # Errors
    /// [`TemplateError::Render`] when the event is of another kind or a
    /// value is missing; [`TemplateError::LinkInSms`] for a link in an SMS
    /// parameter.
    pub fn render(&self, event: &Event, recipient: &str) -> Result<Rendered, TemplateError> {
        self.render_named(event, recipient, &BTreeMap::new())
    }

    /// As [`Template::render`], with display text for some variables in
    /// place of the event's own (`member` → the member's name, `org` →
    /// the organisation's name), as the service fills in from the store.
    ///
    /// # Errors
    /// As [`Template::render`].
    pub fn render_named(
        &self,
        event: &Event,
        recipient: &str,
        names: &BTreeMap<String, String>,
    ) -> Result<Rendered, TemplateError> {
        if event.kind() != self.kind {
            return Err(TemplateError::Render {
                kind: self.kind,
                channel: self.channel,
                message: format!("a {} event given", event.kind()),
            });
        }
        let mut vars: BTreeMap<String, Value> = event
            .variables()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::from(v)))
            .collect();
        for (k, v) in names {
            if vars.contains_key(k) {
                vars.insert(k.clone(), Value::from(v.as_str()));
            }
        }
        vars.insert("name".into(), Value::from(recipient));
        if self.channel == Channel::Sms {
            let link = super::sms_gateway::param_carries_url;
            if let Some((k, _)) = vars.iter().find(|(_, v)| v.as_str().is_some_and(link)) {
                return Err(TemplateError::LinkInSms {
                    variable: k.clone(),
                });
            }
        }
        let ctx = Value::from(vars);
        let subject = match &self.subject {
            Some(s) => Some(self.render_one(s, &ctx)?),
            None => None,
        };
        let body = self.render_one(&self.body, &ctx)?;
        Ok(Rendered {
            subject,
            body,
            provider: None,
        })
    }
}

/// 模板集: one template per event kind and channel, the library's Chinese
/// defaults unless replaced.
#[derive(Debug, Clone)]
pub struct TemplateSet {
    templates: BTreeMap<(EventKind, Channel), Template>,
    sms: BTreeMap<EventKind, (String, Vec<String>)>,
}

/// The default text of each kind: (e-mail subject, body).
fn default_text(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::ApplicationReceived => (
            "收到入党申请",
            "{{ name }}同志：{{ branch }}于{{ on }}收到{{ member }}的入党申请，请在一个月内安排谈话。",
        ),
        EventKind::DeadlineNear => (
            "{{ deadline }}期限临近",
            "{{ name }}同志：{{ member }}的{{ deadline }}期限为{{ due }}，请及时办理。",
        ),
        EventKind::DuesAssessed => (
            "{{ month }}党费已核定",
            "{{ name }}同志：{{ org }}{{ month }}党费已核定，请按时交纳。",
        ),
        EventKind::DuesInArrears => (
            "党费交纳提醒",
            "{{ name }}同志：您自{{ since }}起尚欠党费{{ owed }}，请及时交纳。",
        ),
        EventKind::SelfDepartureCaseOpened => (
            "自行脱党情形待处理",
            "{{ name }}同志：{{ branch }}已就{{ member }}连续未交党费立案（{{ case }}），请按规定处理。",
        ),
        EventKind::VoteOpened => (
            "投票已开始",
            "{{ name }}同志：{{ org }}的投票（{{ vote }}）已开始，请按时参加。",
        ),
        EventKind::VoteClosed => (
            "投票已结束",
            "{{ name }}同志：{{ org }}的投票（{{ vote }}）已结束。",
        ),
        EventKind::OfficeTermEnding => (
            "届期将满",
            "{{ name }}同志：{{ org }}委员会任期于{{ term_ends }}届满，请按期换届。",
        ),
        EventKind::StructureFinding => ("组织设置提示", "{{ name }}同志：{{ org }}：{{ finding }}"),
    }
}

impl Default for TemplateSet {
    fn default() -> Self {
        Self::defaults()
    }
}

impl TemplateSet {
    /// The library's templates: every kind on every channel.
    ///
    /// ```
    /// use dangjian::notify::{Channel, Event, TemplateSet};
    /// use dangjian::MemberId;
    /// let set = TemplateSet::defaults();
    /// let e = Event::DuesInArrears {
    ///     member: MemberId::new(3),
    ///     since: "2024-03".parse().unwrap(),
    ///     owed: "90.00".parse().unwrap(),
    /// };
    /// let mail = set.render(&e, Channel::Email, "张三").unwrap();
    /// assert_eq!(mail.subject.as_deref(), Some("党费交纳提醒"));
    /// assert_eq!(mail.body, "张三同志：您自2024年3月起尚欠党费90.00元，请及时交纳。");
    /// ```
    pub fn defaults() -> Self {
        let mut templates = BTreeMap::new();
        for kind in EventKind::ALL {
            let (subject, body) = default_text(kind);
            for channel in Channel::ALL {
                let t = Template::new(kind, channel, body).and_then(|t| {
                    if channel == Channel::Email {
                        t.with_subject(subject)
                    } else {
                        Ok(t)
                    }
                });
                // The defaults are checked by this module's tests.
                if let Ok(t) = t {
                    templates.insert((kind, channel), t);
                }
            }
        }
        Self {
            templates,
            sms: BTreeMap::new(),
        }
    }

    /// 映射短信模板: SMS for `kind` goes as the provider's template `code`
    /// with the event variables `params` (and `name`, the recipient) as
    /// its parameters, in order.
    ///
    /// ```
    /// use dangjian::notify::{Channel, Event, EventKind, TemplateSet};
    /// use dangjian::MemberId;
    /// let mut set = TemplateSet::defaults();
    /// set.map_sms(EventKind::DuesInArrears, "SMS_0001", &["name", "since", "owed"])?;
    /// let e = Event::DuesInArrears { member: MemberId::new(3), since: "2024-03".parse()?, owed: "90.00".parse()? };
    /// let sms = set.render(&e, Channel::Sms, "张三")?;
    /// let p = sms.provider.unwrap();
    /// assert_eq!(p.code, "SMS_0001");
    /// assert_eq!(p.params[2], ("owed".to_owned(), "90.00元".to_owned()));
    /// assert!(set.map_sms(EventKind::DuesInArrears, "SMS_0002", &["url"]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`TemplateError::UnknownVariable`] for a parameter the kind does
    /// not provide; [`TemplateError::Subject`] for an empty code.
    pub fn map_sms(
        &mut self,
        kind: EventKind,
        code: &str,
        params: &[&str],
    ) -> Result<(), TemplateError> {
        if code.trim().is_empty() {
            return Err(TemplateError::Subject {
                kind,
                channel: Channel::Sms,
                reason: "a provider template needs its code",
            });
        }
        if let Some(v) = params
            .iter()
            .find(|p| **p != "name" && !kind.variables().contains(p))
        {
            return Err(TemplateError::UnknownVariable {
                kind,
                channel: Channel::Sms,
                variable: (*v).to_owned(),
            });
        }
        self.sms.insert(
            kind,
            (
                code.to_owned(),
                params.iter().map(|p| (*p).to_owned()).collect(),
            ),
        );
        Ok(())
    }

    /// Replaces the template of its kind and channel.
    ///
    /// # Errors
    /// [`TemplateError::Subject`] for an e-mail template without a subject.
    pub fn replace(&mut self, template: Template) -> Result<(), TemplateError> {
        if template.channel == Channel::Email && template.subject.is_none() {
            return Err(TemplateError::Subject {
                kind: template.kind,
                channel: template.channel,
                reason: "an e-mail needs a subject",
            });
        }
        self.templates
            .insert((template.kind, template.channel), template);
        Ok(())
    }

    /// The template for `kind` on `channel`.
    pub fn get(&self, kind: EventKind, channel: Channel) -> Option<&Template> {
        self.templates.get(&(kind, channel))
    }

    /// Renders `event` for `recipient` on `channel`.
    ///
    /// # Errors
    /// [`TemplateError::Missing`], or the errors of [`Template::render`].
    pub fn render(
        &self,
        event: &Event,
        channel: Channel,
        recipient: &str,
    ) -> Result<Rendered, TemplateError> {
        self.render_named(event, channel, recipient, &BTreeMap::new())
    }

    /// As [`TemplateSet::render`], with display text for some variables
    /// ([`Template::render_named`]); on SMS with the provider template of
    /// the kind, when mapped, its parameters taken from the same values.
    ///
    /// # Errors
    /// As [`TemplateSet::render`].
    pub fn render_named(
        &self,
        event: &Event,
        channel: Channel,
        recipient: &str,
        names: &BTreeMap<String, String>,
    ) -> Result<Rendered, TemplateError> {
        let mut out = self
            .get(event.kind(), channel)
            .ok_or(TemplateError::Missing {
                kind: event.kind(),
                channel,
            })?
            .render_named(event, recipient, names)?;
        if channel == Channel::Sms {
            if let Some((code, params)) = self.sms.get(&event.kind()) {
                let mut values: BTreeMap<String, String> = event
                    .variables()
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect();
                for (k, v) in names {
                    if values.contains_key(k) {
                        values.insert(k.clone(), v.clone());
                    }
                }
                values.insert("name".into(), recipient.to_owned());
                let provider = ProviderTemplate {
                    code: code.clone(),
                    params: params
                        .iter()
                        .map(|p| (p.clone(), values.get(p).cloned().unwrap_or_default()))
                        .collect(),
                };
                // The provider refuses a link in a parameter: refused
                // here, when the message is planned (and a dry run shows
                // it), not at the provider.
                if let Some(variable) = provider.link_param() {
                    return Err(TemplateError::LinkInSms {
                        variable: variable.to_owned(),
                    });
                }
                out.provider = Some(provider);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
