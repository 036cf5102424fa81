//! Step 7: what a reviewer must read, rendered as comments and in the plan's Warnings: notes on
//! the kind and the services, and every default AWS quota the topology goes beyond (AWS raises
//! them on request through Service Quotas; the hard limits are refused by validation).

use serde::Serialize;

use super::{Placement, Plan, VpcPlan};
use crate::catalog::HostMatchKind;
use crate::validate::Validated;

/// A default quota the plan needs more of than AWS gives an account without a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaWarning {
    /// The field of the topology that asks for it.
    pub field: String,
    /// The quota's name in Service Quotas.
    pub quota: &'static str,
    /// The service it belongs to in Service Quotas.
    pub service: &'static str,
    pub default: usize,
    /// What the topology needs, and of what.
    pub needs: usize,
    pub of_what: String,
}

impl QuotaWarning {
    /// The sentence in the plan's Warnings (and on standard error from `validate`).
    pub fn text(&self) -> String {
        format!(
            "{}: needs {} {}; the default quota is {} ({}, Service Quotas \"{}\"): request an increase before deploying.",
            self.field, self.needs, self.of_what, self.default, self.service, self.quota
        )
    }
}

/// Default quotas (AWS documentation, Amazon VPC and Route 53 quotas).
const PEERINGS_PER_VPC: usize = 50;
const ROUTES_PER_ROUTE_TABLE: usize = 50;
const VPCS_PER_PRIVATE_ZONE: usize = 300;
const INTERFACE_ENDPOINTS_PER_VPC: usize = 50;
const SECURITY_GROUPS_PER_INTERFACE: usize = 5;

pub(super) fn notes(
    v: &Validated<'_>,
    placement: &Placement,
    endpoint_vpc: &VpcPlan,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Placement::CrossRegion { .. } = placement {
        warnings.push("Cross-region PrivateLink endpoints emit no CloudWatch metrics.".to_string());
    }
    // The Agent's logs intake has an endpoint (the logs-agent key, or a host it serves).
    let agent_logs = format!("agent-http-intake.logs.{}", v.site.domain);
    if endpoint_vpc
        .endpoints
        .iter()
        .any(|ep| ep.hosts.contains(&agent_logs))
    {
        warnings.push(
            "Agents older than 6.19 / 7.19 need logs_config.force_use_http: true to send logs over PrivateLink."
                .to_string(),
        );
    }
    warnings.extend(catch_all(v));
    warnings
}

/// Every default quota the plan exceeds.
pub(super) fn quotas(plan: &Plan) -> Vec<QuotaWarning> {
    let vpc = "Amazon Virtual Private Cloud (Amazon VPC)";
    let mut warnings = Vec::new();
    let mut over = |field: String, quota, service, default, needs: usize, of_what: String| {
        if needs > default {
            warnings.push(QuotaWarning {
                field,
                quota,
                service,
                default,
                needs,
                of_what,
            });
        }
    };
    let peerings = plan.peerings().len();
    over(
        "agent_vpcs".into(),
        "Active VPC peering connections per VPC",
        vpc,
        PEERINGS_PER_VPC,
        peerings,
        "active peering connections on the endpoint VPC".into(),
    );
    over(
        "endpoint_vpc.route_table_ids".into(),
        "Routes per route table",
        vpc,
        ROUTES_PER_ROUTE_TABLE,
        peerings,
        "routes in each of these route tables (one per agent VPC, besides the routes they hold)"
            .into(),
    );
    for zone in plan.zones() {
        over(
            "agent_vpcs".into(),
            "VPCs that you can associate with a private hosted zone",
            "Amazon Route 53",
            VPCS_PER_PRIVATE_ZONE,
            1 + plan.zone_associations().len(),
            format!("VPCs associated with the private hosted zone {}", zone.name),
        );
    }
    for (path, vpc_plan) in field_paths(plan) {
        over(
            path.clone(),
            "Interface VPC endpoints per VPC",
            vpc,
            INTERFACE_ENDPOINTS_PER_VPC,
            vpc_plan.endpoints.len(),
            format!("interface endpoints in {}", vpc_plan.vpc_id),
        );
        let groups = vpc_plan
            .security_groups
            .len()
            .max(vpc_plan.existing_security_group_ids.len());
        over(
            path,
            "Security groups per network interface",
            vpc,
            SECURITY_GROUPS_PER_INTERFACE,
            groups,
            "security groups on each endpoint network interface".into(),
        );
    }
    warnings
}

/// Routes do not propagate across a Transit Gateway peering: a side without a route table to
/// add static routes to needs them added by hand.
pub(super) fn transit_gateway(plan: &Plan) -> Vec<String> {
    let Some(tgw) = plan.transit_gateway() else {
        return Vec::new();
    };
    let mut notes = route_marks(plan, tgw);
    notes.extend(tgw.spokes
        .iter()
        .filter(|spoke| spoke.peering.is_some())
        .filter_map(|spoke| {
            let agent = &plan.agent_vpcs[spoke.agent_vpc];
            let hub_side = tgw.endpoint_attachment.route_table_id.is_some();
            let agent_side = spoke.attachment.route_table_id.is_some();
            let missing: Vec<String> = [
                (!hub_side).then(|| format!("endpoint_vpc.transit_gateway_route_table_id (a route to {} in {})", agent.cidr, tgw.hub)),
                (!agent_side).then(|| format!("agent_vpcs[{}].transit_gateway_route_table_id (a route to {} in {})", spoke.agent_vpc, plan.endpoint_vpc.cidr, spoke.attachment.transit_gateway_id)),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!missing.is_empty()).then(|| format!(
                "{} reaches the endpoint VPC across a Transit Gateway peering, where routes do not propagate, and the topology names no route table for {}: add those static routes through the peering attachment yourself, or name the route tables.",
                agent.name,
                missing.join(" nor ")
            ))
        }));
    notes
}

/// The CLI deploy marks each route it makes through a Transit Gateway with a tag on the route
/// table, and AWS allows 50 tags per resource.
fn route_marks(plan: &Plan, tgw: &crate::plan::TransitGatewayPlan) -> Vec<String> {
    let mut per_table: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in plan.gateway_routes() {
        *per_table
            .entry(r.route.route_table_id.as_str())
            .or_default() += 1;
    }
    for route in &tgw.static_routes {
        *per_table.entry(route.route_table_id.as_str()).or_default() += 1;
    }
    per_table
        .into_iter()
        .filter(|(_, routes)| *routes > CLI_ROUTE_MARKS_PER_TABLE)
        .map(|(table, routes)| format!(
            "{table} gets {routes} routes through a Transit Gateway; the CLI deploy marks each with a tag on the route table, and AWS allows 50 tags per resource ({CLI_ROUTE_MARKS_PER_TABLE} marks beside a few tags of your own): deploy this topology with Terraform or CloudFormation, or split it."
        ))
        .collect()
}

/// The route marks the CLI scripts put on one route table at most (AWS: 50 tags per resource).
const CLI_ROUTE_MARKS_PER_TABLE: usize = 45;

/// Each VPC with the field that names it.
fn field_paths(plan: &Plan) -> Vec<(String, &VpcPlan)> {
    std::iter::once(("endpoint_vpc".to_string(), &plan.endpoint_vpc))
        .chain(
            plan.agent_vpcs
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("agent_vpcs[{i}]"), v)),
        )
        .collect()
}

/// Hosts that only the site's catch-all (orange) serves, unless the topology confirms the
/// catch-all by listing its anchor's own name.
fn catch_all(v: &Validated<'_>) -> Vec<String> {
    let confirmed = |service: &str| {
        v.hosts.iter().any(|h| {
            h.matched.kind == HostMatchKind::Anchor && h.matched.service.service == service
        })
    };
    v.hosts
        .iter()
        .filter(|h| h.matched.catch_all && !confirmed(&h.matched.service.service))
        .map(|h| {
            let svc = h.matched.service;
            format!(
                "{} is served only by the catch-all {} ({}), the web application's anchor, which Datadog does not offer for customer PrivateLink setups: the deploy's check of {} may fail. Nearest rows: {}. To keep it, list {} in hosts too.",
                h.host,
                h.matched.row,
                svc.id,
                svc.service,
                v.site.nearest_rows(&h.host, 3).join(", "),
                svc.private_dns_name
            )
        })
        .collect()
}
