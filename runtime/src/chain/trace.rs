//! The run trace: one record per runtime event, written as JSON lines by `--trace`.
//! Records hold no wall-clock data, so the same program and scenario give the same bytes.

use super::ProgramInfo;
use ovsm_lexer::json_string;

#[derive(Clone, Debug, PartialEq)]
pub struct TraceEvent {
    pub slot: u64,
    pub kind: &'static str,
    pub program: Option<String>,
    pub subscription: Option<u64>,
    pub item: Option<u64>,
    pub compute_units: Option<u64>,
    pub detail: Option<String>,
}

impl TraceEvent {
    pub fn new(slot: u64, kind: &'static str, programs: &[ProgramInfo], program: usize) -> TraceEvent {
        TraceEvent {
            slot,
            kind,
            program: programs.get(program).map(|p| p.name.clone()),
            subscription: None,
            item: None,
            compute_units: None,
            detail: None,
        }
    }

    pub fn subscription(mut self, id: u64) -> TraceEvent {
        self.subscription = Some(id);
        self
    }

    pub fn maybe_sub(mut self, id: Option<u64>) -> TraceEvent {
        self.subscription = id;
        self
    }

    pub fn item(mut self, id: u64) -> TraceEvent {
        self.item = Some(id);
        self
    }

    pub fn cu(mut self, units: u64) -> TraceEvent {
        self.compute_units = Some(units);
        self
    }

    pub fn detail(mut self, text: &str) -> TraceEvent {
        self.detail = Some(text.to_string());
        self
    }

    /// One JSON object, keys in a fixed order, absent fields left out.
    pub fn to_json(&self) -> String {
        let mut out = format!("{{\"slot\":{},\"kind\":{}", self.slot, json_string(self.kind));
        if let Some(p) = &self.program {
            out.push_str(&format!(",\"program\":{}", json_string(p)));
        }
        if let Some(s) = self.subscription {
            out.push_str(&format!(",\"subscription\":{s}"));
        }
        if let Some(i) = self.item {
            out.push_str(&format!(",\"item\":{i}"));
        }
        if let Some(cu) = self.compute_units {
            out.push_str(&format!(",\"compute_units\":{cu}"));
        }
        if let Some(d) = &self.detail {
            out.push_str(&format!(",\"detail\":{}", json_string(d)));
        }
        out.push('}');
        out
    }
}
