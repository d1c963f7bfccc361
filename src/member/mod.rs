//! 党员 (members).

pub mod contact;
pub mod identity;
