//! The documented mapping decisions (docs/import.md), one accepted case each: what a
//! construct of Darknet or Keras becomes in the planner's model.

use coopai::import::{darknet, keras};
use coopai::model::{Conv, Fc, Layer, PoolLayer, PoolMode, Shape};

fn cfg_layers(text: &str) -> Vec<Layer> {
    darknet::load(text)
        .unwrap_or_else(|e| panic!("{e}"))
        .model
        .layers
}

fn keras_layers(layers: &str, input: [u32; 3]) -> Vec<Layer> {
    let [h, w, c] = input;
    let text = format!(
        r#"{{"class_name": "Sequential", "config": [{{"class_name": "InputLayer",
        "config": {{"batch_input_shape": [null, {h}, {w}, {c}]}}}}, {layers}]}}"#
    );
    keras::load(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .model
        .layers
}

const NET: &str = "[network]\r\nheight = 32\r\nwidth = 32\r\nchannels = 3\r\n";

#[test]
fn darknet_global_avgpool_is_a_pool_over_the_whole_map() {
    let layers = cfg_layers(&format!(
        "{NET}[conv]\nfilters=8\nsize=3\npad=1\n[avg]\n[connected]\noutput=10\n[softmax]\n"
    ));
    assert_eq!(
        layers,
        [
            Layer::Conv(Conv::same(8, 3).with_pool(32, 32)),
            Layer::Fc(Fc { outputs: 10 })
        ]
    );
}

#[test]
fn darknet_default_maxpool_padding_is_accepted_where_it_changes_nothing() {
    let layers = cfg_layers(&format!(
        "{NET}[convolutional]\nfilters=8\nsize=3\npad=1\n[maxpool]\nsize=2\nstride=2\n"
    ));
    assert_eq!(layers, [Layer::Conv(Conv::same(8, 3).with_pool(2, 2))]);
    // yolov2-tiny's size=2 stride=1 pool keeps 32 rows in Darknet (padding 1, windows
    // from row 0): not a fused pool, so the cfg is read as a DAG with a padded pool.
    let net = darknet::load(&format!(
        "{NET}[convolutional]\nfilters=8\nsize=3\npad=1\n[maxpool]\nsize=2\nstride=1\n"
    ))
    .unwrap();
    let mut pool = PoolLayer::new(PoolMode::Max, 2, 1);
    pool.pad_bottom = Some(1);
    pool.pad_right = Some(1);
    assert_eq!(
        net.model.layers,
        [Layer::Conv(Conv::same(8, 3)), Layer::Pool(pool)]
    );
    assert_eq!(net.output(), Shape::new(32, 32, 8));
}

#[test]
fn darknet_cost_free_sections_between_conv_and_pool_are_skipped() {
    let layers = cfg_layers(&format!(
        "{NET}[convolutional]\nfilters=8\nsize=3\npad=1\n[batchnorm]\n[activation]\nactivation=mish\n[dropout]\n[maxpool]\nsize=2\nstride=2\n[region]\n"
    ));
    assert_eq!(layers, [Layer::Conv(Conv::same(8, 3).with_pool(2, 2))]);
}

#[test]
fn keras_same_with_stride_two_is_accepted_when_symmetric() {
    let conv = r#"{"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}}"#;
    assert_eq!(
        keras_layers(conv, [225, 225, 3]),
        [Layer::Conv(Conv::same(4, 3).with_stride(2, 1))]
    );
}

#[test]
fn keras_dense_on_an_image_is_a_one_by_one_conv() {
    let layers = r#"{"class_name": "Dense", "config": {"units": 16}},
        {"class_name": "GlobalAveragePooling2D", "config": {}},
        {"class_name": "Dense", "config": {"units": 10}}"#;
    assert_eq!(
        keras_layers(layers, [8, 8, 3]),
        [
            Layer::Conv(Conv::same(16, 1).with_pool(8, 8)),
            Layer::Fc(Fc { outputs: 10 })
        ]
    );
}

#[test]
fn keras_zero_padding_folds_into_the_next_conv_and_same_pooling_without_padding_fuses() {
    let layers = r#"{"class_name": "ZeroPadding2D", "config": {"padding": [2, 2]}},
        {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [5, 5], "padding": "same"}},
        {"class_name": "Activation", "config": {"activation": "relu"}},
        {"class_name": "AveragePooling2D", "config": {"pool_size": [2, 2], "padding": "same"}}"#;
    // 32 + 2·2 = 36 rows, "same" keeps 36 with 2 more on each side: padding 4 in all.
    assert_eq!(
        keras_layers(layers, [32, 32, 3]),
        [Layer::Conv(
            Conv::same(4, 5).with_stride(1, 4).with_pool(2, 2)
        )]
    );
}

#[test]
fn keras_3_input_from_build_config() {
    let text = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "k3", "layers": [
        {"module": "keras.layers", "class_name": "Conv2D", "config": {"name": "c", "filters": 2,
         "kernel_size": [1, 1], "dtype": {"module": "keras", "class_name": "DTypePolicy"}},
         "build_config": {"input_shape": [null, 5, 6, 7]}}]}}"#;
    let net = keras::load(text).unwrap();
    assert_eq!(net.input, Shape::new(5, 6, 7));
    assert_eq!(net.name, "k3");
}

#[test]
fn darknet_leading_crop_is_the_input() {
    let net = darknet::load(&format!(
        "{NET}[crop]\ncrop_height=24\ncrop_width=20\nflip=1\n[convolutional]\nfilters=8\nsize=3\npad=1\n"
    ))
    .unwrap();
    assert_eq!(net.input, Shape::new(24, 20, 3));
}
