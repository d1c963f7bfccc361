//! 不可见字符 (invisible characters): the characters an identifier or a
//! name must not hide.
//!
//! Two strings that print alike must not be two different ids: a
//! zero-width space (U+200B), a byte-order mark (U+FEFF) or a bidi
//! override (U+202E) changes the bytes but not what an officer sees. The
//! value types that act as keys or names ([`crate::dues::ExternalPaymentId`],
//! [`crate::org::OrgName`], [`crate::member::EmailAddress`]) **refuse** such
//! characters rather than strip them: stripping would silently make two
//! gateway ids one, and an integrator sending one has a bug worth seeing
//! (`docs/RULES.md` DUES-24). Person names already accept letters and a few
//! separators only, which leaves these out.

/// Whether `c` is a control character (C0, DEL, C1 such as U+0085) or an
/// invisible formatting character: zero-width and joiner characters, bidi
/// marks, embeddings, overrides and isolates, word joiners and invisible
/// operators, the byte-order mark, variation selectors, tags, the soft
/// hyphen and the Hangul and Mongolian fillers.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Whether `s` holds a character [`is_hidden`] refuses.
pub(crate) fn has_hidden(s: &str) -> bool {
    s.chars().any(is_hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters() {
        for c in [
            '\u{0085}',
            '\u{0000}',
            '\u{007F}',
            '\u{200B}',
            '\u{200E}',
            '\u{200F}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{E0041}',
        ] {
            assert!(is_hidden(c), "{:04X}", u32::from(c));
        }
        for c in ['a', '党', '-', ' ', '·', '０'] {
            assert!(!is_hidden(c), "{c}");
        }
        assert!(has_hidden("WX\u{200B}1"));
        assert!(!has_hidden("WX1"));
    }
}
