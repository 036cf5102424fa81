//! Property tests for free text (issue 6): every string the schema accepts in a free-text
//! field (tag keys and values, profile names, the topology and agent VPC names) reads back
//! exactly from every generated format, and every string it refuses is refused before
//! rendering (`Error::Invalid`, naming the field).
//!
//! How each format is read back (the evaluated value, never the raw source):
//! - Terraform: parsed with hcl-rs; attribute expressions are evaluated (so `$${` is read as
//!   `${`, `\u0085` as U+0085). The shell command quoted inside the `error_message` of the
//!   VPC postconditions is run through bash under the fake `aws` (below), which records its argv.
//! - CloudFormation: parsed with serde_yaml_ng; every `Tags`/`HostedZoneTags` list and every
//!   scalar is read. The companion script's `dns` step runs under the fake `aws` (below).
//! - AWS CLI: deploy.sh and destroy.sh run in bash with the fake `aws` of tests/support first on
//!   PATH, which records its argv and answers like an empty account in which whatever is
//!   created is available at once; JSON arguments are parsed and their strings read.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use ddpl_gen::{Catalog, Error, Plan, render};
use hcl::eval::{Context, Evaluate};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Value, json};
use support::fake_aws::{FakeAws, QUICK};

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(Catalog::embedded)
}

// ---------------------------------------------------------------------------------------------
// Inputs

/// The free-text fields of a peering topology with two agent VPCs: one in another account and
/// region (its own profile), one beside the endpoint VPC.
#[derive(Debug, Clone)]
struct Free {
    name: String,
    tags: BTreeMap<String, String>,
    endpoint_profile: Option<String>,
    agent_profile: Option<String>,
    agent_names: [String; 2],
    /// Serialize the topology as YAML (else JSON).
    yaml: bool,
}

fn topology_value(f: &Free) -> Value {
    let mut endpoint = json!({
        "vpc_id": "vpc-0123456789abcdef0",
        "region": "us-east-1",
        "cidr": "10.0.0.0/16",
        "subnet_ids": ["subnet-0123456789abcdef0"],
        "route_table_ids": ["rtb-0123456789abcdef0"],
        "account_id": "111111111111",
    });
    if let Some(p) = &f.endpoint_profile {
        endpoint["profile"] = json!(p);
    }
    let mut far = json!({
        "name": f.agent_names[0],
        "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
        "region": "eu-west-1",
        "cidr": "10.20.0.0/16",
        "route_table_ids": ["rtb-0aaaaaaaaaaaaaaaa"],
        "account_id": "222222222222",
    });
    if let Some(p) = &f.agent_profile {
        far["profile"] = json!(p);
    }
    json!({
        "version": 1,
        "name": f.name,
        "site": "us1",
        "kind": "peering",
        "services": ["metrics"],
        "tags": f.tags,
        "endpoint_vpc": endpoint,
        "agent_vpcs": [far, {
            "name": f.agent_names[1],
            "vpc_id": "vpc-0bbbbbbbbbbbbbbbb",
            "region": "us-east-1",
            "cidr": "10.21.0.0/16",
            "route_table_ids": ["rtb-0bbbbbbbbbbbbbbbb"],
            "account_id": "111111111111",
        }],
    })
}

fn topology_text(f: &Free) -> String {
    let value = topology_value(f);
    if f.yaml {
        let text = serde_yaml_ng::to_string(&value).expect("serializable");
        // The harness must hand ddpl-gen exactly the strings it means to.
        let back: Value = serde_yaml_ng::from_str(&text).expect("own YAML parses");
        assert_eq!(
            back, value,
            "serde_yaml_ng round trip of the test input:\n{text}"
        );
        text
    } else {
        serde_json::to_string_pretty(&value).expect("serializable")
    }
}

fn plan_of(f: &Free) -> Result<Plan, Error> {
    ddpl_gen::plan_from_text(&topology_text(f), "prop.yaml", catalog())
}

// ---------------------------------------------------------------------------------------------
// Strategies

/// Letters of many scripts (incl. astral ones), numbers of every kind (`\p{N}`), and
/// `\p{Zs}` spaces: all allowed in tags.
const TAG_UNICODE: &[char] = &[
    'é', 'ß', 'ø', 'Ł', 'Ж', 'я', 'Ω', 'λ', 'ع', 'ش', 'ש', 'क', 'ก', '\u{e33}', 'ア', 'チ', 'ー',
    'ム', 'ｶ', '環', '境', '한', '국', '\u{1100}', 'ǅ', 'ʰ', '𝒜', '𠀀', '٣', '²', 'Ⅻ', '½',
    '\u{a0}', '\u{3000}', '\u{2003}', '\u{202f}', '\u{1680}',
];
const TAG_ASCII_PUNCT: &[char] = &[' ', '_', '.', ':', '/', '=', '+', '-', '@'];

/// Characters the tag pattern refuses.
const TAG_REFUSED: &[char] = &[
    ';', '"', '\'', '$', '{', '}', '\\', '`', '%', '<', '#', '!', '*', '&', '|', ',', '(', '\n',
    '\t', '\0', '\u{7f}', '\u{85}', '\u{2028}', '\u{200b}', '\u{301}', '\u{feff}', '😀',
];

fn pick(set: &'static [char]) -> impl Strategy<Value = char> {
    (0..set.len()).prop_map(move |i| set[i])
}

fn tag_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('0', '9'),
        2 => pick(TAG_ASCII_PUNCT),
        3 => pick(TAG_UNICODE),
    ]
}

fn text_of(chars: Vec<char>) -> String {
    chars.into_iter().collect()
}

/// A tag key the schema and the rules accept (1 to 128 characters, not `aws:...`, not
/// `ddpl:name`).
fn tag_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(tag_char(), 1..12),
        1 => proptest::collection::vec(tag_char(), 120..=128),
    ]
    .prop_map(text_of)
    .prop_filter("reserved tag key", |k| {
        !k.to_ascii_lowercase().starts_with("aws:") && k != "ddpl:name"
    })
}

fn tag_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(tag_char(), 0..16),
        1 => proptest::collection::vec(tag_char(), 250..=256),
    ]
    .prop_map(text_of)
}

fn tags() -> impl Strategy<Value = BTreeMap<String, String>> {
    proptest::collection::btree_map(tag_key(), tag_value(), 0..6)
}

/// Pieces of text that are special in HCL, YAML, JSON or shell, and characters the profile
/// pattern accepts although they are unusual (C1 controls, line separators, BOM, bidi).
const PROFILE_PIECES: &[&str] = &[
    "'",
    "\"",
    "$",
    "`",
    "\\",
    "${",
    "%{",
    "$${",
    "%%{",
    "}",
    "{",
    "${var.x}",
    "$(id)",
    "`id`",
    "'\\''",
    "\\n",
    "\\u0041",
    ";",
    "#",
    "!",
    "&&",
    "|",
    "*",
    "?",
    "~",
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    " ",
    "  ",
    "\u{a0}",
    "\u{85}",
    "\u{80}",
    "\u{9f}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{200b}",
    "\u{202e}",
    "!Ref",
    "- ",
    ": ",
    "&a",
    "*a",
    "---",
    "...",
    "null",
    "~",
    "yes",
    "0x1F",
    "1e3",
    "-",
    "=",
    "@",
    "prod",
    "admin",
    "チーム",
    "𝒜",
    "😀",
];

fn profile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0..PROFILE_PIECES.len()).prop_map(|i| PROFILE_PIECES[i].to_string()),
        2 => proptest::char::range('a', 'z').prop_map(String::from),
        1 => any::<char>()
            .prop_filter("control", |c| !(*c < ' ' || *c == '\u{7f}'))
            .prop_map(String::from),
    ]
}

/// A profile name the schema accepts: 1 to 128 characters, none of them C0 or DEL.
fn profile() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(profile_piece(), 1..10),
        1 => proptest::collection::vec(profile_piece(), 100..140),
    ]
    .prop_map(|pieces| pieces.concat().chars().take(128).collect())
}

fn agent_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z][a-z0-9-]{0,31}")
        .expect("valid regex")
        .prop_filter("reserved", |n| n != "endpoint")
}

fn topology_name() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z][a-z0-9-]{0,30}[a-z0-9]").expect("valid regex")
}

fn free() -> impl Strategy<Value = Free> {
    (
        topology_name(),
        tags(),
        proptest::option::weighted(0.9, profile()),
        proptest::option::weighted(0.9, profile()),
        agent_name(),
        agent_name(),
        any::<bool>(),
    )
        .prop_filter("agent VPC names differ", |t| t.4 != t.5)
        .prop_map(|(name, tags, ep, ap, a, b, yaml)| Free {
            name,
            tags,
            endpoint_profile: ep,
            agent_profile: ap,
            agent_names: [a, b],
            yaml,
        })
}

// ---------------------------------------------------------------------------------------------
// Expectations

/// The tags every taggable resource must carry, in the plan's (sorted) order.
fn expected_tags(f: &Free) -> Vec<(String, String)> {
    let mut tags: Vec<(String, String)> =
        f.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    tags.push(("ddpl:name".to_string(), f.name.clone()));
    tags.sort();
    tags
}

fn expected_profiles(f: &Free) -> BTreeSet<String> {
    [&f.endpoint_profile, &f.agent_profile]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// Strings built from user text that every format writes as literals: tag keys and values,
/// security group names and descriptions, ingress rule descriptions (agent VPC names).
fn expected_strings(f: &Free, plan: &Plan) -> BTreeSet<String> {
    let mut set: BTreeSet<String> = expected_tags(f)
        .into_iter()
        .flat_map(|(k, v)| [k, v])
        .collect();
    for vpc in plan.vpcs() {
        for sg in &vpc.security_groups {
            set.insert(sg.name.clone());
            set.insert(sg.description.clone());
            for rule in &sg.ingress {
                set.insert(rule.description.clone());
            }
        }
    }
    for name in &f.agent_names {
        assert!(
            set.iter()
                .any(|s| s.contains(&format!("agent VPC {name} ("))),
            "the plan names agent VPC {name:?} in a rule description"
        );
    }
    set
}

fn missing<'a>(want: &'a BTreeSet<String>, got: &BTreeSet<String>) -> Vec<&'a String> {
    want.iter().filter(|s| !got.contains(*s)).collect()
}

// ---------------------------------------------------------------------------------------------
// Terraform

/// What main.tf says, evaluated: the `locals.tags` object, every provider's profile, every
/// string literal (object keys included), and every `error_message`.
#[derive(Default, Debug)]
struct TfFacts {
    tags: Vec<(String, String)>,
    profiles: BTreeSet<String>,
    strings: BTreeSet<String>,
    error_messages: Vec<String>,
}

fn hcl_strings(value: &hcl::Value, out: &mut BTreeSet<String>) {
    match value {
        hcl::Value::String(s) => {
            out.insert(s.clone());
        }
        hcl::Value::Array(items) => items.iter().for_each(|v| hcl_strings(v, out)),
        hcl::Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                hcl_strings(v, out);
            }
        }
        _ => {}
    }
}

/// The functions main.tf calls where the facts are: `merge` (tags), `lookup` (profiles),
/// `format` (`%s` only: error messages).
fn terraform_context(variables: hcl::Map<String, hcl::Value>) -> Context<'static> {
    use hcl::eval::{FuncArgs, FuncDef, ParamType};
    fn merge(args: FuncArgs) -> Result<hcl::Value, String> {
        let mut out = hcl::Map::new();
        for arg in args.iter() {
            match arg {
                hcl::Value::Object(map) => out.extend(map.clone()),
                other => return Err(format!("merge of {other:?}")),
            }
        }
        Ok(hcl::Value::Object(out))
    }
    fn lookup(args: FuncArgs) -> Result<hcl::Value, String> {
        match (&args[0], &args[1]) {
            (hcl::Value::Object(map), hcl::Value::String(key)) => {
                Ok(map.get(key).cloned().unwrap_or_else(|| args[2].clone()))
            }
            other => Err(format!("lookup of {other:?}")),
        }
    }
    fn format(args: FuncArgs) -> Result<hcl::Value, String> {
        let hcl::Value::String(spec) = &args[0] else {
            return Err("format without a string".into());
        };
        let mut out = spec.replace("%%", "\u{0}");
        for arg in args.iter().skip(1) {
            let hcl::Value::String(text) = arg else {
                return Err(format!("format argument {arg:?}"));
            };
            out = out.replacen("%s", text, 1);
        }
        Ok(hcl::Value::String(out.replace('\u{0}', "%")))
    }
    let mut ctx = Context::new();
    ctx.declare_func(
        "merge",
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(merge),
    );
    ctx.declare_func(
        "lookup",
        FuncDef::builder()
            .params([ParamType::Any, ParamType::Any, ParamType::Any])
            .build(lookup),
    );
    ctx.declare_func(
        "format",
        FuncDef::builder()
            .variadic_param(ParamType::Any)
            .build(format),
    );
    ctx.declare_var("var", hcl::Value::Object(variables));
    // A postcondition's VPC and a per-stack check's agent VPC.
    ctx.declare_var("self", hcl::value!({ id = "vpc-0fedcba9876543210" }));
    ctx.declare_var("each", hcl::value!({ key = "agent" }));
    ctx
}

fn terraform_facts(tf: &str) -> TfFacts {
    let body = hcl::parse(tf).unwrap_or_else(|e| panic!("main.tf does not parse: {e}\n{tf}"));
    // The variables' defaults first: tags and profiles are read through them.
    let mut variables = hcl::Map::new();
    for block in body.blocks().filter(|b| b.identifier() == "variable") {
        let name = block.labels()[0].as_str().to_string();
        if let Some(default) = block.body().attributes().find(|a| a.key() == "default") {
            if let Ok(value) = default.expr.evaluate(&Context::new()) {
                variables.insert(name, value);
            }
        }
    }
    let ctx = terraform_context(variables);
    let mut facts = TfFacts::default();
    fn walk(body: &hcl::Body, path: &str, ctx: &Context, facts: &mut TfFacts) {
        for attr in body.attributes() {
            // References (aws_vpc_endpoint.x.id, self.enable_...) do not evaluate without a
            // resource; literals and the facts' expressions do.
            let Ok(value) = attr.expr.evaluate(ctx) else {
                continue;
            };
            hcl_strings(&value, &mut facts.strings);
            match (path, attr.key.as_str(), &value) {
                ("locals", "tags", hcl::Value::Object(map)) => {
                    facts.tags = map
                        .iter()
                        .map(|(k, v)| match v {
                            hcl::Value::String(s) => (k.clone(), s.clone()),
                            other => panic!("tag {k:?} is not a string: {other:?}"),
                        })
                        .collect();
                    // A Terraform map has no order; the expected tags are sorted by key.
                    facts.tags.sort();
                }
                ("provider", "profile", hcl::Value::String(s)) => {
                    facts.profiles.insert(s.clone());
                }
                (_, "error_message", hcl::Value::String(s)) => {
                    facts.error_messages.push(s.clone());
                }
                _ => {}
            }
        }
        for block in body.blocks() {
            let path = if path.is_empty() {
                block.identifier().to_string()
            } else {
                format!("{path}.{}", block.identifier())
            };
            walk(block.body(), &path, ctx, facts);
        }
    }
    walk(&body, "", &ctx, &mut facts);
    facts
}

/// The argv of every `aws` call in a shell command line, as bash parses it.
fn bash_aws_calls(command: &str) -> Vec<Vec<String>> {
    let (out, calls) = FakeAws::new().run(&format!("{command}\n"), &[], &[]);
    assert!(
        out.status.success(),
        "bash failed on {command:?}: {}",
        support::text(&out.stderr)
    );
    calls
}

fn check_terraform(f: &Free, plan: &Plan, with_shell: bool) {
    let tf = render::terraform(plan).expect("terraform renders");
    let facts = terraform_facts(&tf);
    assert_eq!(facts.tags, expected_tags(f), "locals.tags");
    assert_eq!(facts.profiles, expected_profiles(f), "provider profiles");
    let want = expected_strings(f, plan);
    let lost = missing(&want, &facts.strings);
    assert!(lost.is_empty(), "not read back from main.tf: {lost:?}");
    if with_shell {
        // The fix commands quoted in the postconditions' error messages.
        let mut seen = BTreeSet::new();
        let mut commands = 0;
        for message in &facts.error_messages {
            let Some((_, rest)) = message.split_once("; run: ") else {
                continue;
            };
            let command = rest
                .strip_suffix(" and plan again.")
                .unwrap_or_else(|| panic!("unexpected error_message {message:?}"));
            for call in bash_aws_calls(command) {
                seen.extend(flag_values(&call, "--profile"));
            }
            commands += 1;
        }
        assert!(
            commands > 0,
            "no fix command in the error messages of main.tf"
        );
        assert!(
            seen.is_subset(&expected_profiles(f)),
            "error_message commands: {seen:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// CloudFormation

#[derive(Default, Debug)]
struct CfnFacts {
    tag_lists: Vec<Vec<(String, String)>>,
    strings: BTreeSet<String>,
}

fn yaml_walk(value: &serde_yaml_ng::Value, facts: &mut CfnFacts) {
    use serde_yaml_ng::Value as Y;
    match value {
        Y::String(s) => {
            facts.strings.insert(s.clone());
        }
        Y::Sequence(items) => items.iter().for_each(|v| yaml_walk(v, facts)),
        Y::Tagged(t) => yaml_walk(&t.value, facts),
        Y::Mapping(map) => {
            for (k, v) in map {
                if let Y::String(key) = k
                    && (key == "Tags" || key == "HostedZoneTags")
                {
                    let list = v
                        .as_sequence()
                        .unwrap_or_else(|| panic!("{key} is not a list: {v:?}"))
                        .iter()
                        .map(|t| {
                            let get = |f: &str| {
                                t.get(f)
                                    .and_then(Y::as_str)
                                    .unwrap_or_else(|| panic!("tag without {f}: {t:?}"))
                                    .to_string()
                            };
                            (get("Key"), get("Value"))
                        })
                        .collect();
                    facts.tag_lists.push(list);
                }
                yaml_walk(k, facts);
                yaml_walk(v, facts);
            }
        }
        _ => {}
    }
}

fn check_cloudformation(f: &Free, plan: &Plan) -> Vec<render::RenderedFile> {
    let files = render::cloudformation(plan).expect("cloudformation renders");
    let mut facts = CfnFacts::default();
    for file in files.iter().filter(|f| f.name.ends_with(".yaml")) {
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&file.contents)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}\n{}", file.name, file.contents));
        yaml_walk(&doc, &mut facts);
    }
    assert!(!facts.tag_lists.is_empty(), "no Tags in the templates");
    let want_tags = expected_tags(f);
    for list in &facts.tag_lists {
        assert_eq!(list, &want_tags, "a CloudFormation Tags list");
    }
    let want = expected_strings(f, plan);
    let lost = missing(&want, &facts.strings);
    assert!(
        lost.is_empty(),
        "not read back from the templates: {lost:?}"
    );
    files
}

// ---------------------------------------------------------------------------------------------
// Shell scripts under a fake `aws`

/// Runs a generated script with the fake `aws` first on PATH; returns every call's argv.
fn run_with_fake_aws(script: &str, args: &[&str]) -> Vec<Vec<String>> {
    let (out, calls) = FakeAws::new().run(script, args, QUICK);
    assert!(
        out.status.success(),
        "script failed ({}):\n{}\n--- script ---\n{script}",
        out.status,
        support::text(&out.stderr)
    );
    calls
}

fn flag_values(call: &[String], flag: &str) -> Vec<String> {
    call.windows(2)
        .filter(|w| w[0] == flag)
        .map(|w| w[1].clone())
        .collect()
}

fn json_strings(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                json_strings(v, out);
            }
        }
        _ => {}
    }
}

fn json_tags(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("tags are not a list: {value}"))
        .iter()
        .map(|t| {
            (
                t["Key"].as_str().expect("Key").to_string(),
                t["Value"].as_str().expect("Value").to_string(),
            )
        })
        .collect()
}

/// Checks the argv of a script's calls: profiles, tags, and the user strings in arguments.
fn check_calls(
    f: &Free,
    calls: &[Vec<String>],
    want_strings: Option<&BTreeSet<String>>,
) -> BTreeSet<String> {
    let want_tags = expected_tags(f);
    let mut strings = BTreeSet::new();
    let mut profiles = BTreeSet::new();
    for call in calls {
        profiles.extend(flag_values(call, "--profile"));
        for arg in call {
            strings.insert(arg.clone());
            if arg.starts_with('[') || arg.starts_with('{') {
                if let Ok(v) = serde_json::from_str::<Value>(arg) {
                    json_strings(&v, &mut strings);
                }
            }
        }
        for spec in flag_values(call, "--tag-specifications") {
            let v: Value = serde_json::from_str(&spec).expect("tag specification is JSON");
            for s in v.as_array().expect("list of specifications") {
                assert_eq!(json_tags(&s["Tags"]), want_tags, "--tag-specifications");
            }
        }
        for tags in flag_values(call, "--tags")
            .into_iter()
            .chain(flag_values(call, "--add-tags"))
        {
            let v: Value = serde_json::from_str(&tags).expect("tags are JSON");
            assert_eq!(json_tags(&v), want_tags, "--tags / --add-tags");
        }
    }
    assert!(
        profiles.is_subset(&expected_profiles(f)),
        "profiles seen: {profiles:?}"
    );
    if let Some(want) = want_strings {
        let lost = missing(want, &strings);
        assert!(lost.is_empty(), "not read back from the calls: {lost:?}");
    }
    profiles
}

fn check_scripts(f: &Free, plan: &Plan, cfn: &[render::RenderedFile]) {
    let deploy = render::cli_deploy(plan).expect("deploy script renders");
    let calls = run_with_fake_aws(&deploy, &[]);
    let seen = check_calls(f, &calls, Some(&expected_strings(f, plan)));
    assert_eq!(seen, expected_profiles(f), "profiles in deploy.sh");
    assert!(
        calls
            .iter()
            .any(|c| !flag_values(c, "--tag-specifications").is_empty()),
        "deploy.sh tags what it creates"
    );

    let destroy = render::cli_destroy(plan).expect("teardown script renders");
    // In an empty account the teardown finds nothing, so it may not reach every stack.
    let calls = run_with_fake_aws(&destroy, &[]);
    assert!(!calls.is_empty(), "destroy.sh looks before it deletes");
    check_calls(f, &calls, None);

    if let Some(companion) = cfn.iter().find(|f| f.name.ends_with("-companion.sh")) {
        let calls = run_with_fake_aws(&companion.contents, &["dns"]);
        assert!(!calls.is_empty(), "the companion's dns step calls aws");
        check_calls(f, &calls, None);
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Accepted free text reads back exactly from Terraform and CloudFormation.
    #[test]
    fn accepted_text_reads_back_from_terraform_and_cloudformation(f in free()) {
        let plan = match plan_of(&f) {
            Ok(plan) => plan,
            Err(e) => return Err(TestCaseError::fail(format!("refused: {e}"))),
        };
        check_terraform(&f, &plan, false);
        check_cloudformation(&f, &plan);
    }
}

proptest! {
    #![proptest_config(config(12))]

    /// Accepted free text reaches the `aws` calls of the scripts exactly, including the
    /// commands quoted inside Terraform's error messages.
    #[test]
    fn accepted_text_reaches_the_aws_calls_exactly(f in free()) {
        let plan = match plan_of(&f) {
            Ok(plan) => plan,
            Err(e) => return Err(TestCaseError::fail(format!("refused: {e}"))),
        };
        check_terraform(&f, &plan, true);
        let cfn = check_cloudformation(&f, &plan);
        check_scripts(&f, &plan, &cfn);
    }
}

// Refusals: text from a mixed alphabet, with the schema's rule computed independently.

fn tag_char_or_refused() -> impl Strategy<Value = char> {
    prop_oneof![9 => tag_char(), 1 => pick(TAG_REFUSED)]
}

fn tag_text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(tag_char_or_refused(), 0..10),
        1 => proptest::collection::vec(tag_char_or_refused(), max - 3..max + 4),
    ]
    .prop_map(text_of)
}

fn tag_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || TAG_ASCII_PUNCT.contains(&c) || TAG_UNICODE.contains(&c)
}

fn tag_key_ok(k: &str) -> bool {
    let n = k.chars().count();
    (1..=128).contains(&n)
        && k.chars().all(tag_char_ok)
        && !k.to_ascii_lowercase().starts_with("aws:")
        && k != "ddpl:name"
}

fn tag_value_ok(v: &str) -> bool {
    v.chars().count() <= 256 && v.chars().all(tag_char_ok)
}

fn profile_ok(p: &str) -> bool {
    let n = p.chars().count();
    (1..=128).contains(&n) && p.chars().all(|c| !(c < ' ' || c == '\u{7f}'))
}

fn profile_or_refused() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        9 => profile_piece(),
        1 => proptest::char::range('\0', '\u{1f}').prop_map(String::from),
        1 => Just("\u{7f}".to_string()),
    ];
    prop_oneof![
        4 => proptest::collection::vec(piece.clone(), 0..8),
        1 => proptest::collection::vec(piece, 110..140),
    ]
    .prop_map(|pieces| {
        let s = pieces.concat();
        // Around the limit: cut to 125..=131 characters.
        if s.chars().count() > 131 {
            s.chars().take(125 + s.len() % 7).collect()
        } else {
            s
        }
    })
}

proptest! {
    #![proptest_config(config(64))]

    /// Text the schema refuses is refused before rendering, naming the field; text it accepts
    /// is accepted and reads back exactly.
    #[test]
    fn refused_text_is_refused_by_field_and_accepted_text_reads_back(
        key in tag_text(128),
        value in tag_text(256),
        endpoint_profile in profile_or_refused(),
        yaml in any::<bool>(),
    ) {
        let f = Free {
            name: "acme-prop".to_string(),
            tags: BTreeMap::from([(key.clone(), value.clone())]),
            endpoint_profile: Some(endpoint_profile.clone()),
            agent_profile: None,
            agent_names: ["far".to_string(), "near".to_string()],
            yaml,
        };
        let mut expected_paths = Vec::new();
        if !tag_key_ok(&key) || !tag_value_ok(&value) {
            expected_paths.push(format!("tags.{key}"));
        }
        if !profile_ok(&endpoint_profile) {
            expected_paths.push("endpoint_vpc.profile".to_string());
        }
        match plan_of(&f) {
            Ok(plan) => {
                prop_assert!(expected_paths.is_empty(), "accepted, but {expected_paths:?} are invalid");
                check_terraform(&f, &plan, false);
                check_cloudformation(&f, &plan);
            }
            Err(e) => {
                prop_assert!(matches!(e, Error::Invalid { .. }), "not an input error: {e:?}");
                prop_assert!(!expected_paths.is_empty(), "refused valid input: {e}");
                for path in &expected_paths {
                    prop_assert!(
                        e.problems().iter().any(|p| &p.path == path),
                        "no problem at {path:?}: {e}"
                    );
                }
            }
        }
    }
}

/// Cases worth keeping whatever the random draw: each template-escape sequence of HCL,
/// quoting of YAML and shell, and the characters the profile pattern lets through.
#[test]
fn hostile_examples_read_back() {
    let profiles = [
        "prod admin's",
        "${var.x}",
        "$${x}",
        "%{if true}x%{endif}",
        "%%{",
        "a\\\"b",
        "`id` $(id) $HOME",
        "'\\''",
        "x\u{85}y\u{2028}z\u{2029}\u{feff}\u{202e}",
        "- !Ref x: &a *a #",
        "\u{80}\u{9f}",
        "$",
        "${",
        "}",
        "\\",
    ];
    let tag_sets = [
        BTreeMap::from([
            ("チーム".to_string(), "基盤 / 運用".to_string()),
            (" lead".to_string(), "trail ".to_string()),
        ]),
        BTreeMap::from([
            ("a=b+c@d:e/f.g_h-i".to_string(), String::new()),
            ("\u{a0}\u{3000}".to_string(), "𝒜𠀀".to_string()),
        ]),
    ];
    for (i, p) in profiles.iter().enumerate() {
        let f = Free {
            name: "acme-prop".to_string(),
            tags: tag_sets[i % 2].clone(),
            endpoint_profile: Some(p.to_string()),
            agent_profile: Some(format!("{p}-{i}")),
            agent_names: ["far".to_string(), "near".to_string()],
            yaml: i % 2 == 0,
        };
        let plan = plan_of(&f).unwrap_or_else(|e| panic!("{p:?}: {e}"));
        check_terraform(&f, &plan, true);
        let cfn = check_cloudformation(&f, &plan);
        if i < 6 {
            check_scripts(&f, &plan, &cfn);
        }
    }
}
