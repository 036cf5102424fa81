//! Identifiers derived from the topology's names, shared by the per-format views (Terraform
//! names are snake_case, CloudFormation logical ids PascalCase) and by validation, which
//! refuses names whose identifiers would collide.

/// snake_case identifier from a name (`eu-prod` -> `eu_prod`).
pub(crate) fn snake(name: &str) -> String {
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

/// PascalCase identifier from a name (`eu-prod` -> `EuProd`, `10.0.0.0/16` -> `1000016`).
pub(crate) fn pascal(name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake("eu-prod"), "eu_prod");
        assert_eq!(snake("10.0.0.0/16"), "10_0_0_0_16");
        assert_eq!(pascal("eu-prod"), "EuProd");
        assert_eq!(pascal("10.0.0.0/16"), "1000016");
        assert_eq!(pascal("rtb-0abc"), "Rtb0abc");
        assert_eq!(pascal("to_agent"), "ToAgent");
    }
}
