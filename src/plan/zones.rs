//! Step 5: how names resolve. With private hosted zones: one zone per Datadog endpoint (named
//! after its private DNS name), created with the endpoint VPC and associated with every agent
//! VPC.

use super::{Resolution, ResolutionChoice, VpcPlan, ZoneAssociation, ZonePlan, crosses_accounts};

pub(super) fn build(
    choice: ResolutionChoice,
    name: &str,
    endpoint_vpc: &VpcPlan,
    agent_vpcs: &[VpcPlan],
) -> Resolution {
    match choice {
        ResolutionChoice::EndpointPrivateDns => Resolution::EndpointPrivateDns,
        ResolutionChoice::PrivateHostedZones => Resolution::PrivateHostedZones {
            zones: zones(name, endpoint_vpc),
            associations: associations(endpoint_vpc, agent_vpcs),
        },
    }
}

/// What the caller reference of every private hosted zone of the topology `name` starts with
/// (the scripts recognise their zones by it).
pub(crate) fn caller_reference_prefix(name: &str) -> String {
    format!("ddpl-{name}-")
}

fn zones(name: &str, endpoint_vpc: &VpcPlan) -> Vec<ZonePlan> {
    endpoint_vpc
        .endpoints
        .iter()
        .enumerate()
        .filter(|(_, ep)| ep.datadog)
        .map(|(index, ep)| ZonePlan {
            name: ep.private_dns_name.clone(),
            endpoint: index,
            service_keys: ep.keys.clone(),
            hosts: ep.hosts.clone(),
            caller_reference: format!("{}{}", caller_reference_prefix(name), ep.service_id),
        })
        .collect()
}

fn associations(endpoint_vpc: &VpcPlan, agent_vpcs: &[VpcPlan]) -> Vec<ZoneAssociation> {
    agent_vpcs
        .iter()
        .enumerate()
        .map(|(index, vpc)| ZoneAssociation {
            agent_vpc: index,
            vpc_id: vpc.vpc_id.clone(),
            vpc_region: vpc.region.clone(),
            stack: vpc.stack,
            cross_account: crosses_accounts(
                endpoint_vpc.account_id.as_deref(),
                vpc.account_id.as_deref(),
            ),
        })
        .collect()
}
