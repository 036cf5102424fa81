//! AWS CLI: a deploy script and a teardown script (bash).
//!
//! The templates (`templates/cli/`) write every `aws` call out with its `--region` and
//! `--profile`; values reach the script as single-quoted shell words (the environment's shell
//! escaper), JSON arguments (tags, filters) as one quoted word each. The view (`view.rs`)
//! gives each step its arguments.

mod view;

use super::render_context;
use crate::error::Error;
use crate::plan::Plan;
pub(crate) use view::CliView;

/// The AWS CLI deploy script.
pub fn cli_deploy(plan: &Plan) -> Result<String, Error> {
    render_script("cli/deploy.sh.j2", plan)
}

/// The AWS CLI teardown script.
pub fn cli_destroy(plan: &Plan) -> Result<String, Error> {
    render_script("cli/destroy.sh.j2", plan)
}

fn render_script(template: &str, plan: &Plan) -> Result<String, Error> {
    let view = CliView::new(plan);
    render_context(
        template,
        minijinja::context! {
            plan => crate::render::value(plan),
            cli => crate::render::value(&view),
        },
    )
}
