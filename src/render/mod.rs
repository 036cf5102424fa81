//! Rendering: minijinja environments (one per template group), templates embedded in the binary
//! and parsed once per process on the group's first use, auto-escaping chosen by the template's
//! output format.
//!
//! Every value a template interpolates passes through the format's escaper (`escape.rs`):
//! strings become complete literals (`"..."` in HCL and YAML, `'...'` in shell), lists become
//! lists of escaped literals. A template therefore never writes quotes around `{{ ... }}`.

pub mod agent_config;
pub mod cli;
pub mod cloudformation;
pub mod escape;
pub mod init;
pub mod markdown;
pub mod plan_md;
pub mod terraform;
pub mod verify;

pub use agent_config::agent_config_markdown;
pub use cli::{cli_deploy, cli_destroy};
pub use cloudformation::cloudformation;
pub use init::init_yaml;
pub use plan_md::plan_markdown;
pub use terraform::terraform;
pub use verify::verify_script;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{
    AutoEscape, Environment, Error as TemplateError, ErrorKind, Output, State, UndefinedBehavior,
};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Error;
use crate::plan::Plan;

/// The templates, by group (their directory) and name. The extension before `.j2` selects the
/// escaper. Each group has an environment of its own, built on the group's first use, so a
/// command parses only the templates it renders; a template may import only from its own group.
const TEMPLATE_GROUPS: &[(&str, &[(&str, &str)])] = &[
    (
        "terraform",
        &[(
            "terraform/main.tf.j2",
            include_str!("../../templates/terraform/main.tf.j2"),
        )],
    ),
    (
        "cloudformation",
        &[
            (
                "cloudformation/stack.yaml.j2",
                include_str!("../../templates/cloudformation/stack.yaml.j2"),
            ),
            (
                "cloudformation/companion.sh.j2",
                include_str!("../../templates/cloudformation/companion.sh.j2"),
            ),
            (
                "cloudformation/README.md.j2",
                include_str!("../../templates/cloudformation/README.md.j2"),
            ),
        ],
    ),
    (
        "cli",
        &[
            (
                "cli/macros.sh.j2",
                include_str!("../../templates/cli/macros.sh.j2"),
            ),
            (
                "cli/deploy.sh.j2",
                include_str!("../../templates/cli/deploy.sh.j2"),
            ),
            (
                "cli/destroy.sh.j2",
                include_str!("../../templates/cli/destroy.sh.j2"),
            ),
        ],
    ),
    (
        "plan",
        &[(
            "plan/plan.md.j2",
            include_str!("../../templates/plan/plan.md.j2"),
        )],
    ),
    (
        "verify",
        &[(
            "verify/verify.sh.j2",
            include_str!("../../templates/verify/verify.sh.j2"),
        )],
    ),
    (
        "init",
        &[(
            "init/ddpl.yaml.j2",
            include_str!("../../templates/init/ddpl.yaml.j2"),
        )],
    ),
    (
        "agent",
        &[(
            "agent/agent-config.md.j2",
            include_str!("../../templates/agent/agent-config.md.j2"),
        )],
    ),
];

/// The escaping a template's output format needs, from its file name.
fn escape_for(name: &str) -> AutoEscape {
    let stem = name.trim_end_matches(".j2");
    if stem.ends_with(".tf") || stem.ends_with(".hcl") {
        AutoEscape::Custom("hcl".into())
    } else if stem.ends_with(".yaml") || stem.ends_with(".yml") || stem.ends_with(".json") {
        AutoEscape::Custom("yaml".into())
    } else if stem.ends_with(".sh") {
        AutoEscape::Custom("shell".into())
    } else if stem.ends_with(".md") {
        AutoEscape::Custom("markdown".into())
    } else {
        AutoEscape::None
    }
}

/// Writes one value as a literal of the current format.
fn write_literal(format: &str, value: &Value, out: &mut String) -> Result<(), TemplateError> {
    if value.is_undefined() || value.is_none() {
        return Err(TemplateError::new(
            ErrorKind::UndefinedError,
            "a missing value (none/undefined) was interpolated",
        ));
    }
    if let Some(s) = value.as_str() {
        out.push_str(&match format {
            "hcl" => escape::hcl_string(s),
            "yaml" => escape::yaml_string(s),
            "markdown" => markdown::text(s),
            _ => escape::shell_word(s),
        });
        return Ok(());
    }
    if value.is_number() {
        out.push_str(&value.to_string());
        return Ok(());
    }
    // minijinja displays `true` as `True`; every format here spells it `true`.
    if value.kind() == minijinja::value::ValueKind::Bool && value.is_true() {
        out.push_str("true");
        return Ok(());
    }
    match value.kind() {
        minijinja::value::ValueKind::Bool => out.push_str("false"),
        minijinja::value::ValueKind::Seq | minijinja::value::ValueKind::Iterable => {
            let items: Vec<Value> = value.try_iter()?.collect();
            let (open, sep, close) = if format == "shell" {
                ("", " ", "")
            } else if format == "markdown" {
                ("", ", ", "")
            } else {
                ("[", ", ", "]")
            };
            out.push_str(open);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(sep);
                }
                write_literal(format, item, out)?;
            }
            out.push_str(close);
        }
        _ => {
            return Err(TemplateError::new(
                ErrorKind::InvalidOperation,
                format!(
                    "cannot interpolate a {} directly; iterate over it",
                    value.kind()
                ),
            ));
        }
    }
    Ok(())
}

fn formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), TemplateError> {
    match state.auto_escape() {
        AutoEscape::Custom(format) if !value.is_safe() => {
            let mut text = String::new();
            write_literal(format, value, &mut text)?;
            out.write_str(&text)
                .map_err(|e| TemplateError::new(ErrorKind::WriteFailure, e.to_string()))
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

/// `value|json`: compact JSON text as a plain (unsafe) string, so that the format's escaper
/// still quotes it (minijinja's own `tojson` marks its result safe, which would bypass that).
fn json_filter(value: Value) -> Result<String, TemplateError> {
    serde_json::to_string(&value)
        .map_err(|e| TemplateError::new(ErrorKind::InvalidOperation, e.to_string()))
}

/// `"text"|raw_word`: marks ddpl-gen's own fixed identifiers (resource addresses, shell
/// variable names) as already safe. Only for values the plan builds from `[a-z0-9_]`; refuses
/// anything else, so user text can never pass through unescaped.
fn ident_filter(value: String) -> Result<Value, TemplateError> {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        Ok(Value::from_safe_string(value))
    } else {
        Err(TemplateError::new(
            ErrorKind::InvalidOperation,
            format!("{value:?} is not an identifier"),
        ))
    }
}

/// Pads `text` with spaces to `width` characters (for `terraform fmt` alignment).
fn pad_filter(text: String, width: usize) -> Value {
    let len = text.chars().count();
    Value::from_safe_string(" ".repeat(width.saturating_sub(len)))
}

fn build_environment(templates: &[(&'static str, &'static str)]) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_auto_escape_callback(escape_for);
    env.set_formatter(formatter);
    // Nothing may mark user text safe: `safe` is removed, `tojson` replaced.
    env.remove_filter("safe");
    env.add_filter("json", json_filter);
    env.add_filter("tojson", json_filter);
    env.add_filter("ident", ident_filter);
    env.add_filter("pad", pad_filter);
    env.add_filter("hcl", |s: String| {
        Value::from_safe_string(escape::hcl_string(&s))
    });
    env.add_filter("yaml", |s: String| {
        Value::from_safe_string(escape::yaml_string(&s))
    });
    env.add_filter("shell", |s: String| {
        Value::from_safe_string(escape::shell_word(&s))
    });
    // A line comment's text (`# ...` in shell, YAML, HCL): line breaks become spaces.
    // A line comment's text (`# ...` in shell, YAML, HCL): line breaks become spaces. Both a
    // filter (`x|comment`) and a function (`comment(x)`).
    env.add_filter("comment", |s: String| {
        Value::from_safe_string(escape::comment_line(&s))
    });
    env.add_function("comment", |s: String| {
        Value::from_safe_string(escape::comment_line(&s))
    });
    // `shell_quote(text)`: one single-quoted shell word as a plain (unsafe) string, for a shell
    // command quoted inside another format's string, which that format's escaper then quotes
    // whole (joining a safe value with `~` would escape the other operands on their own).
    env.add_function("shell_quote", |s: String| escape::shell_word(&s));
    // Markdown: a code span (also safe in a table cell) and a quoted Mermaid label.
    env.add_filter("code", |s: String| {
        Value::from_safe_string(markdown::code_span(&s))
    });
    env.add_filter("mermaid", |s: String| {
        Value::from_safe_string(markdown::mermaid_label(&s))
    });
    // The group's templates are parsed here, once per process (the environment is built under
    // a `OnceLock`). Not on first use through a loader: minijinja runs a loader without a lock,
    // so two threads rendering at once could parse a template twice.
    for (name, source) in templates {
        TEMPLATE_PARSES.fetch_add(1, Ordering::Relaxed);
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("embedded template {name} does not parse: {e:#}"));
    }
    env
}

/// How many templates this process has parsed so far.
static TEMPLATE_PARSES: AtomicUsize = AtomicUsize::new(0);

/// The number of embedded templates.
pub fn template_count() -> usize {
    TEMPLATE_GROUPS.iter().map(|(_, t)| t.len()).sum()
}

/// How many times this process has parsed an embedded template: the templates of the groups
/// rendered so far, each once; `template_count()` once every group has been used, and never
/// more (tests and benchmarks check it).
pub fn template_parse_count() -> usize {
    TEMPLATE_PARSES.load(Ordering::Relaxed)
}

/// One environment per template group, each built on the group's first use.
static ENVIRONMENTS: [OnceLock<Environment<'static>>; TEMPLATE_GROUPS.len()] =
    [const { OnceLock::new() }; TEMPLATE_GROUPS.len()];

/// The templates of the groups whose environment this process has built: what
/// `template_parse_count()` must equal if each was parsed once.
pub fn templates_loaded() -> usize {
    TEMPLATE_GROUPS
        .iter()
        .zip(&ENVIRONMENTS)
        .filter(|(_, env)| env.get().is_some())
        .map(|((_, templates), _)| templates.len())
        .sum()
}

/// The process-wide environment of a template's group (`terraform/main.tf.j2` is in
/// `terraform`), built on first use: its templates are parsed once.
fn environment(template: &str) -> Result<&'static Environment<'static>, Error> {
    let group = template.split('/').next().unwrap_or_default();
    let index = TEMPLATE_GROUPS
        .iter()
        .position(|(name, _)| *name == group)
        .ok_or_else(|| Error::Render {
            template: template.to_string(),
            reason: format!("no template group {group:?}"),
        })?;
    Ok(ENVIRONMENTS[index].get_or_init(|| build_environment(TEMPLATE_GROUPS[index].1)))
}

/// Renders one template with the plan (and optional extra context) as its context.
pub(crate) fn render(template: &str, plan: &Plan, extra: Value) -> Result<String, Error> {
    render_value(template, &plan_value(plan), extra)
}

/// The plan as a template value; a renderer that renders several templates converts it once.
pub(crate) fn plan_value(plan: &Plan) -> Value {
    Value::from(Serde(plan))
}

/// `render` with the plan already converted by `plan_value`.
pub(crate) fn render_value(template: &str, plan: &Value, extra: Value) -> Result<String, Error> {
    let env = environment(template)?;
    let render_error = |e: TemplateError| Error::Render {
        template: template.to_string(),
        reason: format!("{e:#}"),
    };
    let tmpl = env.get_template(template).map_err(render_error)?;
    let ctx = minijinja::context! { plan => plan.clone(), ..extra };
    tmpl.render(ctx).map_err(render_error)
}

/// A rendered file: its name (for `-o DIR`) and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub name: String,
    pub contents: String,
}
