//! The user's input: the topology format v1 (README, "The topology format"), read from YAML or JSON.
//!
//! Loading is the first two steps of the flow: text -> document (syntax) -> schema check ->
//! typed `Topology`. The semantic rules live in `validate`.

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cell::RefCell;
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
    TransitGateway,
}

impl Kind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [Kind; 4] = [
        Kind::SameRegion,
        Kind::CrossRegion,
        Kind::Peering,
        Kind::TransitGateway,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SameRegion => "same-region",
            Kind::CrossRegion => "cross-region",
            Kind::Peering => "peering",
            Kind::TransitGateway => "transit-gateway",
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
    /// Customer-facing host names to serve (selection by host, README "The catalog").
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Sorted, so that the order of keys in the input never changes the output.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub secrets_manager_endpoint: bool,
    pub endpoint_vpc: EndpointVpc,
    #[serde(default)]
    pub agent_vpcs: Vec<AgentVpc>,
    /// transit-gateway: the peering attachments between the endpoint VPC's Transit Gateway and
    /// the Transit Gateways of agent VPCs in other regions.
    #[serde(default)]
    pub transit_gateway_peerings: Vec<TransitGatewayPeering>,
}

/// The peering attachment between the endpoint VPC's Transit Gateway and another's: an
/// existing one, or (without `attachment_id`) one ddpl-gen requests and accepts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayPeering {
    /// The other (agent VPCs') Transit Gateway.
    pub transit_gateway_id: String,
    #[serde(default)]
    pub attachment_id: Option<String>,
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
    /// transit-gateway: the Transit Gateway the VPC is attached to.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// transit-gateway: the VPC's existing attachment (else one is created in `subnet_ids`).
    #[serde(default)]
    pub transit_gateway_attachment_id: Option<String>,
    /// transit-gateway: the Transit Gateway route table that gets a static route to the other
    /// side's CIDR.
    #[serde(default)]
    pub transit_gateway_route_table_id: Option<String>,
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
    /// transit-gateway: the Transit Gateway the VPC is attached to.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// transit-gateway: the VPC's existing attachment (else one is created in `subnet_ids`).
    #[serde(default)]
    pub transit_gateway_attachment_id: Option<String>,
    /// transit-gateway: the Transit Gateway route table that gets a static route to the other
    /// side's CIDR.
    #[serde(default)]
    pub transit_gateway_route_table_id: Option<String>,
}

/// Parses YAML or JSON text (JSON when it starts with `{`) into a document.
/// Syntax errors carry line and column; a repeated key is named by its field path.
pub fn parse_document(text: &str) -> Result<Value, Problem> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(Problem::new(
            "",
            // The command line reads at most one byte past the limit, so the real size is
            // unknown here: say only that it is over.
            format!("the input is larger than the limit of {MAX_INPUT_BYTES} bytes (1 MiB)"),
        ));
    }
    let unmarked = text.trim_start_matches('\u{feff}');
    let trimmed = unmarked.trim();
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
    // The parsers see `trimmed`; lines and columns are given in the text as the user wrote it.
    let skipped = Skipped::new(&unmarked[..unmarked.len() - unmarked.trim_start().len()]);
    let walk = Walk::default();
    let problem = |syntax: &str, at: Option<(usize, usize)>, message: String| {
        let at = at
            .map(|(line, column)| {
                let (line, column) = skipped.shift(line, column, syntax == "JSON");
                format!(" at line {line}, column {column}")
            })
            .unwrap_or_default();
        match walk.duplicate.take() {
            Some(duplicate) => Problem::new(
                duplicate.path(),
                format!("{syntax} syntax error{at}: {}", duplicate.message),
            ),
            None => Problem::new("", format!("{syntax} syntax error{at}: {message}")),
        }
    };
    if trimmed.starts_with('{') {
        let mut de = serde_json::Deserializer::from_str(trimmed);
        DocumentSeed(&walk)
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| {
                let mut at = (e.line(), e.column());
                if walk.duplicate.borrow().is_some() {
                    // serde_json stops at the closing quote of the repeated key.
                    at = json_key_start(trimmed, at);
                }
                problem("JSON", Some(at), strip_location(&e.to_string()))
            })
    } else {
        DocumentSeed(&walk)
            .deserialize(serde_yaml_ng::Deserializer::from_str(trimmed))
            .map_err(|e| {
                let at = e.location().map(|l| (l.line(), l.column()));
                problem("YAML", at, strip_location(&e.to_string()))
            })
    }
}

/// The blank text before the part of the input the parsers see (after a byte order mark).
struct Skipped {
    /// Line breaks skipped.
    lines: usize,
    /// Characters and bytes skipped on the first line the parsers see.
    chars: usize,
    bytes: usize,
}

impl Skipped {
    fn new(blank: &str) -> Self {
        let last = blank.rsplit('\n').next().unwrap_or(blank);
        Skipped {
            lines: blank.matches('\n').count(),
            chars: last.chars().count(),
            bytes: last.len(),
        }
    }

    /// A 1-based line and column of the parsed text, as line and column of the input. YAML
    /// counts columns in characters, JSON in bytes.
    fn shift(&self, line: usize, column: usize, in_bytes: bool) -> (usize, usize) {
        if line == 1 {
            let skipped = if in_bytes { self.bytes } else { self.chars };
            (1 + self.lines, column + skipped)
        } else {
            (line + self.lines, column)
        }
    }
}

/// serde_json reports a repeated key at its closing quote (1-based line, byte column): move
/// to its opening quote. A JSON string holds no raw line break, so both are on that line.
fn json_key_start(text: &str, (line, column): (usize, usize)) -> (usize, usize) {
    let Some(bytes) = text
        .split('\n')
        .nth(line.wrapping_sub(1))
        .map(str::as_bytes)
    else {
        return (line, column);
    };
    let Some(close) = column
        .checked_sub(1)
        .filter(|&i| bytes.get(i) == Some(&b'"'))
    else {
        return (line, column);
    };
    // The opening quote is the nearest quote before it that no backslash escapes.
    let escaped = |i: usize| bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1;
    match (0..close).rev().find(|&i| bytes[i] == b'"' && !escaped(i)) {
        Some(open) => (line, open + 1),
        None => (line, column),
    }
}

/// The state of one parse: the repeated key that stopped it, if any (the parser's own error
/// carries only a message and a location).
#[derive(Default)]
struct Walk {
    duplicate: RefCell<Option<Duplicate>>,
}

enum Segment {
    Key(String),
    Index(usize),
}

/// A repeated key. Its path is collected while the error travels back up through the mappings
/// and lists around it, so a parse that succeeds pays nothing for it.
struct Duplicate {
    /// From the repeated key outwards.
    segments: Vec<Segment>,
    message: String,
}

impl Walk {
    /// Adds the mapping key or list index the parser was in to a duplicate's path (called on
    /// the way out of an error; nothing when the error is not a duplicate).
    fn enclosed_by(&self, segment: impl FnOnce() -> Segment) {
        if let Some(duplicate) = self.duplicate.borrow_mut().as_mut() {
            duplicate.segments.push(segment());
        }
    }
}

impl Duplicate {
    /// The field path of the repeated key (`agent_vpcs[1].cidr`).
    fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.segments.iter().rev() {
            match segment {
                Segment::Key(key) => crate::error::push_key(&mut path, key),
                Segment::Index(index) => crate::error::push_index(&mut path, *index),
            }
        }
        path
    }
}

/// Reads a document as a JSON value, with a mapping's keys unique: a repeated key is an error
/// (serde_json::Value would keep the last one, so the order of keys would decide).
#[derive(Clone, Copy)]
struct DocumentSeed<'w>(&'w Walk);

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_> {
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
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let index = items.len();
            match seq.next_element_seed(self) {
                Ok(Some(v)) => items.push(v),
                Ok(None) => return Ok(Value::Array(items)),
                Err(e) => {
                    self.0.enclosed_by(|| Segment::Index(index));
                    return Err(e);
                }
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key_seed(KeySeed {
            walk: self.0,
            seen: &out,
        })? {
            match map.next_value_seed(self) {
                Ok(value) => {
                    out.insert(key, value);
                }
                Err(e) => {
                    self.0.enclosed_by(|| Segment::Key(key));
                    return Err(e);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Reads a mapping's key (as `String` would) and refuses one already in `seen`. The error is
/// raised while the parser stands on the key, so its location is the repeated key's.
struct KeySeed<'a> {
    walk: &'a Walk,
    seen: &'a serde_json::Map<String, Value>,
}

impl KeySeed<'_> {
    fn check<E: serde::de::Error>(self, key: String) -> Result<String, E> {
        if !self.seen.contains_key(&key) {
            return Ok(key);
        }
        let message = format!("duplicate key {key:?}: each key may appear once in a mapping");
        *self.walk.duplicate.borrow_mut() = Some(Duplicate {
            segments: vec![Segment::Key(key)],
            message: message.clone(),
        });
        Err(E::custom(message))
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        self.check(v.to_string())
    }
    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
        self.check(v)
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<String, E> {
        match std::str::from_utf8(v) {
            Ok(s) => self.check(s.to_string()),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
        }
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
/// `source_name` names the input in the error (a path, or `standard input`).
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
    fn a_duplicate_key_is_named_by_its_path_and_place() {
        let cases = [
            (
                "version: 1\nendpoint_vpc:\n  region: a\n  cidr: x\n  region: b\n",
                "endpoint_vpc.region",
                "YAML syntax error at line 5, column 3: duplicate key \"region\"",
            ),
            (
                "agent_vpcs:\n  - name: a\n  - name: b\n    cidr: x\n    cidr: y\n",
                "agent_vpcs[1].cidr",
                "YAML syntax error at line 5, column 5: duplicate key \"cidr\"",
            ),
            (
                "a: [{b: 1}, {c: {d: 1, d: 2}}]",
                "a[1].c.d",
                "YAML syntax error at line 1, column 24: duplicate key \"d\"",
            ),
            (
                "- x: 1\n  x: 2\n",
                "[0].x",
                "YAML syntax error at line 2, column 3: duplicate key \"x\"",
            ),
            (
                "{\"agent_vpcs\": [{}, {\"cidr\": \"x\",\n  \"cidr\": \"y\"}]}",
                "agent_vpcs[1].cidr",
                "JSON syntax error at line 2, column 3: duplicate key \"cidr\"",
            ),
            // An escaped quote in the key: the column is still its opening quote.
            (
                r#"{"k\"\\": 1, "k\"\\": 2}"#,
                r#"k"\"#,
                "JSON syntax error at line 1, column 14: duplicate key",
            ),
        ];
        for (text, path, message) in cases {
            let p = parse_document(text).unwrap_err();
            assert_eq!(p.path, path, "{text}: {p}");
            assert!(p.message.starts_with(message), "{text}: {p}");
        }
        // The same key in two mappings, or in two list items, is no duplicate.
        assert!(parse_document("a: {k: 1}\nb: {k: 1}\nc: [{k: 1}, {k: 2}]").is_ok());
    }

    #[test]
    fn locations_count_the_blank_text_before_the_document() {
        let p = parse_document("\u{feff}\n\n  \n  [{a: 1, a: 2}]\n").unwrap_err();
        assert_eq!(p.path, "[0].a");
        assert!(p.message.contains("at line 4, column 11:"), "{p}");
        let p = parse_document("\n\n   {\"a\": 1,}").unwrap_err();
        assert!(
            p.message
                .starts_with("JSON syntax error at line 3, column 12:"),
            "{p}"
        );
        let p = parse_document("\r\n\r\nversion: 1\nname: [a\n").unwrap_err();
        assert!(p.message.contains("at line 5, column 1:"), "{p}");
    }

    #[test]
    fn non_mapping_is_refused_by_name() {
        let e = load("just words", "t.yaml").unwrap_err();
        assert!(e.to_string().contains("plain string"), "{e}");
    }
}
