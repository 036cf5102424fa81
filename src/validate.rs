//! The second gate: rules a JSON Schema cannot express (README, "The topology format": the rules beyond the schema).
//! Every rule reports through `Problem`, naming the field and what would be valid; all
//! problems are collected before returning.

use std::collections::{HashMap, HashSet};

use crate::catalog::{Catalog, EndpointService, HostMatch, Site, normalize_host};
use crate::cidr::Cidr;
use crate::error::{Error, Problem};
use crate::naming::pascal;
use crate::plan::{Connectivity, ReachChoice};
use crate::regions::Regions;
use crate::topology::{AgentVpc, Kind, Topology};

/// A topology that passed every rule, with its site and services resolved from the catalog.
#[derive(Debug, Clone)]
pub struct Validated<'a> {
    pub topology: &'a Topology,
    pub catalog: &'a Catalog,
    pub site: &'a Site,
    /// The selected endpoint services, in catalog order, each once (keys sharing one service
    /// name give one entry).
    pub services: Vec<&'a EndpointService>,
    /// The selected service keys, in catalog order.
    pub keys: Vec<String>,
    /// The topology's hosts, as listed, each with the endpoint service that serves it.
    pub hosts: Vec<HostChoice<'a>>,
}

/// One host of the topology's `hosts` and what serves it.
#[derive(Debug, Clone)]
pub struct HostChoice<'a> {
    /// The host as compared (lowercase, no trailing dot).
    pub host: String,
    pub matched: HostMatch<'a>,
}

/// The tag ddpl-gen sets on everything it creates; users may not set it themselves.
pub const NAME_TAG: &str = "ddpl:name";

/// What the caller allows beyond the embedded data.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Regions newer than `catalog/regions.json` (`--allow-region`): accepted by name, placed
    /// in the partition whose region prefixes they have.
    pub allowed_regions: Vec<String>,
}

/// AWS's hard limits that a topology can exceed (AWS documentation; Service Quotas cannot raise
/// them), and the source the error names.
/// (The others are out of a topology's reach or the schema's: at most 125 agent VPCs give each
/// route table at most 125 routes, under the hard limit of 1,000; the schema takes at most 16
/// `security_group_ids`, the hard limit of security groups per network interface.)
pub const MAX_PEERINGS_PER_VPC: usize = 125;
const LIMITS_SOURCE: &str = "AWS documentation, Amazon VPC quotas";

/// Validates with the default options.
pub fn validate<'a>(
    topology: &'a Topology,
    catalog: &'a Catalog,
    source_name: &str,
) -> Result<Validated<'a>, Error> {
    validate_with(topology, catalog, source_name, &Options::default())
}

pub fn validate_with<'a>(
    topology: &'a Topology,
    catalog: &'a Catalog,
    source_name: &str,
    options: &Options,
) -> Result<Validated<'a>, Error> {
    let mut problems = Vec::new();
    let site = check_site(topology, catalog, &mut problems);
    let (mut keys, mut hosts) = (Vec::new(), Vec::new());
    let regions_known = check_known_regions(topology, options, &mut problems);
    if let Some(site) = site {
        keys = check_services(topology, catalog, site, &mut problems);
        hosts = check_hosts(topology, catalog, site, &mut problems);
        check_regions(topology, site, &mut problems);
        if regions_known {
            check_partitions(topology, site, options, &mut problems);
        }
    }
    check_tags(topology, &mut problems);
    check_cidrs(topology, &mut problems);
    check_kind_shape(topology, &mut problems);
    check_accounts(topology, &mut problems);
    check_ids_listed_once(topology, &mut problems);
    check_hard_limits(topology, &mut problems);

    match site {
        Some(site) if problems.is_empty() => {
            let mut services: Vec<&EndpointService> = Vec::new();
            for svc in &site.endpoint_services {
                let selected = svc.keys.iter().any(|k| keys.contains(k))
                    || hosts.iter().any(|h| std::ptr::eq(h.matched.service, svc));
                if selected && !services.iter().any(|s| s.service == svc.service) {
                    services.push(svc);
                }
            }
            Ok(Validated {
                topology,
                catalog,
                site,
                services,
                keys,
                hosts,
            })
        }
        _ => Err(Error::Invalid {
            source_name: source_name.to_string(),
            problems,
        }),
    }
}

fn check_site<'a>(
    t: &Topology,
    catalog: &'a Catalog,
    problems: &mut Vec<Problem>,
) -> Option<&'a Site> {
    match catalog.find_site(&t.site) {
        Some(site) if site.privatelink => Some(site),
        Some(site) => {
            problems.push(Problem::new(
                "site",
                format!(
                    "{:?} ({}) does not offer AWS PrivateLink; supported sites: {}",
                    t.site,
                    site.domain,
                    catalog.supported_sites()
                ),
            ));
            None
        }
        None => {
            problems.push(Problem::new(
                "site",
                format!(
                    "unknown site {:?}; supported sites: {}",
                    t.site,
                    catalog.supported_sites()
                ),
            ));
            None
        }
    }
}

/// Returns the selected keys in the site's catalog order. `all` selects the default keys; no
/// list selects them too, unless the topology lists `hosts` (then only what those need).
fn check_services(
    t: &Topology,
    catalog: &Catalog,
    site: &Site,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    let site_keys = catalog.site_keys(site);
    let Some(listed) = &t.services else {
        if !t.hosts.is_empty() {
            return Vec::new();
        }
        return site_keys
            .into_iter()
            .filter(|k| catalog.keys.contains(k))
            .collect();
    };
    let all = listed.iter().any(|k| k == "all");
    for (i, key) in listed.iter().enumerate() {
        if key == "all" || site_keys.contains(key) {
            continue;
        }
        let what = if catalog.all_keys().contains(&key.as_str()) {
            format!("service {key:?} is not offered on site {}", site.id)
        } else {
            format!("unknown service {key:?}")
        };
        problems.push(Problem::new(
            format!("services[{i}]"),
            format!(
                "{what}; known on site {} ({}): {}, or all",
                site.id,
                site.domain,
                site_keys.join(", ")
            ),
        ));
    }
    site_keys
        .into_iter()
        .filter(|k| listed.contains(k) || (all && catalog.keys.contains(k)))
        .collect()
}

/// Resolves each of the topology's hosts on the site; a host no row serves is a problem with
/// the nearest rows (and the site that serves it, if another one does).
fn check_hosts<'a>(
    t: &Topology,
    catalog: &'a Catalog,
    site: &'a Site,
    problems: &mut Vec<Problem>,
) -> Vec<HostChoice<'a>> {
    let mut chosen = Vec::new();
    for (i, listed) in t.hosts.iter().enumerate() {
        let host = normalize_host(listed);
        // The same name in other letters (`OTLP.datadoghq.com`) is listed once.
        if chosen.iter().any(|c: &HostChoice<'_>| c.host == host) {
            continue;
        }
        match catalog.serving(site, &host) {
            Ok(matched) => chosen.push(HostChoice { host, matched }),
            Err(miss) => {
                let elsewhere = match (miss.other_site, catalog.site_of_host(&host)) {
                    (_, Some((other, m))) => format!(
                        "; site {} serves it ({}), not this topology's site",
                        other.id, m.service.id
                    ),
                    (Some(other), None) if !other.privatelink => format!(
                        "; it is a host of site {} ({}), which does not offer AWS PrivateLink",
                        other.id, other.domain
                    ),
                    _ => String::new(),
                };
                problems.push(Problem::new(
                    format!("hosts[{i}]"),
                    format!(
                        "no row of site {} ({}) serves {host:?}{elsewhere}; nearest rows: {} (ddpl-gen services --site {} lists every host)",
                        site.id,
                        site.domain,
                        miss.nearest.join(", "),
                        site.id
                    ),
                ));
            }
        }
    }
    chosen
}

fn check_regions(t: &Topology, site: &Site, problems: &mut Vec<Problem>) {
    let site_region = site.region.as_deref().unwrap_or_default();
    let region = &t.endpoint_vpc.region;
    match t.kind {
        Kind::SameRegion | Kind::Peering | Kind::TransitGateway if region != site_region => {
            let other = if t.kind == Kind::SameRegion {
                "; from another region use kind cross-region (or peering)"
            } else {
                ""
            };
            problems.push(Problem::new(
                "endpoint_vpc.region",
                format!(
                    "{region:?}: with kind {} the endpoint VPC must be in the site's region {site_region:?} ({}){other}",
                    t.kind.as_str(),
                    site.id
                ),
            ));
        }
        Kind::CrossRegion if region == site_region => problems.push(Problem::new(
            "endpoint_vpc.region",
            format!(
                "{region:?} is the site's own region; cross-region needs another region, or use kind same-region"
            ),
        )),
        _ => {}
    }
}

/// Every VPC region's field and name: the endpoint VPC's, then each agent VPC's.
fn vpc_regions(t: &Topology) -> Vec<(String, &str)> {
    std::iter::once((
        "endpoint_vpc.region".to_string(),
        t.endpoint_vpc.region.as_str(),
    ))
    .chain(
        t.agent_vpcs
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("agent_vpcs[{i}].region"), a.region.as_str())),
    )
    .collect()
}

/// The partition of a region: listed, or allowed by name and placed by its shape.
fn partition_of<'r>(regions: &'r Regions, region: &str, options: &Options) -> Option<&'r str> {
    regions.partition_of(region).or_else(|| {
        options
            .allowed_regions
            .iter()
            .any(|r| r == region)
            .then(|| regions.partition_by_shape(region))
            .flatten()
    })
}

/// Every region is one AWS has (a typo is an error with the nearest names); true when all are.
fn check_known_regions(t: &Topology, options: &Options, problems: &mut Vec<Problem>) -> bool {
    let regions = Regions::embedded();
    let mut known = true;
    for (path, region) in vpc_regions(t) {
        if partition_of(regions, region, options).is_some() {
            continue;
        }
        known = false;
        problems.push(Problem::new(
            path,
            format!(
                "{region:?} is not an AWS region ddpl-gen knows ({} regions, from {} of {}); nearest: {}. A region opened since can be allowed by name (ddpl-gen --allow-region {region})",
                regions.count(),
                regions.source,
                regions.date,
                regions.nearest(region, 3).join(", ")
            ),
        ));
    }
    known
}

/// VPC peering and cross-region PrivateLink stay inside one AWS partition: every VPC is in the
/// partition of the site's region.
fn check_partitions(t: &Topology, site: &Site, options: &Options, problems: &mut Vec<Problem>) {
    let regions = Regions::embedded();
    let site_region = site.region.as_deref().unwrap_or_default();
    let Some(site_partition) = regions.partition_of(site_region) else {
        return;
    };
    for (path, region) in vpc_regions(t) {
        match partition_of(regions, region, options) {
            Some(partition) if partition != site_partition => problems.push(Problem::new(
                path,
                format!(
                    "{region:?} is in the AWS partition {partition}, the site {} ({site_region}) in {site_partition}; PrivateLink and VPC peering stay inside one partition",
                    site.id
                ),
            )),
            _ => {}
        }
    }
}

/// A route table or subnet belongs to one VPC: an id listed twice is a mistake AWS would
/// refuse (or, for route tables, that would route a VPC's own CIDR).
fn check_ids_listed_once(t: &Topology, problems: &mut Vec<Problem>) {
    let e = &t.endpoint_vpc;
    let lists = |field: &str| -> Vec<(String, &[String])> {
        let endpoint: &[String] = if field == "subnet_ids" {
            &e.subnet_ids
        } else {
            &e.route_table_ids
        };
        std::iter::once((format!("endpoint_vpc.{field}"), endpoint))
            .chain(t.agent_vpcs.iter().enumerate().map(|(i, a)| {
                let ids: &[String] = if field == "subnet_ids" {
                    &a.subnet_ids
                } else {
                    &a.route_table_ids
                };
                (format!("agent_vpcs[{i}].{field}"), ids)
            }))
            .collect()
    };
    for (field, what) in [("route_table_ids", "route table"), ("subnet_ids", "subnet")] {
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (path, ids) in lists(field) {
            for (j, id) in ids.iter().enumerate() {
                let here = format!("{path}[{j}]");
                match seen.get(id.as_str()) {
                    Some(first) => problems.push(Problem::new(
                        here,
                        format!(
                            "{id:?} is also {first}; a {what} belongs to one VPC, list it once"
                        ),
                    )),
                    None => {
                        seen.insert(id, here);
                    }
                }
            }
        }
    }
}

/// `endpoint-2`, `endpoint-3`, ...: the names of the endpoint VPC's second and later security
/// groups in generated code.
fn is_endpoint_group_name(name: &str) -> bool {
    name.strip_prefix("endpoint-")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// What AWS refuses whatever the account's quotas.
fn check_hard_limits(t: &Topology, problems: &mut Vec<Problem>) {
    let reach = Connectivity::of(t.kind).reach;
    let agents = t.agent_vpcs.len();
    if reach == ReachChoice::Peering && agents > MAX_PEERINGS_PER_VPC {
        problems.push(Problem::new(
            "agent_vpcs",
            format!(
                "{agents} agent VPCs need {agents} peering connections on the endpoint VPC; AWS allows at most {MAX_PEERINGS_PER_VPC} active VPC peering connections per VPC (a hard limit, {LIMITS_SOURCE}): split the agent VPCs over several topologies (endpoint VPCs)"
            ),
        ));
    }
}

fn check_tags(t: &Topology, problems: &mut Vec<Problem>) {
    for key in t.tags.keys() {
        if key.to_ascii_lowercase().starts_with("aws:") {
            problems.push(Problem::new(
                format!("tags.{key}"),
                "tag keys may not start with \"aws:\" (reserved by AWS)",
            ));
        } else if key == NAME_TAG {
            problems.push(Problem::new(
                format!("tags.{key}"),
                format!("{NAME_TAG:?} is set by ddpl-gen to the topology name; remove it"),
            ));
        }
    }
}

fn check_cidrs(t: &Topology, problems: &mut Vec<Problem>) {
    // Every VPC CIDR, named by its field, for the overlap check.
    let mut vpcs: Vec<(String, Cidr)> = Vec::new();
    let mut vpc_cidr =
        |path: String, text: &str, problems: &mut Vec<Problem>| match Cidr::parse(text) {
            Ok(c) if !(16..=28).contains(&c.len) => problems.push(Problem::new(
                path,
                format!("{text:?}: a VPC CIDR has a prefix length from /16 to /28"),
            )),
            Ok(c) => vpcs.push((path, c)),
            Err(e) => problems.push(Problem::new(
                path,
                format!("{e}; expected e.g. 10.0.0.0/16"),
            )),
        };
    vpc_cidr("endpoint_vpc.cidr".into(), &t.endpoint_vpc.cidr, problems);
    for (i, a) in t.agent_vpcs.iter().enumerate() {
        vpc_cidr(format!("agent_vpcs[{i}].cidr"), &a.cidr, problems);
    }
    for (i, text) in t.endpoint_vpc.allowed_cidrs.iter().enumerate() {
        let path = format!("endpoint_vpc.allowed_cidrs[{i}]");
        match Cidr::parse(text) {
            Ok(c) if c.len == 0 => problems.push(Problem::new(
                path,
                "0.0.0.0/0 would open the endpoints to every source; list the agents' CIDR blocks",
            )),
            Ok(_) => {}
            Err(e) => problems.push(Problem::new(
                path,
                format!("{e}; expected e.g. 10.9.0.0/16"),
            )),
        }
    }
    // Traffic between VPCs is routed: their CIDR blocks may not overlap.
    if Connectivity::of(t.kind).agents_elsewhere() {
        // One problem per VPC that overlaps an earlier one, naming the first of them.
        for (i, earlier) in overlapping_earlier(&vpcs).into_iter().enumerate() {
            let Some(&first) = earlier.first() else {
                continue;
            };
            let (pb, b) = &vpcs[i];
            let (pa, a) = &vpcs[first];
            let more = match earlier.len() - 1 {
                0 => String::new(),
                n => format!(" and {n} more VPC CIDR block(s)"),
            };
            problems.push(Problem::new(
                pb.clone(),
                format!(
                    "{b} overlaps {pa} ({a}){more}; {}",
                    if t.kind == Kind::TransitGateway {
                        "routes through a Transit Gateway cannot tell overlapping CIDR blocks apart"
                    } else {
                        "VPC peering cannot join overlapping CIDR blocks"
                    }
                ),
            ));
        }
    }
}

/// For each block, the indexes of the earlier blocks it overlaps, in order. CIDR blocks
/// overlap only by containment, so a sweep in address order with a stack of the blocks that
/// contain the current address finds every overlapping pair in O(n log n + pairs).
fn overlapping_earlier(vpcs: &[(String, Cidr)]) -> Vec<Vec<usize>> {
    let end = |c: &Cidr| u64::from(c.addr) + (1u64 << (32 - u32::from(c.len)));
    let mut order: Vec<usize> = (0..vpcs.len()).collect();
    // By start address; a containing block (shorter prefix) before the blocks it contains.
    order.sort_by_key(|&i| (vpcs[i].1.addr, vpcs[i].1.len, i));
    let mut earlier: Vec<Vec<usize>> = vec![Vec::new(); vpcs.len()];
    let mut open: Vec<usize> = Vec::new();
    for i in order {
        let start = u64::from(vpcs[i].1.addr);
        while open.last().is_some_and(|&o| end(&vpcs[o].1) <= start) {
            open.pop();
        }
        for &o in &open {
            let (a, b) = (o.min(i), o.max(i));
            earlier[b].push(a);
        }
        open.push(i);
    }
    for e in &mut earlier {
        e.sort_unstable();
    }
    earlier
}

/// The topology's shape for its kind: one arm per way agents reach the endpoints.
fn check_kind_shape(t: &Topology, problems: &mut Vec<Problem>) {
    check_security_group_sources(t, problems);
    match Connectivity::of(t.kind).reach {
        ReachChoice::InEndpointVpc => check_agents_in_endpoint_vpc(t, problems),
        ReachChoice::Peering => check_peering(t, problems),
        ReachChoice::TransitGateway => check_transit_gateway(t, problems),
    }
    if t.kind != Kind::TransitGateway {
        check_no_transit_gateway_fields(t, problems);
    }
}

fn check_security_group_sources(t: &Topology, problems: &mut Vec<Problem>) {
    let e = &t.endpoint_vpc;
    if !e.security_group_ids.is_empty() && !e.allowed_cidrs.is_empty() {
        problems.push(Problem::new(
            "endpoint_vpc.allowed_cidrs",
            "has no effect with security_group_ids (ddpl-gen creates no security group then); \
             add the rules to your groups and remove allowed_cidrs",
        ));
    }
}

/// Agents run in the endpoint VPC: no agent VPCs, no routes.
fn check_agents_in_endpoint_vpc(t: &Topology, problems: &mut Vec<Problem>) {
    if !t.agent_vpcs.is_empty() {
        problems.push(Problem::new(
            "agent_vpcs",
            format!(
                "only kinds peering and transit-gateway use agent_vpcs; with kind {} agents run in the endpoint VPC (remove agent_vpcs or use kind peering or transit-gateway)",
                t.kind.as_str()
            ),
        ));
    }
    if !t.endpoint_vpc.route_table_ids.is_empty() {
        problems.push(Problem::new(
            "endpoint_vpc.route_table_ids",
            format!(
                "only kinds peering and transit-gateway use route tables; remove it for kind {}",
                t.kind.as_str()
            ),
        ));
    }
}

/// Peering: agent VPCs, route tables on both sides, and agent VPCs that can be told apart.
fn check_peering(t: &Topology, problems: &mut Vec<Problem>) {
    check_agent_vpcs(t, problems);
}

/// What peering and transit-gateway share: agent VPCs, route tables on both sides, and agent
/// VPCs that can be told apart.
fn check_agent_vpcs(t: &Topology, problems: &mut Vec<Problem>) {
    let e = &t.endpoint_vpc;
    let kind = t.kind.as_str();
    if t.agent_vpcs.is_empty() {
        problems.push(Problem::new(
            "agent_vpcs",
            format!("kind {kind} needs at least one agent VPC (name, vpc_id, region, cidr, route_table_ids)"),
        ));
    }
    if e.route_table_ids.is_empty() {
        problems.push(Problem::new(
            "endpoint_vpc.route_table_ids",
            format!("required with kind {kind}: the route tables that get routes to the agent VPCs (e.g. [rtb-0123456789abcdef0])"),
        ));
    }
    let mut seen = SeenAgents::new(t);
    for (i, a) in t.agent_vpcs.iter().enumerate() {
        seen.check(t, i, a, problems);
        if a.route_table_ids.is_empty() {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].route_table_ids"),
                format!("required with kind {kind}: the route tables that get a route to the endpoint VPC (e.g. [rtb-0aaaaaaaaaaaaaaaa])"),
            ));
        }
        if t.secrets_manager_endpoint && a.subnet_ids.is_empty() {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].subnet_ids"),
                "required with secrets_manager_endpoint: the subnets for the agent VPC's Secrets Manager endpoint",
            ));
        }
    }
}

/// transit-gateway: what peering asks, and every VPC's gateway known. The hub is named; an
/// agent VPC's gateway is named or, in the hub's region, defaults to the hub; any other
/// gateway is reached through a peering attachment the topology lists, once; a VPC without
/// an attachment has subnets to create one in.
fn check_transit_gateway(t: &Topology, problems: &mut Vec<Problem>) {
    check_agent_vpcs(t, problems);
    let e = &t.endpoint_vpc;
    let Some(hub) = e.transit_gateway_id.as_deref() else {
        problems.push(Problem::new(
            "endpoint_vpc.transit_gateway_id",
            "required with kind transit-gateway: the Transit Gateway the endpoint VPC is attached to (e.g. tgw-0123456789abcdef0)",
        ));
        return;
    };
    // Each gateway other than the hub, with the region of its first agent VPC.
    let mut regions: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut attachments: HashMap<&str, String> = HashMap::new();
    if let Some(id) = e.transit_gateway_attachment_id.as_deref() {
        attachments.insert(id, "endpoint_vpc.transit_gateway_attachment_id".into());
    }
    for (i, a) in t.agent_vpcs.iter().enumerate() {
        let path = format!("agent_vpcs[{i}]");
        if let Some(id) = a.transit_gateway_attachment_id.as_deref() {
            let here = format!("{path}.transit_gateway_attachment_id");
            match attachments.get(id) {
                Some(first) => problems.push(Problem::new(
                    here,
                    format!(
                        "{id:?} is also {first}; an attachment joins one VPC to a Transit Gateway"
                    ),
                )),
                None => {
                    attachments.insert(id, here);
                }
            }
        }
        let gateway = match a.transit_gateway_id.as_deref() {
            Some(gateway) => gateway,
            None if a.region == e.region => hub,
            None => {
                problems.push(Problem::new(
                    format!("{path}.transit_gateway_id"),
                    format!(
                        "required for an agent VPC outside the endpoint VPC's region {:?}: the Transit Gateway of {:?} that is peered with {hub} (list the peering in transit_gateway_peerings)",
                        e.region, a.region
                    ),
                ));
                continue;
            }
        };
        if gateway == hub && a.region != e.region {
            problems.push(Problem::new(
                format!("{path}.transit_gateway_id"),
                format!(
                    "{hub} is the endpoint VPC's Transit Gateway in {:?}; a Transit Gateway is regional, so a VPC in {:?} attaches to one of its own region (peered with {hub})",
                    e.region, a.region
                ),
            ));
        }
        if gateway != hub {
            match regions.get(gateway) {
                Some(&(region, first)) if region != a.region => problems.push(Problem::new(
                    format!("{path}.transit_gateway_id"),
                    format!(
                        "{gateway} is agent_vpcs[{first}]'s Transit Gateway in {region:?}; a Transit Gateway is regional, so it cannot serve a VPC in {:?}",
                        a.region
                    ),
                )),
                Some(_) => {}
                None => {
                    regions.insert(gateway, (&a.region, i));
                    if !t.transit_gateway_peerings.iter().any(|p| p.transit_gateway_id == gateway) {
                        problems.push(Problem::new(
                            format!("{path}.transit_gateway_id"),
                            format!(
                                "{gateway} is not the endpoint VPC's Transit Gateway ({hub}); list its peering attachment with {hub} in transit_gateway_peerings (transit_gateway_id: {gateway}, attachment_id: tgw-attach-...)"
                            ),
                        ));
                    }
                }
            }
        }
        if a.transit_gateway_attachment_id.is_none() && a.subnet_ids.is_empty() {
            problems.push(Problem::new(
                format!("{path}.subnet_ids"),
                "required without transit_gateway_attachment_id: the subnets (one per Availability Zone) to attach the agent VPC to its Transit Gateway in",
            ));
        }
    }
    check_transit_gateway_peerings(t, hub, &regions, problems);
}

/// Each peering attachment is listed once and serves an agent VPC's gateway.
fn check_transit_gateway_peerings(
    t: &Topology,
    hub: &str,
    used: &HashMap<&str, (&str, usize)>,
    problems: &mut Vec<Problem>,
) {
    let mut gateways: HashMap<&str, usize> = HashMap::new();
    let mut attachments: HashMap<&str, usize> = HashMap::new();
    let existing = [t.endpoint_vpc.transit_gateway_attachment_id.as_deref()]
        .into_iter()
        .chain(
            t.agent_vpcs
                .iter()
                .map(|a| a.transit_gateway_attachment_id.as_deref()),
        )
        .flatten()
        .collect::<HashSet<_>>();
    for (i, p) in t.transit_gateway_peerings.iter().enumerate() {
        let path = format!("transit_gateway_peerings[{i}]");
        if p.transit_gateway_id == hub {
            problems.push(Problem::new(
                format!("{path}.transit_gateway_id"),
                format!("{hub} is the endpoint VPC's own Transit Gateway; name the agent VPCs' gateway at the other end of the peering"),
            ));
        } else if let Some(first) = gateways.insert(&p.transit_gateway_id, i) {
            problems.push(Problem::new(
                format!("{path}.transit_gateway_id"),
                format!("{} is also transit_gateway_peerings[{first}]; list each Transit Gateway's peering once", p.transit_gateway_id),
            ));
        } else if !used.contains_key(p.transit_gateway_id.as_str()) {
            problems.push(Problem::new(
                format!("{path}.transit_gateway_id"),
                format!("no agent VPC names {}; remove the entry or set an agent VPC's transit_gateway_id", p.transit_gateway_id),
            ));
        }
        match p.attachment_id.as_deref() {
            Some(id) => {
                if let Some(first) = attachments.insert(id, i) {
                    problems.push(Problem::new(
                        format!("{path}.attachment_id"),
                        format!("{id} is also transit_gateway_peerings[{first}].attachment_id; a peering attachment joins two Transit Gateways"),
                    ));
                }
                if existing.contains(id) {
                    problems.push(Problem::new(
                        format!("{path}.attachment_id"),
                        format!("{id} is a VPC's transit_gateway_attachment_id; a peering attachment is another attachment"),
                    ));
                }
            }
            None => {
                check_peering_to_create(t, &path, used.get(p.transit_gateway_id.as_str()), problems)
            }
        }
    }
}

/// A peering ddpl-gen creates: the endpoint VPC's account requests it, that of the first agent
/// VPC on the other gateway accepts it, and AWS's request names the accepter's account.
fn check_peering_to_create(
    t: &Topology,
    path: &str,
    accepter: Option<&(&str, usize)>,
    problems: &mut Vec<Problem>,
) {
    let Some(&(_, agent)) = accepter else {
        return;
    };
    let needs = |field: String, problems: &mut Vec<Problem>| {
        problems.push(Problem::new(
            field,
            format!("required to create the Transit Gateway peering of {path} (AWS's request names the accepter's account); or give {path}.attachment_id, an existing peering attachment"),
        ));
    };
    if t.endpoint_vpc.account_id.is_none() {
        needs("endpoint_vpc.account_id".into(), problems);
    }
    if t.agent_vpcs[agent].account_id.is_none() {
        needs(format!("agent_vpcs[{agent}].account_id"), problems);
    }
}

/// The Transit Gateway fields belong to kind transit-gateway.
fn check_no_transit_gateway_fields(t: &Topology, problems: &mut Vec<Problem>) {
    let refuse = |path: String, problems: &mut Vec<Problem>| {
        problems.push(Problem::new(
            path,
            format!(
                "only kind transit-gateway uses Transit Gateways; remove it for kind {}",
                t.kind.as_str()
            ),
        ));
    };
    if !t.transit_gateway_peerings.is_empty() {
        refuse("transit_gateway_peerings".into(), problems);
    }
    let e = &t.endpoint_vpc;
    let sides = std::iter::once((
        "endpoint_vpc".to_string(),
        [
            &e.transit_gateway_id,
            &e.transit_gateway_attachment_id,
            &e.transit_gateway_route_table_id,
        ],
    ))
    .chain(t.agent_vpcs.iter().enumerate().map(|(i, a)| {
        (
            format!("agent_vpcs[{i}]"),
            [
                &a.transit_gateway_id,
                &a.transit_gateway_attachment_id,
                &a.transit_gateway_route_table_id,
            ],
        )
    }));
    let fields = [
        "transit_gateway_id",
        "transit_gateway_attachment_id",
        "transit_gateway_route_table_id",
    ];
    for (path, values) in sides {
        for (field, value) in fields.iter().zip(values) {
            if value.is_some() {
                refuse(format!("{path}.{field}"), problems);
            }
        }
    }
}

/// What the agent VPCs checked so far use: names (also as CloudFormation identifiers) must be
/// unique, none may be `endpoint`, and no VPC may be listed twice. Lookups by hash: up to 1000
/// agent VPCs, each compared with all the others.
struct SeenAgents<'t> {
    names: HashSet<&'t str>,
    logicals: HashMap<String, usize>,
    vpc_ids: HashMap<&'t str, String>,
}

impl<'t> SeenAgents<'t> {
    fn new(t: &'t Topology) -> Self {
        SeenAgents {
            names: HashSet::new(),
            logicals: HashMap::new(),
            vpc_ids: HashMap::from([(
                t.endpoint_vpc.vpc_id.as_str(),
                "endpoint_vpc.vpc_id".to_string(),
            )]),
        }
    }

    fn check(&mut self, t: &Topology, i: usize, a: &'t AgentVpc, problems: &mut Vec<Problem>) {
        if !self.names.insert(&a.name) {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].name"),
                format!(
                    "{:?} is used by another agent VPC; names must be unique",
                    a.name
                ),
            ));
        }
        // CloudFormation logical ids drop the hyphens (`app-1` and `app1` are both `App1`).
        let logical = pascal(&a.name);
        let j = *self.logicals.entry(logical.clone()).or_insert(i);
        if t.agent_vpcs[j].name != a.name {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].name"),
                format!(
                    "{:?} and agent_vpcs[{j}].name {:?} give the same identifier {logical:?} in CloudFormation (hyphens are dropped); rename one",
                    a.name, t.agent_vpcs[j].name
                ),
            ));
        }
        if a.name == "endpoint" {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].name"),
                "\"endpoint\" names the endpoint VPC in generated code; choose another name",
            ));
        } else if is_endpoint_group_name(&a.name) {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].name"),
                format!(
                    "{:?} names the endpoint VPC's extra security groups in generated code (endpoint-2, endpoint-3, ...); choose another name",
                    a.name
                ),
            ));
        }
        if let Some(other) = self.vpc_ids.get(a.vpc_id.as_str()) {
            problems.push(Problem::new(
                format!("agent_vpcs[{i}].vpc_id"),
                format!(
                    "{:?} is also {other}; a VPC cannot be peered with itself or twice",
                    a.vpc_id
                ),
            ));
        }
        self.vpc_ids
            .entry(&a.vpc_id)
            .or_insert_with(|| format!("agent_vpcs[{i}].vpc_id"));
    }
}

fn check_accounts(t: &Topology, problems: &mut Vec<Problem>) {
    let check_role = |path: &str,
                      account: &Option<String>,
                      role: &Option<String>,
                      problems: &mut Vec<Problem>| {
        if let (Some(account), Some(role)) = (account, role) {
            let role_account = role.split(':').nth(4).unwrap_or_default();
            if role_account != account {
                problems.push(Problem::new(
                    format!("{path}.role_arn"),
                    format!("{role:?} is in account {role_account}, but {path}.account_id is {account:?}; use a role in that account"),
                ));
            }
        }
    };
    let e = &t.endpoint_vpc;
    check_role("endpoint_vpc", &e.account_id, &e.role_arn, problems);
    for (i, a) in t.agent_vpcs.iter().enumerate() {
        let path = format!("agent_vpcs[{i}]");
        check_role(&path, &a.account_id, &a.role_arn, problems);
        if a.account_id.is_some() && e.account_id.is_none() {
            problems.push(Problem::new(
                "endpoint_vpc.account_id",
                format!("required when {path}.account_id is given, to tell whether the peering crosses accounts"),
            ));
        }
    }
}
