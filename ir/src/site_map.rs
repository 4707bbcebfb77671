//! The map a compiled program keeps beside its `.so`: which source span each error site of the
//! machine code stands for, and the sources themselves, so that `ovsm run OUT.so` reports an
//! error exactly as `ovsm run FILE` would, without the source file at hand.
//!
//! The format is line-oriented text, written and read only here:
//! `ovsm-site-map 1`, then `source NAME_LEN TEXT_LEN` lines each followed by the name and the
//! text bytes and a newline, then `site SOURCE START END` lines (SOURCE is an index into the
//! sources, or `-` for code with no source), then `global NAME` lines: the program's globals in
//! index order (names are identifiers: no spaces), so the runtime can bind the scenario's
//! account names to them.

use ovsm_lexer::{SourceId, Sources, Span};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteMap {
    pub sources: Vec<(String, String)>,
    /// Site ids index this.
    pub sites: Vec<Span>,
    /// The program's global variables, by index.
    pub globals: Vec<String>,
}

const HEADER: &str = "ovsm-site-map 1";

impl SiteMap {
    /// Where the map of a compiled program is kept: `OUT.so.map`, beside it. `ovsm build` writes
    /// it there and `ovsm run OUT.so` reads it from there.
    pub fn path_beside(so: &str) -> String {
        format!("{so}.map")
    }

    pub fn new(sources: &Sources) -> SiteMap {
        SiteMap {
            sources: sources.entries().map(|(n, t)| (n.to_string(), t.to_string())).collect(),
            sites: Vec::new(),
            globals: Vec::new(),
        }
    }

    /// Adds a site and returns its id.
    pub fn add(&mut self, span: Span) -> u64 {
        self.sites.push(span);
        self.sites.len() as u64 - 1
    }

    pub fn span(&self, site: u64) -> Span {
        usize::try_from(site).ok().and_then(|i| self.sites.get(i)).copied().unwrap_or(Span::SYNTHETIC)
    }

    /// The sources as a table that diagnostics can be rendered against.
    pub fn source_table(&self) -> Sources {
        let mut table = Sources::new();
        for (name, text) in &self.sources {
            table.add(name.clone(), text.clone());
        }
        table
    }

    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        for (name, text) in &self.sources {
            out.push_str(&format!("source {} {}\n{name}{text}\n", name.len(), text.len()));
        }
        for span in &self.sites {
            if span.is_synthetic() {
                out.push_str("site - 0 0\n");
            } else {
                out.push_str(&format!("site {} {} {}\n", span.source.0, span.start, span.end));
            }
        }
        for name in &self.globals {
            out.push_str(&format!("global {name}\n"));
        }
        out
    }

    pub fn parse(text: &str) -> Result<SiteMap, String> {
        let bad = |what: &str| format!("not an OVSM site map ({what})");
        let mut rest = text.strip_prefix(HEADER).and_then(|r| r.strip_prefix('\n')).ok_or_else(|| bad("header"))?;
        let mut map = SiteMap::default();
        while let Some(after) = rest.strip_prefix("source ") {
            let line_end = after.find('\n').ok_or_else(|| bad("source line"))?;
            let mut lens = after.get(..line_end).unwrap_or("").split(' ').map(str::parse::<usize>);
            let (Some(Ok(name_len)), Some(Ok(text_len))) = (lens.next(), lens.next()) else {
                return Err(bad("source lengths"));
            };
            let body = after.get(line_end + 1..).unwrap_or("");
            let name = body.get(..name_len).ok_or_else(|| bad("source name"))?;
            let source = body.get(name_len..name_len + text_len).ok_or_else(|| bad("source text"))?;
            map.sources.push((name.to_string(), source.to_string()));
            rest = body.get(name_len + text_len..).and_then(|r| r.strip_prefix('\n')).ok_or_else(|| bad("source end"))?;
        }
        for line in rest.lines() {
            let fields: Vec<&str> = line.split(' ').collect();
            match fields.as_slice() {
                ["site", "-", _, _] => map.sites.push(Span::SYNTHETIC),
                ["site", source, start, end] => {
                    let number = |s: &str| s.parse::<u32>().map_err(|_| bad("site"));
                    map.sites.push(Span { source: SourceId(number(source)?), start: number(start)?, end: number(end)? });
                }
                ["global", name] => map.globals.push((*name).to_string()),
                _ => return Err(bad("site line")),
            }
        }
        Ok(map)
    }
}
