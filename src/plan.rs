//! The plan: every decision, once. A `Plan` is the resolved, format-neutral list of resources,
//! grouped by stack (one AWS account + region). Renderers iterate over it and decide nothing:
//! names, identifiers, tags, rules, which VPC gets what, and in which order, are fixed here.

use serde::Serialize;

use crate::topology::Kind;
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
    /// The user's tags plus `ddpl:name`, sorted by key.
    pub tags: Vec<Tag>,
    pub name_tag: Tag,
    /// The filter that finds what carries this topology's `ddpl:name` tag.
    pub name_filter: ApiFilter,
    /// Distinct (account, credentials, region); `stacks[0]` holds the endpoint VPC.
    pub stacks: Vec<StackPlan>,
    /// `vpcs[0]` is the endpoint VPC; agent VPCs (peering) follow in input order.
    pub vpcs: Vec<VpcPlan>,
    /// One per agent VPC (peering only).
    pub peerings: Vec<PeeringPlan>,
    /// One private hosted zone per private DNS name (peering only).
    pub zones: Vec<ZonePlan>,
    /// Peering: one per agent VPC (in `vpcs` order), for the association of every zone of
    /// `zones` with that VPC; `ident` and `logical` are the VPC's. Each zone's
    /// `associations` are these, named after the zone and the VPC.
    pub vpc_associations: Vec<ZoneAssociation>,
    /// The agent VPCs of `vpc_associations` that another account owns.
    pub cross_account_associations: Vec<ZoneAssociation>,
    /// Datadog service names the deploy path checks before relying on them.
    pub preflight: Vec<PreflightCheck>,
    /// The `ident` of every endpoint, of every security group ddpl-gen creates, in `vpcs` order
    /// (their count, and whether there is any, too).
    pub endpoint_idents: Vec<String>,
    pub security_group_idents: Vec<String>,
    /// Some VPC needs the DNS attributes (`vpcs[].needs_dns_attributes`).
    pub dns_attributes_needed: bool,
    /// Some peering is accepted in another stack than the one that requests it
    /// (`peerings[].remote_accepter`).
    pub remote_accepters: bool,
    /// Notes a reviewer must read (rendered as comments).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SitePlan {
    pub id: String,
    pub domain: String,
    pub region: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// A filter of an AWS `describe-*` call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApiFilter {
    pub name: String,
    pub values: Vec<String>,
}

/// One account + region (+ the credentials to reach it): a Terraform provider, a
/// CloudFormation stack, a set of `--region/--profile` flags.
#[derive(Debug, Clone, Serialize)]
pub struct StackPlan {
    pub index: usize,
    /// Stack name and file stem: `acme-prod-us-east-1`, `acme-prod-222222222222-eu-west-1`.
    pub id: String,
    /// Identifier form (Terraform provider alias): `us_east_1`, `a222222222222_eu_west_1`.
    pub ident: String,
    pub region: String,
    pub account_id: Option<String>,
    pub profile: Option<String>,
    pub role_arn: Option<String>,
    /// True for the stack of the endpoint VPC (owner of endpoints and zones).
    pub is_endpoint_stack: bool,
    /// The region and the profile (`""` when none): how the scripts' functions take a stack
    /// (their REGION PROFILE arguments).
    pub region_profile: [String; 2],
    /// The VPCs in this stack (indices into `vpcs`).
    pub vpcs: Vec<usize>,
    /// The peerings this stack requests, and those it accepts (indices into `peerings`).
    pub requested_peerings: Vec<usize>,
    pub accepted_peerings: Vec<usize>,
    /// It requests a peering of another account (which takes that account's role ARN).
    pub requests_cross_account: bool,
    /// It accepts a peering requested from another stack (which takes the connection's id).
    pub accepts_remote: bool,
    /// It accepts a peering of another account (with a role the requester assumes).
    pub accepts_cross_account: bool,
    /// It holds something other stacks or the user read back: endpoints, zones, requested
    /// peerings, roles that accept peerings.
    pub has_outputs: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct VpcPlan {
    pub index: usize,
    /// `endpoint` or the agent VPC's name.
    pub name: String,
    /// `endpoint` or `agent`.
    pub role: &'static str,
    /// snake_case identifier (Terraform names): `endpoint`, `eu_prod`.
    pub ident: String,
    /// PascalCase identifier (CloudFormation logical ids): `Endpoint`, `EuProd`.
    pub logical: String,
    pub stack: usize,
    pub vpc_id: String,
    pub region: String,
    pub cidr: String,
    pub account_id: Option<String>,
    /// The AWS CLI profile of the VPC's stack.
    pub profile: Option<String>,
    /// The stack's `region_profile`.
    pub region_profile: [String; 2],
    pub subnet_ids: Vec<String>,
    pub route_table_ids: Vec<String>,
    /// The security group ddpl-gen creates for this VPC's endpoints, if any.
    pub security_group: Option<SecurityGroupPlan>,
    /// Security groups the user gave instead (endpoint VPC only).
    pub existing_security_group_ids: Vec<String>,
    pub endpoints: Vec<EndpointPlan>,
    /// The VPC needs `enableDnsSupport` and `enableDnsHostnames` on (AWS refuses private DNS
    /// otherwise): a private hosted zone is associated with it (peering), or it holds an
    /// interface endpoint with private DNS enabled (same-region and cross-region endpoints, the
    /// Secrets Manager endpoints).
    pub needs_dns_attributes: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityGroupPlan {
    pub ident: String,
    pub logical: String,
    /// The group name (unique per VPC), also how the CLI script finds it again.
    pub name: String,
    pub description: String,
    pub ingress: Vec<IngressRule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IngressRule {
    pub ident: String,
    pub logical: String,
    pub protocol: &'static str,
    pub port: u16,
    pub cidr: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointPlan {
    /// Unique over the plan, snake_case: `orchid`, `logs_agent`, `eu_prod_secretsmanager`.
    pub ident: String,
    /// Unique over the plan, PascalCase: `Orchid`, `LogsAgent`, `EuProdSecretsmanager`.
    pub logical: String,
    /// The catalog id (`orchid`) or `secretsmanager`.
    pub service_id: String,
    /// Full service name: `com.amazonaws.vpce.us-east-1.vpce-svc-...`.
    pub service_name: String,
    /// The topology service keys this endpoint serves (empty for AWS services).
    pub keys: Vec<String>,
    /// Customer-facing hosts reached through it.
    pub hosts: Vec<String>,
    /// The service's private DNS name (the zone name when peering).
    pub private_dns_name: String,
    pub private_dns_enabled: bool,
    /// Set for cross-region PrivateLink: the site's region.
    pub service_region: Option<String>,
    /// True for Datadog services (checked by the preflight), false for AWS services.
    pub datadog: bool,
    pub source: String,
    pub source_date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZonePlan {
    pub ident: String,
    pub logical: String,
    /// Zone name = the endpoint service's private DNS name.
    pub name: String,
    /// The endpoint (in the endpoint VPC) the apex alias record points at.
    pub endpoint_ident: String,
    pub endpoint_logical: String,
    /// The topology service keys the endpoint serves.
    pub service_keys: Vec<String>,
    pub hosts: Vec<String>,
    /// Stable caller reference for `create-hosted-zone`.
    pub caller_reference: String,
    /// Associations beyond the endpoint VPC (which the zone is created with).
    pub associations: Vec<ZoneAssociation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ZoneAssociation {
    pub ident: String,
    pub logical: String,
    pub vpc: usize,
    pub vpc_id: String,
    pub vpc_region: String,
    /// The VPC's stack; the zone belongs to `stacks[0]`.
    pub stack: usize,
    /// Another account owns the VPC: authorize (zone owner), associate (VPC owner),
    /// then delete the authorization (zone owner).
    pub cross_account: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeeringPlan {
    pub ident: String,
    pub logical: String,
    /// The agent VPC this peering joins to the endpoint VPC.
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
    pub ident: String,
    pub logical: String,
    pub route_table_id: String,
    pub destination_cidr: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreflightCheck {
    pub service_name: String,
    /// The private DNS name the catalog gives the service.
    pub private_dns_name: String,
    /// Where the endpoint is created (the call's `--region`), with the stack's profile.
    pub region: String,
    pub profile: Option<String>,
    /// Cross-region: where the service lives.
    pub service_region: Option<String>,
    pub stack: usize,
    pub source_date: String,
}

/// snake_case identifier from a name (`eu-prod` -> `eu_prod`).
pub fn snake(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// PascalCase identifier from a name (`eu-prod` -> `EuProd`, `10.0.0.0/16` -> `10000016`).
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

struct VpcInput<'t> {
    name: String,
    role: &'static str,
    vpc_id: &'t str,
    region: &'t str,
    cidr: &'t str,
    account_id: Option<&'t str>,
    profile: Option<&'t str>,
    role_arn: Option<&'t str>,
    subnet_ids: &'t [String],
    route_table_ids: &'t [String],
}

/// A VPC's region and profile (`""` when none), as the scripts' functions take them.
fn region_profile(input: &VpcInput<'_>) -> [String; 2] {
    [
        input.region.to_string(),
        input.profile.unwrap_or_default().to_string(),
    ]
}

/// Builds the plan of a validated topology.
pub fn plan(v: &Validated<'_>) -> Plan {
    let t = v.topology;
    let site_region = v.site.region.clone().unwrap_or_default();
    let peering = t.kind == Kind::Peering;

    let mut tags: Vec<Tag> = t
        .tags
        .iter()
        .map(|(k, v)| Tag {
            key: k.clone(),
            value: v.clone(),
        })
        .collect();
    let name_tag = Tag {
        key: NAME_TAG.to_string(),
        value: t.name.clone(),
    };
    tags.push(name_tag.clone());
    tags.sort_by(|a, b| a.key.cmp(&b.key));

    // The VPCs in a fixed order: the endpoint VPC, then the agent VPCs as listed.
    let e = &t.endpoint_vpc;
    let mut inputs = vec![VpcInput {
        name: "endpoint".into(),
        role: "endpoint",
        vpc_id: &e.vpc_id,
        region: &e.region,
        cidr: &e.cidr,
        account_id: e.account_id.as_deref(),
        profile: e.profile.as_deref(),
        role_arn: e.role_arn.as_deref(),
        subnet_ids: &e.subnet_ids,
        route_table_ids: &e.route_table_ids,
    }];
    for a in &t.agent_vpcs {
        inputs.push(VpcInput {
            name: a.name.clone(),
            role: "agent",
            vpc_id: &a.vpc_id,
            region: &a.region,
            cidr: &a.cidr,
            account_id: a.account_id.as_deref(),
            profile: a.profile.as_deref(),
            role_arn: a.role_arn.as_deref(),
            subnet_ids: &a.subnet_ids,
            route_table_ids: &a.route_table_ids,
        });
    }

    // Stacks: first appearance order, keyed by account, credentials and region.
    let mut stacks: Vec<StackPlan> = Vec::new();
    let mut vpc_stack: Vec<usize> = Vec::new();
    for input in &inputs {
        let existing = stacks.iter().position(|s| {
            s.region == input.region
                && s.account_id.as_deref() == input.account_id
                && s.profile.as_deref() == input.profile
                && s.role_arn.as_deref() == input.role_arn
        });
        let index = existing.unwrap_or_else(|| {
            let index = stacks.len();
            let mut id = match input.account_id {
                Some(acct) => format!("{}-{acct}-{}", t.name, input.region),
                None => format!("{}-{}", t.name, input.region),
            };
            let mut ident = match input.account_id {
                Some(acct) => format!("a{acct}_{}", snake(input.region)),
                None => snake(input.region),
            };
            // Same account and region reached with other credentials: keep names unique.
            if stacks.iter().any(|s| s.id == id) {
                id = format!("{id}-{index}");
                ident = format!("{ident}_{index}");
            }
            stacks.push(StackPlan {
                index,
                id,
                ident,
                region: input.region.to_string(),
                account_id: input.account_id.map(str::to_string),
                profile: input.profile.map(str::to_string),
                role_arn: input.role_arn.map(str::to_string),
                is_endpoint_stack: index == 0,
                region_profile: region_profile(input),
                vpcs: Vec::new(),
                requested_peerings: Vec::new(),
                accepted_peerings: Vec::new(),
                requests_cross_account: false,
                accepts_remote: false,
                accepts_cross_account: false,
                has_outputs: false,
            });
            index
        });
        vpc_stack.push(index);
    }

    // Who may reach the endpoints: the endpoint VPC, the agent VPCs, then the extra CIDRs.
    let mut sources: Vec<(String, String)> = vec![(
        e.cidr.clone(),
        format!("HTTPS from the endpoint VPC {}", e.vpc_id),
    )];
    if peering {
        for a in &t.agent_vpcs {
            sources.push((
                a.cidr.clone(),
                format!("HTTPS from agent VPC {} ({})", a.name, a.vpc_id),
            ));
        }
    }
    for c in &e.allowed_cidrs {
        sources.push((c.clone(), "HTTPS from an allowed CIDR block".to_string()));
    }
    let mut seen = Vec::new();
    sources.retain(|(c, _)| {
        let new = !seen.contains(c);
        seen.push(c.clone());
        new
    });

    let mut vpcs: Vec<VpcPlan> = Vec::new();
    for (index, input) in inputs.iter().enumerate() {
        let is_endpoint = index == 0;
        let ident = snake(&input.name);
        let logical = pascal(&input.name);
        let mut endpoints = Vec::new();
        if is_endpoint {
            for svc in &v.services {
                endpoints.push(EndpointPlan {
                    ident: snake(&svc.id),
                    logical: pascal(&svc.id),
                    service_id: svc.id.clone(),
                    service_name: svc.service_name(&site_region),
                    keys: svc
                        .keys
                        .iter()
                        .filter(|k| v.keys.contains(k))
                        .cloned()
                        .collect(),
                    hosts: svc.hosts.clone(),
                    private_dns_name: svc.private_dns_name.clone(),
                    private_dns_enabled: !peering,
                    service_region: (t.kind == Kind::CrossRegion).then(|| site_region.clone()),
                    datadog: true,
                    source: v
                        .catalog
                        .sources
                        .get(&svc.source)
                        .cloned()
                        .unwrap_or_default(),
                    source_date: svc.date.clone(),
                });
            }
        }
        // Agents run in the endpoint VPC, except with peering where they run in agent VPCs.
        let agents_here = if peering { !is_endpoint } else { is_endpoint };
        if t.secrets_manager_endpoint && agents_here {
            let service_name = v
                .catalog
                .aws_service_name("secretsmanager", input.region)
                .unwrap_or_default();
            let (ident, logical) = if is_endpoint {
                ("secretsmanager".to_string(), "Secretsmanager".to_string())
            } else {
                (
                    format!("{ident}_secretsmanager"),
                    format!("{logical}Secretsmanager"),
                )
            };
            endpoints.push(EndpointPlan {
                ident,
                logical,
                service_id: "secretsmanager".into(),
                service_name,
                keys: Vec::new(),
                hosts: vec![format!("secretsmanager.{}.amazonaws.com", input.region)],
                private_dns_name: format!("secretsmanager.{}.amazonaws.com", input.region),
                private_dns_enabled: true,
                service_region: None,
                datadog: false,
                source: "AWS".into(),
                source_date: String::new(),
            });
        }
        let existing_security_group_ids = if is_endpoint {
            e.security_group_ids.clone()
        } else {
            Vec::new()
        };
        let security_group = if endpoints.is_empty() || !existing_security_group_ids.is_empty() {
            None
        } else {
            let rules: Vec<(String, String)> = if is_endpoint {
                sources.clone()
            } else {
                vec![(
                    input.cidr.to_string(),
                    format!("HTTPS from agent VPC {} ({})", input.name, input.vpc_id),
                )]
            };
            let (sg_name, description) = if is_endpoint {
                (
                    format!("{}-datadog-privatelink", t.name),
                    format!(
                        "Datadog PrivateLink endpoints of {}: TCP 443 from the agents",
                        t.name
                    ),
                )
            } else {
                (
                    format!("{}-{}-secretsmanager", t.name, input.name),
                    format!(
                        "Secrets Manager endpoint of {} in {}: TCP 443 from the VPC",
                        t.name, input.name
                    ),
                )
            };
            Some(SecurityGroupPlan {
                ident: ident.clone(),
                logical: logical.clone(),
                name: sg_name,
                description,
                ingress: rules
                    .into_iter()
                    .enumerate()
                    .map(|(n, (cidr, description))| IngressRule {
                        ident: format!("{ident}_https_{}", snake(&cidr)),
                        // Digits of CIDRs run together ambiguously; a position cannot.
                        logical: format!("{logical}HttpsIngress{}", n + 1),
                        protocol: "tcp",
                        port: 443,
                        cidr,
                        description,
                    })
                    .collect(),
            })
        };
        // A zone is associated with every VPC of a peering; elsewhere, private DNS needs them.
        let needs_dns_attributes = peering || endpoints.iter().any(|ep| ep.private_dns_enabled);
        vpcs.push(VpcPlan {
            index,
            name: input.name.clone(),
            role: input.role,
            ident,
            logical,
            stack: vpc_stack[index],
            vpc_id: input.vpc_id.to_string(),
            region: input.region.to_string(),
            cidr: input.cidr.to_string(),
            account_id: input.account_id.map(str::to_string),
            profile: input.profile.map(str::to_string),
            region_profile: region_profile(input),
            subnet_ids: input.subnet_ids.to_vec(),
            route_table_ids: input.route_table_ids.to_vec(),
            security_group,
            existing_security_group_ids,
            endpoints,
            needs_dns_attributes,
        });
    }

    let mut peerings = Vec::new();
    let mut zones = Vec::new();
    let mut vpc_associations = Vec::new();
    if peering {
        let endpoint_account = e.account_id.as_deref();
        for vpc in vpcs.iter().skip(1) {
            let cross_account = matches!((endpoint_account, vpc.account_id.as_deref()), (Some(a), Some(b)) if a != b);
            let cross_region = vpc.region != e.region;
            let route = |side: &str, rtb: &String, dest: &str| RoutePlan {
                ident: format!("{}_{side}_{}", vpc.ident, snake(rtb)),
                logical: format!("{}{}{}", vpc.logical, pascal(side), pascal(rtb)),
                route_table_id: rtb.clone(),
                destination_cidr: dest.to_string(),
            };
            peerings.push(PeeringPlan {
                ident: vpc.ident.clone(),
                logical: vpc.logical.clone(),
                agent_vpc: vpc.index,
                requester_stack: 0,
                accepter_stack: vpc.stack,
                requester_vpc_id: e.vpc_id.clone(),
                accepter_vpc_id: vpc.vpc_id.clone(),
                requester_cidr: e.cidr.clone(),
                accepter_cidr: vpc.cidr.clone(),
                peer_region: cross_region.then(|| vpc.region.clone()),
                peer_owner_id: if cross_account {
                    vpc.account_id.clone()
                } else {
                    None
                },
                cross_region,
                cross_account,
                remote_accepter: vpc.stack != 0,
                requester_routes: e
                    .route_table_ids
                    .iter()
                    .map(|r| route("to_agent", r, &vpc.cidr))
                    .collect(),
                accepter_routes: vpc
                    .route_table_ids
                    .iter()
                    .map(|r| route("to_endpoint", r, &e.cidr))
                    .collect(),
            });
        }
        // Every zone is associated with every agent VPC.
        vpc_associations = vpcs
            .iter()
            .skip(1)
            .map(|vpc| ZoneAssociation {
                ident: vpc.ident.clone(),
                logical: vpc.logical.clone(),
                vpc: vpc.index,
                vpc_id: vpc.vpc_id.clone(),
                vpc_region: vpc.region.clone(),
                stack: vpc.stack,
                cross_account: matches!((endpoint_account, vpc.account_id.as_deref()), (Some(a), Some(b)) if a != b),
            })
            .collect();
        for endpoint in &vpcs[0].endpoints {
            if !endpoint.datadog {
                continue;
            }
            let associations = vpc_associations
                .iter()
                .map(|a| ZoneAssociation {
                    ident: format!("{}_{}", endpoint.ident, a.ident),
                    logical: format!("{}{}", endpoint.logical, a.logical),
                    ..a.clone()
                })
                .collect();
            zones.push(ZonePlan {
                ident: endpoint.ident.clone(),
                logical: endpoint.logical.clone(),
                name: endpoint.private_dns_name.clone(),
                endpoint_ident: endpoint.ident.clone(),
                endpoint_logical: endpoint.logical.clone(),
                service_keys: endpoint.keys.clone(),
                hosts: endpoint.hosts.clone(),
                caller_reference: format!("ddpl-{}-{}", t.name, endpoint.service_id),
                associations,
            });
        }
    }

    let preflight = vpcs[0]
        .endpoints
        .iter()
        .filter(|ep| ep.datadog)
        .map(|ep| PreflightCheck {
            service_name: ep.service_name.clone(),
            private_dns_name: ep.private_dns_name.clone(),
            region: e.region.clone(),
            profile: e.profile.clone(),
            service_region: ep.service_region.clone(),
            stack: 0,
            source_date: ep.source_date.clone(),
        })
        .collect();

    for vpc in &vpcs {
        let stack = &mut stacks[vpc.stack];
        stack.vpcs.push(vpc.index);
        stack.has_outputs |= !vpc.endpoints.is_empty();
    }
    for (index, p) in peerings.iter().enumerate() {
        let requester = &mut stacks[p.requester_stack];
        requester.requested_peerings.push(index);
        requester.requests_cross_account |= p.cross_account;
        requester.has_outputs = true;
        let accepter = &mut stacks[p.accepter_stack];
        accepter.accepted_peerings.push(index);
        accepter.accepts_remote |= p.remote_accepter;
        // Another account is always another stack: such an acceptance is remote.
        accepter.accepts_cross_account |= p.cross_account;
        accepter.has_outputs |= p.cross_account;
    }
    if !zones.is_empty() {
        stacks[0].has_outputs = true;
    }

    let cross_account_associations = vpc_associations
        .iter()
        .filter(|a| a.cross_account)
        .cloned()
        .collect();
    let remote_accepters = peerings.iter().any(|p| p.remote_accepter);
    let endpoint_idents: Vec<String> = vpcs
        .iter()
        .flat_map(|vpc| vpc.endpoints.iter().map(|ep| ep.ident.clone()))
        .collect();
    let security_group_idents = vpcs
        .iter()
        .filter_map(|vpc| vpc.security_group.as_ref().map(|sg| sg.ident.clone()))
        .collect();
    let dns_attributes_needed = vpcs.iter().any(|vpc| vpc.needs_dns_attributes);
    let name_filter = ApiFilter {
        name: format!("tag:{}", name_tag.key),
        values: vec![name_tag.value.clone()],
    };

    let mut warnings = Vec::new();
    if t.kind == Kind::CrossRegion {
        warnings.push("Cross-region PrivateLink endpoints emit no CloudWatch metrics.".to_string());
    }
    if v.keys.iter().any(|k| k == "logs-agent") {
        warnings.push(
            "Agents older than 6.19 / 7.19 need logs_config.force_use_http: true to send logs over PrivateLink."
                .to_string(),
        );
    }

    Plan {
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
        tags,
        name_tag,
        name_filter,
        stacks,
        vpcs,
        peerings,
        zones,
        vpc_associations,
        cross_account_associations,
        preflight,
        endpoint_idents,
        security_group_idents,
        dns_attributes_needed,
        remote_accepters,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake("eu-prod"), "eu_prod");
        assert_eq!(pascal("eu-prod"), "EuProd");
        assert_eq!(pascal("10.0.0.0/16"), "1000016");
        assert_eq!(pascal("rtb-0abc"), "Rtb0abc");
    }

    fn plan_of(text: &str) -> Plan {
        crate::plan_from_text(text, "test.yaml", &crate::Catalog::embedded()).expect("valid")
    }

    /// The summaries the templates read instead of searching agree with the lists they sum up.
    #[test]
    fn summaries_agree_with_the_lists() {
        for text in [
            include_str!("../examples/peering.yaml"),
            include_str!("../examples/same-region.yaml"),
            include_str!("../examples/cross-region.yaml"),
            include_str!("../golden/ap2-peering-cross-account/topology.yaml"),
            include_str!("../golden/us1-peering-secrets-manager/topology.yaml"),
            include_str!("../golden/ap1-same-region-existing-sg/topology.yaml"),
        ] {
            let plan = plan_of(text);
            let endpoints: Vec<&EndpointPlan> =
                plan.vpcs.iter().flat_map(|v| &v.endpoints).collect();
            assert_eq!(
                plan.endpoint_idents,
                endpoints
                    .iter()
                    .map(|e| e.ident.clone())
                    .collect::<Vec<_>>()
            );
            assert_eq!(
                plan.security_group_idents,
                plan.vpcs
                    .iter()
                    .filter_map(|v| v.security_group.as_ref().map(|sg| sg.ident.clone()))
                    .collect::<Vec<_>>()
            );
            assert_eq!(
                plan.dns_attributes_needed,
                plan.vpcs.iter().any(|v| v.needs_dns_attributes)
            );
            assert_eq!(
                plan.remote_accepters,
                plan.peerings
                    .iter()
                    .any(|p| p.accepter_stack != p.requester_stack)
            );
            assert_eq!(plan.name_filter.name, format!("tag:{}", plan.name_tag.key));
            assert_eq!(plan.name_filter.values, vec![plan.name_tag.value.clone()]);
            let across: Vec<usize> = plan
                .cross_account_associations
                .iter()
                .map(|a| a.vpc)
                .collect();
            for zone in &plan.zones {
                // Every zone is associated with the same VPCs (templates rely on it).
                let vpcs = |list: &[ZoneAssociation]| -> Vec<(usize, bool, usize)> {
                    list.iter()
                        .map(|a| (a.vpc, a.cross_account, a.stack))
                        .collect()
                };
                assert_eq!(vpcs(&zone.associations), vpcs(&plan.vpc_associations));
                let zone_across: Vec<usize> = zone
                    .associations
                    .iter()
                    .filter(|a| a.cross_account)
                    .map(|a| a.vpc)
                    .collect();
                assert_eq!(zone_across, across);
            }
            for check in &plan.preflight {
                let ep = endpoints
                    .iter()
                    .find(|e| e.service_name == check.service_name)
                    .expect("a checked endpoint");
                assert_eq!(check.private_dns_name, ep.private_dns_name);
                assert_eq!(check.profile, plan.stacks[check.stack].profile);
            }
            for vpc in &plan.vpcs {
                let stack = &plan.stacks[vpc.stack];
                assert_eq!(vpc.profile, stack.profile);
                assert_eq!(vpc.region_profile, stack.region_profile);
                assert_eq!(
                    stack.region_profile,
                    [
                        stack.region.clone(),
                        stack.profile.clone().unwrap_or_default()
                    ]
                );
            }
            // The endpoint stack requests every peering: main.tf.j2 uses its provider.
            assert!(plan.peerings.iter().all(|p| p.requester_stack == 0));
            for stack in &plan.stacks {
                let here = |f: &dyn Fn(&PeeringPlan) -> bool| -> Vec<usize> {
                    (0..plan.peerings.len())
                        .filter(|&i| f(&plan.peerings[i]))
                        .collect()
                };
                assert_eq!(
                    stack.vpcs,
                    plan.vpcs
                        .iter()
                        .filter(|v| v.stack == stack.index)
                        .map(|v| v.index)
                        .collect::<Vec<_>>()
                );
                assert_eq!(
                    stack.requested_peerings,
                    here(&|p| p.requester_stack == stack.index)
                );
                assert_eq!(
                    stack.accepted_peerings,
                    here(&|p| p.accepter_stack == stack.index)
                );
                let accepted = stack.accepted_peerings.iter().map(|&i| &plan.peerings[i]);
                assert_eq!(
                    stack.accepts_remote,
                    accepted.clone().any(|p| p.requester_stack != stack.index)
                );
                // Another account is another stack: every cross-account acceptance is remote.
                assert!(
                    accepted
                        .clone()
                        .all(|p| !p.cross_account || p.remote_accepter)
                );
                assert_eq!(
                    stack.accepts_cross_account,
                    accepted.clone().any(|p| p.cross_account)
                );
            }
        }
    }
}
