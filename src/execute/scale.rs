//! Shrinking a model's input for a fast run (`--scale S`).

use crate::model::{ModelError, Network, Shape};

/// The network with its input height and width divided by `scale` (rounded down), or
/// the largest smaller input the model accepts (YOLOv2's passthrough needs a multiple
/// of 32, for instance). Layers are unchanged; FL inputs shrink with the input.
pub fn scaled(net: &Network, scale: u32) -> Result<Network, ModelError> {
    if scale == 0 {
        return Err(ModelError::model("the scale must be at least 1"));
    }
    let input = net.model.input;
    let top = input.height / scale;
    let mut last_error = ModelError::model(format!(
        "an input of {}×{} divided by {scale} leaves no rows",
        input.height, input.width
    ));
    for height in (1..=top).rev() {
        let width = (u64::from(input.width) * u64::from(height) / u64::from(input.height)).max(1);
        let mut model = net.model.clone();
        model.input = Shape::new(height, width as u32, input.channels);
        match Network::new(&model) {
            Ok(n) => return Ok(n),
            Err(e) if height == top => last_error = e,
            Err(_) => {}
        }
    }
    Err(last_error)
}

#[cfg(test)]
mod tests {
    use super::scaled;
    use crate::model::{zoo, Network};

    #[test]
    fn shrinks_and_keeps_models_valid() {
        let vgg = Network::new(&zoo::vgg(16)).unwrap();
        assert_eq!(scaled(&vgg, 1).unwrap().input, vgg.input);
        assert_eq!(scaled(&vgg, 4).unwrap().input.height, 56);
        let yolo = Network::new(&zoo::yolov2()).unwrap();
        let small = scaled(&yolo, 4).unwrap().input.height;
        assert!(small <= 152 && small > 100, "{small}");
        assert!(scaled(&vgg, 0).is_err());
        assert!(scaled(&vgg, 1000).is_err());
    }
}
