//! Rendering: one minijinja environment, templates embedded in the binary and parsed once per
//! process on first use, auto-escaping chosen by the template's output format.
//!
//! Every value a template interpolates passes through the format's escaper (`escape.rs`):
//! strings become complete literals (`"..."` in HCL and YAML, `'...'` in shell), lists become
//! lists of escaped literals. A template therefore never writes quotes around `{{ ... }}`.

mod agent_config;
mod bundle;
mod cli;
mod cloudformation;
pub(crate) mod commands;
pub(crate) mod escape;
mod format;
mod init;
pub(crate) mod markdown;
mod plan_md;
mod terraform;
mod verify;

pub use bundle::{bundle, bundle_dirs, bundle_of_file};
pub use format::Format;

pub use agent_config::agent_config_markdown;
pub use cli::{cli_deploy, cli_destroy};
pub use cloudformation::cloudformation;
pub use init::init_yaml;
pub use plan_md::plan_markdown;
pub use terraform::{Shape as TerraformShape, terraform, terraform_files};
pub use verify::verify_script;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{
    AutoEscape, Environment, Error as TemplateError, ErrorKind, Output, State, Template,
    UndefinedBehavior,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{OnceLock, PoisonError, RwLock, RwLockReadGuard};

use crate::error::Error;
use crate::plan::Plan;

/// An embedded template: its name (the extension before `.j2` selects the escaper), its text,
/// and the templates it imports, which must be parsed before it.
struct EmbeddedTemplate {
    name: &'static str,
    source: &'static str,
    imports: &'static [&'static str],
}

macro_rules! embedded {
    ($name:literal $(, imports: [$($import:literal),*])?) => {
        EmbeddedTemplate {
            name: $name,
            source: include_str!(concat!("../../templates/", $name)),
            imports: &[$($($import),*)?],
        }
    };
}

/// The templates. Each is parsed on its first use, once per process.
const TEMPLATES: &[EmbeddedTemplate] = &[
    embedded!("terraform/header.tf.j2"),
    embedded!("terraform/versions.tf.j2"),
    embedded!("terraform/providers.tf.j2"),
    embedded!("terraform/variables.tf.j2"),
    embedded!(
        "terraform/main.tf.j2",
        imports: ["terraform/agents.tf.j2", "terraform/transit_gateway.tf.j2"]
    ),
    embedded!("terraform/agents.tf.j2"),
    embedded!("terraform/transit_gateway.tf.j2"),
    embedded!("terraform/moved.tf.j2"),
    embedded!("terraform/outputs.tf.j2"),
    embedded!("terraform/README.md.j2"),
    embedded!("cloudformation/stack.yaml.j2"),
    embedded!("cloudformation/companion.sh.j2", imports: ["cli/macros.sh.j2"]),
    embedded!("cloudformation/README.md.j2"),
    embedded!("cli/macros.sh.j2"),
    embedded!("cli/deploy.sh.j2", imports: ["cli/macros.sh.j2"]),
    embedded!("cli/destroy.sh.j2", imports: ["cli/macros.sh.j2"]),
    embedded!("plan/plan.md.j2"),
    embedded!("verify/verify.sh.j2", imports: ["cli/macros.sh.j2"]),
    embedded!("init/ddpl.yaml.j2"),
    embedded!("agent/agent-config.md.j2"),
];

/// How a template's output format quotes every value it interpolates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Escaper {
    /// HCL string literals (`"..."`, `${` and `%{` doubled).
    Hcl,
    /// YAML double-quoted scalars (also JSON strings).
    Yaml,
    /// Single-quoted shell words.
    Shell,
    /// Markdown text with its special characters escaped.
    Markdown,
}

impl Escaper {
    const ALL: [Escaper; 4] = [
        Escaper::Hcl,
        Escaper::Yaml,
        Escaper::Shell,
        Escaper::Markdown,
    ];

    /// The escaper of a template, from the extension before `.j2`; `None` for an extension
    /// no escaper serves (a test refuses such a template).
    pub(crate) fn for_template(name: &str) -> Option<Escaper> {
        let stem = name.strip_suffix(".j2")?;
        let extension = stem.rsplit_once('.')?.1;
        Some(match extension {
            "tf" | "hcl" => Escaper::Hcl,
            "yaml" | "yml" | "json" => Escaper::Yaml,
            "sh" => Escaper::Shell,
            "md" => Escaper::Markdown,
            _ => return None,
        })
    }

    /// Its name in minijinja's `AutoEscape::Custom`.
    fn name(self) -> &'static str {
        match self {
            Escaper::Hcl => "hcl",
            Escaper::Yaml => "yaml",
            Escaper::Shell => "shell",
            Escaper::Markdown => "markdown",
        }
    }

    fn from_name(name: &str) -> Option<Escaper> {
        Escaper::ALL.into_iter().find(|e| e.name() == name)
    }

    /// How a list is written: opening, separator, closing.
    fn list_delimiters(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Escaper::Shell => ("", " ", ""),
            Escaper::Markdown => ("", ", ", ""),
            Escaper::Hcl | Escaper::Yaml => ("[", ", ", "]"),
        }
    }

    fn push_string(self, out: &mut String, s: &str) {
        match self {
            Escaper::Hcl => escape::push_hcl_string(out, s),
            Escaper::Yaml => escape::push_yaml_string(out, s),
            Escaper::Shell => escape::push_shell_word(out, s),
            Escaper::Markdown => out.push_str(&markdown::text(s)),
        }
    }
}

/// The escaping a template's output format needs, from its file name (none for a name no
/// escaper serves, which only a template outside `TEMPLATES` can have).
fn escape_for(name: &str) -> AutoEscape {
    match Escaper::for_template(name) {
        Some(escaper) => AutoEscape::Custom(escaper.name().into()),
        None => AutoEscape::None,
    }
}

/// Writes one value as a literal of the current format.
fn write_literal(format: Escaper, value: &Value, out: &mut String) -> Result<(), TemplateError> {
    if value.is_undefined() || value.is_none() {
        return Err(TemplateError::new(
            ErrorKind::UndefinedError,
            "a missing value (none/undefined) was interpolated",
        ));
    }
    if let Some(s) = value.as_str() {
        format.push_string(out, s);
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
            let (open, sep, close) = format.list_delimiters();
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
        AutoEscape::Custom(name) if !value.is_safe() => {
            let format = Escaper::from_name(name).ok_or_else(|| {
                TemplateError::new(
                    ErrorKind::InvalidOperation,
                    format!("no escaper is named {name:?}"),
                )
            })?;
            // One buffer per thread, reused for every value: a large render interpolates
            // hundreds of thousands of them.
            thread_local!(static LITERAL: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) });
            LITERAL.with(|buffer| {
                let mut text = buffer.take();
                text.clear();
                let written = write_literal(format, value, &mut text).and_then(|()| {
                    out.write_str(&text)
                        .map_err(|e| TemplateError::new(ErrorKind::WriteFailure, e.to_string()))
                });
                buffer.replace(text);
                written
            })
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

/// `value|ornull`: HCL's `null` for a missing value, else the value (escaped as usual).
fn or_null_filter(value: Value) -> Value {
    if value.is_none() || value.is_undefined() {
        Value::from_safe_string("null".to_string())
    } else {
        value
    }
}

/// Pads `text` with spaces to `width` characters (for `terraform fmt` alignment).
fn pad_filter(text: String, width: usize) -> Value {
    let len = text.chars().count();
    Value::from_safe_string(" ".repeat(width.saturating_sub(len)))
}

/// `n|spaces`: `n` spaces (a padding the view computed).
fn spaces_filter(n: usize) -> Value {
    Value::from_safe_string(" ".repeat(n))
}

/// The environment without templates: syntax, escaping, filters and functions.
fn base_environment() -> Environment<'static> {
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
    env.add_filter("ornull", or_null_filter);
    env.add_filter("spaces", spaces_filter);
    env.add_filter("hcl", |s: String| {
        Value::from_safe_string(escape::hcl_string(&s))
    });
    env.add_filter("yaml", |s: String| {
        Value::from_safe_string(escape::yaml_string(&s))
    });
    env.add_filter("shell", |s: String| {
        Value::from_safe_string(escape::shell_word(&s))
    });
    // A line comment's text (`# ...` in shell, YAML, HCL): line breaks become spaces. Both a
    // filter (`x|comment`) and a function (`comment(x)`).
    let comment = |s: String| Value::from_safe_string(escape::comment_line(&s));
    env.add_filter("comment", comment);
    env.add_function("comment", comment);
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
    env
}

/// How many templates this process has parsed so far.
static TEMPLATE_PARSES: AtomicUsize = AtomicUsize::new(0);

/// The number of embedded templates.
pub fn template_count() -> usize {
    TEMPLATES.len()
}

/// How many times this process has parsed an embedded template: once per template rendered
/// (or imported) so far, `template_count()` once every template has been used, and never more
/// (tests and benchmarks check it).
pub fn template_parse_count() -> usize {
    TEMPLATE_PARSES.load(Ordering::Relaxed)
}

/// How many templates the process-wide environment holds: what `template_parse_count()` must
/// equal if each was parsed once.
pub fn templates_loaded() -> usize {
    read(environment()).templates().count()
}

/// The process-wide environment. Templates are added on first use under the write lock, so
/// a command parses only what it renders and no template is parsed twice, even when threads
/// render at once. (Not through a minijinja loader: it runs without a lock, so two threads
/// could each parse the same template.)
fn environment() -> &'static RwLock<Environment<'static>> {
    static ENV: OnceLock<RwLock<Environment<'static>>> = OnceLock::new();
    ENV.get_or_init(|| RwLock::new(base_environment()))
}

// A panic while a lock is held cannot leave the environment half-changed (`add_template`
// either adds a parsed template or nothing), so a poisoned lock is still usable.
fn read<'a>(env: &'a RwLock<Environment<'static>>) -> RwLockReadGuard<'a, Environment<'static>> {
    env.read().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `f` with the template `name`, parsing it (and what it imports) first if this process
/// has not yet.
fn with_template<R>(
    name: &str,
    f: impl FnOnce(&Template<'_, '_>) -> Result<R, TemplateError>,
) -> Result<R, Error> {
    let render_error = |e: TemplateError| Error::Render {
        template: name.to_string(),
        reason: {
            let mut text = format!("{e:#}");
            let mut source = std::error::Error::source(&e);
            while let Some(inner) = source {
                text.push_str(&format!("\ncaused by: {inner:#}"));
                source = inner.source();
            }
            text
        },
    };
    let env = environment();
    {
        let guard = read(env);
        if let Ok(template) = guard.get_template(name) {
            return f(&template).map_err(render_error);
        }
    }
    let embedded = |wanted: &str| {
        TEMPLATES
            .iter()
            .find(|t| t.name == wanted)
            .ok_or_else(|| Error::Render {
                template: name.to_string(),
                reason: format!("{wanted} is not an embedded template"),
            })
    };
    let template = embedded(name)?;
    {
        let mut guard = env.write().unwrap_or_else(PoisonError::into_inner);
        for wanted in template.imports.iter().copied().chain([template.name]) {
            // Another thread may have added it between the two locks.
            if guard.get_template(wanted).is_ok() {
                continue;
            }
            let source = embedded(wanted)?.source;
            TEMPLATE_PARSES.fetch_add(1, Ordering::Relaxed);
            guard.add_template(wanted, source).map_err(render_error)?;
        }
    }
    let guard = read(env);
    let template = guard.get_template(name).map_err(render_error)?;
    f(&template).map_err(render_error)
}

/// Renders one template with the plan (and optional extra context) as its context.
pub(crate) fn render(template: &str, plan: &Plan, extra: Value) -> Result<String, Error> {
    render_value(template, &plan_value(plan), extra)
}

/// The plan as a template value; a renderer that renders several templates converts it once.
pub(crate) fn plan_value(plan: &Plan) -> Value {
    value(plan)
}

/// Any plan or view as a template value.
pub(crate) fn value<T: serde::Serialize>(item: &T) -> Value {
    Value::from(Serde(item))
}

/// `render` with the plan already converted by `plan_value`.
pub(crate) fn render_value(template: &str, plan: &Value, extra: Value) -> Result<String, Error> {
    let ctx = minijinja::context! { plan => plan.clone(), ..extra };
    render_context(template, ctx)
}

/// Renders one template with any context.
pub(crate) fn render_context(template: &str, ctx: Value) -> Result<String, Error> {
    with_template(template, |t| t.render(ctx))
}

/// A rendered file: its name (for `-o DIR`) and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    pub name: String,
    pub contents: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template whose extension no escaper serves would interpolate user text unescaped.
    #[test]
    fn every_template_has_an_escaper() {
        for template in TEMPLATES {
            assert!(
                Escaper::for_template(template.name).is_some(),
                "{}: no escaper for its extension (add one to Escaper::for_template)",
                template.name
            );
            for import in template.imports {
                assert!(
                    TEMPLATES.iter().any(|t| t.name == *import),
                    "{} imports {import}, which is not embedded",
                    template.name
                );
            }
        }
        assert_eq!(Escaper::for_template("notes.txt.j2"), None);
        assert_eq!(Escaper::for_template("main.tf"), None);
        assert_eq!(Escaper::for_template("x.tf.j2"), Some(Escaper::Hcl));
    }

    /// Every file under templates/ is embedded (a template left out would never be checked).
    #[test]
    fn every_template_file_is_embedded() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        for dir in std::fs::read_dir(&root).expect("templates/") {
            let dir = dir.expect("entry").path();
            for file in std::fs::read_dir(&dir).expect("a template directory") {
                let file = file.expect("entry").path();
                let name = file.strip_prefix(&root).expect("under templates/");
                files.push(name.to_string_lossy().replace('\\', "/"));
            }
        }
        files.sort();
        let mut embedded: Vec<String> = TEMPLATES.iter().map(|t| t.name.to_string()).collect();
        embedded.sort();
        assert_eq!(files, embedded);
    }

    /// A value the view lacks is an error wherever a template reads it, never a blank.
    #[test]
    fn a_missing_value_is_an_error() {
        let mut env = base_environment();
        for (name, source) in [
            ("interpolated.sh.j2", "{{ view.missing }}"),
            ("tested.sh.j2", "{% if view.missing %}x{% endif %}"),
            (
                "looped.sh.j2",
                "{% for x in view.missing %}{{ x }}{% endfor %}",
            ),
            ("none.sh.j2", "{{ view.none }}"),
        ] {
            env.add_template(name, source).unwrap();
            let ctx =
                minijinja::context! { view => minijinja::context! { present => 1, none => () } };
            let result = env.get_template(name).unwrap().render(ctx);
            assert!(result.is_err(), "{name}: {result:?}");
        }
    }

    #[test]
    fn escapers_round_trip_their_names() {
        for escaper in Escaper::ALL {
            assert_eq!(Escaper::from_name(escaper.name()), Some(escaper));
        }
    }
}
