//! The service catalog (`catalog/catalog.yaml`): sites, regions, PrivateLink service names and
//! private DNS names, each with its source and date. Data, not code: embedded at build time,
//! replaceable at run time with `--catalog FILE`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::{Error, Problem};

/// The catalog shipped inside the binary.
pub const EMBEDDED: &str = include_str!("../catalog/catalog.yaml");
/// `EMBEDDED` converted to JSON at build time (build.rs).
const EMBEDDED_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.json"));

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub catalog_version: u32,
    /// When the catalog was last checked against its sources (YYYY-MM-DD).
    pub date: String,
    /// Source key -> description of the document an entry was taken from.
    pub sources: BTreeMap<String, String>,
    /// The service keys a topology may name, in the guide's order.
    pub keys: Vec<String>,
    /// AWS-owned services (`{region}` is substituted), e.g. Secrets Manager.
    pub aws_services: BTreeMap<String, String>,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub id: String,
    pub domain: String,
    #[serde(default)]
    pub region: Option<String>,
    pub privatelink: bool,
    #[serde(default)]
    pub endpoint_services: Vec<EndpointService>,
    #[serde(default)]
    pub superseded: Vec<Superseded>,
}

/// One Datadog PrivateLink endpoint service (an anchor, a color, or a direct host).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointService {
    /// Short name used to name the endpoint in generated code (`orchid`, `metrics`).
    pub id: String,
    /// `vpce-svc-...`, without the `com.amazonaws.vpce.<region>.` prefix.
    pub service: String,
    /// The endpoint service's private DNS name: the zone to create when peering.
    pub private_dns_name: String,
    /// The topology service keys this service serves (empty: listed for reference only).
    pub keys: Vec<String>,
    /// Customer-facing hosts covered (may contain `*.` wildcards).
    pub hosts: Vec<String>,
    pub source: String,
    pub date: String,
}

/// A name an older source gave for a key, kept so that nobody re-adds it by mistake.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    pub key: String,
    pub service: String,
    pub private_dns_name: String,
    pub source: String,
    pub replaced_by: String,
}

impl EndpointService {
    /// The full PrivateLink service name in the site's region.
    pub fn service_name(&self, region: &str) -> String {
        format!("com.amazonaws.vpce.{region}.{}", self.service)
    }
}

impl Catalog {
    /// The catalog compiled into the binary.
    pub fn embedded() -> Catalog {
        // The embedded catalog is checked against its schema by the tests (see below), so a
        // run skips that check (and compiling the catalog schema) at start-up. It is read from
        // the JSON that build.rs makes of `EMBEDDED`, which parses several times faster.
        let catalog: Catalog =
            serde_json::from_str(EMBEDDED_JSON).expect("embedded catalog is valid JSON");
        debug_assert!(catalog.consistency_problems().is_empty());
        catalog
    }

    /// Reads a catalog from YAML or JSON text and checks its internal consistency.
    pub fn parse(text: &str, source_name: &str) -> Result<Catalog, Error> {
        let catalog_error = |problems| Error::Catalog {
            source_name: source_name.to_string(),
            problems,
        };
        let value: serde_json::Value =
            crate::topology::parse_document(text).map_err(|p| catalog_error(vec![p]))?;
        let problems = crate::schema::check_catalog(&value);
        if !problems.is_empty() {
            return Err(catalog_error(problems));
        }
        let catalog: Catalog = serde_json::from_value(value)
            .map_err(|e| catalog_error(vec![Problem::new("", e.to_string())]))?;
        let problems = catalog.consistency_problems();
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(catalog_error(problems))
        }
    }

    fn consistency_problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (i, site) in self.sites.iter().enumerate() {
            if site.privatelink && site.region.is_none() {
                problems.push(Problem::new(
                    format!("sites[{i}].region"),
                    format!(
                        "site {:?} offers PrivateLink, so it needs a region",
                        site.id
                    ),
                ));
            }
            for (j, svc) in site.endpoint_services.iter().enumerate() {
                if !svc.service.starts_with("vpce-svc-") {
                    problems.push(Problem::new(
                        format!("sites[{i}].endpoint_services[{j}].service"),
                        format!("{:?} is not a vpce-svc-... id", svc.service),
                    ));
                }
                if !self.sources.contains_key(&svc.source) {
                    problems.push(Problem::new(
                        format!("sites[{i}].endpoint_services[{j}].source"),
                        format!(
                            "unknown source {:?}; known: {}",
                            svc.source,
                            join(self.sources.keys())
                        ),
                    ));
                }
                for key in &svc.keys {
                    if !self.keys.contains(key) {
                        problems.push(Problem::new(
                            format!("sites[{i}].endpoint_services[{j}].keys"),
                            format!("unknown key {key:?}; known: {}", self.keys.join(", ")),
                        ));
                    }
                }
            }
            if site.privatelink {
                for key in &self.keys {
                    let serving = site
                        .endpoint_services
                        .iter()
                        .filter(|s| s.keys.contains(key))
                        .count();
                    if serving != 1 {
                        problems.push(Problem::new(
                            format!("sites[{i}].endpoint_services"),
                            format!(
                                "key {key:?} must be served by exactly one endpoint service of site {:?}, found {serving}",
                                site.id
                            ),
                        ));
                    }
                }
            }
        }
        problems
    }

    /// Finds a site by id (`us1`) or domain (`datadoghq.com`), PrivateLink or not.
    pub fn find_site(&self, name: &str) -> Option<&Site> {
        let name = name.trim().to_ascii_lowercase();
        self.sites
            .iter()
            .find(|s| s.id == name || s.domain == name || format!("app.{}", s.domain) == name)
    }

    /// The sites that offer PrivateLink, as `us1 (datadoghq.com)` for messages.
    pub fn supported_sites(&self) -> String {
        self.sites
            .iter()
            .filter(|s| s.privatelink)
            .map(|s| format!("{} ({})", s.id, s.domain))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The AWS service name for `key` (`secretsmanager`) in `region`.
    pub fn aws_service_name(&self, key: &str, region: &str) -> Option<String> {
        self.aws_services
            .get(key)
            .map(|t| t.replace("{region}", region))
    }
}

impl Site {
    /// The endpoint service that serves a service key, if any.
    pub fn service_for_key(&self, key: &str) -> Option<&EndpointService> {
        self.endpoint_services
            .iter()
            .find(|s| s.keys.iter().any(|k| k == key))
    }
}

fn join<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items.map(String::as_str).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_passes_schema_and_consistency_checks() {
        let parsed = Catalog::parse(EMBEDDED, "embedded catalog").expect("valid");
        let fast = Catalog::embedded();
        // As text, so that the order of services and sites counts too.
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            serde_json::to_string(&fast).unwrap()
        );
    }
}
