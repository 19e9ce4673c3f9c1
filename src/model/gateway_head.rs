//! A detection head an importer left to the gateway (`docs/spec-dag.md` D7): the ops
//! after the last layer of each scale that only rearrange and decode the maps. They are
//! no layer of the model and the plan charges them nothing, so the plan says what they
//! are, lest a reader think the model ends at its maps.

use serde::{Deserialize, Serialize};

use super::ModelError;

/// The head of an imported model, decoded by the gateway from the gathered outputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayHead {
    /// The layers whose outputs it reads (1-based, ascending): model outputs.
    pub reads: Vec<usize>,
    /// The source's ops it is made of, in name order, with how many nodes of each.
    pub ops: Vec<HeadOp>,
    /// Its convs' FLOPs (YOLOv8's DFL), not in the model's total: the gateway does them
    /// and the plan, like the rest of the head, prices them at zero.
    pub flops: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadOp {
    pub op: String,
    pub nodes: u32,
}

/// Most ops a head names, and the longest name: what a project file may say of it.
const MAX_OPS: usize = 64;
const MAX_OP_NAME: usize = 64;
/// A description lists every kind of op up to this many (a YOLO head has 11)…
const MAX_KINDS_LISTED: usize = 12;
/// …and beyond, the kinds of most nodes, then how many others.
const COMMONEST_LISTED: usize = 6;

impl GatewayHead {
    /// Refuses a head (from a project file) that reads no output of a model of `layers`
    /// layers, or names more or longer ops than an importer writes.
    pub fn check(&self, layers: usize) -> Result<(), ModelError> {
        let refuse = |why: String| Err(ModelError::model(format!("gateway_head: {why}")));
        let ascending = self.reads.windows(2).all(|w| w[0] < w[1]);
        match (self.reads.first(), self.reads.last()) {
            (Some(&first), Some(&last)) if ascending && first >= 1 && last <= layers => {}
            _ => {
                return refuse(format!(
                    "reads must be ascending layer numbers from 1 to {layers}, at least one"
                ))
            }
        }
        if self.ops.len() > MAX_OPS || self.ops.iter().any(|o| o.op.len() > MAX_OP_NAME) {
            return refuse(format!(
                "at most {MAX_OPS} ops, of names up to {MAX_OP_NAME} bytes"
            ));
        }
        Ok(())
    }

    /// One line for a person: what the gateway does and what the plan charges for it.
    pub fn describe(&self) -> String {
        let nodes: u32 = self.ops.iter().map(|o| o.nodes).sum();
        // A head that also selects boxes (SSD: 27 kinds) is named by its commonest ops.
        let mut named: Vec<&HeadOp> = self.ops.iter().collect();
        if named.len() > MAX_KINDS_LISTED {
            named.sort_by_key(|o| std::cmp::Reverse(o.nodes));
            named.truncate(COMMONEST_LISTED);
        }
        let mut ops: Vec<String> = named
            .iter()
            .map(|o| format!("{} {}", o.op, o.nodes))
            .collect();
        if named.len() < self.ops.len() {
            ops.push(format!("{} other kinds", self.ops.len() - named.len()));
        }
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
