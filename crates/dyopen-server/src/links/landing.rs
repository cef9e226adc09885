//! The HTML pages of links for browsers: the landing page (app name, page, expiry in Beijing
//! time, a QR code of the link as inline SVG, an "open in Douyin" button to the scheme URL) and
//! the 404/410 pages, in the console's look (padded, readable at phone width). Every value is
//! escaped.

use super::cache::CachedLink;
use dyopen_core::clock::UnixSecs;
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

/// The console's palette and type, inlined (the page is one response, no stylesheet request).
const STYLE: &str = "body{margin:0;background:#f6f7f9;color:#1f2328;line-height:1.5;\
font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif}\
main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem}\
.card{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:1.2rem;text-align:center}\
h1{font-size:1.4rem;margin:.2rem 0 1rem;overflow-wrap:anywhere}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;text-align:left;margin:0 0 1.2rem}\
dt{color:#5b636d}dd{margin:0;overflow-wrap:anywhere}code{font-size:.9em}\
a.open{display:inline-block;padding:.8rem 1.6rem;background:#fe2c55;color:#fff;border-radius:8px;\
text-decoration:none;font-weight:600}figure{margin:1.2rem 0 0}figure svg{width:12rem;height:12rem}\
figcaption{color:#5b636d;font-size:.85rem;overflow-wrap:anywhere}.tz{white-space:nowrap}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><style>{STYLE}</style></head>\
<body><main><div class=\"card\">{body}</div></main></body></html>\n",
        title = escape(title)
    )
}

/// The landing page of a live link at `url_link`; `expires_at` is Unix seconds, shown in
/// Beijing time (`2026-12-03 14:00 北京时间`).
pub fn landing(link: &CachedLink, app_name: &str, url_link: &str, expires_at: UnixSecs) -> String {
    let body = format!(
        "<h1>{name}</h1><dl><dt>页面 Page</dt><dd><code>{path}</code></dd>\
<dt>有效期至 Expires</dt><dd>{expires} <span class=\"tz\">北京时间</span></dd></dl>\
<p><a class=\"open\" href=\"{scheme}\">在抖音中打开 Open in Douyin</a></p>\
<figure>{qr}<figcaption>{url}</figcaption></figure>",
        name = escape(app_name),
        path = escape(&link.path()),
        expires = escape(&crate::timefmt::beijing_minute(expires_at)),
        scheme = escape(&link.scheme_url()),
        qr = qr_svg(url_link),
        url = escape(url_link),
    );
    page(app_name, &body)
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
