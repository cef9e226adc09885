//! Which fields carry secrets (SPEC §8 "Secrets", §13): every field whose *decoded* name contains
//! `token`, `secret` or `password`, in any case, in JSON (keys after unescaping), forms and query
//! strings (keys after percent-decoding, so `access%5Ftoken` counts) and headers alike. Recordings
//! of `dyopen proxy` mask them; `--replay` ignores them when it matches requests.

use serde_json::Value;

/// The words that make a field secret (compared with the lower-cased decoded name).
pub const SECRET_WORDS: [&str; 3] = ["token", "secret", "password"];

/// What a masked value becomes.
pub const MASK: &str = "***";

/// Whether a decoded field name is a secret's.
///
/// ```
/// use dyopen_core::secrets::is_secret_name;
/// assert!(is_secret_name("access_token") && is_secret_name("Client_Secret"));
/// assert!(is_secret_name("access-token") && is_secret_name("db_password"));
/// assert!(!is_secret_name("appid"));
/// ```
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// Whether a header's value is a credential: its name is a secret's, or it is one of the headers
/// that carry credentials under other names (`authorization`, `cookie`, `set-cookie`,
/// `proxy-authorization`).
///
/// ```
/// use dyopen_core::secrets::is_secret_header;
/// assert!(is_secret_header("Access-Token") && is_secret_header("authorization"));
/// assert!(!is_secret_header("content-type"));
/// ```
pub fn is_secret_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_name(&lower)
        || matches!(
            lower.as_str(),
            "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
        )
}

/// Masks, anywhere in `value`, the value of every field with a secret name (a `null` stays).
///
/// ```
/// let mut v = serde_json::json!({"access_token": "clt.x", "data": [{"client_secret": "s"}], "a": 1});
/// dyopen_core::secrets::mask_json(&mut v);
/// assert_eq!(v, serde_json::json!({"access_token": "***", "data": [{"client_secret": "***"}], "a": 1}));
/// ```
pub fn mask_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_name(k) && !v.is_null() {
                    *v = Value::String(MASK.into());
                } else {
                    mask_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_json),
        _ => {}
    }
}

/// Removes, anywhere in `value`, every field with a secret name (for comparing requests whose
/// credentials differ).
///
/// ```
/// let mut v = serde_json::json!({"access_token": "***", "a": {"x_token": 1, "b": 2}});
/// dyopen_core::secrets::strip_json(&mut v);
/// assert_eq!(v, serde_json::json!({"a": {"b": 2}}));
/// ```
pub fn strip_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|k, _| !is_secret_name(k));
            map.values_mut().for_each(strip_json);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_json),
        _ => {}
    }
}

/// A form body or query string with the value of every pair whose decoded name is a secret's
/// replaced by `***`; other pairs stay byte for byte.
///
/// ```
/// use dyopen_core::secrets::mask_pairs;
/// assert_eq!(mask_pairs("a=1&access%5Ftoken=clt.x&b"), "a=1&access%5Ftoken=***&b");
/// assert_eq!(mask_pairs("client+secret=s"), "client+secret=***");
/// ```
pub fn mask_pairs(text: &str) -> String {
    text.split('&')
        .map(|pair| {
            let (key, _) = pair.split_once('=').unwrap_or((pair, ""));
            if is_secret_name(&percent_decode(key)) {
                format!("{key}={MASK}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The decoded `(name, value)` pairs of a form body or query string, without the secret ones.
///
/// ```
/// use dyopen_core::secrets::public_pairs;
/// assert_eq!(public_pairs("b=2&access_token=x&a=%E4%B8%AD"), vec![("b".into(), "2".into()), ("a".into(), "中".into())]);
/// ```
pub fn public_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(k), percent_decode(v))
        })
        .filter(|(k, _)| !is_secret_name(k))
        .collect()
}

/// Whether `text` mentions a secret word anywhere (for bodies that are neither JSON nor a form,
/// which cannot be masked field by field and are withheld instead).
///
/// ```
/// assert!(dyopen_core::secrets::mentions_secret("{\"Access_Token\": broken"));
/// assert!(!dyopen_core::secrets::mentions_secret("hello"));
/// ```
pub fn mentions_secret(text: &str) -> bool {
    is_secret_name(text)
}

/// Percent-decoding as forms use it (`+` is a space); invalid escapes stay as they are.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let escaped = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, escaped) {
            (_, Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (other, None) => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_keys_before_judging_them() {
        assert_eq!(percent_decode("access%5ftoken"), "access_token");
        assert_eq!(percent_decode("a%zz%4"), "a%zz%4");
        assert_eq!(mask_pairs("SECRET=1&x%20y=2"), "SECRET=***&x%20y=2");
        assert_eq!(mask_pairs(""), "");
    }

    proptest! {
        #[test]
        fn a_masked_form_never_shows_the_secret(value in "[A-Za-z0-9]{6,20}", enc in 0usize..3) {
            let key = ["access_token", "access%5Ftoken", "client%5fsecret"][enc];
            let shown = mask_pairs(&format!("a=1&{key}={value}&b=2"));
            prop_assert!(!shown.contains(&value), "{shown}");
        }
    }
}
