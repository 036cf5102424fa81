//! What the CloudFormation templates read: the plan's resources grouped by stack, with their
//! logical ids (PascalCase forms of the plan's names, `naming::pascal`), the parameters and
//! outputs that carry ids between stacks, and what each stack must say about the VPC DNS
//! attributes it cannot turn on.

use serde::Serialize;

use crate::naming::pascal;
use crate::plan::{
    AttachmentPlan, EndpointPlan, PeeringPlan, Plan, RoutePlan, SecurityGroupPlan, StackPlan,
    StaticRouteTarget, TransitGatewayPlan, VpcPlan, VpcRole,
};
use crate::render::commands::dns_attribute_fixes;

#[derive(Serialize)]
pub(crate) struct CloudFormationView<'p> {
    /// The companion script's file name, when there is one.
    pub companion: Option<String>,
    /// The endpoint VPC's stack (the first), and the others in the plan's order.
    pub endpoint_stack: Stack<'p>,
    pub other_stacks: Vec<Stack<'p>>,
    pub zones: Vec<Zone<'p>>,
    /// The VPCs a zone is created with: the endpoint VPC and the agent VPCs of its account.
    pub zone_vpcs: Vec<ZoneVpc<'p>>,
    /// Every VPC a zone is associated with, for the README.
    pub associated_vpcs: Vec<AssociatedVpc<'p>>,
    pub peerings: Vec<Peering<'p>>,
    /// Some zone is associated with a VPC of another account (a companion step).
    pub shares_zones: bool,
    /// Some peering is accepted in another stack than the one that requests it.
    pub remote_accepters: bool,
    /// transit-gateway: the attachments the hub's owner accepts (a companion step).
    pub acceptances: Vec<Acceptance<'p>>,
    /// The Transit Gateway peerings the endpoint VPC's stack requests, which the other
    /// gateway's owner accepts (a companion step).
    pub peering_acceptances: Vec<PeeringAcceptance<'p>>,
    /// Some stack takes a second pass (attachment ids, acceptances).
    pub second_pass: bool,
    pub endpoint_cidr: &'p str,
}

#[derive(Serialize)]
pub(crate) struct Stack<'p> {
    #[serde(flatten)]
    pub stack: &'p StackPlan,
    /// The template's file name.
    pub template: String,
    pub description: String,
    /// Without a companion: the VPCs whose DNS attributes must be on before the stack.
    pub dns_notes: Vec<DnsNote<'p>>,
    pub vpcs: Vec<Vpc<'p>>,
    pub holds_zones: bool,
    pub requested: Vec<Peering<'p>>,
    pub accepted: Vec<Peering<'p>>,
    /// It requests a peering of another account (which takes that account's role ARN).
    pub requests_cross_account: bool,
    /// It accepts a peering requested from another stack (which takes the connection's id).
    pub accepts_remote: bool,
    /// It accepts a peering of another account (with a role the requester assumes).
    pub accepts_cross_account: bool,
    /// It holds something other stacks or the user read back.
    pub has_outputs: bool,
    /// Its template is larger than CloudFormation takes inline (`INLINE_TEMPLATE_LIMIT`): it is
    /// deployed through an S3 bucket. Known once the template is rendered.
    pub over_inline_limit: bool,
    /// transit-gateway: the attachments it creates, its VPC routes through the gateways, its
    /// static routes, and the parameters of its second pass.
    pub attachments: Vec<Attachment<'p>>,
    pub tgw_routes: Vec<TgwRoute<'p>>,
    pub static_routes: Vec<StaticRoute<'p>>,
    /// Attachments created by other stacks that its static routes lead to, by parameter.
    pub attachment_parameters: Vec<AttachmentParameter>,
    /// Its attachments that the hub's owner accepts (their routes wait for it).
    pub acceptance_parameters: Vec<String>,
    /// The Transit Gateway peerings it requests (the endpoint VPC's stack).
    pub tgw_peerings: Vec<TgwPeering<'p>>,
    /// Its account owns a Transit Gateway whose peering the endpoint VPC's stack requests: its
    /// static routes through that peering go before the peering (the teardown order).
    pub accepts_tgw_peering: bool,
}

/// A Transit Gateway peering attachment the endpoint VPC's stack requests.
#[derive(Serialize)]
pub(crate) struct TgwPeering<'p> {
    pub logical: String,
    /// The first agent VPC on the other gateway, which names it.
    pub agent_name: &'p str,
    pub transit_gateway_id: &'p str,
    pub peer_transit_gateway_id: &'p str,
    pub peer_account_id: &'p str,
    pub peer_region: &'p str,
}

/// A requested Transit Gateway peering, accepted by the stack of the other gateway's owner.
#[derive(Serialize)]
pub(crate) struct PeeringAcceptance<'p> {
    pub agent_name: &'p str,
    /// The accepter's stack (index into the plan's stacks).
    pub stack: usize,
    /// The requester's stack and the output that gives the attachment's id.
    pub requester_stack_id: &'p str,
    pub output: String,
}

/// An attachment created in another account than the hub's, accepted by the hub's owner.
#[derive(Serialize)]
pub(crate) struct Acceptance<'p> {
    pub vpc_name: &'p str,
    /// The stack that creates it (index into the plan's stacks) and its output.
    pub stack: usize,
    pub stack_id: &'p str,
    pub output: String,
}

#[derive(Serialize)]
pub(crate) struct Attachment<'p> {
    pub logical: String,
    pub vpc_name: &'p str,
    pub vpc_id: &'p str,
    pub transit_gateway_id: &'p str,
    pub subnet_ids: &'p [String],
    /// The hub's owner accepts it (the companion script): `<logical>Accepted`.
    pub accepted_by_hub: bool,
}

#[derive(Serialize)]
pub(crate) struct TgwRoute<'p> {
    pub logical: String,
    pub route_table_id: &'p str,
    pub destination_cidr: &'p str,
    pub transit_gateway_id: &'p str,
    /// The attachment created in this stack that the route waits for.
    pub depends_on: Option<String>,
    /// The acceptance parameter's condition it waits for.
    pub condition: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct StaticRoute<'p> {
    pub logical: String,
    pub route_table_id: &'p str,
    pub destination_cidr: &'p str,
    /// Its attachment: a resource of this stack (`!Ref`), a parameter (`!Ref`, created only
    /// once given), or an id the topology names.
    pub target_resource: Option<String>,
    pub target_parameter: Option<String>,
    pub target_id: Option<&'p str>,
    /// The peering of this stack that a parameter target names: deleted after the route.
    pub depends_on: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct AttachmentParameter {
    pub name: String,
    pub description: String,
    /// The stack whose output gives it, and the output.
    pub stack_id: String,
    pub output: String,
}

/// The largest template CloudFormation takes in the request itself (TemplateBody); larger ones
/// (up to 1 MB) must come from S3 (CloudFormation quotas, "Template body size in a request").
pub(crate) const INLINE_TEMPLATE_LIMIT: usize = 51_200;

#[derive(Serialize)]
pub(crate) struct DnsNote<'p> {
    pub vpc_id: &'p str,
    pub region: &'p str,
    pub commands: [String; 2],
}

#[derive(Serialize)]
pub(crate) struct Vpc<'p> {
    pub vpc_id: &'p str,
    pub subnet_ids: &'p [String],
    pub existing_security_group_ids: &'p [String],
    pub security_groups: Vec<SecurityGroup<'p>>,
    pub endpoints: Vec<Endpoint<'p>>,
}

#[derive(Serialize)]
pub(crate) struct SecurityGroup<'p> {
    /// The logical id: `EndpointSecurityGroup`, then `EndpointSecurityGroup2`, ...
    pub resource: String,
    /// The description of its `<resource>Id` output.
    pub output_description: String,
    #[serde(flatten)]
    pub group: &'p SecurityGroupPlan,
}

#[derive(Serialize)]
pub(crate) struct Endpoint<'p> {
    pub logical: String,
    #[serde(flatten)]
    pub endpoint: &'p EndpointPlan,
}

#[derive(Serialize)]
pub(crate) struct Zone<'p> {
    pub logical: String,
    pub name: &'p str,
    pub endpoint_logical: String,
    pub service_keys: &'p [String],
}

#[derive(Serialize)]
pub(crate) struct ZoneVpc<'p> {
    pub vpc_id: &'p str,
    pub region: &'p str,
}

#[derive(Serialize)]
pub(crate) struct AssociatedVpc<'p> {
    pub vpc_id: &'p str,
    pub cross_account: bool,
}

#[derive(Serialize)]
pub(crate) struct Peering<'p> {
    pub logical: String,
    pub agent_name: &'p str,
    pub requester: &'p StackPlan,
    pub accepter: &'p StackPlan,
    pub requester_vpc_id: &'p str,
    pub accepter_vpc_id: &'p str,
    pub requester_cidr: &'p str,
    pub accepter_cidr: &'p str,
    pub peer_region: Option<&'p str>,
    pub peer_owner_id: Option<&'p str>,
    pub cross_region: bool,
    pub cross_account: bool,
    pub remote_accepter: bool,
    pub requester_routes: Vec<Route<'p>>,
    pub accepter_routes: Vec<Route<'p>>,
}

#[derive(Serialize)]
pub(crate) struct Route<'p> {
    pub logical: String,
    #[serde(flatten)]
    pub route: &'p RoutePlan,
}

impl<'p> CloudFormationView<'p> {
    /// Every stack, the endpoint VPC's first.
    pub(crate) fn stacks(&self) -> impl Iterator<Item = &Stack<'p>> {
        std::iter::once(&self.endpoint_stack).chain(&self.other_stacks)
    }

    /// Marks the stacks whose rendered template (by file name) is over the inline limit.
    pub(crate) fn mark_large(&mut self, sizes: &[(String, usize)]) {
        let large = |stack: &Stack<'_>| {
            sizes
                .iter()
                .any(|(name, size)| *name == stack.template && *size > INLINE_TEMPLATE_LIMIT)
        };
        self.endpoint_stack.over_inline_limit = large(&self.endpoint_stack);
        for stack in &mut self.other_stacks {
            stack.over_inline_limit = large(stack);
        }
    }

    pub(crate) fn new(plan: &'p Plan, companion: Option<String>) -> Self {
        let has_companion = companion.is_some();
        let endpoint = &plan.endpoint_vpc;
        let zone_vpcs = std::iter::once(ZoneVpc {
            vpc_id: &endpoint.vpc_id,
            region: &endpoint.region,
        })
        .chain(
            plan.zone_associations()
                .iter()
                .filter(|a| !a.cross_account)
                .map(|a| ZoneVpc {
                    vpc_id: &a.vpc_id,
                    region: &a.vpc_region,
                }),
        )
        .collect();
        let associated_vpcs = std::iter::once(AssociatedVpc {
            vpc_id: &endpoint.vpc_id,
            cross_account: false,
        })
        .chain(plan.zone_associations().iter().map(|a| AssociatedVpc {
            vpc_id: &a.vpc_id,
            cross_account: a.cross_account,
        }))
        .collect();
        let acceptances: Vec<Acceptance<'p>> = plan
            .transit_gateway()
            .map(|tgw| {
                tgw.attachments()
                    .filter(|a| a.accepted_by_hub)
                    .map(|a| Acceptance {
                        vpc_name: &a.vpc,
                        stack: a.stack,
                        stack_id: &plan.stacks[a.stack].id,
                        output: format!("{}Id", attachment_logical(&a.vpc)),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let peering_acceptances: Vec<PeeringAcceptance<'p>> = plan
            .transit_gateway()
            .map(|tgw| {
                tgw.created_peerings()
                    .map(|p| {
                        let agent_name = plan.agent_vpcs[p.agent_vpc].name.as_str();
                        PeeringAcceptance {
                            agent_name,
                            stack: p.accepter_stack,
                            requester_stack_id: &plan.stacks[p.requester_stack].id,
                            output: format!("{}Id", peering_logical(agent_name)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let endpoint_stack = Stack::new(plan, plan.endpoint_stack(), has_companion);
        let other_stacks: Vec<Stack<'p>> = plan
            .stacks
            .iter()
            .filter(|s| !s.is_endpoint_stack)
            .map(|s| Stack::new(plan, s, has_companion))
            .collect();
        let second_pass = std::iter::once(&endpoint_stack)
            .chain(&other_stacks)
            .any(|s| !s.attachment_parameters.is_empty() || !s.acceptance_parameters.is_empty());
        CloudFormationView {
            acceptances,
            peering_acceptances,
            second_pass,
            endpoint_stack,
            other_stacks,
            shares_zones: companion.is_some()
                && plan.zone_associations().iter().any(|a| a.cross_account),
            companion,
            zones: plan
                .zones()
                .iter()
                .map(|zone| {
                    let logical = endpoint_logical(plan.zone_endpoint(zone));
                    Zone {
                        endpoint_logical: logical.clone(),
                        logical,
                        name: &zone.name,
                        service_keys: &zone.service_keys,
                    }
                })
                .collect(),
            zone_vpcs,
            associated_vpcs,
            peerings: plan
                .peerings()
                .iter()
                .map(|p| Peering::new(plan, p))
                .collect(),
            remote_accepters: plan.peerings().iter().any(|p| p.remote_accepter),
            endpoint_cidr: &endpoint.cidr,
        }
    }
}

fn endpoint_logical(ep: &EndpointPlan) -> String {
    pascal(&ep.name)
}

impl<'p> Stack<'p> {
    fn new(plan: &'p Plan, stack: &'p StackPlan, companion: bool) -> Self {
        let here: Vec<&'p VpcPlan> = plan.vpcs().filter(|v| v.stack == stack.index).collect();
        let requested: Vec<Peering<'p>> = plan
            .peerings()
            .iter()
            .filter(|p| p.requester_stack == stack.index)
            .map(|p| Peering::new(plan, p))
            .collect();
        let accepted: Vec<Peering<'p>> = plan
            .peerings()
            .iter()
            .filter(|p| p.accepter_stack == stack.index)
            .map(|p| Peering::new(plan, p))
            .collect();
        // Without a companion script (no zones), the template itself states that its VPC needs
        // the DNS attributes, which the stack cannot turn on (it does not own the VPC).
        let dns_notes: Vec<DnsNote<'p>> = if companion {
            Vec::new()
        } else {
            here.iter()
                .filter(|v| v.needs_dns_attributes)
                .map(|v| DnsNote {
                    vpc_id: &v.vpc_id,
                    region: &v.region,
                    commands: dns_attribute_fixes(plan, v),
                })
                .collect()
        };
        let holds_zones = stack.is_endpoint_stack && !plan.zones().is_empty();
        let transit = match plan.transit_gateway() {
            Some(tgw) => StackTransit::new(plan, tgw, stack),
            None => StackTransit::default(),
        };
        let has_outputs = here.iter().any(|v| !v.endpoints.is_empty())
            || !requested.is_empty()
            || accepted.iter().any(|p| p.cross_account)
            || holds_zones;
        Stack {
            template: format!("{}.yaml", stack.id),
            description: description(plan, stack, &dns_notes),
            requests_cross_account: requested.iter().any(|p| p.cross_account),
            accepts_remote: accepted.iter().any(|p| p.remote_accepter),
            // Another account is always another stack: such an acceptance is remote.
            accepts_cross_account: accepted.iter().any(|p| p.cross_account),
            has_outputs: has_outputs
                || !transit.attachments.is_empty()
                || !transit.peerings.is_empty(),
            over_inline_limit: false,
            attachments: transit.attachments,
            tgw_routes: transit.routes,
            static_routes: transit.static_routes,
            attachment_parameters: transit.parameters,
            acceptance_parameters: transit.acceptances,
            tgw_peerings: transit.peerings,
            accepts_tgw_peering: plan
                .transit_gateway()
                .is_some_and(|tgw| tgw.accepts_created_peering(stack.index)),
            holds_zones,
            vpcs: here.into_iter().map(Vpc::new).collect(),
            dns_notes,
            requested,
            accepted,
            stack,
        }
    }
}

/// The template's Description: the topology, the site, the stack, and what must precede it.
fn description(plan: &Plan, stack: &StackPlan, dns_notes: &[DnsNote<'_>]) -> String {
    let mut text = format!(
        "Datadog PrivateLink for {}: site {} ({}, {}), kind {}; stack {} (generated by {})",
        plan.name,
        plan.site.id,
        plan.site.domain,
        plan.site.region,
        plan.kind.as_str(),
        stack.id,
        plan.generator
    );
    if !dns_notes.is_empty() {
        let vpcs: Vec<&str> = dns_notes.iter().map(|n| n.vpc_id).collect();
        text.push_str(&format!(
            "; before creating it, turn on enableDnsSupport and enableDnsHostnames in {} (see Metadata ddpl-gen VpcDnsAttributes)",
            vpcs.join(", ")
        ));
    }
    text
}

impl<'p> Vpc<'p> {
    fn new(vpc: &'p VpcPlan) -> Self {
        let logical = pascal(&vpc.name);
        Vpc {
            vpc_id: &vpc.vpc_id,
            subnet_ids: &vpc.subnet_ids,
            existing_security_group_ids: &vpc.existing_security_group_ids,
            security_groups: vpc
                .security_groups
                .iter()
                .enumerate()
                .map(|(n, group)| {
                    let (resource, of) = match n {
                        0 => (format!("{logical}SecurityGroup"), String::new()),
                        n => (
                            format!("{logical}SecurityGroup{}", n + 1),
                            format!(" ({})", group.name),
                        ),
                    };
                    SecurityGroup {
                        resource,
                        output_description: format!(
                            "Security group of the interface endpoints in {}{of}",
                            vpc.vpc_id
                        ),
                        group,
                    }
                })
                .collect(),
            endpoints: vpc
                .endpoints
                .iter()
                .map(|endpoint| Endpoint {
                    logical: endpoint_logical(endpoint),
                    endpoint,
                })
                .collect(),
        }
    }
}

impl<'p> Peering<'p> {
    fn new(plan: &'p Plan, p: &'p PeeringPlan) -> Self {
        let agent = &plan.agent_vpcs[p.agent_vpc];
        let logical = pascal(&agent.name);
        let routes = |side: &str, routes: &'p [RoutePlan]| -> Vec<Route<'p>> {
            routes
                .iter()
                .map(|route| Route {
                    logical: format!("{logical}{}{}", pascal(side), pascal(&route.route_table_id)),
                    route,
                })
                .collect()
        };
        Peering {
            requester_routes: routes("to_agent", &p.requester_routes),
            accepter_routes: routes("to_endpoint", &p.accepter_routes),
            logical,
            agent_name: &agent.name,
            requester: &plan.stacks[p.requester_stack],
            accepter: &plan.stacks[p.accepter_stack],
            requester_vpc_id: &p.requester_vpc_id,
            accepter_vpc_id: &p.accepter_vpc_id,
            requester_cidr: &p.requester_cidr,
            accepter_cidr: &p.accepter_cidr,
            peer_region: p.peer_region.as_deref(),
            peer_owner_id: p.peer_owner_id.as_deref(),
            cross_region: p.cross_region,
            cross_account: p.cross_account,
            remote_accepter: p.remote_accepter,
        }
    }
}

/// A stack's part of the Transit Gateways.
#[derive(Default)]
struct StackTransit<'p> {
    attachments: Vec<Attachment<'p>>,
    routes: Vec<TgwRoute<'p>>,
    static_routes: Vec<StaticRoute<'p>>,
    parameters: Vec<AttachmentParameter>,
    acceptances: Vec<String>,
    peerings: Vec<TgwPeering<'p>>,
}

/// The logical id of a Transit Gateway peering ddpl-gen requests, by the first agent VPC on
/// the other gateway: `TokyoAppsTransitGatewayPeering`.
fn peering_logical(agent_vpc: &str) -> String {
    format!("{}TransitGatewayPeering", pascal(agent_vpc))
}

/// The logical id of a VPC's attachment: `EndpointTransitGatewayAttachment`.
fn attachment_logical(vpc: &str) -> String {
    format!("{}TransitGatewayAttachment", pascal(vpc))
}

impl<'p> StackTransit<'p> {
    fn new(plan: &'p Plan, tgw: &'p TransitGatewayPlan, stack: &StackPlan) -> Self {
        let here = |a: &AttachmentPlan| a.stack == stack.index;
        let attachments: Vec<Attachment<'p>> = tgw
            .attachments()
            .filter(|a| a.created() && here(a))
            .map(|a| Attachment {
                logical: attachment_logical(&a.vpc),
                vpc_name: &a.vpc,
                vpc_id: &a.vpc_id,
                transit_gateway_id: &a.transit_gateway_id,
                subnet_ids: &a.subnet_ids,
                accepted_by_hub: a.accepted_by_hub,
            })
            .collect();
        let made_here =
            |a: &AttachmentPlan| (a.created() && here(a)).then(|| attachment_logical(&a.vpc));
        let mut routes = Vec::new();
        for r in plan.gateway_routes() {
            if r.vpc.stack != stack.index {
                continue;
            }
            let agent = pascal(&plan.agent_vpcs[r.spoke.agent_vpc].name);
            // The endpoint VPC's side waits for its attachment; the agent VPC's for its own,
            // and for the hub owner's acceptance of it.
            let (side, attachment) = match r.vpc.role {
                VpcRole::Endpoint => ("ToAgent", &tgw.endpoint_attachment),
                VpcRole::Agent => ("ToEndpoint", &r.spoke.attachment),
            };
            routes.push(TgwRoute {
                logical: format!("{agent}{side}{}", pascal(&r.route.route_table_id)),
                route_table_id: &r.route.route_table_id,
                destination_cidr: &r.route.destination_cidr,
                transit_gateway_id: r.transit_gateway_id,
                depends_on: made_here(attachment),
                condition: (r.vpc.role == VpcRole::Agent && attachment.accepted_by_hub)
                    .then(|| format!("{}Accepted", attachment_logical(&attachment.vpc))),
            });
        }
        let mut parameters: Vec<AttachmentParameter> = Vec::new();
        let static_routes = tgw
            .static_routes
            .iter()
            .filter(|r| r.stack == stack.index)
            .map(|r| {
                let mut route = StaticRoute {
                    logical: format!(
                        "To{}In{}TransitGatewayRoute",
                        pascal(&r.to),
                        pascal(&r.route_table_id)
                    ),
                    route_table_id: &r.route_table_id,
                    destination_cidr: &r.destination_cidr,
                    target_resource: None,
                    target_parameter: None,
                    target_id: None,
                    depends_on: None,
                };
                match &r.target {
                    StaticRouteTarget::Peering { peering } => {
                        let p = &tgw.peerings[*peering];
                        match &p.attachment_id {
                            Some(id) => route.target_id = Some(id),
                            // A requested peering takes routes once accepted, in any stack.
                            None => {
                                let agent = &plan.agent_vpcs[p.agent_vpc].name;
                                let name = format!("{}Id", peering_logical(agent));
                                let from = &plan.stacks[p.requester_stack];
                                if !parameters.iter().any(|p| p.name == name) {
                                    parameters.push(AttachmentParameter {
                                        description: format!(
                                            "Id of the Transit Gateway peering attachment of {} with {}: output {name} of stack {}, once accepted; empty until then",
                                            tgw.hub, p.transit_gateway_id, from.id
                                        ),
                                        stack_id: from.id.clone(),
                                        output: name.clone(),
                                        name: name.clone(),
                                    });
                                }
                                route.target_parameter = Some(name);
                                route.depends_on = (p.requester_stack == stack.index)
                                    .then(|| peering_logical(agent));
                            }
                        }
                    }
                    StaticRouteTarget::Attachment { vpc } => {
                        // The plan's targets are its VPCs' attachments.
                        let Some(a) = tgw.attachments().find(|a| &a.vpc == vpc) else {
                            return route;
                        };
                        if let Some(id) = &a.existing_id {
                            route.target_id = Some(id);
                        } else if here(a) && !a.accepted_by_hub {
                            route.target_resource = Some(attachment_logical(vpc));
                        } else {
                            let name = format!("{}Id", attachment_logical(vpc));
                            let from = &plan.stacks[a.stack];
                            if !parameters.iter().any(|p| p.name == name) {
                                parameters.push(AttachmentParameter {
                                    description: format!(
                                        "Id of the Transit Gateway attachment of {} ({}): output {name} of stack {}{}; empty until then",
                                        a.vpc,
                                        a.vpc_id,
                                        from.id,
                                        if a.accepted_by_hub { ", once accepted" } else { "" }
                                    ),
                                    stack_id: from.id.clone(),
                                    output: name.clone(),
                                    name: name.clone(),
                                });
                            }
                            route.target_parameter = Some(name);
                        }
                    }
                }
                route
            })
            .collect();
        let acceptances = attachments
            .iter()
            .filter(|a| a.accepted_by_hub)
            .map(|a| format!("{}Accepted", a.logical))
            .collect();
        let peerings = tgw
            .created_peerings()
            .filter(|p| p.requester_stack == stack.index)
            .map(|p| {
                let agent_name = plan.agent_vpcs[p.agent_vpc].name.as_str();
                TgwPeering {
                    logical: peering_logical(agent_name),
                    agent_name,
                    transit_gateway_id: &tgw.hub,
                    peer_transit_gateway_id: &p.transit_gateway_id,
                    peer_account_id: p.peer_account_id.as_deref().unwrap_or_default(),
                    peer_region: &p.region,
                }
            })
            .collect();
        StackTransit {
            peerings,
            attachments,
            routes,
            static_routes,
            parameters,
            acceptances,
        }
    }
}
