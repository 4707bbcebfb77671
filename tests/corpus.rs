//! The corpus harness: every `tests/corpus/{run,errors,parse}/**/*.ovsm` file is run through the
//! real `ovsm run` binary and its stdout, stderr and exit status compared with the trailing
//! `;; ---- expect: stdout ----` / `;; ---- expect: error ----` blocks.
//! `;; contains: WORD` lines name words the error must contain whatever its exact text.
//! `OVSM_BLESS=1 cargo test --test corpus` rewrites the blocks from what the binary printed.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn run_dir(sub: &str) {
    run_dir_with(sub, "run");
}

fn run_dir_with(sub: &str, mode: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("tests/corpus").join(sub), &mut paths);
    paths.sort();
    assert!(!paths.is_empty(), "no corpus cases under tests/corpus/{sub}");
    let bless = std::env::var_os("OVSM_BLESS").is_some();
    let mut failures = Vec::new();
    for path in &paths {
        let rel = path.strip_prefix(root).unwrap_or(path);
        let text = std::fs::read_to_string(path).unwrap();
        let case = parse_case(&text);
        // Only the program part runs: an expectation block may contain quotes or delimiters that
        // would otherwise close an unterminated string. The copy keeps the same relative path so
        // diagnostics name the corpus file.
        let scratch = root.join("target/corpus-programs");
        let copy = scratch.join(rel);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        std::fs::write(&copy, &case.program).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_ovsm"))
            .current_dir(&scratch)
            .args(if mode == "check" { vec!["check", "--format", "short"] } else { vec!["run"] })
            .arg(rel)
            .args(case.args.iter().map(|a| resolve(root, a)))
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let code = output.status.code();
        if bless && mode == "check" {
            let new = format!("{}{}", case.program, block(DIAGNOSTICS_MARK, &stdout));
            if new != text {
                std::fs::write(path, new).unwrap();
            }
            continue;
        }
        if bless {
            let mut new = case.program.clone();
            // A failing case keeps a stdout block only for what it printed before failing.
            if code == Some(0) || !stdout.is_empty() {
                new.push_str(&block(STDOUT_MARK, &stdout));
            }
            if code != Some(0) {
                new.push_str(&block(ERROR_MARK, &stderr));
            } else if !stderr.is_empty() {
                new.push_str(&block(STDERR_MARK, &stderr));
            }
            if new != text {
                std::fs::write(path, new).unwrap();
            }
            continue;
        }
        let mut problems = Vec::new();
        match (&case.error, code) {
            // A check case fails with status 1 exactly when it expects an error.
            _ if mode == "check" => {
                let expects_error = case.stdout.as_deref().is_some_and(|d| d.lines().any(|l| l.starts_with("error")));
                if code != Some(i32::from(expects_error)) {
                    problems.push(format!("`ovsm check` exited with {code:?}"));
                }
            }
            (None, Some(0)) | (Some(_), Some(1)) => {}
            (None, _) => problems.push(format!("expected success, exit status {code:?}\nstderr:\n{stderr}")),
            (Some(_), _) => problems.push(format!("expected exit status 1, got {code:?}")),
        }
        let expected_stdout = case.stdout.clone().unwrap_or_default();
        if stdout != expected_stdout {
            problems.push(format!("stdout differs\n--- expected\n{expected_stdout}--- actual\n{stdout}"));
        }
        if let Some(expected) = &case.error {
            if expected.trim() != "(to be blessed)" && &stderr != expected {
                problems.push(format!("stderr differs\n--- expected\n{expected}--- actual\n{stderr}"));
            }
        }
        if let (None, Some(expected)) = (&case.error, &case.stderr) {
            if &stderr != expected {
                problems.push(format!("stderr differs\n--- expected\n{expected}--- actual\n{stderr}"));
            }
        }
        for word in &case.contains {
            if !stderr.contains(word.as_str()) {
                problems.push(format!("stderr does not contain {word:?}:\n{stderr}"));
            }
        }
        if !problems.is_empty() {
            failures.push(format!("== {}\n{}", rel.display(), problems.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{} of {} corpus cases failed:\n\n{}", failures.len(), paths.len(), failures.join("\n\n"));
}

#[test]
fn corpus_run() {
    run_dir("run");
}

#[test]
fn corpus_errors() {
    run_dir("errors");
}

#[test]
fn corpus_parse() {
    run_dir("parse");
}

#[test]
fn corpus_runtime() {
    run_dir("runtime");
}

#[test]
fn corpus_check() {
    run_dir_with("check", "check");
}

/// The verifier finds no error in any program that is meant to run.
#[test]
fn no_check_errors_on_run_cases_and_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("tests/corpus/run"), &mut paths);
    files(&root.join("examples"), &mut paths);
    assert!(paths.len() > 100);
    let mut false_positives = Vec::new();
    for path in paths {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ovsm"));
        command.current_dir(root).args(["check", "--format", "short"]).arg(&path);
        let scenario = path.with_extension("scenario.toml");
        if scenario.exists() {
            command.arg("--scenario").arg(&scenario);
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let in_examples = path.starts_with(root.join("examples"));
        // Examples are held to a higher standard: not even a warning.
        if !output.status.success() || stdout.lines().any(|l| l.starts_with("error") || (in_examples && !l.is_empty())) {
            false_positives.push(format!("{}:\n{stdout}", path.display()));
        }
    }
    assert!(false_positives.is_empty(), "the checks reject programs that should run:\n{}", false_positives.join("\n"));
}
