//! The line editor's helper: completion, highlighting, hints and multi-line input.

use crate::commands::COMMANDS;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

#[derive(Default)]
pub struct LineHelper {
    /// Special forms, builtins and defined names, refreshed before each prompt.
    pub names: Vec<String>,
}

impl Helper for LineHelper {}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || "()[]{}'\"".contains(c)
}

/// Byte index where the word ending at `pos` starts.
fn word_start(line: &str, pos: usize) -> usize {
    line.get(..pos).and_then(|s| s.rfind(is_delimiter)).map_or(0, |i| i + 1)
}

impl Completer for LineHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = word_start(line, pos);
        let word = line.get(start..pos).unwrap_or("");
        if start == 0 && word.starts_with(':') {
            let commands = COMMANDS
                .iter()
                .map(|(c, _)| c.split_whitespace().next().unwrap_or(c))
                .filter(|c| c.starts_with(word))
                .map(|c| Pair { display: c.to_string(), replacement: c.to_string() })
                .collect();
            return Ok((0, commands));
        }
        if word.is_empty() {
            return Ok((pos, Vec::new()));
        }
        let candidates =
            self.names.iter().filter(|n| n.starts_with(word)).map(|n| Pair { display: n.clone(), replacement: n.clone() }).collect();
        Ok((start, candidates))
    }
}

/// The head symbol of the innermost form still open at the end of `line`.
fn open_head(line: &str) -> Option<&str> {
    let mut stack: Vec<usize> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' if !in_string => stack.push(i + 1),
            ')' if !in_string => {
                stack.pop();
            }
            _ => {}
        }
    }
    let start = *stack.last()?;
    let rest = line.get(start..)?;
    let head = rest.split(is_delimiter).next()?;
    (!head.is_empty() && rest.len() > head.len()).then_some(head)
}

impl Hinter for LineHelper {
    type Hint = String;

    /// Shows a builtin's signature while its call is being typed: `(get m k [default])`.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        if pos < line.len() {
            return None;
        }
        let head = open_head(line)?;
        let builtin = ovsm_stdlib::lookup(head).and_then(ovsm_stdlib::get)?;
        Some(format!("  ; {}", builtin.signature))
    }
}

const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const GREY: &str = "\x1b[90m";
const BOLD: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

/// The index of the bracket matching the one at `pos`, if `pos` is on a bracket.
fn matching_bracket(line: &str, pos: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let c = *bytes.get(pos)?;
    let (open, close, forward) = match c {
        b'(' => (b'(', b')', true),
        b'[' => (b'[', b']', true),
        b'{' => (b'{', b'}', true),
        b')' => (b'(', b')', false),
        b']' => (b'[', b']', false),
        b'}' => (b'{', b'}', false),
        _ => return None,
    };
    let mut depth = 0i32;
    let indices: Box<dyn Iterator<Item = usize>> = if forward { Box::new(pos..bytes.len()) } else { Box::new((0..=pos).rev()) };
    for i in indices {
        match bytes.get(i) {
            Some(b) if *b == open => depth += if forward { 1 } else { -1 },
            Some(b) if *b == close => depth += if forward { -1 } else { 1 },
            _ => {}
        }
        if depth == 0 {
            return Some(i);
        }
    }
    None
}

impl Highlighter for LineHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        let cursor_bracket = matching_bracket(line, pos).or_else(|| pos.checked_sub(1).and_then(|p| matching_bracket(line, p)));
        let bracket_pair = cursor_bracket.map(|m| (m, if matching_bracket(line, pos).is_some() { pos } else { pos.saturating_sub(1) }));
        let mut out = String::with_capacity(line.len() + 16);
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                ';' => {
                    out.push_str(GREY);
                    out.push_str(line.get(i..).unwrap_or(""));
                    out.push_str(RESET);
                    break;
                }
                '"' => {
                    out.push_str(GREEN);
                    out.push('"');
                    let mut escaped = false;
                    for (_, s) in chars.by_ref() {
                        out.push(s);
                        if escaped {
                            escaped = false;
                        } else if s == '\\' {
                            escaped = true;
                        } else if s == '"' {
                            break;
                        }
                    }
                    out.push_str(RESET);
                }
                ':' if i == 0 || line.get(..i).is_some_and(|b| b.ends_with(is_delimiter)) => {
                    out.push_str(CYAN);
                    out.push(':');
                    while let Some((_, k)) = chars.peek().copied() {
                        if is_delimiter(k) {
                            break;
                        }
                        out.push(k);
                        chars.next();
                    }
                    out.push_str(RESET);
                }
                _ if bracket_pair.is_some_and(|(a, b)| i == a || i == b) => {
                    out.push_str(BOLD);
                    out.push(c);
                    out.push_str(RESET);
                }
                _ => out.push(c),
            }
        }
        Cow::Owned(out)
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{GREY}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _forced: bool) -> bool {
        // Bracket matching depends on the cursor, so every move redraws.
        true
    }
}

/// Input is accepted line by line; `read_form` asks for continuation lines itself, so the
/// prompt can say that a form is still open.
impl Validator for LineHelper {
    fn validate(&self, _: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(ValidationResult::Valid(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_the_open_form() {
        assert_eq!(open_head("(get m"), Some("get"));
        assert_eq!(open_head("(map (lambda (x) x) "), Some("map"));
        assert_eq!(open_head("(+ 1 2)"), None);
    }

    #[test]
    fn brackets_match() {
        assert_eq!(matching_bracket("(a [b] c)", 0), Some(8));
        assert_eq!(matching_bracket("(a [b] c)", 5), Some(3));
        assert_eq!(matching_bracket("abc", 1), None);
    }
}
