//! Link codes: 7 characters of base62 from a CSPRNG, never one of the server's own path words.

use rand::Rng;

/// Characters in a code.
pub const CODE_LEN: usize = 7;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Top-level path words of the server a code must never spell (compared case-insensitively).
/// Explicit routes win over `/{code}` anyway; this keeps a link from ever being shadowed.
pub const CODE_DENYLIST: &[&str] = &[
    "console",
    "healthz",
    "readyz",
    "metrics",
    "openapi",
    "admin",
    "api",
    "oauth",
    "favicon",
    "robots",
    "static",
    "assets",
    "_emulator",
    "emulator",
    "login",
    "logout",
];

/// A link code: exactly [`CODE_LEN`] base62 characters, held inline (no heap allocation, so
/// the link cache and the visit counter pay nothing beyond the key's 7 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkCode([u8; CODE_LEN]);

impl LinkCode {
    /// Parses a code; `None` unless it has the shape of one (denylisted words never do).
    pub fn parse(s: &str) -> Option<Self> {
        let bytes: [u8; CODE_LEN] = s.as_bytes().try_into().ok()?;
        let ok = bytes.iter().all(u8::is_ascii_alphanumeric);
        (ok && !is_denied(s)).then_some(Self(bytes))
    }

    /// A fresh random code from the thread's CSPRNG (ChaCha, reseeded from the OS).
    pub fn generate() -> Self {
        let mut rng = rand::thread_rng();
        loop {
            let mut bytes = [0u8; CODE_LEN];
            for b in &mut bytes {
                *b = BASE62[rng.gen_range(0..BASE62.len())];
            }
            let code = Self(bytes);
            if !is_denied(code.as_str()) {
                return code;
            }
        }
    }

    /// The code of a `url_link` (its last path segment) or of a bare code.
    pub fn from_url_link(url_link: &str) -> Option<Self> {
        let no_query = url_link.split(['?', '#']).next().unwrap_or("");
        let last = no_query
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        Self::parse(last)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII alphanumerics are ever stored, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Debug for LinkCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LinkCode").field(&self.as_str()).finish()
    }
}

fn is_denied(s: &str) -> bool {
    CODE_DENYLIST.iter().any(|w| w.eq_ignore_ascii_case(s))
}

impl std::fmt::Display for LinkCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn denylisted_words_are_never_codes() {
        for w in ["console", "HEALTHZ", "Metrics", "openapi", "favicon"] {
            assert_eq!(LinkCode::parse(w), None, "{w}");
        }
    }

    #[test]
    fn codes_come_out_of_url_links() {
        let c = LinkCode::from_url_link("https://z.douyin.com/Lu86lrX").unwrap();
        assert_eq!(c.as_str(), "Lu86lrX");
        assert_eq!(LinkCode::from_url_link("Lu86lrX/"), Some(c));
        assert_eq!(LinkCode::from_url_link("http://h/Lu86lrX?x=1"), Some(c));
        assert_eq!(LinkCode::from_url_link("http://h/"), None);
        assert_eq!(LinkCode::from_url_link(""), None);
    }

    proptest! {
        #[test]
        fn generated_codes_parse(_i in 0..200u16) {
            let c = LinkCode::generate();
            prop_assert_eq!(LinkCode::parse(c.as_str()), Some(c));
        }

        #[test]
        fn parse_never_panics_and_round_trips(s in "\\PC{0,10}") {
            if let Some(c) = LinkCode::parse(&s) {
                prop_assert_eq!(c.as_str(), s.as_str());
            }
        }
    }
}
