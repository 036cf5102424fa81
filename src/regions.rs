//! The AWS regions ddpl-gen knows, by partition (`catalog/regions.json`, made from botocore's
//! `partitions.json` by `catalog/regions-from-botocore.py`). VPC peering and cross-region
//! PrivateLink stay inside one partition; a region newer than the list can be allowed by name
//! (`validate::Options::allowed_regions`, `--allow-region` on the command line) and is placed in
//! the partition whose region prefixes it has.

use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// Where the list comes from (`botocore 1.44.8 (PyPI), ...`).
    pub source: String,
    /// When it was made.
    pub date: String,
    pub partitions: Vec<Partition>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partition {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub id: String,
    /// What its region names start with (`us`, `eu`, ...; `us-gov`): botocore's `regionRegex`.
    pub region_prefixes: Vec<String>,
    pub regions: Vec<String>,
}

impl Regions {
    /// The list embedded in the binary.
    pub fn embedded() -> &'static Regions {
        static REGIONS: OnceLock<Regions> = OnceLock::new();
        REGIONS.get_or_init(|| {
            serde_json::from_str(include_str!("../catalog/regions.json"))
                .expect("catalog/regions.json parses (checked by a test)")
        })
    }

    /// The partition of a region the list holds.
    pub fn partition_of(&self, region: &str) -> Option<&str> {
        self.partitions
            .iter()
            .find(|p| p.regions.iter().any(|r| r == region))
            .map(|p| p.id.as_str())
    }

    /// The partition whose region names `region` has the shape of (`<prefix>-<word>-<number>`,
    /// the longest prefix winning: `us-gov-west-9` is aws-us-gov, not aws).
    pub fn partition_by_shape(&self, region: &str) -> Option<&str> {
        self.partitions
            .iter()
            .flat_map(|p| p.region_prefixes.iter().map(move |prefix| (prefix, p)))
            .filter(|(prefix, _)| {
                region
                    .strip_prefix(prefix.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(word_dash_number)
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, p)| p.id.as_str())
    }

    /// The `n` known regions nearest to `region` (edit distance, then name).
    pub fn nearest(&self, region: &str, n: usize) -> Vec<&str> {
        let mut all: Vec<(usize, &str)> = self
            .partitions
            .iter()
            .flat_map(|p| &p.regions)
            .map(|r| (edit_distance(region, r), r.as_str()))
            .collect();
        all.sort();
        all.into_iter().take(n).map(|(_, r)| r).collect()
    }

    /// How many regions the list holds.
    pub fn count(&self) -> usize {
        self.partitions.iter().map(|p| p.regions.len()).sum()
    }
}

/// `east-1`: a word (letters, digits), a dash, a number.
fn word_dash_number(rest: &str) -> bool {
    match rest.rsplit_once('-') {
        Some((word, number)) => {
            !word.is_empty()
                && word.chars().all(|c| c.is_ascii_alphanumeric())
                && !number.is_empty()
                && number.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Levenshtein distance (region names are short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_parses_and_places_regions() {
        let regions = Regions::embedded();
        assert!(regions.source.starts_with("botocore "));
        assert!(regions.count() >= 32, "{}", regions.count());
        assert_eq!(regions.partition_of("us-east-1"), Some("aws"));
        assert_eq!(regions.partition_of("eu-west-2"), Some("aws"));
        assert_eq!(regions.partition_of("cn-north-1"), Some("aws-cn"));
        assert_eq!(regions.partition_of("us-gov-west-1"), Some("aws-us-gov"));
        assert_eq!(regions.partition_of("us-east-9"), None);
        assert!(
            !regions
                .partitions
                .iter()
                .flat_map(|p| &p.regions)
                .any(|r| r.ends_with("-global"))
        );
    }

    #[test]
    fn shapes_place_new_regions() {
        let regions = Regions::embedded();
        assert_eq!(regions.partition_by_shape("us-east-9"), Some("aws"));
        assert_eq!(
            regions.partition_by_shape("us-gov-south-1"),
            Some("aws-us-gov")
        );
        assert_eq!(
            regions.partition_by_shape("us-isob-north-2"),
            Some("aws-iso-b")
        );
        assert_eq!(regions.partition_by_shape("cn-south-1"), Some("aws-cn"));
        assert_eq!(
            regions.partition_by_shape("eusc-de-west-1"),
            Some("aws-eusc")
        );
        assert_eq!(regions.partition_by_shape("xx-east-1"), None);
        assert_eq!(regions.partition_by_shape("us-east"), None);
    }

    /// The schema lets every listed region through to the check against the list.
    #[test]
    fn the_schema_admits_every_listed_region() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../schemas/topology.schema.json")).unwrap();
        let pattern = schema["$defs"]["region"]["pattern"].as_str().unwrap();
        let regex = regex::Regex::new(pattern).unwrap();
        for region in Regions::embedded()
            .partitions
            .iter()
            .flat_map(|p| &p.regions)
        {
            assert!(regex.is_match(region), "{pattern} refuses {region}");
        }
    }

    #[test]
    fn nearest_names_a_typo_s_region() {
        let regions = Regions::embedded();
        assert_eq!(regions.nearest("eu-wset-1", 1), ["eu-west-1"]);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "ab"), 2);
    }
}
