//! Darknet cfgs that branch, one construct each: the DAG layers and inputs they become
//! (docs/import.md), and the one-line errors of broken ones.

use coopai::import::darknet;
use coopai::model::{
    Conv, Layer, ModelError, Network, PoolLayer, PoolMode, Shape, Split, Upsample,
};

const NET: &str = "[net]\nheight=16\nwidth=16\nchannels=4\n";

fn load(body: &str) -> Network {
    darknet::load(&format!("{NET}{body}")).unwrap_or_else(|e| panic!("{e}"))
}

fn refuse(body: &str) -> ModelError {
    match darknet::load(&format!("{NET}{body}")) {
        Ok(n) => panic!("accepted as {:?}", n.model.layers),
        Err(e) => e,
    }
}

const CONV8: &str = "[convolutional]\nfilters=8\nsize=3\npad=1\n";

#[test]
fn shortcut_adds_the_previous_layer_and_from() {
    let net = load(&format!(
        "{CONV8}{CONV8}[activation]\n[shortcut]\nfrom=-3\n"
    ));
    assert_eq!(net.model.layers[2], Layer::Add);
    assert_eq!(net.model.inputs_of(3), [2, 1]);
    assert_eq!(net.output(), Shape::new(16, 16, 8));
}

#[test]
fn shortcut_with_fewer_channels_adds_to_the_first_ones() {
    // from has 8 channels, the previous layer 16: the sum covers channels 0..8 and
    // channels 8..16 pass unchanged (Darknet's shortcut_cpu).
    let net = load(&format!(
        "{CONV8}[convolutional]\nfilters=16\nsize=1\n[shortcut]\nfrom=-2\n"
    ));
    let split = |group_id| {
        Layer::Split(Split {
            groups: 2,
            group_id,
        })
    };
    assert_eq!(
        net.model.layers[2..],
        [split(0), Layer::Add, split(1), Layer::Concat]
    );
    assert_eq!(net.model.inputs_of(4), [3, 1]);
    assert_eq!(net.model.inputs_of(6), [4, 5]);
    assert_eq!(net.output(), Shape::new(16, 16, 16));
}

#[test]
fn sam_multiplies_the_previous_layer_by_from() {
    // The spatial attention block of AlexeyAB's yolov4-sam cfgs: a logistic 1×1 conv
    // makes the attention map, [sam] multiplies it by the map two layers back
    // (Darknet's forward_sam_layer: input[i] * from_output[i]); its activation is free.
    let net = load(&format!(
        "{CONV8}[convolutional]\nfilters=8\nsize=1\nactivation=logistic\n\
         [sam]\nfrom=-2\nactivation=linear\n{CONV8}"
    ));
    assert_eq!(net.model.layers[2], Layer::Mul);
    assert_eq!(net.model.inputs_of(3), [2, 1]);
    assert_eq!(net.inputs[3], [3]);
    assert_eq!(net.layer(3).output, Shape::new(16, 16, 8));
    // Three convs: 2·9·4·8·256 + 2·1·8·8·256 + 2·9·8·8·256; the product is free.
    assert_eq!(net.flops(), 147_456 + 32_768 + 294_912);
}

#[test]
fn route_of_one_layer_repoints_and_of_several_concatenates() {
    let net = load(&format!(
        "{CONV8}{CONV8}[route]\nlayers=-2\n{CONV8}[route]\nlayers=-1,1 # concat\n"
    ));
    // The third conv reads the first; the concat joins it with the second.
    assert_eq!(net.model.inputs_of(3), [1]);
    assert_eq!(net.model.layers[3], Layer::Concat);
    assert_eq!(net.model.inputs_of(4), [3, 2]);
    assert_eq!(net.output(), Shape::new(16, 16, 16));
}

#[test]
fn route_groups_take_one_channel_group_of_each_input() {
    let net = load(&format!(
        "{CONV8}[route]\nlayers=-1\ngroups=2\ngroup_id=1\n"
    ));
    assert_eq!(
        net.model.layers[1],
        Layer::Split(Split {
            groups: 2,
            group_id: 1
        })
    );
    assert_eq!(net.output(), Shape::new(16, 16, 4));
}

#[test]
fn upsample_scale_channels_and_global_avgpool() {
    let net = load(&format!(
        "{CONV8}[upsample]\nstride=2\n[avgpool]\n[convolutional]\nfilters=8\nsize=1\n\
         [scale_channels]\nfrom=-3\n"
    ));
    assert_eq!(net.model.layers[1], Layer::Upsample(Upsample { factor: 2 }));
    assert_eq!(
        net.model.layers[2],
        Layer::Pool(PoolLayer::global(PoolMode::Avg))
    );
    assert_eq!(net.model.layers[4], Layer::Scale);
    assert_eq!(net.model.inputs_of(5), [2, 4]);
    assert_eq!(net.output(), Shape::new(32, 32, 8));
}

#[test]
fn grouped_dilated_and_rectangular_stride_convs_keep_darknets_geometry_and_flops() {
    let net = load(
        "[convolutional]\nfilters=8\nsize=3\npad=1\ngroups=4\ndilation=2\n\
         [convolutional]\nfilters=8\nsize=3\npad=1\nstride_x=2\nstride_y=1\n",
    );
    let mut dilated = Conv::same(8, 3).with_stride(1, 2).with_groups(4);
    dilated.dilation = Some(2);
    assert_eq!(net.model.layers[0], Layer::Conv(dilated));
    // Darknet keeps 16×16 (pad 1 × dilation 2 on each side of a span-5 kernel);
    // FLOPs 2·3·3·(4/4)·8·16·16.
    assert_eq!(net.layer(1).output, Shape::new(16, 16, 8));
    assert_eq!(net.layer(1).flops, 2 * 9 * 8 * 256);
    assert_eq!(net.layer(2).output, Shape::new(16, 8, 8));
}

#[test]
fn local_costs_like_a_conv_of_its_geometry() {
    let net = load("[local]\nfilters=8\nsize=3\nstride=1\npad=1\n");
    assert_eq!(net.model.layers, [Layer::Conv(Conv::same(8, 3))]);
    assert_eq!(net.flops(), 2 * 9 * 4 * 8 * 256);
}

#[test]
fn a_repeated_key_keeps_its_first_value_as_darknet_does() {
    let net = load("[convolutional]\nfilters=8\nsize=3\nfilters=16\npad=1\n");
    assert_eq!(net.output(), Shape::new(16, 16, 8));
}

#[test]
fn heads_are_free_and_reorg_is_space_to_depth() {
    let net = load(&format!(
        "{CONV8}[yolo]\nmask=0,1\n[Gaussian_yolo]\n[reorg3d]\nstride=2\n"
    ));
    assert_eq!(net.len(), 2);
    assert_eq!(net.output(), Shape::new(8, 8, 32));
}

#[test]
fn broken_branches_are_refused_in_one_line_at_their_section() {
    let cases = [
        (
            format!("{CONV8}[shortcut]\nfrom=-5\n"),
            "line 10",
            "found from=-5, expected layers before this [shortcut]",
        ),
        (
            format!("{CONV8}[route]\nlayers=0,1\n"),
            "line 10",
            "expected layers before this [route] (from -1 to -1, or 0 to 0)",
        ),
        (
            format!("{CONV8}[route]\nlayers=-1\ngroups=2\ngroup_id=2\n"),
            "line 12",
            "found group_id=2, expected a group from 0 to 1",
        ),
        (
            format!("{CONV8}[maxpool]\nsize=2\nstride=2\n[route]\nlayers=-1,-2\n"),
            "line 12",
            "[route]: concatenates maps of different sizes: 8×8×8 and 16×16×8",
        ),
        (
            format!(
                "{CONV8}[maxpool]\nsize=2\nstride=2\n[upsample]\nstride=4\n[shortcut]\nfrom=-2\n"
            ),
            "line 14",
            "adds a 8×8×8 map to a 32×32×8 one",
        ),
        (
            format!("{CONV8}[scale_channels]\nfrom=-1\n"),
            "line 9",
            "scales a 16×16×8 map by 16×16×8 factors, expected 1×1×8",
        ),
        (
            format!("{CONV8}[maxpool]\nsize=2\nstride=2\n[sam]\nfrom=-2\n"),
            "line 12",
            "[sam]: multiplies tensors of different shapes: 8×8×8 and 16×16×8",
        ),
        (
            format!("{CONV8}{CONV8}[sam]\nfrom=-1,-2\n"),
            "line 14",
            "found from=-1,-2, expected at most 1",
        ),
        (
            "[convolutional]\nfilters=8\nsize=3\npad=0\ndilation=2\n".into(),
            "line 5",
            "found dilation=2 with size=3 and padding 0",
        ),
        (
            format!("{CONV8}[lstm]\noutput=8\n"),
            "line 9",
            "[lstm]: a recurrent layer",
        ),
        (
            format!("{CONV8}[connected]\noutput=4\n[route]\nlayers=-2\n"),
            "line 11",
            "cannot follow a [connected]",
        ),
    ];
    for (text, location, fragment) in cases {
        let e = refuse(&text);
        assert_eq!(e.location, location, "{text}: {e}");
        assert!(e.message.contains(fragment), "{text}: {e}");
        assert!(!e.to_string().contains('\n'));
    }
}

#[test]
fn a_recurrent_cfg_is_refused_at_its_layer_not_at_net() {
    // Recurrent cfgs describe a sequence (`inputs=`), not an image: no height.
    let e = darknet::load("[net]\ninputs=256\n\n[rnn]\noutput=1024\n[connected]\noutput=256\n")
        .unwrap_err();
    assert_eq!(e.location, "line 4");
    assert!(e.message.starts_with("[rnn]: a recurrent layer"), "{e}");
}

#[test]
fn a_cfg_that_expands_to_too_many_layers_stops_early_in_one_line() {
    // Each shortcut of the first layer's 4 channels onto 8 adds four layers (split,
    // add, split, concat).
    let mut text = format!("{NET}[convolutional]\nfilters=4\nsize=1\n");
    for _ in 0..3_000 {
        text.push_str("[convolutional]\nfilters=8\nsize=1\n[shortcut]\nfrom=0\n");
    }
    let start = std::time::Instant::now();
    let e = darknet::load(&text).unwrap_err();
    assert_eq!(e.location, "line 1");
    assert!(
        e.message
            .contains("more than 10000 layers, more than the limit of 1000"),
        "{e}"
    );
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn antialiased_and_depth_pools_are_refused_even_in_a_chain() {
    let e = refuse("[convolutional]\nfilters=8\nsize=3\npad=1\nantialiasing=1\n");
    assert_eq!(e.location, "line 9");
    assert!(e.message.contains("adds a blur conv"), "{e}");
    let e = refuse(&format!(
        "{CONV8}[maxpool]\nsize=2\nstride=2\nmaxpool_depth=1\n"
    ));
    assert_eq!(e.location, "line 12");
    assert!(e.message.contains("pools across channels"), "{e}");
}
