//! Ids that are 19-digit integers (task ids): accepted as a JSON integer or a decimal string,
//! parsed without going through `f64`, emitted as a string or a number as the platform does.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A non-negative 64-bit id that arrives as `7218760632718443557` or `"7218760632718443557"`.
///
/// Serialises as a string (the v2 task APIs' form; JavaScript cannot hold 19-digit integers).
///
/// ```
/// use dyopen_wire::ids::FlexId;
/// let a: FlexId = serde_json::from_str("7218760632718443557").unwrap();
/// let b: FlexId = serde_json::from_str("\"7218760632718443557\"").unwrap();
/// assert_eq!(a, b);
/// assert_eq!(serde_json::to_string(&a).unwrap(), "\"7218760632718443557\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FlexId(pub u64);

impl fmt::Display for FlexId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for FlexId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

/// Serialises a [`FlexId`] as a JSON integer (for requests whose platform type is `number`).
///
/// ```
/// #[derive(serde::Serialize)]
/// struct Body {
///     #[serde(serialize_with = "dyopen_wire::ids::serialize_as_number")]
///     task_id: dyopen_wire::ids::FlexId,
/// }
/// let body = Body { task_id: dyopen_wire::ids::FlexId(7218760632718443557) };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"task_id":7218760632718443557}"#);
/// ```
pub fn serialize_as_number<S: Serializer>(id: &FlexId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(id.0)
}

struct FlexIdVisitor;

impl Visitor<'_> for FlexIdVisitor {
    type Value = FlexId;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer or a decimal string")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexId, E> {
        Ok(FlexId(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexId, E> {
        u64::try_from(v)
            .map(FlexId)
            .map_err(|_| E::custom("negative id"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexId, E> {
        if v.is_empty() || v.len() > 20 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::custom("not a decimal id"));
        }
        v.parse()
            .map(FlexId)
            .map_err(|_| E::custom("id out of range"))
    }
}

impl<'de> Deserialize<'de> for FlexId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlexIdVisitor)
    }
}

/// A signed integer (a Unix time) that arrives as a JSON integer or a decimal string
/// (the official npm SDK types `expire_time` and task times as strings).
///
/// ```
/// use dyopen_wire::ids::FlexInt;
/// let a: FlexInt = serde_json::from_str("\"1700000000\"").unwrap();
/// assert_eq!(a.0, 1_700_000_000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FlexInt(pub i64);

struct FlexIntVisitor;

impl Visitor<'_> for FlexIntVisitor {
    type Value = FlexInt;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a decimal string")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<FlexInt, E> {
        i64::try_from(v)
            .map(FlexInt)
            .map_err(|_| E::custom("integer out of range"))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<FlexInt, E> {
        Ok(FlexInt(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<FlexInt, E> {
        let digits = v.strip_prefix('-').unwrap_or(v);
        if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::custom("not a decimal integer"));
        }
        v.parse()
            .map(FlexInt)
            .map_err(|_| E::custom("integer out of range"))
    }
}

impl<'de> Deserialize<'de> for FlexInt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlexIntVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn flex_id_rejects_floats_negatives_and_words() {
        for bad in ["1.5", "-3", "\"12a\"", "\"\"", "true", "null", "\"-1\""] {
            assert!(serde_json::from_str::<FlexId>(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn flex_id_round_trips_any_u64(v in any::<u64>()) {
            let as_num: FlexId = serde_json::from_str(&v.to_string()).unwrap();
            let as_str: FlexId = serde_json::from_str(&format!("\"{v}\"")).unwrap();
            prop_assert_eq!(as_num, FlexId(v));
            prop_assert_eq!(as_str, FlexId(v));
            let back: FlexId = serde_json::from_str(&serde_json::to_string(&as_num).unwrap()).unwrap();
            prop_assert_eq!(back, as_num);
        }

        #[test]
        fn flex_int_round_trips_any_i64(v in any::<i64>()) {
            let as_num: FlexInt = serde_json::from_str(&v.to_string()).unwrap();
            let as_str: FlexInt = serde_json::from_str(&format!("\"{v}\"")).unwrap();
            prop_assert_eq!(as_num, FlexInt(v));
            prop_assert_eq!(as_str, FlexInt(v));
        }

        #[test]
        fn flex_parsers_never_panic(s in ".*") {
            let _ = serde_json::from_str::<FlexId>(&s);
            let _ = serde_json::from_str::<FlexInt>(&s);
        }
    }
}

#[cfg(feature = "openapi")]
mod schema {
    //! OpenAPI schemas: an id or time is a decimal string or an integer.
    use super::{FlexId, FlexInt};
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
    use utoipa::openapi::RefOr;

    fn string_or_integer(pattern: &str, description: &str) -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(pattern)),
            )
            .item(ObjectBuilder::new().schema_type(Type::Integer))
            .description(Some(description))
            .into()
    }

    impl utoipa::PartialSchema for FlexId {
        fn schema() -> RefOr<Schema> {
            string_or_integer(
                "^[0-9]{1,20}$",
                "A 64-bit id as a JSON integer or a decimal string; answered as a string.",
            )
        }
    }
    impl utoipa::ToSchema for FlexId {}

    impl utoipa::PartialSchema for FlexInt {
        fn schema() -> RefOr<Schema> {
            string_or_integer(
                "^-?[0-9]{1,19}$",
                "An integer (e.g. Unix seconds) as a JSON integer or a decimal string.",
            )
        }
    }
    impl utoipa::ToSchema for FlexInt {}
}
