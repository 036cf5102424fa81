//! The review of a plan, for `ddpl-gen plan`: what a reviewer of a pull request needs to see,
//! computed from the `Plan` (the Markdown template only lays it out): the resources per stack
//! with counts and names, zones and peerings with the VPCs they join, the nodes and links of
//! the diagram, and the monthly cost estimate.

use serde::Serialize;

use crate::catalog::HostMatchKind;
use crate::naming::snake;
use crate::plan::{
    AttachmentPlan, Plan, StackPlan, StaticRouteTarget, TransitGatewayPlan, VpcPlan,
};

/// Hours in the month AWS prices are quoted for (365 * 24 / 12).
pub const HOURS_PER_MONTH: u32 = 730;
/// List price of one interface endpoint in one AZ for one hour in us-east-1, in USD.
pub const DEFAULT_PRICE_PER_AZ_HOUR: f64 = 0.01;
/// List price of one Transit Gateway attachment for one hour in us-east-1, in USD.
pub const TRANSIT_GATEWAY_ATTACHMENT_HOUR: f64 = 0.05;
/// List price of one GB a Transit Gateway processes in us-east-1, in USD.
pub const TRANSIT_GATEWAY_PER_GB: f64 = 0.02;

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
    /// transit-gateway: the attachments, peerings and routes.
    pub transit_gateway: Option<TransitGatewayReview>,
    pub diagram: Diagram,
    pub cost: Cost,
}

#[derive(Debug, Clone, Serialize)]
pub struct TransitGatewayReview {
    pub hub: String,
    /// Attachments ddpl-gen creates.
    pub created: usize,
    pub attachments: Vec<AttachmentReview>,
    pub peerings: Vec<TransitGatewayPeeringReview>,
    /// VPC routes through a Transit Gateway (`peering` holds the gateway).
    pub routes: Vec<RouteReview>,
    pub static_routes: Vec<StaticRouteReview>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentReview {
    /// `endpoint (vpc-...)` or the agent VPC's name and id.
    pub vpc: String,
    pub transit_gateway_id: String,
    /// `existing tgw-attach-...` or `created in N subnet(s)`, plus the acceptance.
    pub how: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TransitGatewayPeeringReview {
    pub attachment_id: String,
    pub hub: String,
    pub transit_gateway_id: String,
    pub region: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaticRouteReview {
    pub route_table_id: String,
    pub destination_cidr: String,
    /// `attachment of payments` or `peering tgw-attach-...`.
    pub target: String,
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
    /// transit-gateway: the Transit Gateways.
    pub gateways: Vec<Node>,
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
    /// `privatelink` (solid arrow), `dns` (dotted arrow), `peering` (two-way thick link) or
    /// `attachment` (two-way link).
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
    /// transit-gateway: the attachments ddpl-gen creates, at list price.
    pub transit_gateway: Option<TransitGatewayCost>,
}

/// The hourly charge of the attachments ddpl-gen creates, and the per-GB rate (list prices in
/// us-east-1: estimates; the traffic is not known).
#[derive(Debug, Clone, Serialize)]
pub struct TransitGatewayCost {
    pub attachments: usize,
    pub attachment_hours: u64,
    pub price_per_attachment_hour: String,
    pub monthly_usd: String,
    pub price_per_gb: String,
    /// Endpoints and attachments together.
    pub total_usd: String,
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
        transit_gateway: plan
            .transit_gateway()
            .map(|tgw| transit_gateway_review(plan, tgw)),
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
    if let Some(tgw) = plan.transit_gateway() {
        rows.extend(transit_gateway_rows(plan, tgw, stack.index));
    }
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

/// A stack's part of the Transit Gateways: the attachments it creates or accepts, its VPC
/// routes through them and its static routes.
fn transit_gateway_rows(plan: &Plan, tgw: &TransitGatewayPlan, stack: usize) -> Vec<ResourceRow> {
    let attachments = || tgw.attachments();
    let mut rows = Vec::new();
    rows.extend(row(
        "Transit Gateway VPC attachments (created)",
        attachments()
            .filter(|a| a.created() && a.stack == stack)
            .map(|a| format!("{} -> {}", a.vpc, a.transit_gateway_id))
            .collect(),
    ));
    if stack == plan.endpoint_vpc.stack {
        rows.extend(row(
            "Transit Gateway attachment acceptances",
            attachments()
                .filter(|a| a.accepted_by_hub)
                .map(|a| a.vpc.clone())
                .collect(),
        ));
    }
    rows.extend(row(
        "Routes through a Transit Gateway",
        tgw_route_reviews(plan)
            .into_iter()
            .filter(|(s, _)| *s == stack)
            .map(|(_, r)| format!("{} -> {}", r.route_table_id, r.destination_cidr))
            .collect(),
    ));
    rows.extend(row(
        "Transit Gateway static routes",
        tgw.static_routes
            .iter()
            .filter(|r| r.stack == stack)
            .map(|r| format!("{} -> {}", r.route_table_id, r.destination_cidr))
            .collect(),
    ));
    rows
}

/// The VPC routes through the Transit Gateways, each with the stack that adds it: both sides
/// of every spoke, the gateway named in `peering`.
fn tgw_route_reviews(plan: &Plan) -> Vec<(usize, RouteReview)> {
    plan.gateway_routes()
        .into_iter()
        .map(|r| {
            (
                r.vpc.stack,
                RouteReview {
                    route_table_id: r.route.route_table_id.clone(),
                    vpc: r.vpc.name.clone(),
                    destination_cidr: r.route.destination_cidr.clone(),
                    peering: r.transit_gateway_id.to_string(),
                },
            )
        })
        .collect()
}

fn attachment_review(plan: &Plan, a: &AttachmentPlan) -> AttachmentReview {
    let mut how = match &a.existing_id {
        Some(id) => format!("existing {id}"),
        None => format!("created in {} subnet(s)", a.subnet_ids.len()),
    };
    if a.accepted_by_hub {
        how.push_str(&format!(", accepted by {}", plan.endpoint_stack().id));
    }
    AttachmentReview {
        vpc: format!("{} ({})", a.vpc, a.vpc_id),
        transit_gateway_id: a.transit_gateway_id.clone(),
        how,
    }
}

fn transit_gateway_review(plan: &Plan, tgw: &TransitGatewayPlan) -> TransitGatewayReview {
    TransitGatewayReview {
        hub: tgw.hub.clone(),
        created: tgw.attachments().filter(|a| a.created()).count(),
        attachments: tgw
            .attachments()
            .map(|a| attachment_review(plan, a))
            .collect(),
        peerings: tgw
            .peerings
            .iter()
            .map(|p| TransitGatewayPeeringReview {
                attachment_id: match &p.attachment_id {
                    Some(id) => id.clone(),
                    None => format!(
                        "created by {}, accepted by {}",
                        plan.stacks[p.requester_stack].id, plan.stacks[p.accepter_stack].id
                    ),
                },
                hub: tgw.hub.clone(),
                transit_gateway_id: p.transit_gateway_id.clone(),
                region: p.region.clone(),
            })
            .collect(),
        routes: tgw_route_reviews(plan)
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
        static_routes: tgw
            .static_routes
            .iter()
            .map(|r| StaticRouteReview {
                route_table_id: r.route_table_id.clone(),
                destination_cidr: r.destination_cidr.clone(),
                target: match &r.target {
                    StaticRouteTarget::Attachment { vpc } => format!("attachment of {vpc}"),
                    StaticRouteTarget::Peering { peering } => {
                        let p = &tgw.peerings[*peering];
                        match &p.attachment_id {
                            Some(id) => format!("peering {id}"),
                            None => format!("the peering created with {}", p.transit_gateway_id),
                        }
                    }
                },
            })
            .collect(),
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
    let mut gateways = Vec::new();
    if let Some(tgw) = plan.transit_gateway() {
        let (nodes, tgw_links) = transit_gateway_diagram(plan, tgw);
        gateways = nodes;
        links.extend(tgw_links);
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
        gateways,
        zones,
        links,
    }
}

/// The Transit Gateways (the hub, then the peered ones as listed), each VPC's attachment and
/// each peering.
fn transit_gateway_diagram(plan: &Plan, tgw: &TransitGatewayPlan) -> (Vec<Node>, Vec<Link>) {
    // Transit Gateway ids start with `tgw-`: the node id is the id itself.
    let node = |id: &str| snake(id);
    let mut nodes = vec![Node {
        id: node(&tgw.hub),
        label: format!(
            "Transit Gateway {} in {}",
            tgw.hub, plan.endpoint_vpc.region
        ),
    }];
    let mut links = Vec::new();
    for p in &tgw.peerings {
        nodes.push(Node {
            id: node(&p.transit_gateway_id),
            label: format!("Transit Gateway {} in {}", p.transit_gateway_id, p.region),
        });
        links.push(Link {
            from: node(&tgw.hub),
            to: node(&p.transit_gateway_id),
            style: "peering",
            label: match &p.attachment_id {
                Some(id) => format!("Transit Gateway peering {id}"),
                None => "Transit Gateway peering, created".to_string(),
            },
        });
    }
    for a in tgw.attachments() {
        links.push(Link {
            from: format!("vpc_{}", snake(&a.vpc)),
            to: node(&a.transit_gateway_id),
            style: "attachment",
            label: if a.created() {
                "attachment, created".into()
            } else {
                "attachment, existing".into()
            },
        });
    }
    (nodes, links)
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
    let transit_gateway = plan.transit_gateway().map(|tgw| {
        // A peering attachment is billed by the hour as a VPC attachment is.
        let attachments =
            tgw.attachments().filter(|a| a.created()).count() + tgw.created_peerings().count();
        let attachment_hours = attachments as u64 * u64::from(hours);
        let amount = attachment_hours as f64 * TRANSIT_GATEWAY_ATTACHMENT_HOUR;
        TransitGatewayCost {
            attachments,
            attachment_hours,
            price_per_attachment_hour: format!("{TRANSIT_GATEWAY_ATTACHMENT_HOUR}"),
            monthly_usd: usd(amount),
            price_per_gb: format!("{TRANSIT_GATEWAY_PER_GB}"),
            total_usd: usd(total + amount),
        }
    });
    Cost {
        price_per_az_hour: format!("{price}"),
        hours_per_month: hours,
        endpoints: lines.iter().map(|l| l.endpoints).sum(),
        enis: lines.iter().map(|l| l.enis).sum(),
        lines,
        monthly_usd: usd(total),
        transit_gateway,
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
