//! Step 2: the interface endpoints: the selected Datadog services in the endpoint VPC, and a
//! Secrets Manager endpoint wherever agents run when the topology asks for one.

use super::{Connectivity, EndpointPlan, Placement, ResolutionChoice, VpcPlan};
use crate::catalog::Catalog;
use crate::validate::Validated;

/// One endpoint per selected Datadog endpoint service, in catalog order.
pub(super) fn datadog(
    v: &Validated<'_>,
    endpoint_vpc: &VpcPlan,
    placement: &Placement,
    connectivity: Connectivity,
) -> Vec<EndpointPlan> {
    // Private hosted zones answer for the service names instead of the endpoints' own DNS.
    let private_dns_enabled = connectivity.resolution == ResolutionChoice::EndpointPrivateDns;
    let site_region = v.site.region.as_deref().unwrap_or_default();
    debug_assert_eq!(endpoint_vpc.name, "endpoint");
    v.services
        .iter()
        .map(|svc| EndpointPlan {
            name: svc.id.clone(),
            key: address_key(svc, &v.keys),
            service_id: svc.id.clone(),
            service_name: svc.service_name(site_region),
            keys: svc
                .keys
                .iter()
                .filter(|k| v.keys.contains(k))
                .cloned()
                .collect(),
            hosts: svc.hosts.clone(),
            chosen_by: v
                .hosts
                .iter()
                .filter(|h| h.matched.service.service == svc.service)
                .map(|h| h.host.clone())
                .collect(),
            private_dns_name: svc.private_dns_name.clone(),
            private_dns_enabled,
            service_region: placement.service_region().map(str::to_string),
            datadog: true,
            agent_service: svc.keys.iter().any(|k| v.catalog.keys.contains(k)),
            source: v
                .catalog
                .sources
                .get(&svc.source)
                .cloned()
                .unwrap_or_default(),
            source_date: svc.date.clone(),
        })
        .collect()
}

/// The Secrets Manager endpoint of a VPC where agents run (private DNS on: AWS's own names).
pub(super) fn secrets_manager(catalog: &Catalog, vpc: &VpcPlan) -> EndpointPlan {
    let host = format!("secretsmanager.{}.amazonaws.com", vpc.region);
    EndpointPlan {
        name: match vpc.role {
            super::VpcRole::Endpoint => "secretsmanager".to_string(),
            super::VpcRole::Agent => format!("{}-secretsmanager", vpc.name),
        },
        key: "secrets-manager".into(),
        service_id: "secretsmanager".into(),
        service_name: catalog
            .aws_service_name("secretsmanager", &vpc.region)
            .unwrap_or_default(),
        keys: Vec::new(),
        hosts: vec![host.clone()],
        chosen_by: Vec::new(),
        private_dns_name: host,
        private_dns_enabled: true,
        service_region: None,
        datadog: false,
        agent_service: false,
        source: "AWS".into(),
        source_date: String::new(),
    }
}

/// What the endpoint serves, in a word a reviewer knows: the first service key the topology
/// chose that it serves, else its first key on the site (chosen by host), else its anchor.
fn address_key(svc: &crate::catalog::EndpointService, chosen: &[String]) -> String {
    svc.keys
        .iter()
        .find(|k| chosen.contains(k))
        .or(svc.keys.first())
        .unwrap_or(&svc.id)
        .clone()
}
