//! Errors are values: a list of input problems (exit 2) or a failure of the tool itself (exit 1).

use std::fmt;

/// One thing wrong with the user's input, tied to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Field path with dots and indexes (`agent_vpcs[1].cidr`); empty for the document itself.
    pub path: String,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Appends a mapping key to a field path: `agent_vpcs[1]` + `cidr` -> `agent_vpcs[1].cidr`.
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Appends a list index to a field path: `agent_vpcs` + 1 -> `agent_vpcs[1]`.
pub(crate) fn push_index(path: &mut String, index: usize) {
    use fmt::Write as _;
    let _ = write!(path, "[{index}]");
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Everything that can go wrong between reading a topology and writing its code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is not acceptable; every problem found is listed.
    #[error("{source_name}: {} problem(s):\n{}", problems.len(), list(problems))]
    Invalid {
        source_name: String,
        problems: Vec<Problem>,
    },
    /// The input could not be read (missing file, permissions, not UTF-8).
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },
    /// The embedded or user-supplied catalog is broken.
    #[error("catalog {source_name}: {}", list(problems))]
    Catalog {
        source_name: String,
        problems: Vec<Problem>,
    },
    /// A template failed to render: a bug in ddpl-gen, not in the input.
    #[error("internal error while rendering {template}: {reason}")]
    Render { template: String, reason: String },
    /// Writing output failed.
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: String },
    /// `generate --check`: the directory does not hold what would be generated.
    #[error(
        "{dir} is not up to date; run ddpl-gen generate again and commit the result:\n{}",
        drift_lines(differ, missing, stale)
    )]
    OutOfDate {
        dir: String,
        differ: Vec<String>,
        missing: Vec<String>,
        stale: Vec<String>,
    },
    /// A site named to a command (not in a topology) is unknown, or has no PrivateLink.
    #[error("site {name:?} {}; supported sites: {supported}", match domain {
        Some(domain) => format!("({domain}) does not offer AWS PrivateLink"),
        None => "is not a known site".to_string(),
    })]
    UnsupportedSite {
        name: String,
        /// The site's domain when the catalog knows it (without PrivateLink).
        domain: Option<String>,
        supported: String,
    },
    /// A file the command would create exists, and overwriting it was not asked for.
    #[error("{path} exists; nothing was written")]
    Exists { path: String },
    /// The request does not fit this topology (for example stdout with several stacks).
    #[error("{0}")]
    Usage(String),
}

fn drift_lines(differ: &[String], missing: &[String], stale: &[String]) -> String {
    let mut lines = Vec::new();
    lines.extend(differ.iter().map(|p| format!("  differs: {p}")));
    lines.extend(missing.iter().map(|p| format!("  missing: {p}")));
    lines.extend(
        stale
            .iter()
            .map(|p| format!("  not generated any more: {p}")),
    );
    lines.join("\n")
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// The process exit code the contract gives this error: 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Invalid { .. } | Error::Unreadable { .. } | Error::Catalog { .. } => 2,
            Error::Usage(_) | Error::UnsupportedSite { .. } | Error::Exists { .. } => 2,
            Error::Render { .. } | Error::Write { .. } | Error::OutOfDate { .. } => 1,
        }
    }

    /// The problems when this is an input error, for callers that want them one by one.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid { problems, .. } | Error::Catalog { problems, .. } => problems,
            _ => &[],
        }
    }
}
