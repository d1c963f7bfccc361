//! The feishu fake (to be written).
