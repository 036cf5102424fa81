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
            format!(
                "input is {} bytes; the limit is {} bytes (1 MiB)",
                text.len(),
                MAX_INPUT_BYTES
            ),
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
    if trimmed.starts_with('{') {
        serde_json::from_str(trimmed).map_err(|e| {
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
        serde_yaml_ng::from_str::<Value>(trimmed).map_err(|e| {
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
    fn non_mapping_is_refused_by_name() {
        let e = load("just words", "t.yaml").unwrap_err();
        assert!(e.to_string().contains("plain string"), "{e}");
    }
}
