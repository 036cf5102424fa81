//! The pull-request review of a plan (`ddpl-gen plan`): Markdown with a Mermaid diagram.

use minijinja::value::{Serde, Value};

use super::render;
use crate::error::Error;
use crate::plan::Plan;
use crate::review::Review;

/// The Markdown review of `plan`, laid out from `review` (see `review::review`).
pub fn plan_markdown(plan: &Plan, review: &Review) -> Result<String, Error> {
    render(
        "plan/plan.md.j2",
        plan,
        minijinja::context! { review => Value::from(Serde(review)) },
    )
}
