//! Golden tests: every `golden/<case>/` holds a topology (`topology.yaml` or `topology.json`)
//! and every expected output. Each format regenerates and compares byte for byte.
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites every output;
//! `UPDATE_GOLDEN=terraform,cli` rewrites only those formats (`plan-json` the plan snapshot).
//! Read the diff before committing.

mod support;

use std::fs;
use std::path::{Path, PathBuf};

use ddpl_gen::render::{self, Format};
use ddpl_gen::{Catalog, Plan};
use support::{golden_cases, golden_root};

fn plan_of(case: &Path) -> Plan {
    support::plan_of_file(&support::topology_path(case))
}

fn updating(format: &str) -> bool {
    match std::env::var("UPDATE_GOLDEN") {
        Ok(v) if v == "1" || v == "all" => true,
        Ok(v) => v.split(',').any(|f| f.trim() == format),
        Err(_) => false,
    }
}

/// Compares (or rewrites) a set of expected files of one format. `dir` is where they live;
/// files of the format not produced any more are reported (or removed when updating).
fn check(
    format: &str,
    dir: &Path,
    produced: &[(String, String)],
    owned: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut failures = Vec::new();
    if updating(format) {
        fs::create_dir_all(dir).expect("create golden dir");
        if let Ok(entries) = fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                if owned(&name) && !produced.iter().any(|(n, _)| *n == name) {
                    fs::remove_file(e.path()).expect("remove stale golden file");
                }
            }
        }
        for (name, contents) in produced {
            fs::write(dir.join(name), contents).expect("write golden file");
        }
        return failures;
    }
    for (name, contents) in produced {
        let path = dir.join(name);
        match fs::read_to_string(&path) {
            Ok(expected) if expected == *contents => {}
            Ok(expected) => failures.push(format!(
                "{} differs from the generated output (first difference at line {}); run UPDATE_GOLDEN={format} cargo test --test golden and read the diff",
                path.display(),
                expected
                    .lines()
                    .zip(contents.lines())
                    .position(|(a, b)| a != b)
                    .map(|i| i + 1)
                    .unwrap_or_else(|| expected.lines().count().min(contents.lines().count()) + 1)
            )),
            Err(_) => failures.push(format!("{} is missing; run UPDATE_GOLDEN={format} cargo test --test golden", path.display())),
        }
    }
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if owned(&name) && !produced.iter().any(|(n, _)| *n == name) {
                failures.push(format!("{} is no longer generated", e.path().display()));
            }
        }
    }
    failures
}

fn run_format(
    format: &str,
    generate: impl Fn(&Path, &Plan) -> (PathBuf, Vec<(String, String)>, fn(&str) -> bool),
) {
    let mut failures = Vec::new();
    for case in golden_cases() {
        let plan = plan_of(&case);
        let (dir, produced, owned) = generate(&case, &plan);
        failures.extend(check(format, &dir, &produced, owned));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Where a format's expected files live in a case, and which files there are the format's
/// (so that a file it no longer makes is noticed).
fn layout(format: Format, case: &Path) -> (PathBuf, fn(&str) -> bool) {
    match format {
        Format::Terraform => (case.join("terraform"), |_| true),
        Format::CloudFormation => (case.join("cloudformation"), |_| true),
        Format::Cli => (case.to_path_buf(), |n| {
            n == "deploy.sh" || n == "destroy.sh"
        }),
    }
}

/// Every format of `Format::ALL`, for every case.
#[test]
fn golden_formats() {
    for format in Format::ALL {
        run_format(format.name(), |case, plan| {
            let files = format
                .render(plan)
                .unwrap_or_else(|e| panic!("{format} renders {}: {e}", case.display()));
            let (dir, owned) = layout(format, case);
            (
                dir,
                files.into_iter().map(|f| (f.name, f.contents)).collect(),
                owned,
            )
        });
    }
}

/// `ddpl-gen terraform` (one root main.tf on stdout) is the root's files one after the
/// other under one header (so the golden root files stand for it).
#[test]
fn terraform_main_is_the_root_files() {
    for case in golden_cases() {
        let plan = plan_of(&case);
        let files = render::terraform_files(&plan, render::TerraformShape::Root).unwrap();
        let header_lines = files[0]
            .contents
            .lines()
            .take_while(|l| l.starts_with('#'))
            .count();
        let mut joined = files[0]
            .contents
            .lines()
            .take(header_lines)
            .collect::<Vec<_>>()
            .join("\n");
        joined.push('\n');
        for f in &files {
            let body: Vec<&str> = f.contents.lines().skip(header_lines + 1).collect();
            joined.push('\n');
            joined.push_str(&body.join("\n"));
            joined.push('\n');
        }
        assert_eq!(
            render::terraform(&plan).unwrap(),
            joined,
            "{}",
            case.display()
        );
    }
}

/// `ddpl-gen terraform --module -o DIR`: the module's files.
#[test]
fn golden_terraform_module() {
    run_format("terraform", |case, plan| {
        let files = render::terraform_files(plan, render::TerraformShape::Module)
            .expect("the module renders");
        (
            case.join("terraform-module"),
            files.into_iter().map(|f| (f.name, f.contents)).collect(),
            |_| true,
        )
    });
}

/// The plan itself (`ddpl-gen plan-json`), so that a reviewer sees a decision change before
/// its effect on the formats.
#[test]
fn golden_plan_json() {
    run_format("plan-json", |case, plan| {
        let json = ddpl_gen::plan_json(plan).expect("plan as JSON");
        (
            case.to_path_buf(),
            vec![("plan.json".to_string(), json)],
            |n| n == "plan.json",
        )
    });
}

/// Same input, same bytes: generating twice, and from input with its keys in another
/// order, gives identical output.
#[test]
fn output_is_deterministic() {
    for case in golden_cases() {
        let a = plan_of(&case);
        let b = plan_of(&case);
        for format in Format::ALL {
            assert_eq!(format.render(&a).unwrap(), format.render(&b).unwrap());
        }
    }
}

#[test]
fn golden_plan() {
    run_format("plan", |case, plan| {
        let review = ddpl_gen::review::review(plan, ddpl_gen::review::DEFAULT_PRICE_PER_AZ_HOUR);
        let md = render::plan_markdown(plan, &review).expect("plan markdown renders");
        (case.to_path_buf(), vec![("plan.md".to_string(), md)], |n| {
            n == "plan.md"
        })
    });
}

#[test]
fn golden_verify() {
    run_format("verify", |case, plan| {
        let checks = ddpl_gen::checks::verify(plan);
        let script = render::verify_script(plan, &checks).expect("verify script renders");
        (
            case.to_path_buf(),
            vec![("verify.sh".to_string(), script)],
            |n| n == "verify.sh",
        )
    });
}

#[test]
fn golden_agent_config() {
    run_format("agent-config", |case, plan| {
        let agent = ddpl_gen::agent_config::agent_config(plan);
        let md = render::agent_config_markdown(plan, &agent).expect("agent config renders");
        (
            case.to_path_buf(),
            vec![("agent-config.md".to_string(), md)],
            |n| n == "agent-config.md",
        )
    });
}

/// Outputs that do not depend on a topology live at the top of golden/ (files, not cases).
fn check_top(format: &str, produced: &[(String, String)], owned: fn(&str) -> bool) {
    let failures = check(format, &golden_root(), produced, owned);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_services() {
    let listing = ddpl_gen::services::listing(&Catalog::embedded(), None).expect("listing");
    check_top(
        "services",
        &[
            (
                "services.txt".to_string(),
                ddpl_gen::services::table(&listing),
            ),
            (
                "services.json".to_string(),
                ddpl_gen::services::json(&listing),
            ),
        ],
        |n| n == "services.txt" || n == "services.json",
    );
}

#[test]
fn golden_init() {
    use ddpl_gen::topology::Kind;
    let catalog = Catalog::embedded();
    let produced: Vec<(String, String)> = Kind::ALL
        .into_iter()
        .map(|kind| {
            let starter = ddpl_gen::init::starter(&catalog, kind, "us1").expect("us1 starter");
            (
                format!("init-{}.yaml", kind.as_str()),
                render::init_yaml(&starter).expect("init renders"),
            )
        })
        .collect();
    check_top("init", &produced, |n| {
        n.starts_with("init-") && n.ends_with(".yaml")
    });
}

/// The review formats, like the others: same input, same bytes.
#[test]
fn review_outputs_are_deterministic() {
    for case in golden_cases() {
        let (a, b) = (plan_of(&case), plan_of(&case));
        let md = |p: &Plan| render::plan_markdown(p, &ddpl_gen::review::review(p, 0.01)).unwrap();
        assert_eq!(md(&a), md(&b));
        assert_eq!(
            render::verify_script(&a, &ddpl_gen::checks::verify(&a)).unwrap(),
            render::verify_script(&b, &ddpl_gen::checks::verify(&b)).unwrap()
        );
    }
}
