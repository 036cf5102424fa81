//! The output formats that describe the same resources: one list, which the command line, the
//! golden and determinism tests, the fuzz target, the benchmark and conformance all walk.

use super::{
    RenderedFile, TerraformShape, cli_deploy, cli_destroy, cloudformation, terraform_files,
};
use crate::error::Error;
use crate::plan::Plan;

/// An output format of the infrastructure code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A Terraform root (HCL): versions.tf, providers.tf, variables.tf, main.tf, moved.tf,
    /// outputs.tf.
    Terraform,
    /// One CloudFormation template per stack, with a companion script and a README where needed.
    CloudFormation,
    /// The AWS CLI deploy and teardown scripts (bash).
    Cli,
}

impl Format {
    /// Every format, in the order the documentation lists them.
    pub const ALL: [Format; 3] = [Format::Terraform, Format::CloudFormation, Format::Cli];

    /// The format's name: its subcommand, and its directory in golden cases and conformance.
    pub fn name(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::CloudFormation => "cloudformation",
            Format::Cli => "cli",
        }
    }

    /// The format of a name (`Format::name`).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Every file of the format for a plan: the Terraform root's files; the CloudFormation files
    /// (`<stack>.yaml`, companion, README); `deploy.sh` and `destroy.sh`.
    pub fn render(self, plan: &Plan) -> Result<Vec<RenderedFile>, Error> {
        let file = |name: &str, contents: String| RenderedFile {
            name: name.to_string(),
            contents,
        };
        Ok(match self {
            Format::Terraform => terraform_files(plan, TerraformShape::Root)?,
            Format::CloudFormation => cloudformation(plan)?,
            Format::Cli => vec![
                file("deploy.sh", cli_deploy(plan)?),
                file("destroy.sh", cli_destroy(plan)?),
            ],
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
