//! AWS CLI: a deploy script and a teardown script (bash).
//!
//! The templates (`templates/cli/`) write every `aws` call out with its `--region` and
//! `--profile`; values reach the script as single-quoted shell words (the environment's shell
//! escaper), JSON arguments (tags, filters) as one quoted word each.

use serde::Serialize;

use super::render;
use crate::error::Error;
use crate::plan::{Plan, Tag};

/// A tag as the AWS APIs spell it.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApiTag<'a> {
    key: &'a str,
    value: &'a str,
}

/// The AWS CLI deploy script. `api_tags`: the plan's tags as the AWS APIs take them.
pub fn cli_deploy(plan: &Plan) -> Result<String, Error> {
    let api_tags: Vec<ApiTag<'_>> = plan
        .tags
        .iter()
        .map(|Tag { key, value }| ApiTag { key, value })
        .collect();
    render(
        "cli/deploy.sh.j2",
        plan,
        minijinja::context! { api_tags => minijinja::value::Value::from(minijinja::value::Serde(&api_tags)) },
    )
}

/// The AWS CLI teardown script.
pub fn cli_destroy(plan: &Plan) -> Result<String, Error> {
    render("cli/destroy.sh.j2", plan, minijinja::context! {})
}
