//! The sms fake (to be written).
