//! Every `examples/*.ovsm` runs through the real binary (with `NAME.scenario.toml` when there is
//! one) and prints exactly `examples/NAME.expected`.
//! `OVSM_BLESS=1` rewrites the expected files.

#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::without_compute_units;
use std::path::Path;
use std::process::Command;

#[test]
fn examples_print_their_expected_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(root.join("examples")).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "ovsm")) {
        let rel = path.strip_prefix(root).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_ovsm"));
        command.current_dir(root).arg("run").arg(rel);
        let scenario = path.with_extension("scenario.toml");
        if scenario.exists() {
            command.arg("--scenario").arg(scenario.strip_prefix(root).unwrap());
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "{} failed:\n{}", rel.display(), String::from_utf8_lossy(&output.stderr));
        let expected_path = path.with_extension("expected");
        let actual = String::from_utf8_lossy(&output.stdout).into_owned();
        if std::env::var_os("OVSM_BLESS").is_some() {
            std::fs::write(&expected_path, &actual).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert_eq!(actual, expected, "{} printed something else than {}", rel.display(), expected_path.display());
        checked += 1;
    }
    assert!(checked > 0, "no examples found");
}

/// `(import "PATH")`: relative to the importer, each file once (cycles end), imported units run
/// first; a missing file is an error at the import.
#[test]
fn imports_load_each_file_once_relative_to_the_importer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run =
        |file: &str| Command::new(env!("CARGO_BIN_EXE_ovsm")).current_dir(root).args(["run", file]).env("NO_COLOR", "1").output().unwrap();
    let output = run("tests/imports/main.ovsm");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "names loaded\nstats loaded\nstats 3\nnil\n");
    let output = run("tests/imports/missing.ovsm");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("[E0122] Error: cannot import `lib/not-there.ovsm`") && stderr.contains("missing.ovsm:1:9"), "{stderr}");
}

/// `--timeline` draws the run: a lane per subscription, the same bytes every run.
#[test]
fn timeline_is_a_deterministic_svg_of_the_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let draw = |name: &str| {
        let path = out.join(name);
        let status = Command::new(env!("CARGO_BIN_EXE_ovsm"))
            .current_dir(root)
            .args(["run", "examples/dao_enforcer.ovsm", "--scenario", "examples/dao_enforcer.scenario.toml", "--timeline"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
        std::fs::read_to_string(path).unwrap()
    };
    let first = draw("timeline-1.svg");
    assert!(first.starts_with("<svg") && first.trim_end().ends_with("</svg>"));
    for label in ["dao-enforcer #1 ACCOUNT_DATA_CHANGE", "dao-enforcer on-event", "deferred", "compute units"] {
        assert!(first.contains(label), "the timeline lacks {label:?}");
    }
    assert_eq!(first, draw("timeline-2.svg"));
}

/// Every example must compile, deploy and print exactly what the interpreter prints, with the
/// same run summary and trace (compute units aside: each back end meters its own).
#[test]
fn compiled_examples_print_what_the_interpreter_prints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut entries: Vec<_> = std::fs::read_dir(root.join("examples")).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut compiled = 0;
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "ovsm")) {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let so = out.join(format!("{name}.so"));
        let mut build = Command::new(env!("CARGO_BIN_EXE_ovsm"));
        build.current_dir(root).arg("build").arg(path).arg("-o").arg(&so);
        if path.with_extension("scenario.toml").exists() {
            build.arg("--scenario").arg(path.with_extension("scenario.toml"));
        }
        let build = build.output().unwrap();
        assert!(build.status.success(), "{name} does not build:\n{}", String::from_utf8_lossy(&build.stderr));
        let run = |program: &Path| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_ovsm"));
            let trace = out.join(format!("{}.trace.jsonl", program.file_name().unwrap().to_string_lossy()));
            command.current_dir(root).arg("run").arg(program).arg("--trace").arg(trace);
            let scenario = path.with_extension("scenario.toml");
            if scenario.exists() {
                command.arg("--scenario").arg(&scenario);
            }
            command.output().unwrap()
        };
        let (interpreted, compiled_run) = (run(path), run(&so));
        assert!(compiled_run.status.success(), "{name}.so failed:\n{}", String::from_utf8_lossy(&compiled_run.stderr));
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        assert_eq!(String::from_utf8_lossy(&compiled_run.stdout), expected, "{name}.so printed something else");
        let first_line = |o: &std::process::Output| String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("").to_string();
        assert_eq!(first_line(&compiled_run), first_line(&interpreted), "{name}.so's run summary differs");
        let trace = |file: &str| without_compute_units(&std::fs::read_to_string(out.join(format!("{file}.trace.jsonl"))).unwrap());
        assert_eq!(trace(&format!("{name}.so")), trace(&format!("{name}.ovsm")), "{name}.so's trace differs");
        compiled += 1;
    }
    assert!(compiled >= 7, "only {compiled} examples were found");
}

/// A compiled program's recursion limit is set when it is built; `ovsm run X.so --max-depth`
/// says so instead of ignoring the flag in silence.
#[test]
fn a_compiled_program_keeps_the_depth_limit_it_was_built_with() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let source = out.join("depth.ovsm");
    std::fs::write(&source, "(defun down (n) (if (= n 0) 0 (+ 1 (down (- n 1)))))\n(down 10)\n").unwrap();
    let so = out.join("depth.so");
    let ovsm = |args: &[&std::ffi::OsStr]| Command::new(env!("CARGO_BIN_EXE_ovsm")).args(args).env("NO_COLOR", "1").output().unwrap();
    let build = ovsm(&["build".as_ref(), source.as_os_str(), "--max-depth".as_ref(), "5".as_ref(), "-o".as_ref(), so.as_os_str()]);
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let run = ovsm(&["run".as_ref(), so.as_os_str(), "--max-depth".as_ref(), "100".as_ref()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("warning: `--max-depth` has no effect on a compiled program"), "{stderr}");
    assert!(stderr.contains("recursion depth limit (5)"), "the built limit applies: {stderr}");
    let plain = ovsm(&["run".as_ref(), so.as_os_str()]);
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("warning"), "no flag, no warning");
}
