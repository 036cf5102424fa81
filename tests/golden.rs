//! Golden tests: every `golden/<case>/` holds a topology (`topology.yaml` or `topology.json`)
//! and every expected output. Each format regenerates and compares byte for byte.
//!
//! `UPDATE_GOLDEN=1 cargo test --test golden` rewrites every output;
//! `UPDATE_GOLDEN=terraform,cli` rewrites only those formats. Read the diff before committing.

use std::fs;
use std::path::{Path, PathBuf};

use ddpl_gen::{Catalog, Plan, render};

fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden")
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(golden_root())
        .expect("golden/ exists")
        .map(|e| e.expect("readable golden/ entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no golden cases");
    cases
}

fn topology_path(case: &Path) -> PathBuf {
    ["topology.yaml", "topology.json"]
        .iter()
        .map(|n| case.join(n))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{} has no topology.yaml or topology.json", case.display()))
}

fn plan_of(case: &Path) -> Plan {
    let path = topology_path(case);
    let text = fs::read_to_string(&path).expect("readable topology");
    ddpl_gen::plan_from_text(&text, &path.display().to_string(), &Catalog::embedded())
        .unwrap_or_else(|e| panic!("{}: {e}", case.display()))
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
    for case in cases() {
        let plan = plan_of(&case);
        let (dir, produced, owned) = generate(&case, &plan);
        failures.extend(check(format, &dir, &produced, owned));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn golden_terraform() {
    run_format("terraform", |case, plan| {
        let tf = render::terraform(plan).expect("terraform renders");
        (case.to_path_buf(), vec![("main.tf".to_string(), tf)], |n| {
            n == "main.tf"
        })
    });
}

#[test]
fn golden_cloudformation() {
    run_format("cloudformation", |case, plan| {
        let files = render::cloudformation(plan).expect("cloudformation renders");
        (
            case.join("cloudformation"),
            files.into_iter().map(|f| (f.name, f.contents)).collect(),
            |_| true,
        )
    });
}

#[test]
fn golden_cli() {
    run_format("cli", |case, plan| {
        let deploy = render::cli_deploy(plan).expect("deploy script renders");
        let destroy = render::cli_destroy(plan).expect("teardown script renders");
        (
            case.to_path_buf(),
            vec![
                ("deploy.sh".to_string(), deploy),
                ("destroy.sh".to_string(), destroy),
            ],
            |n| n == "deploy.sh" || n == "destroy.sh",
        )
    });
}

/// Same input, same bytes: generating twice, and from input with its keys in another
/// order, gives identical output.
#[test]
fn output_is_deterministic() {
    for case in cases() {
        let a = plan_of(&case);
        let b = plan_of(&case);
        assert_eq!(
            render::terraform(&a).unwrap(),
            render::terraform(&b).unwrap()
        );
        assert_eq!(
            render::cli_deploy(&a).unwrap(),
            render::cli_deploy(&b).unwrap()
        );
        assert_eq!(
            render::cloudformation(&a).unwrap(),
            render::cloudformation(&b).unwrap()
        );
    }
}
