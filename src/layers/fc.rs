//! A fully-connected layer (FL), the paper's: computed whole, never by rows.

use super::prelude::*;

plain_kind! {
    /// A fully-connected layer (FL).
    Fc { outputs }
}

impl Op for Fc {
    fn text(&self, _: &LayerInfo) -> String {
        format!("FC {}", self.outputs)
    }

    fn derive(&self, at: &Inputs) -> Result<LayerInfo, ModelError> {
        let input = at.one()?;
        if at.dag && at.reads[0] + 1 != at.index {
            return Err(at.error("a fully-connected layer must read the layer right before it"));
        }
        limits::check_size(Some(at.index), "outputs", self.outputs)?;
        let ni = input.elements();
        let no = u64::from(self.outputs);
        let output = Shape::new(1, 1, self.outputs);
        let flops = limits::checked(at.index, "FLOPs", &[2, ni, no])?;
        let params = limits::checked(at.index, "parameters", &[ni, no])? + no;
        Ok(at.made(output, output, flops, params))
    }

    fn is_dag_only(&self) -> bool {
        false
    }
}

impl Kernel for Fc {
    fn rows(&self, _: RowCall) -> Result<RowStore, Missing> {
        unreachable!("an FL is computed whole (`rounds::forward`, `rounds::fc`), not by rows")
    }

    fn weights(&self, layer: &LayerInfo) -> Option<(u64, u64, u64)> {
        let (ni, no) = (layer.input.elements(), u64::from(self.outputs));
        Some((ni, mul(ni, no), no))
    }
}
