//! The plan: every format-neutral decision, once. A [`Plan`] is the resolved list of what the
//! topology creates, by VPC and by stack (one AWS account + region): security groups, interface
//! endpoints, how agents reach them ([`Reach`]) and how names resolve ([`Resolution`]). It holds
//! no format's names: the per-format views (`render::*::view`) derive Terraform names,
//! CloudFormation logical ids and shell arguments from it.
//!
//! It is built in small steps, one module each, in this order: [`stacks`], the VPCs with their
//! [`endpoints`] and [`security_groups`], the [`reach`], the [`zones`], then the [`preflight`]
//! checks and the [`warnings`].

pub mod connectivity;
mod endpoints;
mod preflight;
mod reach;
mod security_groups;
mod stacks;
mod warnings;
pub(crate) mod zones;

use serde::Serialize;

pub use connectivity::{Connectivity, Placement, ReachChoice, ResolutionChoice};
pub use warnings::QuotaWarning;

use crate::catalog::HostMatchKind;
use crate::topology::{Kind, Topology};
use crate::validate::{NAME_TAG, Validated};

/// The generator's name and version, as printed in headers.
pub const GENERATOR: &str = concat!("ddpl-gen ", env!("CARGO_PKG_VERSION"));

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// `ddpl-gen 0.1.0`.
    pub generator: String,
    /// The topology name (`acme-prod`): prefixes names, value of the `ddpl:name` tag.
    pub name: String,
    pub kind: Kind,
    pub site: SitePlan,
    /// The catalog's check date, printed in headers.
    pub catalog_date: String,
    /// The selected service keys, in catalog order.
    pub keys: Vec<String>,
    /// The topology's hosts (selection by host), as listed, with the endpoint serving each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostPlan>,
    /// The user's tags plus `ddpl:name`, sorted by key.
    pub tags: Vec<Tag>,
    pub name_tag: Tag,
    /// Where the endpoints sit.
    pub placement: Placement,
    /// Distinct (account, credentials, region), in order of first use; the endpoint VPC's first.
    pub stacks: Vec<StackPlan>,
    /// The VPC that holds the Datadog endpoints.
    pub endpoint_vpc: VpcPlan,
    /// The VPCs whose agents reach the endpoint VPC, as listed (none when agents run in it).
    pub agent_vpcs: Vec<VpcPlan>,
    /// How agents reach the endpoints, and what that creates.
    pub reach: Reach,
    /// How Datadog's names resolve to the endpoints, and what that creates.
    pub resolution: Resolution,
    /// Datadog service names the deploy path checks before relying on them.
    pub preflight: Vec<PreflightCheck>,
    /// The default AWS quotas the topology goes beyond (their text is in `warnings` too).
    pub quota_warnings: Vec<QuotaWarning>,
    /// Notes a reviewer must read (rendered as comments).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitePlan {
    pub id: String,
    pub domain: String,
    pub region: String,
}

/// One host of the topology's `hosts`: the endpoint that serves it and the row that chose it.
#[derive(Debug, Clone, Serialize)]
pub struct HostPlan {
    pub host: String,
    /// The endpoint's name (`brown`) in `endpoint_vpc.endpoints`.
    pub endpoint: String,
    /// The catalog row that matched (`*.api.datadoghq.com`), or the anchor's own name.
    pub row: String,
    #[serde(rename = "match")]
    pub kind: HostMatchKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// One account + region (+ the credentials to reach it): a Terraform provider, a
/// CloudFormation stack, a set of `--region/--profile` flags.
#[derive(Debug, Clone, Serialize)]
pub struct StackPlan {
    /// Position in `Plan::stacks`.
    pub index: usize,
    /// Stack name and file stem: `acme-prod-us-east-1`, `acme-prod-222222222222-eu-west-1`;
    /// `-<index>` is appended when an earlier stack has the same account and region (reached
    /// with other credentials).
    pub id: String,
    pub region: String,
    pub account_id: Option<String>,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    /// True for the stack of the endpoint VPC (owner of endpoints and zones).
    pub is_endpoint_stack: bool,
    /// An earlier stack has the same account and region (other credentials).
    pub shares_account_region: bool,
}

/// What a VPC is to the topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VpcRole {
    /// Holds the Datadog interface endpoints.
    Endpoint,
    /// Holds agents that reach the endpoint VPC.
    Agent,
}

#[derive(Debug, Clone, Serialize)]
pub struct VpcPlan {
    pub role: VpcRole,
    /// `endpoint` or the agent VPC's name.
    pub name: String,
    /// Index into `Plan::stacks`.
    pub stack: usize,
    pub vpc_id: String,
    pub region: String,
    pub cidr: String,
    pub account_id: Option<String>,
    pub subnet_ids: Vec<String>,
    pub route_table_ids: Vec<String>,
    /// The security groups ddpl-gen creates for this VPC's endpoints (none when the topology
    /// gives its own): one, or as many as keep each within AWS's default of 60 inbound rules.
    pub security_groups: Vec<SecurityGroupPlan>,
    /// Security groups the user gave instead (endpoint VPC only).
    pub existing_security_group_ids: Vec<String>,
    pub endpoints: Vec<EndpointPlan>,
    /// The VPC needs `enableDnsSupport` and `enableDnsHostnames` on (AWS refuses private DNS
    /// otherwise): a private hosted zone is associated with it, or it holds an interface
    /// endpoint with private DNS enabled.
    pub needs_dns_attributes: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityGroupPlan {
    /// The group name (unique per VPC), also how the CLI script finds it again.
    pub name: String,
    pub description: String,
    pub ingress: Vec<IngressRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngressRule {
    pub protocol: &'static str,
    pub port: u16,
    pub cidr: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointPlan {
    /// Unique over the plan: the catalog id in the endpoint VPC (`orchid`), the VPC's name and
    /// the service elsewhere (`eu-prod-secretsmanager`). Formats derive their names from it.
    pub name: String,
    /// Unique within its VPC: the service key it is known by (`traces`, `logs-agent`;
    /// `secrets-manager` for AWS's). Terraform addresses endpoints and zones by it.
    pub key: String,
    /// The catalog id (`orchid`) or `secretsmanager`.
    pub service_id: String,
    /// Full service name: `com.amazonaws.vpce.us-east-1.vpce-svc-...`.
    pub service_name: String,
    /// The topology service keys this endpoint serves (empty for AWS services).
    pub keys: Vec<String>,
    /// Customer-facing hosts reached through it.
    pub hosts: Vec<String>,
    /// The topology's hosts that chose this endpoint (selection by host).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chosen_by: Vec<String>,
    /// The service's private DNS name (the zone name with private hosted zones).
    pub private_dns_name: String,
    pub private_dns_enabled: bool,
    /// Set for cross-region PrivateLink: the site's region.
    pub service_region: Option<String>,
    /// True for Datadog services (checked by the preflight), false for AWS services.
    pub datadog: bool,
    /// The service serves one of the catalog's default keys on its site (the Agent's standard
    /// services), whether or not the topology chose it by key. Not part of the plan's JSON.
    #[serde(skip)]
    pub agent_service: bool,
    pub source: String,
    pub source_date: String,
}

/// How agents reach the endpoints.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Reach {
    /// Agents run in the endpoint VPC: nothing more to create.
    InEndpointVpc,
    /// One peering connection per agent VPC, with routes both ways.
    Peering { peerings: Vec<PeeringPlan> },
    /// Transit Gateways: attachments where asked, routes both ways through them.
    TransitGateway(Box<TransitGatewayPlan>),
}

/// Agents reach the endpoint VPC through its Transit Gateway (the hub), directly or across a
/// Transit Gateway peering. The gateways and the peerings are the topology's: referenced,
/// never created or deleted.
#[derive(Debug, Clone, Serialize)]
pub struct TransitGatewayPlan {
    /// The endpoint VPC's Transit Gateway.
    pub hub: String,
    pub endpoint_attachment: AttachmentPlan,
    /// One per agent VPC, as listed.
    pub spokes: Vec<SpokePlan>,
    /// The peering attachments between the hub and the agent VPCs' other gateways, as listed.
    pub peerings: Vec<TransitGatewayPeeringPlan>,
    /// Static routes in the Transit Gateway route tables the topology names, both ways, once
    /// per route table and destination (spokes that name one table share its route to the
    /// endpoint VPC).
    pub static_routes: Vec<StaticRoutePlan>,
}

/// A VPC's attachment to its Transit Gateway: an existing one, or one created in its subnets.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentPlan {
    /// `endpoint` or the agent VPC's name.
    pub vpc: String,
    /// The VPC's stack, which creates the attachment.
    pub stack: usize,
    pub vpc_id: String,
    pub transit_gateway_id: String,
    /// The attachment the topology names; none: ddpl-gen creates one.
    pub existing_id: Option<String>,
    /// Where a created attachment has its network interfaces (one subnet per zone).
    pub subnet_ids: Vec<String>,
    /// The gateway route table the VPC's `transit_gateway_route_table_id` names.
    pub route_table_id: Option<String>,
    /// Created in another account than the hub's, on the hub: the hub's owner (the endpoint
    /// VPC's stack) accepts it, as AWS asks unless the gateway accepts shared attachments
    /// by itself.
    pub accepted_by_hub: bool,
}

impl TransitGatewayPlan {
    /// Every VPC attachment: the endpoint VPC's, then the spokes' as listed.
    pub fn attachments(&self) -> impl Iterator<Item = &AttachmentPlan> {
        std::iter::once(&self.endpoint_attachment).chain(self.spokes.iter().map(|s| &s.attachment))
    }

    /// The peerings ddpl-gen requests and accepts (the topology names no attachment for them).
    pub fn created_peerings(&self) -> impl Iterator<Item = &TransitGatewayPeeringPlan> {
        self.peerings.iter().filter(|p| p.created())
    }

    /// Stack `stack` accepts a peering ddpl-gen requests.
    pub fn accepts_created_peering(&self, stack: usize) -> bool {
        self.created_peerings().any(|p| p.accepter_stack == stack)
    }
}

impl AttachmentPlan {
    /// ddpl-gen creates this attachment.
    pub fn created(&self) -> bool {
        self.existing_id.is_none()
    }
}

/// One agent VPC on a Transit Gateway.
#[derive(Debug, Clone, Serialize)]
pub struct SpokePlan {
    /// Index into `Plan::agent_vpcs`.
    pub agent_vpc: usize,
    pub attachment: AttachmentPlan,
    /// The Transit Gateway peering crossed (index into `TransitGatewayPlan::peerings`); none
    /// when the agent VPC is on the hub.
    pub peering: Option<usize>,
    /// Routes in the endpoint VPC's tables to the agent CIDR, through the hub.
    pub endpoint_routes: Vec<RoutePlan>,
    /// Routes in the agent VPC's tables to the endpoint CIDR, through the agent's gateway.
    pub agent_routes: Vec<RoutePlan>,
}

/// One VPC route through a Transit Gateway ([`Plan::gateway_routes`]).
#[derive(Debug, Clone, Copy)]
pub struct GatewayRoute<'p> {
    pub spoke: &'p SpokePlan,
    /// The VPC whose route table holds it (the endpoint VPC or the spoke's agent VPC); its
    /// stack adds it.
    pub vpc: &'p VpcPlan,
    pub route: &'p RoutePlan,
    pub transit_gateway_id: &'p str,
}

impl<'p> GatewayRoute<'p> {
    /// The routes of one side of a spoke.
    fn side(
        spoke: &'p SpokePlan,
        vpc: &'p VpcPlan,
        routes: &'p [RoutePlan],
        transit_gateway_id: &'p str,
    ) -> impl Iterator<Item = GatewayRoute<'p>> {
        routes.iter().map(move |route| GatewayRoute {
            spoke,
            vpc,
            route,
            transit_gateway_id,
        })
    }
}

/// The peering attachment between the hub and another Transit Gateway: the topology's, or one
/// ddpl-gen requests (the hub's owner) and accepts (the other gateway's owner).
#[derive(Debug, Clone, Serialize)]
pub struct TransitGatewayPeeringPlan {
    /// The attachment the topology names; none: ddpl-gen creates one.
    pub attachment_id: Option<String>,
    /// The agent VPCs' gateway at the other end.
    pub transit_gateway_id: String,
    pub region: String,
    /// The endpoint VPC's stack requests a created peering; the stack of the first agent VPC
    /// on the other gateway accepts it, in its account (`peer_account_id`).
    pub requester_stack: usize,
    pub accepter_stack: usize,
    pub peer_account_id: Option<String>,
    /// The first agent VPC on the other gateway (index into `agent_vpcs`), whose name names
    /// the peering in the outputs.
    pub agent_vpc: usize,
}

impl TransitGatewayPeeringPlan {
    /// ddpl-gen creates this peering.
    pub fn created(&self) -> bool {
        self.attachment_id.is_none()
    }
}

/// A static route in a Transit Gateway route table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaticRoutePlan {
    /// The VPC whose `transit_gateway_route_table_id` names the table: `endpoint` or the agent
    /// VPC's name.
    pub named_by: String,
    /// Who adds it: the hub's routes the endpoint VPC's stack, another gateway's the agent
    /// VPC's.
    pub stack: usize,
    pub route_table_id: String,
    pub destination_cidr: String,
    /// The VPC of `destination_cidr`: `endpoint` or the agent VPC's name.
    pub to: String,
    pub target: StaticRouteTarget,
}

/// Where a static route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StaticRouteTarget {
    /// A VPC attachment: `endpoint` or the agent VPC's name.
    Attachment { vpc: String },
    /// The peering attachment (index into `TransitGatewayPlan::peerings`).
    Peering { peering: usize },
}

#[derive(Debug, Clone, Serialize)]
pub struct PeeringPlan {
    /// The agent VPC this peering joins to the endpoint VPC (index into `Plan::agent_vpcs`).
    pub agent_vpc: usize,
    /// The endpoint VPC's stack requests, the agent VPC's stack accepts.
    pub requester_stack: usize,
    pub accepter_stack: usize,
    pub requester_vpc_id: String,
    pub accepter_vpc_id: String,
    pub requester_cidr: String,
    pub accepter_cidr: String,
    /// Set when the accepter is in another region.
    pub peer_region: Option<String>,
    /// Set when the accepter is in another (known) account.
    pub peer_owner_id: Option<String>,
    pub cross_region: bool,
    pub cross_account: bool,
    /// The accepter's stack is not the requester's (another account, region or profile): the
    /// accepter's side accepts (and tags) a connection requested elsewhere.
    pub remote_accepter: bool,
    /// Routes in the endpoint VPC's tables to the agent CIDR.
    pub requester_routes: Vec<RoutePlan>,
    /// Routes in the agent VPC's tables to the endpoint CIDR.
    pub accepter_routes: Vec<RoutePlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoutePlan {
    pub route_table_id: String,
    pub destination_cidr: String,
}

/// How Datadog's names resolve to the endpoints.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Resolution {
    /// The endpoints' private DNS, inside the endpoint VPC.
    EndpointPrivateDns,
    /// One private hosted zone per Datadog endpoint, created with the endpoint VPC and
    /// associated with every VPC of `associations` (the same for every zone).
    PrivateHostedZones {
        zones: Vec<ZonePlan>,
        associations: Vec<ZoneAssociation>,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct ZonePlan {
    /// Zone name = the endpoint service's private DNS name.
    pub name: String,
    /// The endpoint the apex alias record points at (index into `endpoint_vpc.endpoints`).
    pub endpoint: usize,
    /// The topology service keys the endpoint serves.
    pub service_keys: Vec<String>,
    pub hosts: Vec<String>,
    /// Stable caller reference for `create-hosted-zone`.
    pub caller_reference: String,
}

/// The association of every zone with one agent VPC.
#[derive(Debug, Clone, Serialize)]
pub struct ZoneAssociation {
    /// Index into `Plan::agent_vpcs`.
    pub agent_vpc: usize,
    pub vpc_id: String,
    pub vpc_region: String,
    /// The VPC's stack; the zones belong to the endpoint VPC's.
    pub stack: usize,
    /// Another account owns the VPC: authorize (zone owner), associate (VPC owner),
    /// then delete the authorization (zone owner).
    pub cross_account: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreflightCheck {
    pub service_name: String,
    /// The private DNS name the catalog gives the service.
    pub private_dns_name: String,
    /// Where the endpoint is created (the call's `--region` and profile).
    pub stack: usize,
    /// Cross-region: where the service lives.
    pub service_region: Option<String>,
    pub source_date: String,
}

impl Plan {
    /// Every VPC: the endpoint VPC, then the agent VPCs as listed.
    pub fn vpcs(&self) -> impl Iterator<Item = &VpcPlan> {
        std::iter::once(&self.endpoint_vpc).chain(&self.agent_vpcs)
    }

    /// The VPCs where agents run: the agent VPCs, or the endpoint VPC when there are none.
    pub fn agent_locations(&self) -> Vec<&VpcPlan> {
        match self.reach {
            Reach::InEndpointVpc => vec![&self.endpoint_vpc],
            Reach::Peering { .. } | Reach::TransitGateway(_) => self.agent_vpcs.iter().collect(),
        }
    }

    /// The stack of the endpoint VPC (owner of the endpoints and the zones).
    pub fn endpoint_stack(&self) -> &StackPlan {
        &self.stacks[self.endpoint_vpc.stack]
    }

    /// The peering connections (none unless agents reach the endpoints through peering).
    pub fn peerings(&self) -> &[PeeringPlan] {
        match &self.reach {
            Reach::Peering { peerings } => peerings,
            Reach::InEndpointVpc | Reach::TransitGateway(_) => &[],
        }
    }

    /// The Transit Gateways' part (none unless agents reach the endpoints through them).
    pub fn transit_gateway(&self) -> Option<&TransitGatewayPlan> {
        match &self.reach {
            Reach::TransitGateway(tgw) => Some(tgw),
            Reach::InEndpointVpc | Reach::Peering { .. } => None,
        }
    }

    /// The VPC routes through the Transit Gateways, spoke by spoke: the endpoint VPC's to the
    /// agent CIDR (through the hub), then the agent VPC's to the endpoint CIDR (through its
    /// gateway). None unless agents reach the endpoints through Transit Gateways.
    pub fn gateway_routes(&self) -> Vec<GatewayRoute<'_>> {
        let Some(tgw) = self.transit_gateway() else {
            return Vec::new();
        };
        tgw.spokes
            .iter()
            .flat_map(|spoke| {
                let agent = &self.agent_vpcs[spoke.agent_vpc];
                let gateway = spoke.attachment.transit_gateway_id.as_str();
                GatewayRoute::side(spoke, &self.endpoint_vpc, &spoke.endpoint_routes, &tgw.hub)
                    .chain(GatewayRoute::side(
                        spoke,
                        agent,
                        &spoke.agent_routes,
                        gateway,
                    ))
            })
            .collect()
    }

    /// The private hosted zones (none with endpoint private DNS).
    pub fn zones(&self) -> &[ZonePlan] {
        match &self.resolution {
            Resolution::PrivateHostedZones { zones, .. } => zones,
            Resolution::EndpointPrivateDns => &[],
        }
    }

    /// The agent VPCs every zone is associated with (beyond the endpoint VPC).
    pub fn zone_associations(&self) -> &[ZoneAssociation] {
        match &self.resolution {
            Resolution::PrivateHostedZones { associations, .. } => associations,
            Resolution::EndpointPrivateDns => &[],
        }
    }

    /// The endpoint a zone's alias record points at.
    pub fn zone_endpoint(&self, zone: &ZonePlan) -> &EndpointPlan {
        &self.endpoint_vpc.endpoints[zone.endpoint]
    }

    /// Some VPC needs the DNS attributes.
    pub fn dns_attributes_needed(&self) -> bool {
        self.vpcs().any(|vpc| vpc.needs_dns_attributes)
    }

    /// Every endpoint of every VPC, with its VPC, in `vpcs()` order.
    pub fn endpoints(&self) -> impl Iterator<Item = (&VpcPlan, &EndpointPlan)> {
        self.vpcs()
            .flat_map(|vpc| vpc.endpoints.iter().map(move |ep| (vpc, ep)))
    }
}

/// Builds the plan of a validated topology, step by step.
pub fn plan(v: &Validated<'_>) -> Plan {
    let t = v.topology;
    let connectivity = Connectivity::of(t.kind);
    let site_region = v.site.region.clone().unwrap_or_default();
    let placement = connectivity.placement(&site_region);
    let (tags, name_tag) = tags(t);

    let (stacks, stack_of) = stacks::build(t);
    let mut endpoint_vpc = endpoint_vpc(t, stack_of[0]);
    let mut agent_vpcs = agent_vpcs(t, connectivity, &stack_of[1..]);

    endpoint_vpc.endpoints = endpoints::datadog(v, &endpoint_vpc, &placement, connectivity);
    let agents_here = if connectivity.agents_elsewhere() {
        agent_vpcs.iter_mut().collect()
    } else {
        vec![&mut endpoint_vpc]
    };
    if t.secrets_manager_endpoint {
        for vpc in agents_here {
            let endpoint = endpoints::secrets_manager(v.catalog, vpc);
            vpc.endpoints.push(endpoint);
        }
    }
    endpoint_vpc.security_groups = security_groups::endpoint_vpc(t, &endpoint_vpc, &agent_vpcs);
    for vpc in &mut agent_vpcs {
        vpc.security_groups = security_groups::agent_vpc(&t.name, vpc);
    }

    let reach = reach::build(connectivity.reach, t, &endpoint_vpc, &agent_vpcs, &stacks);
    let resolution = zones::build(connectivity.resolution, &t.name, &endpoint_vpc, &agent_vpcs);
    let zoned = matches!(resolution, Resolution::PrivateHostedZones { .. });
    for vpc in std::iter::once(&mut endpoint_vpc).chain(&mut agent_vpcs) {
        vpc.needs_dns_attributes = zoned || vpc.endpoints.iter().any(|ep| ep.private_dns_enabled);
    }
    let preflight = preflight::build(&endpoint_vpc);
    let warnings = warnings::notes(v, &placement, &endpoint_vpc);
    let hosts = v
        .hosts
        .iter()
        .map(|h| HostPlan {
            host: h.host.clone(),
            endpoint: h.matched.service.id.clone(),
            row: h.matched.row.to_string(),
            kind: h.matched.kind,
        })
        .collect();

    let mut plan = Plan {
        generator: GENERATOR.to_string(),
        name: t.name.clone(),
        kind: t.kind,
        site: SitePlan {
            id: v.site.id.clone(),
            domain: v.site.domain.clone(),
            region: site_region,
        },
        catalog_date: v.catalog.date.clone(),
        keys: v.keys.clone(),
        hosts,
        tags,
        name_tag,
        placement,
        stacks,
        endpoint_vpc,
        agent_vpcs,
        reach,
        resolution,
        preflight,
        quota_warnings: Vec::new(),
        warnings,
    };
    plan.quota_warnings = warnings::quotas(&plan);
    let texts = plan.quota_warnings.iter().map(QuotaWarning::text);
    plan.warnings.extend(texts.collect::<Vec<_>>());
    let notes = warnings::transit_gateway(&plan);
    plan.warnings.extend(notes);
    plan
}

/// The user's tags plus `ddpl:name`, sorted by key; and the `ddpl:name` tag.
fn tags(t: &Topology) -> (Vec<Tag>, Tag) {
    let name_tag = Tag {
        key: NAME_TAG.to_string(),
        value: t.name.clone(),
    };
    let mut tags: Vec<Tag> = t
        .tags
        .iter()
        .map(|(key, value)| Tag {
            key: key.clone(),
            value: value.clone(),
        })
        .chain([name_tag.clone()])
        .collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    (tags, name_tag)
}

/// The endpoint VPC as the topology gives it (endpoints and security group come next).
fn endpoint_vpc(t: &Topology, stack: usize) -> VpcPlan {
    let e = &t.endpoint_vpc;
    VpcPlan {
        role: VpcRole::Endpoint,
        name: "endpoint".to_string(),
        stack,
        vpc_id: e.vpc_id.clone(),
        region: e.region.clone(),
        cidr: e.cidr.clone(),
        account_id: e.account_id.clone(),
        subnet_ids: e.subnet_ids.clone(),
        route_table_ids: e.route_table_ids.clone(),
        security_groups: Vec::new(),
        existing_security_group_ids: e.security_group_ids.clone(),
        endpoints: Vec::new(),
        needs_dns_attributes: false,
    }
}

/// The agent VPCs as the topology lists them (validation allows them only where agents run
/// outside the endpoint VPC).
fn agent_vpcs(t: &Topology, connectivity: Connectivity, stacks: &[usize]) -> Vec<VpcPlan> {
    if !connectivity.agents_elsewhere() {
        return Vec::new();
    }
    t.agent_vpcs
        .iter()
        .zip(stacks)
        .map(|(a, &stack)| VpcPlan {
            role: VpcRole::Agent,
            name: a.name.clone(),
            stack,
            vpc_id: a.vpc_id.clone(),
            region: a.region.clone(),
            cidr: a.cidr.clone(),
            account_id: a.account_id.clone(),
            subnet_ids: a.subnet_ids.clone(),
            route_table_ids: a.route_table_ids.clone(),
            security_groups: Vec::new(),
            existing_security_group_ids: Vec::new(),
            endpoints: Vec::new(),
            needs_dns_attributes: false,
        })
        .collect()
}

/// Both accounts are known and differ.
fn crosses_accounts(a: Option<&str>, b: Option<&str>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a != b)
}
