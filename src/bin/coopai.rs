use coopai::cost::Environment;
use coopai::model::{zoo, Network};
use coopai::solver::compare;
fn main() {
    for name in zoo::NAMES {
        let net = Network::new(&zoo::by_name(name).unwrap()).unwrap();
        let env = Environment::raspberry_pi4(10);
        let c = compare(&net, &env);
        let blocks: Vec<_> = c.mls.iter().map(|k| k.blocks).collect();
        println!("{name} L={} gflops={:.3} params={:.2}M blocks={blocks:?} best mls {:?} sls {:?} save {:.2} vs1 {:.2}", net.len(), net.flops() as f64/1e9, net.params() as f64/1e6, c.best_mls, c.best_sls, c.saving_vs_sls_pct, c.saving_vs_one_device_pct);
        if name == "yolov2" {
            for (m, s) in c.mls.iter().zip(&c.sls) {
                println!(
                    "k={} mls {:.4} ({:.4}+{:.4}) sls {:.4} ({:.4}+{:.4})",
                    m.devices,
                    m.completion_s,
                    m.compute_s,
                    m.transfer_s,
                    s.completion_s,
                    s.compute_s,
                    s.transfer_s
                );
            }
        }
    }
}
