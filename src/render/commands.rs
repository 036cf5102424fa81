//! Shell commands that several formats print for the user to run (in Terraform error messages,
//! CloudFormation metadata, README steps): written once, each word quoted for the shell.

use super::escape::shell_word;
use crate::plan::{Plan, VpcPlan};

/// `--region R` and, when the stack has one, `--profile P`, as the user types them.
pub(crate) fn region_flags(region: &str, profile: Option<&str>) -> String {
    match profile {
        Some(profile) => format!(" --region {region} --profile {}", shell_word(profile)),
        None => format!(" --region {region}"),
    }
}

/// The two `aws ec2 modify-vpc-attribute` commands that turn on `enableDnsSupport` and
/// `enableDnsHostnames` in a VPC.
pub(crate) fn dns_attribute_fixes(plan: &Plan, vpc: &VpcPlan) -> [String; 2] {
    dns_attribute_fixes_in(plan, vpc, &vpc.vpc_id)
}

/// [`dns_attribute_fixes`] with `vpc_id` written in for the VPC's id (Terraform passes `%s`, a
/// `format()` placeholder, for a check that runs over several VPCs of a stack).
pub(crate) fn dns_attribute_fixes_in(plan: &Plan, vpc: &VpcPlan, vpc_id: &str) -> [String; 2] {
    let stack = &plan.stacks[vpc.stack];
    let flags = region_flags(&vpc.region, stack.profile.as_deref());
    let fix = format!("aws ec2 modify-vpc-attribute --vpc-id {vpc_id}");
    [
        format!("{fix} --enable-dns-support Value=true{flags}"),
        format!("{fix} --enable-dns-hostnames Value=true{flags}"),
    ]
}
