//! `ddpl-gen init`: a commented starting topology for a kind and a site, which passes
//! `validate` as written (its VPC, subnet and route table ids are examples to replace).

use serde::Serialize;

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::error::Error;
use crate::output;
use crate::render::RenderedFile;
use crate::topology::Kind;

/// What the template needs: the choices, resolved from the catalog.
#[derive(Debug, Clone, Serialize)]
pub struct Starter {
    pub kind: Kind,
    pub site: String,
    pub domain: String,
    /// The site's AWS region (where the endpoints' services live).
    pub site_region: String,
    /// The endpoint VPC's region: the site's, or for cross-region another one.
    pub endpoint_region: String,
    /// Peering: the example agent VPC's region (another region than the site's).
    pub agent_region: String,
    /// The catalog's default keys the site serves, in the guide's order.
    pub keys: Vec<String>,
    /// The command that wrote it, for the header.
    pub command: String,
}

/// A region near `region` for the examples that need another one.
fn other_region(region: &str) -> &'static str {
    match region {
        "us-east-1" => "us-west-2",
        "ap-northeast-1" => "ap-northeast-3",
        "ap-southeast-2" => "ap-southeast-1",
        "eu-west-2" => "eu-west-1",
        _ if region.starts_with("us-") => "eu-west-1",
        _ => "us-east-1",
    }
}

/// Resolves `site` (id or domain) and `kind` into a starter.
pub fn starter(catalog: &Catalog, kind: Kind, site: &str) -> Result<Starter, Error> {
    let found = catalog.find_site(site);
    let Some(found) = found.filter(|s| s.privatelink) else {
        return Err(Error::UnsupportedSite {
            name: site.to_string(),
            domain: found.map(|s| s.domain.clone()),
            supported: catalog.supported_sites(),
        });
    };
    let site_region = found.region.clone().unwrap_or_default();
    let other = other_region(&site_region).to_string();
    Ok(Starter {
        kind,
        site: found.id.clone(),
        domain: found.domain.clone(),
        endpoint_region: if kind == Kind::CrossRegion {
            other.clone()
        } else {
            site_region.clone()
        },
        agent_region: other,
        site_region,
        keys: catalog
            .site_keys(found)
            .into_iter()
            .filter(|k| catalog.keys.contains(k))
            .collect(),
        command: format!("ddpl-gen init --kind {} --site {}", kind.as_str(), found.id),
    })
}

/// Writes the starter to `path`, all or nothing. An existing file is kept unless `overwrite`:
/// then the error (`Error::Exists`) says so and nothing is written.
pub fn write(path: &Path, text: &str, overwrite: bool) -> Result<PathBuf, Error> {
    if !overwrite && (path.exists() || path.is_symlink()) {
        return Err(Error::Exists {
            path: path.display().to_string(),
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| Error::Usage(format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let target = dir.join(&name);
    output::write_all(
        &dir,
        &[RenderedFile {
            name,
            contents: text.to_string(),
        }],
    )?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_region_differs() {
        for r in [
            "us-east-1",
            "ap-northeast-1",
            "ap-southeast-2",
            "eu-west-2",
            "us-west-2",
            "eu-west-1",
        ] {
            assert_ne!(other_region(r), r);
        }
    }
}
