//! What the journal keeps of a body or query string: at most a byte budget, with every secret
//! masked (SPEC §8 "Secrets"): the value of any field whose *decoded* name contains `token`,
//! `secret` or `password` (any case) becomes `***`, in JSON (keys after unescaping), forms and
//! query strings (keys after percent-decoding, so `access%5Ftoken` is caught like the server
//! reads it). JSON is masked by a streaming transcoder (no `Value` tree of the whole body) whose
//! output stops growing at the budget; a complete body stays JSON text, a cut one becomes text.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, Serializer};
use std::cell::RefCell;

/// The words that make a field secret (compared with the lower-cased decoded name).
pub const SECRET_WORDS: [&str; 3] = ["token", "secret", "password"];
/// What a masked value becomes.
pub const MASK: &str = "***";
/// What the journal shows for a text body that names a secret outside a maskable field.
pub const WITHHELD: &str = "[body withheld: not JSON and names a secret field]";
/// Longest app id or token the middleware picks out of a body (longer ones are not real).
const MAX_NAMED_LEN: usize = 256;

/// Whether a decoded field name is a secret's.
pub fn is_secret_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    SECRET_WORDS.iter().any(|w| lower.contains(w))
}

/// A body as the journal keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Kept {
    /// No body.
    #[default]
    Empty,
    /// A complete JSON body, masked, as compact JSON text.
    Json(Box<str>),
    /// Text: a body that is not JSON, or one cut at the budget (masked either way).
    Text(Box<str>),
}

impl Kept {
    /// Bytes of text held.
    pub fn len(&self) -> usize {
        match self {
            Kept::Empty => 0,
            Kept::Json(t) | Kept::Text(t) => t.len(),
        }
    }
}

/// The top-level fields of a body the middleware needs: the app it names and its token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Named {
    /// `appid`, `ma_app_id`, `app_id`, `client_key`, in that order of preference.
    pub app: [Option<String>; 4],
    /// `access_token`.
    pub access_token: Option<String>,
}

/// The top-level fields whose string values [`Named::app`] records, in order of preference.
pub const APP_FIELDS: [&str; 4] = ["appid", "ma_app_id", "app_id", "client_key"];

impl Named {
    /// The app the body names, if any.
    pub fn appid(&self) -> Option<&str> {
        self.app
            .iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.is_empty())
    }

    fn record(&mut self, key: &str, value: &str) {
        if value.len() > MAX_NAMED_LEN {
            return;
        }
        if key == "access_token" {
            self.access_token.get_or_insert_with(|| value.to_owned());
        } else if let Some(i) = APP_FIELDS.iter().position(|f| *f == key) {
            self.app[i].get_or_insert_with(|| value.to_owned());
        }
    }
}

/// A masked body: what is kept, whether it was cut, and the fields named at its top level.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MaskedBody {
    /// The text kept.
    pub kept: Kept,
    /// Whether the body was longer than what is kept.
    pub truncated: bool,
    /// Top-level fields the middleware uses.
    pub named: Named,
}

/// Masks `bytes` (the whole body, or only its first part when `input_cut`) and keeps at most
/// `limit` bytes of the result.
pub fn mask_body(bytes: &[u8], input_cut: bool, limit: usize) -> MaskedBody {
    if bytes.is_empty() {
        return MaskedBody {
            truncated: input_cut,
            ..MaskedBody::default()
        };
    }
    let mut out = Bounded::new(limit);
    let named = RefCell::new(Named::default());
    let parsed = {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mut ser = serde_json::Serializer::new(&mut out);
        let value = Transcode {
            de: RefCell::new(Some(&mut de)),
            named: &named,
            depth: 0,
            key: None,
        };
        value.serialize(&mut ser).is_ok() && de.end().is_ok()
    };
    let named = named.into_inner();
    if parsed && !out.overflow && !input_cut {
        return MaskedBody {
            kept: Kept::Json(out.into_text().into_boxed_str()),
            truncated: false,
            named,
        };
    }
    // A cut JSON body (the masked output reached the budget, or only a prefix was read):
    // what the transcoder wrote is a masked prefix of it.
    if (parsed || input_cut) && !out.is_empty() {
        return MaskedBody {
            kept: Kept::Text(out.into_text().into_boxed_str()),
            truncated: true,
            named,
        };
    }
    let (text, cut, named) = mask_form(bytes, limit);
    MaskedBody {
        kept: Kept::Text(text.into_boxed_str()),
        truncated: cut || input_cut,
        named,
    }
}

/// Masks a query string (`a=1&access%5Ftoken=…`), keeping at most `limit` bytes.
pub fn mask_query(query: &str, limit: usize) -> (String, bool) {
    let (text, cut, _) = mask_form(query.as_bytes(), limit);
    (text, cut)
}

/// Masks `k=v&…` text field by field (keys percent-decoded), keeping at most `limit` bytes.
/// Text that still names a secret outside a masked field (malformed JSON, say) is withheld
/// whole rather than risk showing the secret.
fn mask_form(bytes: &[u8], limit: usize) -> (String, bool, Named) {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len().min(limit));
    let (mut cut, mut leaks, mut named) = (false, false, Named::default());
    for (i, pair) in text.split('&').enumerate() {
        let sep = usize::from(i > 0);
        let room = limit.saturating_sub(out.len());
        let shown = match pair.split_once('=') {
            Some((k, v)) => {
                let key = percent_decode(k);
                if !cut {
                    named.record(&key, &percent_decode(v));
                }
                if is_secret_name(&key) {
                    format!("{k}={MASK}")
                } else {
                    leaks |= !cut && names_secret(&key, v);
                    pair.to_owned()
                }
            }
            None => {
                leaks |= !cut && names_secret(pair, "");
                pair.to_owned()
            }
        };
        if cut {
            continue;
        }
        if sep + shown.len() > room {
            cut = true;
            if room > sep {
                out.push_str(&"&"[..sep]);
                out.push_str(floor_char(&shown, room - sep));
            }
            continue;
        }
        out.push_str(&"&"[..sep]);
        out.push_str(&shown);
    }
    if leaks {
        return (WITHHELD.to_owned(), cut, Named::default());
    }
    (out, cut, named)
}

/// Whether unmasked text (a key and its raw value) names a secret once decoded.
fn names_secret(key: &str, value: &str) -> bool {
    is_secret_name(&percent_decode(key)) || is_secret_name(&percent_decode(value))
}

/// The longest prefix of `s` of at most `n` bytes that ends on a character boundary.
fn floor_char(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Form decoding as the server reads keys: `+` is a space, `%XY` a byte (invalid escapes stay).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |i: usize| bytes.get(i).and_then(|b| char::from(*b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A writer that keeps at most `limit` bytes and notes whether more came.
struct Bounded {
    buf: Vec<u8>,
    limit: usize,
    overflow: bool,
}

impl Bounded {
    fn new(limit: usize) -> Self {
        Self {
            buf: Vec::new(),
            limit,
            overflow: false,
        }
    }

    fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The bytes kept, cut back to the last whole character.
    fn into_text(mut self) -> String {
        match String::from_utf8(std::mem::take(&mut self.buf)) {
            Ok(s) => s,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let mut bytes = e.into_bytes();
                bytes.truncate(valid);
                String::from_utf8(bytes).unwrap_or_default()
            }
        }
    }
}

impl std::io::Write for &mut Bounded {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        let room = self.limit.saturating_sub(self.buf.len());
        if b.len() > room {
            self.overflow = true;
        }
        self.buf.extend_from_slice(&b[..b.len().min(room)]);
        // Everything is "written": the rest of the document is still read, only not kept.
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One JSON value read from `de` and written, masked, to a serializer (a `Serialize` so nested
/// values can be handed to `SerializeMap::serialize_value`).
struct Transcode<'n, D> {
    de: RefCell<Option<D>>,
    named: &'n RefCell<Named>,
    depth: usize,
    /// The top-level key this value belongs to, for [`Named`].
    key: Option<&'n str>,
}

impl<'de, D: Deserializer<'de>> Serialize for Transcode<'_, D> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let de = self
            .de
            .borrow_mut()
            .take()
            .ok_or_else(|| ser::Error::custom("value transcoded twice"))?;
        de.deserialize_any(Writes {
            s,
            named: self.named,
            depth: self.depth,
            key: self.key,
        })
        .map_err(ser::Error::custom)
    }
}

/// The visitor that writes what it visits.
struct Writes<'n, S> {
    s: S,
    named: &'n RefCell<Named>,
    depth: usize,
    key: Option<&'n str>,
}

impl<'de, S: Serializer> Visitor<'de> for Writes<'_, S> {
    type Value = S::Ok;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<S::Ok, E> {
        self.s.serialize_bool(v).map_err(E::custom)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<S::Ok, E> {
        self.s.serialize_i64(v).map_err(E::custom)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<S::Ok, E> {
        self.s.serialize_u64(v).map_err(E::custom)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<S::Ok, E> {
        self.s.serialize_f64(v).map_err(E::custom)
    }
    fn visit_unit<E: de::Error>(self) -> Result<S::Ok, E> {
        self.s.serialize_unit().map_err(E::custom)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<S::Ok, E> {
        if let Some(key) = self.key {
            self.named.borrow_mut().record(key, v);
        }
        self.s.serialize_str(v).map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<S::Ok, A::Error> {
        let mut out = self.s.serialize_seq(None).map_err(de::Error::custom)?;
        while seq
            .next_element_seed(Element {
                out: &mut out,
                named: self.named,
                depth: self.depth + 1,
            })?
            .is_some()
        {}
        out.end().map_err(de::Error::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Ok, A::Error> {
        let mut out = self.s.serialize_map(None).map_err(de::Error::custom)?;
        while let Some(key) = map.next_key::<String>()? {
            out.serialize_key(&key).map_err(de::Error::custom)?;
            let top = (self.depth == 0).then_some(key.as_str());
            if is_secret_name(&key) {
                // The value is read (the token is still needed to find the app), never written.
                let value = map.next_value::<LenientStr>()?;
                if let (Some(k), Some(v)) = (top, value.0) {
                    self.named.borrow_mut().record(k, &v);
                }
                out.serialize_value(MASK).map_err(de::Error::custom)?;
            } else {
                map.next_value_seed(Entry {
                    out: &mut out,
                    named: self.named,
                    depth: self.depth + 1,
                    key: top,
                })?;
            }
        }
        out.end().map_err(de::Error::custom)
    }
}

/// Transcodes one array element into `out`.
struct Element<'o, 'n, O> {
    out: &'o mut O,
    named: &'n RefCell<Named>,
    depth: usize,
}

impl<'de, O: SerializeSeq> DeserializeSeed<'de> for Element<'_, '_, O> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let value = Transcode {
            de: RefCell::new(Some(de)),
            named: self.named,
            depth: self.depth,
            key: None,
        };
        self.out
            .serialize_element(&value)
            .map_err(de::Error::custom)
    }
}

/// Transcodes one object value into `out`.
struct Entry<'o, 'n, O> {
    out: &'o mut O,
    named: &'n RefCell<Named>,
    depth: usize,
    key: Option<&'n str>,
}

impl<'de, O: SerializeMap> DeserializeSeed<'de> for Entry<'_, '_, O> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        let value = Transcode {
            de: RefCell::new(Some(de)),
            named: self.named,
            depth: self.depth,
            key: self.key,
        };
        self.out.serialize_value(&value).map_err(de::Error::custom)
    }
}

/// Any JSON value, kept only when it is a string.
struct LenientStr(Option<String>);

impl<'de> serde::Deserialize<'de> for LenientStr {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LenientStr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientStr, E> {
                Ok(LenientStr(Some(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<LenientStr, E> {
                Ok(LenientStr(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<LenientStr, E> {
                Ok(LenientStr(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<LenientStr, E> {
                Ok(LenientStr(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<LenientStr, E> {
                Ok(LenientStr(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientStr, E> {
                Ok(LenientStr(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LenientStr, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LenientStr(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LenientStr, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientStr(None))
            }
        }
        de.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests;
