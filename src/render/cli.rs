//! AWS CLI: a deploy script and a teardown script (bash).
//!
//! The templates (`templates/cli/`) write every `aws` call out with its `--region` and
//! `--profile`; values reach the script as single-quoted shell words (the environment's shell
//! escaper), JSON arguments (tags, filters) as one quoted word each.

use super::render;
use crate::error::Error;
use crate::plan::Plan;

/// The AWS CLI deploy script.
pub fn cli_deploy(plan: &Plan) -> Result<String, Error> {
    render("cli/deploy.sh.j2", plan, minijinja::context! {})
}

/// The AWS CLI teardown script.
pub fn cli_destroy(plan: &Plan) -> Result<String, Error> {
    render("cli/destroy.sh.j2", plan, minijinja::context! {})
}
