//! The leaderboard as HTML, rendered here and only here: the first paint is
//! this page (it reads without JavaScript), and the script swaps in the same
//! `#board` fragment when the room changes. Charts and escaping are the
//! comparison report's (`workbench_results::report`): one renderer, one escape.

use std::fmt::Write;

use workbench_results::ranking::rank_label;
use workbench_results::report::{chart, escape_html, exercise_rows, overall_rows};
use workbench_results::text::{interval, name_list};

use crate::room::Room;

/// The whole page: the fragment inside a document whose style and script
/// come from this server (`/static/…`), never from elsewhere.
pub fn page(room: &Room, board: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name} — Parallel Workbench leaderboard</title>\n\
         <link rel=\"stylesheet\" href=\"/static/leaderboard.css\">\n\
         <noscript><meta http-equiv=\"refresh\" content=\"15\"></noscript>\n\
         </head>\n<body>\n<p id=\"live\" class=\"live\">without JavaScript: this page reloads every 15 s</p>\n\
         {board}\n<script src=\"/static/leaderboard.js\"></script>\n</body>\n</html>\n",
        name = escape_html(&room.name)
    )
}

/// `#board`: the standings, each participant's history, a spread chart per
/// exercise, and what makes the ranking fair. `data-version` tells the
/// script which state it shows.
pub fn board(room: &Room, submit_url: &str) -> String {
    let c = &room.comparison;
    let mut out = String::new();
    let _ = write!(
        out,
        "<div id=\"board\" data-version=\"{}\">\n<header><h1>{}</h1>\
         <p class=\"meta\">{} participant(s) · {} submission(s) · {} exercise(s) · updated {} UTC</p></header>\n",
        room.version,
        escape_html(&room.name),
        c.participants.len(),
        room.submissions.len(),
        c.exercises.len(),
        room.submissions.last().map_or("—", |s| &s.received_utc[11..19]),
    );
    if c.participants.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">No results yet. Participants submit with<br>\
             <code>cargo xtask bench --submit {} --room CODE --name YOUR-NAME</code><br>\
             (the room code is on the trainer's screen).</p>",
            escape_html(submit_url)
        );
    } else {
        standings(&mut out, room);
        out.push_str("<section class=\"spread\"><h2>Each exercise: the room's spread</h2>\n");
        for id in &c.exercises {
            let _ = write!(out, "<div class=\"exercise\"><h3>{}</h3>", escape_html(id));
            out.push_str(&chart(id, &exercise_rows(c, id)));
            out.push_str("</div>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str(
        "<p class=\"fair\"><b>Fair across machines:</b> a score is the reference's time ÷ yours, both measured \
         on your own laptop in the same run (1.00× = as fast as the reference; higher is faster), averaged \
         geometrically over the exercises you solved. More exercises solved ranks first; a rank is shared \
         (<code>=2</code>) until one interval lies wholly above another.</p>\n\
         <p class=\"downloads\">For the trainer: <a href=\"/report.html\">the comparison report</a> · \
         <a href=\"/room.tar\">every participant's results file</a> (for <code>cargo xtask compare</code>)</p>\n\
         </div>",
    );
    out
}

fn standings(out: &mut String, room: &Room) {
    let c = &room.comparison;
    out.push_str(
        "<section class=\"standings\"><h2>Overall</h2>\n<table>\n<tr><th>rank</th><th>participant</th>\
         <th>solved</th><th>speed vs reference (≈95%)</th><th>this session</th></tr>\n",
    );
    for s in &c.standings {
        let r = &c.participants[s.who].results;
        let modified = if r.tools.modified.is_empty() {
            String::new()
        } else {
            format!(
                " <span class=\"modified\" title=\"{}\">modified workbench</span>",
                escape_html(&name_list(&r.tools.modified))
            )
        };
        let _ = writeln!(
            out,
            "<tr class=\"participant\"><td class=\"rank\">{}</td><td class=\"name\">{}{modified}</td><td>{}/{}</td>\
             <td>{}</td><td>{}</td></tr>",
            rank_label(s),
            escape_html(&r.participant),
            s.solved,
            c.exercises.len(),
            s.score.as_ref().map_or_else(|| "—".into(), interval),
            history(room, &r.participant),
        );
    }
    out.push_str("</table>\n");
    out.push_str(&chart("overall score", &overall_rows(c)));
    out.push_str("</section>\n");
}

const SPARK_WIDTH: f64 = 180.0;
const SPARK_HEIGHT: f64 = 34.0;

/// A participant's submissions in this session as a small line: each
/// point one submission's overall score (log scale), the last one labelled.
fn history(room: &Room, participant: &str) -> String {
    let points: Vec<(usize, f64)> =
        room.history(participant).filter_map(|s| s.score.1.map(|score| (s.score.0, score.median))).collect();
    if points.is_empty() {
        return "—".into();
    }
    let logs: Vec<f64> = points.iter().map(|p| p.1.max(1e-3).ln()).collect();
    let (lo, hi) = logs.iter().fold((f64::MAX, f64::MIN), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
    let span = (hi - lo).max(0.2);
    let step = if points.len() > 1 { (SPARK_WIDTH - 60.0) / (points.len() - 1) as f64 } else { 0.0 };
    let xy: Vec<(f64, f64)> = logs
        .iter()
        .enumerate()
        .map(|(i, l)| (6.0 + step * i as f64, SPARK_HEIGHT - 6.0 - (l - lo) / span * (SPARK_HEIGHT - 12.0)))
        .collect();
    let line: Vec<String> = xy.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
    let mut svg = format!(
        "<svg class=\"history\" width=\"{SPARK_WIDTH}\" height=\"{SPARK_HEIGHT}\" role=\"img\" \
         aria-label=\"{} submission(s)\" xmlns=\"http://www.w3.org/2000/svg\"><polyline points=\"{}\"/>",
        points.len(),
        line.join(" ")
    );
    for ((x, y), (solved, score)) in xy.iter().zip(&points) {
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\"><title>{score:.2}× over {solved} solved</title></circle>"
        );
    }
    let (x, y) = xy[xy.len() - 1];
    let last = points[points.len() - 1].1;
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\">{last:.2}×</text></svg>",
        x + 8.0,
        y.clamp(12.0, SPARK_HEIGHT - 2.0) + 4.0
    );
    svg
}

/// The page's style: large type, readable from the back of a room on a
/// 1280×720 projector.
pub const STYLE: &str = "\
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;padding:.4em 1.2em;\
max-width:1240px;color:#111;background:#fff;font-size:22px;line-height:1.35}\
h1{font-size:1.7em;margin:.2em 0 0}h2{font-size:1.25em;margin:1em 0 .3em;border-bottom:2px solid #ddd}\
h3{font-size:1em;margin:.6em 0 0}.meta{color:#444;margin:.1em 0 .6em}\
.live{float:right;color:#2a7a2a;font-size:.8em;margin:.6em 0}.live.stale{color:#b35c00}\
table{border-collapse:collapse;width:100%}th,td{padding:.25em .5em;border-bottom:1px solid #e4e4e4;text-align:left;\
vertical-align:middle}th{background:#f3f3f3;font-size:.85em}td.rank{font-weight:700;font-size:1.15em;width:3.5em}\
td.name{font-weight:600;overflow-wrap:anywhere}.modified{display:inline-block;background:#fff1d6;color:#8a4b00;\
border:1px solid #e69500;border-radius:4px;font-size:.7em;padding:0 .3em;margin-left:.4em}\
svg.chart{display:block;margin:.5em 0;max-width:100%}.chart text{font-size:14px;fill:#222}\
.chart .note{fill:#888;font-style:italic}.chart .reference{stroke:#999;stroke-dasharray:4 3}\
.chart .whisker line{stroke:#2a6fdb;stroke-width:3}.chart .whisker circle{fill:#2a6fdb}\
svg.history polyline{fill:none;stroke:#2a6fdb;stroke-width:2}svg.history circle{fill:#2a6fdb}\
svg.history text{font-size:14px;fill:#222}.spread{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));\
column-gap:1.5em}.spread h2{grid-column:1/-1}.fair,.downloads{font-size:.8em;color:#333}\
.empty{font-size:1.2em;background:#f4f8ff;padding:1em;border-left:6px solid #2a6fdb}\
code{background:#f2f2f2;padding:0 .2em;overflow-wrap:anywhere}";

/// The page's one script: ask for a newer `#board` (the server holds the
/// request until the room changes, or a while), swap it in, ask again.
/// Without it the page is complete; with it, it never needs a reload.
pub const SCRIPT: &str = r##""use strict";
(function () {
  var live = document.getElementById("live");
  function version() {
    var board = document.getElementById("board");
    return board ? board.getAttribute("data-version") : "0";
  }
  function show(text, stale) {
    live.textContent = text;
    live.className = stale ? "live stale" : "live";
  }
  function poll() {
    fetch("/fragment?after=" + encodeURIComponent(version()), { cache: "no-store" })
      .then(function (response) {
        if (response.status === 200) {
          return response.text().then(function (html) {
            var holder = document.createElement("div");
            holder.innerHTML = html;
            var fresh = holder.querySelector("#board");
            var board = document.getElementById("board");
            if (fresh && board) {
              board.replaceWith(fresh);
            }
          });
        }
        if (response.status !== 204) {
          throw new Error("HTTP " + response.status);
        }
      })
      .then(function () {
        show("live · " + new Date().toLocaleTimeString(), false);
        setTimeout(poll, 500);
      })
      .catch(function () {
        show("reconnecting…", true);
        setTimeout(poll, 3000);
      });
  }
  show("live", false);
  poll();
})();
"##;
