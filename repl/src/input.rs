//! Deciding whether typed input is a whole form or needs another line.

use ovsm_lexer::{lex, SourceId, Token};

/// True when every `( [ {` is closed and no string or block comment is left open.
/// Extra closers count as complete: evaluating reports them.
pub fn is_complete(text: &str) -> bool {
    let (tokens, diagnostics) = lex(text, SourceId(0));
    // E0002: unterminated string; E0005: unterminated block comment.
    if diagnostics.iter().any(|d| d.code == "E0002" || d.code == "E0005") {
        return false;
    }
    let mut depth: i64 = 0;
    for (token, _) in &tokens {
        match token {
            Token::LParen | Token::LBracket | Token::LBrace => depth += 1,
            Token::RParen | Token::RBracket | Token::RBrace => depth -= 1,
            _ => {}
        }
    }
    depth <= 0
}

#[cfg(test)]
mod tests {
    use super::is_complete;

    #[test]
    fn balance_decides() {
        assert!(is_complete("(+ 1 2)"));
        assert!(!is_complete("(defun f (x)"));
        assert!(!is_complete("(print \"abc"));
        assert!(!is_complete("#| open"));
        assert!(is_complete(":help"));
        assert!(is_complete("(+ 1 2))"));
    }
}
