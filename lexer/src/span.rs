//! Source positions.

/// Identifies one source text in a [`Sources`] table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceId(pub u32);

impl SourceId {
    /// Code the compiler made up (desugaring, builtins): it has no text to point into.
    pub const SYNTHETIC: SourceId = SourceId(u32::MAX);
}

/// A byte range in one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    pub source: SourceId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const SYNTHETIC: Span = Span { source: SourceId::SYNTHETIC, start: 0, end: 0 };

    pub fn new(source: SourceId, range: std::ops::Range<usize>) -> Span {
        // Sources are capped well below 4 GiB by the driver, so these never saturate in practice.
        let start = u32::try_from(range.start).unwrap_or(u32::MAX);
        let end = u32::try_from(range.end).unwrap_or(u32::MAX);
        Span { source, start, end }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both (they must be in the same source).
    pub fn to(self, other: Span) -> Span {
        Span { source: self.source, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn is_synthetic(self) -> bool {
        self.source == SourceId::SYNTHETIC
    }
}

/// The texts a run has seen, so diagnostics can point into any of them.
#[derive(Default, Debug, Clone)]
pub struct Sources {
    entries: Vec<(String, String)>,
}

impl Sources {
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Registers a source under a display name (usually its path) and returns its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> SourceId {
        let id = SourceId(u32::try_from(self.entries.len()).unwrap_or(u32::MAX - 1));
        self.entries.push((name.into(), text.into()));
        id
    }

    /// Every (name, text), in id order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    pub fn name(&self, id: SourceId) -> &str {
        self.entries.get(id.0 as usize).map_or("<synthetic>", |e| e.0.as_str())
    }

    pub fn text(&self, id: SourceId) -> &str {
        self.entries.get(id.0 as usize).map_or("", |e| e.1.as_str())
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, id: SourceId, offset: u32) -> (usize, usize) {
        let text = self.text(id);
        let offset = (offset as usize).min(text.len());
        let before = text.get(..offset).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}
