//! Step 4: how agents reach the endpoints. A new way is a new `ReachChoice` variant, a new
//! `Reach` variant and one builder function here.

use super::{
    AttachmentPlan, PeeringPlan, Reach, ReachChoice, RoutePlan, SpokePlan, StackPlan,
    StaticRoutePlan, StaticRouteTarget, TransitGatewayPeeringPlan, TransitGatewayPlan, VpcPlan,
    crosses_accounts,
};
use crate::topology::Topology;

pub(super) fn build(
    choice: ReachChoice,
    t: &Topology,
    endpoint_vpc: &VpcPlan,
    agent_vpcs: &[VpcPlan],
    stacks: &[StackPlan],
) -> Reach {
    match choice {
        ReachChoice::InEndpointVpc => Reach::InEndpointVpc,
        ReachChoice::Peering => Reach::Peering {
            peerings: agent_vpcs
                .iter()
                .enumerate()
                .map(|(index, agent)| peering(endpoint_vpc, index, agent, stacks))
                .collect(),
        },
        ReachChoice::TransitGateway => {
            Reach::TransitGateway(Box::new(transit_gateway(t, endpoint_vpc, agent_vpcs)))
        }
    }
}

/// Routes to `destination` in every route table of `vpc`.
fn routes(vpc: &VpcPlan, destination: &str) -> Vec<RoutePlan> {
    vpc.route_table_ids
        .iter()
        .map(|rtb| RoutePlan {
            route_table_id: rtb.clone(),
            destination_cidr: destination.to_string(),
        })
        .collect()
}

/// The hub, the endpoint VPC's attachment and one spoke per agent VPC (validation has made
/// sure every gateway is known: the hub is given, an agent VPC's is given or defaulted to the
/// hub, and every other gateway has its peering listed).
fn transit_gateway(
    t: &Topology,
    endpoint_vpc: &VpcPlan,
    agent_vpcs: &[VpcPlan],
) -> TransitGatewayPlan {
    let e = &t.endpoint_vpc;
    let hub = e.transit_gateway_id.clone().unwrap_or_default();
    let peerings: Vec<TransitGatewayPeeringPlan> = t
        .transit_gateway_peerings
        .iter()
        .map(|p| {
            // The first agent VPC on that gateway: its region, and its stack accepts a
            // peering ddpl-gen creates.
            let first = t
                .agent_vpcs
                .iter()
                .position(|a| a.transit_gateway_id.as_deref() == Some(&p.transit_gateway_id));
            let accepter = first.map(|i| &agent_vpcs[i]);
            TransitGatewayPeeringPlan {
                attachment_id: p.attachment_id.clone(),
                transit_gateway_id: p.transit_gateway_id.clone(),
                region: accepter.map(|a| a.region.clone()).unwrap_or_default(),
                requester_stack: endpoint_vpc.stack,
                accepter_stack: accepter.map_or(endpoint_vpc.stack, |a| a.stack),
                peer_account_id: accepter.and_then(|a| a.account_id.clone()),
                // Validation ensures some agent VPC names each listed gateway.
                agent_vpc: first.unwrap_or_default(),
            }
        })
        .collect();
    let endpoint_attachment = AttachmentPlan {
        vpc: endpoint_vpc.name.clone(),
        stack: endpoint_vpc.stack,
        vpc_id: endpoint_vpc.vpc_id.clone(),
        transit_gateway_id: hub.clone(),
        existing_id: e.transit_gateway_attachment_id.clone(),
        subnet_ids: endpoint_vpc.subnet_ids.clone(),
        route_table_id: e.transit_gateway_route_table_id.clone(),
        accepted_by_hub: false,
    };
    let mut static_routes = Vec::new();
    let spokes = t
        .agent_vpcs
        .iter()
        .zip(agent_vpcs)
        .enumerate()
        .map(|(index, (a, agent))| {
            let gateway = a.transit_gateway_id.clone().unwrap_or_else(|| hub.clone());
            let peering = (gateway != hub)
                .then(|| {
                    peerings
                        .iter()
                        .position(|p| p.transit_gateway_id == gateway)
                })
                .flatten();
            let on_hub = peering.is_none();
            let attachment = AttachmentPlan {
                vpc: agent.name.clone(),
                stack: agent.stack,
                vpc_id: agent.vpc_id.clone(),
                transit_gateway_id: gateway,
                existing_id: a.transit_gateway_attachment_id.clone(),
                subnet_ids: agent.subnet_ids.clone(),
                route_table_id: a.transit_gateway_route_table_id.clone(),
                accepted_by_hub: on_hub
                    && a.transit_gateway_attachment_id.is_none()
                    && crosses_accounts(
                        endpoint_vpc.account_id.as_deref(),
                        agent.account_id.as_deref(),
                    ),
            };
            let toward = |vpc: &str| match peering {
                Some(peering) => StaticRouteTarget::Peering { peering },
                None => StaticRouteTarget::Attachment {
                    vpc: vpc.to_string(),
                },
            };
            if let Some(rtb) = &e.transit_gateway_route_table_id {
                static_routes.push(StaticRoutePlan {
                    named_by: endpoint_vpc.name.clone(),
                    stack: endpoint_vpc.stack,
                    route_table_id: rtb.clone(),
                    destination_cidr: agent.cidr.clone(),
                    to: agent.name.clone(),
                    target: toward(&agent.name),
                });
            }
            if let Some(rtb) = &a.transit_gateway_route_table_id {
                let route = StaticRoutePlan {
                    named_by: agent.name.clone(),
                    // A route table of the hub is the hub owner's to change.
                    stack: if on_hub {
                        endpoint_vpc.stack
                    } else {
                        agent.stack
                    },
                    route_table_id: rtb.clone(),
                    destination_cidr: endpoint_vpc.cidr.clone(),
                    to: endpoint_vpc.name.clone(),
                    target: toward(&endpoint_vpc.name),
                };
                let same_place = |r: &StaticRoutePlan| {
                    r.route_table_id == route.route_table_id
                        && r.destination_cidr == route.destination_cidr
                };
                if !static_routes.iter().any(same_place) {
                    static_routes.push(route);
                }
            }
            SpokePlan {
                agent_vpc: index,
                attachment,
                peering,
                endpoint_routes: routes(endpoint_vpc, &agent.cidr),
                agent_routes: routes(agent, &endpoint_vpc.cidr),
            }
        })
        .collect();
    TransitGatewayPlan {
        hub,
        endpoint_attachment,
        spokes,
        peerings,
        static_routes,
    }
}

/// The peering of one agent VPC: requested by the endpoint VPC's stack, accepted by the agent
/// VPC's, with routes to the other side's CIDR in every route table of each side.
fn peering(
    endpoint_vpc: &VpcPlan,
    index: usize,
    agent: &VpcPlan,
    stacks: &[StackPlan],
) -> PeeringPlan {
    let cross_account = crosses_accounts(
        endpoint_vpc.account_id.as_deref(),
        agent.account_id.as_deref(),
    );
    let cross_region = agent.region != endpoint_vpc.region;
    debug_assert!(stacks.len() > agent.stack);
    PeeringPlan {
        agent_vpc: index,
        requester_stack: endpoint_vpc.stack,
        accepter_stack: agent.stack,
        requester_vpc_id: endpoint_vpc.vpc_id.clone(),
        accepter_vpc_id: agent.vpc_id.clone(),
        requester_cidr: endpoint_vpc.cidr.clone(),
        accepter_cidr: agent.cidr.clone(),
        peer_region: cross_region.then(|| agent.region.clone()),
        peer_owner_id: if cross_account {
            agent.account_id.clone()
        } else {
            None
        },
        cross_region,
        cross_account,
        remote_accepter: agent.stack != endpoint_vpc.stack,
        requester_routes: routes(endpoint_vpc, &agent.cidr),
        accepter_routes: routes(agent, &endpoint_vpc.cidr),
    }
}
