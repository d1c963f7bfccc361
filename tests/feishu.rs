//! Feishu adapters against the local fake (to be written).
