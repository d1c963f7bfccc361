//! 校验反序列化 (checked serde): a type derives its serde form with
//! `#[serde(remote = "Self")]` and [`checked_serde!`] implements
//! `Serialize` (unchanged) and `Deserialize` (the derived form, then the
//! type's own check), so no value skips the check its constructor makes
//! and no mirror of the fields is kept.

/// `checked_serde!(Type, |value| check(&value))`: `check` returns a
/// `Result` whose error is `Display`.
macro_rules! checked_serde {
    ($t:ty, |$v:ident| $check:expr) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                <$t>::serialize(self, s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let $v = <$t>::deserialize(d)?;
                $check.map_err(serde::de::Error::custom)?;
                Ok($v)
            }
        }
    };
}
