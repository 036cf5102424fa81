//! Escapers for Markdown output (GitHub Flavored Markdown) and the Mermaid diagrams inside it.
//!
//! `.md.j2` templates auto-escape every interpolated string with [`text`]; the `code` filter
//! ([`code_span`]) and the `mermaid` filter ([`mermaid_label`]) produce complete, safe pieces for
//! the two other contexts a Markdown document has.

/// Plain Markdown text, safe inline and inside a table cell: every character Markdown (or
/// GitHub: `$` math, `@` mentions, `~` strikethrough) could interpret is backslash-escaped,
/// line breaks and other control characters become spaces, and a value that would start a
/// list item or an ordered list at the start of a line is defused.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut at_start = true;
    let mut leading_digits = true;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' | '$'
            | '@' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if at_start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if leading_digits && !at_start && matches!(chars.peek(), None | Some(' ')) =>
            {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push(' '),
            c => out.push(c),
        }
        leading_digits = leading_digits && c.is_ascii_digit();
        at_start = false;
    }
    out
}

/// A Markdown code span holding `s` literally: the backtick fence is longer than any run of
/// backticks inside, padding keeps leading/trailing backticks and spaces, line breaks become
/// spaces, and `|` is written `\|` so that the span is also safe inside a GFM table cell
/// (where GitHub turns `\|` back into `|`). An empty value gives an empty string.
pub fn code_span(s: &str) -> String {
    let content: String = s
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
                ' '
            } else {
                c
            }
        })
        .collect();
    if content.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let all_spaces = content.chars().all(|c| c == ' ');
    let pad = content.starts_with('`')
        || content.ends_with('`')
        || (!all_spaces && content.starts_with(' ') && content.ends_with(' '));
    let body = content.replace('|', "\\|");
    if pad {
        format!("{fence} {body} {fence}")
    } else {
        format!("{fence}{body}{fence}")
    }
}

/// A quoted Mermaid label (`"..."`): letters, digits, spaces and `. , : / _ - + = @ ( ) '` are
/// kept, control characters become a space and every other character `_`. (Mermaid's entity
/// codes, `#34;`, are not used: renderers decode them differently, some not at all.) Nothing
/// inside can end the label, start markup or break the diagram; the plan's labels only hold
/// kept characters.
pub fn mermaid_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c.is_control() {
            out.push(' ');
        } else if c.is_alphanumeric() || " .,:/_-+=@()'".contains(c) {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escapes_markup() {
        assert_eq!(text("plain words 10.0.0.0/16"), "plain words 10.0.0.0/16");
        assert_eq!(text("a|b`c*d_e"), "a\\|b\\`c\\*d\\_e");
        assert_eq!(text("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(text("line\nnext"), "line next");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("a - b"), "a - b");
        assert_eq!(text("1. first"), "1\\. first");
        assert_eq!(text("$x$ @team &amp;"), "\\$x\\$ \\@team \\&amp;");
        assert_eq!(text("チーム"), "チーム");
    }

    #[test]
    fn code_span_survives_backticks_and_pipes() {
        assert_eq!(code_span("vpc-0abc"), "`vpc-0abc`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("a\nb"), "`a b`");
        assert_eq!(code_span(" x "), "`  x  `");
        assert_eq!(code_span(""), "");
    }

    #[test]
    fn mermaid_label_cannot_break_out() {
        assert_eq!(
            mermaid_label("endpoint VPC (us-east-1, 10.0.0.0/16)"),
            "\"endpoint VPC (us-east-1, 10.0.0.0/16)\""
        );
        assert_eq!(mermaid_label("a\"]b"), "\"a__b\"");
        assert_eq!(mermaid_label("<b>#&;`"), "\"_b_____\"");
        assert_eq!(mermaid_label("チーム's"), "\"チーム's\"");
        assert_eq!(mermaid_label("x\ny"), "\"x y\"");
    }
}
