//! ddpl-gen: connect AWS VPCs to Datadog over AWS PrivateLink.
//!
//! The flow is topology -> validate -> plan -> render, one public step each:
//!
//! ```text
//! text --topology::load--> Topology --validate::validate--> Validated --plan::plan--> Plan
//!      --Format::render--> files (Terraform, CloudFormation, the AWS CLI scripts)
//! ```
//!
//! ```
//! use ddpl_gen::render::Format;
//!
//! let text = r#"
//! version: 1
//! name: acme-prod
//! site: us1
//! kind: same-region
//! services: [metrics]
//! endpoint_vpc:
//!   vpc_id: vpc-0123456789abcdef0
//!   region: us-east-1
//!   cidr: 10.0.0.0/16
//!   subnet_ids: [subnet-0123456789abcdef0]
//! "#;
//! let catalog = ddpl_gen::Catalog::embedded();
//! // Each step on its own: the input problems come back as values (`Error::Invalid`).
//! let topology = ddpl_gen::topology::load(text, "ddpl.yaml").unwrap();
//! let validated = ddpl_gen::validate::validate(&topology, &catalog, "ddpl.yaml").unwrap();
//! let plan = ddpl_gen::plan::plan(&validated);
//! assert_eq!(plan.endpoint_vpc.endpoints.len(), 1);
//! assert!(plan.peerings().is_empty());
//!
//! // Every format describes the same resources.
//! for format in Format::ALL {
//!     let files = format.render(&plan).unwrap();
//!     assert!(!files.is_empty(), "{format}");
//! }
//! let main_tf = ddpl_gen::render::terraform(&plan).unwrap();
//! assert!(main_tf.contains("resource \"aws_vpc_endpoint\" \"endpoint\""));
//! // The same resources as a module's files (no provider blocks).
//! let module = ddpl_gen::render::terraform_files(&plan, ddpl_gen::render::TerraformShape::Module);
//! assert!(module.unwrap().iter().any(|f| f.name == "README.md"));
//!
//! // Or all three steps at once; a bad input is every problem, each with its field.
//! let bad = text.replace("us-east-1", "us-east-9x");
//! let err = ddpl_gen::plan_from_text(&bad, "ddpl.yaml", &catalog).unwrap_err();
//! assert_eq!(err.exit_code(), 2);
//! assert!(err.problems().iter().any(|p| p.path == "endpoint_vpc.region"));
//! ```

pub mod agent_config;
pub mod catalog;
pub mod checks;
pub mod cidr;
pub mod error;
pub mod init;
mod naming;
pub mod output;
pub mod plan;
pub mod regions;
pub mod render;
pub mod review;
pub mod schema;
pub mod services;
pub mod topology;
pub mod validate;

pub use catalog::Catalog;
pub use error::{Error, Problem};
pub use plan::Plan;
pub use topology::Topology;

/// The plan's public JSON (`ddpl-gen plan-json`, `golden/<case>/plan.json`), pretty-printed
/// with a final newline.
pub fn plan_json(plan: &Plan) -> Result<String, Error> {
    serde_json::to_string_pretty(plan)
        .map(|json| json + "\n")
        .map_err(|e| Error::Render {
            template: "plan-json".into(),
            reason: e.to_string(),
        })
}

/// Loads, validates and plans a topology given as YAML or JSON text.
pub fn plan_from_text(text: &str, source_name: &str, catalog: &Catalog) -> Result<Plan, Error> {
    plan_from_text_with(text, source_name, catalog, &validate::Options::default())
}

/// `plan_from_text` with validation options (regions allowed beyond the embedded list).
pub fn plan_from_text_with(
    text: &str,
    source_name: &str,
    catalog: &Catalog,
    options: &validate::Options,
) -> Result<Plan, Error> {
    let topology = topology::load(text, source_name)?;
    let validated = validate::validate_with(&topology, catalog, source_name, options)?;
    Ok(plan::plan(&validated))
}
