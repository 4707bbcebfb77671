//! Lowering of expressions: the dispatcher, variables, literals and calls.
//! Special forms live in `forms/` by family.

mod binding;
mod control;

use super::function::FnCtx;
use super::{literal, quoted, Lowering, Var};
use crate::{Capture, Constant, Instr, UpdateOp};
use ovsm_lexer::{Diagnostic, Span};
use ovsm_parser::{Form, FormKind};

pub struct Cx<'a> {
    pub lowering: &'a mut Lowering,
    pub fns: &'a mut Vec<FnCtx>,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

/// Names that cannot be rebound because they are special forms or literals.
pub fn is_reserved(name: &str) -> bool {
    matches!(name, "true" | "false" | "nil" | "null") || special_form(name)
}

fn special_form(name: &str) -> bool {
    matches!(
        name,
        "define"
            | "defun"
            | "set!"
            | "if"
            | "do"
            | "progn"
            | "begin"
            | "let"
            | "let*"
            | "lambda"
            | "fn"
            | "while"
            | "for"
            | "when"
            | "unless"
            | "cond"
            | "case"
            | "and"
            | "or"
            | "try"
            | "quote"
            | "import"
            | "define-autonomous-program"
    )
}

impl Cx<'_> {
    pub fn cur(&mut self) -> &mut FnCtx {
        // `fns` always holds at least the unit's top-level function while lowering runs.
        let last = self.fns.len().saturating_sub(1);
        #[allow(clippy::indexing_slicing)]
        &mut self.fns[last]
    }

    pub fn emit(&mut self, instr: Instr, span: Span) -> usize {
        let f = self.cur();
        f.code.push(instr);
        f.spans.push(span);
        f.code.len() - 1
    }

    pub fn here(&mut self) -> u32 {
        u32::try_from(self.cur().code.len()).unwrap_or(u32::MAX)
    }

    /// Points the jump at `at` to the current position.
    pub fn patch(&mut self, at: usize) {
        let target = self.here();
        if let Some(instr) = self.cur().code.get_mut(at) {
            *instr = match *instr {
                Instr::Jump(_) => Instr::Jump(target),
                Instr::JumpIfFalse(_) => Instr::JumpIfFalse(target),
                Instr::JumpIfNotNil(_) => Instr::JumpIfNotNil(target),
                Instr::JumpIfFalseKeep(_) => Instr::JumpIfFalseKeep(target),
                Instr::JumpIfTrueKeep(_) => Instr::JumpIfTrueKeep(target),
                Instr::TryBegin(_) => Instr::TryBegin(target),
                Instr::IterNext(a, b, _) => Instr::IterNext(a, b, target),
                Instr::JumpIfNotLtImm(k, _) => Instr::JumpIfNotLtImm(k, target),
                Instr::RangeNext(a, b, _) => Instr::RangeNext(a, b, target),
                other => other,
            };
        }
    }

    pub fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>, label: impl Into<String>) {
        self.diagnostics.push(Diagnostic::error(code, message).with_label(span, label));
    }

    pub fn constant(&mut self, constant: Constant, span: Span) {
        let idx = self.lowering.constant(constant);
        self.emit(Instr::Const(idx), span);
    }

    /// Lowers a sequence whose last value is the result; an empty body gives nil.
    /// Names the body defines are bound first, so they are visible in the whole body.
    pub fn lower_body(&mut self, forms: &[Form], span: Span, tail: bool) {
        if !self.cur().is_toplevel || self.cur().scopes.len() > 1 {
            let mut names = Vec::new();
            super::scan::body_defines(forms, &mut names);
            for name in names {
                if self.cur().scopes.last().is_some_and(|s| s.iter().any(|b| b.name == name)) {
                    continue;
                }
                let b = self.cur().bind(name);
                if b.boxed {
                    self.emit(Instr::BoxLocal(b.slot), span);
                }
            }
        }
        if forms.is_empty() {
            self.emit(Instr::Nil, span);
            return;
        }
        let last = forms.len() - 1;
        for (i, form) in forms.iter().enumerate() {
            if i == last {
                self.lower_expr(form, tail);
            } else {
                self.lower_effect(form);
            }
        }
    }

    /// Lowers a form whose value nobody uses. A `set!` then stores without keeping a copy.
    pub fn lower_effect(&mut self, form: &Form) {
        if form.head() == Some("set!") && !self.is_lexically_bound("set!") {
            let args = form.list().and_then(|items| items.get(1..)).unwrap_or(&[]);
            if !self.lower_set_as(form, args, false) {
                return;
            }
        } else {
            self.lower_expr(form, false);
        }
        self.emit(Instr::Pop, form.span);
    }

    pub fn lower_expr(&mut self, form: &Form, tail: bool) {
        let span = form.span;
        match &form.kind {
            FormKind::Int(n) => {
                self.emit(Instr::Int(*n), span);
            }
            FormKind::Float(f) => self.constant(Constant::Float(*f), span),
            FormKind::Str(s) => self.constant(Constant::Str(s.clone()), span),
            FormKind::Keyword(k) => self.constant(Constant::Keyword(k.clone()), span),
            FormKind::Symbol(name) => self.lower_symbol(name, span),
            FormKind::Quote(inner) => self.constant(quoted(inner), span),
            FormKind::Array(items) => match literal(form) {
                Some(constant) => self.constant(constant, span),
                None => {
                    for item in items {
                        self.lower_expr(item, false);
                    }
                    self.emit(Instr::MakeArray(u32::try_from(items.len()).unwrap_or(u32::MAX)), span);
                }
            },
            FormKind::Map(items) => {
                for item in items {
                    self.lower_expr(item, false);
                }
                self.emit(Instr::MakeMap(u32::try_from(items.len() / 2).unwrap_or(u32::MAX)), span);
            }
            FormKind::List(items) => self.lower_list(form, items, tail),
        }
    }

    fn lower_symbol(&mut self, name: &str, span: Span) {
        let instr = match name {
            "true" => Instr::True,
            "false" => Instr::False,
            "nil" | "null" => Instr::Nil,
            // `program-id` is bound by the runtime inside autonomous programs, unless the
            // program binds the name itself.
            "program-id" if !self.is_lexically_bound(name) && !self.lowering.is_user_global(name) => {
                match ovsm_stdlib::lookup("%program-id") {
                    Some(id) => Instr::CallBuiltin(id, 0),
                    None => Instr::Nil,
                }
            }
            _ => match self.resolve(name) {
                Var::Local { slot, boxed: false } => Instr::Local(slot),
                Var::Local { slot, boxed: true } => Instr::LocalBoxed(slot),
                Var::Captured { idx, boxed: false } => Instr::Captured(idx),
                Var::Captured { idx, boxed: true } => Instr::CapturedBoxed(idx),
                Var::Global(g) => Instr::Global(g),
                // A builtin used as a value, e.g. `(reduce + xs 0)`.
                Var::Builtin(id) => Instr::BuiltinRef(id),
            },
        };
        self.emit(instr, span);
    }

    /// Resolves a name through the enclosing functions, adding captures on the way.
    pub fn resolve(&mut self, name: &str) -> Var {
        let depth = self.fns.len();
        self.resolve_at(name, depth)
    }

    fn resolve_at(&mut self, name: &str, depth: usize) -> Var {
        let Some(f) = depth.checked_sub(1).and_then(|i| self.fns.get(i)) else {
            return self.lowering.resolve_free(name);
        };
        if let Some((slot, boxed)) = f.lookup_local(name) {
            return Var::Local { slot, boxed };
        }
        if let Some((idx, boxed)) = f.lookup_capture(name) {
            return Var::Captured { idx, boxed };
        }
        let outer = self.resolve_at(name, depth - 1);
        let from = match outer {
            Var::Local { slot, boxed } => (Capture::Local(slot), boxed),
            Var::Captured { idx, boxed } => (Capture::Outer(idx), boxed),
            other => return other,
        };
        let Some(f) = self.fns.get_mut(depth - 1) else {
            return outer;
        };
        let idx = f.add_capture(name, from.0, from.1);
        Var::Captured { idx, boxed: from.1 }
    }

    fn lower_list(&mut self, form: &Form, items: &[Form], tail: bool) {
        let span = form.span;
        let Some(head) = items.first() else {
            // `()` is the empty array, as in many Lisps' empty list.
            self.constant(Constant::Array(Vec::new()), span);
            return;
        };
        let args = items.get(1..).unwrap_or(&[]);
        if let Some(name) = head.symbol() {
            let bound_locally = self.is_lexically_bound(name);
            if !bound_locally && self.lower_special(name, form, args, tail) {
                return;
            }
            match self.resolve(name) {
                Var::Builtin(id) => {
                    self.lower_builtin_call(id, name, args, span);
                    return;
                }
                Var::Global(g) => {
                    // Calls of global functions skip pushing the callee.
                    for arg in args {
                        self.lower_expr(arg, false);
                    }
                    match u8::try_from(args.len()) {
                        Ok(argc) => {
                            self.emit(if tail { Instr::TailCallGlobal(g, argc) } else { Instr::CallGlobal(g, argc) }, span);
                        }
                        Err(_) => self.error("E0120", span, "too many arguments in one call (at most 255)", "pass an array instead"),
                    }
                    return;
                }
                _ => {}
            }
        }
        self.lower_expr(head, false);
        for arg in args {
            self.lower_expr(arg, false);
        }
        let Ok(argc) = u8::try_from(args.len()) else {
            self.error("E0120", span, "too many arguments in one call (at most 255)", "pass an array instead");
            return;
        };
        self.emit(if tail { Instr::TailCall(argc) } else { Instr::Call(argc) }, span);
    }

    /// Lowers a condition and a jump taken when it is false; returns the jump to patch.
    /// `(< x k)` with a literal k becomes one compare-and-jump.
    pub fn lower_condition(&mut self, test: &Form) -> usize {
        if let (Some("<"), Some([_, x, Form { kind: FormKind::Int(k), .. }])) = (test.head(), test.list()) {
            if !self.is_lexically_bound("<") && matches!(self.resolve("<"), Var::Builtin(_)) {
                self.lower_expr(x, false);
                return self.emit(Instr::JumpIfNotLtImm(*k, 0), test.span);
            }
        }
        self.lower_expr(test, false);
        self.emit(Instr::JumpIfFalse(0), test.span)
    }

    pub fn is_bound_locally(&self, name: &str) -> bool {
        self.is_lexically_bound(name)
    }

    fn is_lexically_bound(&self, name: &str) -> bool {
        self.fns.iter().any(|f| f.lookup_local(name).is_some() || f.lookup_capture(name).is_some())
    }

    fn lower_builtin_call(&mut self, id: ovsm_stdlib::BuiltinId, name: &str, args: &[Form], span: Span) {
        if let ("+" | "-", [x, Form { kind: FormKind::Int(k), .. }]) = (name, args) {
            self.lower_expr(x, false);
            self.emit(if name == "+" { Instr::AddImm(*k) } else { Instr::SubImm(*k) }, span);
            return;
        }
        for arg in args {
            self.lower_expr(arg, false);
        }
        let fast = match (name, args.len()) {
            ("+", 2) => Some(Instr::Add),
            ("-", 2) => Some(Instr::Sub),
            ("*", 2) => Some(Instr::Mul),
            ("<", 2) => Some(Instr::Lt),
            ("<=", 2) => Some(Instr::Le),
            (">", 2) => Some(Instr::Gt),
            (">=", 2) => Some(Instr::Ge),
            ("=", 2) => Some(Instr::NumEq),
            _ => None,
        };
        if let Some(instr) = fast {
            self.emit(instr, span);
            return;
        }
        match u8::try_from(args.len()) {
            Ok(argc) => {
                self.emit(Instr::CallBuiltin(id, argc), span);
            }
            _ => self.error("E0120", span, "too many arguments in one call (at most 255)", "pass an array instead"),
        }
    }

    /// `(set! x (append x ys))` and `(set! m (assoc m k v))` update `x` in place when nothing
    /// else shares it. Returns false when the form is not of that shape.
    pub fn lower_update(&mut self, target: &str, value: &Form) -> bool {
        let Some(items) = value.list() else {
            return false;
        };
        let (op, rest) = match (value.head(), items.len()) {
            (Some("append"), 3) => (UpdateOp::Append, items.get(2..3)),
            (Some("assoc"), 4) => (UpdateOp::Assoc, items.get(2..4)),
            _ => return false,
        };
        let (Some(rest), Some(first)) = (rest, items.get(1)) else {
            return false;
        };
        let head = value.head().unwrap_or("");
        if first.symbol() != Some(target) || self.is_lexically_bound(head) || !matches!(self.resolve(head), Var::Builtin(_)) {
            return false;
        }
        // Growing by a one-element array literal is the common case: push the element itself.
        let (op, rest) = match (op, rest) {
            (UpdateOp::Append, [Form { kind: FormKind::Array(one), .. }]) if one.len() == 1 => (UpdateOp::Push, one.as_slice()),
            _ => (op, rest),
        };
        for form in rest {
            self.lower_expr(form, false);
        }
        let instr = match self.resolve(target) {
            Var::Local { slot, boxed: false } => Instr::UpdateLocal(slot, op),
            Var::Local { slot, boxed: true } => Instr::UpdateLocalBoxed(slot, op),
            Var::Captured { idx, boxed: true } => Instr::UpdateCapturedBoxed(idx, op),
            Var::Global(g) => Instr::UpdateGlobal(g, op),
            // Unboxed captures are never assigned, and builtins cannot be.
            _ => return false,
        };
        self.emit(instr, value.span);
        true
    }

    /// Dispatches special forms; false when `name` is not one.
    fn lower_special(&mut self, name: &str, form: &Form, args: &[Form], tail: bool) -> bool {
        let span = form.span;
        match name {
            "quote" => match args {
                [datum] => self.constant(quoted(datum), span),
                _ => self.error("E0101", span, "`quote` takes exactly one form", "here"),
            },
            "do" | "progn" | "begin" => self.lower_body(args, span, tail),
            "define" => self.lower_define(form, args),
            "defun" => self.lower_defun(form, args),
            "set!" => self.lower_set(form, args),
            "let" => self.lower_let(form, args, false, tail),
            "let*" => self.lower_let(form, args, true, tail),
            "lambda" | "fn" => self.lower_lambda(form, args),
            "if" => self.lower_if(form, args, tail),
            "when" => self.lower_when(form, args, false, tail),
            "unless" => self.lower_when(form, args, true, tail),
            "cond" => self.lower_cond(form, args, tail),
            "case" => self.lower_case(form, args, tail),
            "and" => self.lower_and_or(form, args, true, tail),
            "or" => self.lower_and_or(form, args, false, tail),
            "while" => self.lower_while(form, args),
            "for" => self.lower_for(form, args),
            "try" => self.lower_try(form, args),
            "define-autonomous-program" => self.lower_program(form, args),
            "import" => self.lower_import(form, args),
            _ => return false,
        }
        true
    }
}
