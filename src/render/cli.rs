//! AWS CLI: a deploy script and a teardown script (bash).
//!
//! The templates (`templates/cli/`) write every `aws` call out with its `--region` and
//! `--profile`; values reach the script as single-quoted shell words (the environment's shell
//! escaper), JSON arguments (tags, filters) as one quoted word each.

use minijinja::Value;

use super::render;
use crate::error::Error;
use crate::plan::Plan;

/// Text for a `#` comment: one line whatever the input (a line break would end the comment
/// and turn the rest into a command), so every control or line-separating character becomes
/// a space. Marked safe: inside a comment, quoting is neither needed nor wanted.
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

fn context() -> Value {
    minijinja::context! {
        comment => Value::from_function(|text: String| {
            Value::from_safe_string(comment_text(&text))
        }),
    }
}

/// The AWS CLI deploy script.
pub fn cli_deploy(plan: &Plan) -> Result<String, Error> {
    render("cli/deploy.sh.j2", plan, context())
}

/// The AWS CLI teardown script.
pub fn cli_destroy(plan: &Plan) -> Result<String, Error> {
    render("cli/destroy.sh.j2", plan, context())
}

#[cfg(test)]
mod tests {
    use super::comment_text;

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment_text("a\nrm -rf /\r\u{2028}b"), "a rm -rf /  b");
        assert_eq!(comment_text("カタログ 2026-11-26"), "カタログ 2026-11-26");
    }
}
