//! Running a compiled program (`ovsm run OUT.so`): the `.so` is deployed through the real
//! upgradeable-loader path in LiteSVM (buffer, write, deploy) and invoked by real transactions,
//! metered by the VM itself.
//!
//! The program talks back through `sol_log_` messages, each starting with a channel byte
//! (codegen/support/io.ll): `o` output, `v` the printed last value, `e` an error as
//! `e<site> <code> <message>`, where the site indexes the map kept beside the `.so`.

mod deploy;
mod directory;
mod host;
mod syscalls;
pub(crate) use host::CompiledState;
pub(crate) use syscalls::{register as register_syscalls, with_lent_chain};
pub mod wire;

pub use deploy::{keypair, Deployment, Invocation};

/// What one run of a compiled script produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptRun {
    pub stdout: String,
    pub outcome: ScriptOutcome,
    pub compute_units: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScriptOutcome {
    /// The printed value of the last top-level form.
    Value(String),
    /// An OVSM error: the site id, its code (`E0204`) and message.
    Error { site: u64, code: String, message: String },
    /// The VM stopped the program (compute budget, memory access, call depth...): its words.
    Aborted(String),
}

const PROGRAM_LOG: &str = "Program log: ";

/// Runs the top level of a compiled program once.
pub fn run_script(so: &[u8]) -> Result<ScriptRun, String> {
    let mut deployment = Deployment::new(so)?;
    let invocation = deployment.invoke(&[0])?;
    Ok(read_logs(&invocation))
}

/// Reassembles output, value and error from the program's log messages.
pub fn read_logs(invocation: &Invocation) -> ScriptRun {
    let mut stdout = String::new();
    let mut outcome = None;
    for line in &invocation.logs {
        let Some(message) = line.strip_prefix(PROGRAM_LOG) else { continue };
        match message.split_at_checked(1) {
            Some(("o", text)) => stdout.push_str(text),
            Some(("v", text)) => outcome = Some(ScriptOutcome::Value(text.to_string())),
            Some(("e", text)) => outcome = Some(parse_error(text)),
            _ => {}
        }
    }
    let outcome = match (outcome, &invocation.failure) {
        (Some(o), _) => o,
        // The VM's meter, in the interpreter's words (E0210).
        (None, Some(failure)) if failure.contains("exceeded CUs meter") || failure.contains("Computational budget exceeded") => {
            ScriptOutcome::Error {
                site: u64::MAX,
                code: "E0210".to_string(),
                message: format!("compute budget exceeded: {} compute units", invocation.compute_limit),
            }
        }
        (None, Some(failure)) => ScriptOutcome::Aborted(failure.clone()),
        (None, None) => ScriptOutcome::Aborted("the program ended without reporting a value".to_string()),
    };
    ScriptRun { stdout, outcome, compute_units: invocation.compute_units }
}

fn parse_error(text: &str) -> ScriptOutcome {
    let mut parts = text.splitn(3, ' ');
    let site = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let code = parts.next().and_then(|c| c.parse::<u32>().ok()).unwrap_or(299);
    let message = parts.next().unwrap_or("").to_string();
    ScriptOutcome::Error { site, code: format!("E{code:04}"), message }
}

/// A code a compiled program reported, as the static string diagnostics carry; the program can
/// only report the interpreter's own run-time codes.
pub(crate) fn static_code(code: &str) -> &'static str {
    const CODES: [&str; 12] = ["E0201", "E0202", "E0203", "E0204", "E0205", "E0206", "E0207", "E0208", "E0209", "E0210", "E0211", "E0299"];
    CODES.iter().find(|c| **c == code).copied().unwrap_or("E0299")
}

/// The diagnostic for an error a compiled program reported, pointing at its site's span.
pub fn error_diagnostic(code: &str, message: &str, span: ovsm_lexer::Span) -> ovsm_lexer::Diagnostic {
    let d = ovsm_lexer::Diagnostic::error(static_code(code), message.to_string());
    if span.is_synthetic() {
        d
    } else {
        d.with_label(span, message.to_string())
    }
}
