//! Text Graph gives and takes: HTML bodies, Matrix ids in IM addresses, query values.

/// An HTML body as plain text: tags dropped (`head`, `style` and `script` with their
/// content), blocks and `<br>` as line breaks, entities decoded, runs of spaces as one.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        let closing = tag.starts_with('/');
        let name = tag
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        rest = &after[close + 1..];
        if !closing && matches!(name.as_str(), "head" | "style" | "script") {
            let end = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&end) {
                Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
                None => "",
            };
            continue;
        }
        let block = [
            "p", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        ];
        if name == "br" || (block.contains(&name.as_str()) && !out.ends_with('\n')) {
            out.push('\n');
        }
    }
    push_text(&mut out, rest);
    let mut text = String::new();
    let mut blank = false;
    for line in out.lines().map(str::trim) {
        if line.is_empty() {
            blank = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank { "\n\n" } else { "\n" });
        }
        text.push_str(line);
        blank = false;
    }
    text
}

/// Text between tags: entities decoded, white space (source line breaks too) as one space.
fn push_text(out: &mut String, raw: &str) {
    let decoded = decode_entities(raw);
    for c in decoded.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && (out.is_empty() || out.ends_with([' ', '\n'])) {
            continue;
        }
        out.push(c);
    }
}

fn decode_entities(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let entity = rest[1..]
            .find(';')
            .filter(|end| *end <= 10)
            .map(|end| &rest[1..=end]);
        let decoded = entity.and_then(|e| match e {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => {
                let number = e.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (entity, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &rest[e.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text for HTML: `&`, `<`, `>` and `"` escaped.
pub(super) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A query value: everything but RFC 3986's unreserved characters percent-encoded.
pub(super) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The Matrix user id in an IM address: `matrix:u/alice:example.org`,
/// `matrix:@alice:example.org`, `https://matrix.to/#/@alice:example.org` or
/// `@alice:example.org`, as `@alice:example.org`.
pub fn matrix_id(im: &str) -> Option<String> {
    let im = im.trim();
    let im = im.strip_prefix("https://matrix.to/#/").unwrap_or(im);
    let id = match im
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("matrix:"))
    {
        Some(_) => {
            let path = im[7..].split(['?', '#']).next().unwrap_or_default();
            match path.strip_prefix("u/") {
                Some(user) => format!("@{user}"),
                None if path.starts_with('@') => path.to_owned(),
                None => return None,
            }
        }
        None if im.starts_with('@') => im.split(['?', '#']).next().unwrap_or_default().to_owned(),
        None => return None,
    };
    let (local, server) = id[1..].split_once(':')?;
    let valid = !local.is_empty()
        && !server.is_empty()
        && !id.chars().any(|c| c.is_whitespace() || c == '/');
    valid.then_some(id)
}
