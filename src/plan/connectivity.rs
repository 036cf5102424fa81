//! The three choices a topology's `kind` stands for, kept apart so that a new kind (a new way
//! for agents to reach the endpoints) is a new variant rather than a new flag read everywhere:
//!
//! - where the endpoints sit ([`Placement`]): in the site's region, or in another region with
//!   the site's region as their service region (cross-region PrivateLink);
//! - how agents reach them ([`ReachChoice`]): from inside the endpoint VPC, from agent VPCs
//!   peered with it, or from agent VPCs attached to Transit Gateways;
//! - how Datadog's names resolve to them ([`ResolutionChoice`]): the endpoints' own private DNS,
//!   or private hosted zones associated with every VPC that has agents.

use serde::Serialize;

use crate::topology::Kind;

/// Where the interface endpoints sit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Placement {
    /// In the site's region.
    SiteRegion,
    /// In another region, reaching the site's region through cross-region PrivateLink.
    CrossRegion { service_region: String },
}

impl Placement {
    /// The service region an endpoint names, when it is not its own.
    pub fn service_region(&self) -> Option<&str> {
        match self {
            Placement::SiteRegion => None,
            Placement::CrossRegion { service_region } => Some(service_region),
        }
    }
}

/// How agents reach the endpoints (the plan's [`crate::plan::Reach`] holds what it creates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachChoice {
    /// Agents run in the endpoint VPC.
    InEndpointVpc,
    /// Agents run in agent VPCs, each peered with the endpoint VPC.
    Peering,
    /// Agents run in agent VPCs attached to Transit Gateways: the endpoint VPC's, or one
    /// peered with it.
    TransitGateway,
}

/// How Datadog's host names resolve to the endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolutionChoice {
    /// Each endpoint's private DNS (only inside the endpoint VPC).
    EndpointPrivateDns,
    /// A private hosted zone per endpoint service, associated with every VPC that has agents.
    PrivateHostedZones,
}

/// The choices of one topology.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connectivity {
    pub cross_region: bool,
    pub reach: ReachChoice,
    pub resolution: ResolutionChoice,
}

impl Connectivity {
    /// What the user-facing `kind` stands for.
    pub fn of(kind: Kind) -> Connectivity {
        let (cross_region, reach, resolution) = match kind {
            Kind::SameRegion => (
                false,
                ReachChoice::InEndpointVpc,
                ResolutionChoice::EndpointPrivateDns,
            ),
            Kind::CrossRegion => (
                true,
                ReachChoice::InEndpointVpc,
                ResolutionChoice::EndpointPrivateDns,
            ),
            Kind::Peering => (
                false,
                ReachChoice::Peering,
                ResolutionChoice::PrivateHostedZones,
            ),
            Kind::TransitGateway => (
                false,
                ReachChoice::TransitGateway,
                ResolutionChoice::PrivateHostedZones,
            ),
        };
        Connectivity {
            cross_region,
            reach,
            resolution,
        }
    }

    /// Where the endpoints sit, given the site's region.
    pub fn placement(self, site_region: &str) -> Placement {
        if self.cross_region {
            Placement::CrossRegion {
                service_region: site_region.to_string(),
            }
        } else {
            Placement::SiteRegion
        }
    }

    /// Agents run in VPCs of their own (not the endpoint VPC).
    pub fn agents_elsewhere(self) -> bool {
        self.reach != ReachChoice::InEndpointVpc
    }
}
