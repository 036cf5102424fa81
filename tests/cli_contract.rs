//! The command-line contract (README, "Commands" and "Exit codes"): exit codes, stdout/stderr discipline, `-f`, `-o`.

mod support;

use std::path::Path;
use std::process::Output;

use support::fixtures::same_region_on_eu;
use support::{example, text};

fn run(args: &[&str], cwd: &Path, stdin: Option<&str>) -> Output {
    support::run_ddpl_gen(args, Some(cwd), stdin.map(str::as_bytes))
}

#[test]
fn validate_prints_one_line_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["validate", "-f", &example("same-region.yaml")],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("valid"), "{stdout}");
}

#[test]
fn invalid_input_exits_2_with_nothing_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["validate", "terraform", "cli", "cloudformation"] {
        let out = run(&[cmd, "-f", "-"], dir.path(), Some(same_region_on_eu()));
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        assert!(out.stdout.is_empty(), "{cmd} wrote to stdout");
        let err = text(&out.stderr);
        assert!(err.contains("site: \"eu\""), "{cmd}: {err}");
        assert!(err.contains("supported sites"), "{cmd}: {err}");
    }
}

#[test]
fn unreadable_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["terraform", "-f", "nope.yaml"], dir.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("cannot read nope.yaml"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn non_utf8_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bin.yaml"), [0xff, 0xfe, 0x00, 0x41]).unwrap();
    let out = run(&["validate", "-f", "bin.yaml"], dir.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not UTF-8"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn default_file_is_ddpl_yaml_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["validate"], dir.path(), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("ddpl.yaml"),
        "{}",
        text(&out.stderr)
    );
    std::fs::copy(example("same-region.yaml"), dir.path().join("ddpl.yaml")).unwrap();
    let out = run(&["validate"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn stdin_input_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"{"version": 1, "name": "acme", "site": "us1", "kind": "same-region",
      "endpoint_vpc": {"vpc_id": "vpc-0123456789abcdef0", "region": "us-east-1",
      "cidr": "10.0.0.0/16", "subnet_ids": ["subnet-0123456789abcdef0"]}}"#;
    let out = run(&["terraform", "-f", "-"], dir.path(), Some(json));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("aws_vpc_endpoint"));
}

#[test]
fn output_dir_is_not_created_on_invalid_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["cloudformation", "-f", "-", "-o", "stacks"],
        dir.path(),
        Some(same_region_on_eu()),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.path().join("stacks").exists(), "stacks/ left behind");
}

#[test]
fn output_dir_gets_one_template_per_stack() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &[
            "cloudformation",
            "-f",
            &example("peering.yaml"),
            "-o",
            "stacks",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let names: Vec<String> = std::fs::read_dir(dir.path().join("stacks"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let templates = names.iter().filter(|n| n.ends_with(".yaml")).count();
    assert_eq!(templates, 2, "{names:?}");
    assert!(!names.iter().any(|n| n.contains("ddpl-tmp")), "{names:?}");
}

/// Generating again into the same directory leaves files with the same bytes untouched (their
/// modification time too) and rewrites only those that changed.
#[test]
fn output_dir_rewrites_only_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "cloudformation",
        "-f",
        &example("peering.yaml"),
        "-o",
        "stacks",
    ];
    let first = run(&args, dir.path(), None);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).starts_with("wrote "),
        "{}",
        text(&first.stderr)
    );
    assert!(!text(&first.stderr).contains("unchanged"));
    let stacks = dir.path().join("stacks");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&stacks)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    let mtime = |p: &std::path::Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before: Vec<_> = files.iter().map(|f| mtime(f)).collect();
    // A file changed by hand is put back; the others are not touched.
    std::fs::write(&files[0], "edited by hand\n").unwrap();
    let edited = mtime(&files[0]);
    std::thread::sleep(std::time::Duration::from_millis(20));

    let second = run(&args, dir.path(), None);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let said = text(&second.stderr);
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().to_string();
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 2, "{said}");
    assert!(
        lines[0].starts_with("wrote ") && lines[0].ends_with(&name(&files[0])),
        "{said}"
    );
    assert!(lines[1].starts_with("unchanged: "), "{said}");
    for (file, was) in files.iter().zip(&before).skip(1) {
        assert!(lines[1].contains(&name(file)), "{said}");
        assert_eq!(mtime(file), *was, "{} was rewritten", name(file));
    }
    assert_ne!(mtime(&files[0]), edited, "the edited file was not put back");
    assert!(
        !std::fs::read_to_string(&files[0])
            .unwrap()
            .contains("edited by hand")
    );
    assert_eq!(
        std::fs::read_dir(&stacks).unwrap().count(),
        4,
        "no temporary file left"
    );
}

#[test]
fn multi_stack_without_output_dir_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &["cloudformation", "-f", &example("peering.yaml")],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("-o DIR"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn version_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["--version"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).starts_with("ddpl-gen "));
    for cmd in ["validate", "terraform", "cloudformation", "cli", "schema"] {
        let out = run(&[cmd, "--help"], dir.path(), None);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        assert!(
            text(&out.stdout).contains("Example"),
            "{cmd} --help has no example"
        );
    }
}

#[test]
fn schema_command_prints_the_published_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["schema"], dir.path(), None);
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}
