//! `moved` blocks: from the resource addresses of ddpl-gen 0.1.0 to today's, so that
//! upgrading renames resources in the state instead of destroying and recreating them.
//!
//! 0.1.0 named every resource after the plan's names in snake_case (`aws_vpc_endpoint.lime`,
//! `aws_route.eu_prod_to_agent_rtb_0aaa`); today's are keyed instances of fewer resources
//! (`aws_vpc_endpoint.endpoint["traces"]`, `aws_route.to_agents["eu-prod rtb-0aaa"]`).
//! Addresses that did not change need no block (Terraform refuses a move onto itself).

use serde::Serialize;

use super::view::{agents_ident, group_ident};
use crate::naming::snake;
use crate::plan::Plan;

/// One `moved` block: `from` and `to` are a resource type and name, each with an optional
/// instance key (an HCL string: the template's escaper quotes it).
#[derive(Debug, Serialize)]
pub(crate) struct Moved {
    pub from: String,
    pub from_key: Option<String>,
    pub to: String,
    pub to_key: Option<String>,
}

/// Every address of a 0.1.0 root for this plan that today's root names otherwise.
pub(crate) fn moved_from_0_1(plan: &Plan, aliases: &[String]) -> Vec<Moved> {
    let mut moves = Vec::new();
    let mut add = |kind: &str, from: String, from_key: Option<String>, to: &str, to_key: String| {
        moves.push(Moved {
            from: format!("{kind}.{from}"),
            from_key,
            to: format!("{kind}.{to}"),
            to_key: Some(to_key),
        });
    };
    let endpoint_vpc = &plan.endpoint_vpc;
    for (n, group) in endpoint_vpc.security_groups.iter().enumerate() {
        let ident = group_ident(n);
        for rule in &group.ingress {
            let old = format!("{ident}_https_{}", snake(&rule.cidr));
            add(
                "aws_vpc_security_group_ingress_rule",
                old,
                None,
                &ident,
                rule.cidr.clone(),
            );
        }
    }
    for ep in &endpoint_vpc.endpoints {
        add(
            "aws_vpc_endpoint",
            snake(&ep.name),
            None,
            "endpoint",
            ep.key.clone(),
        );
    }
    for vpc in &plan.agent_vpcs {
        let agents = agents_ident(&aliases[vpc.stack]);
        let old = snake(&vpc.name);
        if !vpc.security_groups.is_empty() {
            add(
                "aws_security_group",
                old.clone(),
                None,
                &agents,
                vpc.name.clone(),
            );
            for group in &vpc.security_groups {
                for rule in &group.ingress {
                    let from = format!("{old}_https_{}", snake(&rule.cidr));
                    add(
                        "aws_vpc_security_group_ingress_rule",
                        from,
                        None,
                        &agents,
                        vpc.name.clone(),
                    );
                }
            }
        }
        for ep in &vpc.endpoints {
            add(
                "aws_vpc_endpoint",
                snake(&ep.name),
                None,
                &agents,
                vpc.name.clone(),
            );
        }
    }
    for zone in plan.zones() {
        let ep = plan.zone_endpoint(zone);
        for kind in ["aws_route53_zone", "aws_route53_record"] {
            add(kind, snake(&ep.name), None, "endpoint", ep.key.clone());
        }
    }
    for a in plan.zone_associations() {
        let vpc = &plan.agent_vpcs[a.agent_vpc];
        for zone in plan.zones() {
            let ep = plan.zone_endpoint(zone);
            let old_key = Some(snake(&ep.name));
            let key = format!("{} {}", vpc.name, ep.key);
            let old = snake(&vpc.name);
            if a.cross_account {
                let to = agents_ident(&aliases[vpc.stack]);
                add(
                    "aws_route53_vpc_association_authorization",
                    old.clone(),
                    old_key.clone(),
                    "agents",
                    key.clone(),
                );
                add("aws_route53_zone_association", old, old_key, &to, key);
            } else {
                add("aws_route53_zone_association", old, old_key, "agents", key);
            }
        }
    }
    for p in plan.peerings() {
        let vpc = &plan.agent_vpcs[p.agent_vpc];
        let old = snake(&vpc.name);
        let agents = agents_ident(&aliases[vpc.stack]);
        add(
            "aws_vpc_peering_connection",
            old.clone(),
            None,
            "agents",
            vpc.name.clone(),
        );
        add(
            "aws_vpc_peering_connection_accepter",
            old.clone(),
            None,
            &agents,
            vpc.name.clone(),
        );
        for r in &p.requester_routes {
            let from = format!("{old}_to_agent_{}", snake(&r.route_table_id));
            add(
                "aws_route",
                from,
                None,
                "to_agents",
                format!("{} {}", vpc.name, r.route_table_id),
            );
        }
        for r in &p.accepter_routes {
            let from = format!("{old}_to_endpoint_{}", snake(&r.route_table_id));
            add(
                "aws_route",
                from,
                None,
                &agents,
                format!("{} {}", vpc.name, r.route_table_id),
            );
        }
    }
    moves
}
