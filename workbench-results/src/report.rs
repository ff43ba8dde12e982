//! The comparison as one self-contained HTML page (`compare`'s report, and
//! the workshop server's `/report.html`): inline CSS and SVG charts, no script
//! and no external file, so it opens offline and can be mailed. Its chart and
//! [`escape_html`] are the leaderboard's too: one renderer, one escape.

use std::fmt::Write;

use benches::stats::Interval;

use crate::ranking::{Comparison, Standing, exercise_standings, rank_label, speed};
use crate::schema::status_text;
use crate::text::{interval, name_list, percent, throughput};

pub fn render(c: &Comparison) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Parallel Workbench — results of {n} participants</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Parallel Workbench — results</h1>\n\
         <p class=\"lead\">{n} participant(s), {m} exercise(s). <b>Speed vs reference</b> = the reference's time ÷ \
         the participant's time, both measured on the participant's own machine in the same run: 1.00× is as fast as \
         the reference, higher is faster. Whiskers are 95% confidence intervals. A participant ranks below \
         another only when the other's whole interval lies above theirs; equal ranks are shown as \
         <code>=2</code>.</p>\n",
        n = c.participants.len(),
        m = c.exercises.len()
    );
    if !c.problems.is_empty() {
        page.push_str("<section id=\"problems\"><h2>Left out</h2><ul>\n");
        for p in &c.problems {
            let _ = writeln!(page, "<li>{}</li>", escape_html(p));
        }
        page.push_str("</ul></section>\n");
    }
    ranking(&mut page, c);
    for id in &c.exercises {
        exercise(&mut page, c, id);
    }
    machines(&mut page, c);
    page.push_str("</body>\n</html>\n");
    page
}

fn ranking(page: &mut String, c: &Comparison) {
    page.push_str(
        "<section id=\"ranking\"><h2>Ranking</h2>\n<p>More exercises solved ranks first; then the geometric mean of \
         the speed vs reference over the exercises solved; its interval averages the bounds in log space, which errs \
         towards ties.</p>\n<table>\n<tr><th>rank</th><th>participant</th>\
         <th>solved</th><th>score (≈95% interval)</th></tr>\n",
    );
    for s in &c.standings {
        let r = &c.participants[s.who].results;
        let _ = writeln!(
            page,
            "<tr class=\"participant\"><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>",
            rank_label(s),
            escape_html(&r.participant),
            s.solved,
            c.exercises.len(),
            s.score.as_ref().map_or_else(|| "—".into(), interval)
        );
    }
    page.push_str("</table>\n");
    let rows = overall_rows(c);
    page.push_str(&chart("overall score", &rows));
    page.push_str("</section>\n");
}

fn exercise(page: &mut String, c: &Comparison, id: &str) {
    let _ = writeln!(page, "<section class=\"exercise\" id=\"{0}\"><h2>{0}</h2>", escape_html(id));
    page.push_str(
        "<table>\n<tr><th>rank</th><th>participant</th><th>speed vs reference (95% CI)</th><th>vs sequential</th>\
         <th>vs Python</th><th>throughput</th><th>% of memory bandwidth</th></tr>\n",
    );
    let ranked = exercise_standings(c, id);
    for s in &ranked {
        let r = &c.participants[s.who].results;
        let Some(e) = r.exercises.iter().find(|e| e.id == id) else { continue };
        let learner = e.implementation("learner");
        let cell = |x: Option<String>| x.unwrap_or_default();
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if s.score.is_some() { rank_label(s) } else { String::new() },
            escape_html(&r.participant),
            speed(e).as_ref().map_or_else(|| status_text(e.learner_status).to_string(), interval),
            cell(e.speedup_vs_sequential.map(|s| format!("{:.2}×", s.median))),
            cell(e.speedup_vs_python.map(|x| format!("{x:.1}×"))),
            cell(learner.map(|l| throughput(l.throughput_bytes_per_second))),
            cell(e.bandwidth_share.map(percent)),
        );
    }
    for who in unmeasured(c, &ranked) {
        let name = escape_html(&c.participants[who].results.participant);
        let _ = writeln!(page, "<tr><td></td><td>{name}</td><td colspan=\"5\">not measured</td></tr>");
    }
    page.push_str("</table>\n");
    page.push_str(&chart(id, &exercise_rows(c, id)));
    page.push_str("</section>\n");
}

/// Participants (in overall order) with no entry among `ranked`.
fn unmeasured(c: &Comparison, ranked: &[Standing]) -> Vec<usize> {
    c.standings.iter().map(|s| s.who).filter(|who| ranked.iter().all(|r| r.who != *who)).collect()
}

fn machines(page: &mut String, c: &Comparison) {
    page.push_str(
        "<section id=\"machines\"><h2>Machines</h2>\n<p>Probes measured in the same run as the results: memory read \
         bandwidth over a 1 GiB buffer (all cores, and one thread) and one core's integer speed.</p>\n<table>\n\
         <tr><th>participant</th><th>CPU</th><th>cores</th><th>memory</th><th>memory read</th><th>one thread</th>\
         <th>one core</th><th>OS</th><th>run</th><th>file</th></tr>\n",
    );
    for p in &c.participants {
        let r = &p.results;
        let m = &r.machine.described;
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0} M ops/s</td><td>{}</td>\
             <td>{}{}{}</td><td>{}</td></tr>",
            escape_html(&r.participant),
            escape_html(&m.cpu_model),
            m.cores,
            m.memory_bytes.map_or_else(|| "?".into(), |b| format!("{:.0} GiB", b as f64 / (1u64 << 30) as f64)),
            throughput(r.probes.memory_read_bytes_per_second),
            throughput(r.probes.memory_read_one_thread_bytes_per_second),
            r.probes.single_core_ops_per_second / 1e6,
            escape_html(&m.os),
            escape_html(&r.created_utc),
            if r.quick { " (quick)" } else { "" },
            if r.tools.modified.is_empty() {
                String::new()
            } else {
                format!(
                    " <strong class=\"modified\">modified workbench: {}</strong>",
                    escape_html(&name_list(&r.tools.modified))
                )
            },
            escape_html(p.source.rsplit('/').next().unwrap_or_default()),
        );
    }
    page.push_str("</table>\n</section>\n");
}

/// A chart's row: a label, the interval drawn (or none), the note shown instead.
pub type Row = (String, Option<Interval>, String);

/// The overall chart's rows, in rank order: "=1 ana" and the score.
pub fn overall_rows(c: &Comparison) -> Vec<Row> {
    c.standings
        .iter()
        .map(|s| {
            let name = &c.participants[s.who].results.participant;
            (format!("{} {name}", rank_label(s)), s.score, "nothing solved".to_string())
        })
        .collect()
}

/// One exercise's rows, ranked on that exercise ("=1 ana" and the
/// interval, or why there is none), then those who did not measure it.
pub fn exercise_rows(c: &Comparison, id: &str) -> Vec<Row> {
    let ranked = exercise_standings(c, id);
    let mut rows: Vec<Row> = ranked
        .iter()
        .map(|s| {
            let r = &c.participants[s.who].results;
            let status = r.exercises.iter().find(|e| e.id == id).map_or("", |e| status_text(e.learner_status));
            // Only a measured speed has a rank; "=1" for a room that solved nothing says nothing.
            let label =
                if s.score.is_some() { format!("{} {}", rank_label(s), r.participant) } else { r.participant.clone() };
            (label, s.score, status.to_string())
        })
        .collect();
    for who in unmeasured(c, &ranked) {
        rows.push((c.participants[who].results.participant.clone(), None, "not measured".to_string()));
    }
    rows
}

const ROW: f64 = 26.0;
const LABEL: f64 = 170.0;
const PLOT: f64 = 460.0;

/// A dot-and-whisker chart on a log scale, with the reference's 1.00× marked:
/// each row a label, an interval (or, without one, a note).
pub fn chart(title: &str, rows: &[Row]) -> String {
    let intervals: Vec<&Interval> = rows.iter().filter_map(|r| r.1.as_ref()).collect();
    let lo = intervals.iter().map(|i| i.lo).fold(0.5_f64, f64::min).max(1e-3);
    let hi = intervals.iter().map(|i| i.hi).fold(2.0_f64, f64::max);
    let (log_lo, log_hi) = (lo.ln() - 0.1, hi.ln() + 0.1);
    let x = |v: f64| LABEL + (v.max(1e-3).ln() - log_lo) / (log_hi - log_lo) * PLOT;
    let height = ROW * rows.len() as f64 + 40.0;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n",
        escape_html(title),
        LABEL + PLOT + 20.0
    );
    let one = x(1.0);
    let _ = writeln!(
        svg,
        "<line class=\"reference\" x1=\"{one:.1}\" y1=\"0\" x2=\"{one:.1}\" y2=\"{:.1}\"/>\
         <text class=\"axis\" x=\"{one:.1}\" y=\"{:.1}\" text-anchor=\"middle\">1.00× = reference</text>",
        height - 24.0,
        height - 8.0
    );
    for tick in [0.25, 0.5, 2.0, 4.0, 8.0, 16.0].into_iter().filter(|t| *t >= lo && *t <= hi) {
        let _ = writeln!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{tick}×</text>",
            x(tick),
            height - 8.0
        );
    }
    for (i, (label, measured, note)) in rows.iter().enumerate() {
        let y = ROW * i as f64 + ROW / 2.0 + 4.0;
        let _ = writeln!(
            svg,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL - 8.0,
            y + 4.0,
            escape_html(label)
        );
        match measured {
            Some(i) => {
                let _ = writeln!(
                    svg,
                    "<g class=\"whisker\"><title>{}: {}</title>\
                     <line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
                     <circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"5\"/></g>",
                    escape_html(label),
                    interval(i),
                    x(i.lo),
                    x(i.hi),
                    x(i.median)
                );
            }
            None => {
                let _ = writeln!(
                    svg,
                    "<text class=\"note\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    LABEL + 4.0,
                    y + 4.0,
                    escape_html(note)
                );
            }
        }
    }
    svg.push_str("</svg>\n");
    svg
}

/// Text made safe for HTML: participant names come from other people's files.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const STYLE: &str = "\
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}\
.lead{color:#444}table{border-collapse:collapse;margin:1em 0}\
th,td{padding:.3em .7em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}\
th{background:#f6f6f6}#problems{background:#fff4e5;padding:.5em 1em;border-left:4px solid #e69500}\
svg.chart{display:block;margin:1em 0}.chart .label,.chart .axis,.chart .note{font-size:12px;fill:#333}\
.chart .note{fill:#888;font-style:italic}.chart .reference{stroke:#999;stroke-dasharray:4 3}\
.chart .whisker line{stroke:#2a6fdb;stroke-width:2}.chart .whisker circle{fill:#2a6fdb}\
code{background:#f2f2f2;padding:0 .2em}";
