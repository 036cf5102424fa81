//! Topologies that several tests start from, byte for byte the texts the tests were written
//! against (some assert line and column numbers): three bases, each starting with a line break,
//! and variants, each a base changed as the tests change theirs.

use std::sync::LazyLock;

/// `base` with its first `from` replaced by `to`; `from` must be there.
pub fn with(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "base lacks {from:?}");
    base.replacen(from, to, 1)
}

/// A variant: `base` with each `from` replaced by its `to` in turn ([`with`]), built once.
macro_rules! variant {
    ($(#[$doc:meta])* $name:ident = $base:expr, [$(($from:expr, $to:expr $(,)?)),* $(,)?]) => {
        $(#[$doc])*
        pub fn $name() -> &'static str {
            static TEXT: LazyLock<String> = LazyLock::new(|| {
                let edits: &[(&str, &str)] = &[$(($from, $to)),*];
                edits.iter().fold($base.to_string(), |t, (from, to)| with(&t, from, to))
            });
            &TEXT
        }
    };
}

/// The smallest same-region topology: acme-prod in us1's own region, one subnet, the default
/// services, no tags.
pub const SAME_REGION: &str = r#"
version: 1
name: acme-prod
site: us1
kind: same-region
endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 10.0.0.0/16
  subnet_ids: [subnet-0123456789abcdef0]
"#;

variant!(
    /// [`SAME_REGION`] from line 1, with the tag `team: platform` (block style).
    same_region_tagged = SAME_REGION.trim_start(), [
        ("kind: same-region\n", "kind: same-region\ntags:\n  team: platform\n"),
    ]
);

variant!(
    /// [`SAME_REGION`] with the services metrics and logs-agent and the tag `team: platform`.
    same_region_metrics_logs = SAME_REGION, [(
        "kind: same-region\n",
        "kind: same-region\nservices: [metrics, logs-agent]\ntags: {team: platform}\n",
    )]
);

variant!(
    /// [`same_region_metrics_logs`] in two subnets, open to 10.9.0.0/16 too.
    same_region_two_subnets = same_region_metrics_logs(), [(
        "  subnet_ids: [subnet-0123456789abcdef0]\n",
        "  subnet_ids: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
  allowed_cidrs: [10.9.0.0/16]\n",
    )]
);

variant!(
    /// [`SAME_REGION`] named verify-test, with metrics, logs-agent and api, its VPC at
    /// 127.0.0.0/16 (tests/verify.rs: 127.0.0.1 is a private answer there).
    same_region_loopback = SAME_REGION, [
        ("name: acme-prod", "name: verify-test"),
        ("kind: same-region\n", "kind: same-region\nservices: [metrics, logs-agent, api]\n"),
        ("  cidr: 10.0.0.0/16", "  cidr: 127.0.0.0/16"),
    ]
);

variant!(
    /// [`SAME_REGION`] from line 1, named acme, on the site eu (no PrivateLink there: invalid).
    same_region_on_eu = SAME_REGION.trim_start(), [
        ("name: acme-prod", "name: acme"),
        ("site: us1", "site: eu"),
    ]
);

/// Peering in us1: the endpoint VPC in account 111111111111, the agent VPC eu-prod in
/// eu-west-1 and account 222222222222; the default services.
pub const PEERING: &str = r#"
version: 1
name: acme-peer
site: us1
kind: peering
endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 10.0.0.0/16
  subnet_ids: [subnet-0123456789abcdef0]
  route_table_ids: [rtb-0123456789abcdef0]
  account_id: "111111111111"
agent_vpcs:
  - name: eu-prod
    vpc_id: vpc-0aaaaaaaaaaaaaaaa
    region: eu-west-1
    cidr: 10.20.0.0/16
    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]
    account_id: "222222222222"
"#;

variant!(
    /// [`PEERING`] from line 1, with metrics only and a second agent VPC, us-apps, beside the
    /// endpoint VPC (no account id).
    peering_two_agents = PEERING.trim_start(), [
        ("kind: peering\n", "kind: peering\nservices: [metrics]\n"),
        ("    account_id: \"222222222222\"\n", "    account_id: \"222222222222\"
  - name: us-apps
    vpc_id: vpc-0bbbbbbbbbbbbbbbb
    region: us-east-1
    cidr: 10.21.0.0/16
    route_table_ids: [rtb-0bbbbbbbbbbbbbbbb]\n"),
    ]
);

/// Transit Gateway: a hub in us-east-1 with its attachment, a spoke beside it that gets an
/// attachment in its subnet, and one in eu-west-1 (another account) across a Transit Gateway
/// peering.
pub const TRANSIT_GATEWAY: &str = r#"
version: 1
name: acme-tgw
site: us1
kind: transit-gateway
services: [metrics]
endpoint_vpc:
  vpc_id: vpc-0123456789abcdef0
  region: us-east-1
  cidr: 10.0.0.0/16
  subnet_ids: [subnet-0123456789abcdef0]
  route_table_ids: [rtb-0123456789abcdef0]
  account_id: "111111111111"
  transit_gateway_id: tgw-0123456789abcdef0
  transit_gateway_attachment_id: tgw-attach-0123456789abcdef0
agent_vpcs:
  - name: us-apps
    vpc_id: vpc-0bbbbbbbbbbbbbbbb
    region: us-east-1
    cidr: 10.21.0.0/16
    route_table_ids: [rtb-0bbbbbbbbbbbbbbbb]
    subnet_ids: [subnet-0bbbbbbbbbbbbbbbb]
  - name: eu-prod
    vpc_id: vpc-0aaaaaaaaaaaaaaaa
    region: eu-west-1
    cidr: 10.20.0.0/16
    route_table_ids: [rtb-0aaaaaaaaaaaaaaaa]
    account_id: "222222222222"
    transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa
    transit_gateway_attachment_id: tgw-attach-0aaaaaaaaaaaaaaaa
transit_gateway_peerings:
  - transit_gateway_id: tgw-0aaaaaaaaaaaaaaaa
    attachment_id: tgw-attach-0cccccccccccccccc
"#;

variant!(
    /// [`TRANSIT_GATEWAY`] whose peering ddpl-gen creates (no attachment_id).
    transit_gateway_created_peering = TRANSIT_GATEWAY, [
        ("    attachment_id: tgw-attach-0cccccccccccccccc\n", ""),
    ]
);

/// Cross-region: metrics of us1 from a VPC in eu-west-1.
pub const CROSS_REGION: &str = r#"
version: 1
name: acme-eu
site: us1
kind: cross-region
services: [metrics]
endpoint_vpc:
  vpc_id: vpc-0eeeeeeeeeeeeeee1
  region: eu-west-1
  cidr: 10.10.0.0/16
  subnet_ids: [subnet-0eeeeeeeeeeeeeee1]
"#;

variant!(
    /// [`CROSS_REGION`] to ap2 (ap-southeast-2) with every service, with the profile eu-prod.
    cross_region_ap2 = CROSS_REGION, [
        ("site: us1", "site: ap2"),
        ("services: [metrics]", "services: [all]"),
        ("  subnet_ids: [subnet-0eeeeeeeeeeeeeee1]\n", "  subnet_ids: [subnet-0eeeeeeeeeeeeeee1]
  profile: eu-prod\n"),
    ]
);
