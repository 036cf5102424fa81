//! Terraform output: escaping, per-kind arguments, alignment with optional arguments.

mod support;

use ddpl_gen::{Catalog, Plan, render};
use support::fixtures::{CROSS_REGION, same_region_metrics_logs};

fn plan(text: &str) -> Plan {
    ddpl_gen::plan_from_text(text, "test.yaml", &Catalog::embedded()).expect("valid topology")
}

const PEERING: &str = r#"
version: 1
name: acme-peer
site: us1
kind: peering
services: [metrics]
endpoint_vpc:
  vpc_id: vpc-0111111111111111a
  region: us-east-1
  cidr: 10.0.0.0/16
  subnet_ids: [subnet-0111111111111111a]
  route_table_ids: [rtb-0111111111111111a]
  account_id: "111111111111"
agent_vpcs:
  - name: eu-prod
    vpc_id: vpc-0222222222222222a
    region: eu-west-1
    cidr: 10.20.0.0/16
    route_table_ids: [rtb-0222222222222222a]
    account_id: "222222222222"
    profile: it's "${x}"
"#;

/// The lines of the block that starts with `header`, up to its closing `}`.
fn block<'a>(tf: &'a str, header: &str) -> Vec<&'a str> {
    let start = tf
        .find(header)
        .unwrap_or_else(|| panic!("no {header:?} in:\n{tf}"));
    tf[start..].lines().take_while(|l| *l != "}").collect()
}

#[test]
fn user_text_is_escaped() {
    // A profile may hold any printable text: quotes and template sequences stay literal.
    let mut p = plan(PEERING);
    let tf = render::terraform(&p).unwrap();
    let profiles = block(&tf, r#"variable "profiles" {"#);
    assert!(
        profiles.contains(&r#"    a222222222222_eu_west_1 = "it's \"$${x}\"""#),
        "{tf}"
    );
    assert!(tf.contains(
        r#"  profile             = lookup(var.profiles, "a222222222222_eu_west_1", null)"#
    ));
    // In the error message the profile is a single-quoted shell word inside the HCL string
    // (a format() text: a `%` of the topology's would be doubled).
    assert!(tf.contains(r#"--profile 'it'\\''s \"$${x}\"'"#), "{tf}");

    // Tag values are restricted by the schema; the renderer must still be safe with any.
    for tag in &mut p.tags {
        if tag.key == "ddpl:name" {
            tag.value = r#"a "b" ${c} %{d} e\f"#.into();
        }
    }
    p.name_tag.value = r#"a "b" ${c} %{d} e\f"#.into();
    let tf = render::terraform(&p).unwrap();
    assert!(
        tf.contains(r#"  tags = merge(var.tags, { "ddpl:name" = "a \"b\" $${c} %%{d} e\\f" })"#),
        "{tf}"
    );
    assert!(!tf.contains("${c}\""));
}

/// The endpoint VPC's `aws_vpc_endpoint.endpoint` table entry of a key.
fn endpoint_entry<'a>(tf: &'a str, key: &str) -> Vec<&'a str> {
    let start = tf
        .find(&format!("    \"{key}\" = {{\n"))
        .unwrap_or_else(|| panic!("no endpoint {key:?} in:\n{tf}"));
    tf[start..].lines().take_while(|l| *l != "    }").collect()
}

#[test]
fn cross_region_sets_service_region_and_same_region_does_not() {
    let tf = render::terraform(&plan(CROSS_REGION)).unwrap();
    let ep = block(&tf, r#"resource "aws_vpc_endpoint" "endpoint""#);
    assert!(
        ep.contains(&"  service_region      = each.value.service_region"),
        "{tf}"
    );
    let metrics = endpoint_entry(&tf, "metrics");
    assert!(
        metrics.contains(&r#"      service_region      = "us-east-1""#),
        "{tf}"
    );
    assert!(
        metrics.contains(&"      private_dns_enabled = true"),
        "{tf}"
    );
    assert!(
        tf.contains("# Warning: Cross-region PrivateLink endpoints emit no CloudWatch metrics.")
    );

    let tf = render::terraform(&plan(same_region_metrics_logs())).unwrap();
    assert!(!tf.contains("service_region"), "{tf}");
    let ep = block(&tf, r#"resource "aws_vpc_endpoint" "endpoint""#);
    assert!(endpoint_entry(&tf, "metrics").contains(&"      private_dns_enabled = true"));
    assert!(ep.contains(&"  security_group_ids  = [aws_security_group.endpoint.id]"));
    assert!(!tf.contains("aws_route53"), "{tf}");
}

#[test]
fn every_block_names_its_provider() {
    for text in [same_region_metrics_logs(), CROSS_REGION, PEERING] {
        let tf = render::terraform(&plan(text)).unwrap();
        let mut blocks = 0;
        let lines: Vec<&str> = tf.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if line.starts_with("resource ") || line.starts_with("data ") {
                blocks += 1;
                // After `for_each` (one line, or a table up to its closing brace) and its
                // blank line, if the block has one.
                let mut next = i + 1;
                if lines[next].starts_with("  for_each = ") {
                    if lines[next].ends_with('{') {
                        while lines[next] != "  }" {
                            next += 1;
                        }
                    }
                    assert_eq!(lines[next + 1], "", "{line}");
                    next += 2;
                }
                assert!(
                    lines[next].trim_start().starts_with("provider ")
                        && lines[next].contains("= aws."),
                    "{line} is followed by {}",
                    lines[next]
                );
            }
        }
        assert!(blocks > 0);
        // What the code needs (service_region: 5.83), and no 6.x it was not proven with.
        assert!(tf.contains("version = \">= 5.83, < 7.0\""));
        assert!(tf.contains("required_version = \">= 1.5\""));
        assert!(!tf.contains("0.0.0.0/0"));
    }
}

#[test]
fn peering_turns_private_dns_off_and_checks_dns_attributes() {
    let tf = render::terraform(&plan(PEERING)).unwrap();
    assert!(endpoint_entry(&tf, "metrics").contains(&"      private_dns_enabled = false"));

    for (check, name, args) in [
        (
            "endpoint",
            "VPC %s (endpoint VPC, us-east-1)",
            "self.id, self.id, self.id",
        ),
        (
            "agents_a222222222222_eu_west_1",
            "VPC %s (agent VPC %s, eu-west-1)",
            "self.id, each.key, self.id, self.id",
        ),
    ] {
        let data = block(&tf, &format!("data \"aws_vpc\" \"{check}\""));
        assert!(data.contains(&"    postcondition {"), "{tf}");
        assert!(
            data.contains(
                &"      condition     = self.enable_dns_support && self.enable_dns_hostnames"
            ),
            "{tf}"
        );
        let message = data
            .iter()
            .find(|l| l.contains("error_message"))
            .expect("an error message");
        assert!(message.contains(name), "{message}");
        assert!(
            message.ends_with(&format!(" and plan again.\", {args})")),
            "{message}"
        );
        for attribute in ["--enable-dns-support", "--enable-dns-hostnames"] {
            assert!(
                message.contains(&format!("--vpc-id %s {attribute} Value=true")),
                "{message}"
            );
        }
    }

    // The zone waits for the check of the endpoint VPC; it ignores the associations
    // that are separate resources.
    let zone = block(&tf, r#"resource "aws_route53_zone" "endpoint""#);
    assert!(
        zone.contains(&r#"    "metrics" = "metrics.agent.datadoghq.com""#),
        "{tf}"
    );
    assert!(
        zone.contains(&"  depends_on = [data.aws_vpc.endpoint]"),
        "{tf}"
    );
    assert!(zone.contains(&"    ignore_changes = [vpc]"), "{tf}");
    let record = block(&tf, r#"resource "aws_route53_record" "endpoint""#);
    assert!(record.contains(&"  for_each = aws_route53_zone.endpoint"));
    assert!(
        record.contains(
            &"    name                   = local.regional_dns_entries[each.key].dns_name"
        )
    );
    // The regional entry, whatever the order of the endpoint's DNS entries.
    let regional = block(&tf, "locals {\n  # Each endpoint's regional DNS entry");
    assert!(
        regional.iter().any(|l| l.contains(r#"if can(regex("^vpce-[0-9a-z]+-[0-9a-z]+\\.", entry.dns_name))"#)),
        "{tf}"
    );

    // Another account: the zone owner authorizes, the VPC owner associates; one resource per
    // provider, one instance per agent VPC and zone.
    let auth = block(
        &tf,
        r#"resource "aws_route53_vpc_association_authorization" "agents""#,
    );
    assert!(
        auth.contains(
            &"  for_each = { for key, a in local.zone_associations : key => a if a.cross_account }"
        ),
        "{tf}"
    );
    assert!(auth.contains(&"  provider   = aws.a111111111111_us_east_1"));
    assert!(auth.contains(&"  depends_on = [data.aws_vpc.agents_a222222222222_eu_west_1]"));
    let assoc = block(
        &tf,
        r#"resource "aws_route53_zone_association" "agents_a222222222222_eu_west_1""#,
    );
    assert!(assoc.contains(&"  provider   = aws.a222222222222_eu_west_1"));
    assert!(assoc.contains(&"  depends_on = [aws_route53_vpc_association_authorization.agents]"));
    assert!(assoc.contains(&"  vpc_region = each.value.region"));
    assert_eq!(
        tf.matches("resource \"aws_route53_zone_association\"")
            .count(),
        1
    );

    // The agent VPC's row: peering across account and region.
    let row = block(&tf, "    eu-prod = {");
    assert!(
        row.contains(&r#"      peer_owner_id   = "222222222222""#),
        "{tf}"
    );
    assert!(
        row.contains(&r#"      peer_region     = "eu-west-1""#),
        "{tf}"
    );
    assert!(row.contains(&"      cross_account   = true"), "{tf}");
    assert!(row.contains(&r#"      vpc_id          = var.agent_vpcs["eu-prod"].vpc_id"#));
    let accepter = block(
        &tf,
        r#"resource "aws_vpc_peering_connection_accepter" "agents_a222222222222_eu_west_1""#,
    );
    assert!(accepter.contains(&"  provider                  = aws.a222222222222_eu_west_1"));
    assert!(accepter.contains(&"  auto_accept               = true"));
    let back = block(
        &tf,
        r#"resource "aws_route" "agents_a222222222222_eu_west_1""#,
    );
    assert!(back.contains(&"  provider                  = aws.a222222222222_eu_west_1"));
    assert!(back.contains(&r#"  destination_cidr_block    = "10.0.0.0/16""#));
}

#[test]
fn same_account_association_uses_the_zone_owner() {
    let text = PEERING
        .replace(
            "    account_id: \"222222222222\"\n",
            "    account_id: \"111111111111\"\n",
        )
        .replace("    profile: it's \"${x}\"\n", "");
    let tf = render::terraform(&plan(&text)).unwrap();
    assert!(!tf.contains("aws_route53_vpc_association_authorization"));
    let assoc = block(&tf, r#"resource "aws_route53_zone_association" "agents""#);
    assert!(
        assoc.contains(
            &"  for_each = { for key, a in local.zone_associations : key => a if !a.cross_account }"
        ),
        "{tf}"
    );
    assert!(
        assoc.contains(&"  provider   = aws.a111111111111_us_east_1"),
        "{tf}"
    );
    assert!(
        assoc.contains(&"  depends_on = [data.aws_vpc.agents_a111111111111_eu_west_1]"),
        "{tf}"
    );
    let row = block(&tf, "    eu-prod = {");
    assert!(row.contains(&"      peer_owner_id   = null"), "{tf}");
    assert!(
        row.contains(&r#"      peer_region     = "eu-west-1""#),
        "{tf}"
    );
}

/// Upgrades rename, never recreate: every 0.1.0 address that changed has a `moved` block.
#[test]
fn moved_blocks_name_the_0_1_addresses() {
    let tf = render::terraform(&plan(PEERING)).unwrap();
    for (from, to) in [
        (
            "aws_vpc_endpoint.metrics",
            r#"aws_vpc_endpoint.endpoint["metrics"]"#,
        ),
        (
            "aws_vpc_security_group_ingress_rule.endpoint_https_10_20_0_0_16",
            r#"aws_vpc_security_group_ingress_rule.endpoint["10.20.0.0/16"]"#,
        ),
        (
            "aws_route53_zone.metrics",
            r#"aws_route53_zone.endpoint["metrics"]"#,
        ),
        (
            "aws_vpc_peering_connection.eu_prod",
            r#"aws_vpc_peering_connection.agents["eu-prod"]"#,
        ),
        (
            "aws_vpc_peering_connection_accepter.eu_prod",
            r#"aws_vpc_peering_connection_accepter.agents_a222222222222_eu_west_1["eu-prod"]"#,
        ),
        (
            "aws_route.eu_prod_to_agent_rtb_0111111111111111a",
            r#"aws_route.to_agents["eu-prod rtb-0111111111111111a"]"#,
        ),
        (
            r#"aws_route53_zone_association.eu_prod["metrics"]"#,
            r#"aws_route53_zone_association.agents_a222222222222_eu_west_1["eu-prod metrics"]"#,
        ),
    ] {
        let block = format!("moved {{\n  from = {from}\n  to   = {to}\n}}\n");
        assert!(tf.contains(&block), "no\n{block}in:\n{tf}");
    }
    // Unchanged addresses have none (Terraform refuses a move onto itself).
    assert!(!tf.contains("from = aws_security_group.endpoint\n"));
}
