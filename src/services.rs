//! The catalog as a listing (`ddpl-gen services`): one row per endpoint service of each site
//! that offers PrivateLink, as a text table for people or JSON for scripts.

use serde::Serialize;

use crate::catalog::Catalog;
use crate::error::Error;

#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// When the catalog was last checked against its sources.
    pub catalog_date: String,
    pub services: Vec<ServiceRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceRow {
    pub site: String,
    pub domain: String,
    /// The topology service keys it serves; empty for services listed for reference only.
    pub keys: Vec<String>,
    /// The catalog id, which names the endpoint in generated code.
    pub id: String,
    /// Full PrivateLink service name in the site's region.
    pub service_name: String,
    /// The private DNS name: the zone created when peering.
    pub zone: String,
    /// Customer-facing hosts it covers (`*.` marks a wildcard).
    pub hosts: Vec<String>,
    pub source: String,
    pub source_date: String,
}

/// The rows of every PrivateLink site, or of `site` (an id or a domain) only.
pub fn listing(catalog: &Catalog, site: Option<&str>) -> Result<Listing, Error> {
    let sites: Vec<_> = match site {
        None => catalog.sites.iter().filter(|s| s.privatelink).collect(),
        Some(name) => match catalog.find_site(name) {
            Some(s) if s.privatelink => vec![s],
            found => {
                return Err(Error::UnsupportedSite {
                    name: name.to_string(),
                    domain: found.map(|s| s.domain.clone()),
                    supported: catalog.supported_sites(),
                });
            }
        },
    };
    let mut services = Vec::new();
    for site in sites {
        let region = site.region.clone().unwrap_or_default();
        for svc in &site.endpoint_services {
            services.push(ServiceRow {
                site: site.id.clone(),
                domain: site.domain.clone(),
                keys: svc.keys.clone(),
                id: svc.id.clone(),
                service_name: svc.service_name(&region),
                zone: svc.private_dns_name.clone(),
                hosts: svc.hosts.clone(),
                source: catalog
                    .sources
                    .get(&svc.source)
                    .cloned()
                    .unwrap_or_default(),
                source_date: svc.date.clone(),
            });
        }
    }
    Ok(Listing {
        catalog_date: catalog.date.clone(),
        services,
    })
}

/// Text for a terminal: control characters (from a user catalog) are shown as `?`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A text table: site, keys, service name, zone, source date, hosts (last, as it is long).
pub fn table(listing: &Listing) -> String {
    let header = [
        "SITE",
        "KEYS",
        "SERVICE NAME",
        "ZONE",
        "DATE",
        "HOSTS COVERED",
    ];
    let mut rows: Vec<[String; 6]> = vec![header.map(str::to_string)];
    for r in &listing.services {
        rows.push([
            clean(&r.site),
            if r.keys.is_empty() {
                "-".to_string()
            } else {
                clean(&r.keys.join(","))
            },
            clean(&r.service_name),
            clean(&r.zone),
            clean(&r.source_date),
            clean(&r.hosts.join(", ")),
        ]);
    }
    let mut widths = [0usize; 6];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = format!(
        "Datadog PrivateLink endpoint services, catalog of {} (KEYS \"-\": listed for reference, not used by any topology key)\n",
        clean(&listing.catalog_date)
    );
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(widths[i] - cell.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Pretty JSON for scripts.
pub fn json(listing: &Listing) -> String {
    serde_json::to_string_pretty(listing).expect("a listing serializes") + "\n"
}
