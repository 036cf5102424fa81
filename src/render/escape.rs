//! Escapers, one per output format. Each turns any string into one literal of its format that
//! reads back as exactly that string. The render environment applies them to every
//! interpolated value, so a template cannot forget.

use std::fmt::Write as _;

/// A Terraform (HCL) quoted string. Template sequences `${` and `%{` are doubled so that
/// Terraform takes them literally.
pub fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_hcl_string(&mut out, s);
    out
}

/// `hcl_string`, appended to `out` (the render environment's formatter writes every
/// interpolated value this way, without a string of its own).
pub fn push_hcl_string(out: &mut String, s: &str) {
    out.push('"');
    push_escaped(
        out,
        s,
        |c, next| {
            matches!(c, '\\' | '"')
                || c.is_control()
                || (matches!(c, '$' | '%') && next == Some('{'))
        },
        |c, out| match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' => {
                out.push(c);
                out.push(c);
            }
            c => unicode_escape(out, c),
        },
    );
    out.push('"');
}

/// A YAML double-quoted scalar (also a JSON string). Line-break characters YAML would fold
/// (NEL, LS, PS) and every control character are written as `\u` escapes.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_yaml_string(&mut out, s);
    out
}

/// `yaml_string`, appended to `out`.
pub fn push_yaml_string(out: &mut String, s: &str) {
    out.push('"');
    push_escaped(
        out,
        s,
        |c, _| matches!(c, '\\' | '"' | '\u{2028}' | '\u{2029}' | '\u{feff}') || c.is_control(),
        |c, out| match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => unicode_escape(out, c),
        },
    );
    out.push('"');
}

/// Appends `s` to `out`: each character `special(c, next)` picks is written by `escape`, the
/// runs between them are copied whole (these escapers run for every interpolated value, so a
/// large script calls them hundreds of thousands of times).
fn push_escaped(
    out: &mut String,
    s: &str,
    special: impl Fn(char, Option<char>) -> bool,
    escape: impl Fn(char, &mut String),
) {
    let mut run = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if special(c, chars.peek().map(|&(_, n)| n)) {
            out.push_str(&s[run..at]);
            escape(c, out);
            run = at + c.len_utf8();
        }
    }
    out.push_str(&s[run..]);
}

/// `\u` and four hex digits (every character escaped this way is in the BMP).
fn unicode_escape(out: &mut String, c: char) {
    let _ = write!(out, "\\u{:04x}", c as u32);
}

/// One shell word in single quotes: nothing inside is expanded; a `'` ends the quote,
/// is escaped, and reopens it.
pub fn shell_word(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_shell_word(&mut out, s);
    out
}

/// `shell_word`, appended to `out`.
pub fn push_shell_word(out: &mut String, s: &str) {
    out.push('\'');
    // Whole runs between single quotes at once: this is the hottest escaper (every argument
    // of every `aws` call), and copying char by char cost a tenth of a large script's render.
    for (i, run) in s.split('\'').enumerate() {
        if i > 0 {
            out.push_str("'\\''");
        }
        out.push_str(run);
    }
    out.push('\'');
}

/// Text for a `#` line comment (shell, YAML, HCL): one line whatever the input, since a line
/// break would end the comment and turn the rest into code; every control or line-separating
/// character becomes a space. Inside a comment, quoting is neither needed nor wanted.
pub fn comment_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_escapes_quotes_backslashes_and_templates() {
        assert_eq!(hcl_string("plain"), "\"plain\"");
        assert_eq!(hcl_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            hcl_string("${var.x} %{if} $x %x"),
            "\"$${var.x} %%{if} $x %x\""
        );
        assert_eq!(hcl_string("line\nnext\u{1}"), "\"line\\nnext\\u0001\"");
        assert_eq!(hcl_string("チーム = 基盤"), "\"チーム = 基盤\"");
    }

    #[test]
    fn yaml_is_double_quoted_and_folds_nothing() {
        assert_eq!(yaml_string("plain"), "\"plain\"");
        assert_eq!(yaml_string("a: b # c"), "\"a: b # c\"");
        assert_eq!(yaml_string("q\"b\\"), "\"q\\\"b\\\\\"");
        assert_eq!(yaml_string("x\u{2028}y\u{85}"), "\"x\\u2028y\\u0085\"");
        assert_eq!(yaml_string("!Ref x"), "\"!Ref x\"");
        assert_eq!(yaml_string("環境"), "\"環境\"");
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment_line("a\nrm -rf /\r\u{2028}b"), "a rm -rf /  b");
        assert_eq!(comment_line("カタログ 2026-11-26"), "カタログ 2026-11-26");
    }

    #[test]
    fn shell_word_survives_quotes_and_expansions() {
        assert_eq!(shell_word("plain"), "'plain'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(
            shell_word("it's $HOME `x` \"y\""),
            "'it'\\''s $HOME `x` \"y\"'"
        );
    }
}
