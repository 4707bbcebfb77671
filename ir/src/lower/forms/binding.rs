//! Forms that bind names: `define`, `defun`, `set!`, `let`, `let*`, `lambda`, and
//! `define-autonomous-program`.

use super::{is_reserved, Cx};
use crate::lower::function::FnCtx;
use crate::lower::scan::Usage;
use crate::lower::Var;
use crate::{Constant, Instr, Params, ProgramDecl};
use ovsm_lexer::Span;
use ovsm_parser::{Form, FormKind};

impl Cx<'_> {
    /// Stores the value on top of the stack into a name of the current body, keeping a copy
    /// on the stack as the form's value.
    fn store_defined(&mut self, name: &str, span: Span) {
        self.emit(Instr::Dup, span);
        let cur = self.cur();
        if cur.is_toplevel && cur.scopes.len() == 1 {
            let g = self.lowering.global(name);
            self.emit(Instr::DefineGlobal(g), span);
            return;
        }
        let (slot, boxed) = match self.cur().lookup_local(name) {
            Some(found) => found,
            None => {
                let b = self.cur().bind(name);
                (b.slot, b.boxed)
            }
        };
        self.emit(if boxed { Instr::SetLocalBoxed(slot) } else { Instr::SetLocal(slot) }, span);
    }

    fn check_bindable(&mut self, form: &Form) -> Option<String> {
        match form.symbol() {
            Some(name) if !is_reserved(name) => Some(name.to_string()),
            Some(name) => {
                self.error(
                    "E0102",
                    form.span,
                    format!("`{name}` cannot be bound: it is a special form or a literal"),
                    "choose another name",
                );
                None
            }
            None => {
                self.error("E0103", form.span, "expected a name", "not a symbol");
                None
            }
        }
    }

    pub fn lower_define(&mut self, form: &Form, args: &[Form]) {
        match args {
            [target, rest @ ..] if matches!(target.kind, FormKind::List(_)) => {
                // `(define (f x) body...)` is `(defun f (x) body...)`.
                let sig = target.list().unwrap_or(&[]);
                let Some((name_form, params)) = sig.split_first() else {
                    self.error("E0104", target.span, "`define` of a function needs a name", "write (define (name params...) body...)");
                    return;
                };
                let Some(name) = self.check_bindable(name_form) else {
                    return;
                };
                self.lower_function(&name, params, rest, form.span);
                self.store_defined(&name, form.span);
            }
            [target] => {
                let Some(name) = self.check_bindable(target) else {
                    return;
                };
                self.emit(Instr::Nil, form.span);
                self.store_defined(&name, form.span);
            }
            [target, value] => {
                let Some(name) = self.check_bindable(target) else {
                    return;
                };
                match &value.kind {
                    // A named lambda prints as `#<function NAME>`.
                    FormKind::List(items) if matches!(value.head(), Some("lambda" | "fn")) && !self.is_shadowed(value.head()) => {
                        let Some(params) = items.get(1).and_then(Form::list) else {
                            self.lower_expr(value, false);
                            self.store_defined(&name, form.span);
                            return;
                        };
                        self.lower_function(&name, params, items.get(2..).unwrap_or(&[]), value.span);
                    }
                    _ => self.lower_expr(value, false),
                }
                self.store_defined(&name, form.span);
            }
            _ => self.error("E0105", form.span, "`define` takes a name and one value", "write (define name value)"),
        }
    }

    fn is_shadowed(&self, head: Option<&str>) -> bool {
        head.is_some_and(|h| self.fns.iter().any(|f| f.lookup_local(h).is_some()))
    }

    pub fn lower_defun(&mut self, form: &Form, args: &[Form]) {
        let [name_form, params_form, body @ ..] = args else {
            self.error("E0106", form.span, "`defun` needs a name, a parameter list and a body", "write (defun name (params...) body...)");
            return;
        };
        let Some(name) = self.check_bindable(name_form) else {
            return;
        };
        let Some(params) = params_form.list() else {
            self.error("E0107", params_form.span, "expected a parameter list", "write the parameters in parentheses");
            return;
        };
        self.lower_function(&name, params, body, form.span);
        self.store_defined(&name, form.span);
    }

    pub fn lower_lambda(&mut self, form: &Form, args: &[Form]) {
        let Some((params_form, body)) = args.split_first() else {
            self.error("E0106", form.span, "`lambda` needs a parameter list and a body", "write (lambda (params...) body...)");
            return;
        };
        let params = match &params_form.kind {
            FormKind::List(p) | FormKind::Array(p) => p.as_slice(),
            _ => {
                self.error("E0107", params_form.span, "expected a parameter list", "write the parameters in parentheses");
                return;
            }
        };
        self.lower_function("lambda", params, body, form.span);
    }

    /// Lowers a function and emits the instruction that makes its closure.
    pub fn lower_function(&mut self, name: &str, params: &[Form], body: &[Form], span: Span) {
        let (body, doc) = match body {
            [Form { kind: FormKind::Str(doc), .. }, rest @ ..] if !rest.is_empty() => (rest, Some(doc.clone())),
            _ => (body, None),
        };
        self.fns.push(FnCtx::new(name, span, Usage::of(body), false));
        let mut sig = Params::default();
        let mut defaults: Vec<(u16, &Form)> = Vec::new();
        let mut mode = 0; // 0 required, 1 optional, 2 rest
        for param in params {
            match param.symbol() {
                Some("&optional") => mode = 1,
                Some("&rest") => mode = 2,
                _ => {
                    let (name_form, default) = match param.list() {
                        Some([n, d]) if mode == 1 => (n, Some(d)),
                        _ => (param, None),
                    };
                    let Some(pname) = self.check_bindable(name_form) else {
                        continue;
                    };
                    let slot = self.cur().bind(&pname).slot;
                    match mode {
                        0 => sig.required += 1,
                        1 => sig.optional += 1,
                        _ if sig.rest => self.error("E0108", param.span, "only one `&rest` parameter is allowed", "extra parameter"),
                        _ => sig.rest = true,
                    }
                    if let Some(d) = default {
                        defaults.push((slot, d));
                    }
                }
            }
        }
        for (slot, default) in defaults {
            self.emit(Instr::Local(slot), default.span);
            let jump = self.emit(Instr::JumpIfNotNil(0), default.span);
            self.lower_expr(default, false);
            self.emit(Instr::SetLocal(slot), default.span);
            self.patch(jump);
        }
        let boxed: Vec<u16> = self.cur().scopes.iter().flatten().filter(|b| b.boxed).map(|b| b.slot).collect();
        for slot in boxed {
            self.emit(Instr::BoxLocal(slot), span);
        }
        self.lower_body(body, span, true);
        self.emit(Instr::Return, span);
        let Some(f) = self.fns.pop() else { return };
        if f.overflowed {
            self.error("E0121", span, "this function has too many local variables or captures (at most 65,535)", "split it up");
        }
        let id = self.lowering.push_function(f.finish(sig, doc));
        self.emit(Instr::Closure(id), span);
    }

    pub fn lower_set(&mut self, form: &Form, args: &[Form]) {
        self.lower_set_as(form, args, true);
    }

    /// `set!`; when `keep` is false the value is not left on the stack (a statement).
    /// Returns whether a value was left.
    pub fn lower_set_as(&mut self, form: &Form, args: &[Form], keep: bool) -> bool {
        let [target, value] = args else {
            self.error("E0109", form.span, "`set!` takes a name and a value", "write (set! name value)");
            return true;
        };
        let Some(name) = self.check_bindable(target) else {
            return true;
        };
        if self.lower_update(&name, value) {
            return true;
        }
        self.lower_expr(value, false);
        if keep {
            self.emit(Instr::Dup, form.span);
        }
        let instr = match self.resolve(&name) {
            Var::Local { slot, boxed: false } => Instr::SetLocal(slot),
            Var::Local { slot, boxed: true } => Instr::SetLocalBoxed(slot),
            Var::Captured { idx, boxed: true } => Instr::SetCapturedBoxed(idx),
            Var::Captured { .. } => {
                // Unreachable in practice: the usage scan boxes every captured variable that is assigned.
                self.error(
                    "E0199",
                    form.span,
                    format!("internal error: captured `{name}` is assigned but not boxed"),
                    "please report this",
                );
                return true;
            }
            Var::Global(g) => Instr::SetGlobal(g),
            Var::Builtin(_) => {
                let g = self.lowering.global(&name);
                Instr::SetGlobal(g)
            }
        };
        self.emit(instr, form.span);
        keep
    }

    pub fn lower_let(&mut self, form: &Form, args: &[Form], sequential: bool, tail: bool) {
        let Some((bindings_form, body)) = args.split_first() else {
            self.error("E0110", form.span, "`let` needs a binding list and a body", "write (let ((name value) ...) body...)");
            return;
        };
        let pairs: Vec<(&Form, Option<&Form>)> = match &bindings_form.kind {
            FormKind::List(items) => items
                .iter()
                .map(|b| match &b.kind {
                    FormKind::List(pair) => (pair.first().unwrap_or(b), pair.get(1)),
                    _ => (b, None),
                })
                .collect(),
            FormKind::Array(items) => items.chunks(2).map(|c| (c.first().unwrap_or(bindings_form), c.get(1))).collect(),
            _ => {
                self.error("E0110", bindings_form.span, "expected a binding list", "write ((name value) ...)");
                return;
            }
        };
        self.cur().scopes.push(Vec::new());
        let mut pending = Vec::new();
        for (name_form, value) in pairs {
            let Some(name) = self.check_bindable(name_form) else {
                continue;
            };
            match value {
                Some(v) => self.lower_expr(v, false),
                None => {
                    self.emit(Instr::Nil, name_form.span);
                }
            }
            if sequential {
                self.bind_top(&name, name_form.span);
            } else {
                pending.push((name, name_form.span));
            }
        }
        // Parallel `let`: values were all pushed before any name became visible.
        for (name, span) in pending.into_iter().rev() {
            self.bind_top_reversed(&name, span);
        }
        self.cur().scopes.push(Vec::new());
        self.lower_body(body, form.span, tail);
        self.cur().scopes.pop();
        self.cur().scopes.pop();
    }

    /// Binds a new local to the value on top of the stack.
    pub fn bind_top(&mut self, name: &str, span: Span) {
        let b = self.cur().bind(name);
        self.emit(Instr::SetLocal(b.slot), span);
        if b.boxed {
            self.emit(Instr::BoxLocal(b.slot), span);
        }
    }

    /// Like [`Self::bind_top`], for parallel `let`, whose values are popped last-first. The
    /// bindings go to the scope in source order so later duplicates still win.
    fn bind_top_reversed(&mut self, name: &str, span: Span) {
        self.bind_top(name, span);
        if let Some(scope) = self.cur().scopes.last_mut() {
            if let Some(b) = scope.pop() {
                scope.insert(0, b);
            }
        }
    }

    /// `(import "PATH")`: the session has already loaded PATH as a unit of its own, run before
    /// this one; here the form is only checked, and is nil.
    pub fn lower_import(&mut self, form: &Form, args: &[Form]) {
        let cur = self.cur();
        if !(cur.is_toplevel && cur.scopes.len() == 1) {
            self.error("E0123", form.span, "`import` must be at the top level", "move it to the top of the file");
            return;
        }
        if !matches!(args, [Form { kind: FormKind::Str(_), .. }]) {
            self.error("E0123", form.span, "`import` takes one string, the path of an .ovsm file", "write (import \"lib/file.ovsm\")");
            return;
        }
        self.emit(Instr::Nil, form.span);
    }

    pub fn lower_program(&mut self, form: &Form, args: &[Form]) {
        let cur = self.cur();
        if !(cur.is_toplevel && cur.scopes.len() == 1) {
            self.error("E0111", form.span, "`define-autonomous-program` must be at the top level", "move it out of this expression");
            return;
        }
        let Some((name_form, clauses)) = args.split_first() else {
            self.error("E0112", form.span, "`define-autonomous-program` needs a name", "write (define-autonomous-program NAME clauses...)");
            return;
        };
        let Some(name) = self.check_bindable(name_form) else {
            return;
        };
        let mut decl = ProgramDecl { name: name.clone(), span: form.span, startup: Vec::new(), handlers: Vec::new() };
        for clause in clauses {
            let items = clause.list().unwrap_or(&[]);
            match (clause.head(), items) {
                (Some("on-startup"), [_, body @ ..]) => {
                    if let Some(id) = self.lower_thunk(&format!("{name}/on-startup"), body, clause.span) {
                        decl.startup.push(id);
                    }
                }
                (Some("on-event"), [_, Form { kind: FormKind::Str(event), .. }, handler]) => {
                    if let Some(id) = self.lower_thunk(&format!("{name}/on-event {event}"), std::slice::from_ref(handler), clause.span) {
                        decl.handlers.push((event.clone(), id, clause.span));
                    }
                }
                (Some("on-event"), _) => self.error(
                    "E0113",
                    clause.span,
                    "`on-event` takes an event id string and a handler",
                    "write (on-event \"ID\" (lambda (data) ...))",
                ),
                _ => self.error(
                    "E0114",
                    clause.span,
                    "unknown clause in `define-autonomous-program`",
                    "expected (on-startup ...) or (on-event \"ID\" handler)",
                ),
            }
        }
        self.lowering.program.programs.push(decl);
        self.constant(Constant::Program(name.clone()), form.span);
        self.store_defined(&name, form.span);
    }

    /// Lowers forms as a function of no arguments and returns its id without making a closure.
    fn lower_thunk(&mut self, name: &str, body: &[Form], span: Span) -> Option<crate::FuncId> {
        let before = self.cur().code.len();
        self.lower_function(name, &[], body, span);
        // The closure instruction was emitted into the top level; programs call thunks directly.
        let f = self.cur();
        let closure = f.code.get(before..).and_then(|c| c.last()).copied();
        f.code.truncate(before);
        f.spans.truncate(before);
        match closure {
            Some(Instr::Closure(id)) => Some(id),
            _ => None,
        }
    }
}
