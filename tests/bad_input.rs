//! One test per class of bad input (issue 6), through the binary: unreadable file, empty file,
//! neither YAML nor JSON, wrong types, unknown keys, every semantic rule, oversized input.
//! Each case asserts exit 2, the field (or file) named on stderr, nothing on stdout, and, run
//! as `cloudformation -o DIR`, no file left: neither a new DIR nor anything in an existing one.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

// The bases: acme-prod with a tag, acme-peer with two agent VPCs.
use support::fixtures::{
    TRANSIT_GATEWAY, peering_two_agents as peering, same_region_tagged as same_region,
    transit_gateway_created_peering, with,
};
use support::text;

fn run(args: &[&str], stdin: Option<Vec<u8>>) -> (Output, Duration) {
    let start = Instant::now();
    let out = support::run_ddpl_gen(args, None, stdin.as_deref());
    (out, start.elapsed())
}

/// Everything below `dir`, as sorted relative paths.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            out.push(e.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

/// Runs `terraform` and `cloudformation -o` (into a new directory and into an existing one) on
/// `file` (`-` with `stdin`), and checks the contract of bad input. (Every command loads its
/// input the same way; tests/cli_contract.rs covers the others.)
/// `expect`: texts stderr must contain (the field path, the file name, the reason).
fn refuse(label: &str, file: &str, stdin: Option<Vec<u8>>, expect: &[&str]) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("stacks");
    let existing = dir.path().join("existing");
    fs::create_dir(&existing).unwrap();
    fs::write(existing.join("keep.txt"), "mine").unwrap();
    let fresh_s = fresh.display().to_string();
    let existing_s = existing.display().to_string();
    let runs: [Vec<&str>; 3] = [
        vec!["terraform", "-f", file],
        vec!["cloudformation", "-f", file, "-o", &fresh_s],
        vec!["cloudformation", "-f", file, "-o", &existing_s],
    ];
    let mut slowest = Duration::ZERO;
    for args in runs {
        let (out, took) = run(&args, stdin.clone());
        slowest = slowest.max(took);
        let err = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{label}: {args:?} should exit 2; stderr:\n{err}"
        );
        assert!(
            out.stdout.is_empty(),
            "{label}: {args:?} wrote to stdout: {}",
            text(&out.stdout)
        );
        assert!(
            err.starts_with("ddpl-gen: "),
            "{label}: stderr does not start with ddpl-gen: {err}"
        );
        for e in expect {
            assert!(
                err.contains(e),
                "{label}: {args:?}: stderr lacks {e:?}:\n{err}"
            );
        }
        assert!(
            !fresh.exists(),
            "{label}: {args:?} left {}",
            fresh.display()
        );
        assert_eq!(
            listing(&existing),
            vec!["keep.txt".to_string()],
            "{label}: {args:?} left files in an existing -o directory"
        );
    }
    slowest
}

/// Writes `contents` to a file in a fresh directory (kept alive by the returned guard).
fn file_with(contents: &[u8], name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, contents).unwrap();
    let s = path.display().to_string();
    (dir, s)
}

fn refuse_text(label: &str, contents: &str, expect: &[&str]) {
    let (_dir, path) = file_with(contents.as_bytes(), "topology.yaml");
    refuse(label, &path, None, expect);
}

/// `  - <path>: ` as the error lists a problem.
fn at(path: &str) -> String {
    format!("  - {path}: ")
}

#[test]
fn the_bases_are_valid() {
    for base in [same_region(), peering(), transit_gateway()] {
        let (_dir, path) = file_with(base.as_bytes(), "t.yaml");
        let (out, _) = run(&["validate", "-f", &path], None);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    }
}

// --- unreadable -----------------------------------------------------------------------------

#[test]
fn unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    // A directory: opens, then fails to read (EISDIR), even as root.
    let d = dir.path().join("a-directory.yaml");
    fs::create_dir(&d).unwrap();
    let d = d.display().to_string();
    refuse("directory", &d, None, &["cannot read", &d]);
    // A dangling symlink, and a missing file.
    let link = dir.path().join("dangling.yaml");
    std::os::unix::fs::symlink(dir.path().join("gone.yaml"), &link).unwrap();
    let link = link.display().to_string();
    refuse("dangling symlink", &link, None, &["cannot read", &link]);
    let missing = dir.path().join("missing.yaml").display().to_string();
    refuse("missing", &missing, None, &["cannot read", &missing]);
    // Not UTF-8.
    let (_d, bin) = file_with(&[0xff, 0xfe, 0x00, 0x41, 0x80], "utf16.yaml");
    refuse("not UTF-8", &bin, None, &["cannot read", &bin, "not UTF-8"]);
    refuse(
        "not UTF-8 on stdin",
        "-",
        Some(vec![b'a', 0xc3, 0x28]),
        &["standard input", "not UTF-8"],
    );
}

#[test]
fn not_utf8_names_standard_input_and_the_offset() {
    refuse(
        "not UTF-8 on stdin",
        "-",
        Some(b"version: 1\nname: \xe9t\xe9\n".to_vec()),
        &["standard input: not UTF-8 text (invalid byte at offset 17)"],
    );
    let (_d, path) = file_with(b"version: 1\n\xff\n", "latin1.yaml");
    refuse(
        "not UTF-8 in a file",
        &path,
        None,
        &[&format!(
            "{path}: not UTF-8 text (invalid byte at offset 11)"
        )],
    );
    // Over the limit, the read stops inside a character: that is the size, not the encoding.
    let mut big = b"a: \"x".to_vec();
    while big.len() <= 1024 * 1024 {
        big.extend_from_slice("\u{e9}".as_bytes());
    }
    let (_d, path) = file_with(&big, "big-utf8.yaml");
    refuse("large UTF-8 file", &path, None, &["limit of 1048576 bytes"]);
    refuse(
        "large UTF-8 stdin",
        "-",
        Some(big),
        &["limit of 1048576 bytes"],
    );
}

// --- empty ----------------------------------------------------------------------------------

#[test]
fn empty_inputs() {
    for (label, contents) in [
        ("empty", ""),
        ("blank", " \n\t\n"),
        ("BOM only", "\u{feff}"),
        ("comment only", "# nothing here\n"),
        ("document marker", "---\n"),
        ("null", "null\n"),
        ("empty mapping", "{}"),
    ] {
        let (_dir, path) = file_with(contents.as_bytes(), "empty.yaml");
        let expect: &[&str] = match label {
            "empty" | "blank" | "BOM only" => &["empty"],
            "empty mapping" => &["required field is missing", "version"],
            _ => &["expected a mapping"],
        };
        refuse(label, &path, None, expect);
    }
    refuse(
        "empty stdin",
        "-",
        Some(Vec::new()),
        &["standard input: ", "empty"],
    );
}

// --- neither YAML nor JSON ------------------------------------------------------------------

#[test]
fn neither_yaml_nor_json() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("plain string", "just some words\n", &["plain string"]),
        ("a number", "42\n", &["found a number"]),
        ("a list", "- a\n- b\n", &["found a list"]),
        (
            "control bytes",
            "\u{1}\u{2}\u{3}\u{0}garbage",
            &["YAML syntax error"],
        ),
        (
            "broken JSON",
            "{\n  \"version\": 1,\n  \"name\": \n",
            &["JSON syntax error at line"],
        ),
        (
            "broken YAML",
            "version: 1\nname: [a\n",
            &["YAML syntax error"],
        ),
        ("tabs", "version: 1\n\tname: x\n", &["YAML syntax error"]),
        ("two documents", "a: 1\n---\nb: 2\n", &["YAML syntax error"]),
        (
            "duplicate key",
            SAME_REGION_DUP,
            &["duplicate key \"name\""],
        ),
        (
            "duplicate key in JSON",
            "{\"version\": 1, \"tags\": {\"a\": \"1\", \"a\": \"2\"}}",
            &["JSON syntax error", "duplicate key \"a\""],
        ),
        ("HCL", "name = \"acme\"\n", &["plain string"]),
        ("XML", "<topology name=\"x\"/>\n", &["plain string"]),
    ];
    for (label, contents, expect) in cases {
        refuse_text(label, contents, expect);
    }
    // Random bytes that happen to be valid UTF-8.
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 & 0x7f)
        .collect();
    let (_dir, path) = file_with(&bytes, "noise.yaml");
    refuse("ASCII noise", &path, None, &[]);
}

const SAME_REGION_DUP: &str = "version: 1\nname: a-b\nname: c-d\n";

#[test]
fn duplicate_keys_name_the_repeated_key_and_where_it_is() {
    // (topology, path of the repeated key, syntax, its line and column)
    let cases = [
        (
            with(
                same_region(),
                "  cidr: 10.0.0.0/16",
                "  cidr: 10.0.0.0/16\n  region: us-west-2",
            ),
            "endpoint_vpc.region",
            "YAML",
            "line 11, column 3",
        ),
        (
            with(
                peering(),
                "    cidr: 10.21.0.0/16",
                "    cidr: 10.21.0.0/16\n    cidr: 10.22.0.0/16",
            ),
            "agent_vpcs[1].cidr",
            "YAML",
            "line 24, column 5",
        ),
        (
            "\n\nversion: 1\nagent_vpcs: [{name: a}, {name: b, cidr: x, cidr: y}]\n".to_string(),
            "agent_vpcs[1].cidr",
            "YAML",
            "line 4, column 44",
        ),
        (
            "{\"version\": 1,\n \"tags\": {\"a\": \"1\",\n   \"a\": \"2\"}}".to_string(),
            "tags.a",
            "JSON",
            "line 3, column 4",
        ),
        (
            SAME_REGION_DUP.to_string(),
            "name",
            "YAML",
            "line 3, column 1",
        ),
    ];
    for (topology, path, syntax, place) in &cases {
        refuse_text(
            path,
            topology,
            &[&format!(
                "{}{syntax} syntax error at {place}: duplicate key",
                at(path)
            )],
        );
    }
}

// --- wrong types ----------------------------------------------------------------------------

#[test]
fn wrong_types() {
    let cases: &[(&str, &str, &str)] = &[
        ("version: 1", "version: \"1\"", "version"),
        ("name: acme-prod", "name: 42", "name"),
        ("kind: same-region", "kind: [same-region]", "kind"),
        ("  team: platform", "  team: 4711", "tags.team"),
        ("tags:\n  team: platform", "tags: [team]", "tags"),
        (
            "  subnet_ids: [subnet-0123456789abcdef0]",
            "  subnet_ids: subnet-0123456789abcdef0",
            "endpoint_vpc.subnet_ids",
        ),
        (
            "  cidr: 10.0.0.0/16",
            "  cidr: 167772160",
            "endpoint_vpc.cidr",
        ),
        (
            "  region: us-east-1",
            "  region: {name: us-east-1}",
            "endpoint_vpc.region",
        ),
        (
            "kind: same-region",
            "kind: same-region\nsecrets_manager_endpoint: \"yes\"",
            "secrets_manager_endpoint",
        ),
        (
            "kind: same-region",
            "kind: same-region\nservices: metrics",
            "services",
        ),
        (
            "  subnet_ids: [subnet-0123456789abcdef0]",
            "  subnet_ids: [subnet-0123456789abcdef0]\n  account_id: 111111111111",
            "endpoint_vpc.account_id",
        ),
    ];
    for (from, to, path) in cases {
        refuse_text(path, &with(same_region(), from, to), &[&at(path)]);
    }
    let t = with(peering(), "agent_vpcs:\n", "agent_vpcs: {}\nx:\n");
    refuse_text("agent_vpcs mapping", &t, &[&at("agent_vpcs")]);
    let t = with(peering(), "    cidr: 10.21.0.0/16", "    cidr: null");
    refuse_text("null cidr", &t, &[&at("agent_vpcs[1].cidr")]);
}

// --- unknown keys ---------------------------------------------------------------------------

#[test]
fn unknown_keys() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            same_region(),
            "site: us1",
            "site: us1\nregoin: us-east-1",
            "regoin",
        ),
        (
            same_region(),
            "  cidr: 10.0.0.0/16",
            "  cidr: 10.0.0.0/16\n  subnets: []",
            "endpoint_vpc.subnets",
        ),
        (
            peering(),
            "    cidr: 10.21.0.0/16",
            "    cidr: 10.21.0.0/16\n    peer: true",
            "agent_vpcs[1].peer",
        ),
    ];
    for (base, from, to, path) in cases {
        refuse_text(
            path,
            &with(base, from, to),
            &[&at(path), "unknown field", "valid fields"],
        );
    }
}

// --- every semantic rule --------------------------------------------------------------------

/// (base, replace, with, field path, a word of the message).
type Mutation = (
    fn() -> &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const SEMANTIC: &[Mutation] = &[
    (
        same_region,
        "site: us1",
        "site: mars",
        "site",
        "unknown site",
    ),
    (
        same_region,
        "site: us1",
        "site: eu",
        "site",
        "does not offer AWS PrivateLink",
    ),
    (
        same_region,
        "kind: same-region",
        "kind: same-region\nservices: [metrics, logz]",
        "services[1]",
        "unknown service",
    ),
    (
        same_region,
        "kind: same-region",
        "kind: same-region\nservices: [metrics, live-logs]",
        "services[1]",
        "not offered on site us1",
    ),
    (
        same_region,
        "site: us1",
        "site: gov2",
        "site",
        "does not offer AWS PrivateLink",
    ),
    (
        same_region,
        "kind: same-region",
        "kind: same-region\nhosts: [otlp.datadoghq.com, otlp.ap2.datadoghq.com]",
        "hosts[1]",
        "site ap2 serves it",
    ),
    (
        same_region,
        "kind: same-region",
        "kind: same-region\nhosts: [intake.datadoghq.eu]",
        "hosts[0]",
        "nearest rows",
    ),
    (
        same_region,
        "kind: same-region",
        "kind: same-region\nhosts: [\"otlp datadoghq.com\"]",
        "hosts[0]",
        "host names such as",
    ),
    (
        same_region,
        "  region: us-east-1",
        "  region: eu-west-1",
        "endpoint_vpc.region",
        "cross-region",
    ),
    (
        same_region,
        "kind: same-region",
        "kind: cross-region",
        "endpoint_vpc.region",
        "site's own region",
    ),
    (
        peering,
        "  region: us-east-1\n  cidr: 10.0.0.0/16",
        "  region: eu-west-1\n  cidr: 10.0.0.0/16",
        "endpoint_vpc.region",
        "site's region",
    ),
    (
        same_region,
        "  team: platform",
        "  aws:team: platform",
        "tags.aws:team",
        "reserved by AWS",
    ),
    (
        same_region,
        "  team: platform",
        "  ddpl:name: other",
        "tags.ddpl:name",
        "set by ddpl-gen",
    ),
    (
        same_region,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.0/8",
        "endpoint_vpc.cidr",
        "/16 to /28",
    ),
    (
        same_region,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.1/16",
        "endpoint_vpc.cidr",
        "host bits",
    ),
    (
        same_region,
        "  cidr: 10.0.0.0/16",
        "  cidr: 300.0.0.0/16",
        "endpoint_vpc.cidr",
        "not an IPv4 address",
    ),
    (
        same_region,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.0/16\n  allowed_cidrs: [0.0.0.0/0]",
        "endpoint_vpc.allowed_cidrs[0]",
        "every source",
    ),
    (
        same_region,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.0/16\n  allowed_cidrs: [10.9.0.1/16]",
        "endpoint_vpc.allowed_cidrs[0]",
        "host bits",
    ),
    (
        same_region,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.0/16\n  allowed_cidrs: [10.9.0.0/16]\n  security_group_ids: [sg-0123456789abcdef0]",
        "endpoint_vpc.allowed_cidrs",
        "security_group_ids",
    ),
    (
        peering,
        "    cidr: 10.20.0.0/16",
        "    cidr: 10.0.128.0/17",
        "agent_vpcs[0].cidr",
        "overlaps endpoint_vpc.cidr",
    ),
    (
        peering,
        "    cidr: 10.21.0.0/16",
        "    cidr: 10.20.64.0/18",
        "agent_vpcs[1].cidr",
        "overlaps agent_vpcs[0].cidr",
    ),
    (
        same_region,
        "  subnet_ids: [subnet-0123456789abcdef0]",
        "  subnet_ids: [subnet-0123456789abcdef0]\n  route_table_ids: [rtb-0123456789abcdef0]",
        "endpoint_vpc.route_table_ids",
        "only kinds peering and transit-gateway",
    ),
    (
        peering,
        "kind: peering",
        "kind: same-region",
        "agent_vpcs",
        "only kinds peering and transit-gateway",
    ),
    (
        peering,
        "  route_table_ids: [rtb-0123456789abcdef0]\n",
        "",
        "endpoint_vpc.route_table_ids",
        "required with kind peering",
    ),
    (
        peering,
        "    route_table_ids: [rtb-0bbbbbbbbbbbbbbbb]\n",
        "",
        "agent_vpcs[1].route_table_ids",
        "required with kind peering",
    ),
    (
        peering,
        "  - name: us-apps",
        "  - name: eu-prod",
        "agent_vpcs[1].name",
        "unique",
    ),
    (
        peering,
        "  - name: us-apps",
        "  - name: endpoint",
        "agent_vpcs[1].name",
        "\"endpoint\"",
    ),
    (
        peering,
        "  - name: us-apps",
        "  - name: eu-prod-",
        "agent_vpcs[1].name",
        "same identifier",
    ),
    (
        peering,
        "  - name: us-apps",
        "  - name: eu--prod",
        "agent_vpcs[1].name",
        "same identifier",
    ),
    (
        peering,
        "    vpc_id: vpc-0bbbbbbbbbbbbbbbb",
        "    vpc_id: vpc-0123456789abcdef0",
        "agent_vpcs[1].vpc_id",
        "endpoint_vpc.vpc_id",
    ),
    (
        peering,
        "    vpc_id: vpc-0bbbbbbbbbbbbbbbb",
        "    vpc_id: vpc-0aaaaaaaaaaaaaaaa",
        "agent_vpcs[1].vpc_id",
        "agent_vpcs[0].vpc_id",
    ),
    (
        peering,
        "kind: peering",
        "kind: peering\nsecrets_manager_endpoint: true",
        "agent_vpcs[0].subnet_ids",
        "secrets_manager_endpoint",
    ),
    (
        peering,
        "  account_id: \"111111111111\"",
        "  account_id: \"111111111111\"\n  role_arn: arn:aws:iam::999999999999:role/deploy",
        "endpoint_vpc.role_arn",
        "999999999999",
    ),
    (
        peering,
        "    account_id: \"222222222222\"",
        "    account_id: \"222222222222\"\n    role_arn: arn:aws:iam::333333333333:role/x",
        "agent_vpcs[0].role_arn",
        "333333333333",
    ),
    (
        peering,
        "  account_id: \"111111111111\"\n",
        "",
        "endpoint_vpc.account_id",
        "agent_vpcs[0].account_id",
    ), // A region AWS does not have: the nearest real ones are named.
    (
        same_region,
        "  region: us-east-1",
        "  region: us-east-9",
        "endpoint_vpc.region",
        "nearest: us-east-1",
    ),
    // Peering stays inside one partition.
    (
        peering,
        "    region: eu-west-1",
        "    region: cn-north-1",
        "agent_vpcs[0].region",
        "partition aws-cn",
    ),
    // A route table or subnet belongs to one VPC.
    (
        peering,
        "    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]",
        "    route_table_ids: [rtb-0123456789abcdef0]",
        "agent_vpcs[0].route_table_ids[0]",
        "is also endpoint_vpc.route_table_ids[0]",
    ),
    (
        peering,
        "    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]",
        "    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]\n    subnet_ids: [subnet-0123456789abcdef0]",
        "agent_vpcs[0].subnet_ids[0]",
        "is also endpoint_vpc.subnet_ids[0]",
    ),
    // The names of the endpoint VPC's extra security groups.
    (
        peering,
        "  - name: eu-prod",
        "  - name: endpoint-2",
        "agent_vpcs[0].name",
        "extra security groups",
    ),
    // More peerings than AWS allows on one VPC: `more_peerings_than_aws_allows_on_a_vpc`.
    // Transit Gateways: every gateway known, every peering used once.
    (
        transit_gateway,
        "  transit_gateway_id: tgw-0123456789abcdef0\n",
        "",
        "endpoint_vpc.transit_gateway_id",
        "required with kind transit-gateway",
    ),
    (
        transit_gateway,
        "    transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa\n",
        "",
        "agent_vpcs[1].transit_gateway_id",
        "required for an agent VPC outside",
    ),
    (
        transit_gateway,
        "    transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa\n",
        "    transit_gateway_id: tgw-0123456789abcdef0\n",
        "agent_vpcs[1].transit_gateway_id",
        "a Transit Gateway is regional",
    ),
    (
        transit_gateway,
        "    subnet_ids: [subnet-0bbbbbbbbbbbbbbbb]\n",
        "    subnet_ids: [subnet-0bbbbbbbbbbbbbbbb]\n    transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa\n",
        "agent_vpcs[1].transit_gateway_id",
        "cannot serve a VPC in",
    ),
    (
        transit_gateway,
        "  - transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa\n",
        "  - transit_gateway_id: tgw-0dddddddddddddddd\n",
        "agent_vpcs[1].transit_gateway_id",
        "list its peering attachment",
    ),
    (
        transit_gateway,
        "    subnet_ids: [subnet-0bbbbbbbbbbbbbbbb]\n",
        "",
        "agent_vpcs[0].subnet_ids",
        "required without transit_gateway_attachment_id",
    ),
    (
        transit_gateway,
        "  - transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa\n",
        "  - transit_gateway_id: tgw-0123456789abcdef0\n",
        "transit_gateway_peerings[0].transit_gateway_id",
        "the endpoint VPC's own Transit Gateway",
    ),
    (
        transit_gateway,
        "    attachment_id: tgw-attach-0cccccccccccccccc\n",
        "    attachment_id: tgw-attach-0cccccccccccccccc\n  - transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa\n    attachment_id: tgw-attach-0eeeeeeeeeeeeeeee\n",
        "transit_gateway_peerings[1].transit_gateway_id",
        "list each Transit Gateway's peering once",
    ),
    (
        transit_gateway,
        "    attachment_id: tgw-attach-0cccccccccccccccc\n",
        "    attachment_id: tgw-attach-0cccccccccccccccc\n  - transit_gateway_id: tgw-0dddddddddddddddd\n    attachment_id: tgw-attach-0eeeeeeeeeeeeeeee\n",
        "transit_gateway_peerings[1].transit_gateway_id",
        "no agent VPC names",
    ),
    (
        transit_gateway,
        "    attachment_id: tgw-attach-0cccccccccccccccc\n",
        "    attachment_id: tgw-attach-0cccccccccccccccc\n  - transit_gateway_id: tgw-0dddddddddddddddd\n    attachment_id: tgw-attach-0cccccccccccccccc\n",
        "transit_gateway_peerings[1].attachment_id",
        "a peering attachment joins two Transit Gateways",
    ),
    (
        transit_gateway,
        "    attachment_id: tgw-attach-0cccccccccccccccc\n",
        "    attachment_id: tgw-attach-0aaaaaaaaaaaaaaaa\n",
        "transit_gateway_peerings[0].attachment_id",
        "is a VPC's transit_gateway_attachment_id",
    ),
    (
        transit_gateway,
        "    transit_gateway_attachment_id: tgw-attach-0aaaaaaaaaaaaaaaa\n",
        "    transit_gateway_attachment_id: tgw-attach-0123456789abcdef0\n",
        "agent_vpcs[1].transit_gateway_attachment_id",
        "an attachment joins one VPC to a Transit Gateway",
    ),
    (
        transit_gateway_created_peering,
        "    account_id: \"222222222222\"\n",
        "",
        "agent_vpcs[1].account_id",
        "required to create the Transit Gateway peering of transit_gateway_peerings[0]",
    ),
    (
        transit_gateway_created_peering,
        "  account_id: \"111111111111\"\n",
        "",
        "endpoint_vpc.account_id",
        "AWS's request names the accepter's account",
    ),
    (
        peering,
        "  account_id: \"111111111111\"\n",
        "  account_id: \"111111111111\"\n  transit_gateway_id: tgw-0123456789abcdef0\n",
        "endpoint_vpc.transit_gateway_id",
        "only kind transit-gateway uses Transit Gateways",
    ),
];

fn transit_gateway() -> &'static str {
    TRANSIT_GATEWAY
}

#[test]
fn every_semantic_rule_names_its_field() {
    for (base, from, to, path, word) in SEMANTIC {
        refuse_text(path, &with(base(), from, to), &[&at(path), word]);
    }
}

#[test]
fn the_semantic_table_covers_every_rule_of_validate() {
    // Each `Problem::new(` in src/validate.rs is one rule; the table must have at least as
    // many rows, so that a new rule without a row here fails this test.
    let source = include_str!("../src/validate.rs");
    let rules = source.matches("Problem::new(").count();
    assert!(
        SEMANTIC.len() >= rules,
        "{rules} rules in validate.rs, {} rows in SEMANTIC",
        SEMANTIC.len()
    );
}

// --- oversized ------------------------------------------------------------------------------

const LIMIT: Duration = Duration::from_secs(2);

#[test]
fn ten_megabytes_are_refused_at_once() {
    let big: Vec<u8> = "# padding\n".repeat(1024 * 1024).into_bytes();
    assert!(big.len() >= 10 * 1024 * 1024);
    let (_dir, path) = file_with(&big, "big.yaml");
    let took = refuse(
        "10 MB file",
        &path,
        None,
        &[&path, "limit of 1048576 bytes"],
    );
    assert!(took < LIMIT, "10 MB file: {took:?}");
    let took = refuse(
        "10 MB on stdin",
        "-",
        Some(big),
        &["standard input: ", "limit"],
    );
    assert!(took < LIMIT, "10 MB on stdin: {took:?}");
}

/// A compact JSON topology with `n` agent VPCs (about 80 bytes each).
fn many_agents(n: usize) -> String {
    agents_json(n, |i| format!("10.{}.{}.0/24", 1 + i / 256, i % 256), "")
}

/// A compact JSON peering topology with `n` agent VPCs, the i-th with CIDR `cidr(i)` and the
/// extra members `extra` (e.g. `,"route_table_ids":[...]`).
/// `n` agent VPCs; `{rtb}` in `extra` becomes a route table id of each VPC's own.
fn agents_json(n: usize, cidr: impl Fn(usize) -> String, extra: &str) -> String {
    let agents: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"name":"a{i}","vpc_id":"vpc-{:08x}","region":"us-east-1","cidr":"{}"{}}}"#,
                i + 1,
                cidr(i),
                extra.replace("{rtb}", &format!("rtb-{:08x}", i + 1))
            )
        })
        .collect();
    format!(
        r#"{{"version":1,"name":"acme-big","site":"us1","kind":"peering","services":["metrics"],"endpoint_vpc":{{"vpc_id":"vpc-0123456789abcdef0","region":"us-east-1","cidr":"172.16.0.0/16","subnet_ids":["subnet-0123456789abcdef0"],"route_table_ids":["rtb-0123456789abcdef0"]}},"agent_vpcs":[{}]}}"#,
        agents.join(",")
    )
}

#[test]
fn ten_thousand_agent_vpcs_hit_the_limit() {
    // Under 1 MiB, so the schema's limit on agent_vpcs answers (not the size limit).
    let json = many_agents(10_000);
    assert!(json.len() < 1024 * 1024, "{} bytes", json.len());
    let (_dir, path) = file_with(json.as_bytes(), "many.json");
    let took = refuse(
        "10,000 agent VPCs",
        &path,
        None,
        &[&at("agent_vpcs"), "at most 1000"],
    );
    assert!(took < LIMIT, "10,000 agent VPCs: {took:?}");
    // As YAML, and as indented JSON (over 1 MiB: the size limit answers first).
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let yaml = serde_yaml_ng::to_string(&value).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert!(pretty.len() > 1024 * 1024);
    for (label, text) in [("YAML", yaml), ("indented JSON", pretty)] {
        let limit = text.len() > 1024 * 1024;
        let (_dir, path) = file_with(text.as_bytes(), "many.yaml");
        let expect = if limit {
            vec!["limit of 1048576 bytes".to_string()]
        } else {
            vec![at("agent_vpcs"), "at most 1000".to_string()]
        };
        let expect: Vec<&str> = expect.iter().map(String::as_str).collect();
        let took = refuse(
            &format!("10,000 agent VPCs ({label})"),
            &path,
            None,
            &expect,
        );
        assert!(took < LIMIT, "10,000 agent VPCs as {label}: {took:?}");
    }
}

#[test]
fn other_limits() {
    let t = many_agents(1001);
    refuse_text("1001 agent VPCs", &t, &[&at("agent_vpcs"), "at most 1000"]);
    let tags: String = (0..41).map(|i| format!("  t{i}: v\n")).collect();
    let t = with(same_region(), "  team: platform\n", &tags);
    refuse_text("41 tags", &t, &[&at("tags"), "at most 40"]);
    let t = with(
        same_region(),
        "  team: platform",
        &format!("  {}: v", "k".repeat(129)),
    );
    refuse_text("long tag key", &t, &["tags.kkk", "invalid tag key", "128"]);
    let t = with(
        same_region(),
        "  team: platform",
        &format!("  team: {}", "v".repeat(257)),
    );
    refuse_text("long tag value", &t, &[&at("tags.team"), "256"]);
    let t = with(
        same_region(),
        "  cidr: 10.0.0.0/16",
        &format!("  cidr: 10.0.0.0/16\n  profile: {}", "p".repeat(129)),
    );
    refuse_text("long profile", &t, &[&at("endpoint_vpc.profile"), "128"]);
}

#[test]
fn a_thousand_overlapping_vpcs_give_one_problem_each() {
    // Every pair overlaps: 499,500 pairs, but one line per VPC, quickly.
    let t = agents_json(
        1000,
        |_| "10.0.0.0/24".to_string(),
        r#","route_table_ids":["{rtb}"]"#,
    );
    let (_dir, path) = file_with(t.as_bytes(), "overlaps.json");
    let took = refuse(
        "1000 overlapping agent VPCs",
        &path,
        None,
        &[
            &at("agent_vpcs[999].cidr"),
            "overlaps agent_vpcs[0].cidr (10.0.0.0/24) and 998 more",
        ],
    );
    assert!(took < LIMIT, "1000 overlapping agent VPCs: {took:?}");
    let (out, _) = run(&["validate", "-f", &path], None);
    let lines = text(&out.stderr).lines().count();
    assert_eq!(
        lines,
        1 + 999 + 1,
        "one line per overlapping VPC, and the peering limit"
    );
}

/// AWS allows at most 125 active peering connections on one VPC (a hard limit): 126 agent VPCs
/// are refused, naming the limit; 125 pass, with the default quota (50) as a warning.
#[test]
fn more_peerings_than_aws_allows_on_a_vpc() {
    let topology = |n| {
        agents_json(
            n,
            |i| format!("10.{}.{}.0/24", 1 + i / 256, i % 256),
            r#","route_table_ids":["{rtb}"]"#,
        )
    };
    let (_dir, path) = file_with(topology(126).as_bytes(), "126.json");
    refuse(
        "126 agent VPCs",
        &path,
        None,
        &[
            &at("agent_vpcs"),
            "at most 125 active VPC peering connections",
        ],
    );
    let (_dir, path) = file_with(topology(125).as_bytes(), "125.json");
    let (out, _) = run(&["validate", "-f", &path], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: agent_vpcs: needs 125 active peering connections")
            && stderr.contains("the default quota is 50")
            && stderr.contains("Active VPC peering connections per VPC"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: endpoint_vpc.route_table_ids: needs 125 routes"),
        "{stderr}"
    );
}

#[test]
fn expansion_and_nesting_bombs_are_refused_quickly() {
    let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
    let mut prev = 'a';
    for name in "bcdefghi".chars() {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 10].join(",")
        ));
        prev = name;
    }
    let deep_flow = "[".repeat(1024 * 1023);
    let deep_json = format!("{{\"a\":{}", "[".repeat(1024 * 1000));
    let deep_map = format!("a: {}", "{a: ".repeat(200_000));
    for (label, contents, expect) in [
        ("alias bomb", bomb, "YAML syntax error"),
        ("deep flow sequences", deep_flow, "nested more than 1000"),
        ("deep flow mappings", deep_map, "nested more than 1000"),
        ("deep JSON", deep_json, "JSON syntax error"),
    ] {
        let (_dir, path) = file_with(contents.as_bytes(), "bomb.yaml");
        let took = refuse(label, &path, None, &[expect]);
        assert!(took < LIMIT, "{label}: {took:?}");
    }
}

/// The classes above, through one file each, left no `-o` output even when the directory
/// had to be created inside a directory that does not exist yet.
#[test]
fn nested_output_dir_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let (_d, path) = file_with(b"", "empty.yaml");
    let out_dir: PathBuf = dir.path().join("a/b/c");
    let (out, _) = run(
        &[
            "cloudformation",
            "-f",
            &path,
            "-o",
            &out_dir.display().to_string(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("a").exists());
}
