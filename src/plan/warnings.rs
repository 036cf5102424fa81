//! Step 7: what a reviewer must read, rendered as comments and in the plan's Warnings.

use super::{Placement, VpcPlan};
use crate::catalog::HostMatchKind;
use crate::validate::Validated;

pub(super) fn build(
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
