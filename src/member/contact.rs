//! 联系方式 (contact details).
