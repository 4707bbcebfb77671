//! `ovsm run --timeline FILE.svg`: a picture of a run, drawn from its trace. Slots run along the
//! x axis; each subscription (and each program's `on-event` deliveries) has a lane with a mark
//! per event: fired, deferred, failed, dead-lettered; underneath, the compute units the slot's
//! invocations used. The picture holds no wall-clock data, so a run draws the same bytes every
//! time.

use ovsm_runtime::chain::TraceEvent;
use plotters::prelude::*;
use std::collections::BTreeMap;

const WIDTH: u32 = 1200;
const LANE_HEIGHT: u32 = 30;
const CU_HEIGHT: u32 = 220;

/// What a mark means, in the order of the legend.
const MARKS: [(&str, RGBColor); 4] =
    [("fired", RGBColor(46, 139, 87)), ("deferred", RGBColor(230, 145, 30)), ("failed", RGBColor(200, 30, 30)), ("dead-lettered", BLACK)];

struct Lanes {
    /// (program, subscription) in order of first appearance; None is the program's `on-event`.
    keys: Vec<(String, Option<u64>)>,
    labels: Vec<String>,
}

impl Lanes {
    fn index(&mut self, program: &str, sub: Option<u64>, what: Option<&str>) -> usize {
        let key = (program.to_string(), sub);
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            return i;
        }
        let label = match (sub, what) {
            (Some(s), Some(w)) => format!("{program} #{s} {w}"),
            (Some(s), None) => format!("{program} #{s}"),
            (None, _) => format!("{program} on-event"),
        };
        self.keys.push(key);
        self.labels.push(label);
        self.keys.len() - 1
    }
}

pub fn draw(path: &str, trace: &[TraceEvent], last_slot: u64) -> Result<(), String> {
    let mut lanes = Lanes { keys: Vec::new(), labels: Vec::new() };
    let mut marks: Vec<(u64, usize, usize)> = Vec::new(); // (slot, lane, mark kind)
    let mut cu: BTreeMap<u64, u64> = BTreeMap::new();
    for e in trace {
        let Some(program) = e.program.as_deref() else { continue };
        let kind = match e.kind {
            "subscribed" => {
                lanes.index(program, e.subscription, e.detail.as_deref());
                continue;
            }
            "delivered" => 0,
            "deferred" => 1,
            "failed" => 2,
            "dead-lettered" => 3,
            _ => continue,
        };
        let lane = lanes.index(program, e.subscription, None);
        marks.push((e.slot, lane, kind));
        if let Some(units) = e.compute_units {
            *cu.entry(e.slot).or_default() += units;
        }
    }
    let n = lanes.labels.len().max(1);
    let height = 90 + LANE_HEIGHT * n as u32 + CU_HEIGHT;
    let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| format!("cannot draw the timeline `{path}`: {e}");
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let (top, bottom) = root.split_vertically(height - CU_HEIGHT);
    let x_end = last_slot.max(1);

    let mut chart = ChartBuilder::on(&top)
        .caption("autonomous work per slot", ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(260)
        .build_cartesian_2d(0u64..x_end, -0.5f64..(n as f64 - 0.5))
        .map_err(|e| fail(&e))?;
    let labels = lanes.labels.clone();
    chart
        .configure_mesh()
        .y_labels(n)
        .y_label_formatter(&|y| {
            let i = y.round();
            if (y - i).abs() < 0.01 && i >= 0.0 {
                labels.get(n.saturating_sub(1 + i as usize)).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .x_desc("slot")
        .disable_y_mesh()
        .draw()
        .map_err(|e| fail(&e))?;
    for (k, (name, color)) in MARKS.iter().enumerate() {
        // The first lane is drawn at the top.
        let points: Vec<(u64, f64)> = marks.iter().filter(|m| m.2 == k).map(|m| (m.0, (n - 1 - m.1) as f64)).collect();
        let style = color.filled();
        let series: Vec<DynElement<'_, SVGBackend<'_>, (u64, f64)>> = points
            .iter()
            .map(|p| match k {
                0 => Circle::new(*p, 3, style).into_dyn(),
                1 => TriangleMarker::new(*p, 5, style).into_dyn(),
                _ => Cross::new(*p, 5, color.stroke_width(2)).into_dyn(),
            })
            .collect();
        chart.draw_series(series).map_err(|e| fail(&e))?.label(*name).legend(move |(x, y)| Circle::new((x, y), 4, color.filled()));
    }
    chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw().map_err(|e| fail(&e))?;

    let peak = cu.values().copied().max().unwrap_or(0).max(1);
    let mut cu_chart = ChartBuilder::on(&bottom)
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(260)
        .build_cartesian_2d(0u64..x_end, 0u64..peak + peak / 10)
        .map_err(|e| fail(&e))?;
    cu_chart.configure_mesh().y_desc("compute units").x_desc("slot").disable_x_mesh().draw().map_err(|e| fail(&e))?;
    cu_chart
        .draw_series(cu.iter().map(|(slot, units)| PathElement::new(vec![(*slot, 0), (*slot, *units)], BLUE.stroke_width(2))))
        .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))?;
    Ok(())
}
