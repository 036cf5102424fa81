//! Step 3: the security groups ddpl-gen creates, one per VPC with endpoints (unless the
//! topology gives its own), admitting TCP 443 from where agents run.

use super::{IngressRule, SecurityGroupPlan, VpcPlan};
use crate::topology::Topology;

/// The endpoint VPC's group: HTTPS from the endpoint VPC, every agent VPC, then the extra
/// CIDRs, each CIDR once (its first description).
pub(super) fn endpoint_vpc(
    t: &Topology,
    vpc: &VpcPlan,
    agent_vpcs: &[VpcPlan],
) -> Option<SecurityGroupPlan> {
    if vpc.endpoints.is_empty() || !vpc.existing_security_group_ids.is_empty() {
        return None;
    }
    let mut sources = vec![(
        vpc.cidr.clone(),
        format!("HTTPS from the endpoint VPC {}", vpc.vpc_id),
    )];
    sources.extend(agent_vpcs.iter().map(agent_source));
    sources.extend(
        t.endpoint_vpc
            .allowed_cidrs
            .iter()
            .map(|c| (c.clone(), "HTTPS from an allowed CIDR block".to_string())),
    );
    let mut seen = Vec::new();
    sources.retain(|(cidr, _)| {
        let new = !seen.contains(cidr);
        seen.push(cidr.clone());
        new
    });
    Some(SecurityGroupPlan {
        name: format!("{}-datadog-privatelink", t.name),
        description: format!(
            "Datadog PrivateLink endpoints of {}: TCP 443 from the agents",
            t.name
        ),
        ingress: https_from(sources),
    })
}

/// An agent VPC's group, for its own endpoints (Secrets Manager): HTTPS from the VPC.
pub(super) fn agent_vpc(name: &str, vpc: &VpcPlan) -> Option<SecurityGroupPlan> {
    if vpc.endpoints.is_empty() {
        return None;
    }
    Some(SecurityGroupPlan {
        name: format!("{name}-{}-secretsmanager", vpc.name),
        description: format!(
            "Secrets Manager endpoint of {name} in {}: TCP 443 from the VPC",
            vpc.name
        ),
        ingress: https_from(vec![agent_source(vpc)]),
    })
}

fn agent_source(vpc: &VpcPlan) -> (String, String) {
    (
        vpc.cidr.clone(),
        format!("HTTPS from agent VPC {} ({})", vpc.name, vpc.vpc_id),
    )
}

fn https_from(sources: Vec<(String, String)>) -> Vec<IngressRule> {
    sources
        .into_iter()
        .map(|(cidr, description)| IngressRule {
            protocol: "tcp",
            port: 443,
            cidr,
            description,
        })
        .collect()
}
