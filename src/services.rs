//! The catalog as a listing (`ddpl-gen services`): one row per endpoint service of each site
//! that offers PrivateLink, as a text table for people or JSON for scripts.

use serde::Serialize;

use crate::catalog::{Catalog, EndpointService, HostMatch, HostMatchKind, Site, normalize_host};
use crate::error::Error;

#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    /// When the catalog was last checked against its sources.
    pub catalog_date: String,
    /// With `--host`: each host asked about and what serves it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostAnswer>,
    pub services: Vec<ServiceRow>,
}

/// Which endpoint service serves a host, and through which row of its site's table.
#[derive(Debug, Clone, Serialize)]
pub struct HostAnswer {
    pub host: String,
    pub site: String,
    /// The catalog id of the endpoint service (`orchid`).
    pub id: String,
    pub service_name: String,
    pub zone: String,
    /// The row that matched (`*.api.datadoghq.com`), or the anchor's own name.
    pub row: String,
    #[serde(rename = "match")]
    pub kind: HostMatchKind,
    /// Only the site's catch-all (orange) serves it: not offered for customer PrivateLink.
    pub catch_all: bool,
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
    /// An anchor (`<color>.intake.<domain>`), or a direct host.
    pub anchor: bool,
    /// Customer-facing hosts it covers (`*.` marks a wildcard).
    pub hosts: Vec<String>,
    /// With `--host`: the hosts asked about that it serves.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chosen_by: Vec<String>,
    pub source: String,
    pub source_date: String,
}

/// The rows of every PrivateLink site, or of `site` (an id or a domain) only.
pub fn listing(catalog: &Catalog, site: Option<&str>) -> Result<Listing, Error> {
    let sites: Vec<_> = match site {
        None => catalog.sites.iter().filter(|s| s.privatelink).collect(),
        Some(name) => vec![privatelink_site(catalog, name)?],
    };
    let mut services = Vec::new();
    for site in sites {
        for svc in &site.endpoint_services {
            services.push(row(catalog, site, svc));
        }
    }
    Ok(Listing {
        catalog_date: catalog.date.clone(),
        hosts: Vec::new(),
        services,
    })
}

/// The site named to a command (id or domain), which must offer PrivateLink.
fn privatelink_site<'a>(catalog: &'a Catalog, name: &str) -> Result<&'a Site, Error> {
    match catalog.find_site(name) {
        Some(s) if s.privatelink => Ok(s),
        found => Err(Error::UnsupportedSite {
            name: name.to_string(),
            domain: found.map(|s| s.domain.clone()),
            supported: catalog.supported_sites(),
        }),
    }
}

fn row(catalog: &Catalog, site: &Site, svc: &EndpointService) -> ServiceRow {
    let region = site.region.clone().unwrap_or_default();
    ServiceRow {
        site: site.id.clone(),
        domain: site.domain.clone(),
        keys: svc.keys.clone(),
        id: svc.id.clone(),
        service_name: svc.service_name(&region),
        zone: svc.private_dns_name.clone(),
        anchor: svc.is_anchor(),
        hosts: svc.hosts.clone(),
        chosen_by: Vec::new(),
        source: catalog
            .sources
            .get(&svc.source)
            .cloned()
            .unwrap_or_default(),
        source_date: svc.date.clone(),
    }
}

/// `services --host NAME...`: what serves each host, on `site` or (without it) on the
/// PrivateLink site that has the host; the rows are the endpoint services that serve them,
/// each with the hosts that chose it. A host nothing serves is an error with the nearest rows.
pub fn for_hosts(
    catalog: &Catalog,
    site: Option<&str>,
    hosts: &[String],
) -> Result<Listing, Error> {
    let only = site
        .map(|name| privatelink_site(catalog, name))
        .transpose()?;
    let mut answers = Vec::new();
    let mut services: Vec<ServiceRow> = Vec::new();
    for asked in hosts {
        let host = normalize_host(asked);
        let (site, matched) = host_site(catalog, only, &host)?;
        answers.push(answer(site, &host, &matched));
        match services
            .iter_mut()
            .find(|r| r.site == site.id && r.id == matched.service.id)
        {
            Some(r) => r.chosen_by.push(host),
            None => {
                let mut r = row(catalog, site, matched.service);
                r.chosen_by.push(host);
                services.push(r);
            }
        }
    }
    Ok(Listing {
        catalog_date: catalog.date.clone(),
        hosts: answers,
        services,
    })
}

/// The site and service of one host, or the error that names it with the nearest rows.
fn host_site<'a>(
    catalog: &'a Catalog,
    site: Option<&'a Site>,
    host: &str,
) -> Result<(&'a Site, HostMatch<'a>), Error> {
    let found = match site {
        Some(site) => catalog.serving(site, host).ok().map(|m| (site, m)),
        None => catalog.site_of_host(host),
    };
    if let Some(found) = found {
        return Ok(found);
    }
    let (scope, nearest) = match site {
        Some(site) => (
            format!("site {} ({})", site.id, site.domain),
            site.nearest_rows(host, 3),
        ),
        None => {
            let mut rows: Vec<&str> = catalog
                .sites
                .iter()
                .filter(|s| s.privatelink)
                .flat_map(|s| s.nearest_rows(host, 3))
                .collect();
            rows.sort_by_key(|r| crate::catalog::edit_distance(host, r));
            rows.truncate(3);
            ("any PrivateLink site".to_string(), rows)
        }
    };
    let elsewhere = match (site, catalog.site_of_host(host)) {
        (Some(_), Some((other, m))) => format!("; site {} serves it ({})", other.id, m.service.id),
        _ => String::new(),
    };
    Err(Error::Usage(format!(
        "--host {host:?}: no row of {scope} serves it{elsewhere}; nearest rows: {} (ddpl-gen services lists every host)",
        nearest.join(", ")
    )))
}

fn answer(site: &Site, host: &str, m: &HostMatch<'_>) -> HostAnswer {
    HostAnswer {
        host: host.to_string(),
        site: site.id.clone(),
        id: m.service.id.clone(),
        service_name: m
            .service
            .service_name(site.region.as_deref().unwrap_or_default()),
        zone: m.service.private_dns_name.clone(),
        row: m.row.to_string(),
        kind: m.kind,
        catch_all: m.catch_all,
    }
}

/// Text for a terminal: control characters (from a user catalog) are shown as `?`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A text table: site, keys, service name, zone, source date, hosts (last, as it is long).
/// With `--host`, first the hosts asked about, and a CHOSEN BY column.
pub fn table(listing: &Listing) -> String {
    let mut out = String::new();
    if !listing.hosts.is_empty() {
        let mut rows = vec![
            [
                "HOST",
                "SITE",
                "SERVICE",
                "MATCHED ROW",
                "SERVICE NAME",
                "ZONE",
            ]
            .map(str::to_string),
        ];
        for h in &listing.hosts {
            let id = if h.catch_all {
                format!("{} (catch-all: not offered for customer PrivateLink)", h.id)
            } else {
                h.id.clone()
            };
            rows.push([&h.host, &h.site, &id, &h.row, &h.service_name, &h.zone].map(|c| clean(c)));
        }
        out.push_str(&format!(
            "Hosts and the endpoint services that serve them, catalog of {}\n",
            clean(&listing.catalog_date)
        ));
        out.push_str(&columns(rows));
        out.push('\n');
    }
    let header = [
        "SITE",
        "KEYS",
        "SERVICE NAME",
        "ZONE",
        "DATE",
        "HOSTS COVERED",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.map(str::to_string).to_vec()];
    let chosen = !listing.hosts.is_empty();
    if chosen {
        rows[0].insert(5, "CHOSEN BY".to_string());
    }
    for r in &listing.services {
        let mut row = vec![
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
        ];
        if chosen {
            row.insert(5, clean(&r.chosen_by.join(", ")));
        }
        rows.push(row);
    }
    out.push_str(&format!(
        "Datadog PrivateLink endpoint services, catalog of {} (KEYS \"-\": no service key; a topology selects it by naming a host in hosts)\n",
        clean(&listing.catalog_date)
    ));
    out.push_str(&columns(rows));
    out
}

/// Rows as left-aligned columns two spaces apart, the last column unpadded.
fn columns<R: AsRef<[String]>>(rows: Vec<R>) -> String {
    let n = rows.first().map_or(0, |r| r.as_ref().len());
    let mut widths = vec![0usize; n];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.as_ref().iter().enumerate() {
            line.push_str(cell);
            if i + 1 < n {
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
