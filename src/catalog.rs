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
    /// The default service keys, in the guide's order: what `all` selects, and a topology
    /// that lists neither `services` nor `hosts`.
    pub keys: Vec<String>,
    /// Keys a topology selects only by naming them (anchors of the 2026 tables).
    #[serde(default)]
    pub optional_keys: Vec<String>,
    /// What each key is for (for `ddpl-gen services` and the documentation).
    #[serde(default)]
    pub key_descriptions: BTreeMap<String, String>,
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
    /// The topology service keys this service serves on its site (empty: selected only by a
    /// host, see `Site::serving`).
    pub keys: Vec<String>,
    /// Customer-facing hosts covered (may contain `*.` wildcards). A host not under the site's
    /// domain is a whole name (`rum.browser-intake-datadoghq.com`).
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

    /// An anchor (`<color>.intake.<domain>`) rather than a direct host: its private DNS name
    /// is not one of the hosts it serves.
    pub fn is_anchor(&self) -> bool {
        !self.hosts.contains(&self.private_dns_name)
    }
}

/// How a host name found the endpoint service that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostMatchKind {
    /// A row of the site's table names the host itself.
    Row,
    /// The host is an anchor's own name (`brown.intake.datadoghq.com`).
    Anchor,
    /// The most specific wildcard row (`*.api.datadoghq.com`) that covers it.
    Wildcard,
}

/// The endpoint service that serves a host on a site, and the row that decided it.
#[derive(Debug, Clone, Copy)]
pub struct HostMatch<'a> {
    pub service: &'a EndpointService,
    /// The row as the catalog writes it (`*.api.datadoghq.com`), or the anchor's name.
    pub row: &'a str,
    pub kind: HostMatchKind,
    /// Only the site's catch-all wildcard (`*.<domain>`, orange) serves it: the web
    /// application, which Datadog does not offer for customer PrivateLink setups.
    pub catch_all: bool,
}

/// Why no row of a site serves a host: another site's domain holds it, and the site's rows
/// nearest to it (for "did you mean").
#[derive(Debug, Clone)]
pub struct HostMiss<'a> {
    pub other_site: Option<&'a Site>,
    pub nearest: Vec<&'a str>,
}

/// A host name as the catalog compares it: lowercase, without a trailing dot.
pub fn normalize_host(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
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
        let known = self.all_keys();
        for (k, key) in self.optional_keys.iter().enumerate() {
            if self.keys.contains(key) {
                problems.push(Problem::new(
                    format!("optional_keys[{k}]"),
                    format!("{key:?} is a default key already (keys); list it once"),
                ));
            }
        }
        for key in self.key_descriptions.keys() {
            if !known.contains(&key.as_str()) {
                problems.push(Problem::new(
                    format!("key_descriptions.{key}"),
                    format!("describes an unknown key; known: {}", known.join(", ")),
                ));
            }
        }
        for (i, site) in self.sites.iter().enumerate() {
            self.site_problems(i, site, &known, &mut problems);
        }
        problems
    }

    /// One site: its region, and per endpoint service its id, source and keys; a key or a
    /// host served by two endpoint services of the site would make the choice ambiguous.
    fn site_problems(&self, i: usize, site: &Site, known: &[&str], problems: &mut Vec<Problem>) {
        if site.privatelink && site.region.is_none() {
            problems.push(Problem::new(
                format!("sites[{i}].region"),
                format!(
                    "site {:?} offers PrivateLink, so it needs a region",
                    site.id
                ),
            ));
        }
        let mut key_owner: BTreeMap<&str, &str> = BTreeMap::new();
        let mut host_owner: BTreeMap<&str, &str> = BTreeMap::new();
        for (j, svc) in site.endpoint_services.iter().enumerate() {
            let at = format!("sites[{i}].endpoint_services[{j}]");
            if !svc.service.starts_with("vpce-svc-") {
                problems.push(Problem::new(
                    format!("{at}.service"),
                    format!("{:?} is not a vpce-svc-... id", svc.service),
                ));
            }
            if !self.sources.contains_key(&svc.source) {
                problems.push(Problem::new(
                    format!("{at}.source"),
                    format!(
                        "unknown source {:?}; known: {}",
                        svc.source,
                        join(self.sources.keys())
                    ),
                ));
            }
            for key in &svc.keys {
                if !known.contains(&key.as_str()) {
                    problems.push(Problem::new(
                        format!("{at}.keys"),
                        format!("unknown key {key:?}; known: {}", known.join(", ")),
                    ));
                } else if let Some(other) = key_owner.insert(key, &svc.id) {
                    problems.push(Problem::new(
                        format!("{at}.keys"),
                        format!(
                            "key {key:?} is served by {other:?} too; on site {:?} a key names one endpoint service",
                            site.id
                        ),
                    ));
                }
            }
            for host in &svc.hosts {
                if let Some(other) = host_owner.insert(host, &svc.id) {
                    problems.push(Problem::new(
                        format!("{at}.hosts"),
                        format!(
                            "{host:?} is served by {other:?} too; on site {:?} a host has one endpoint service",
                            site.id
                        ),
                    ));
                }
            }
        }
    }

    /// Every key a topology may name: the default keys, then the optional ones.
    pub fn all_keys(&self) -> Vec<&str> {
        self.keys
            .iter()
            .chain(&self.optional_keys)
            .map(String::as_str)
            .collect()
    }

    /// The keys `site` serves, in catalog order (default keys first).
    pub fn site_keys(&self, site: &Site) -> Vec<String> {
        self.all_keys()
            .into_iter()
            .filter(|k| site.service_for_key(k).is_some())
            .map(str::to_string)
            .collect()
    }

    /// The endpoint service of `site` that serves `host`: its own row first, then an anchor's
    /// own name, then the most specific wildcard row. A wildcard never reaches into another
    /// site's domain (`*.datadoghq.com` of us1 does not serve `otlp.ap2.datadoghq.com`).
    pub fn serving<'a>(
        &'a self,
        site: &'a Site,
        host: &str,
    ) -> Result<HostMatch<'a>, HostMiss<'a>> {
        let host = normalize_host(host);
        for svc in &site.endpoint_services {
            if let Some(row) = svc.hosts.iter().find(|h| **h == host) {
                return Ok(site.host_match(svc, row, HostMatchKind::Row));
            }
        }
        if let Some(svc) = site
            .endpoint_services
            .iter()
            .find(|s| s.is_anchor() && s.private_dns_name == host)
        {
            return Ok(site.host_match(svc, &svc.private_dns_name, HostMatchKind::Anchor));
        }
        let mut best: Option<(&EndpointService, &String)> = None;
        for svc in &site.endpoint_services {
            for row in &svc.hosts {
                let Some(suffix) = row.strip_prefix("*.") else {
                    continue;
                };
                let covers = host.ends_with(&format!(".{suffix}"))
                    && self.other_site_under(site, &host, suffix).is_none();
                if covers && best.is_none_or(|(_, b)| b.len() < row.len()) {
                    best = Some((svc, row));
                }
            }
        }
        match best {
            Some((svc, row)) => Ok(site.host_match(svc, row, HostMatchKind::Wildcard)),
            None => Err(HostMiss {
                other_site: self.other_site_under(site, &host, ""),
                nearest: site.nearest_rows(&host, 3),
            }),
        }
    }

    /// The PrivateLink site that serves `host`, for a host named without a site: a site with a
    /// row (or anchor) of that name first, else the one whose wildcard row is most specific.
    pub fn site_of_host(&self, host: &str) -> Option<(&Site, HostMatch<'_>)> {
        let found: Vec<(&Site, HostMatch<'_>)> = self
            .sites
            .iter()
            .filter(|s| s.privatelink)
            .filter_map(|s| self.serving(s, host).ok().map(|m| (s, m)))
            .collect();
        let rank = |m: &HostMatch<'_>| (m.kind != HostMatchKind::Wildcard, m.row.len());
        found.into_iter().max_by_key(|(_, m)| rank(m))
    }

    /// The other site with the most specific domain that holds `host` and lies under
    /// `under` (any, when empty).
    fn other_site_under(&self, site: &Site, host: &str, under: &str) -> Option<&Site> {
        self.sites
            .iter()
            .filter(|s| {
                s.id != site.id
                    && (host == s.domain || host.ends_with(&format!(".{}", s.domain)))
                    && (under.is_empty() || s.domain.ends_with(&format!(".{under}")))
            })
            .max_by_key(|s| s.domain.len())
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

    /// The catch-all wildcard of the site's own domain (`*.datadoghq.com` on us1).
    pub fn catch_all_row(&self) -> String {
        format!("*.{}", self.domain)
    }

    fn host_match<'a>(
        &self,
        service: &'a EndpointService,
        row: &'a str,
        kind: HostMatchKind,
    ) -> HostMatch<'a> {
        HostMatch {
            service,
            row,
            kind,
            catch_all: kind == HostMatchKind::Wildcard && row == self.catch_all_row(),
        }
    }

    /// The `n` rows (and anchor names) of the site nearest to `host` by edit distance.
    pub fn nearest_rows(&self, host: &str, n: usize) -> Vec<&str> {
        let mut rows: Vec<(usize, &str)> = self
            .endpoint_services
            .iter()
            .flat_map(|s| {
                s.hosts
                    .iter()
                    .chain(s.is_anchor().then_some(&s.private_dns_name))
            })
            .map(|row| (edit_distance(host, row), row.as_str()))
            .collect();
        rows.sort();
        rows.dedup();
        rows.into_iter().take(n).map(|(_, row)| row).collect()
    }
}

/// Levenshtein distance, by characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
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

    fn site<'a>(catalog: &'a Catalog, id: &str) -> &'a Site {
        catalog.find_site(id).expect(id)
    }

    /// The ten default keys map as the reference says, on every PrivateLink site.
    #[test]
    fn the_ten_keys_map_as_the_reference_says() {
        let catalog = Catalog::embedded();
        let expect = [
            (
                "us1",
                "logs-agent logs-user orchid metrics containers process profiling lime dbm remote-config",
            ),
            (
                "ap1",
                "logs-agent logs-user api metrics containers process profiling traces dbm remote-config",
            ),
            (
                "ap2",
                "gold gold orchid beige linen bisque cyan lime white violet",
            ),
            (
                "uk1",
                "gold gold orchid beige linen bisque cyan lime white violet",
            ),
        ];
        for (id, services) in expect {
            let site = site(&catalog, id);
            let got: Vec<&str> = catalog
                .keys
                .iter()
                .map(|k| site.service_for_key(k).map_or("-", |s| s.id.as_str()))
                .collect();
            assert_eq!(got.join(" "), services, "{id}");
        }
        assert_eq!(site(&catalog, "uk1").region.as_deref(), Some("eu-west-2"));
        assert_eq!(site(&catalog, "uk1").endpoint_services.len(), 14);
        assert_eq!(site(&catalog, "ap2").endpoint_services.len(), 14);
        assert_eq!(site(&catalog, "us1").endpoint_services.len(), 17);
        for id in ["us3", "us5", "eu", "gov", "gov2", "us2.ddog-gov.com"] {
            assert!(!site(&catalog, id).privatelink, "{id}");
        }
    }

    #[test]
    fn optional_keys_exist_where_the_site_offers_them() {
        let catalog = Catalog::embedded();
        let key = |site_id: &str, key: &str| {
            site(&catalog, site_id)
                .service_for_key(key)
                .map(|s| s.id.clone())
        };
        assert_eq!(key("us1", "otlp").as_deref(), Some("brown"));
        assert_eq!(key("us1", "rum").as_deref(), Some("gray"));
        assert_eq!(key("us1", "webhooks").as_deref(), Some("azure"));
        assert_eq!(key("uk1", "webhooks").as_deref(), Some("cyan"));
        assert_eq!(key("us1", "mcp").as_deref(), Some("cornsilk"));
        assert_eq!(key("uk1", "mcp").as_deref(), Some("cornsilk"));
        assert_eq!(key("ap2", "mcp"), None);
        assert_eq!(key("ap1", "otlp"), None);
        assert_eq!(key("us1", "network-devices").as_deref(), Some("olive"));
        assert_eq!(key("ap2", "live-logs").as_deref(), Some("indigo"));
        assert_eq!(key("uk1", "sourcemaps").as_deref(), Some("plum"));
        assert_eq!(key("uk1", "gcp-logs").as_deref(), Some("aqua"));
        for k in catalog.all_keys() {
            assert!(
                catalog.key_descriptions.contains_key(k),
                "{k} has no description"
            );
        }
    }

    #[test]
    fn a_host_finds_its_row_its_anchor_or_the_most_specific_wildcard() {
        let catalog = Catalog::embedded();
        let serve = |site_id: &str, host: &str| {
            let m = catalog.serving(site(&catalog, site_id), host).expect(host);
            (m.service.id.as_str(), m.row, m.kind, m.catch_all)
        };
        use HostMatchKind::*;
        assert_eq!(
            serve("us1", "eu.api.datadoghq.com"),
            ("orchid", "*.api.datadoghq.com", Wildcard, false)
        );
        assert_eq!(serve("us1", "api.datadoghq.com").0, "orchid");
        assert_eq!(serve("us1", "trace.agent.datadoghq.com").0, "lime");
        assert_eq!(serve("uk1", "trace.agent.uk1.datadoghq.com").0, "lime");
        assert_eq!(
            serve("uk1", "7-50-0-app.agent.uk1.datadoghq.com"),
            ("beige", "*.agent.uk1.datadoghq.com", Wildcard, false)
        );
        assert_eq!(
            serve("us1", "rum.browser-intake-datadoghq.com"),
            ("gray", "rum.browser-intake-datadoghq.com", Row, false)
        );
        assert_eq!(
            serve("ap2", "quota.browser-intake-ap2-datadoghq.com").0,
            "orchid"
        );
        assert_eq!(
            serve("us1", "BROWN.intake.datadoghq.com"),
            ("brown", "brown.intake.datadoghq.com", Anchor, false)
        );
        assert_eq!(
            serve("us1", "app.datadoghq.com"),
            ("orange", "*.datadoghq.com", Wildcard, true)
        );
        assert_eq!(serve("ap2", "intake.profile.ap2.datadoghq.com").0, "cyan");
        assert_eq!(serve("us1", "intake.profile.datadoghq.com").0, "profiling");
        // Another site's domain is never reached through a wildcard.
        let us1 = site(&catalog, "us1");
        let miss = catalog.serving(us1, "otlp.ap2.datadoghq.com").unwrap_err();
        assert_eq!(miss.other_site.map(|s| s.id.as_str()), Some("ap2"));
        assert_eq!(miss.nearest[0], "otlp.datadoghq.com");
        assert!(catalog.serving(us1, "app.us5.datadoghq.com").is_err());
        assert!(
            catalog
                .serving(site(&catalog, "ap2"), "mcp.ap2.datadoghq.com")
                .unwrap()
                .catch_all
        );
        let (found, m) = catalog.site_of_host("otlp.uk1.datadoghq.com").unwrap();
        assert_eq!((found.id.as_str(), m.service.id.as_str()), ("uk1", "brown"));
        assert_eq!(
            catalog
                .site_of_host("rum.browser-intake-datadoghq.com")
                .unwrap()
                .0
                .id,
            "us1"
        );
        assert!(catalog.site_of_host("example.com").is_none());
    }

    #[test]
    fn a_key_or_host_served_twice_on_a_site_is_refused() {
        let twice = EMBEDDED.replacen("keys: [otlp]", "keys: [otlp, mcp]", 1);
        let err = Catalog::parse(&twice, "twice").unwrap_err().to_string();
        assert!(err.contains("key \"mcp\" is served by"), "{err}");
        let unknown = EMBEDDED.replacen("keys: [otlp]", "keys: [otel]", 1);
        let err = Catalog::parse(&unknown, "unknown").unwrap_err().to_string();
        assert!(err.contains("unknown key \"otel\""), "{err}");
        let host = EMBEDDED.replacen(
            "hosts: [mcp.datadoghq.com]",
            "hosts: [mcp.datadoghq.com, opamp.datadoghq.com]",
            1,
        );
        let err = Catalog::parse(&host, "host").unwrap_err().to_string();
        assert!(
            err.contains("\"opamp.datadoghq.com\" is served by"),
            "{err}"
        );
    }
}
