//! 身份证号 (identity numbers).
