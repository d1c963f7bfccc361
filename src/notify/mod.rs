//! 通知 (notifications): the events the library raises, the templates that
//! turn them into messages, and the channel facts a message must respect
//! (`docs/RULES.md` NOTE-1 … NOTE-5, NOTE-10).
//!
//! This is the pure core: nothing here sends anything or reads a clock.
//! An [`Event`] says what happened or falls due; a [`TemplateSet`] renders
//! it for a [`Channel`], checking each template's variables when it is
//! loaded; [`sms_parts`] and [`sms_cost`] count what an SMS costs;
//! [`SmsNotifier`] sends SMS through any provider's [`SmsGateway`]; a
//! [`Notifier`] is a channel adapter, and its [`SendError`] with
//! [`RetryPolicy::next`] decides whether a failed message is tried again,
//! dead-lettered or reconciled. The outbox and the dispatcher build on
//! these.

mod broadcast;
mod delivery;
mod dispatch;
mod error;
mod event;
mod outbox;
mod prefs;
mod rate;
mod recipients;
mod settings;
mod sms;
mod sms_gateway;
mod template;

pub use broadcast::{Broadcast, BroadcastPlan, Category, MAX_BROADCAST_KEY, Selection};
pub use delivery::{
    Accepted, ChannelStatus, Next, Notifier, OutgoingMessage, RetryPolicy, SendError,
};
pub use dispatch::{DeliverOptions, DeliveryReport, Notifiers};
pub use error::NotifyError;
pub use event::{Deadline, EVENT_STREAM, Event, EventKey, EventKind, Subject};
pub use outbox::{
    CursorMove, Enqueue, Lease, MAX_CLAIM, MAX_KEY_LEN, MAX_OWNER_LEN, MessageFilter, NewMessage,
    Outcome, Resolution, Spend, Status, StoredMessage,
};
pub use prefs::{SetChannels, TagMembers};
pub use rate::{
    MAX_RATE_KEY, MAX_WINDOW_SECONDS, RateKey, Window, key_part, wait_for_all, wait_until,
};
pub use recipients::{Audience, address, choose_channel};
pub use settings::{BEIJING, Notifications, OrgSettings, QuietHours, SmsSettings};
pub use sms::{SMS_MAX_CHARS, SMS_PART_CHARS, SMS_SINGLE_CHARS, SmsError, sms_cost, sms_parts};
pub use sms_gateway::{
    DEFAULT_SMS_BATCH, FlowControl, NumberResult, SmsGateway, SmsNotifier, SmsParams, SmsPlan,
    SmsRecipient, SmsRequest, mobile_e164, param_carries_url,
};
pub use template::{Channel, ProviderTemplate, Rendered, Template, TemplateError, TemplateSet};
