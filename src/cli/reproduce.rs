//! `coopai reproduce`: Table I, Table II, the §V-A headline, Fig. 8 and Fig. 9, ours
//! beside the paper's. `--markdown` gives the tables the README embeds.

use super::table::{self, Render};
use super::CliError;
use crate::paper;
use crate::reproduce::{reproduce, ModelReproduction};

pub fn run(json: bool, markdown: bool) -> Result<String, CliError> {
    let models = reproduce();
    if json {
        return Ok(serde_json::to_string_pretty(&models).expect("serialises") + "\n");
    }
    Ok(report(&models, table::renderer(markdown)))
}

fn pct(x: f64) -> String {
    format!("{x:.2} %")
}

/// A saving of ours beside the paper's, and how far apart they are.
fn saving(ours: f64, paper: f64) -> [String; 2] {
    [
        format!("{} / {}", pct(ours), pct(paper)),
        format!("{:+.2} pp", ours - paper),
    ]
}

/// Every section, each headed by a line naming it and the paper's setting.
fn report(models: &[ModelReproduction], render: Render) -> String {
    let mut out = format!(
        "Setting of the paper (RP4): F = {} GFLOPS, G = {} Mbps, D = 1..{}.\n\n",
        paper::GFLOPS,
        paper::BANDWIDTH_MBPS,
        paper::DEVICES
    );
    out += &table_i(models, render);
    out += &table_ii(models, render);
    out += &devices_and_savings(models, render);
    out += &by_bandwidth(models, render);
    for m in models {
        out += &by_devices(m, render);
    }
    out
}

/// Table I: each model's size, ours beside the paper's.
fn table_i(models: &[ModelReproduction], render: Render) -> String {
    let rows: Vec<Vec<String>> = (models.iter())
        .map(|m| {
            let p = m.published;
            vec![
                m.model.into(),
                format!("{0}×{0}", p.input),
                format!("{:.2} / {}", m.params_m, p.params_m),
                format!("{:.3} / {}", m.gflops, p.gflops),
                format!("{:+.2} %", 100.0 * (m.gflops - p.gflops) / p.gflops),
            ]
        })
        .collect();
    let headers = ["model", "input", "params (M)", "GFLOPs", "GFLOPs diff"];
    "Table I — model sizes (ours / paper)\n\n".to_string() + &render(&headers, &rows)
}

/// Table II: MLS blocks for k = 1..10.
fn table_ii(models: &[ModelReproduction], render: Render) -> String {
    let ks: Vec<String> = (1..=10).map(|k| format!("k={k}")).collect();
    let headers: Vec<&str> = ["model"]
        .into_iter()
        .chain(ks.iter().map(String::as_str))
        .collect();
    let rows: Vec<Vec<String>> = (models.iter())
        .map(|m| {
            let blocks = m.blocks().into_iter().zip(m.published.blocks);
            let marked = blocks.map(|(ours, paper)| {
                let mark = if ours == paper { "" } else { "*" };
                format!("{ours}/{paper}{mark}")
            });
            [m.model.to_string()].into_iter().chain(marked).collect()
        })
        .collect();
    "\nTable II — MLS blocks for k = 1..10 (ours / paper; * marks a difference)\n\n".to_string()
        + &render(&headers, &rows)
}

/// §V-A: the devices chosen and the savings.
fn devices_and_savings(models: &[ModelReproduction], render: Render) -> String {
    let rows: Vec<Vec<String>> = (models.iter())
        .map(|m| {
            let (c, p) = (&m.by_devices, m.published);
            let mut row = vec![
                m.model.into(),
                format!("{} / {}", c.best_mls.devices, p.devices_mls),
                format!("{} / {}", c.best_sls.devices, p.devices_sls),
            ];
            row.extend(saving(c.saving_vs_sls_pct, p.saving_vs_sls_pct));
            row.extend(saving(c.saving_vs_one_device_pct, p.saving_vs_one_pct));
            row
        })
        .collect();
    let headers = [
        "model",
        "k (MLS)",
        "k (SLS)",
        "saving vs SLS",
        "diff",
        "saving vs 1 device",
        "diff",
    ];
    "\n§V-A — devices chosen and savings (ours / paper)\n\n".to_string() + &render(&headers, &rows)
}

/// Fig. 9: MLS's saving over SLS by gateway bandwidth.
fn by_bandwidth(models: &[ModelReproduction], render: Render) -> String {
    let gs: Vec<String> = paper::BANDWIDTHS_MBPS
        .iter()
        .map(|g| format!("{g}"))
        .collect();
    let mut headers = vec!["model"];
    headers.extend(gs.iter().map(String::as_str));
    headers.extend(["largest (ours / paper)", "diff"]);
    let rows: Vec<Vec<String>> = (models.iter())
        .map(|m| {
            let mut row = vec![m.model.to_string()];
            row.extend(
                m.by_bandwidth
                    .iter()
                    .map(|b| format!("{:.2}", b.saving_pct)),
            );
            row.extend(saving(
                m.max_bandwidth_saving_pct,
                m.published.max_bandwidth_saving_pct,
            ));
            row
        })
        .collect();
    "\nFig. 9 — MLS saving over SLS by gateway bandwidth, D = 10 (the paper prints only the \
     largest)\n\n"
        .to_string()
        + &render(&headers, &rows)
}

/// Fig. 8 for one model: completion time by k.
fn by_devices(m: &ModelReproduction, render: Render) -> String {
    let rows: Vec<Vec<String>> = (m.by_devices.mls.iter().zip(&m.by_devices.sls))
        .map(|(a, b)| {
            let mut row = vec![a.devices.to_string()];
            row.extend(table::seconds([a.completion_s, a.compute_s, a.transfer_s]));
            row.extend(table::seconds([b.completion_s, b.compute_s, b.transfer_s]));
            row
        })
        .collect();
    let headers = [
        "k",
        "MLS",
        "MLS compute",
        "MLS transfer",
        "SLS",
        "SLS compute",
        "SLS transfer",
    ];
    format!(
        "\nFig. 8 — {}: completion time by k, seconds (the paper publishes only the plot)\n\n",
        m.model
    ) + &render(&headers, &rows)
}
