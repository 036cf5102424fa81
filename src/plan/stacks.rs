//! Step 1: the stacks, one per distinct account, credentials and region, in order of first
//! use (the endpoint VPC's first).

use super::StackPlan;
use crate::topology::Topology;

/// Where a VPC's calls go.
struct Access<'t> {
    region: &'t str,
    account_id: Option<&'t str>,
    profile: Option<&'t str>,
    role_arn: Option<&'t str>,
}

/// The stacks, and the stack of each VPC (the endpoint VPC, then the agent VPCs as listed).
pub(super) fn build(t: &Topology) -> (Vec<StackPlan>, Vec<usize>) {
    let e = &t.endpoint_vpc;
    let endpoint = Access {
        region: &e.region,
        account_id: e.account_id.as_deref(),
        profile: e.profile.as_deref(),
        role_arn: e.role_arn.as_deref(),
    };
    let agents = t.agent_vpcs.iter().map(|a| Access {
        region: &a.region,
        account_id: a.account_id.as_deref(),
        profile: a.profile.as_deref(),
        role_arn: a.role_arn.as_deref(),
    });
    let mut stacks: Vec<StackPlan> = Vec::new();
    let stack_of = std::iter::once(endpoint)
        .chain(agents)
        .map(|access| stack_for(&t.name, &access, &mut stacks))
        .collect();
    (stacks, stack_of)
}

/// The index of the stack `access` goes to, added when no stack has it yet.
fn stack_for(name: &str, access: &Access<'_>, stacks: &mut Vec<StackPlan>) -> usize {
    if let Some(index) = stacks.iter().position(|s| {
        s.region == access.region
            && s.account_id.as_deref() == access.account_id
            && s.profile.as_deref() == access.profile
            && s.role_arn.as_deref() == access.role_arn
    }) {
        return index;
    }
    let index = stacks.len();
    let base = match access.account_id {
        Some(account) => format!("{name}-{account}-{}", access.region),
        None => format!("{name}-{}", access.region),
    };
    // Same account and region reached with other credentials: keep names unique.
    let shares_account_region = stacks
        .iter()
        .any(|s| s.region == access.region && s.account_id.as_deref() == access.account_id);
    stacks.push(StackPlan {
        index,
        id: if shares_account_region {
            format!("{base}-{index}")
        } else {
            base
        },
        region: access.region.to_string(),
        account_id: access.account_id.map(str::to_string),
        profile: access.profile.map(str::to_string),
        role_arn: access.role_arn.map(str::to_string),
        is_endpoint_stack: index == 0,
        shares_account_region,
    });
    index
}
