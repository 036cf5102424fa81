//! Terraform: one `main.tf` for every stack (a provider alias per account and region).

use super::render;
use crate::error::Error;
use crate::plan::Plan;

/// Terraform: one `main.tf`.
pub fn terraform(plan: &Plan) -> Result<String, Error> {
    render("terraform/main.tf.j2", plan, minijinja::context! {})
}
