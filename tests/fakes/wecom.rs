//! The wecom fake (to be written).
