//! Control flow: `if`, `when`, `unless`, `cond`, `case`, `and`, `or`, `while`, `for`, `try`.

use super::Cx;
use crate::lower::quoted;
use crate::Instr;
use ovsm_parser::Form;

impl Cx<'_> {
    pub fn lower_if(&mut self, form: &Form, args: &[Form], tail: bool) {
        let (test, then, otherwise) = match args {
            [test, then] => (test, then, None),
            [test, then, otherwise] => (test, then, Some(otherwise)),
            _ => {
                self.error(
                    "E0115",
                    form.span,
                    "`if` takes a condition, a then-branch and an optional else-branch",
                    "write (if test then else)",
                );
                return;
            }
        };
        let to_else = self.lower_condition(test);
        self.lower_expr(then, tail);
        let to_end = self.emit(Instr::Jump(0), form.span);
        self.patch(to_else);
        match otherwise {
            Some(e) => self.lower_expr(e, tail),
            None => {
                self.emit(Instr::Nil, form.span);
            }
        }
        self.patch(to_end);
    }

    pub fn lower_when(&mut self, form: &Form, args: &[Form], negate: bool, tail: bool) {
        let Some((test, body)) = args.split_first() else {
            self.error("E0115", form.span, "`when`/`unless` need a condition", "write (when test body...)");
            return;
        };
        self.lower_expr(test, false);
        if negate {
            let ok = self.lowering.resolve_free("not");
            if let crate::lower::Var::Builtin(id) = ok {
                self.emit(Instr::CallBuiltin(id, 1), form.span);
            }
        }
        let to_else = self.emit(Instr::JumpIfFalse(0), form.span);
        self.scoped_body(body, form, tail);
        let to_end = self.emit(Instr::Jump(0), form.span);
        self.patch(to_else);
        self.emit(Instr::Nil, form.span);
        self.patch(to_end);
    }

    fn scoped_body(&mut self, body: &[Form], form: &Form, tail: bool) {
        // Transparent forms do not open a scope: their defines belong to the enclosing body.
        if body.is_empty() {
            self.emit(Instr::Nil, form.span);
            return;
        }
        let last = body.len() - 1;
        for (i, f) in body.iter().enumerate() {
            if i == last {
                self.lower_expr(f, tail);
            } else {
                self.lower_effect(f);
            }
        }
    }

    /// A loop body: every form is a statement.
    fn loop_body(&mut self, body: &[Form]) {
        for f in body {
            self.lower_effect(f);
        }
    }

    fn is_else(form: &Form) -> bool {
        matches!(form.symbol(), Some("else" | "true" | ":else")) || matches!(&form.kind, ovsm_parser::FormKind::Keyword(k) if k == "else")
    }

    pub fn lower_cond(&mut self, form: &Form, clauses: &[Form], tail: bool) {
        let mut to_end = Vec::new();
        for clause in clauses {
            let Some((test, body)) = clause.list().and_then(<[Form]>::split_first) else {
                self.error("E0116", clause.span, "a `cond` clause is a list: (test body...)", "not a clause");
                continue;
            };
            if Self::is_else(test) {
                self.scoped_body(body, clause, tail);
                for j in to_end {
                    self.patch(j);
                }
                return;
            }
            if body.is_empty() {
                // `(cond (x))` gives x's value when it is true.
                self.lower_expr(test, false);
                to_end.push(self.emit(Instr::JumpIfTrueKeep(0), clause.span));
                continue;
            }
            let next = self.lower_condition(test);
            self.scoped_body(body, clause, tail);
            to_end.push(self.emit(Instr::Jump(0), clause.span));
            self.patch(next);
        }
        self.emit(Instr::Nil, form.span);
        for j in to_end {
            self.patch(j);
        }
    }

    pub fn lower_case(&mut self, form: &Form, args: &[Form], tail: bool) {
        let Some((key, clauses)) = args.split_first() else {
            self.error("E0117", form.span, "`case` needs a key expression", "write (case key (value body...) ... (else body...))");
            return;
        };
        self.lower_expr(key, false);
        let tmp = self.cur().temp();
        self.emit(Instr::SetLocal(tmp), key.span);
        let mut to_end = Vec::new();
        for clause in clauses {
            let Some((datums, body)) = clause.list().and_then(<[Form]>::split_first) else {
                self.error("E0116", clause.span, "a `case` clause is a list: (value body...)", "not a clause");
                continue;
            };
            if Self::is_else(datums) {
                self.scoped_body(body, clause, tail);
                for j in to_end {
                    self.patch(j);
                }
                return;
            }
            let candidates: Vec<&Form> = match datums.list() {
                Some(list) => list.iter().collect(),
                None => vec![datums],
            };
            let mut to_body = Vec::new();
            for datum in candidates {
                self.emit(Instr::Local(tmp), datum.span);
                self.constant(quoted(datum), datum.span);
                self.emit(Instr::NumEq, datum.span);
                let skip = self.emit(Instr::JumpIfFalse(0), datum.span);
                to_body.push(self.emit(Instr::Jump(0), datum.span));
                self.patch(skip);
            }
            let next = self.emit(Instr::Jump(0), clause.span);
            for j in to_body {
                self.patch(j);
            }
            self.scoped_body(body, clause, tail);
            to_end.push(self.emit(Instr::Jump(0), clause.span));
            self.patch(next);
        }
        self.emit(Instr::Nil, form.span);
        for j in to_end {
            self.patch(j);
        }
    }

    pub fn lower_and_or(&mut self, form: &Form, args: &[Form], is_and: bool, tail: bool) {
        if args.is_empty() {
            self.emit(if is_and { Instr::True } else { Instr::Nil }, form.span);
            return;
        }
        let mut to_end = Vec::new();
        let last = args.len() - 1;
        for (i, arg) in args.iter().enumerate() {
            self.lower_expr(arg, tail && i == last);
            if i != last {
                to_end.push(self.emit(if is_and { Instr::JumpIfFalseKeep(0) } else { Instr::JumpIfTrueKeep(0) }, arg.span));
            }
        }
        for j in to_end {
            self.patch(j);
        }
    }

    pub fn lower_while(&mut self, form: &Form, args: &[Form]) {
        let Some((test, body)) = args.split_first() else {
            self.error("E0115", form.span, "`while` needs a condition", "write (while test body...)");
            return;
        };
        let top = self.here();
        let exit = self.lower_condition(test);
        self.loop_body(body);
        self.emit(Instr::Jump(top), form.span);
        self.patch(exit);
        self.emit(Instr::Nil, form.span);
    }

    pub fn lower_for(&mut self, form: &Form, args: &[Form]) {
        let Some((Some([var, coll]), body)) = args.split_first().map(|(h, b)| (h.list(), b)) else {
            self.error("E0118", form.span, "`for` needs a binding: (for (x collection) body...)", "write (for (x xs) body...)");
            return;
        };
        let Some(name) = var.symbol().map(str::to_string) else {
            self.error("E0103", var.span, "expected a name", "not a symbol");
            return;
        };
        let exit;
        let top;
        if let Some((start, end)) = self.range_bounds(coll) {
            // `(for (i (range a b)) ...)` counts in two slots instead of building the range.
            let check = ovsm_stdlib::lookup("%range-bound");
            let counter = self.cur().temp();
            let limit = self.cur().temp();
            for (bound, slot) in [(start, counter), (Some(end), limit)] {
                match bound {
                    Some(b) => self.lower_expr(b, false),
                    None => {
                        self.emit(Instr::Int(0), coll.span);
                    }
                }
                if let Some(id) = check {
                    self.emit(Instr::CallBuiltin(id, 1), coll.span);
                }
                self.emit(Instr::SetLocal(slot), coll.span);
            }
            top = self.here();
            exit = self.emit(Instr::RangeNext(counter, limit, 0), form.span);
        } else {
            self.lower_expr(coll, false);
            self.emit(Instr::IterStart, coll.span);
            let items = self.cur().temp();
            let index = self.cur().temp();
            self.emit(Instr::SetLocal(items), coll.span);
            self.emit(Instr::Int(0), coll.span);
            self.emit(Instr::SetLocal(index), coll.span);
            top = self.here();
            exit = self.emit(Instr::IterNext(items, index, 0), form.span);
        }
        self.cur().scopes.push(Vec::new());
        self.bind_top(&name, var.span);
        self.loop_body(body);
        self.cur().scopes.pop();
        self.emit(Instr::Jump(top), form.span);
        self.patch(exit);
        self.emit(Instr::Nil, form.span);
    }

    /// `(range b)` or `(range a b)` calling the builtin: its bounds (None for an implicit 0).
    fn range_bounds<'f>(&mut self, coll: &'f Form) -> Option<(Option<&'f Form>, &'f Form)> {
        if coll.head() != Some("range") || self.is_bound_locally("range") || !matches!(self.resolve("range"), crate::lower::Var::Builtin(_))
        {
            return None;
        }
        match coll.list()? {
            [_, end] => Some((None, end)),
            [_, start, end] => Some((Some(start), end)),
            _ => None,
        }
    }

    pub fn lower_try(&mut self, form: &Form, args: &[Form]) {
        let (body, catch) = match args.split_last() {
            Some((last, body)) if last.head() == Some("catch") => (body, Some(last)),
            _ => (args, None),
        };
        let begin = self.emit(Instr::TryBegin(0), form.span);
        // The body is never in tail position: its frame must stay while the handler is armed.
        self.scoped_body(body, form, false);
        self.emit(Instr::TryEnd, form.span);
        let to_end = self.emit(Instr::Jump(0), form.span);
        self.patch(begin);
        match catch.and_then(Form::list) {
            Some([_, var, handler @ ..]) => {
                let Some(name) = var.symbol().map(str::to_string) else {
                    self.error("E0119", var.span, "`catch` needs a variable name: (catch e handler...)", "not a name");
                    return;
                };
                self.cur().scopes.push(Vec::new());
                self.bind_top(&name, var.span);
                self.scoped_body(handler, form, false);
                self.cur().scopes.pop();
            }
            Some(_) => self.error("E0119", form.span, "`catch` needs a variable name: (catch e handler...)", "write (catch e handler...)"),
            None => {
                // `(try body)` without a catch: an error gives nil.
                self.emit(Instr::Pop, form.span);
                self.emit(Instr::Nil, form.span);
            }
        }
        self.patch(to_end);
    }
}
