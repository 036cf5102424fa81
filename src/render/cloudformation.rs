//! CloudFormation: one template per stack, plus what CloudFormation cannot express.

use minijinja::value::{Serde, Value};

use super::{RenderedFile, render};
use crate::error::Error;
use crate::plan::Plan;

/// One template per stack (`<stack id>.yaml`), plus, where CloudFormation cannot express
/// everything, a companion script and a README.
pub fn cloudformation(plan: &Plan) -> Result<Vec<RenderedFile>, Error> {
    let mut files = Vec::new();
    for stack in &plan.stacks {
        let contents = render(
            "cloudformation/stack.yaml.j2",
            plan,
            minijinja::context! { stack => Value::from(Serde(stack)) },
        )?;
        files.push(RenderedFile {
            name: format!("{}.yaml", stack.id),
            contents,
        });
    }
    Ok(files)
}
