//! What `main.tf.j2` reads: the plan's resources with their Terraform names, providers,
//! comments and `terraform fmt` alignment already decided. Terraform names are snake_case
//! forms of the plan's names (`naming::snake`); a provider alias per stack.

use serde::Serialize;

use super::columns;
use crate::naming::snake;
use crate::plan::{
    EndpointPlan, IngressRule, PeeringPlan, Plan, RoutePlan, StackPlan, VpcPlan, VpcRole,
};
use crate::render::commands::dns_attribute_fixes;
use crate::render::escape::hcl_string;

#[derive(Serialize)]
pub(crate) struct TerraformView<'p> {
    pub providers: Vec<Provider<'p>>,
    /// `aws.<alias>` of the endpoint VPC's stack (endpoints, zones, peering requests).
    pub endpoint_provider: String,
    /// `local.tags`, aligned.
    pub tags: Vec<Aligned>,
    /// VPCs whose DNS attributes the plan checks (a `data "aws_vpc"` with a postcondition).
    pub dns_checks: Vec<DnsCheck<'p>>,
    /// VPCs with endpoints.
    pub endpoint_vpcs: Vec<EndpointVpc<'p>>,
    pub zones: Vec<Zone<'p>>,
    /// `local.zones`: zone key -> zone id, aligned.
    pub zone_keys: Vec<Aligned>,
    pub associations: Vec<Association<'p>>,
    pub peerings: Vec<Peering<'p>>,
    /// Output map keys, aligned: endpoints, security groups, zones (by name), peerings.
    pub endpoint_outputs: Vec<Aligned>,
    pub security_group_outputs: Vec<Aligned>,
    pub zone_outputs: Vec<Aligned>,
    pub peering_outputs: Vec<Aligned>,
}

/// A map entry: its key, the Terraform name it refers to, and the spaces after the key that
/// line up the `=` as `terraform fmt` does.
#[derive(Serialize)]
pub(crate) struct Aligned {
    pub key: String,
    pub ident: String,
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
pub(crate) struct DnsCheck<'p> {
    pub ident: String,
    pub provider: String,
    pub vpc_id: &'p str,
    pub error_message: String,
}

#[derive(Serialize)]
pub(crate) struct EndpointVpc<'p> {
    pub comment: String,
    pub provider: String,
    pub vpc_id: &'p str,
    pub subnet_ids: &'p [String],
    pub existing_security_group_ids: &'p [String],
    pub security_groups: Vec<SecurityGroup<'p>>,
    /// `aws_security_group.<ident>.id` of each group, for the endpoints.
    pub security_group_refs: Vec<String>,
    pub endpoints: Vec<Endpoint<'p>>,
}

#[derive(Serialize)]
pub(crate) struct SecurityGroup<'p> {
    pub ident: String,
    pub name: &'p str,
    pub description: &'p str,
    pub rules: Vec<Rule<'p>>,
}

#[derive(Serialize)]
pub(crate) struct Rule<'p> {
    pub ident: String,
    #[serde(flatten)]
    pub rule: &'p IngressRule,
}

#[derive(Serialize)]
pub(crate) struct Endpoint<'p> {
    pub ident: String,
    #[serde(flatten)]
    pub endpoint: &'p EndpointPlan,
    pub comment: String,
    /// Datadog services: where the catalog entry comes from.
    pub source_comment: Option<String>,
    /// The `data.aws_vpc` check the endpoint waits for (private DNS needs the attributes).
    pub depends_on: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Zone<'p> {
    pub ident: String,
    pub name: &'p str,
    pub endpoint_ident: String,
    pub depends_on: Option<String>,
    pub vpc_id: &'p str,
    pub vpc_region: &'p str,
    pub width: usize,
}

#[derive(Serialize)]
pub(crate) struct Association<'p> {
    pub ident: String,
    pub cross_account: bool,
    /// Another account's VPC: a comment naming it.
    pub comment: String,
    /// The VPC owner's provider (it associates).
    pub provider: String,
    pub depends_on: Option<String>,
    pub vpc_id: &'p str,
    pub vpc_region: &'p str,
}

#[derive(Serialize)]
pub(crate) struct Peering<'p> {
    pub ident: String,
    pub comment: String,
    pub accepter_provider: String,
    #[serde(flatten)]
    pub peering: &'p PeeringPlan,
    pub requester_routes: Vec<Route<'p>>,
    pub accepter_routes: Vec<Route<'p>>,
    pub width: usize,
}

#[derive(Serialize)]
pub(crate) struct Route<'p> {
    pub ident: String,
    #[serde(flatten)]
    pub route: &'p RoutePlan,
}

impl<'p> TerraformView<'p> {
    pub(crate) fn new(plan: &'p Plan) -> Self {
        let aliases: Vec<String> = plan.stacks.iter().map(alias).collect();
        let provider = |stack: usize| format!("aws.{}", aliases[stack]);
        let endpoints: Vec<(&VpcPlan, &EndpointPlan)> = plan.endpoints().collect();
        let security_groups: Vec<String> = plan
            .vpcs()
            .flat_map(|v| (0..v.security_groups.len()).map(move |n| group_ident(v, n)))
            .collect();
        TerraformView {
            providers: plan
                .stacks
                .iter()
                .zip(&aliases)
                .map(|(stack, alias)| Provider::new(stack, alias))
                .collect(),
            endpoint_provider: provider(plan.endpoint_vpc.stack),
            tags: aligned(
                plan.tags
                    .iter()
                    .map(|t| (t.key.clone(), String::new(), t.value.clone())),
                true,
            ),
            dns_checks: plan
                .vpcs()
                .filter(|vpc| vpc.needs_dns_attributes)
                .map(|vpc| DnsCheck::new(plan, vpc, provider(vpc.stack)))
                .collect(),
            endpoint_vpcs: plan
                .vpcs()
                .filter(|vpc| !vpc.endpoints.is_empty())
                .map(|vpc| EndpointVpc::new(vpc, provider(vpc.stack)))
                .collect(),
            zones: plan.zones().iter().map(|z| Zone::new(plan, z)).collect(),
            zone_keys: aligned(
                plan.zones()
                    .iter()
                    .map(|z| endpoint_ident(plan.zone_endpoint(z)))
                    .map(|ident| (ident.clone(), ident, String::new())),
                false,
            ),
            associations: plan
                .zone_associations()
                .iter()
                .map(|a| {
                    let vpc = &plan.agent_vpcs[a.agent_vpc];
                    Association {
                        ident: snake(&vpc.name),
                        cross_account: a.cross_account,
                        comment: format!(
                            "Another account's VPC ({}): the zone owner authorizes, the VPC owner associates.",
                            vpc.name
                        ),
                        provider: provider(a.stack),
                        depends_on: vpc.needs_dns_attributes.then(|| dns_check(vpc)),
                        vpc_id: &a.vpc_id,
                        vpc_region: &a.vpc_region,
                    }
                })
                .collect(),
            peerings: plan
                .peerings()
                .iter()
                .map(|p| Peering::new(plan, p, provider(p.accepter_stack)))
                .collect(),
            endpoint_outputs: aligned(
                endpoints
                    .iter()
                    .map(|(_, ep)| endpoint_ident(ep))
                    .map(|ident| (ident.clone(), ident, String::new())),
                false,
            ),
            security_group_outputs: aligned(
                security_groups
                    .into_iter()
                    .map(|ident| (ident.clone(), ident, String::new())),
                false,
            ),
            zone_outputs: aligned(
                plan.zones().iter().map(|z| {
                    (
                        z.name.clone(),
                        endpoint_ident(plan.zone_endpoint(z)),
                        String::new(),
                    )
                }),
                true,
            ),
            peering_outputs: aligned(
                plan.peerings()
                    .iter()
                    .map(|p| snake(&plan.agent_vpcs[p.agent_vpc].name))
                    .map(|ident| (ident.clone(), ident, String::new())),
                false,
            ),
        }
    }
}

/// The provider alias of a stack: `us_east_1`, `a222222222222_eu_west_1`, with the stack's
/// index appended when an earlier stack has the same account and region.
fn alias(stack: &StackPlan) -> String {
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

/// The Terraform name of a VPC's `n`th security group: the VPC's, then `<vpc>_2`, `<vpc>_3`
/// (validation keeps agent VPC names from taking these).
fn group_ident(vpc: &VpcPlan, n: usize) -> String {
    match n {
        0 => snake(&vpc.name),
        n => format!("{}_{}", snake(&vpc.name), n + 1),
    }
}

fn endpoint_ident(ep: &EndpointPlan) -> String {
    snake(&ep.name)
}

/// The `data.aws_vpc` check of a VPC's DNS attributes.
fn dns_check(vpc: &VpcPlan) -> String {
    format!("data.aws_vpc.{}", snake(&vpc.name))
}

/// The widest of the argument names a block writes.
fn widest(names: &[&str]) -> usize {
    names.iter().map(|n| n.len()).max().unwrap_or(0)
}

/// Map entries with the padding after each key that `terraform fmt` gives them; `quoted`:
/// the keys are written as HCL strings (the template interpolates them), else bare.
fn aligned(entries: impl Iterator<Item = (String, String, String)>, quoted: bool) -> Vec<Aligned> {
    let entries: Vec<(String, String, String)> = entries.collect();
    let width = |key: &str| {
        if quoted {
            columns(&hcl_string(key))
        } else {
            columns(key)
        }
    };
    let max = entries.iter().map(|(k, _, _)| width(k)).max().unwrap_or(0);
    entries
        .into_iter()
        .map(|(key, ident, value)| Aligned {
            pad: max - width(&key),
            key,
            ident,
            value,
        })
        .collect()
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

impl<'p> DnsCheck<'p> {
    fn new(plan: &Plan, vpc: &'p VpcPlan, provider: String) -> Self {
        let [support, hostnames] = dns_attribute_fixes(plan, vpc);
        let what = match vpc.role {
            VpcRole::Endpoint => "endpoint VPC".to_string(),
            VpcRole::Agent => format!("agent VPC {}", vpc.name),
        };
        let needs = if plan.zones().is_empty() {
            "interface endpoints with private DNS enabled"
        } else {
            "private hosted zones"
        };
        DnsCheck {
            ident: snake(&vpc.name),
            provider,
            vpc_id: &vpc.vpc_id,
            error_message: format!(
                "VPC {} ({what}, {}) needs enableDnsSupport and enableDnsHostnames for private DNS ({needs}); run: {support} && {hostnames} and plan again.",
                vpc.vpc_id, vpc.region
            ),
        }
    }
}

impl<'p> EndpointVpc<'p> {
    fn new(vpc: &'p VpcPlan, provider: String) -> Self {
        let comment = match vpc.role {
            VpcRole::Endpoint => format!("Endpoint VPC {} ({})", vpc.vpc_id, vpc.region),
            VpcRole::Agent => format!("Agent VPC {} {} ({})", vpc.name, vpc.vpc_id, vpc.region),
        };
        let security_groups: Vec<SecurityGroup<'p>> = vpc
            .security_groups
            .iter()
            .enumerate()
            .map(|(n, sg)| {
                let ident = group_ident(vpc, n);
                SecurityGroup {
                    rules: sg
                        .ingress
                        .iter()
                        .map(|rule| Rule {
                            ident: format!("{ident}_https_{}", snake(&rule.cidr)),
                            rule,
                        })
                        .collect(),
                    ident,
                    name: &sg.name,
                    description: &sg.description,
                }
            })
            .collect();
        EndpointVpc {
            comment,
            provider,
            vpc_id: &vpc.vpc_id,
            subnet_ids: &vpc.subnet_ids,
            existing_security_group_ids: &vpc.existing_security_group_ids,
            security_group_refs: security_groups
                .iter()
                .map(|sg| format!("aws_security_group.{}.id", sg.ident))
                .collect(),
            security_groups,
            endpoints: vpc
                .endpoints
                .iter()
                .map(|ep| Endpoint::new(vpc, ep))
                .collect(),
        }
    }
}

impl<'p> Endpoint<'p> {
    fn new(vpc: &VpcPlan, endpoint: &'p EndpointPlan) -> Self {
        let keys = if endpoint.keys.is_empty() || endpoint.keys == [endpoint.service_id.clone()] {
            String::new()
        } else {
            format!(" ({})", endpoint.keys.join(", "))
        };
        Endpoint {
            ident: endpoint_ident(endpoint),
            endpoint,
            comment: format!(
                "{}{keys}: {}",
                endpoint.service_id,
                endpoint.hosts.join(", ")
            ),
            source_comment: endpoint
                .datadog
                .then(|| format!("Source ({}): {}", endpoint.source_date, endpoint.source)),
            depends_on: (vpc.needs_dns_attributes && endpoint.private_dns_enabled)
                .then(|| dns_check(vpc)),
        }
    }
}

impl<'p> Zone<'p> {
    fn new(plan: &'p Plan, zone: &'p crate::plan::ZonePlan) -> Self {
        let vpc = &plan.endpoint_vpc;
        let depends_on = vpc.needs_dns_attributes.then(|| dns_check(vpc));
        let mut names = vec!["provider", "name", "tags"];
        if depends_on.is_some() {
            names.push("depends_on");
        }
        let ident = endpoint_ident(plan.zone_endpoint(zone));
        Zone {
            endpoint_ident: ident.clone(),
            ident,
            name: &zone.name,
            depends_on,
            vpc_id: &vpc.vpc_id,
            vpc_region: &vpc.region,
            width: widest(&names),
        }
    }
}

impl<'p> Peering<'p> {
    fn new(plan: &'p Plan, peering: &'p PeeringPlan, accepter_provider: String) -> Self {
        let agent = &plan.agent_vpcs[peering.agent_vpc];
        let ident = snake(&agent.name);
        let routes = |side: &str, routes: &'p [RoutePlan]| -> Vec<Route<'p>> {
            routes
                .iter()
                .map(|route| Route {
                    ident: format!("{ident}_{side}_{}", snake(&route.route_table_id)),
                    route,
                })
                .collect()
        };
        let mut names = vec!["provider", "vpc_id", "peer_vpc_id", "tags"];
        if peering.peer_region.is_some() {
            names.push("peer_region");
        }
        if peering.peer_owner_id.is_some() {
            names.push("peer_owner_id");
        }
        Peering {
            comment: format!(
                "Peering: endpoint VPC {} ({}) <-> agent VPC {} {} ({})",
                peering.requester_vpc_id,
                peering.requester_cidr,
                agent.name,
                peering.accepter_vpc_id,
                peering.accepter_cidr
            ),
            accepter_provider,
            peering,
            requester_routes: routes("to_agent", &peering.requester_routes),
            accepter_routes: routes("to_endpoint", &peering.accepter_routes),
            width: widest(&names),
            ident,
        }
    }
}
