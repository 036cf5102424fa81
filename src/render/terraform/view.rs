//! What the Terraform templates read: the plan's resources as the tables that `for_each` runs
//! over, with their Terraform names, providers, comments and `terraform fmt` alignment already
//! decided.
//!
//! Names a reviewer reads: resources in the endpoint VPC are named `endpoint` and keyed by
//! what they serve (`aws_vpc_endpoint.endpoint["traces"]`, by CIDR for ingress rules); what
//! one provider repeats for many agent VPCs is one resource per provider (stack), keyed by the
//! agent VPC's name (`aws_vpc_peering_connection_accepter.a222222222222_eu_west_1["eu-prod"]`).
//! The ids the topology gives are variables defaulting to its values (`var.endpoint_vpc`,
//! `var.agent_vpcs`), so the same main.tf serves the root and the module.

use serde::Serialize;

use super::columns;
use super::moved::{Moved, moved_from_0_1};
use crate::naming::snake;
use crate::plan::{EndpointPlan, Plan, StackPlan, StaticRouteTarget, TransitGatewayPlan, VpcPlan};
use crate::render::commands::dns_attribute_fixes_in;
use crate::render::escape::hcl_string;

/// Which Terraform the files make up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// A root module: provider blocks, the profiles variable, `moved` blocks from 0.1.0.
    Root,
    /// A reusable module: `configuration_aliases` instead of provider blocks.
    Module,
}

#[derive(Serialize)]
pub(crate) struct TerraformView<'p> {
    pub shape: Shape,
    /// The provider constraint: what the generated code needs (`service_region`: 5.83).
    pub provider_version: &'static str,
    pub providers: Vec<Provider<'p>>,
    /// `var.profiles` default (root only): alias -> the topology's profile, aligned.
    pub profiles: Vec<Aligned>,
    /// `aws.<alias>` of the endpoint VPC's stack (endpoints, zones, peering requests).
    pub endpoint_provider: String,
    /// The alias alone, as the `stack` of table rows compare it.
    pub endpoint_alias: String,
    /// `var.tags` default: the user's tags, aligned.
    pub tags: Vec<Aligned>,
    /// The `ddpl:name` tag, merged over `var.tags`.
    pub name_tag: Aligned,
    pub endpoint_vpc: EndpointVpc<'p>,
    /// The agent VPCs (peering), as listed: `local.agent_vpcs` and `var.agent_vpcs`.
    pub agent_vpcs: Vec<AgentVpc<'p>>,
    /// The stacks that hold agent VPCs, in stack order, with what each does for them.
    pub agent_stacks: Vec<AgentStack>,
    /// Private hosted zones, by the key of the endpoint they answer for.
    pub zones: Vec<Aligned>,
    /// A peering connection per agent VPC.
    pub peering: bool,
    /// An agent VPC in another account than the endpoint VPC's: zone association authorizations.
    pub cross_account_associations: bool,
    /// Same-account agent VPCs: associated by the endpoint provider.
    pub same_account_associations: bool,
    /// `data.aws_vpc.*` the zone associations wait for (their DNS attribute checks).
    pub association_checks: Vec<String>,
    /// Secrets Manager endpoints in agent VPCs.
    pub agent_endpoints: bool,
    /// Transit Gateways: attachments, routes through them, static routes.
    pub transit_gateway: Option<TransitGateway>,
    /// `moved` blocks from the addresses of ddpl-gen 0.1.0 (root only).
    pub moved: Vec<Moved>,
}

/// A map entry: its key, the padding after it that lines up the `=` as `terraform fmt`
/// does, and its value.
#[derive(Serialize)]
pub(crate) struct Aligned {
    pub key: String,
    pub pad: usize,
    pub value: String,
}

#[derive(Serialize)]
pub(crate) struct Provider<'p> {
    #[serde(flatten)]
    pub stack: &'p StackPlan,
    pub alias: String,
    pub comment: String,
    /// The widest argument name of the block (for the `=` alignment).
    pub width: usize,
}

#[derive(Serialize)]
pub(crate) struct EndpointVpc<'p> {
    pub comment: String,
    pub provider: String,
    pub vpc: &'p VpcPlan,
    /// `format()` text of the DNS attribute check's message (`%s`: the VPC id), when the VPC
    /// needs the attributes.
    pub dns_check: Option<String>,
    pub security_groups: Vec<SecurityGroup<'p>>,
    /// `aws_security_group.<ident>.id` of each group, for the endpoints.
    pub security_group_refs: Vec<String>,
    /// The endpoints, by key.
    pub endpoints: Vec<Endpoint<'p>>,
    /// Any endpoint has a service region (cross-region): the entries carry one.
    pub service_regions: bool,
    /// The widest attribute name of `var.endpoint_vpc`'s type.
    pub variable_width: usize,
    /// transit-gateway: its gateway, and the attachment and route table the topology names.
    pub transit_gateway_id: Option<&'p str>,
    pub attachment_id: Option<&'p str>,
    pub transit_gateway_route_table_id: Option<&'p str>,
}

#[derive(Serialize)]
pub(crate) struct SecurityGroup<'p> {
    pub ident: String,
    pub name: &'p str,
    pub description: &'p str,
    /// Padding after its name in the `security_group_ids` output.
    pub pad: usize,
    /// CIDR -> rule description, aligned.
    pub rules: Vec<Aligned>,
}

#[derive(Serialize)]
pub(crate) struct Endpoint<'p> {
    #[serde(flatten)]
    pub endpoint: &'p EndpointPlan,
    pub comment: String,
    /// Datadog services: where the catalog entry comes from.
    pub source_comment: Option<String>,
}

/// What the Transit Gateway partial reads.
#[derive(Serialize)]
pub(crate) struct TransitGateway {
    /// The endpoint VPC's attachment is created here (not given by id).
    pub endpoint_attachment: bool,
    /// Some agent VPC's created attachment is accepted by the hub's owner.
    pub accepts: bool,
    /// `var.transit_gateway_peerings` default: peer gateway -> the peering attachment the
    /// topology names, aligned.
    pub peerings: Vec<Aligned>,
    /// The peerings ddpl-gen requests (the hub's owner) and accepts (each peer's stack).
    pub created_peerings: Vec<CreatedPeering>,
    /// Static routes by `"<route table> <destination>"`, with what each needs.
    pub static_routes: Vec<StaticRoute>,
    /// The endpoint VPC's stack adds static routes.
    pub endpoint_static_routes: bool,
}

#[derive(Serialize)]
pub(crate) struct CreatedPeering {
    /// The peer Transit Gateway's id, which keys the resources.
    pub key: String,
    /// Provider alias of the accepter's stack.
    pub stack: String,
    pub region: String,
    pub peer_account_id: String,
    /// The agent VPC whose `transit_gateway_id` names the peer gateway.
    pub first_agent: String,
}

#[derive(Serialize)]
pub(crate) struct StaticRoute {
    pub key: String,
    /// Provider alias of the stack that adds it.
    pub stack: String,
    /// The agent VPC whose variable names its route table; none: the endpoint VPC's.
    pub route_table_of: Option<String>,
    pub cidr: String,
    /// Through a VPC's attachment (`endpoint` or an agent VPC's name) ...
    pub attachment: Option<String>,
    /// ... or through the peering attachment with this gateway.
    pub peering: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct AgentVpc<'p> {
    pub vpc: &'p VpcPlan,
    /// The provider alias of its stack.
    pub stack: String,
    /// transit-gateway: its gateway, and whether ddpl-gen creates (and the hub accepts) its
    /// attachment, or the one it names.
    pub transit_gateway_id: Option<&'p str>,
    pub attach: bool,
    pub accept: bool,
    pub attachment_id: Option<&'p str>,
    pub transit_gateway_route_table_id: Option<&'p str>,
    /// The widest attribute name of its object in `var.agent_vpcs`' type.
    pub variable_width: usize,
    pub peer_region: Option<&'p str>,
    pub peer_owner_id: Option<&'p str>,
    pub cross_account: bool,
    /// Its Secrets Manager endpoint's security group.
    pub secrets_manager: Option<SecretsManager<'p>>,
}

#[derive(Serialize)]
pub(crate) struct SecretsManager<'p> {
    pub service_name: &'p str,
    pub group_name: &'p str,
    pub group_description: &'p str,
    pub rule_description: &'p str,
}

#[derive(Serialize)]
pub(crate) struct AgentStack {
    pub alias: String,
    pub provider: String,
    pub comment: String,
    /// Accepts the peering connections of its agent VPCs (always, with peering).
    pub peering: bool,
    /// Its agent VPCs are in another account: it associates them with the zones.
    pub associates: bool,
    /// Some of its agent VPCs need DNS attribute checks: the `format()` text (`%s`: VPC id,
    /// agent VPC name, VPC id, VPC id).
    pub dns_check: Option<String>,
    /// Some of its agent VPCs have a Secrets Manager endpoint.
    pub secrets_manager: bool,
    /// transit-gateway: routes to the endpoint VPC through the gateways.
    pub transit_gateway: bool,
    /// It creates attachments for its agent VPCs.
    pub attaches: bool,
    /// The hub's owner accepts some of them: their routes wait for it.
    pub accepted: bool,
    /// It adds static routes (in its gateway's route tables).
    pub static_routes: bool,
    /// It accepts a Transit Gateway peering the hub's owner requests.
    pub accepts_peerings: bool,
}

impl<'p> TerraformView<'p> {
    pub(crate) fn new(plan: &'p Plan, shape: Shape) -> Self {
        let aliases: Vec<String> = plan.stacks.iter().map(alias).collect();
        let provider = |stack: usize| format!("aws.{}", aliases[stack]);
        let agent_vpcs = agent_vpcs(plan, &aliases);
        let agent_stacks = agent_stacks(plan, &aliases);
        let associations = plan.zone_associations();
        TerraformView {
            shape,
            provider_version: ">= 5.83, < 7.0",
            providers: plan
                .stacks
                .iter()
                .zip(&aliases)
                .map(|(stack, alias)| Provider::new(stack, alias))
                .collect(),
            profiles: aligned(
                plan.stacks
                    .iter()
                    .zip(&aliases)
                    .filter_map(|(s, a)| Some((a.clone(), s.profile.clone()?))),
                false,
            ),
            endpoint_provider: provider(plan.endpoint_vpc.stack),
            endpoint_alias: aliases[plan.endpoint_vpc.stack].clone(),
            tags: aligned(
                plan.tags
                    .iter()
                    .filter(|t| t.key != plan.name_tag.key)
                    .map(|t| (t.key.clone(), t.value.clone())),
                true,
            ),
            name_tag: Aligned {
                key: plan.name_tag.key.clone(),
                pad: 0,
                value: plan.name_tag.value.clone(),
            },
            endpoint_vpc: EndpointVpc::new(plan, provider(plan.endpoint_vpc.stack)),
            agent_vpcs,
            agent_stacks,
            zones: aligned(
                plan.zones()
                    .iter()
                    .map(|z| (plan.zone_endpoint(z).key.clone(), z.name.clone())),
                true,
            ),
            peering: !plan.peerings().is_empty(),
            cross_account_associations: associations.iter().any(|a| a.cross_account),
            same_account_associations: associations.iter().any(|a| !a.cross_account),
            association_checks: association_checks(plan, &aliases),
            agent_endpoints: plan.agent_vpcs.iter().any(|v| !v.endpoints.is_empty()),
            transit_gateway: plan
                .transit_gateway()
                .map(|tgw| TransitGateway::new(plan, tgw, &aliases)),
            moved: match shape {
                Shape::Root => moved_from_0_1(plan, &aliases),
                Shape::Module => Vec::new(),
            },
        }
    }
}

/// The provider alias of a stack: `us_east_1`, `a222222222222_eu_west_1`, with the stack's
/// index appended when an earlier stack has the same account and region.
pub(crate) fn alias(stack: &StackPlan) -> String {
    let base = match &stack.account_id {
        Some(account) => format!("a{account}_{}", snake(&stack.region)),
        None => snake(&stack.region),
    };
    if stack.shares_account_region {
        format!("{base}_{}", stack.index)
    } else {
        base
    }
}

/// The Terraform name of the endpoint VPC's `n`th security group: `endpoint`, then
/// `endpoint_2`, `endpoint_3`.
pub(crate) fn group_ident(n: usize) -> String {
    match n {
        0 => "endpoint".to_string(),
        n => format!("endpoint_{}", n + 1),
    }
}

/// The name of a per-stack resource for agent VPCs: `agents_<alias>`.
pub(crate) fn agents_ident(alias: &str) -> String {
    format!("agents_{alias}")
}

/// The widest of the argument names a block writes.
fn widest(names: &[&str]) -> usize {
    names.iter().map(|n| n.len()).max().unwrap_or(0)
}

/// Map entries with the padding after each key that `terraform fmt` gives them; `quoted`:
/// the keys are written as HCL strings (the template interpolates them), else bare.
fn aligned(entries: impl Iterator<Item = (String, String)>, quoted: bool) -> Vec<Aligned> {
    let entries: Vec<(String, String)> = entries.collect();
    let width = |key: &str| {
        if quoted {
            columns(&hcl_string(key))
        } else {
            columns(key)
        }
    };
    let max = entries.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    entries
        .into_iter()
        .map(|(key, value)| Aligned {
            pad: max - width(&key),
            key,
            value,
        })
        .collect()
}

/// The `format()` text of a DNS attribute check's message. `%s` stands for the VPC id
/// (`what` may hold more `%s`); a `%` of the topology's text (a profile) is doubled.
fn dns_check_message(plan: &Plan, vpc: &VpcPlan, what: &str) -> String {
    let needs = if plan.zones().is_empty() {
        "interface endpoints with private DNS enabled"
    } else {
        "private hosted zones"
    };
    let [support, hostnames] = dns_attribute_fixes_in(plan, vpc, "\u{0}")
        .map(|c| c.replace('%', "%%").replace('\u{0}', "%s"));
    format!(
        "VPC %s ({what}, {}) needs enableDnsSupport and enableDnsHostnames for private DNS ({needs}); run: {support} && {hostnames} and plan again.",
        vpc.region
    )
}

impl<'p> Provider<'p> {
    fn new(stack: &'p StackPlan, alias: &str) -> Self {
        let mut names = vec!["alias", "region"];
        if stack.profile.is_some() {
            names.push("profile");
        }
        if stack.account_id.is_some() {
            names.push("allowed_account_ids");
        }
        let comment = if stack.is_endpoint_stack {
            format!("Stack {}: the endpoint VPC's account and region", stack.id)
        } else {
            format!("Stack {}", stack.id)
        };
        Provider {
            stack,
            alias: alias.to_string(),
            comment,
            width: widest(&names),
        }
    }
}

impl<'p> EndpointVpc<'p> {
    fn new(plan: &'p Plan, provider: String) -> Self {
        let vpc = &plan.endpoint_vpc;
        let security_groups: Vec<SecurityGroup<'p>> = vpc
            .security_groups
            .iter()
            .enumerate()
            .map(|(n, sg)| SecurityGroup {
                ident: group_ident(n),
                pad: group_ident(vpc.security_groups.len() - 1).len() - group_ident(n).len(),
                name: &sg.name,
                description: &sg.description,
                rules: aligned(
                    sg.ingress
                        .iter()
                        .map(|r| (r.cidr.clone(), r.description.clone())),
                    true,
                ),
            })
            .collect();
        EndpointVpc {
            comment: format!("Endpoint VPC {} ({})", vpc.vpc_id, vpc.region),
            provider,
            vpc,
            dns_check: vpc
                .needs_dns_attributes
                .then(|| dns_check_message(plan, vpc, "endpoint VPC")),
            security_group_refs: security_groups
                .iter()
                .map(|sg| format!("aws_security_group.{}.id", sg.ident))
                .collect(),
            security_groups,
            endpoints: vpc.endpoints.iter().map(Endpoint::new).collect(),
            service_regions: vpc.endpoints.iter().any(|ep| ep.service_region.is_some()),
            variable_width: widest(&endpoint_variable_names(plan)),
            transit_gateway_id: plan.transit_gateway().map(|tgw| tgw.hub.as_str()),
            attachment_id: plan
                .transit_gateway()
                .and_then(|tgw| tgw.endpoint_attachment.existing_id.as_deref()),
            transit_gateway_route_table_id: plan
                .transit_gateway()
                .and_then(|tgw| tgw.endpoint_attachment.route_table_id.as_deref()),
        }
    }
}

/// The attributes of `var.endpoint_vpc`'s type.
fn endpoint_variable_names(plan: &Plan) -> Vec<&'static str> {
    let vpc = &plan.endpoint_vpc;
    let mut names = vec!["vpc_id", "subnet_ids"];
    if !vpc.route_table_ids.is_empty() {
        names.push("route_table_ids");
    }
    if !vpc.existing_security_group_ids.is_empty() {
        names.push("security_group_ids");
    }
    if let Some(tgw) = plan.transit_gateway() {
        names.push("transit_gateway_id");
        let a = &tgw.endpoint_attachment;
        if a.existing_id.is_some() {
            names.push("transit_gateway_attachment_id");
        }
        if a.route_table_id.is_some() {
            names.push("transit_gateway_route_table_id");
        }
    }
    names
}

/// The attributes of an agent VPC's object in `var.agent_vpcs`' type.
fn agent_variable_names(agent: &AgentVpc<'_>) -> Vec<&'static str> {
    let mut names = vec!["vpc_id", "route_table_ids"];
    if agent.secrets_manager.is_some() || agent.attach {
        names.push("subnet_ids");
    }
    if agent.transit_gateway_id.is_some() {
        names.push("transit_gateway_id");
    }
    if agent.attachment_id.is_some() {
        names.push("transit_gateway_attachment_id");
    }
    if agent.transit_gateway_route_table_id.is_some() {
        names.push("transit_gateway_route_table_id");
    }
    names
}

impl<'p> Endpoint<'p> {
    fn new(endpoint: &'p EndpointPlan) -> Self {
        let serves = if endpoint.keys.is_empty() || endpoint.keys == [endpoint.key.clone()] {
            String::new()
        } else {
            format!(" (serves {})", endpoint.keys.join(", "))
        };
        let anchor = if endpoint.datadog && endpoint.service_id != endpoint.key {
            format!(", anchor {}", endpoint.service_id)
        } else {
            String::new()
        };
        Endpoint {
            endpoint,
            comment: format!(
                "{}{serves}{anchor}: {}",
                endpoint.key,
                endpoint.hosts.join(", ")
            ),
            source_comment: endpoint
                .datadog
                .then(|| format!("Source ({}): {}", endpoint.source_date, endpoint.source)),
        }
    }
}

/// The agent VPCs' rows of `local.agent_vpcs`.
fn agent_vpcs<'p>(plan: &'p Plan, aliases: &[String]) -> Vec<AgentVpc<'p>> {
    plan.agent_vpcs
        .iter()
        .enumerate()
        .map(|(i, vpc)| {
            let peering = plan.peerings().iter().find(|p| p.agent_vpc == i);
            let association = plan.zone_associations().iter().find(|a| a.agent_vpc == i);
            let spoke = plan
                .transit_gateway()
                .and_then(|tgw| tgw.spokes.iter().find(|s| s.agent_vpc == i));
            let attachment = spoke.map(|s| &s.attachment);
            let mut agent = AgentVpc {
                vpc,
                stack: aliases[vpc.stack].clone(),
                transit_gateway_id: attachment.map(|a| a.transit_gateway_id.as_str()),
                attach: attachment.is_some_and(|a| a.created()),
                accept: attachment.is_some_and(|a| a.accepted_by_hub),
                attachment_id: attachment.and_then(|a| a.existing_id.as_deref()),
                transit_gateway_route_table_id: attachment
                    .and_then(|a| a.route_table_id.as_deref()),
                peer_region: peering.and_then(|p| p.peer_region.as_deref()),
                peer_owner_id: peering.and_then(|p| p.peer_owner_id.as_deref()),
                cross_account: association.is_some_and(|a| a.cross_account),
                secrets_manager: secrets_manager(vpc),
                variable_width: 0,
            };
            agent.variable_width = widest(&agent_variable_names(&agent));
            agent
        })
        .collect()
}

fn secrets_manager(vpc: &VpcPlan) -> Option<SecretsManager<'_>> {
    let endpoint = vpc.endpoints.first()?;
    let group = vpc.security_groups.first()?;
    let rule = group.ingress.first()?;
    Some(SecretsManager {
        service_name: &endpoint.service_name,
        group_name: &group.name,
        group_description: &group.description,
        rule_description: &rule.description,
    })
}

/// The stacks that hold agent VPCs.
fn agent_stacks(plan: &Plan, aliases: &[String]) -> Vec<AgentStack> {
    let tgw = plan.transit_gateway();
    plan.stacks
        .iter()
        .filter_map(|stack| {
            let agents: Vec<&VpcPlan> = plan
                .agent_vpcs
                .iter()
                .filter(|v| v.stack == stack.index)
                .collect();
            let first = agents.first()?;
            let alias = &aliases[stack.index];
            Some(AgentStack {
                alias: alias.clone(),
                provider: format!("aws.{alias}"),
                comment: format!(
                    "Agent VPCs of stack {}: {}",
                    stack.id,
                    agents
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                peering: !plan.peerings().is_empty(),
                associates: plan
                    .zone_associations()
                    .iter()
                    .any(|a| a.stack == stack.index && a.cross_account),
                dns_check: agents
                    .iter()
                    .any(|v| v.needs_dns_attributes)
                    .then(|| dns_check_message(plan, first, "agent VPC %s")),
                secrets_manager: agents.iter().any(|v| !v.endpoints.is_empty()),
                transit_gateway: tgw.is_some(),
                attaches: tgw.is_some_and(|tgw| {
                    tgw.spokes
                        .iter()
                        .any(|s| s.attachment.stack == stack.index && s.attachment.created())
                }),
                accepted: tgw.is_some_and(|tgw| {
                    tgw.spokes
                        .iter()
                        .any(|s| s.attachment.stack == stack.index && s.attachment.accepted_by_hub)
                }),
                static_routes: tgw.is_some_and(|tgw| {
                    stack.index != plan.endpoint_vpc.stack
                        && tgw.static_routes.iter().any(|r| r.stack == stack.index)
                }),
                accepts_peerings: tgw.is_some_and(|tgw| tgw.accepts_created_peering(stack.index)),
            })
        })
        .collect()
}

impl TransitGateway {
    fn new(plan: &Plan, tgw: &TransitGatewayPlan, aliases: &[String]) -> Self {
        TransitGateway {
            endpoint_attachment: tgw.endpoint_attachment.created(),
            accepts: tgw.spokes.iter().any(|s| s.attachment.accepted_by_hub),
            peerings: aligned(
                tgw.peerings
                    .iter()
                    .filter_map(|p| Some((p.transit_gateway_id.clone(), p.attachment_id.clone()?))),
                true,
            ),
            created_peerings: tgw
                .created_peerings()
                .map(|p| CreatedPeering {
                    key: p.transit_gateway_id.clone(),
                    stack: aliases[p.accepter_stack].clone(),
                    region: p.region.clone(),
                    peer_account_id: p.peer_account_id.clone().unwrap_or_default(),
                    first_agent: plan.agent_vpcs[p.agent_vpc].name.clone(),
                })
                .collect(),
            static_routes: tgw
                .static_routes
                .iter()
                .map(|r| StaticRoute {
                    key: format!("{} {}", r.route_table_id, r.destination_cidr),
                    stack: aliases[r.stack].clone(),
                    route_table_of: (r.named_by != plan.endpoint_vpc.name)
                        .then(|| r.named_by.clone()),
                    cidr: r.destination_cidr.clone(),
                    attachment: match &r.target {
                        StaticRouteTarget::Attachment { vpc } => Some(vpc.clone()),
                        StaticRouteTarget::Peering { .. } => None,
                    },
                    peering: match &r.target {
                        StaticRouteTarget::Peering { peering } => {
                            Some(tgw.peerings[*peering].transit_gateway_id.clone())
                        }
                        StaticRouteTarget::Attachment { .. } => None,
                    },
                })
                .collect(),
            endpoint_static_routes: tgw
                .static_routes
                .iter()
                .any(|r| r.stack == plan.endpoint_vpc.stack),
        }
    }
}

/// The DNS attribute checks the zone associations wait for.
fn association_checks(plan: &Plan, aliases: &[String]) -> Vec<String> {
    let mut checks: Vec<String> = Vec::new();
    for a in plan.zone_associations() {
        let vpc = &plan.agent_vpcs[a.agent_vpc];
        let check = format!("data.aws_vpc.{}", agents_ident(&aliases[vpc.stack]));
        if vpc.needs_dns_attributes && !checks.contains(&check) {
            checks.push(check);
        }
    }
    checks
}
