//! Step 6: the Datadog service names the deploy path checks before it creates anything.

use super::{PreflightCheck, VpcPlan};

pub(super) fn build(endpoint_vpc: &VpcPlan) -> Vec<PreflightCheck> {
    endpoint_vpc
        .endpoints
        .iter()
        .filter(|ep| ep.datadog)
        .map(|ep| PreflightCheck {
            service_name: ep.service_name.clone(),
            private_dns_name: ep.private_dns_name.clone(),
            stack: endpoint_vpc.stack,
            service_region: ep.service_region.clone(),
            source_date: ep.source_date.clone(),
        })
        .collect()
}
