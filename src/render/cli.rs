//! AWS CLI: a deploy script and a teardown script (bash).

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
