//! The review of a plan, for `ddpl-gen plan`: what a reviewer of a pull request needs to see,
//! computed from the `Plan` (the Markdown template only lays it out): the resources per stack
//! with counts and names, zones and peerings with the VPCs they join, the nodes and links of
//! the diagram, and the monthly cost estimate.

use serde::Serialize;

use crate::catalog::HostMatchKind;
use crate::naming::snake;
use crate::plan::{Plan, StackPlan, VpcPlan};

/// Hours in the month AWS prices are quoted for (365 * 24 / 12).
pub const HOURS_PER_MONTH: u32 = 730;
/// List price of one interface endpoint in one AZ for one hour in us-east-1, in USD.
pub const DEFAULT_PRICE_PER_AZ_HOUR: f64 = 0.01;

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub counts: Counts,
    pub stacks: Vec<StackReview>,
    pub endpoints: Vec<EndpointReview>,
    /// The topology's hosts (selection by host) and what serves each; empty without `hosts`.
    pub hosts: Vec<HostReview>,
    pub zones: Vec<ZoneReview>,
    pub peerings: Vec<PeeringReview>,
    pub routes: Vec<RouteReview>,
    pub diagram: Diagram,
    pub cost: Cost,
}

/// How many of each the plan holds (the review's first line).
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    pub stacks: usize,
    pub vpcs: usize,
    pub zones: usize,
    pub peerings: usize,
}

/// One stack (account + region) and what will exist in it.
#[derive(Debug, Clone, Serialize)]
pub struct StackReview {
    pub id: String,
    pub region: String,
    /// The account id, or `(default credentials)` when the topology gives none.
    pub account: String,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    pub vpcs: Vec<String>,
    pub resources: Vec<ResourceRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceRow {
    pub what: String,
    pub count: usize,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointReview {
    pub ident: String,
    /// The VPC the endpoint is created in (`endpoint`, or an agent VPC's name).
    pub vpc: String,
    pub service_name: String,
    pub service_region: Option<String>,
    pub keys: Vec<String>,
    pub private_dns_name: String,
    /// `on` or `off (private hosted zone)`.
    pub private_dns: String,
    pub hosts: Vec<String>,
    /// The topology's hosts that chose this endpoint (selection by host).
    pub chosen_by: Vec<String>,
    pub source_date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HostReview {
    pub host: String,
    /// The endpoint's identifier, as in `endpoints`.
    pub endpoint: String,
    pub row: String,
    /// `own row`, `anchor name` or `wildcard`.
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZoneReview {
    pub name: String,
    pub endpoint: String,
    /// Every VPC the zone is associated with, the endpoint VPC first.
    pub vpcs: Vec<String>,
    pub hosts: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeeringReview {
    pub ident: String,
    pub requester: String,
    pub accepter: String,
    /// `same region`, `cross-region (eu-west-1)`, plus `, cross-account (2222...)`.
    pub reach: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteReview {
    pub route_table_id: String,
    pub vpc: String,
    pub destination_cidr: String,
    pub peering: String,
}

/// A Mermaid flowchart: VPCs (subgraphs) holding their endpoints, the services they reach,
/// zones, and links. Ids are plan identifiers with a prefix (never a Mermaid keyword such as
/// `end`); labels are plain text, escaped by the template's `mermaid` filter.
#[derive(Debug, Clone, Serialize)]
pub struct Diagram {
    pub vpcs: Vec<DiagramVpc>,
    pub services: Vec<Node>,
    pub zones: Vec<Node>,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagramVpc {
    pub id: String,
    pub label: String,
    pub endpoints: Vec<Node>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub from: String,
    pub to: String,
    /// `privatelink` (solid arrow), `dns` (dotted arrow) or `peering` (two-way thick link).
    pub style: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cost {
    /// USD per endpoint per AZ-hour, as given.
    pub price_per_az_hour: String,
    pub hours_per_month: u32,
    pub lines: Vec<CostLine>,
    pub endpoints: usize,
    pub enis: usize,
    pub monthly_usd: String,
}

/// One VPC's endpoints: endpoints x subnets (one ENI per AZ) x hours x price.
#[derive(Debug, Clone, Serialize)]
pub struct CostLine {
    pub vpc: String,
    pub region: String,
    pub endpoints: usize,
    pub azs: usize,
    pub enis: usize,
    pub az_hours: u64,
    pub monthly_usd: String,
}

fn vpc_title(vpc: &VpcPlan) -> String {
    if vpc.role == crate::plan::VpcRole::Endpoint {
        format!("endpoint VPC {}", vpc.vpc_id)
    } else {
        format!("agent VPC {} ({})", vpc.name, vpc.vpc_id)
    }
}

fn usd(amount: f64) -> String {
    format!("{amount:.2}")
}

fn row(what: &str, names: Vec<String>) -> Option<ResourceRow> {
    (!names.is_empty()).then(|| ResourceRow {
        what: what.to_string(),
        count: names.len(),
        names,
    })
}

/// Builds the review of a plan; `price_per_az_hour` is the USD price of one endpoint in one
/// AZ for one hour.
pub fn review(plan: &Plan, price_per_az_hour: f64) -> Review {
    Review {
        counts: Counts {
            stacks: plan.stacks.len(),
            vpcs: plan.vpcs().count(),
            zones: plan.zones().len(),
            peerings: plan.peerings().len(),
        },
        stacks: plan.stacks.iter().map(|s| stack_review(plan, s)).collect(),
        endpoints: endpoint_reviews(plan),
        hosts: plan
            .hosts
            .iter()
            .map(|h| HostReview {
                host: h.host.clone(),
                endpoint: snake(&h.endpoint),
                row: h.row.clone(),
                how: match h.kind {
                    HostMatchKind::Row => "own row",
                    HostMatchKind::Anchor => "anchor name",
                    HostMatchKind::Wildcard => "wildcard",
                }
                .to_string(),
            })
            .collect(),
        zones: zone_reviews(plan),
        peerings: peering_reviews(plan),
        routes: route_reviews(plan),
        diagram: diagram(plan),
        cost: cost(plan, price_per_az_hour),
    }
}

fn agent_name(plan: &Plan, i: usize) -> String {
    plan.agent_vpcs[i].name.clone()
}

/// A peering's identifier: its agent VPC's name in snake_case.
fn peering_ident(plan: &Plan, i: usize) -> String {
    snake(&plan.agent_vpcs[i].name)
}

/// One stack and what will exist in it.
fn stack_review(plan: &Plan, stack: &StackPlan) -> StackReview {
    let vpcs: Vec<&VpcPlan> = plan.vpcs().filter(|v| v.stack == stack.index).collect();
    let mut rows = Vec::new();
    rows.extend(row(
        "Security groups",
        vpcs.iter()
            .flat_map(|v| v.security_groups.iter().map(|sg| sg.name.clone()))
            .collect(),
    ));
    rows.extend(row(
        "Security group rules (inbound TCP 443)",
        vpcs.iter()
            .flat_map(|v| &v.security_groups)
            .flat_map(|sg| sg.ingress.iter().map(|r| r.cidr.clone()))
            .collect(),
    ));
    rows.extend(row(
        "Interface VPC endpoints",
        vpcs.iter()
            .flat_map(|v| v.endpoints.iter().map(|e| snake(&e.name)))
            .collect(),
    ));
    if stack.is_endpoint_stack {
        rows.extend(row(
            "Route 53 private hosted zones",
            plan.zones().iter().map(|z| z.name.clone()).collect(),
        ));
        rows.extend(row(
            "Alias A records (zone apex to the endpoint)",
            plan.zones().iter().map(|z| z.name.clone()).collect(),
        ));
        rows.extend(row(
            "Zone association authorizations (removed after use)",
            plan.zones()
                .iter()
                .flat_map(|z| {
                    plan.zone_associations()
                        .iter()
                        .filter(|a| a.cross_account)
                        .map(move |a| format!("{} -> {}", z.name, a.vpc_id))
                })
                .collect(),
        ));
    }
    rows.extend(row(
        "Zone associations",
        plan.zones()
            .iter()
            .flat_map(|z| {
                plan.zone_associations()
                    .iter()
                    .filter(|a| a.stack == stack.index)
                    .map(move |a| format!("{} -> {}", z.name, a.vpc_id))
            })
            .collect(),
    ));
    rows.extend(row(
        "VPC peering connections (requested)",
        plan.peerings()
            .iter()
            .filter(|p| p.requester_stack == stack.index)
            .map(|p| peering_ident(plan, p.agent_vpc))
            .collect(),
    ));
    rows.extend(row(
        "VPC peering acceptances",
        plan.peerings()
            .iter()
            .filter(|p| p.accepter_stack == stack.index)
            .map(|p| peering_ident(plan, p.agent_vpc))
            .collect(),
    ));
    rows.extend(row(
        "Routes",
        plan.peerings()
            .iter()
            .flat_map(|p| {
                let mut routes = Vec::new();
                if p.requester_stack == stack.index {
                    routes.extend(&p.requester_routes);
                }
                if p.accepter_stack == stack.index {
                    routes.extend(&p.accepter_routes);
                }
                routes
                    .into_iter()
                    .map(|r| format!("{} -> {}", r.route_table_id, r.destination_cidr))
            })
            .collect(),
    ));
    rows.extend(row(
        "VPCs that need enableDnsSupport and enableDnsHostnames",
        vpcs.iter()
            .filter(|v| v.needs_dns_attributes)
            .map(|v| v.vpc_id.clone())
            .collect(),
    ));
    StackReview {
        id: stack.id.clone(),
        region: stack.region.clone(),
        account: stack
            .account_id
            .clone()
            .unwrap_or_else(|| "(default credentials)".to_string()),
        profile: stack.profile.clone(),
        role_arn: stack.role_arn.clone(),
        vpcs: vpcs.iter().map(|v| vpc_title(v)).collect(),
        resources: rows,
    }
}

/// Every endpoint, in plan order.
fn endpoint_reviews(plan: &Plan) -> Vec<EndpointReview> {
    plan.vpcs()
        .flat_map(|v| {
            v.endpoints.iter().map(move |e| EndpointReview {
                ident: snake(&e.name),
                vpc: v.name.clone(),
                service_name: e.service_name.clone(),
                service_region: e.service_region.clone(),
                keys: e.keys.clone(),
                private_dns_name: e.private_dns_name.clone(),
                private_dns: if e.private_dns_enabled {
                    "on".to_string()
                } else {
                    "off (private hosted zone)".to_string()
                },
                hosts: e.hosts.clone(),
                chosen_by: e.chosen_by.clone(),
                source_date: e.source_date.clone(),
            })
        })
        .collect()
}

/// Every zone and the VPCs it is associated with.
fn zone_reviews(plan: &Plan) -> Vec<ZoneReview> {
    plan.zones()
        .iter()
        .map(|z| ZoneReview {
            name: z.name.clone(),
            endpoint: snake(&plan.zone_endpoint(z).name),
            vpcs: std::iter::once(plan.endpoint_vpc.name.clone())
                .chain(
                    plan.zone_associations()
                        .iter()
                        .map(|a| agent_name(plan, a.agent_vpc)),
                )
                .collect(),
            hosts: z.hosts.clone(),
        })
        .collect()
}

/// Every peering connection and what it crosses.
fn peering_reviews(plan: &Plan) -> Vec<PeeringReview> {
    plan.peerings()
        .iter()
        .map(|p| {
            let mut reach = match &p.peer_region {
                Some(r) => format!("cross-region ({r})"),
                None => "same region".to_string(),
            };
            if let Some(owner) = &p.peer_owner_id {
                reach.push_str(&format!(", cross-account ({owner})"));
            }
            PeeringReview {
                ident: peering_ident(plan, p.agent_vpc),
                requester: format!(
                    "{} ({})",
                    plan.endpoint_vpc.name.clone(),
                    p.requester_vpc_id
                ),
                accepter: format!("{} ({})", agent_name(plan, p.agent_vpc), p.accepter_vpc_id),
                reach,
            }
        })
        .collect()
}

/// Every route, both sides of each peering.
fn route_reviews(plan: &Plan) -> Vec<RouteReview> {
    plan.peerings()
        .iter()
        .flat_map(|p| {
            let requester = p
                .requester_routes
                .iter()
                .map(move |r| (plan.endpoint_vpc.name.clone(), r));
            let accepter = p
                .accepter_routes
                .iter()
                .map(move |r| (agent_name(plan, p.agent_vpc), r));
            requester.chain(accepter).map(move |(vpc, r)| RouteReview {
                route_table_id: r.route_table_id.clone(),
                vpc,
                destination_cidr: r.destination_cidr.clone(),
                peering: peering_ident(plan, p.agent_vpc),
            })
        })
        .collect()
}

fn diagram(plan: &Plan) -> Diagram {
    let datadog = Node {
        id: "datadog".into(),
        label: format!(
            "Datadog {} ({}) in {}",
            plan.site.id, plan.site.domain, plan.site.region
        ),
    };
    let secrets = Node {
        id: "aws_secretsmanager".into(),
        label: "AWS Secrets Manager".into(),
    };
    let mut vpcs = Vec::new();
    let mut links = Vec::new();
    let mut uses_secrets = false;
    let vpc_node = |vpc: &VpcPlan| format!("vpc_{}", snake(&vpc.name));
    for vpc in plan.vpcs() {
        let id = vpc_node(vpc);
        let mut endpoints = Vec::new();
        for e in &vpc.endpoints {
            let node = format!("ep_{}", snake(&e.name));
            let label = if e.keys.is_empty() {
                format!("{} endpoint", e.service_id)
            } else {
                format!("{} endpoint: {}", e.service_id, e.keys.join(", "))
            };
            if e.datadog {
                let label = match &e.service_region {
                    Some(r) => format!("cross-region PrivateLink to {r}"),
                    None => "PrivateLink".to_string(),
                };
                links.push(Link {
                    from: node.clone(),
                    to: datadog.id.clone(),
                    style: "privatelink",
                    label,
                });
            } else {
                uses_secrets = true;
                links.push(Link {
                    from: node.clone(),
                    to: secrets.id.clone(),
                    style: "privatelink",
                    label: "PrivateLink".into(),
                });
            }
            endpoints.push(Node { id: node, label });
        }
        vpcs.push(DiagramVpc {
            id,
            label: format!("{} in {}, {}", vpc_title(vpc), vpc.region, vpc.cidr),
            endpoints,
        });
    }
    for p in plan.peerings() {
        let agent = &plan.agent_vpcs[p.agent_vpc];
        let mut label = "VPC peering".to_string();
        if p.cross_region {
            label.push_str(", cross-region");
        }
        if p.cross_account {
            label.push_str(", cross-account");
        }
        links.push(Link {
            from: vpc_node(&plan.endpoint_vpc),
            to: vpc_node(agent),
            style: "peering",
            label,
        });
    }
    let mut zones = Vec::new();
    for z in plan.zones() {
        let ident = snake(&plan.zone_endpoint(z).name);
        let id = format!("zone_{ident}");
        links.push(Link {
            from: id.clone(),
            to: format!("ep_{ident}"),
            style: "dns",
            label: "alias A".into(),
        });
        links.push(Link {
            from: id.clone(),
            to: vpc_node(&plan.endpoint_vpc),
            style: "dns",
            label: "associated".into(),
        });
        for a in plan.zone_associations() {
            links.push(Link {
                from: id.clone(),
                to: vpc_node(&plan.agent_vpcs[a.agent_vpc]),
                style: "dns",
                label: if a.cross_account {
                    "associated, cross-account".into()
                } else {
                    "associated".into()
                },
            });
        }
        zones.push(Node {
            id,
            label: format!("private hosted zone {}", z.name),
        });
    }
    let mut services = vec![datadog];
    if uses_secrets {
        services.push(secrets);
    }
    Diagram {
        vpcs,
        services,
        zones,
        links,
    }
}

fn cost(plan: &Plan, price: f64) -> Cost {
    let hours = HOURS_PER_MONTH;
    let mut lines = Vec::new();
    let mut total = 0.0;
    for vpc in plan.vpcs().filter(|v| !v.endpoints.is_empty()) {
        let endpoints = vpc.endpoints.len();
        let azs = vpc.subnet_ids.len();
        let enis = endpoints * azs;
        let az_hours = enis as u64 * u64::from(hours);
        let amount = az_hours as f64 * price;
        total += amount;
        lines.push(CostLine {
            vpc: vpc.name.clone(),
            region: vpc.region.clone(),
            endpoints,
            azs,
            enis,
            az_hours,
            monthly_usd: usd(amount),
        });
    }
    Cost {
        price_per_az_hour: format!("{price}"),
        hours_per_month: hours,
        endpoints: lines.iter().map(|l| l.endpoints).sum(),
        enis: lines.iter().map(|l| l.enis).sum(),
        lines,
        monthly_usd: usd(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_two_decimals() {
        assert_eq!(usd(14.6), "14.60");
        assert_eq!(usd(0.0), "0.00");
        assert_eq!(usd(2.0 * 2.0 * 730.0 * 0.01), "29.20");
    }
}
