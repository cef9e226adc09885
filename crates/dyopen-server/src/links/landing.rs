//! The HTML pages of links for browsers: the landing page (app name, page, expiry, a QR code of
//! the link as inline SVG, an "open in Douyin" button to the scheme URL) and the 404/410 pages.

use super::cache::CachedLink;
use qrcode::render::svg;
use qrcode::QrCode;

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The QR code of `text` as an inline `<svg>` (empty if the text cannot be encoded).
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline SVG needs no XML declaration.
    match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    }
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>body{{font-family:sans-serif;max-width:28rem;margin:2rem auto;\
text-align:center}}a.open{{display:inline-block;padding:.8rem 1.6rem;background:#fe2c55;\
color:#fff;border-radius:.4rem;text-decoration:none}}dl{{text-align:left}}</style></head>\
<body>{body}</body></html>\n",
        title = escape(title)
    )
}

/// The landing page of a live link at `url_link`; `expires_at` is shown as RFC 3339 (UTC).
pub fn landing(link: &CachedLink, url_link: &str, expires_at: &str) -> String {
    let body = format!(
        "<h1>{name}</h1><dl><dt>页面 Page</dt><dd><code>{path}</code></dd>\
<dt>有效期至 Expires</dt><dd>{expires}</dd></dl>\
<p><a class=\"open\" href=\"{scheme}\">在抖音中打开 Open in Douyin</a></p>\
<figure>{qr}<figcaption>{url}</figcaption></figure>",
        name = escape(link.app_name()),
        path = escape(link.path()),
        expires = escape(expires_at),
        scheme = escape(link.scheme_url()),
        qr = qr_svg(url_link),
        url = escape(url_link),
    );
    page(link.app_name(), &body)
}

/// The page of an expired (410) or unknown (404) link.
pub fn gone(expired: bool) -> String {
    if expired {
        page(
            "链接已失效",
            "<h1>链接已失效</h1><p>This link has expired.</p>",
        )
    } else {
        page("链接不存在", "<h1>链接不存在</h1><p>No such link.</p>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn qr_is_inline_svg() {
        let svg = qr_svg("http://127.0.0.1:8080/Lu86lrX");
        assert!(svg.starts_with("<svg"), "{svg}");
    }
}
