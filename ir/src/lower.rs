//! Lowering: syntax tree to IR.
//!
//! One [`Lowering`] is kept per session (a run, or a REPL), so globals keep their ids across
//! the units lowered into it: the prelude first, then each source.

mod forms;
mod function;
mod scan;

use crate::{Constant, FuncId, Function, GlobalId, Instr, Params, Program};
use function::FnCtx;
use ovsm_lexer::{Diagnostic, Span};
use ovsm_parser::{Form, FormKind};
use ovsm_stdlib::{BuiltinId, Implementation};
use rustc_hash::{FxHashMap, FxHashSet};

/// The state of lowering across units.
#[derive(Default)]
pub struct Lowering {
    pub program: Program,
    global_ids: FxHashMap<String, GlobalId>,
    /// Names some unit defines at top level: these shadow builtins of the same name.
    user_globals: FxHashSet<String>,
    /// While lowering the prelude, builtins are never shadowed by user definitions.
    in_prelude: bool,
}

/// What a name refers to at one point of the program.
#[derive(Clone, Copy, Debug)]
enum Var {
    Local { slot: u16, boxed: bool },
    Captured { idx: u16, boxed: bool },
    Global(GlobalId),
    Builtin(BuiltinId),
}

/// Lowers one parsed unit into a fresh [`Lowering`] that already holds the prelude.
pub fn lower(forms: &[Form]) -> (Option<Lowering>, Vec<Diagnostic>) {
    let mut lowering = Lowering::new();
    let diagnostics = lowering.lower_unit(forms);
    if ovsm_lexer::any_errors(&diagnostics) {
        return (None, diagnostics);
    }
    (Some(lowering), diagnostics)
}

impl Lowering {
    /// A lowering with the prelude's functions already defined, its spans in a scratch source.
    pub fn new() -> Lowering {
        Lowering::with_prelude(ovsm_lexer::SourceId::SYNTHETIC)
    }

    /// A lowering with the prelude's functions already defined; `id` is where the caller
    /// registered [`ovsm_stdlib::PRELUDE`] so errors inside prelude code point into it.
    pub fn with_prelude(id: ovsm_lexer::SourceId) -> Lowering {
        let mut lowering = Lowering::default();
        // The prelude is ours and tested: should it ever fail to parse, the builtins it defines
        // report themselves as undefined instead of taking the process down.
        if let (Some(prelude), _) = ovsm_parser::parse(ovsm_stdlib::PRELUDE, id) {
            lowering.in_prelude = true;
            let _ = lowering.lower_unit(&prelude.forms);
            lowering.in_prelude = false;
        }
        lowering
    }

    /// Lowers one unit's top-level forms into a new entry function, appended to `program.entries`.
    pub fn lower_unit(&mut self, forms: &[Form]) -> Vec<Diagnostic> {
        if !self.in_prelude {
            for form in forms {
                let mut names = Vec::new();
                scan::body_defines(std::slice::from_ref(form), &mut names);
                self.user_globals.extend(names.into_iter().map(str::to_string));
            }
        }
        let span = match (forms.first(), forms.last()) {
            (Some(a), Some(b)) => a.span.to(b.span),
            _ => Span::SYNTHETIC,
        };
        let mut fns = vec![FnCtx::new("toplevel", span, scan::Usage::of(forms), true)];
        let mut diagnostics = Vec::new();
        {
            let mut cx = forms::Cx { lowering: self, fns: &mut fns, diagnostics: &mut diagnostics };
            cx.lower_body(forms, span, false);
            cx.emit(Instr::Return, span);
        }
        if let Some(top) = fns.pop() {
            let id = self.push_function(top.finish(Params::default(), None));
            self.program.entries.push(id);
        }
        diagnostics
    }

    /// The global for `name`, made if needed: for values the host binds before any source runs.
    pub fn define_global(&mut self, name: &str) -> GlobalId {
        self.global(name)
    }

    /// Whether some unit defines `name` at top level.
    fn is_user_global(&self, name: &str) -> bool {
        self.user_globals.contains(name)
    }

    fn push_function(&mut self, function: Function) -> FuncId {
        let id = FuncId(u32::try_from(self.program.functions.len()).unwrap_or(u32::MAX));
        self.program.functions.push(function);
        id
    }

    fn global(&mut self, name: &str) -> GlobalId {
        if let Some(id) = self.global_ids.get(name) {
            return *id;
        }
        let id = GlobalId(u32::try_from(self.program.globals.len()).unwrap_or(u32::MAX));
        self.program.globals.push(name.to_string());
        self.global_ids.insert(name.to_string(), id);
        id
    }

    /// Resolves a name that no enclosing function binds.
    fn resolve_free(&mut self, name: &str) -> Var {
        let shadowed = !self.in_prelude && self.user_globals.contains(name);
        match ovsm_stdlib::lookup(name) {
            Some(id) if !shadowed => match ovsm_stdlib::get(id).map(|b| b.implementation) {
                Some(Implementation::Native) => Var::Builtin(id),
                _ => Var::Global(self.global(name)),
            },
            _ => Var::Global(self.global(name)),
        }
    }

    fn constant(&mut self, constant: Constant) -> u32 {
        if let Some(i) = self.program.constants.iter().position(|c| c.identical(&constant)) {
            return u32::try_from(i).unwrap_or(u32::MAX);
        }
        self.program.constants.push(constant);
        u32::try_from(self.program.constants.len() - 1).unwrap_or(u32::MAX)
    }
}

/// The value of a quoted datum.
fn quoted(form: &Form) -> Constant {
    match &form.kind {
        FormKind::Int(n) => Constant::Int(*n),
        FormKind::Float(f) => Constant::Float(*f),
        FormKind::Str(s) => Constant::Str(s.clone()),
        FormKind::Keyword(k) => Constant::Keyword(k.clone()),
        FormKind::Symbol(s) => match s.as_str() {
            "true" => Constant::Bool(true),
            "false" => Constant::Bool(false),
            "nil" | "null" => Constant::Nil,
            _ => Constant::Str(s.clone()),
        },
        FormKind::List(items) | FormKind::Array(items) => Constant::Array(items.iter().map(quoted).collect()),
        FormKind::Map(items) => Constant::Map(
            items.chunks(2).map(|kv| (kv.first().map_or(Constant::Nil, quoted), kv.get(1).map_or(Constant::Nil, quoted))).collect(),
        ),
        FormKind::Quote(inner) => Constant::Array(vec![Constant::Str("quote".into()), quoted(inner)]),
    }
}

/// A form that is a literal all the way down (so an array of them can be one constant).
fn literal(form: &Form) -> Option<Constant> {
    match &form.kind {
        FormKind::Int(n) => Some(Constant::Int(*n)),
        FormKind::Float(f) => Some(Constant::Float(*f)),
        FormKind::Str(s) => Some(Constant::Str(s.clone())),
        FormKind::Keyword(k) => Some(Constant::Keyword(k.clone())),
        FormKind::Array(items) => items.iter().map(literal).collect::<Option<Vec<_>>>().map(Constant::Array),
        _ => None,
    }
}
