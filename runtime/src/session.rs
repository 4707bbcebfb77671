//! A session: sources, the growing lowered program, and the interpreter, driven together.
//! The CLI and the REPL both go through this; neither holds pipeline logic of its own.

use crate::fault::RuntimeError;
use crate::host::Host;
use crate::value::Value;
use crate::vm::{Limits, Vm};
use ovsm_ir::Lowering;
use ovsm_lexer::{any_errors, Diagnostic, SourceId, Sources};

pub struct Session {
    pub sources: Sources,
    pub(crate) lowering: Lowering,
    pub vm: Vm,
    /// Functions that belong to the prelude, left out of IR dumps.
    prelude_functions: usize,
    /// Warnings of compiled code not yet shown.
    warnings: Vec<Diagnostic>,
    /// Files already brought in by `(import "path")`, canonical: each is loaded once.
    imported: std::collections::BTreeSet<std::path::PathBuf>,
    /// The compiled program `ovsm run OUT.so` deployed, if any.
    pub(crate) compiled: Option<crate::compiled::CompiledState>,
}

/// What evaluating a source gave.
#[derive(Debug)]
pub enum Outcome {
    Value(Value),
    /// Syntax or lowering errors: nothing ran.
    Rejected(Vec<Diagnostic>),
    Failed(RuntimeError),
}

impl Session {
    pub fn new(host: Box<dyn Host>, limits: Limits) -> Session {
        let mut sources = Sources::new();
        let prelude = sources.add("<prelude>", ovsm_stdlib::PRELUDE);
        let lowering = Lowering::with_prelude(prelude);
        let prelude_functions = lowering.program.functions.len();
        let mut session = Session {
            sources,
            lowering,
            vm: Vm::new(host, limits),
            prelude_functions,
            warnings: Vec::new(),
            imported: Default::default(),
            compiled: None,
        };
        // The prelude's top level defines its functions; it cannot fail, and if it ever did,
        // the prelude builtins would report themselves undefined when called.
        let entries = session.lowering.program.entries.clone();
        for entry in entries {
            let _ = session.vm.run(&session.lowering.program, entry);
        }
        session
    }

    /// Binds a global before any source runs (scenario account names).
    pub fn define_global(&mut self, name: &str, value: Value) {
        let id = self.lowering.define_global(name);
        let index = id.0 as usize;
        if self.vm.globals.len() <= index {
            self.vm.globals.resize(index + 1, None);
        }
        if let Some(slot) = self.vm.globals.get_mut(index) {
            *slot = Some(value);
        }
    }

    pub fn program(&self) -> &ovsm_ir::Program {
        &self.lowering.program
    }

    /// Parses, lowers and runs one source; its autonomous programs' startup code runs after.
    pub fn eval(&mut self, name: &str, text: &str) -> Outcome {
        let id = self.sources.add(name, text);
        let programs_before = self.lowering.program.programs.len();
        let entries_before = self.lowering.program.entries.len();
        let imported_before = self.imported.clone();
        if let Err(diagnostics) = self.compile(id) {
            // Nothing of a rejected source runs, its imports included: a later attempt (in the
            // REPL) must load them again.
            self.imported = imported_before;
            return Outcome::Rejected(diagnostics);
        }
        // The new units run in order: every imported file, then the source itself.
        let entries: Vec<ovsm_ir::FuncId> = self.lowering.program.entries.get(entries_before..).unwrap_or(&[]).to_vec();
        let mut value = Value::Nil;
        for entry in entries {
            value = match self.vm.run(&self.lowering.program, entry) {
                Ok(v) => v,
                Err(e) => return Outcome::Failed(e),
            };
        }
        if let Err(e) = self.deploy_and_start(programs_before) {
            return Outcome::Failed(e);
        }
        Outcome::Value(value)
    }

    /// Parses and lowers a registered source, returning its entry function.
    fn compile(&mut self, id: SourceId) -> Result<ovsm_ir::FuncId, Vec<Diagnostic>> {
        let text = self.sources.text(id).to_string();
        let (program, mut diagnostics) = ovsm_parser::parse(&text, id);
        let Some(program) = program.filter(|_| !any_errors(&diagnostics)) else {
            return Err(diagnostics);
        };
        // Imported files are units of their own, lowered (and later run) before this one.
        self.compile_imports(id, &program.forms)?;
        let first_new = self.lowering.program.functions.len();
        diagnostics.extend(self.lowering.lower_unit(&program.forms));
        if any_errors(&diagnostics) {
            return Err(diagnostics);
        }
        // The verifier's rules run on the new code before any of it runs: errors stop the run,
        // warnings are kept for the caller to show.
        diagnostics.extend(ovsm_ir::check(&self.lowering.program, &self.check_context(first_new)));
        if any_errors(&diagnostics) {
            return Err(diagnostics);
        }
        self.warnings.extend(diagnostics);
        self.lowering.program.entries.last().copied().ok_or_else(Vec::new)
    }

    /// Loads each top-level `(import "PATH")` of a source: PATH is relative to the importing
    /// file's directory; a file already imported is not loaded again (so cycles end).
    fn compile_imports(&mut self, id: SourceId, forms: &[ovsm_parser::ast::Form]) -> Result<(), Vec<Diagnostic>> {
        let base = std::path::Path::new(self.sources.name(id)).parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        for form in forms {
            let Some([head, ovsm_parser::ast::Form { kind: ovsm_parser::ast::FormKind::Str(path), span }]) = form.list() else {
                continue;
            };
            if head.symbol() != Some("import") {
                continue;
            }
            let full = base.join(path);
            let unreadable = |e: std::io::Error| {
                vec![Diagnostic::error("E0122", format!("cannot import `{path}`: {e}"))
                    .with_label(*span, format!("looked for {}", full.display()))]
            };
            let canonical = full.canonicalize().map_err(unreadable)?;
            if !self.imported.insert(canonical.clone()) {
                continue;
            }
            let text = std::fs::read_to_string(&canonical).map_err(unreadable)?;
            let imported = self.sources.add(full.display().to_string(), text);
            self.compile(imported)?;
        }
        Ok(())
    }

    /// What the static checks know from the runtime: scenario names and sizes, the slot budget.
    fn check_context(&self, first_user_function: usize) -> ovsm_ir::CheckContext {
        let chain = &self.vm.chain;
        ovsm_ir::CheckContext {
            predefined: chain.account_names.iter().map(|(n, _)| n.clone()).collect(),
            account_sizes: chain.account_names.iter().filter_map(|(n, a)| chain.account_sizes.get(a).map(|s| (n.clone(), *s))).collect(),
            slot_budget: chain.config.slot_budget,
            first_user_function: first_user_function.max(self.prelude_functions),
        }
    }

    /// Warnings of what was compiled so far, once.
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.warnings)
    }

    /// Every diagnostic of a source (syntax, lowering, the verifier's rules), without running it.
    pub fn check_source(&mut self, name: &str, text: &str) -> Vec<Diagnostic> {
        let id = self.sources.add(name, text);
        match self.compile(id) {
            Ok(_) => self.take_warnings(),
            Err(diagnostics) => diagnostics,
        }
    }

    /// A summary of the simulation for stderr, or None when no program was deployed.
    pub fn summary(&self) -> Option<String> {
        let chain = &self.vm.chain;
        if chain.programs.is_empty() {
            return None;
        }
        let st = &chain.stats;
        let mut cu = chain.slot_compute.clone();
        cu.sort_unstable();
        let pick = |q: f64| cu.get(((cu.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0);
        Some(format!(
            "summary: {} slots; events created {}, delivered {}, dead-lettered {}, cancelled {}, pending {}; deferrals {}, failed attempts {}, retries {}, circuit trips {}\n\
             summary: compute units per busy slot: median {}, p99 {}, max {} ({} busy slots); subscriptions alive {}\n",
            chain.slot,
            st.created,
            st.delivered,
            st.dead_lettered,
            st.cancelled,
            chain.pending(),
            st.deferrals,
            st.failed_attempts,
            st.retries,
            st.breaker_trips,
            pick(0.5),
            pick(0.99),
            cu.last().copied().unwrap_or(0),
            cu.len(),
            chain.live_subscriptions(),
        ))
    }

    /// The trace as JSON lines.
    pub fn trace_jsonl(&self) -> String {
        self.vm.chain.trace.iter().map(|e| e.to_json() + "\n").collect()
    }

    pub fn printed(&self, value: &Value) -> String {
        crate::print::printed(value, &self.lowering.program)
    }

    /// Renders diagnostics of this session's sources.
    pub fn render(&self, diagnostics: &[Diagnostic], color: bool) -> String {
        ovsm_lexer::render_all(diagnostics, &self.sources, color)
    }

    pub fn render_error(&self, error: &RuntimeError, color: bool) -> String {
        ovsm_lexer::render(&error.to_diagnostic(&self.sources), &self.sources, color)
    }

    /// Parses, lowers and checks a source without running it (`ovsm build`); the program is
    /// then [`Session::program`], with the prelude.
    pub fn compile_only(&mut self, name: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
        let id = self.sources.add(name, text);
        self.compile(id).map(|_| ())
    }

    /// The IR of a source, without running it (`ovsm check --emit ir`).
    pub fn lower_only(&mut self, name: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
        let id = self.sources.add(name, text);
        let before = self.lowering.program.functions.len().max(self.prelude_functions);
        self.compile(id)?;
        Ok(ovsm_ir::print_program(&self.lowering.program, before))
    }
}
