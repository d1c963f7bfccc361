//! Local fakes of the providers' HTTP APIs, each a real HTTP server on
//! 127.0.0.1 (wiremock) that answers like the provider: it checks
//! signatures and tokens, expires tokens on the test's clock, answers the
//! rate-limit codes, and records what it would silently drop. Each file
//! stands alone (an example includes one with `#[path]`).
#![allow(dead_code)]

#[cfg(feature = "dingtalk")]
pub mod dingtalk;
#[cfg(feature = "feishu")]
pub mod feishu;
#[cfg(feature = "sms")]
pub mod sms;
#[cfg(feature = "wecom")]
pub mod wecom;
