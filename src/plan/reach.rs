//! Step 4: how agents reach the endpoints. A new way (a Transit Gateway) is a new
//! `ReachChoice` variant, a new `Reach` variant and one builder function here.

use super::{PeeringPlan, Reach, ReachChoice, RoutePlan, StackPlan, VpcPlan, crosses_accounts};

pub(super) fn build(
    choice: ReachChoice,
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
    let routes = |vpc: &VpcPlan, destination: &str| -> Vec<RoutePlan> {
        vpc.route_table_ids
            .iter()
            .map(|rtb| RoutePlan {
                route_table_id: rtb.clone(),
                destination_cidr: destination.to_string(),
            })
            .collect()
    };
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
