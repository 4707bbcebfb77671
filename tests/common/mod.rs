//! What the corpus harness and the differential harness share: reading a case file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub const STDOUT_MARK: &str = ";; ---- expect: stdout ----";
pub const ERROR_MARK: &str = ";; ---- expect: error ----";
pub const STDERR_MARK: &str = ";; ---- expect: stderr ----";
pub const DIAGNOSTICS_MARK: &str = ";; ---- expect: diagnostics ----";

pub struct Case {
    pub program: String,
    pub stdout: Option<String>,
    /// What a successful run printed on stderr (the simulation summary), when checked.
    pub stderr: Option<String>,
    pub error: Option<String>,
    pub contains: Vec<String>,
    /// Extra `ovsm run` arguments from `;; args:` lines.
    pub args: Vec<String>,
}

pub fn parse_case(text: &str) -> Case {
    let mut case = Case { program: String::new(), stdout: None, stderr: None, error: None, contains: Vec::new(), args: Vec::new() };
    // Which expectation block the following comment lines belong to, if any.
    let mut block: Option<fn(&mut Case) -> &mut Option<String>> = None;
    for line in text.lines() {
        let opened: Option<fn(&mut Case) -> &mut Option<String>> = match line.trim_end() {
            // `check/` cases: the diagnostics `ovsm check --format short` prints, compared as stdout.
            DIAGNOSTICS_MARK | STDOUT_MARK => Some(|c| &mut c.stdout),
            STDERR_MARK => Some(|c| &mut c.stderr),
            ERROR_MARK => Some(|c| &mut c.error),
            _ => None,
        };
        if let Some(target) = opened {
            *target(&mut case) = Some(String::new());
            block = Some(target);
            continue;
        }
        match block.and_then(|target| target(&mut case).as_mut()) {
            Some(body) => {
                body.push_str(line.strip_prefix(";; ").or_else(|| line.strip_prefix(";;")).unwrap_or(line));
                body.push('\n');
            }
            None => {
                if let Some(word) = line.strip_prefix(";; contains:") {
                    case.contains.push(word.trim().to_string());
                }
                if let Some(more) = line.strip_prefix(";; args:") {
                    case.args.extend(more.split_whitespace().map(str::to_string));
                }
                case.program.push_str(line);
                case.program.push('\n');
            }
        }
    }
    case
}

pub fn block(mark: &str, body: &str) -> String {
    let mut out = format!("{mark}\n");
    for line in body.lines() {
        if line.is_empty() {
            out.push_str(";;\n");
        } else {
            out.push_str(&format!(";; {line}\n"));
        }
    }
    out
}

/// Scenario files named in `;; args:` are relative to the workspace; the case runs elsewhere.
pub fn resolve(root: &Path, arg: &str) -> String {
    if arg.ends_with(".toml") && Path::new(arg).is_relative() {
        return root.join(arg).display().to_string();
    }
    arg.to_string()
}

pub fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "ovsm") {
            out.push(path);
        }
    }
}

/// A JSONL trace without its `"compute_units"` fields: what both back ends must agree on.
pub fn without_compute_units(trace: &str) -> String {
    let mut out = String::new();
    for line in trace.lines() {
        let mut line = line.to_string();
        if let Some(at) = line.find(",\"compute_units\":") {
            let end = line[at + 17..].find(|c: char| !c.is_ascii_digit()).map_or(line.len(), |e| at + 17 + e);
            line.replace_range(at..end, "");
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
