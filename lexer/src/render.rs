//! The only place that talks to ariadne.

use crate::{Diagnostic, Severity, SourceId, Sources};
use ariadne::{Config, Label, Report, ReportKind};

/// Renders one diagnostic as text: `[CODE] Error: message`, then `FILE:LINE:COL` and the
/// source line with the labels underneath, then the notes.
/// Diagnostics without a real span fall back to the first two lines in plain text.
pub fn render(diagnostic: &Diagnostic, sources: &Sources, color: bool) -> String {
    let kind = match diagnostic.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
    };
    let Some(primary) = diagnostic.primary_span() else {
        return render_plain(diagnostic);
    };
    let name = |id: SourceId| sources.name(id).to_string();
    let char_range = |span: crate::Span| {
        let text = sources.text(span.source);
        let to_chars = |byte: u32| text.get(..(byte as usize).min(text.len())).map_or(0, |s| s.chars().count());
        to_chars(span.start)..to_chars(span.end).max(to_chars(span.start))
    };
    let mut report = Report::build(kind, name(primary.source), char_range(primary).start)
        .with_code(diagnostic.code)
        .with_message(&diagnostic.message)
        .with_config(Config::default().with_color(color));
    for label in diagnostic.labels.iter().filter(|l| !l.span.is_synthetic()) {
        let mut l = Label::new((name(label.span.source), char_range(label.span)));
        if !label.message.is_empty() {
            l = l.with_message(&label.message);
        }
        report = report.with_label(l);
    }
    for note in &diagnostic.notes {
        report = report.with_note(note);
    }
    let mut used: Vec<SourceId> = diagnostic.labels.iter().map(|l| l.span.source).collect();
    used.sort();
    used.dedup();
    let cache =
        ariadne::sources(used.into_iter().filter(|id| *id != SourceId::SYNTHETIC).map(|id| (name(id), sources.text(id).to_string())));
    let mut out = Vec::new();
    if report.finish().write(cache, &mut out).is_err() {
        return render_plain(diagnostic);
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn render_plain(diagnostic: &Diagnostic) -> String {
    let word = match diagnostic.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let mut out = format!("[{}] {}: {}\n", diagnostic.code, word, diagnostic.message);
    for note in &diagnostic.notes {
        out.push_str(&format!("  = Note: {note}\n"));
    }
    out
}

/// Renders several diagnostics one after another.
pub fn render_all(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    diagnostics.iter().map(|d| render(d, sources, color)).collect()
}
