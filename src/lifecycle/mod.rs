//! 党员发展 (member lifecycle).
