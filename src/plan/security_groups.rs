//! Step 3: the security groups ddpl-gen creates for a VPC's endpoints (unless the topology
//! gives its own), admitting TCP 443 from where agents run. A group holds at most
//! `MAX_INGRESS_RULES` rules, AWS's default quota: more sources get more groups, all attached
//! to every endpoint of the VPC.

use super::{IngressRule, SecurityGroupPlan, VpcPlan};
use crate::topology::Topology;

/// AWS's default quota of inbound rules per security group ("Inbound or outbound rules per
/// security group", adjustable): ddpl-gen stays within it by using more groups.
pub const MAX_INGRESS_RULES: usize = 60;

/// The endpoint VPC's groups: HTTPS from the endpoint VPC, every agent VPC, then the extra
/// CIDRs, each CIDR once (its first description), `MAX_INGRESS_RULES` a group.
pub(super) fn endpoint_vpc(
    t: &Topology,
    vpc: &VpcPlan,
    agent_vpcs: &[VpcPlan],
) -> Vec<SecurityGroupPlan> {
    if vpc.endpoints.is_empty() || !vpc.existing_security_group_ids.is_empty() {
        return Vec::new();
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
    let rules = https_from(sources);
    let groups = rules.len().div_ceil(MAX_INGRESS_RULES);
    rules
        .chunks(MAX_INGRESS_RULES)
        .enumerate()
        .map(|(n, chunk)| {
            // The first group keeps the name (and address) it has always had.
            let (name, of) = match n {
                0 => (format!("{}-datadog-privatelink", t.name), String::new()),
                n => (
                    format!("{}-datadog-privatelink-{}", t.name, n + 1),
                    format!(" (group {} of {groups})", n + 1),
                ),
            };
            SecurityGroupPlan {
                name,
                description: format!(
                    "Datadog PrivateLink endpoints of {}: TCP 443 from the agents{of}",
                    t.name
                ),
                ingress: chunk.to_vec(),
            }
        })
        .collect()
}

/// An agent VPC's group, for its own endpoints (Secrets Manager): HTTPS from the VPC.
pub(super) fn agent_vpc(name: &str, vpc: &VpcPlan) -> Vec<SecurityGroupPlan> {
    if vpc.endpoints.is_empty() {
        return Vec::new();
    }
    vec![SecurityGroupPlan {
        name: format!("{name}-{}-secretsmanager", vpc.name),
        description: format!(
            "Secrets Manager endpoint of {name} in {}: TCP 443 from the VPC",
            vpc.name
        ),
        ingress: https_from(vec![agent_source(vpc)]),
    }]
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
