//! The syntax tree: S-expressions with a span on every node.

use ovsm_lexer::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub forms: Vec<Form>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormKind {
    Int(i64),
    Float(f64),
    Str(String),
    /// `:name`, stored without the colon.
    Keyword(String),
    Symbol(String),
    /// `( ... )`
    List(Vec<Form>),
    /// `[ ... ]`
    Array(Vec<Form>),
    /// `{ k v ... }`, as the flat list of keys and values (the parser checks it is even).
    Map(Vec<Form>),
    /// `'form`
    Quote(Box<Form>),
}

impl Form {
    pub fn symbol(&self) -> Option<&str> {
        match &self.kind {
            FormKind::Symbol(s) => Some(s),
            _ => None,
        }
    }

    pub fn list(&self) -> Option<&[Form]> {
        match &self.kind {
            FormKind::List(items) => Some(items),
            _ => None,
        }
    }

    /// The head symbol of a list form, if it has one: `(if ...)` gives `if`.
    pub fn head(&self) -> Option<&str> {
        self.list().and_then(|items| items.first()).and_then(Form::symbol)
    }

    /// Structural equality that ignores spans, for round-trip tests.
    pub fn same_shape(&self, other: &Form) -> bool {
        use FormKind::*;
        match (&self.kind, &other.kind) {
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (Str(a), Str(b)) | (Keyword(a), Keyword(b)) | (Symbol(a), Symbol(b)) => a == b,
            (List(a), List(b)) | (Array(a), Array(b)) | (Map(a), Map(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_shape(y))
            }
            (Quote(a), Quote(b)) => a.same_shape(b),
            _ => false,
        }
    }
}

/// An indented dump of the tree with each node's byte span (`ovsm check --emit ast`, snapshots).
pub fn dump(program: &Program) -> String {
    let mut out = String::new();
    for form in &program.forms {
        dump_form(form, 0, &mut out);
    }
    out
}

fn dump_form(form: &Form, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    let span = format!("@{}..{}", form.span.start, form.span.end);
    let line = match &form.kind {
        FormKind::Int(n) => format!("Int {n}"),
        FormKind::Float(f) => format!("Float {}", ovsm_lexer::float_literal(*f)),
        FormKind::Str(s) => format!("Str {}", ovsm_lexer::string_literal(s)),
        FormKind::Keyword(k) => format!("Keyword :{k}"),
        FormKind::Symbol(s) => format!("Symbol {s}"),
        FormKind::List(_) => "List".into(),
        FormKind::Array(_) => "Array".into(),
        FormKind::Map(_) => "Map".into(),
        FormKind::Quote(_) => "Quote".into(),
    };
    out.push_str(&format!("{pad}{line} {span}\n"));
    match &form.kind {
        FormKind::List(items) | FormKind::Array(items) | FormKind::Map(items) => {
            for item in items {
                dump_form(item, depth + 1, out);
            }
        }
        FormKind::Quote(inner) => dump_form(inner, depth + 1, out),
        _ => {}
    }
}
