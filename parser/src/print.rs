//! Writing a syntax tree back as source text; `parse(print(ast))` gives the same tree.

use crate::ast::{Form, FormKind, Program};
use ovsm_lexer::{float_literal, string_literal};

pub fn print_program(program: &Program) -> String {
    program.forms.iter().map(|f| print_form(f) + "\n").collect()
}

pub fn print_form(form: &Form) -> String {
    let mut out = String::new();
    write_form(form, &mut out);
    out
}

fn write_form(form: &Form, out: &mut String) {
    match &form.kind {
        FormKind::Int(n) => out.push_str(&n.to_string()),
        FormKind::Float(f) => out.push_str(&float_literal(*f)),
        FormKind::Str(s) => out.push_str(&string_literal(s)),
        FormKind::Keyword(k) => {
            out.push(':');
            out.push_str(k);
        }
        FormKind::Symbol(s) => out.push_str(s),
        FormKind::List(items) => write_seq(items, '(', ')', out),
        FormKind::Array(items) => write_seq(items, '[', ']', out),
        FormKind::Map(items) => write_seq(items, '{', '}', out),
        FormKind::Quote(quoted) => {
            out.push('\'');
            write_form(quoted, out);
        }
    }
}

fn write_seq(items: &[Form], open: char, close: char, out: &mut String) {
    out.push(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_form(item, out);
    }
    out.push(close);
}
