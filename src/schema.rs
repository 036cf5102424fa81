//! The first gate: the published JSON Schemas, with their errors turned into `Problem`s that
//! name the field and say what would be valid.
//!
//! The topology schema is compiled into Rust at build time (jsonschema's `validator` macro reads
//! `schemas/topology.schema.json`): compiling it at run time cost more than the rest of a small
//! `terraform` run together. The catalog schema, needed only for `--catalog FILE`, is compiled on
//! first use.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Validator};
use regex_automata::dfa::Automaton as _;
use regex_automata::dfa::dense::DFA;
use regex_automata::{Anchored, Input};
use serde_json::Value;
use std::sync::OnceLock;

use crate::error::{Problem, push_index, push_key};

/// The topology schema, as `ddpl-gen schema` prints it.
pub const TOPOLOGY_SCHEMA: &str = include_str!("../schemas/topology.schema.json");
/// The catalog schema, for `--catalog FILE`.
pub const CATALOG_SCHEMA: &str = include_str!("../schemas/catalog.schema.json");

fn compile(schema: &Value) -> Validator {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("aws-tag", is_aws_tag_text)
        .with_format("aws-profile", is_aws_profile_name)
        .build(schema)
        .expect("embedded schema compiles")
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("embedded schema is JSON")
}

/// The topology schema as a document: compiled into the validator, and read for the list of
/// valid fields in unknown-field messages.
fn topology_schema() -> &'static Value {
    static S: OnceLock<Value> = OnceLock::new();
    S.get_or_init(|| parse(TOPOLOGY_SCHEMA))
}

// `TopologyValidator`: the topology schema compiled into Rust at build time, with each of its
// patterns checked by a DFA that build.rs compiled (see build.rs); `TOPOLOGY_SCHEMA` is the
// same file with the patterns as written.
include!(concat!(env!("OUT_DIR"), "/topology_validator.rs"));

/// The bytes of a serialized DFA, which must be 4-byte aligned to be read in place.
#[repr(C)]
pub struct Aligned<Bytes: ?Sized> {
    pub _align: [u32; 0],
    pub bytes: Bytes,
}

/// A DFA that build.rs compiled from one of the schema's patterns. Reading it checks its
/// bytes once (a few hundred bytes per pattern); a search is a walk of its table.
pub struct EmbeddedDfa {
    bytes: &'static [u8],
    dfa: OnceLock<DFA<&'static [u32]>>,
}

impl EmbeddedDfa {
    pub const fn new(bytes: &'static [u8]) -> Self {
        Self {
            bytes,
            dfa: OnceLock::new(),
        }
    }

    /// Whether the whole of `text` matches (the patterns are anchored at both ends).
    pub fn is_match(&self, text: &str) -> bool {
        let dfa = self.dfa.get_or_init(|| {
            DFA::from_bytes(self.bytes)
                .expect("build.rs serialized this DFA for this target")
                .0
        });
        let input = Input::new(text).anchored(Anchored::Yes);
        dfa.try_search_fwd(&input)
            .expect("a DFA without quit bytes or a size limit cannot fail")
            .is_some()
    }
}

/// The `aws-profile` format: no ASCII control character (U+0000 to U+001F, U+007F). A format
/// rather than the `pattern` `^[^\x00-\x1f\x7f]+$`, whose regex (a class of all of Unicode
/// but 33 characters) cost about a third of a small run's page faults to compile.
pub fn is_aws_profile_name(text: &str) -> bool {
    !text.chars().any(|c| c <= '\u{1f}' || c == '\u{7f}')
}

/// The `aws-tag` format of tag keys and values: Unicode letters and digits, space separators,
/// and `_ . : / = + - @` (AWS's tag rule). A format, not a `pattern`: compiling the regex of
/// this Unicode class cost 2.6 M instructions per process. build.rs writes the class's ranges
/// (from `regex-syntax`'s tables) as a table; a check is a binary search of it.
pub fn is_aws_tag_text(text: &str) -> bool {
    const AWS_TAG_RANGES: &[(char, char)] =
        &include!(concat!(env!("OUT_DIR"), "/aws_tag_ranges.rs"));
    text.chars().all(|c| {
        AWS_TAG_RANGES
            .binary_search_by(|&(start, end)| {
                if end < c {
                    std::cmp::Ordering::Less
                } else if start > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    })
}

fn catalog_validator() -> &'static Validator {
    static V: OnceLock<Validator> = OnceLock::new();
    V.get_or_init(|| compile(&parse(CATALOG_SCHEMA)))
}

/// Checks a topology document; every violation is returned, in the schema's order.
pub fn check_topology(doc: &Value) -> Vec<Problem> {
    problems(TopologyValidator::iter_errors(doc), doc)
}

/// Checks a catalog document.
pub fn check_catalog(doc: &Value) -> Vec<Problem> {
    collect(catalog_validator(), doc)
}

fn collect(validator: &Validator, doc: &Value) -> Vec<Problem> {
    problems(validator.iter_errors(doc), doc)
}

fn problems(errors: jsonschema::ErrorIterator<'_>, doc: &Value) -> Vec<Problem> {
    let mut problems: Vec<Problem> = errors
        .map(|e| {
            let pointer = e.instance_path().as_str();
            let path = pointer_to_path(pointer, doc);
            // A `propertyNames` failure is reported at the object with the key as instance.
            match (doc.pointer(pointer), e.instance().as_ref()) {
                (Some(Value::Object(_)), Value::String(key)) => tag_key_problem(&path, key),
                _ => to_problem(path, e.kind(), e.instance()),
            }
        })
        .collect();
    problems.dedup();
    problems
}

/// `/agent_vpcs/1/cidr` -> `agent_vpcs[1].cidr`. A segment is an index only where `doc` has
/// a list: the tag key `"0"` stays `tags.0`.
pub fn pointer_to_path(pointer: &str, doc: &Value) -> String {
    let mut out = String::new();
    let mut at = Some(doc);
    for raw in pointer.split('/').skip(1) {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let index = match at {
            Some(Value::Array(items)) => segment.parse::<usize>().ok().filter(|i| *i < items.len()),
            _ => None,
        };
        at = match (at, index) {
            (Some(Value::Array(items)), Some(i)) => items.get(i),
            (Some(Value::Object(map)), _) => map.get(&segment),
            _ => None,
        };
        match index {
            Some(i) if !out.is_empty() => push_index(&mut out, i),
            _ => push_key(&mut out, &segment),
        }
    }
    out
}

fn field_name(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// What a valid value of a field looks like, for messages.
fn expectation(path: &str) -> Option<&'static str> {
    let field = field_name(path);
    if path.starts_with("tags.") {
        return Some("a string of at most 256 letters, digits, spaces and _ . : / = + - @");
    }
    Some(match field {
        "name" if path == "name" => {
            "2 to 32 characters: lowercase letters, digits and '-', starting with a letter, not ending with '-' (e.g. acme-prod)"
        }
        "name" => {
            "lowercase letters, digits and '-', starting with a letter, at most 32 (e.g. eu-prod)"
        }
        "vpc_id" => "a VPC id such as vpc-0123456789abcdef0",
        "subnet_ids" => "subnet ids such as subnet-0123456789abcdef0",
        "security_group_ids" => "security group ids such as sg-0123456789abcdef0",
        "route_table_ids" => "route table ids such as rtb-0123456789abcdef0",
        "region" => "an AWS region such as us-east-1",
        "cidr" | "allowed_cidrs" => "an IPv4 CIDR block such as 10.0.0.0/16",
        "account_id" => "a 12-digit AWS account id in quotes, such as \"111111111111\"",
        "role_arn" => "an IAM role ARN such as arn:aws:iam::111111111111:role/deploy",
        "profile" => {
            "an AWS CLI profile name of 1 to 128 characters, none of them an ASCII control character (U+0000 to U+001F, U+007F)"
        }
        "services" => "service keys such as metrics, logs-agent, otlp, or \"all\"",
        "hosts" => "host names such as otlp.datadoghq.com (ddpl-gen services --host NAME)",
        "site" => "a Datadog site: us1, ap1, ap2 or uk1",
        "kind" => "one of same-region, cross-region, peering",
        _ => return None,
    })
}

fn quote(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn type_name(kind: &TypeKind) -> String {
    match kind {
        TypeKind::Single(t) => t.to_string(),
        TypeKind::Multiple(set) => set
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn to_problem(path: String, kind: &ValidationErrorKind, instance: &Value) -> Problem {
    let valid = expectation(&path)
        .map(|e| format!("; expected {e}"))
        .unwrap_or_default();
    let message = match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let (shown, known) = known_fields(&path);
            return Problem::new(
                join_path(&path, &unexpected[0]),
                format!(
                    "unknown field {}{}; {shown}: {known}",
                    quote(&Value::String(unexpected[0].clone())),
                    if unexpected.len() > 1 {
                        format!(" (and {})", unexpected[1..].join(", "))
                    } else {
                        String::new()
                    }
                ),
            );
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let field = join_path(&path, name);
            let valid = expectation(&field)
                .map(|e| format!(" ({e})"))
                .unwrap_or_default();
            return Problem::new(field, format!("required field is missing{valid}"));
        }
        ValidationErrorKind::Type { kind } => {
            format!(
                "expected {}, found {} {}{valid}",
                type_name(kind),
                json_type(instance),
                quote(instance)
            )
        }
        ValidationErrorKind::Enum { options } => {
            format!("{} is not one of {}", quote(instance), options)
        }
        ValidationErrorKind::Constant { expected_value } => {
            format!(
                "{} is not supported; expected {}",
                quote(instance),
                expected_value
            )
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
            format!("invalid value {}{valid}", quote(instance))
        }
        ValidationErrorKind::PropertyNames { error } => {
            return tag_key_problem(&path, error.instance().as_str().unwrap_or_default());
        }
        ValidationErrorKind::MinItems { limit } => {
            format!("needs at least {limit} item(s){valid}")
        }
        ValidationErrorKind::MaxItems { limit } => {
            format!("too many items: at most {limit} are accepted")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("too many entries: at most {limit} are accepted")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("too short: at least {limit} character(s){valid}")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("too long: at most {limit} characters{valid}")
        }
        ValidationErrorKind::UniqueItems => {
            "items must be unique; remove the duplicate".to_string()
        }
        other => format!("{} is not valid ({other:?}){valid}", quote(instance)),
    };
    Problem::new(path, message)
}

/// The only object with `propertyNames` in the schema is `tags`.
fn tag_key_problem(path: &str, key: &str) -> Problem {
    Problem::new(
        join_path(path, key),
        "invalid tag key: expected 1 to 128 letters, digits, spaces and _ . : / = + - @"
            .to_string(),
    )
}

fn join_path(parent: &str, child: &str) -> String {
    let mut path = parent.to_string();
    push_key(&mut path, child);
    path
}

/// The fields allowed where an unknown one was found, for "did you mean" style messages.
fn known_fields(path: &str) -> (&'static str, String) {
    let schema = topology_schema();
    let def = if path.is_empty() {
        Some(schema)
    } else if path == "endpoint_vpc" {
        schema.pointer("/$defs/endpoint_vpc")
    } else if path.starts_with("agent_vpcs[") {
        schema.pointer("/$defs/agent_vpc")
    } else {
        None
    };
    let names = def
        .and_then(|d| d.get("properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    ("valid fields", names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_becomes_dotted_path() {
        let doc = serde_json::json!({
            "agent_vpcs": [{}, {"cidr": "x"}],
            "tags": {"a/b": "c", "0": "d"}
        });
        assert_eq!(
            pointer_to_path("/agent_vpcs/1/cidr", &doc),
            "agent_vpcs[1].cidr"
        );
        assert_eq!(pointer_to_path("/tags/a~1b", &doc), "tags.a/b");
        assert_eq!(pointer_to_path("/tags/0", &doc), "tags.0");
        assert_eq!(pointer_to_path("", &doc), "");
    }

    #[test]
    fn formats_accept_exactly_what_the_former_patterns_did() {
        // Every Unicode scalar value, against the regular expressions the formats replace.
        let tag = regex::Regex::new(r"^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$").unwrap();
        let profile = regex::Regex::new(r"^[^\x00-\x1f\x7f]+$").unwrap();
        let mut text = String::new();
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            text.clear();
            text.push('a');
            text.push(c);
            assert_eq!(is_aws_tag_text(&text), tag.is_match(&text), "{c:?}");
            assert_eq!(is_aws_profile_name(&text), profile.is_match(&text), "{c:?}");
        }
        assert!(is_aws_tag_text(""));
    }

    #[test]
    fn catalog_schema_compiles() {
        let _ = catalog_validator();
    }

    /// The build-time validator (patterns as DFAs) and one compiled at run time from
    /// `TOPOLOGY_SCHEMA` (patterns as regular expressions) report the same problems, so the
    /// macro read the file `ddpl-gen schema` prints, with the same draft.
    #[test]
    fn build_time_topology_validator_matches_the_schema_file() {
        let runtime = compile(topology_schema());
        let docs = [
            serde_json::json!({}),
            serde_json::json!({"version": 1, "name": "Bad_Name", "site": "eu", "kind": "x",
                "endpoint_vpc": {"vpc_id": "vpc-1", "extra": true}, "tags": {"0": 5}}),
            serde_json::json!({"version": 2, "agent_vpcs": [{"cidr": "10.0.0.0/33"}, 7]}),
            serde_json::json!({"tags": {"k".repeat(129): "v", "a;b": "c", "": "d", "e": "f;"}}),
            serde_json::json!({"agent_vpcs": [{"profile": "a\u{7f}"}, {"profile": "\u{85}ok"},
                {"profile": ""}, {"profile": "tab\there"}]}),
            // Every pattern, failed once (the trailing newline: `$` is the end of the text).
            serde_json::json!({"name": "a-", "services": ["Logs"], "role_arn": "arn:aws:iam::1:role/x",
                "endpoint_vpc": {"vpc_id": "vpc-0123456789abcdef0\n", "region": "us-east-1x",
                    "cidr": "10.0.0.0/8/", "account_id": "12345678901",
                    "subnet_ids": ["subnet-0123456789abcdeF0"], "route_table_ids": ["rtb-1"],
                    "security_group_ids": ["sg-12345678 "], "transit_gateway_id": "tgw-1",
                    "transit_gateway_attachment_id": "tgw-attach-0123456789abcdeF0",
                    "transit_gateway_route_table_id": "tgw-rtb-"},
                "agent_vpcs": [{"name": "-a"}]}),
        ];
        for doc in docs {
            let mut at_build = problems(TopologyValidator::iter_errors(&doc), &doc);
            let mut at_run = collect(&runtime, &doc);
            assert!(!at_build.is_empty());
            // The same problems; the generated code may visit keywords in another order.
            at_build.sort_by_key(|p| p.to_string());
            at_run.sort_by_key(|p| p.to_string());
            assert_eq!(at_build, at_run, "{doc}");
        }
    }

    /// Each pattern's DFA accepts exactly what the regular expression accepts: strings drawn
    /// from the pattern itself, then each changed by one character.
    #[test]
    fn pattern_dfas_match_like_the_regular_expressions() {
        use proptest::strategy::{Strategy, ValueTree};
        use proptest::test_runner::TestRunner;

        // The patterns build.rs found, with their DFAs. That it found every one of the file is
        // the other test's part: the build-time validator fails each pattern as the file does.
        assert_eq!(DDPL_PATTERNS.len(), 13);
        let edits = [
            'a', 'Z', '0', '9', '-', '.', '/', ':', ' ', '\n', '\u{e9}', '\u{0}',
        ];
        let mut runner = TestRunner::deterministic();
        for (pattern, dfa) in DDPL_PATTERNS {
            let regex = regex::Regex::new(pattern).unwrap();
            // Every pattern is anchored at both ends; the generator takes what is between.
            let body = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$'));
            let strategy = proptest::string::string_regex(body.expect(pattern)).unwrap();
            for _ in 0..200 {
                let text = strategy.new_tree(&mut runner).unwrap().current();
                assert!(dfa(&text), "{pattern} refused {text:?}");
                let chars: Vec<char> = text.chars().collect();
                for at in 0..=chars.len() {
                    for edit in edits {
                        let mut changed = chars.clone();
                        changed.insert(at, edit);
                        let inserted: String = changed.iter().collect();
                        assert_eq!(
                            dfa(&inserted),
                            regex.is_match(&inserted),
                            "{pattern} {inserted:?}"
                        );
                        changed.remove(at);
                        if at < changed.len() {
                            changed[at] = edit;
                            let replaced: String = changed.iter().collect();
                            assert_eq!(
                                dfa(&replaced),
                                regex.is_match(&replaced),
                                "{pattern} {replaced:?}"
                            );
                            changed.remove(at);
                            let removed: String = changed.iter().collect();
                            assert_eq!(
                                dfa(&removed),
                                regex.is_match(&removed),
                                "{pattern} {removed:?}"
                            );
                        }
                    }
                }
            }
            assert_eq!(dfa(""), regex.is_match(""), "{pattern}");
        }
    }
}
