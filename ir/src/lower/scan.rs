//! Pre-scans of a body before it is lowered: which names it defines, and which of its
//! variables must live in boxes because a closure captures them and something assigns them.

use ovsm_parser::{Form, FormKind};
use rustc_hash::FxHashSet;

/// Forms whose sub-forms belong to the same body (a `define` inside them defines a local of
/// the enclosing body). `let`, `lambda` and friends start bodies of their own.
fn is_transparent(head: &str) -> bool {
    matches!(head, "do" | "progn" | "begin" | "if" | "when" | "unless" | "cond" | "case" | "while" | "for" | "try" | "catch" | "and" | "or")
}

/// The name a `define`/`defun` form defines, if it is one.
pub fn defined_name(form: &Form) -> Option<&str> {
    let items = form.list()?;
    match form.head()? {
        "define" => match items.get(1).map(|f| &f.kind) {
            Some(FormKind::Symbol(name)) => Some(name),
            Some(FormKind::List(sig)) => sig.first().and_then(Form::symbol),
            _ => None,
        },
        "defun" => items.get(1).and_then(Form::symbol),
        "define-autonomous-program" => items.get(1).and_then(Form::symbol),
        _ => None,
    }
}

/// Names defined directly in a body, in order of first definition, looking through
/// transparent forms.
pub fn body_defines<'a>(forms: &'a [Form], out: &mut Vec<&'a str>) {
    for form in forms {
        if let Some(name) = defined_name(form) {
            if !out.contains(&name) {
                out.push(name);
            }
            // A define's value can itself contain defines only through transparent forms.
            if let Some(items) = form.list() {
                if form.head() == Some("define") && matches!(items.get(1).map(|f| &f.kind), Some(FormKind::Symbol(_))) {
                    body_defines(items.get(2..).unwrap_or(&[]), out);
                }
            }
            continue;
        }
        if let (Some(head), Some(items)) = (form.head(), form.list()) {
            if is_transparent(head) {
                body_defines(items.get(1..).unwrap_or(&[]), out);
            }
        } else if let Some(items) = form.list() {
            // A clause list such as a `cond` clause: look inside too.
            body_defines(items, out);
        }
    }
}

fn is_function_form(head: &str) -> bool {
    matches!(head, "lambda" | "fn" | "defun")
}

/// Names assigned anywhere in `forms` (by `set!` or an inner `define`), and names referred to
/// inside a nested function. A variable in both sets is boxed, conservatively by name.
#[derive(Default)]
pub struct Usage {
    assigned: FxHashSet<String>,
    captured: FxHashSet<String>,
}

impl Usage {
    pub fn of(forms: &[Form]) -> Usage {
        let mut usage = Usage::default();
        // An explicit stack instead of recursion: nesting is bounded by the parser, but this
        // keeps the scan cheap on stack whatever the shape.
        let mut stack: Vec<(&Form, bool)> = forms.iter().map(|f| (f, false)).collect();
        while let Some((form, nested)) = stack.pop() {
            match &form.kind {
                FormKind::Symbol(name) if nested => {
                    usage.captured.insert(name.clone());
                }
                FormKind::List(items) => {
                    let head = form.head();
                    if matches!(head, Some("set!" | "define")) {
                        if let Some(name) = defined_name(form).or_else(|| items.get(1).and_then(Form::symbol)) {
                            usage.assigned.insert(name.to_string());
                        }
                    }
                    if head == Some("defun") && nested {
                        if let Some(name) = defined_name(form) {
                            usage.assigned.insert(name.to_string());
                        }
                    }
                    let inner = nested
                        || head.is_some_and(is_function_form)
                        || (head == Some("define") && matches!(items.get(1).map(|f| &f.kind), Some(FormKind::List(_))));
                    stack.extend(items.iter().map(|f| (f, inner)));
                }
                FormKind::Array(items) | FormKind::Map(items) => stack.extend(items.iter().map(|f| (f, nested))),
                FormKind::Quote(_) => {}
                _ => {}
            }
        }
        usage
    }

    pub fn needs_box(&self, name: &str) -> bool {
        self.assigned.contains(name) && self.captured.contains(name)
    }
}
