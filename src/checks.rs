//! The checks of `ddpl-gen verify`, from the guide's troubleshooting section: from a host inside
//! a VPC, every host the topology covers must resolve to addresses inside the CIDR of the VPC
//! that holds its endpoint, and accept a TCP connection on 443. This module decides which
//! names are checked from which VPC, against which CIDR, and what each failure means; the
//! script template only runs them.

use serde::Serialize;

use crate::naming::snake;
use crate::plan::{EndpointPlan, Plan, Reach, VpcPlan, VpcRole};

#[derive(Debug, Clone, Serialize)]
pub struct Verify {
    /// The VPCs the script can run in, in plan order (`endpoint` first).
    pub vpcs: Vec<VerifyVpc>,
    /// Width of the host column in the script's table.
    pub host_width: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyVpc {
    /// The name given on the script's command line: `endpoint` or the agent VPC's name.
    pub name: String,
    pub ident: String,
    pub vpc_id: String,
    pub region: String,
    pub cidr: String,
    /// How many names are checked from this VPC.
    pub count: usize,
    pub groups: Vec<CheckGroup>,
}

/// The names one endpoint serves, checked alike.
#[derive(Debug, Clone, Serialize)]
pub struct CheckGroup {
    /// The endpoint that serves them.
    pub endpoint: String,
    /// The names to resolve (never a `*.` wildcard).
    pub hosts: Vec<String>,
    /// Every answer must lie in this block: the CIDR of the VPC holding the endpoint.
    pub cidr: String,
    /// What it means when the name does not resolve at all.
    pub no_answer: String,
    /// What it means when an answer lies outside `cidr` (a public answer).
    pub outside: String,
    /// What it means when DNS is right but TCP 443 fails.
    pub no_connection: String,
    /// How many addresses a name must resolve to: one per subnet of the endpoint (an interface
    /// endpoint has a network interface in each, and its regional DNS name answers with all).
    pub addresses: usize,
    /// What it means when a name resolves to fewer (one availability zone's).
    pub few: String,
}

/// The names a VPC's hosts reach through `ep`: its hosts without wildcards, the topology's
/// hosts that chose it (`eu.api.datadoghq.com` through `*.api.datadoghq.com`), and with
/// private hosted zones the zone (the private DNS name) too.
fn names(ep: &EndpointPlan, with_zone: bool) -> Vec<String> {
    let mut names: Vec<String> = ep
        .hosts
        .iter()
        .filter(|h| !h.starts_with("*."))
        .cloned()
        .collect();
    for host in &ep.chosen_by {
        if !names.contains(host) {
            names.push(host.clone());
        }
    }
    if with_zone && !names.contains(&ep.private_dns_name) {
        names.push(ep.private_dns_name.clone());
    }
    names
}

fn datadog_checks(plan: &Plan, here: &VpcPlan) -> Vec<CheckGroup> {
    let endpoint_vpc = &plan.endpoint_vpc;
    let zoned = !plan.zones().is_empty();
    let no_answer = format!(
        "check that {} has enableDnsSupport on and uses the Amazon-provided DNS server",
        here.vpc_id
    );
    let no_connection = match (&plan.reach, here.role) {
        (Reach::Peering { .. }, VpcRole::Agent) => format!(
            "check that the peering connection between {} and {} is active, that the route tables of both VPCs route {} and {} through it, and that the endpoint security group admits TCP 443 from {}",
            endpoint_vpc.vpc_id, here.vpc_id, endpoint_vpc.cidr, here.cidr, here.cidr
        ),
        (Reach::TransitGateway(tgw), VpcRole::Agent) => format!(
            "check that {} and {} are attached (attachments available) to their Transit Gateway{}, that their route tables route {} and {} to it, that the Transit Gateway route tables route both CIDRs to the attachments{}, and that the endpoint security group admits TCP 443 from {}",
            endpoint_vpc.vpc_id,
            here.vpc_id,
            if tgw.peerings.is_empty() {
                String::new()
            } else {
                format!("s (hub {})", tgw.hub)
            },
            endpoint_vpc.cidr,
            here.cidr,
            if tgw.peerings.is_empty() {
                ""
            } else {
                " (across a Transit Gateway peering: static routes)"
            },
            here.cidr
        ),
        _ => format!(
            "check that the endpoint security group admits TCP 443 from this host's address (and the subnet's network ACL), and that the endpoint is available in {}",
            endpoint_vpc.vpc_id
        ),
    };
    let mut checks = Vec::new();
    let subnets = endpoint_vpc.subnet_ids.len();
    for ep in endpoint_vpc.endpoints.iter().filter(|e| e.datadog) {
        let few = if zoned {
            // CloudFormation can only take the first of the endpoint's DNS entries, and AWS
            // does not promise that the regional one comes first.
            format!(
                "the alias A record of the private hosted zone {} targets a zonal DNS name of the endpoint (one availability zone: those agents lose it when that zone fails); point it at the endpoint's regional DNS name, the entry without an availability zone in its first label (aws ec2 describe-vpc-endpoints --filters Name=vpc-id,Values={} --query 'VpcEndpoints[].DnsEntries[].DnsName')",
                ep.private_dns_name, endpoint_vpc.vpc_id
            )
        } else {
            format!(
                "the endpoint {} has no network interface in some of its {subnets} subnets of {}",
                ep.service_id, endpoint_vpc.vpc_id
            )
        };
        let outside = if zoned {
            format!(
                "the private hosted zone {} is not associated with {} or its A record is missing",
                ep.private_dns_name, here.vpc_id
            )
        } else {
            format!(
                "the endpoint {} is missing, not yet available or has private DNS off, or this host is not in {}",
                ep.service_id, endpoint_vpc.vpc_id
            )
        };
        checks.push(CheckGroup {
            endpoint: snake(&ep.name),
            hosts: names(ep, zoned),
            cidr: endpoint_vpc.cidr.clone(),
            no_answer: no_answer.clone(),
            outside,
            no_connection: no_connection.clone(),
            addresses: subnets,
            few,
        });
    }
    checks
}

/// Endpoints of AWS services (Secrets Manager) live in the VPC where agents run, with private
/// DNS on: checked from that VPC, against its own CIDR.
fn own_checks(here: &VpcPlan) -> Vec<CheckGroup> {
    let mut checks = Vec::new();
    for ep in here.endpoints.iter().filter(|e| !e.datadog) {
        {
            checks.push(CheckGroup {
                endpoint: snake(&ep.name),
                hosts: names(ep, false),
                cidr: here.cidr.clone(),
                no_answer: format!(
                    "check that {} has enableDnsSupport on",
                    here.vpc_id
                ),
                outside: format!(
                    "the {} endpoint is missing, not yet available or has private DNS off",
                    ep.service_id
                ),
                no_connection: format!(
                    "check that the {} endpoint's security group admits TCP 443 from this host's address",
                    ep.service_id
                ),
                addresses: here.subnet_ids.len(),
                few: format!(
                    "the {} endpoint has no network interface in some of its {} subnets of {}",
                    ep.service_id,
                    here.subnet_ids.len(),
                    here.vpc_id
                ),
            });
        }
    }
    checks
}

/// The checks of every VPC of the plan.
pub fn verify(plan: &Plan) -> Verify {
    let vpcs: Vec<VerifyVpc> = plan
        .vpcs()
        .map(|vpc| {
            let mut groups = datadog_checks(plan, vpc);
            groups.extend(own_checks(vpc));
            groups.retain(|g| !g.hosts.is_empty());
            VerifyVpc {
                name: vpc.name.clone(),
                ident: snake(&vpc.name),
                vpc_id: vpc.vpc_id.clone(),
                region: vpc.region.clone(),
                cidr: vpc.cidr.clone(),
                count: groups.iter().map(|g| g.hosts.len()).sum(),
                groups,
            }
        })
        .collect();
    let host_width = vpcs
        .iter()
        .flat_map(|v| {
            v.groups
                .iter()
                .flat_map(|g| g.hosts.iter().map(String::len))
        })
        .max()
        .unwrap_or(0)
        .max(4);
    Verify { vpcs, host_width }
}
