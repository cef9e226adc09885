//! Masking of a JSON body of which only the first part was read (it cannot parse): a scan token
//! by token over the text, keeping it as it is except the value after every key whose decoded
//! name is a secret's, which becomes `"***"` (whole, or as far as the text goes). Characters
//! outside strings that name a secret (an unquoted key, say) make the caller withhold the text.

use super::{floor_char, is_secret_name, Named, APP_FIELDS, MASK};

/// Text of at most `limit` bytes.
struct Out {
    text: String,
    limit: usize,
    full: bool,
}

impl Out {
    fn push(&mut self, s: &str) {
        let room = self.limit - self.text.len();
        if s.len() > room {
            self.text.push_str(floor_char(s, room));
            self.full = true;
        } else {
            self.text.push_str(s);
        }
    }
}

/// Where the string literal opening at `start` ends (after its closing quote), and whether it
/// is closed at all.
fn string_end(s: &[u8], start: usize) -> (usize, bool) {
    let mut j = start + 1;
    while j < s.len() {
        match s[j] {
            b'\\' => j += 2,
            b'"' => return (j + 1, true),
            _ => j += 1,
        }
    }
    (s.len(), false)
}

fn skip_ws(s: &[u8], mut j: usize) -> usize {
    while j < s.len() && s[j].is_ascii_whitespace() {
        j += 1;
    }
    j
}

/// The text of a closed string literal, unescaped.
fn unescape(literal: &str) -> String {
    serde_json::from_str(literal).unwrap_or_else(|_| literal.trim_matches('"').to_owned())
}

/// Where the value starting at or after `i` ends, and its text when it is a closed string.
fn skip_value(text: &str, i: usize) -> (usize, Option<String>) {
    let s = text.as_bytes();
    let j = skip_ws(s, i);
    match s.get(j) {
        None => (s.len(), None),
        Some(b'"') => {
            let (end, closed) = string_end(s, j);
            (end, closed.then(|| unescape(&text[j..end])))
        }
        Some(b'{' | b'[') => {
            let (mut depth, mut k) = (0usize, j);
            while k < s.len() {
                match s[k] {
                    b'"' => {
                        k = string_end(s, k).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return (k + 1, None);
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            (s.len(), None)
        }
        Some(_) => {
            let end = s[j..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']'))
                .map_or(s.len(), |n| j + n);
            (end, None)
        }
    }
}

/// Masks the JSON prefix `bytes`, keeping at most `limit` bytes: the text, whether it names a
/// secret outside a string, and the top-level fields it names.
pub(super) fn mask_json_prefix(bytes: &[u8], limit: usize) -> (String, bool, Named) {
    let text = String::from_utf8_lossy(bytes);
    let s = text.as_bytes();
    let mut out = Out {
        text: String::with_capacity(limit.min(s.len())),
        limit,
        full: false,
    };
    let (mut named, mut leaks, mut depth, mut i) = (Named::default(), false, 0usize, 0usize);
    while i < s.len() && !out.full {
        match s[i] {
            b'"' => {
                let (end, closed) = string_end(s, i);
                let colon = skip_ws(s, end);
                if !(closed && s.get(colon) == Some(&b':')) {
                    out.push(&text[i..end]);
                    i = end;
                    continue;
                }
                let key = unescape(&text[i..end]);
                out.push(&text[i..=colon]);
                i = colon + 1;
                let top = depth == 1;
                if is_secret_name(&key) {
                    let (end, value) = skip_value(&text, i);
                    if let (true, Some(v)) = (top, value) {
                        named.record(&key, &v);
                    }
                    out.push(&format!("\"{MASK}\""));
                    i = end;
                } else if top && APP_FIELDS.contains(&key.as_str()) {
                    let j = skip_ws(s, i);
                    if s.get(j) == Some(&b'"') {
                        if let (end, true) = string_end(s, j) {
                            named.record(&key, &unescape(&text[j..end]));
                        }
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                out.push(&text[i..=i]);
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                out.push(&text[i..=i]);
                i += 1;
            }
            _ => {
                let end = s[i..]
                    .iter()
                    .position(|b| matches!(b, b'"' | b'{' | b'}' | b'[' | b']'))
                    .map_or(s.len(), |n| i + n);
                leaks |= is_secret_name(&text[i..end]);
                out.push(&text[i..end]);
                i = end;
            }
        }
    }
    (out.text, leaks, named)
}
