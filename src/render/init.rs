//! The starting topology of `ddpl-gen init` (commented YAML).

use minijinja::value::{Serde, Value};

use super::render_context;
use crate::error::Error;
use crate::init::Starter;
use crate::plan::GENERATOR;

/// The commented `ddpl.yaml` for `starter`.
pub fn init_yaml(starter: &Starter) -> Result<String, Error> {
    render_context(
        "init/ddpl.yaml.j2",
        minijinja::context! {
            generator => GENERATOR,
            starter => Value::from(Serde(starter)),
        },
    )
}
