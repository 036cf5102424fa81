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
    assert!(
        tf.contains(r#"  profile             = "it's \"$${x}\"""#),
        "{tf}"
    );
    // In the error message the profile is a single-quoted shell word inside the HCL string.
    assert!(tf.contains(r#"--profile 'it'\\''s \"$${x}\"'"#), "{tf}");

    // Tag values are restricted by the schema; the renderer must still be safe with any.
    for tag in &mut p.tags {
        if tag.key == "ddpl:name" {
            tag.value = r#"a "b" ${c} %{d} e\f"#.into();
        }
    }
    let tf = render::terraform(&p).unwrap();
    assert!(
        tf.contains(r#"    "ddpl:name" = "a \"b\" $${c} %%{d} e\\f""#),
        "{tf}"
    );
    assert!(!tf.contains("${c}\""));
}

#[test]
fn cross_region_sets_service_region_and_same_region_does_not() {
    let tf = render::terraform(&plan(CROSS_REGION)).unwrap();
    let ep = block(&tf, r#"resource "aws_vpc_endpoint" "metrics""#);
    assert!(
        ep.contains(&r#"  service_region      = "us-east-1""#),
        "{tf}"
    );
    assert!(ep.contains(&"  private_dns_enabled = true"), "{tf}");
    assert!(
        tf.contains("# Warning: Cross-region PrivateLink endpoints emit no CloudWatch metrics.")
    );

    let tf = render::terraform(&plan(same_region_metrics_logs())).unwrap();
    assert!(!tf.contains("service_region"), "{tf}");
    let ep = block(&tf, r#"resource "aws_vpc_endpoint" "metrics""#);
    assert!(ep.contains(&"  private_dns_enabled = true"), "{tf}");
    assert!(ep.contains(&"  security_group_ids  = [aws_security_group.endpoint.id]"));
    assert!(!tf.contains("aws_route53"), "{tf}");
}

#[test]
fn every_block_names_its_provider() {
    for text in [same_region_metrics_logs(), CROSS_REGION, PEERING] {
        let tf = render::terraform(&plan(text)).unwrap();
        let mut blocks = 0;
        for (i, line) in tf.lines().enumerate() {
            if line.starts_with("resource ") || line.starts_with("data ") {
                blocks += 1;
                // After `for_each` and its blank line, if the block has one.
                let mut next = tf.lines().nth(i + 1).unwrap();
                if next.starts_with("  for_each = ") {
                    assert_eq!(tf.lines().nth(i + 2), Some(""), "{line}");
                    next = tf.lines().nth(i + 3).unwrap();
                }
                assert!(
                    next.trim_start().starts_with("provider ") && next.contains("= aws."),
                    "{line} is followed by {next}"
                );
            }
        }
        assert!(blocks > 0);
        assert!(tf.contains("version = \">= 6.0\""));
        assert!(tf.contains("required_version = \">= 1.5\""));
        assert!(!tf.contains("0.0.0.0/0"));
    }
}

#[test]
fn peering_turns_private_dns_off_and_checks_dns_attributes() {
    let tf = render::terraform(&plan(PEERING)).unwrap();
    let ep = block(&tf, r#"resource "aws_vpc_endpoint" "metrics""#);
    assert!(ep.contains(&"  private_dns_enabled = false"), "{tf}");

    for (vpc, name) in [
        (
            "endpoint",
            "vpc-0111111111111111a (endpoint VPC, us-east-1)",
        ),
        (
            "eu_prod",
            "vpc-0222222222222222a (agent VPC eu-prod, eu-west-1)",
        ),
    ] {
        let data = block(&tf, &format!("data \"aws_vpc\" \"{vpc}\""));
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
            message.contains("--enable-dns-support Value=true"),
            "{message}"
        );
        assert!(
            message.contains("--enable-dns-hostnames Value=true"),
            "{message}"
        );
    }

    // The zone waits for the check of the endpoint VPC; it ignores the associations
    // that are separate resources.
    let zone = block(&tf, r#"resource "aws_route53_zone" "metrics""#);
    assert!(
        zone.contains(&"  depends_on = [data.aws_vpc.endpoint]"),
        "{tf}"
    );
    assert!(zone.contains(&"    ignore_changes = [vpc]"), "{tf}");
    let record = block(&tf, r#"resource "aws_route53_record" "metrics""#);
    assert!(
        record.contains(
            &"    name                   = aws_vpc_endpoint.metrics.dns_entry[0].dns_name"
        )
    );

    // The zones, collected once: zone key -> zone id.
    let zones = block(&tf, "locals {\n  zones = {");
    assert!(
        zones.contains(&"    metrics = aws_route53_zone.metrics.zone_id"),
        "{tf}"
    );

    // Another account: the zone owner authorizes, the VPC owner associates; one resource per
    // agent VPC, one instance per zone.
    let auth = block(
        &tf,
        r#"resource "aws_route53_vpc_association_authorization" "eu_prod""#,
    );
    assert_eq!(auth[1..3], ["  for_each = local.zones", ""], "{tf}");
    assert!(auth.contains(&"  provider   = aws.a111111111111_us_east_1"));
    assert!(auth.contains(&"  depends_on = [data.aws_vpc.eu_prod]"));
    assert!(auth.contains(&"  zone_id    = each.value"));
    let assoc = block(&tf, r#"resource "aws_route53_zone_association" "eu_prod""#);
    assert_eq!(assoc[1..3], ["  for_each = local.zones", ""], "{tf}");
    assert!(assoc.contains(&"  provider   = aws.a222222222222_eu_west_1"));
    assert!(assoc.contains(&"  depends_on = [aws_route53_vpc_association_authorization.eu_prod]"));
    assert!(assoc.contains(&"  zone_id    = each.value"));
    assert!(assoc.contains(&r#"  vpc_region = "eu-west-1""#));
    assert_eq!(
        tf.matches("resource \"aws_route53_zone_association\"")
            .count(),
        1
    );

    // Peering across account and region, aligned on the longest argument.
    let peering = block(&tf, r#"resource "aws_vpc_peering_connection" "eu_prod""#);
    assert!(
        peering.contains(&r#"  peer_owner_id = "222222222222""#),
        "{tf}"
    );
    assert!(
        peering.contains(&r#"  peer_region   = "eu-west-1""#),
        "{tf}"
    );
    let accepter = block(
        &tf,
        r#"resource "aws_vpc_peering_connection_accepter" "eu_prod""#,
    );
    assert!(accepter.contains(&"  provider                  = aws.a222222222222_eu_west_1"));
    assert!(accepter.contains(&"  auto_accept               = true"));
    let back = block(
        &tf,
        r#"resource "aws_route" "eu_prod_to_endpoint_rtb_0222222222222222a""#,
    );
    assert!(back.contains(&"  provider                  = aws.a222222222222_eu_west_1"));
}

#[test]
fn same_account_association_uses_the_zone_owner_and_peering_aligns_without_owner() {
    let text = PEERING
        .replace(
            "    account_id: \"222222222222\"\n",
            "    account_id: \"111111111111\"\n",
        )
        .replace("    profile: it's \"${x}\"\n", "");
    let tf = render::terraform(&plan(&text)).unwrap();
    assert!(!tf.contains("aws_route53_vpc_association_authorization"));
    let assoc = block(&tf, r#"resource "aws_route53_zone_association" "eu_prod""#);
    assert!(assoc.contains(&"  for_each = local.zones"), "{tf}");
    assert!(
        assoc.contains(&"  provider   = aws.a111111111111_us_east_1"),
        "{tf}"
    );
    assert!(
        assoc.contains(&"  depends_on = [data.aws_vpc.eu_prod]"),
        "{tf}"
    );
    let peering = block(&tf, r#"resource "aws_vpc_peering_connection" "eu_prod""#);
    assert!(!tf.contains("peer_owner_id"));
    assert!(peering.contains(&r#"  peer_region = "eu-west-1""#), "{tf}");
    assert!(peering.contains(&"  tags        = local.tags"), "{tf}");
}
