//! Reading the executable parts of a Markdown document: fenced blocks by info string, and the
//! answers a block promises in `# → …` (or `// → …`) comments, where `…` stands for any text.

/// A fenced code block.
#[derive(Debug, Clone)]
pub struct Block {
    /// The info string after the opening fence (`sh executed`).
    pub info: String,
    /// The block's text.
    pub code: String,
    /// 1-based line of the opening fence.
    pub line: usize,
}

/// Every ```` ``` ```` block of `md`, in order.
pub fn fenced_blocks(md: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in md.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some(Block {
                        info: info.trim().to_owned(),
                        code: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(block) => {
                if trimmed == "```" {
                    out.extend(open.take());
                } else {
                    block.code.push_str(line);
                    block.code.push('\n');
                }
            }
        }
    }
    out
}

/// The blocks whose info string is exactly `lang executed`.
pub fn executed(md: &str, lang: &str) -> Vec<Block> {
    let want = format!("{lang} executed");
    fenced_blocks(md)
        .into_iter()
        .filter(|b| b.info == want)
        .collect()
}

/// The answers promised by `comment → text` lines, a following comment line indented by more
/// than one space continuing the previous answer.
pub fn expectations(code: &str, comment: &str) -> Vec<String> {
    let arrow = format!("{comment} → ");
    let mut out: Vec<String> = Vec::new();
    let mut continuing = false;
    for line in code.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(&arrow) {
            out.push(rest.trim_end().to_owned());
            continuing = true;
        } else if continuing && t.starts_with(&format!("{comment}  ")) {
            let rest = t[comment.len()..].trim();
            if let Some(last) = out.last_mut() {
                last.push_str(rest);
            }
        } else {
            continuing = false;
        }
    }
    out
}

/// Checks that each expectation occurs in `output`, in order, `…` matching any text (within the
/// expectation; expectations themselves may be separated by anything).
pub fn check_in_order(output: &str, expected: &[String]) -> Result<(), String> {
    let mut at = 0;
    for want in expected {
        match find_pattern(&output[at..], want) {
            Some(end) => at += end,
            None => {
                return Err(format!(
                    "expected, after byte {at} of the output:\n  {want}\noutput from there:\n{}",
                    &output[at..]
                ))
            }
        }
    }
    Ok(())
}

/// The end of the first match of `pattern` (fragments separated by `…`) in `text`. Each match
/// attempt starts at an occurrence of the first fragment; the fragments after it must follow on
/// the same line.
fn find_pattern(text: &str, pattern: &str) -> Option<usize> {
    let parts: Vec<&str> = pattern.split('…').collect();
    let first = parts[0];
    let mut from = 0;
    while from <= text.len() {
        let start = from + text[from..].find(first)?;
        let line_end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        let mut pos = start + first.len();
        let mut ok = true;
        for (k, part) in parts.iter().enumerate().skip(1) {
            let last = k == parts.len() - 1;
            if part.is_empty() {
                if last {
                    pos = line_end;
                }
                continue;
            }
            match text[pos..line_end].find(part) {
                Some(n) => pos += n + part.len(),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Some(pos);
        }
        from = start + first.len().max(1);
        while !text.is_char_boundary(from.min(text.len())) {
            from += 1;
        }
    }
    None
}

#[test]
fn patterns_match_in_order_with_ellipses() {
    let out = "{\"err_no\":0,\"log_id\":\"021234\"}\nclt.abc\n";
    let exp = vec![
        "{\"err_no\":0,\"log_id\":\"02…\"}".to_owned(),
        "clt.…".to_owned(),
    ];
    assert!(check_in_order(out, &exp).is_ok());
    let wrong = vec!["clt.…".to_owned(), "{\"err_no\":0…".to_owned()];
    assert!(check_in_order(out, &wrong).is_err());
    assert_eq!(
        expectations("x\n# → a…\n#   b\n# c\n# → d\n", "#"),
        vec!["a…b", "d"]
    );
}
