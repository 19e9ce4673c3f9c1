//! A detection head an importer left to the gateway (`docs/spec-dag.md` D7): the ops
//! after the last layer of each scale that only rearrange and decode the maps. They are
//! no layer of the model and the plan charges them nothing, so the plan says what they
//! are, lest a reader think the model ends at its maps.

use serde::Serialize;

/// The head of an imported model, decoded by the gateway from the gathered outputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GatewayHead {
    /// The layers whose outputs it reads (1-based, ascending): model outputs.
    pub reads: Vec<usize>,
    /// The source's ops it is made of, in name order, with how many nodes of each.
    pub ops: Vec<HeadOp>,
    /// Its convs' FLOPs (YOLOv8's DFL), not in the model's total: the gateway does them
    /// and the plan, like the rest of the head, prices them at zero.
    pub flops: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeadOp {
    pub op: String,
    pub nodes: u32,
}

impl GatewayHead {
    /// One line for a person: what the gateway does and what the plan charges for it.
    pub fn describe(&self) -> String {
        let nodes: u32 = self.ops.iter().map(|o| o.nodes).sum();
        let ops: Vec<String> = self
            .ops
            .iter()
            .map(|o| format!("{} {}", o.op, o.nodes))
            .collect();
        let reads: Vec<String> = self.reads.iter().map(usize::to_string).collect();
        let flops = if self.flops > 0 {
            format!(", as are its convs' {} FLOPs", self.flops)
        } else {
            String::new()
        };
        format!(
            "detection head left to the gateway: {nodes} nodes ({}) decode the outputs of \
             layer{} {}; priced at zero{flops}",
            ops.join(", "),
            if reads.len() == 1 { "" } else { "s" },
            reads.join(", ")
        )
    }
}
