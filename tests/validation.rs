//! One test per validation rule: each asserts the error names the field and says what would
//! be valid. Topologies start from a valid base and break one thing.

mod support;

use ddpl_gen::{Catalog, Error, Problem};
use support::fixtures::{PEERING, SAME_REGION, with};

fn problems(text: &str) -> Vec<Problem> {
    match ddpl_gen::plan_from_text(text, "test.yaml", &Catalog::embedded()) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => {
            assert_eq!(e.exit_code(), 2, "{e}");
            assert!(matches!(e, Error::Invalid { .. }), "{e:?}");
            e.problems().to_vec()
        }
    }
}

/// Asserts exactly one problem is reported at `path` and its message contains every `words`.
fn assert_problem(text: &str, path: &str, words: &[&str]) {
    let found = problems(text);
    let at: Vec<&Problem> = found.iter().filter(|p| p.path == path).collect();
    assert!(!at.is_empty(), "no problem at {path}; got {found:#?}");
    for w in words {
        assert!(
            at.iter().any(|p| p.message.contains(w)),
            "problem at {path} lacks {w:?}: {at:#?}"
        );
    }
}

#[test]
fn bases_are_valid() {
    for t in [SAME_REGION, PEERING] {
        ddpl_gen::plan_from_text(t, "t", &Catalog::embedded()).unwrap();
    }
}

// --- schema (first gate) ---

#[test]
fn unknown_key_is_named_with_the_valid_ones() {
    let t = with(
        SAME_REGION,
        "  region: us-east-1",
        "  region: us-east-1\n  subnets: [x]",
    );
    assert_problem(&t, "endpoint_vpc.subnets", &["unknown field", "subnet_ids"]);
}

#[test]
fn missing_required_field() {
    let t = with(SAME_REGION, "  cidr: 10.0.0.0/16\n", "");
    assert_problem(&t, "endpoint_vpc.cidr", &["required", "10.0.0.0/16"]);
}

#[test]
fn wrong_type() {
    let t = with(
        SAME_REGION,
        "  subnet_ids: [subnet-0123456789abcdef0]",
        "  subnet_ids: subnet-0123456789abcdef0",
    );
    assert_problem(&t, "endpoint_vpc.subnet_ids", &["expected array", "string"]);
}

#[test]
fn bad_name_pattern() {
    let t = with(SAME_REGION, "name: acme-prod", "name: Acme_Prod");
    assert_problem(&t, "name", &["\"Acme_Prod\"", "lowercase"]);
}

#[test]
fn bad_kind() {
    let t = with(SAME_REGION, "kind: same-region", "kind: vpn");
    assert_problem(&t, "kind", &["\"vpn\"", "peering"]);
}

#[test]
fn bad_version() {
    let t = with(SAME_REGION, "version: 1", "version: 2");
    assert_problem(&t, "version", &["2", "1"]);
}

#[test]
fn bad_ids() {
    let t = with(
        SAME_REGION,
        "vpc_id: vpc-0123456789abcdef0",
        "vpc_id: vpc-xyz",
    );
    assert_problem(
        &t,
        "endpoint_vpc.vpc_id",
        &["vpc-xyz", "vpc-0123456789abcdef0"],
    );
    let t = with(
        SAME_REGION,
        "[subnet-0123456789abcdef0]",
        "[subnet-0123456789abcdef0, sub-1]",
    );
    assert_problem(&t, "endpoint_vpc.subnet_ids[1]", &["sub-1", "subnet-"]);
}

#[test]
fn account_id_must_be_quoted_digits() {
    let t = with(
        SAME_REGION,
        "  subnet_ids:",
        "  account_id: 111111111111\n  subnet_ids:",
    );
    assert_problem(
        &t,
        "endpoint_vpc.account_id",
        &["expected string", "12-digit"],
    );
}

#[test]
fn tag_value_with_forbidden_characters() {
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\ntags: {team: \"a;b\"}",
    );
    assert_problem(&t, "tags.team", &["\"a;b\"", "256"]);
}

#[test]
fn tag_key_too_long() {
    let key = "k".repeat(129);
    let t = with(
        SAME_REGION,
        "kind: same-region",
        &format!("kind: same-region\ntags: {{{key}: v}}"),
    );
    assert_problem(&t, &format!("tags.{key}"), &["128"]);
}

#[test]
fn all_schema_errors_are_reported_together() {
    let t = with(
        &with(SAME_REGION, "name: acme-prod", "name: X"),
        "kind: same-region",
        "kind: vpn",
    );
    let found = problems(&t);
    assert!(
        found.iter().any(|p| p.path == "name") && found.iter().any(|p| p.path == "kind"),
        "{found:#?}"
    );
}

// --- semantic rules (second gate) ---

#[test]
fn site_without_privatelink_is_refused_by_name() {
    for site in ["eu", "us3", "us5", "gov", "datadoghq.eu", "ddog-gov.com"] {
        let t = with(SAME_REGION, "site: us1", &format!("site: {site}"));
        assert_problem(
            &t,
            "site",
            &["does not offer AWS PrivateLink", "us1", "ap1", "ap2"],
        );
    }
}

#[test]
fn unknown_site() {
    let t = with(SAME_REGION, "site: us1", "site: mars1");
    assert_problem(&t, "site", &["unknown site", "\"mars1\"", "ap2"]);
}

#[test]
fn site_domains_are_accepted() {
    for site in ["datadoghq.com", "ap1.datadoghq.com", "ap2.datadoghq.com"] {
        let region = match site {
            "datadoghq.com" => "us-east-1",
            "ap1.datadoghq.com" => "ap-northeast-1",
            _ => "ap-southeast-2",
        };
        let t = with(
            &with(SAME_REGION, "site: us1", &format!("site: {site}")),
            "region: us-east-1",
            &format!("region: {region}"),
        );
        ddpl_gen::plan_from_text(&t, "t", &Catalog::embedded()).unwrap();
    }
}

#[test]
fn unknown_service_lists_known_ones() {
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\nservices: [metrics, logz]",
    );
    assert_problem(
        &t,
        "services[1]",
        &["\"logz\"", "logs-agent", "remote-config"],
    );
}

#[test]
fn duplicate_service_is_refused() {
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\nservices: [metrics, metrics]",
    );
    assert_problem(&t, "services", &["unique"]);
}

#[test]
fn same_region_must_be_in_the_site_region() {
    let t = with(SAME_REGION, "region: us-east-1", "region: eu-west-1");
    assert_problem(&t, "endpoint_vpc.region", &["us-east-1", "cross-region"]);
}

#[test]
fn cross_region_must_not_be_in_the_site_region() {
    let t = with(SAME_REGION, "kind: same-region", "kind: cross-region");
    assert_problem(
        &t,
        "endpoint_vpc.region",
        &["site's own region", "same-region"],
    );
}

#[test]
fn peering_endpoint_must_be_in_the_site_region() {
    let t = with(PEERING, "  region: us-east-1", "  region: us-west-2");
    assert_problem(&t, "endpoint_vpc.region", &["us-east-1"]);
}

#[test]
fn agent_vpcs_only_with_peering() {
    let t = with(PEERING, "kind: peering", "kind: same-region");
    assert_problem(
        &t,
        "agent_vpcs",
        &["only kinds peering and transit-gateway"],
    );
    assert_problem(
        &t,
        "endpoint_vpc.route_table_ids",
        &["only kinds peering and transit-gateway"],
    );
}

#[test]
fn peering_needs_agent_vpcs() {
    let cut = PEERING.find("agent_vpcs:").unwrap();
    assert_problem(&PEERING[..cut], "agent_vpcs", &["at least one agent VPC"]);
}

#[test]
fn overlapping_cidrs_name_both_fields() {
    let t = with(PEERING, "cidr: 10.20.0.0/16", "cidr: 10.0.128.0/17");
    assert_problem(
        &t,
        "agent_vpcs[0].cidr",
        &["overlaps endpoint_vpc.cidr", "10.0.0.0/16"],
    );
}

#[test]
fn overlap_between_agent_vpcs() {
    let second = "\n  - name: eu-dev\n    vpc_id: vpc-0bbbbbbbbbbbbbbbb\n    region: eu-west-1\n    cidr: 10.20.5.0/24\n    route_table_ids: [rtb-0bbbbbbbbbbbbbbbb]\n";
    let t = format!("{}{second}", PEERING.trim_end());
    assert_problem(&t, "agent_vpcs[1].cidr", &["overlaps agent_vpcs[0].cidr"]);
}

#[test]
fn cidr_with_host_bits_or_bad_size() {
    let t = with(SAME_REGION, "cidr: 10.0.0.0/16", "cidr: 10.0.0.1/16");
    assert_problem(&t, "endpoint_vpc.cidr", &["host bits", "10.0.0.0/16"]);
    let t = with(SAME_REGION, "cidr: 10.0.0.0/16", "cidr: 10.0.0.0/8");
    assert_problem(&t, "endpoint_vpc.cidr", &["/16 to /28"]);
    let t = with(SAME_REGION, "cidr: 10.0.0.0/16", "cidr: 999.0.0.0/16");
    assert_problem(&t, "endpoint_vpc.cidr", &["not an IPv4 address"]);
}

#[test]
fn open_world_allowed_cidr_is_refused() {
    let t = with(
        SAME_REGION,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.0/16\n  allowed_cidrs: [0.0.0.0/0]",
    );
    assert_problem(&t, "endpoint_vpc.allowed_cidrs[0]", &["every source"]);
}

#[test]
fn allowed_cidrs_with_existing_security_groups() {
    let t = with(
        SAME_REGION,
        "  cidr: 10.0.0.0/16",
        "  cidr: 10.0.0.0/16\n  allowed_cidrs: [10.9.0.0/16]\n  security_group_ids: [sg-0123456789abcdef0]",
    );
    assert_problem(&t, "endpoint_vpc.allowed_cidrs", &["security_group_ids"]);
}

#[test]
fn agent_vpc_names_are_unique() {
    let second = "\n  - name: eu-prod\n    vpc_id: vpc-0bbbbbbbbbbbbbbbb\n    region: eu-west-1\n    cidr: 10.21.0.0/16\n    route_table_ids: [rtb-0bbbbbbbbbbbbbbbb]\n";
    let t = format!("{}{second}", PEERING.trim_end());
    assert_problem(&t, "agent_vpcs[1].name", &["\"eu-prod\"", "unique"]);
}

#[test]
fn agent_vpc_cannot_be_the_endpoint_vpc() {
    let t = with(
        PEERING,
        "vpc_id: vpc-0aaaaaaaaaaaaaaaa",
        "vpc_id: vpc-0123456789abcdef0",
    );
    assert_problem(&t, "agent_vpcs[0].vpc_id", &["endpoint_vpc.vpc_id"]);
}

#[test]
fn agent_vpc_name_endpoint_is_reserved() {
    let t = with(PEERING, "name: eu-prod", "name: endpoint");
    assert_problem(&t, "agent_vpcs[0].name", &["endpoint VPC"]);
}

#[test]
fn peering_needs_route_tables_on_both_sides() {
    let t = with(PEERING, "  route_table_ids: [rtb-0123456789abcdef0]\n", "");
    assert_problem(
        &t,
        "endpoint_vpc.route_table_ids",
        &["required with kind peering", "rtb-"],
    );
    let t = with(
        PEERING,
        "    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]\n",
        "",
    );
    assert_problem(
        &t,
        "agent_vpcs[0].route_table_ids",
        &["required with kind peering"],
    );
}

#[test]
fn secrets_manager_needs_agent_subnets() {
    let t = with(
        PEERING,
        "kind: peering",
        "kind: peering\nsecrets_manager_endpoint: true",
    );
    assert_problem(
        &t,
        "agent_vpcs[0].subnet_ids",
        &["secrets_manager_endpoint"],
    );
}

#[test]
fn agent_account_needs_endpoint_account() {
    let t = with(PEERING, "  account_id: \"111111111111\"\n", "");
    assert_problem(&t, "endpoint_vpc.account_id", &["agent_vpcs[0].account_id"]);
}

#[test]
fn role_arn_must_be_in_the_account() {
    let t = with(
        PEERING,
        "  account_id: \"111111111111\"",
        "  account_id: \"111111111111\"\n  role_arn: arn:aws:iam::999999999999:role/deploy",
    );
    assert_problem(
        &t,
        "endpoint_vpc.role_arn",
        &["999999999999", "111111111111"],
    );
}

#[test]
fn reserved_tag_keys() {
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\ntags: {\"aws:x\": y}",
    );
    assert_problem(&t, "tags.aws:x", &["aws:"]);
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\ntags: {\"ddpl:name\": y}",
    );
    assert_problem(&t, "tags.ddpl:name", &["set by ddpl-gen"]);
}

#[test]
fn semantic_errors_are_reported_together() {
    let t = with(
        &with(PEERING, "site: us1", "site: eu"),
        "cidr: 10.20.0.0/16",
        "cidr: 10.0.0.0/16",
    );
    let found = problems(&t);
    assert!(found.iter().any(|p| p.path == "site"), "{found:#?}");
    assert!(
        found.iter().any(|p| p.path == "agent_vpcs[0].cidr"),
        "{found:#?}"
    );
}

// --- syntax ---

#[test]
fn yaml_syntax_error_gives_line_and_column() {
    let found = problems("version: 1\nname: acme\n  bad: [\n");
    assert!(found[0].message.contains("line"), "{found:#?}");
    assert!(found[0].message.contains("column"), "{found:#?}");
}

#[test]
fn services_all_and_default_select_every_key() {
    let catalog = Catalog::embedded();
    let all = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\nservices: [all]",
    );
    let a = ddpl_gen::plan_from_text(&all, "t", &catalog).unwrap();
    let b = ddpl_gen::plan_from_text(SAME_REGION, "t", &catalog).unwrap();
    assert_eq!(a.keys, catalog.keys);
    assert_eq!(b.keys, catalog.keys);
    assert_eq!(a.endpoint_vpc.endpoints.len(), 10);
}

#[test]
fn shared_service_names_give_one_endpoint() {
    let t = with(
        &with(
            &with(SAME_REGION, "site: us1", "site: ap2"),
            "region: us-east-1",
            "region: ap-southeast-2",
        ),
        "kind: same-region",
        "kind: same-region\nservices: [logs-agent, logs-user]",
    );
    let plan = ddpl_gen::plan_from_text(&t, "t", &Catalog::embedded()).unwrap();
    assert_eq!(plan.endpoint_vpc.endpoints.len(), 1);
    assert_eq!(plan.endpoint_vpc.endpoints[0].service_id, "gold");
    assert_eq!(
        plan.endpoint_vpc.endpoints[0].keys,
        vec!["logs-agent", "logs-user"]
    );
}

#[test]
fn us1_uses_the_2026_anchors() {
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\nservices: [api, traces]",
    );
    let plan = ddpl_gen::plan_from_text(&t, "t", &Catalog::embedded()).unwrap();
    let names: Vec<&str> = plan
        .endpoint_vpc
        .endpoints
        .iter()
        .map(|e| e.service_name.as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "com.amazonaws.vpce.us-east-1.vpce-svc-07895350fd0109264",
            "com.amazonaws.vpce.us-east-1.vpce-svc-0ee865cd1c0a7ba32"
        ]
    );
}

// --- selection by host ---

fn plan_of(text: &str) -> ddpl_gen::Plan {
    ddpl_gen::plan_from_text(text, "t", &Catalog::embedded()).unwrap()
}

fn endpoint_ids(plan: &ddpl_gen::Plan) -> Vec<&str> {
    plan.endpoint_vpc
        .endpoints
        .iter()
        .map(|e| e.service_id.as_str())
        .collect()
}

fn with_hosts(services: &str, hosts: &str) -> String {
    with(
        SAME_REGION,
        "kind: same-region",
        &format!("kind: same-region\n{services}hosts: [{hosts}]"),
    )
}

#[test]
fn hosts_alone_create_only_what_they_need() {
    let plan = plan_of(&with_hosts(
        "",
        "otlp.datadoghq.com, opamp.datadoghq.com, eu.api.datadoghq.com",
    ));
    assert!(plan.keys.is_empty());
    assert_eq!(endpoint_ids(&plan), vec!["orchid", "brown"]);
    let brown = &plan.endpoint_vpc.endpoints[1];
    assert_eq!(
        brown.chosen_by,
        vec!["otlp.datadoghq.com", "opamp.datadoghq.com"]
    );
    assert_eq!(plan.hosts[2].row, "*.api.datadoghq.com");
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    // Host names compare without case: the same host twice chooses once.
    let twice = plan_of(&with_hosts("", "otlp.datadoghq.com, OTLP.datadoghq.com"));
    assert_eq!(twice.hosts.len(), 1);
    assert_eq!(
        twice.endpoint_vpc.endpoints[0].chosen_by,
        vec!["otlp.datadoghq.com"]
    );
}

#[test]
fn services_and_hosts_combine() {
    let plan = plan_of(&with_hosts(
        "services: [metrics, api]\n",
        "api.datadoghq.com, mcp.datadoghq.com",
    ));
    assert_eq!(plan.keys, vec!["api", "metrics"]);
    assert_eq!(endpoint_ids(&plan), vec!["orchid", "metrics", "cornsilk"]);
}

#[test]
fn optional_keys_are_selected_by_name_only() {
    let t = with(
        SAME_REGION,
        "kind: same-region",
        "kind: same-region\nservices: [all, otlp, rum]",
    );
    let plan = plan_of(&t);
    assert_eq!(plan.endpoint_vpc.endpoints.len(), 12);
    assert!(endpoint_ids(&plan).ends_with(&["brown", "gray"]));
}

#[test]
fn a_key_the_site_lacks_lists_the_site_keys() {
    let t = with(
        &with(
            &with(SAME_REGION, "site: us1", "site: ap2"),
            "region: us-east-1",
            "region: ap-southeast-2",
        ),
        "kind: same-region",
        "kind: same-region\nservices: [metrics, mcp]",
    );
    assert_problem(
        &t,
        "services[1]",
        &[
            "\"mcp\" is not offered on site ap2",
            "otlp",
            "live-logs",
            "or all",
        ],
    );
}

#[test]
fn a_host_of_no_row_is_named_with_hints() {
    let t = with_hosts("", "otlp.datadoghq.com, trace.agent.ap1.datadoghq.com");
    assert_problem(
        &t,
        "hosts[1]",
        &[
            "site ap1 serves it (traces)",
            "nearest rows: trace.agent.datadoghq.com",
        ],
    );
}

#[test]
fn the_catch_all_warns_unless_named() {
    let plan = plan_of(&with_hosts("", "app.datadoghq.com"));
    assert_eq!(endpoint_ids(&plan), vec!["orange"]);
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(
        plan.warnings[0]
            .contains("app.datadoghq.com is served only by the catch-all *.datadoghq.com (orange)")
    );
    assert!(plan.warnings[0].contains("list orange.intake.datadoghq.com in hosts"));
    let confirmed = plan_of(&with_hosts(
        "",
        "app.datadoghq.com, orange.intake.datadoghq.com",
    ));
    assert_eq!(endpoint_ids(&confirmed), vec!["orange"]);
    assert!(confirmed.warnings.is_empty(), "{:?}", confirmed.warnings);
}

#[test]
fn uk1_maps_the_ten_keys_to_its_anchors() {
    let t = with(
        &with(SAME_REGION, "site: us1", "site: uk1"),
        "region: us-east-1",
        "region: eu-west-2",
    );
    let plan = plan_of(&t);
    assert_eq!(
        endpoint_ids(&plan),
        vec![
            "gold", "orchid", "beige", "linen", "bisque", "cyan", "lime", "white", "violet"
        ]
    );
    assert!(
        plan.endpoint_vpc.endpoints[0]
            .service_name
            .starts_with("com.amazonaws.vpce.eu-west-2.vpce-svc-03fb3a3dd752ef336")
    );
    assert_problem(
        &with(&t, "site: uk1", "site: gov2"),
        "site",
        &[
            "us2.ddog-gov.com",
            "does not offer AWS PrivateLink",
            "uk1 (uk1.datadoghq.com)",
        ],
    );
}

#[test]
fn peering_gives_one_zone_per_anchor() {
    let t = with(
        PEERING,
        "kind: peering",
        "kind: peering\nhosts: [otlp.datadoghq.com, opamp.datadoghq.com, eu.api.datadoghq.com]",
    );
    let plan = plan_of(&t);
    let zones: Vec<&str> = plan.zones().iter().map(|z| z.name.as_str()).collect();
    assert_eq!(
        zones,
        vec!["orchid.intake.datadoghq.com", "brown.intake.datadoghq.com"]
    );
}
