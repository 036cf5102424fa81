//! Step 7: what a reviewer must read, rendered as comments and in the plan's Warnings.

use super::Placement;

pub(super) fn build(placement: &Placement, keys: &[String]) -> Vec<String> {
    let mut warnings = Vec::new();
    if let Placement::CrossRegion { .. } = placement {
        warnings.push("Cross-region PrivateLink endpoints emit no CloudWatch metrics.".to_string());
    }
    if keys.iter().any(|k| k == "logs-agent") {
        warnings.push(
            "Agents older than 6.19 / 7.19 need logs_config.force_use_http: true to send logs over PrivateLink."
                .to_string(),
        );
    }
    warnings
}
