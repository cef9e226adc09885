//! The streaming JSON transcoder behind [`super::mask_body`]: reads a document with serde_json
//! and writes it compactly, every secret field's value replaced by `***`, into a buffer that stops
//! growing at the budget (the rest is still read, to validate it and find the top-level fields).

use super::{is_secret_name, Named, MASK};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, SerializeMap, SerializeSeq, Serializer};
use std::cell::RefCell;

/// What [`transcode`] made of a body.
pub(super) struct Transcoded {
    /// The masked output, at most the budget, cut back to a character boundary.
    pub text: String,
    /// Whether the whole body was one valid JSON document.
    pub parsed: bool,
    /// Whether the masked output was longer than the budget.
    pub overflow: bool,
    /// Top-level fields.
    pub named: Named,
}

/// Masks the JSON document `bytes`, keeping at most `limit` bytes of the output.
pub(super) fn transcode(bytes: &[u8], limit: usize) -> Transcoded {
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
    Transcoded {
        overflow: out.overflow,
        text: out.into_text(),
        parsed,
        named: named.into_inner(),
    }
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
