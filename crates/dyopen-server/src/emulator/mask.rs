//! What the journal keeps of a body or query string: at most a byte budget, with every secret
//! masked (SPEC §8 "Secrets"): the value of any field whose *decoded* name contains `token`,
//! `secret` or `password` (any case) becomes `***`, in JSON (keys after unescaping), forms and
//! query strings (keys after percent-decoding, so `access%5Ftoken` is caught like the server
//! reads it). JSON is masked by a streaming transcoder (no `Value` tree of the whole body) whose
//! output stops growing at the budget; a complete body stays JSON text, a cut one becomes text.

mod scan;
mod transcode;

/// The rule itself lives in core, shared with `dyopen proxy` recordings and `--replay` matching.
pub use dyopen_core::secrets::{is_secret_name, MASK};
/// What the journal shows for a text body that names a secret outside a maskable field.
pub const WITHHELD: &str = "[body withheld: not JSON and names a secret field]";
/// Longest app id or token the middleware picks out of a body (longer ones are not real).
const MAX_NAMED_LEN: usize = 256;

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
    let opens_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[');
    if input_cut && opens_like_json {
        // Only a prefix was read, so it cannot parse: mask it token by token as text.
        let (text, leaks, named) = scan::mask_json_prefix(bytes, limit);
        return MaskedBody {
            kept: Kept::Text(if leaks {
                WITHHELD.into()
            } else {
                text.into_boxed_str()
            }),
            truncated: true,
            named: if leaks { Named::default() } else { named },
        };
    }
    if !input_cut {
        let t = transcode::transcode(bytes, limit);
        if t.parsed {
            // A complete document stays JSON; one whose masked form exceeds the budget is cut.
            return MaskedBody {
                kept: if t.overflow {
                    Kept::Text(t.text.into_boxed_str())
                } else {
                    Kept::Json(t.text.into_boxed_str())
                },
                truncated: t.overflow,
                named: t.named,
            };
        }
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

#[cfg(test)]
mod tests;
