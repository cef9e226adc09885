//! Credentials out of printed connection URLs (SPEC §8 "Secrets"): every database or Redis URL
//! that reaches a log line or an error message goes through [`redact_url`] first.

/// `url` with its password replaced by `***`: the one in the user info
/// (`postgres://user:pw@host/db` → `postgres://user:***@host/db`, `redis://:pw@host`) and the value
/// of any query parameter whose name contains `password` (`?password=pw`, `&sslpassword=pw`).
/// Text without a password comes back unchanged.
pub fn redact_url(url: &str) -> String {
    let (base, fragment) = split_at_first(url, '#');
    let (base, query) = split_at_first(base, '?');
    let mut out = String::with_capacity(url.len());
    match base.find("://") {
        Some(scheme_end) => {
            let rest = &base[scheme_end + 3..];
            out.push_str(&base[..scheme_end + 3]);
            // The user info ends at the last `@` (a password may contain an unescaped `@` or `/`;
            // cutting too much is better than printing part of one).
            match rest.rfind('@') {
                Some(at) => {
                    let userinfo = &rest[..at];
                    match userinfo.find(':') {
                        Some(colon) => {
                            out.push_str(&userinfo[..colon]);
                            out.push_str(":***");
                        }
                        None => out.push_str(userinfo),
                    }
                    out.push_str(&rest[at..]);
                }
                None => out.push_str(rest),
            }
        }
        None => out.push_str(base),
    }
    if let Some(query) = query {
        out.push('?');
        let params: Vec<String> = query
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("password") => {
                    format!("{key}=***")
                }
                _ => param.to_owned(),
            })
            .collect();
        out.push_str(&params.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

fn split_at_first(s: &str, c: char) -> (&str, Option<&str>) {
    match s.split_once(c) {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn passwords_in_user_info_are_masked() {
        assert_eq!(
            redact_url("postgres://dyopen:s3cret@db.internal:5432/prod"),
            "postgres://dyopen:***@db.internal:5432/prod"
        );
        assert_eq!(
            redact_url("redis://:s3cret@cache:6379/0"),
            "redis://:***@cache:6379/0"
        );
        assert_eq!(
            redact_url("rediss://default:p%40ss@cache"),
            "rediss://default:***@cache"
        );
        assert_eq!(
            redact_url("postgres://u:we@ird/pw@host/db"),
            "postgres://u:***@host/db"
        );
    }

    #[test]
    fn password_parameters_are_masked() {
        assert_eq!(
            redact_url("postgres://u@h/db?sslmode=require&password=s3cret&sslpassword=x"),
            "postgres://u@h/db?sslmode=require&password=***&sslpassword=***"
        );
        assert_eq!(
            redact_url("postgres://u:pw@h/db?PASSWORD=x#frag"),
            "postgres://u:***@h/db?PASSWORD=***#frag"
        );
    }

    #[test]
    fn urls_without_a_password_are_unchanged() {
        for url in [
            "sqlite://dyopen.db",
            "sqlite:dyopen.db?mode=rwc",
            "postgres://postgres@127.0.0.1:5432/test",
            "postgres://127.0.0.1/test?options=-c%20search_path%3Dt_1",
            "redis://127.0.0.1:6379",
            "not a url",
            "",
        ] {
            assert_eq!(redact_url(url), url);
        }
    }

    proptest! {
        #[test]
        fn a_password_never_survives(
            user in "[a-z]{0,8}",
            // Starts with `!`, so the host and user (letters) cannot contain it.
            password in "![A-Za-z0-9@/$%]{5,19}",
            host in "[a-z]{1,10}(:[0-9]{1,5})?",
        ) {
            let url = format!("postgres://{user}:{password}@{host}/db?password={password}");
            let shown = redact_url(&url);
            prop_assert!(!shown.contains(&password), "{shown}");
            prop_assert!(shown.contains(&host), "{shown}");
        }
    }
}
