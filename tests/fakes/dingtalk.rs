//! The dingtalk fake (to be written).
