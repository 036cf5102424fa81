//! Shared by the integration tests (each test file that uses it declares `mod support;`):
//! where the golden cases and examples are, the topologies several tests start from
//! ([`fixtures`]), running the binary, the bash that runs generated scripts, and a recording
//! fake `aws` ([`fake_aws`]). Not every test binary uses every helper.
#![allow(dead_code)]

pub mod fake_aws;
pub mod fixtures;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use ddpl_gen::{Catalog, Plan};

/// The repository root (the package's manifest directory).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn golden_root() -> PathBuf {
    root().join("golden")
}

/// Every golden case: the directories of golden/, sorted (the files beside them are the
/// outputs that depend on no topology).
pub fn golden_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs::read_dir(golden_root())
        .expect("golden/ exists")
        .map(|e| e.expect("readable golden/ entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no golden cases");
    cases
}

/// The topology of a golden case: its topology.yaml, or else its topology.json.
pub fn topology_path(case: &Path) -> PathBuf {
    ["topology.yaml", "topology.json"]
        .iter()
        .map(|n| case.join(n))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{} has no topology.yaml or topology.json", case.display()))
}

/// The topology of every golden case, in the order of [`golden_cases`].
pub fn golden_topologies() -> Vec<PathBuf> {
    golden_cases().iter().map(|c| topology_path(c)).collect()
}

/// The topology of the golden case `name` (a directory of golden/).
pub fn golden_topology(name: &str) -> PathBuf {
    topology_path(&golden_root().join(name))
}

/// The example topologies: the YAML (or JSON) files of examples/, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = (fs::read_dir(root().join("examples")).expect("examples/ exists"))
        .map(|e| e.expect("readable examples/ entry").path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    out.sort();
    out
}

/// The example topology `name` (a file name in examples/), as a string for the command line.
pub fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

/// The plan of a topology file, its path as the source name.
pub fn plan_of_file(path: &Path) -> Plan {
    let text = fs::read_to_string(path).expect("readable topology");
    ddpl_gen::plan_from_text(&text, &path.display().to_string(), &Catalog::embedded())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The ddpl-gen binary of this build.
pub fn ddpl_gen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ddpl-gen"))
}

/// Runs ddpl-gen with `args` (in `cwd`, else here) and `stdin` on its standard input (else
/// nothing there), capturing its output.
pub fn run_ddpl_gen(args: &[&str], cwd: Option<&Path>, stdin: Option<&[u8]>) -> Output {
    let mut command = ddpl_gen();
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command.stdin(stdin.map_or_else(Stdio::null, |_| Stdio::piped()));
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("run ddpl-gen");
    let writer = stdin.map(|bytes| {
        let (mut pipe, bytes) = (child.stdin.take().unwrap(), bytes.to_vec());
        // ddpl-gen stops reading past its limit: a broken pipe here is expected.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let out = child.wait_with_output().unwrap();
    if let Some(w) = writer {
        w.join().unwrap();
    }
    out
}

/// Output bytes as text (invalid UTF-8 replaced).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The bash that runs generated scripts: `bash` on PATH, else the first of the usual places
/// that runs `bash -c true`. `Err` says why there is none (a test that can do without bash skips
/// with it).
pub fn bash() -> Result<&'static Path, &'static str> {
    static BASH: OnceLock<Option<PathBuf>> = OnceLock::new();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let usual = ["/bin", "/usr/bin", "/usr/local/bin"].map(PathBuf::from);
    BASH.get_or_init(|| {
        (std::env::split_paths(&path).chain(usual))
            .map(|dir| dir.join("bash"))
            .find(|b| {
                b.is_file()
                    && Command::new(b)
                        .args(["-c", "true"])
                        .status()
                        .is_ok_and(|s| s.success())
            })
    })
    .as_deref()
    .ok_or("bash not found (on PATH, in /bin, /usr/bin or /usr/local/bin)")
}

/// [`bash`], or `None` after saying on stderr that the test is skipped.
pub fn bash_or_skip() -> Option<&'static Path> {
    bash().inspect_err(|why| eprintln!("{why}; skipped")).ok()
}

/// [`bash`], for tests that cannot do without it: panics with the reason.
pub fn require_bash() -> &'static Path {
    bash().unwrap_or_else(|why| panic!("{why}"))
}

/// Argument vectors as the fake `aws` records them: for each call its argument count, then
/// each argument, every field NUL-terminated.
pub fn parse_argv_log(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("argv is UTF-8");
    let mut fields = text.split('\0');
    let mut calls = Vec::new();
    while let Some(count) = fields.next() {
        if count.is_empty() {
            break;
        }
        let n: usize = count.parse().expect("argument count");
        calls.push(
            (0..n)
                .map(|_| fields.next().expect("argument").to_string())
                .collect(),
        );
    }
    calls
}

/// The value after the first `flag` of an argument vector.
pub fn arg_of<'a>(call: &'a [String], flag: &str) -> Option<&'a str> {
    let at = call.iter().position(|a| a == flag)?;
    call.get(at + 1).map(String::as_str)
}
