//! Differential testing of the two back ends: every `run` and `errors` case of the corpus is
//! compiled with
//! `ovsm build` and its `.so` run with `ovsm run OUT.so`, and what it prints must be what the
//! interpreter prints (the case's expectation blocks, which the corpus harness holds the
//! interpreter to): the same stdout, the same exit status, the same first error line.
//!
//! A case the back end cannot compile yet must say so with E0701 at the construct; it is
//! counted, not failed. The count of cases compiled may only go up: `COMPILED_AT_LEAST`.
//! The report (which cases, and why the others do not compile) goes to
//! target/differential-report.txt.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Raise this as the back end grows; a drop means a case that compiled no longer does.
const COMPILED_AT_LEAST: usize = 332;

/// Cases whose outputs differ by design, with why (docs/codegen.md).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[(
    "runtime/query_subscriptions.ovsm",
    "programs that write the same top-level variable share it in the interpreter; compiled programs each keep their own in their state account",
)];

enum Verdict {
    Same,
    Unsupported(String),
    /// The interpreter finished; the compiled program ran out of the 1.4M compute units a
    /// transaction may use (the interpreter does not meter a script's top level), or of the
    /// 256 KiB heap a transaction may request (the interpreter's frames may use gigabytes).
    OverBudget,
    Differs(String),
}

/// The first error of a stderr, past any warnings (`ovsm build` shows those, not the run).
fn first_error(s: &str) -> &str {
    s.lines().find(|l| l.contains("] Error:")).unwrap_or("")
}

fn check_case(root: &Path, path: &Path) -> Verdict {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let case = parse_case(&std::fs::read_to_string(path).unwrap());
    let scratch = root.join("target/differential-programs");
    let copy = scratch.join(rel);
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::write(&copy, &case.program).unwrap();
    let so = copy.with_extension("so");
    let ovsm = |args: &[&std::ffi::OsStr]| {
        Command::new(env!("CARGO_BIN_EXE_ovsm")).current_dir(&scratch).args(args).env("NO_COLOR", "1").output().unwrap()
    };
    let mut build_args: Vec<&std::ffi::OsStr> = vec!["build".as_ref(), rel.as_os_str(), "-o".as_ref(), so.as_os_str()];
    // The depth limit is compiled into the program (`ovsm run X.so` cannot change it).
    if let Some(at) = case.args.iter().position(|a| a == "--max-depth") {
        build_args.extend(case.args.get(at..at + 2).unwrap_or_default().iter().map(std::ffi::OsStr::new));
    }
    let build = ovsm(&build_args);
    let build_err = String::from_utf8_lossy(&build.stderr).into_owned();
    if !build.status.success() {
        return match build_err.lines().find(|l| l.contains("[E0701]")) {
            Some(line) => Verdict::Unsupported(line.trim_start_matches("[E0701] Error: ").to_string()),
            // A program the front end rejects is rejected by `build` with the same diagnostic.
            None if case.error.as_deref().is_some_and(|e| first_error(e) == first_error(&build_err)) => Verdict::Same,
            None => Verdict::Differs(format!("`ovsm build` failed without saying what is unsupported:\n{build_err}")),
        };
    }
    let args: Vec<String> = case.args.iter().map(|a| resolve(root, a)).collect();
    // Autonomous runs also write their traces, to be compared with the interpreter's.
    let autonomous = case.program.contains("define-autonomous-program");
    let traces = [copy.with_extension("sbpf.jsonl"), copy.with_extension("interpreter.jsonl")];
    let mut run_args: Vec<&std::ffi::OsStr> = vec!["run".as_ref(), so.as_os_str()];
    run_args.extend(args.iter().map(std::ffi::OsStr::new));
    if autonomous {
        run_args.extend(["--trace".as_ref(), traces[0].as_os_str()]);
    }
    let run = ovsm(&run_args);
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    // Resource limits differ by nature: a transaction has 1.4M compute units and a 256 KiB heap,
    // the interpreter gigabytes and a frame count. (E0211, a value error, is not one of them.)
    // A case that sets `--max-depth` builds it into the program too: the same frame count on
    // both, so its E0208 is compared like any error.
    let depth_set = case.args.iter().any(|a| a == "--max-depth");
    let codes: &[&str] = if depth_set { &["[E0209]", "[E0210]"] } else { &["[E0208]", "[E0209]", "[E0210]"] };
    let limit = |text: &str| codes.iter().any(|code| first_error(text).starts_with(code));
    let interpreter_limited = case.error.as_deref().is_some_and(limit);
    if (case.error.is_none() || interpreter_limited) && limit(&stderr) {
        return Verdict::OverBudget;
    }
    let mut problems = Vec::new();
    let expected_stdout = case.stdout.clone().unwrap_or_default();
    // An autonomous invocation runs under its declared compute budget on both back ends, and
    // compiled code spends more of it (the top level runs again first, and every IR operation
    // costs tens of compute units, not one): a budget the interpreter's meter fits in may not.
    // Likewise its heap: 256 KiB against the interpreter's memory limit.
    for limit in ["compute budget exceeded", "out of memory: the program heap"] {
        if stdout.contains(limit) && !expected_stdout.contains(limit) {
            return Verdict::OverBudget;
        }
    }
    if let Some((_, why)) = KNOWN_DIFFERENCES.iter().find(|(case, _)| rel.ends_with(case)) {
        return Verdict::Unsupported(why.to_string());
    }
    if stdout != expected_stdout {
        problems.push(format!("stdout differs\n--- interpreter\n{expected_stdout}--- sBPF\n{stdout}"));
    }
    let expected_code = if case.error.is_some() { 1 } else { 0 };
    if run.status.code() != Some(expected_code) {
        problems.push(format!("exit status {:?}, the interpreter's is {expected_code}\nstderr:\n{stderr}", run.status.code()));
    }
    // The simulation's summary, apart from the compute units (each back end meters its own).
    let summary = |text: &str| -> Vec<String> {
        text.lines().filter(|l| l.starts_with("summary:") && !l.starts_with("summary: compute units")).map(str::to_string).collect()
    };
    if let Some(expected) = &case.stderr {
        if summary(expected) != summary(&stderr) {
            problems.push(format!(
                "summary differs\n--- interpreter\n{}\n--- sBPF\n{}",
                summary(expected).join("\n"),
                summary(&stderr).join("\n")
            ));
        }
    }
    if let Some(error) = &case.error {
        if first_error(error) != first_error(&stderr) {
            problems.push(format!("error differs\n--- interpreter\n{}\n--- sBPF\n{}", first_error(error), first_error(&stderr)));
        }
    }
    if problems.is_empty() && autonomous {
        // The trace too, apart from compute units (each back end meters its own).
        let mut interpreter_args: Vec<&std::ffi::OsStr> = vec!["run".as_ref(), rel.as_os_str()];
        interpreter_args.extend(args.iter().map(std::ffi::OsStr::new));
        interpreter_args.extend(["--trace".as_ref(), traces[1].as_os_str()]);
        ovsm(&interpreter_args);
        let [compiled, interpreted] = traces.map(|t| without_compute_units(&std::fs::read_to_string(t).unwrap_or_default()));
        if compiled != interpreted {
            let first = compiled.lines().zip(interpreted.lines()).find(|(a, b)| a != b);
            problems.push(format!(
                "trace differs, first at\n--- interpreter\n{:?}\n--- sBPF\n{:?}",
                first.map(|f| f.1),
                first.map(|f| f.0)
            ));
        }
    }
    if problems.is_empty() {
        Verdict::Same
    } else {
        Verdict::Differs(problems.join("\n"))
    }
}

#[test]
fn both_back_ends_agree_on_the_run_and_error_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<PathBuf> = Vec::new();
    files(&root.join("tests/corpus/run"), &mut paths);
    files(&root.join("tests/corpus/errors"), &mut paths);
    files(&root.join("tests/corpus/runtime"), &mut paths);
    paths.sort();
    // Two workers: each case is two processes and a LiteSVM deployment.
    let halves: Vec<Vec<PathBuf>> = (0..2).map(|k| paths.iter().skip(k).step_by(2).cloned().collect()).collect();
    let mut verdicts: Vec<(PathBuf, Verdict)> = std::thread::scope(|scope| {
        let workers: Vec<_> =
            halves.iter().map(|half| scope.spawn(|| half.iter().map(|p| (p.clone(), check_case(root, p))).collect::<Vec<_>>())).collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    verdicts.sort_by(|a, b| a.0.cmp(&b.0));

    let mut report = String::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut same = 0;
    let mut over_budget = 0;
    for (path, verdict) in &verdicts {
        let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
        match verdict {
            Verdict::Same => {
                same += 1;
                report.push_str(&format!("same         {name}\n"));
            }
            Verdict::Unsupported(why) => {
                *reasons.entry(why.clone()).or_default() += 1;
                report.push_str(&format!("unsupported  {name}: {why}\n"));
            }
            Verdict::OverBudget => {
                over_budget += 1;
                report.push_str(&format!("over budget  {name}\n"));
            }
            Verdict::Differs(how) => failures.push(format!("== {name}\n{how}")),
        }
    }
    report.push_str(&format!(
        "\n{same} of {} run and error cases compile and agree; {over_budget} compile but need more than a transaction's 1.4M compute units or 256 KiB heap; not compiled yet, by first reason:\n",
        verdicts.len()
    ));
    let mut by_count: Vec<(&String, &usize)> = reasons.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (why, n) in by_count {
        report.push_str(&format!("{n:5}  {why}\n"));
    }
    std::fs::write(root.join("target/differential-report.txt"), &report).unwrap();
    eprintln!("{report}");
    assert!(failures.is_empty(), "{} cases differ between the back ends:\n\n{}", failures.len(), failures.join("\n\n"));
    assert!(same >= COMPILED_AT_LEAST, "only {same} cases compile and agree; at least {COMPILED_AT_LEAST} did before");
}
