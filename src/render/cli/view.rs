//! What the AWS CLI scripts (and the CloudFormation companion script) read: every step's
//! arguments as the scripts' shell functions take them. Each call into a stack passes the
//! stack's region and profile (`''` when none) as its first two words (`region_profile`). The
//! scripts read what exists once per stack (by the `ddpl:name` tag), so each step also names its
//! stack (`stack`: the index whose rows it reads), and each stack what it holds.

use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::naming::snake;
use crate::plan::zones::caller_reference_prefix;
use crate::plan::{
    AttachmentPlan, EndpointPlan, PeeringPlan, Plan, PreflightCheck, RoutePlan, StackPlan,
    StaticRouteTarget, Tag, TransitGatewayPlan, VpcPlan,
};

#[derive(Serialize)]
pub(crate) struct CliView<'p> {
    pub stacks: Vec<Stack<'p>>,
    /// The roles to assume first, one per stack with a `role_arn`.
    pub roles: Vec<Role<'p>>,
    /// `sts assume-role --role-session-name`.
    pub session_name: String,
    /// The stack of the endpoint VPC (zone owner, peering requester).
    pub endpoint_stack: Stack<'p>,
    /// The plan's tags as the AWS APIs take them (`Key`, `Value`).
    pub api_tags: Vec<ApiTag<'p>>,
    /// The filter that finds what carries this topology's `ddpl:name` tag.
    pub name_filter: Json,
    /// The key of that tag (in a JMESPath query of the zones' tags).
    pub name_tag_key: &'p str,
    pub name_tag_value: &'p str,
    /// What the caller reference of every zone the deploy script creates starts with.
    pub zone_reference_prefix: String,
    pub endpoint_vpc: Vpc<'p>,
    /// The VPCs that need `enableDnsSupport` and `enableDnsHostnames`.
    pub dns_vpcs: Vec<Vpc<'p>>,
    pub security_groups: Vec<SecurityGroup<'p>>,
    pub endpoints: Vec<Endpoint<'p>>,
    pub preflight: Vec<Preflight<'p>>,
    /// The preflight's calls: one per stack and service region, for all its services.
    pub preflight_calls: Vec<PreflightCall<'p>>,
    pub zones: Vec<Zone<'p>>,
    pub peerings: Vec<Peering<'p>>,
    /// Every zone is associated with each of these VPCs.
    pub associations: Vec<Association<'p>>,
    /// Those of `associations` that another account owns.
    pub cross_account_associations: Vec<Association<'p>>,
    /// transit-gateway: attachments, routes through the gateways, static routes.
    pub transit_gateway: Option<TransitGateway<'p>>,
}

/// What the scripts do with Transit Gateways. The gateways and the attachments the topology
/// names are not the scripts': they create (and remove) only the attachments they tag, and
/// the routes they mark on their route table (a tag `ddpl:route:<cidr>` with the topology's
/// name, since a route carries no tags).
#[derive(Serialize)]
pub(crate) struct TransitGateway<'p> {
    /// Every VPC's attachment: the topology's (`existing_id`) or one to ensure.
    pub attachments: Vec<Attachment<'p>>,
    /// The hub's owner accepts these (attachments of other accounts), then awaits them.
    pub accepted_vars: Vec<String>,
    /// Each stack awaits the attachments it created that nobody else accepts.
    pub waits: Vec<AttachmentWait>,
    pub routes: Vec<Route<'p>>,
    pub static_routes: Vec<StaticRoute<'p>>,
    /// The prefix of the tag key that marks a route as the scripts'.
    pub route_mark: &'static str,
    /// The route reads' query: each table's routes and the marks of this topology.
    pub routes_query: String,
    /// The query of the Transit Gateway route tables' marks.
    pub route_tables_query: String,
    /// The query of our attachments.
    pub attachments_query: String,
    /// The Transit Gateway peerings the scripts request (the hub's owner) and accept (the
    /// other gateway's owner).
    pub peerings: Vec<CreatedPeering<'p>>,
    /// The query of our peering attachments (the endpoint VPC's stack, which requests them).
    pub peerings_query: String,
}

#[derive(Serialize)]
pub(crate) struct CreatedPeering<'p> {
    pub var: String,
    pub accepter_region_profile: [String; 2],
    pub transit_gateway_id: &'p str,
    pub peer_transit_gateway_id: &'p str,
    pub peer_account_id: &'p str,
    pub peer_region: &'p str,
}

#[derive(Serialize)]
pub(crate) struct Attachment<'p> {
    pub var: String,
    pub vpc_name: &'p str,
    pub stack: usize,
    pub region_profile: [String; 2],
    pub transit_gateway_id: &'p str,
    pub vpc_id: &'p str,
    pub subnet_ids: String,
    /// The attachment the topology names (not the scripts'); empty: ensured.
    pub existing_id: &'p str,
    /// A static route leads to it (the script needs its variable).
    pub routed_to: bool,
}

#[derive(Serialize)]
pub(crate) struct AttachmentWait {
    pub region_profile: [String; 2],
    pub vars: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct StaticRoute<'p> {
    pub region_profile: [String; 2],
    pub stack: usize,
    pub route_table_id: &'p str,
    pub destination_cidr: &'p str,
    /// The attachment: the variable of a VPC's, or the peering attachment's id.
    pub attachment_var: Option<String>,
    pub attachment_id: Option<&'p str>,
}

/// The tag key prefix of the marks of the routes the scripts made through a Transit Gateway.
pub(crate) const ROUTE_MARK: &str = "ddpl:route:";

fn attachment_var(vpc: &str) -> String {
    format!("att_{}", snake(vpc))
}

/// The variable of a Transit Gateway peering the scripts create, by the first agent VPC on the
/// other gateway.
fn peering_attachment_var(agent_vpc: &str) -> String {
    format!("tgw_peering_{}", snake(agent_vpc))
}

impl<'p> TransitGateway<'p> {
    fn new(plan: &'p Plan, tgw: &'p TransitGatewayPlan) -> Self {
        let rp = |stack: usize| region_profile(&plan.stacks[stack]);
        let attachment = |a: &'p AttachmentPlan| Attachment {
            var: attachment_var(&a.vpc),
            vpc_name: &a.vpc,
            stack: a.stack,
            region_profile: rp(a.stack),
            transit_gateway_id: &a.transit_gateway_id,
            vpc_id: &a.vpc_id,
            subnet_ids: a.subnet_ids.join(" "),
            existing_id: a.existing_id.as_deref().unwrap_or_default(),
            routed_to: tgw.static_routes.iter().any(
                |r| matches!(&r.target, StaticRouteTarget::Attachment { vpc } if *vpc == a.vpc),
            ),
        };
        let mut waits: Vec<AttachmentWait> = Vec::new();
        for a in tgw
            .attachments()
            .filter(|a| a.created() && !a.accepted_by_hub)
        {
            let region_profile = rp(a.stack);
            match waits
                .iter_mut()
                .find(|w| w.region_profile == region_profile)
            {
                Some(w) => w.vars.push(attachment_var(&a.vpc)),
                None => waits.push(AttachmentWait {
                    region_profile,
                    vars: vec![attachment_var(&a.vpc)],
                }),
            }
        }
        let routes = plan
            .gateway_routes()
            .into_iter()
            .map(|r| Route {
                stack: r.vpc.stack,
                region_profile: rp(r.vpc.stack),
                route_table_id: &r.route.route_table_id,
                destination_cidr: &r.route.destination_cidr,
                transit_gateway_id: r.transit_gateway_id,
            })
            .collect();
        let name = &plan.name_tag.value;
        TransitGateway {
            attachments: tgw.attachments().map(attachment).collect(),
            accepted_vars: tgw
                .attachments()
                .filter(|a| a.accepted_by_hub)
                .map(|a| attachment_var(&a.vpc))
                .collect(),
            waits,
            routes,
            static_routes: tgw
                .static_routes
                .iter()
                .map(|r| StaticRoute {
                    region_profile: rp(r.stack),
                    stack: r.stack,
                    route_table_id: &r.route_table_id,
                    destination_cidr: &r.destination_cidr,
                    attachment_var: match &r.target {
                        StaticRouteTarget::Attachment { vpc } => Some(attachment_var(vpc)),
                        StaticRouteTarget::Peering { peering } => {
                            let p = &tgw.peerings[*peering];
                            p.created()
                                .then(|| peering_attachment_var(&plan.agent_vpcs[p.agent_vpc].name))
                        }
                    },
                    attachment_id: match &r.target {
                        StaticRouteTarget::Peering { peering } => {
                            tgw.peerings[*peering].attachment_id.as_deref()
                        }
                        StaticRouteTarget::Attachment { .. } => None,
                    },
                })
                .collect(),
            route_mark: ROUTE_MARK,
            // The topology's name is [a-z0-9-]: a JMESPath raw string literal needs no escape.
            routes_query: format!(
                "RouteTables[].[RouteTableId,join(' ',Routes[?DestinationCidrBlock].join(';',[DestinationCidrBlock,State,join(',',[VpcPeeringConnectionId,TransitGatewayId,GatewayId,NatGatewayId,NetworkInterfaceId,InstanceId,CarrierGatewayId,LocalGatewayId,EgressOnlyInternetGatewayId][?@ != null])])),join(' ',Tags[?Value=='{name}' && starts_with(Key,'{ROUTE_MARK}')].Key)]"
            ),
            // Filtered in the query rather than by --filters: the same on AWS and emulators.
            route_tables_query: format!(
                "TransitGatewayRouteTables[?Tags[?Value=='{name}' && starts_with(Key,'{ROUTE_MARK}')]].[TransitGatewayRouteTableId,join(' ',Tags[?Value=='{name}' && starts_with(Key,'{ROUTE_MARK}')].Key)]"
            ),
            attachments_query: format!(
                "TransitGatewayVpcAttachments[?Tags[?Key=='{key}' && Value=='{name}']].[TransitGatewayAttachmentId,TransitGatewayId,VpcId,State,join(',',SubnetIds)]",
                key = plan.name_tag.key
            ),
            peerings: tgw
                .created_peerings()
                .map(|p| CreatedPeering {
                    var: peering_attachment_var(&plan.agent_vpcs[p.agent_vpc].name),
                    accepter_region_profile: rp(p.accepter_stack),
                    transit_gateway_id: &tgw.hub,
                    peer_transit_gateway_id: &p.transit_gateway_id,
                    peer_account_id: p.peer_account_id.as_deref().unwrap_or_default(),
                    peer_region: &p.region,
                })
                .collect(),
            peerings_query: format!(
                "TransitGatewayPeeringAttachments[?Tags[?Key=='{key}' && Value=='{name}']].[TransitGatewayAttachmentId,RequesterTgwInfo.TransitGatewayId,AccepterTgwInfo.TransitGatewayId,State]",
                key = plan.name_tag.key
            ),
        }
    }
}

/// A tag as the AWS APIs spell it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApiTag<'p> {
    pub key: &'p str,
    pub value: &'p str,
}

#[derive(Clone, Serialize)]
pub(crate) struct Stack<'p> {
    pub id: &'p str,
    pub region: &'p str,
    /// The profile the scripts' calls into the stack name (`script_profile`).
    pub profile: Option<String>,
    pub role_arn: Option<&'p str>,
    /// The topology's profile: with a role, the credentials that assume it.
    pub source_profile: Option<&'p str>,
    pub index: usize,
    /// The region and the profile (`""` when none), as the scripts' functions take a stack.
    pub region_profile: [String; 2],
    /// The shell variables of the security groups the scripts create in the stack.
    pub group_vars: Vec<String>,
    /// The stack holds endpoints (the deploy's wait reads it).
    pub has_endpoints: bool,
    /// The VPCs of the stack whose route tables the deploy reads (peering), space-separated;
    /// empty when it reads none.
    pub vpc_ids: String,
    /// The shell variables of the peering connections the stack accepts.
    pub accepted_peering_vars: Vec<String>,
    /// 1 when the stack accepts peering connections another stack requested: it tags them too.
    pub tag_on_accept: u8,
}

/// A role the scripts assume at their start (a stack's `role_arn`).
#[derive(Serialize)]
pub(crate) struct Role<'p> {
    /// The profile word that stands for its credentials in the calls (`role:<stack index>`).
    pub stand_in: String,
    pub role_arn: &'p str,
    pub region: &'p str,
    /// The profile whose credentials assume it (`""`: the environment's).
    pub source_profile: &'p str,
}

#[derive(Serialize)]
pub(crate) struct Vpc<'p> {
    pub name: &'p str,
    pub vpc_id: &'p str,
    pub region: &'p str,
    pub profile: Option<String>,
    pub region_profile: [String; 2],
}

#[derive(Serialize)]
pub(crate) struct SecurityGroup<'p> {
    /// The shell variable that holds the group's id.
    pub var: String,
    pub stack: usize,
    pub region_profile: [String; 2],
    pub vpc_id: &'p str,
    pub name: &'p str,
    pub description: &'p str,
    pub rules: Vec<Rule<'p>>,
}

#[derive(Serialize)]
pub(crate) struct Rule<'p> {
    pub protocol: &'p str,
    pub port: u16,
    pub cidr: &'p str,
    /// The rule as `authorize-security-group-ingress --ip-permissions` takes it.
    pub permissions: Json,
}

#[derive(Serialize)]
pub(crate) struct Endpoint<'p> {
    /// The shell variable that holds the endpoint's id.
    pub var: String,
    pub service_id: &'p str,
    pub service_name: &'p str,
    pub service_region: &'p str,
    pub vpc_id: &'p str,
    pub stack: usize,
    pub region: &'p str,
    pub profile: Option<String>,
    pub region_profile: [String; 2],
    pub subnet_ids: String,
    /// The variables of the security groups ddpl-gen creates, or (none) the groups the topology
    /// gives.
    pub security_group_vars: Vec<String>,
    pub existing_security_group_ids: String,
    pub private_dns_flag: &'static str,
}

#[derive(Serialize)]
pub(crate) struct Preflight<'p> {
    pub service_name: &'p str,
    pub private_dns_name: &'p str,
    pub service_region: Option<&'p str>,
    pub source_date: &'p str,
    pub region: &'p str,
    pub profile: Option<String>,
    /// Cross-region: the endpoint VPC and its subnets, for a `create-vpc-endpoint --dry-run`
    /// (AWS checks `vpce:AllowMultiRegion` only on a create).
    pub dry_run_vpc_id: &'p str,
    pub dry_run_subnet_ids: &'p [String],
}

/// One `describe-vpc-endpoint-services` of the preflight: the services of `checks` (one stack,
/// one service region).
#[derive(Serialize)]
pub(crate) struct PreflightCall<'p> {
    pub region_profile: [String; 2],
    pub service_region: &'p str,
    pub checks: Vec<&'p PreflightCheck>,
}

#[derive(Serialize)]
pub(crate) struct Zone<'p> {
    /// The shell variable that holds the zone's id.
    pub var: String,
    pub name: &'p str,
    pub caller_reference: &'p str,
    /// The variable of the endpoint its alias record points at.
    pub endpoint_var: String,
    /// `create-hosted-zone --hosted-zone-config`.
    pub config: Json,
}

#[derive(Serialize)]
pub(crate) struct Peering<'p> {
    pub var: String,
    pub requester: Stack<'p>,
    pub requester_vpc_id: &'p str,
    pub accepter_vpc_id: &'p str,
    pub peer_region: &'p str,
    pub peer_owner_id: &'p str,
    /// The routes of each side: in the requester's tables, then the accepter's.
    pub routes: Vec<Route<'p>>,
}

#[derive(Serialize)]
pub(crate) struct Route<'p> {
    pub stack: usize,
    pub region_profile: [String; 2],
    pub route_table_id: &'p str,
    pub destination_cidr: &'p str,
    /// transit-gateway: the gateway it goes through (empty with peering).
    pub transit_gateway_id: &'p str,
}

#[derive(Clone, Serialize)]
pub(crate) struct Association<'p> {
    pub cross_account: bool,
    /// The VPC owner's stack.
    pub stack: Stack<'p>,
    pub vpc_id: &'p str,
    pub vpc_region: &'p str,
}

/// The profile the scripts name in a stack's calls: for a stack with a `role_arn`, the stand-in
/// `role:<index>`, which the scripts' `aws` function replaces with the credentials of the role
/// (assumed at the start with the stack's profile, if any); else the stack's profile.
pub(crate) fn script_profile(stack: &StackPlan) -> Option<String> {
    match &stack.role_arn {
        Some(_) => Some(format!("role:{}", stack.index)),
        None => stack.profile.clone(),
    }
}

fn region_profile(stack: &StackPlan) -> [String; 2] {
    [
        stack.region.clone(),
        script_profile(stack).unwrap_or_default(),
    ]
}

fn stack_view<'p>(plan: &'p Plan, stack: &'p StackPlan) -> Stack<'p> {
    let vpcs = || plan.vpcs().filter(move |v| v.stack == stack.index);
    Stack {
        id: &stack.id,
        region: &stack.region,
        profile: script_profile(stack),
        role_arn: stack.role_arn.as_deref(),
        source_profile: stack.profile.as_deref(),
        index: stack.index,
        region_profile: region_profile(stack),
        group_vars: vpcs()
            .flat_map(|v| (0..v.security_groups.len()).map(move |n| group_var(v, n)))
            .collect(),
        has_endpoints: vpcs().any(|v| !v.endpoints.is_empty()),
        vpc_ids: if plan.peerings().is_empty() && plan.transit_gateway().is_none() {
            String::new()
        } else {
            vpcs()
                .map(|v| v.vpc_id.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        },
        accepted_peering_vars: plan
            .peerings()
            .iter()
            .filter(|p| p.accepter_stack == stack.index)
            .map(|p| peering_var(plan, p))
            .collect(),
        tag_on_accept: u8::from(
            plan.peerings()
                .iter()
                .any(|p| p.accepter_stack == stack.index && p.remote_accepter),
        ),
    }
}

fn peering_var(plan: &Plan, p: &PeeringPlan) -> String {
    format!("pcx_{}", snake(&plan.agent_vpcs[p.agent_vpc].name))
}

fn endpoint_var(ep: &EndpointPlan) -> String {
    format!("ep_{}", snake(&ep.name))
}

impl<'p> CliView<'p> {
    pub(crate) fn new(plan: &'p Plan) -> Self {
        let stack = |index: usize| stack_view(plan, &plan.stacks[index]);
        let vpc = |vpc: &'p VpcPlan| Vpc {
            name: &vpc.name,
            vpc_id: &vpc.vpc_id,
            region: &vpc.region,
            profile: script_profile(&plan.stacks[vpc.stack]),
            region_profile: region_profile(&plan.stacks[vpc.stack]),
        };
        let name_filter = json!({
            "Name": format!("tag:{}", plan.name_tag.key),
            "Values": [plan.name_tag.value],
        });
        let associations: Vec<Association<'p>> = plan
            .zone_associations()
            .iter()
            .map(|a| Association {
                cross_account: a.cross_account,
                stack: stack(a.stack),
                vpc_id: &a.vpc_id,
                vpc_region: &a.vpc_region,
            })
            .collect();
        CliView {
            stacks: (0..plan.stacks.len()).map(stack).collect(),
            endpoint_stack: stack(plan.endpoint_vpc.stack),
            roles: plan
                .stacks
                .iter()
                .filter_map(|st| {
                    Some(Role {
                        stand_in: script_profile(st)?,
                        role_arn: st.role_arn.as_deref()?,
                        region: &st.region,
                        source_profile: st.profile.as_deref().unwrap_or_default(),
                    })
                })
                .collect(),
            session_name: format!("ddpl-gen-{}", plan.name),
            api_tags: plan
                .tags
                .iter()
                .map(|Tag { key, value }| ApiTag { key, value })
                .collect(),
            endpoint_vpc: vpc(&plan.endpoint_vpc),
            dns_vpcs: plan
                .vpcs()
                .filter(|v| v.needs_dns_attributes)
                .map(vpc)
                .collect(),
            security_groups: plan
                .vpcs()
                .flat_map(|v| {
                    (0..v.security_groups.len())
                        .map(move |n| SecurityGroup::new(v, n, &plan.stacks[v.stack]))
                })
                .collect(),
            endpoints: plan
                .endpoints()
                .map(|(v, ep)| Endpoint::new(v, ep, &plan.stacks[v.stack]))
                .collect(),
            preflight: plan
                .preflight
                .iter()
                .map(|check| Preflight {
                    service_name: &check.service_name,
                    private_dns_name: &check.private_dns_name,
                    service_region: check.service_region.as_deref(),
                    source_date: &check.source_date,
                    region: &plan.stacks[check.stack].region,
                    profile: script_profile(&plan.stacks[check.stack]),
                    dry_run_vpc_id: &plan.endpoint_vpc.vpc_id,
                    dry_run_subnet_ids: &plan.endpoint_vpc.subnet_ids,
                })
                .collect(),
            preflight_calls: preflight_calls(plan),
            zones: plan
                .zones()
                .iter()
                .map(|zone| {
                    let endpoint = plan.zone_endpoint(zone);
                    Zone {
                        var: format!("zone_{}", snake(&endpoint.name)),
                        name: &zone.name,
                        caller_reference: &zone.caller_reference,
                        endpoint_var: endpoint_var(endpoint),
                        config: json!({
                            "PrivateZone": true,
                            "Comment": format!("{}: {}, {}", plan.generator, plan.name, snake(&endpoint.name)),
                        }),
                    }
                })
                .collect(),
            peerings: plan
                .peerings()
                .iter()
                .map(|p| {
                    let routes = |index: usize, routes: &'p [RoutePlan]| {
                        routes.iter().map(move |r| Route {
                            stack: index,
                            region_profile: region_profile(&plan.stacks[index]),
                            route_table_id: &r.route_table_id,
                            destination_cidr: &r.destination_cidr,
                            transit_gateway_id: "",
                        })
                    };
                    Peering {
                        var: peering_var(plan, p),
                        requester: stack(p.requester_stack),
                        requester_vpc_id: &p.requester_vpc_id,
                        accepter_vpc_id: &p.accepter_vpc_id,
                        peer_region: p.peer_region.as_deref().unwrap_or_default(),
                        peer_owner_id: p.peer_owner_id.as_deref().unwrap_or_default(),
                        routes: routes(p.requester_stack, &p.requester_routes)
                            .chain(routes(p.accepter_stack, &p.accepter_routes))
                            .collect(),
                    }
                })
                .collect(),
            cross_account_associations: associations
                .iter()
                .filter(|a| a.cross_account)
                .cloned()
                .collect(),
            associations,
            transit_gateway: plan.transit_gateway().map(|tgw| TransitGateway::new(plan, tgw)),
            name_filter,
            name_tag_key: &plan.name_tag.key,
            name_tag_value: &plan.name_tag.value,
            zone_reference_prefix: caller_reference_prefix(&plan.name),
        }
    }
}

/// The preflight's checks grouped by stack and service region, in the plan's order of first use.
fn preflight_calls(plan: &Plan) -> Vec<PreflightCall<'_>> {
    let mut calls: Vec<PreflightCall<'_>> = Vec::new();
    for check in &plan.preflight {
        let stack = &plan.stacks[check.stack];
        let service_region = check.service_region.as_deref().unwrap_or_default();
        let region_profile = region_profile(stack);
        match calls
            .iter_mut()
            .find(|c| c.region_profile == region_profile && c.service_region == service_region)
        {
            Some(call) => call.checks.push(check),
            None => calls.push(PreflightCall {
                region_profile,
                service_region,
                checks: vec![check],
            }),
        }
    }
    calls
}

/// The shell variable of a VPC's `n`th security group: `sg_<vpc>`, then `sg_<vpc>_2`, ...
fn group_var(vpc: &VpcPlan, n: usize) -> String {
    match n {
        0 => format!("sg_{}", snake(&vpc.name)),
        n => format!("sg_{}_{}", snake(&vpc.name), n + 1),
    }
}

impl<'p> SecurityGroup<'p> {
    fn new(vpc: &'p VpcPlan, n: usize, stack: &StackPlan) -> Self {
        let group = &vpc.security_groups[n];
        SecurityGroup {
            var: group_var(vpc, n),
            stack: stack.index,
            region_profile: region_profile(stack),
            vpc_id: &vpc.vpc_id,
            name: &group.name,
            description: &group.description,
            rules: group
                .ingress
                .iter()
                .map(|rule| Rule {
                    protocol: rule.protocol,
                    port: rule.port,
                    cidr: &rule.cidr,
                    permissions: json!([{
                        "IpProtocol": rule.protocol,
                        "FromPort": rule.port,
                        "ToPort": rule.port,
                        "IpRanges": [{"CidrIp": rule.cidr, "Description": rule.description}],
                    }]),
                })
                .collect(),
        }
    }
}

impl<'p> Endpoint<'p> {
    fn new(vpc: &'p VpcPlan, ep: &'p EndpointPlan, stack: &'p StackPlan) -> Self {
        Endpoint {
            var: endpoint_var(ep),
            service_id: &ep.service_id,
            service_name: &ep.service_name,
            service_region: ep.service_region.as_deref().unwrap_or_default(),
            vpc_id: &vpc.vpc_id,
            stack: stack.index,
            region: &vpc.region,
            profile: script_profile(stack),
            region_profile: region_profile(stack),
            subnet_ids: vpc.subnet_ids.join(" "),
            security_group_vars: (0..vpc.security_groups.len())
                .map(|n| group_var(vpc, n))
                .collect(),
            existing_security_group_ids: vpc.existing_security_group_ids.join(" "),
            private_dns_flag: if ep.private_dns_enabled {
                "--private-dns-enabled"
            } else {
                "--no-private-dns-enabled"
            },
        }
    }
}
