//! The `query` of a URL link: at most 1024 characters of the seed's charset (plus `"`), a JSON
//! object; and how it becomes the `start_page` of the scheme URL.

use serde_json::{Map, Value};
use thiserror::Error;

/// Longest accepted `query`, in characters.
pub const MAX_QUERY_CHARS: usize = 1024;

/// Characters allowed besides `0-9A-Za-z`: the seed's list plus the double quote JSON needs.
pub const QUERY_EXTRA_CHARS: &str = "{}!#$&'()*+,/:;=?@-._~%\"";

/// Why a `query` was rejected (the text after `参数填写错误:`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QueryProblem {
    /// More than 1024 characters.
    #[error("query超过1024个字符({0})")]
    TooLong(usize),
    /// A character outside the charset.
    #[error("query第{pos}个字符'{ch}'不合法(位置从0开始)")]
    BadChar {
        /// The character.
        ch: char,
        /// Its 0-based position, in characters.
        pos: usize,
    },
    /// Not a JSON object.
    #[error("query不是JSON对象(位置{pos})")]
    NotObject {
        /// 0-based position where parsing failed (0 for a valid non-object).
        pos: usize,
    },
}

/// A validated `query`: its text as sent (`{}` when sent empty) and the parsed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkQuery {
    text: String,
    object: Map<String, Value>,
}

impl LinkQuery {
    /// Checks length, charset (naming the first offending character and its 0-based position)
    /// and that the text is a JSON object.
    pub fn parse(raw: &str) -> Result<Self, QueryProblem> {
        let text = if raw.is_empty() { "{}" } else { raw };
        let chars = text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(QueryProblem::TooLong(chars));
        }
        if let Some((pos, ch)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || QUERY_EXTRA_CHARS.contains(*c)))
        {
            return Err(QueryProblem::BadChar { ch, pos });
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(object)) => Ok(Self {
                text: text.to_owned(),
                object,
            }),
            Ok(_) => Err(QueryProblem::NotObject { pos: 0 }),
            // The text is ASCII on one line here, so the column is the character position.
            Err(e) => Err(QueryProblem::NotObject {
                pos: e.column().saturating_sub(1),
            }),
        }
    }

    /// The text as stored and reported by `query_info`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `path?k=v&…` (keys in JSON-object order as parsed, i.e. sorted; strings as they are,
    /// other values as JSON); just `path` for `{}`.
    pub fn start_page(&self, path: &str) -> String {
        if self.object.is_empty() {
            return path.to_owned();
        }
        let pairs: Vec<String> = self
            .object
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        format!("{path}?{}", pairs.join("&"))
    }
}

/// Everything but RFC 3986 unreserved characters (`A-Za-z0-9-._~`).
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but RFC 3986 unreserved characters (`A-Za-z0-9-._~`), as
/// upper-case `%XX` of the UTF-8 bytes.
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_means_empty_object() {
        let q = LinkQuery::parse("").unwrap();
        assert_eq!(q.as_str(), "{}");
        assert_eq!(q.start_page("pages/a"), "pages/a");
    }

    #[test]
    fn names_the_first_bad_character_and_its_position() {
        assert_eq!(
            LinkQuery::parse(r#"{"a": 1}"#),
            Err(QueryProblem::BadChar { ch: ' ', pos: 5 })
        );
        assert_eq!(
            LinkQuery::parse(r#"{"名":1}"#),
            Err(QueryProblem::BadChar { ch: '名', pos: 2 })
        );
    }

    #[test]
    fn rejects_non_objects_and_broken_json() {
        assert_eq!(
            LinkQuery::parse("\"x\""),
            Err(QueryProblem::NotObject { pos: 0 })
        );
        assert_eq!(
            LinkQuery::parse("{xxx:xxxx}"),
            Err(QueryProblem::NotObject { pos: 1 })
        );
    }

    #[test]
    fn length_is_counted_in_characters() {
        let ok = format!(r#"{{"k":"{}"}}"#, "a".repeat(1024 - 8));
        assert_eq!(ok.chars().count(), 1024);
        assert!(LinkQuery::parse(&ok).is_ok());
        let long = format!(r#"{{"k":"{}"}}"#, "a".repeat(1024 - 7));
        assert_eq!(LinkQuery::parse(&long), Err(QueryProblem::TooLong(1025)));
    }

    #[test]
    fn start_page_keeps_strings_and_writes_other_values_as_json() {
        let q = LinkQuery::parse(r#"{"id":"123","n":5,"f":true,"o":{"x":1}}"#).unwrap();
        assert_eq!(
            q.start_page("pages/detail"),
            r#"pages/detail?f=true&id=123&n=5&o={"x":1}"#
        );
        assert_eq!(
            percent_encode("pages/detail?id=1&b=x y"),
            "pages%2Fdetail%3Fid%3D1%26b%3Dx%20y"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,1100}") {
            let _ = LinkQuery::parse(&s);
        }

        #[test]
        fn accepted_queries_are_objects_of_the_charset(
            s in "[0-9A-Za-z{}!#$&'()*+,/:;=?@._~%\"-]{0,40}"
        ) {
            if let Ok(q) = LinkQuery::parse(&s) {
                prop_assert!(q.as_str().starts_with('{'), "not an object: {}", q.as_str());
                prop_assert_eq!(LinkQuery::parse(q.as_str()), Ok(q.clone()));
            }
        }

        #[test]
        fn any_object_of_safe_strings_is_accepted(
            m in proptest::collection::btree_map("[a-z0-9_]{1,8}", "[A-Za-z0-9._~-]{0,8}", 0..6)
        ) {
            let text = serde_json::to_string(&m).unwrap();
            let q = LinkQuery::parse(&text).unwrap();
            prop_assert_eq!(q.as_str(), text.as_str());
        }

        #[test]
        fn one_bad_character_is_reported_where_it_is(
            prefix in "[a-z]{0,20}", bad in "[ <>\\[\\]^`|\\\\\u{80}-\u{10FFFF}]"
        ) {
            let s = ["{\"", &prefix, &bad, "\":1}"].concat();
            let ch = bad.chars().next().unwrap();
            prop_assert_eq!(
                LinkQuery::parse(&s),
                Err(QueryProblem::BadChar { ch, pos: 2 + prefix.len() })
            );
        }

        #[test]
        fn percent_encoding_is_unreserved_only(s in "\\PC{0,50}") {
            let e = percent_encode(&s);
            prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
        }
    }
}
