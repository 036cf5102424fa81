//! The user's input: the topology format v1 (DESIGN.md), read from YAML or JSON.
//!
//! Loading is the first two steps of the flow: text -> document (syntax) -> schema check ->
//! typed `Topology`. The semantic rules live in `validate`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::error::{Error, Problem};

/// Inputs larger than this are refused before parsing, so a huge file cannot hang the tool.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    SameRegion,
    CrossRegion,
    Peering,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SameRegion => "same-region",
            Kind::CrossRegion => "cross-region",
            Kind::Peering => "peering",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    pub version: u32,
    pub name: String,
    pub site: String,
    pub kind: Kind,
    #[serde(default)]
    pub services: Option<Vec<String>>,
    /// Sorted, so that the order of keys in the input never changes the output.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub secrets_manager_endpoint: bool,
    pub endpoint_vpc: EndpointVpc,
    #[serde(default)]
    pub agent_vpcs: Vec<AgentVpc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointVpc {
    pub vpc_id: String,
    pub region: String,
    pub cidr: String,
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub allowed_cidrs: Vec<String>,
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentVpc {
    pub name: String,
    pub vpc_id: String,
    pub region: String,
    pub cidr: String,
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub role_arn: Option<String>,
}

/// Parses YAML or JSON text (JSON when it starts with `{`) into a document.
/// Syntax errors carry line and column.
pub fn parse_document(text: &str) -> Result<Value, Problem> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Problem::new(
            "",
            // The command line reads at most one byte past the limit, so the real size is
            // unknown here: say only that it is over.
            format!("the input is larger than the limit of {MAX_INPUT_BYTES} bytes (1 MiB)"),
        ));
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(Problem::new(
            "",
            "the input is empty; a topology needs version, name, site, kind and endpoint_vpc \
             (`ddpl-gen init` writes one)",
        ));
    }
    if !trimmed.starts_with('{') && flow_depth_exceeds(trimmed, MAX_FLOW_DEPTH) {
        return Err(Problem::new(
            "",
            format!(
                "YAML lists and mappings ([ and {{) nested more than {MAX_FLOW_DEPTH} levels deep; \
                 a topology needs 4"
            ),
        ));
    }
    if trimmed.starts_with('{') {
        serde_json::from_str::<Document>(trimmed)
            .map(|d| d.0)
            .map_err(|e| {
                Problem::new(
                    "",
                    format!(
                        "JSON syntax error at line {}, column {}: {}",
                        e.line(),
                        e.column(),
                        strip_location(&e.to_string())
                    ),
                )
            })
    } else {
        serde_yaml_ng::from_str::<Document>(trimmed)
            .map(|d| d.0)
            .map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
                    .unwrap_or_default();
                Problem::new(
                    "",
                    format!("YAML syntax error{at}: {}", strip_location(&e.to_string())),
                )
            })
    }
}

/// A parsed document, as a JSON value, with a mapping's keys unique: a repeated key is an
/// error (serde_json::Value would keep the last one, so the order of keys would decide).
struct Document(Value);

impl<'de> serde::Deserialize<'de> for Document {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DocumentVisitor).map(Document)
    }
}

struct DocumentVisitor;

impl<'de> serde::de::Visitor<'de> for DocumentVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a YAML or JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Document::deserialize(d).map(|d| d.0)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Document(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate key {key:?}: each key may appear once in a mapping"
                )));
            }
            let Document(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Flow collections (`[`, `{`) nested deeper than this are refused before the YAML parser
/// sees them: its scanner costs O(size x flow depth), so 1 MiB of `[` would take minutes.
/// (It refuses more than 128 levels anyway; the slack keeps odd but valid text, such as `[`
/// at the start of the lines of a block scalar, from being counted against a topology.)
const MAX_FLOW_DEPTH: usize = 1000;

/// True when the flow collections of YAML `text` nest deeper than `limit`. A quick scan, not a
/// parser: it skips quoted scalars and comments; outside a flow collection it counts `[` and
/// `{` that start a value (first on a line, or after `: `, `- `, `? `), inside one every `[`
/// and `{`; `]` and `}` close one. Brackets inside plain scalars may be miscounted, which
/// the generous limit absorbs.
fn flow_depth_exceeds(text: &str, limit: usize) -> bool {
    let mut depth = 0usize;
    // The last character on this line that is not blank; None at the start of a line.
    let mut prev: Option<char> = None;
    // The character before this one was blank (or a line break).
    let mut blank_before = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let value_start = match prev {
            None => true,
            Some('[' | '{' | ',') => depth > 0,
            Some(':' | '-' | '?') => blank_before || depth > 0,
            _ => false,
        };
        match c {
            '\n' | '\r' => {
                prev = None;
                blank_before = true;
                continue;
            }
            ' ' | '\t' => {
                blank_before = true;
                continue;
            }
            '#' if blank_before => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                prev = None;
                continue;
            }
            '"' if value_start => {
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' if value_start => {
                while let Some(c) = chars.next() {
                    if c == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '[' | '{' if depth > 0 || value_start => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            ']' | '}' if depth > 0 => depth -= 1,
            _ => {}
        }
        prev = Some(c);
        blank_before = false;
    }
    false
}

/// Drops the " at line X column Y" suffix both parsers append, since we print our own.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Reads a topology from text: syntax, then the JSON Schema, then the typed form.
/// `source_name` names the input in the error (a path, or `<stdin>`).
pub fn load(text: &str, source_name: &str) -> Result<Topology, Error> {
    let invalid = |problems| Error::Invalid {
        source_name: source_name.to_string(),
        problems,
    };
    let doc = parse_document(text).map_err(|p| invalid(vec![p]))?;
    if !doc.is_object() {
        return Err(invalid(vec![Problem::new(
            "",
            format!(
                "expected a mapping with version, name, site, kind and endpoint_vpc; found {}",
                describe(&doc)
            ),
        )]));
    }
    let problems = crate::schema::check_topology(&doc);
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    serde_json::from_value(doc).map_err(|e| invalid(vec![Problem::new("", e.to_string())]))
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a plain string (is this file YAML or JSON?)",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_syntax_error_has_line_and_column() {
        let p = parse_document("version: 1\nname: [a\n").unwrap_err();
        assert!(
            p.message.contains("YAML syntax error at line"),
            "{}",
            p.message
        );
        assert!(p.message.contains("column"), "{}", p.message);
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let p = parse_document("{\n \"version\": 1,\n}").unwrap_err();
        assert!(
            p.message.starts_with("JSON syntax error at line 3"),
            "{}",
            p.message
        );
    }

    #[test]
    fn empty_and_oversized_inputs_are_refused() {
        assert!(parse_document(" \n").unwrap_err().message.contains("empty"));
        let big = "a".repeat(MAX_INPUT_BYTES + 1);
        assert!(parse_document(&big).unwrap_err().message.contains("limit"));
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        for deep in [
            "[".repeat(2000),
            format!("a: {}", "[".repeat(1001)),
            format!("a: &x {}", "{a: ".repeat(1002)),
            format!("- {}", "[a, ".repeat(1001)),
        ] {
            let p = parse_document(&deep).unwrap_err();
            assert!(p.message.contains("nested more than 1000"), "{}", p.message);
        }
        // Brackets in quoted scalars, comments and plain scalars are not nesting.
        let quoted = "[".repeat(127);
        let mut text = String::new();
        for i in 0..20 {
            text.push_str(&format!(
                "k{i}: '{quoted}'\nq{i}: \"{quoted}\\\"\"\n# {quoted}\np{i}: a{quoted}\n"
            ));
        }
        assert!(!flow_depth_exceeds(&text, MAX_FLOW_DEPTH), "{text}");
        assert!(parse_document(&text).is_ok());
    }

    #[test]
    fn duplicate_keys_are_refused_in_yaml_and_json() {
        let p = parse_document("version: 1\nname: a-b\nname: c-d\n").unwrap_err();
        assert!(
            p.message.contains("duplicate key \"name\""),
            "{}",
            p.message
        );
        let p = parse_document(r#"{"tags": {"a": "1", "a": "2"}}"#).unwrap_err();
        assert!(p.message.contains("duplicate key \"a\""), "{}", p.message);
        let v = parse_document("a: [1, -2, 1.5, true, null, ~, x]\nb: {c: d}").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": [1, -2, 1.5, true, null, null, "x"], "b": {"c": "d"}})
        );
    }

    #[test]
    fn non_mapping_is_refused_by_name() {
        let e = load("just words", "t.yaml").unwrap_err();
        assert!(e.to_string().contains("plain string"), "{e}");
    }
}
