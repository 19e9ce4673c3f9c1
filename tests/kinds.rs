//! Every layer kind, registered once in `src/layers/`, is written and read back by the
//! project's JSON format with every field it can hold, and its `type` in JSON is the
//! name messages use.

use coopai::model::{
    json, Bilinear, Conv, Crop, Fc, Layer, LayerInfo, Model, Pool, PoolLayer, PoolMode, Reorg,
    Shape, Shuffle, Split, Upsample,
};

/// One layer of each kind, every optional field set (a model that need not be valid:
/// only its JSON form is read).
fn every_kind() -> Vec<Layer> {
    let conv = Conv {
        pool: Some(Pool { size: 2, stride: 2 }),
        kernel_w: Some(5),
        stride_w: Some(2),
        pad_bottom: Some(0),
        pad_left: Some(1),
        pad_right: Some(2),
        dilation: Some(2),
        groups: Some(2),
        ..Conv::same(8, 3).with_stride(1, 1)
    };
    let pool = PoolLayer {
        padding: 1,
        size_w: Some(3),
        stride_w: Some(1),
        pad_bottom: Some(0),
        pad_left: Some(1),
        pad_right: Some(0),
        ceil: true,
        ..PoolLayer::new(PoolMode::Avg, 2, 2)
    };
    vec![
        Layer::Conv(conv),
        Layer::Pool(pool),
        Layer::Pool(PoolLayer::global(PoolMode::Max)),
        Layer::Add,
        Layer::Mul,
        Layer::Scale,
        Layer::Concat,
        Layer::Split(Split {
            groups: 2,
            group_id: 1,
        }),
        Layer::Upsample(Upsample { factor: 2 }),
        Layer::Bilinear(Bilinear { factor: 2 }),
        Layer::Shuffle(Shuffle { groups: 2 }),
        Layer::Reorg(Reorg { stride: 2 }),
        Layer::Crop(Crop {
            top: 1,
            bottom: 2,
            left: 3,
            right: 4,
        }),
        Layer::Fc(Fc { outputs: 10 }),
    ]
}

#[test]
fn every_kind_reads_back_what_it_writes() {
    let model = Model::chain("kinds", Shape::new(8, 8, 4), every_kind());
    let text = json::to_json(&model);
    assert_eq!(json::parse_model(&text).unwrap(), model);
}

#[test]
fn every_kind_is_written_with_the_type_messages_name() {
    for layer in every_kind() {
        let value = serde_json::to_value(layer).unwrap();
        assert_eq!(value["type"], layer.type_name(), "{layer:?}");
    }
}

#[test]
fn a_kind_refuses_another_kinds_field_and_requires_its_own() {
    let read = |layer: &str| {
        let text = format!(
            r#"{{"input": {{"height": 8, "width": 8, "channels": 4}}, "layers": [{layer}]}}"#
        );
        json::parse_model(&text).unwrap_err().to_string()
    };
    assert_eq!(
        read(r#"{"type": "crop", "top": 1, "bottom": 1, "left": 1}"#),
        "layer 1: missing field `right`"
    );
    assert_eq!(
        read(r#"{"type": "split", "groups": 2, "group_id": 0, "factor": 2}"#),
        "layer 1: unknown field `factor`, expected `groups` or `group_id`"
    );
    assert_eq!(
        read(r#"{"type": "relu"}"#),
        "line 1 column 78: unknown variant `relu`, expected one of `conv`, `fc`, `pool`, \
         `add`, `mul`, `scale`, `concat`, `split`, `upsample`, `bilinear`, `shuffle`, `reorg`, \
         `crop`"
    );
}

/// Each kind says itself in words with the geometry that decides its rows: what the
/// page's tooltips and layer search read (the page has no list of kinds of its own).
#[test]
fn every_kind_says_its_geometry_in_words() {
    let input = Shape::new(8, 8, 2);
    let text = |kind: Layer| {
        let layer = LayerInfo {
            index: 1,
            kind,
            input,
            skip_channels: 0,
            conv_out: input,
            output: input,
            flops: 0,
            params: 0,
        };
        kind.op().text(&layer)
    };
    let texts: Vec<String> = every_kind().into_iter().map(text).collect();
    assert_eq!(
        texts,
        [
            "conv 3×5/1, 8 filters, depthwise, dilation 2, pool 2/2",
            "avg pool 2×3/2, padding 1, ceil",
            "global max pool",
            "add (residual)",
            "elementwise product",
            "per-channel scale",
            "concat",
            "channel group 2 of 2",
            "upsample ×2",
            "bilinear upsample ×2",
            "channel shuffle, 2 groups",
            "reorg 2×2",
            "crop 1/2 rows, 3/4 columns",
            "FC 10",
        ]
    );
    // Groups other than one per input channel are counted, not called depthwise.
    let grouped = Conv::same(8, 3).with_groups(4);
    assert_eq!(
        text(Layer::Conv(grouped)),
        "conv 3×3/1, 8 filters, 4 groups"
    );
}
